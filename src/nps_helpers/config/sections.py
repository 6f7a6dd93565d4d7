"""The report's sections: their codes, the order a client's params choose, its extra notebook.

:data:`SECTIONS` is the one list of section codes, in the report notebook's order; the
params validator, the export's ordering and the README use it. Each display cell of
``notebooks/client_report.ipynb`` is tagged ``section-<code>``; render keeps and orders
the cells by a client's ``sections:`` after running the whole notebook (JupyterLab still
shows the notebook's own order). ``summary`` is always first and ``method`` always last:
the headline (NPS with interval and n) and the method note are what make every other
figure honest, so no choice of sections can leave them out.

Nothing here imports nbformat: the batch plan (no kernel) uses it too.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ..errors import NpsParamsError

SECTIONS: tuple[str, ...] = (
    "summary",
    "commentary",
    "category_split",
    "change",
    "trend",
    "reviews",
    "segments",
    "benchmarks",
    "churn",
    "health",
    "comments",
    "drivers",
    "experience",
    "extra",
    "method",
)
FIRST, LAST = "summary", "method"
EXTRA = "extra"
TAG_PREFIX = "section-"
# Cells of an extra notebook with this tag run only when the analyst runs it alone.
STANDALONE_TAG = "standalone"


def section_order(chosen: Sequence[str] | None) -> tuple[str, ...]:
    """The sections a report shows, in order: every one by default, else ``chosen``
    between ``summary`` and ``method`` (which are always there).

    Examples
    --------
    >>> section_order(["trend", "segments"])
    ('summary', 'trend', 'segments', 'method')
    >>> section_order(None) == SECTIONS
    True
    """
    if chosen is None:
        return SECTIONS
    middle = [code for code in chosen if code not in (FIRST, LAST)]
    return (FIRST, *middle, LAST)


def check_sections(codes: Sequence[str]) -> list[str]:
    """Check a ``sections:`` list; raise :class:`NpsParamsError` naming the key and the fix.

    Examples
    --------
    >>> check_sections(["summary", "trend", "method"])
    ['summary', 'trend', 'method']
    >>> check_sections(["trends"])
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: key 'sections': unknown section 'trends' (did you mean 'trend'?); sections: summary, commentary, category_split, change, trend, reviews, segments, benchmarks, churn, health, comments, drivers, experience, extra, method
    """
    for code in codes:
        if code not in SECTIONS:
            close = difflib.get_close_matches(str(code), SECTIONS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise NpsParamsError(
                f"key 'sections': unknown section '{code}'{hint}; sections: {', '.join(SECTIONS)}"
            )
    twice = [code for i, code in enumerate(codes) if code in codes[:i]]
    if twice:
        raise NpsParamsError(f"key 'sections': '{twice[0]}' is listed twice; list each section once")
    if FIRST in codes and codes[0] != FIRST:
        raise NpsParamsError(
            f"key 'sections': '{FIRST}' always comes first (the headline); put it first or leave it out"
        )
    if LAST in codes and codes[-1] != LAST:
        raise NpsParamsError(
            f"key 'sections': '{LAST}' always comes last (the method note); put it last or leave it out"
        )
    return list(codes)


def check_extra_path(value: str) -> str:
    """Check the form of an ``extra_notebook:`` path (relative to notebooks/, a .ipynb file).

    Examples
    --------
    >>> check_extra_path("clients/kestrel-bank.ipynb")
    'clients/kestrel-bank.ipynb'
    >>> check_extra_path("../secrets.ipynb")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: key 'extra_notebook': '../secrets.ipynb' must be a path inside notebooks/ (e.g. clients/<client>.ipynb), without '..'
    """
    path = PurePosixPath(value)
    if not value.strip() or path.is_absolute() or ".." in path.parts or "\\" in value:
        raise NpsParamsError(
            f"key 'extra_notebook': '{value}' must be a path inside notebooks/ "
            "(e.g. clients/<client>.ipynb), without '..'"
        )
    if path.suffix != ".ipynb":
        raise NpsParamsError(f"key 'extra_notebook': '{value}' is not a notebook (.ipynb)")
    return value


def extra_notebook_path(client_id: str, value: str | None, notebooks: str | Path) -> Path | None:
    """The checked absolute path of a client's extra notebook (None when it has none).

    It must be a readable notebook inside ``notebooks``; errors name the client file and key.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> extra_notebook_path("acme", "clients/acme.ipynb", folder)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: clients/acme.yaml, key 'extra_notebook': notebooks/clients/acme.ipynb not found; create it (a notebook with the client's own cells) or fix the path
    >>> (folder / "clients").mkdir(); _ = (folder / "clients" / "acme.ipynb").write_text('{"cells": []}')
    >>> extra_notebook_path("acme", "clients/acme.ipynb", folder).name
    'acme.ipynb'
    """
    if value is None:
        return None
    where = f"clients/{client_id}.yaml, key 'extra_notebook'"
    root = Path(notebooks).resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        raise NpsParamsError(f"{where}: {value} leads outside notebooks/ (a link?); keep it inside")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except FileNotFoundError:
        raise NpsParamsError(
            f"{where}: notebooks/{value} not found; create it (a notebook with the client's own "
            "cells) or fix the path"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise NpsParamsError(f"{where}: notebooks/{value} is not a readable notebook ({err})") from None
    if not isinstance(cells, list):
        raise NpsParamsError(f"{where}: notebooks/{value} is not a readable notebook (no list of cells)")
    return path
