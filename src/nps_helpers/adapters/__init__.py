"""Survey exports in, canonical rows out: one module per tool, none touching the store.

Every adapter turns one file into a :class:`~nps_helpers.adapters.validate.ValidatedFile`:
canonical responses, rejected rows with their reasons, and the count of unanswered
surveys, with ``read = responses + unanswered + rejects``.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import NpsInputError
from . import (
    asknicely,
    delighted,
    generic,
    google_forms,
    qualtrics,
    retently,
    surveymonkey,
    survicate,
    typeform,
    wootric,
)
from .mapping import ExportMapping, load_mapping
from .raw import sniff_text
from .records import load_json
from .validate import ValidatedFile

READERS: dict[str, Callable[[Path, ExportMapping | None], ValidatedFile]] = {
    "qualtrics": qualtrics.read,
    "surveymonkey": surveymonkey.read,
    "delighted": delighted.read,
    "typeform": typeform.read,
    "google-forms": google_forms.read,
    "survicate": survicate.read,
    "wootric": wootric.read,
    "retently": retently.read,
    "asknicely": asknicely.read,
    "generic": generic.read,
}
# Tools whose exports are API pages (JSON) or CSVs of the same fields, tried after the others.
API_TOOLS = {"survicate": survicate, "wootric": wootric, "retently": retently, "asknicely": asknicely}
FORMATS = ("auto", *READERS)

__all__ = ["FORMATS", "ValidatedFile", "ExportMapping", "detect_format", "load_mapping", "read_export"]


def detect_format(path: str | os.PathLike, mapping: ExportMapping | None = None) -> str:
    """Which tool wrote ``path``, from its content: one of the keys of ``READERS``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text("Respondent ID,Collector ID,Start Date\\n,,\\n1,2,03/01/2021\\n")
    >>> detect_format(p)
    'surveymonkey'
    """
    path = Path(path)
    kind = generic.file_kind(path)
    if kind == "json":
        payload = load_json(path)
        if delighted.matches(payload):
            return "delighted"
        if typeform.matches(payload):
            return "typeform"
        return next((name for name, module in API_TOOLS.items() if module.matches_json(payload)), "generic")
    if kind != "text":
        return "generic"
    settings = mapping or ExportMapping()
    records = sniff_text(path, encoding=settings.encoding, delimiter=settings.delimiter).records(3)
    for name, module in (("qualtrics", qualtrics), ("surveymonkey", surveymonkey), ("google-forms", google_forms)):
        if module.matches(records):
            return name
    return next((name for name, module in API_TOOLS.items() if module.matches_csv(records)), "generic")


def read_export(path: str | os.PathLike, *, fmt: str = "auto", mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read one export with the adapter for ``fmt`` (detected from the content when 'auto').

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text("Date;Polecisz nas?\\n1.2.2021;9\\n14.2.2021;7,5\\n")
    >>> batch = read_export(p)
    >>> batch.read, len(batch.responses), batch.rejects["reason"].tolist()
    (2, 1, ['score_not_whole'])
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise NpsInputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise NpsInputError(f"{path.name}: file not found (looked in {path.parent})")
    return READERS[detect_format(path, mapping) if fmt == "auto" else fmt](path, mapping)
