"""Google Forms / Sheets CSV exports: a ``Timestamp`` column first, then one column per question.

The timestamp's layout follows the sheet's locale (``11/1/2019 8:51:12`` in the US,
``2021/04/01 3:03:41 PM GMT+2`` from the Forms download); when its day and month cannot
be told apart the error asks for ``date_format``.
"""
from __future__ import annotations

from pathlib import Path

from .detect import find_named, plan_for
from .mapping import Columns, ExportMapping, merged
from .raw import read_delimited
from .validate import ValidatedFile, validate_rows

TIMESTAMP_NAMES = (
    "timestamp", "sygnatura czasowa", "zeitstempel", "časovni žig", "отметка времени",
    "marca temporal", "horodateur", "informazioni cronologiche", "carimbo de data/hora", "tijdstempel",
)
EMAIL_NAMES = ("email address", "email", "adres e-mail", "e-mail-adresse", "e-poštni naslov", "адрес электронной почты")


def matches(records: list[list[str]]) -> bool:
    """Whether the first records look like a Google Forms export (a timestamp column first).

    Examples
    --------
    >>> matches([["Timestamp", "How likely are you to recommend us?"]])
    True
    """
    return bool(records and records[0]) and " ".join(records[0][0].split()).casefold() in TIMESTAMP_NAMES


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Google Forms CSV export.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "g.csv"
    >>> _ = p.write_text("Timestamp,Email Address,Would you recommend us?\\n"
    ...                  "2021/04/01 3:03:41 PM GMT+2,a@b.eu,9\\n")
    >>> read(p).responses[["responded_at", "customer_id", "score"]].astype(str).to_dict("records")
    [{'responded_at': '2021-04-01 13:03:41+00:00', 'customer_id': 'a@b.eu', 'score': '9'}]
    """
    settings = mapping or ExportMapping()
    raw = read_delimited(path, encoding=settings.encoding, delimiter=settings.delimiter)
    base = ExportMapping(columns=Columns(responded_at=raw.columns[0], customer_id=find_named(raw, EMAIL_NAMES)))
    return validate_rows(raw, plan_for(raw, merged(base, mapping)))
