"""Qualtrics CSV exports: field names, question texts and ImportId rows above the data.

The NPS question is the column with a ``<Q>_NPS_GROUP`` sibling (1 detractor, 2 passive,
3 promoter), else the question worded like one. A blank score is a respondent who left
before the question: counted as unanswered, not rejected. Times are read in the zone the
ImportId row gives the date column (``{"ImportId":"recordedDate","timeZone":"Europe/Warsaw"}``)
unless the mapping sets ``timezone``.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from ..core.schema import check_timezone
from ..errors import NpsInputError
from .detect import find_score, plan_for
from .mapping import Columns, ExportMapping, merged
from .raw import RawTable, read_delimited, sniff_text
from .validate import ValidatedFile, validate_rows

GROUP_SUFFIX = "_NPS_GROUP"
IMPORT_ID = '{"ImportId"'


def matches(records: list[list[str]]) -> bool:
    """Whether the first records look like a Qualtrics export.

    Examples
    --------
    >>> matches([["StartDate", "ResponseId", "Q1"], ["Start Date", "Response ID", "How..."],
    ...          ['{"ImportId":"startDate"}', '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}']])
    True
    """
    if len(records) >= 3 and records[2] and records[2][0].lstrip().startswith(IMPORT_ID):
        return True
    folded = {c.strip().casefold() for c in records[0]} if records else set()
    return {"startdate", "responseid"} <= folded


def _header_rows(records: list[list[str]]) -> int:
    if len(records) >= 3 and records[2] and records[2][0].lstrip().startswith(IMPORT_ID):
        return 3
    # Legacy exports have question texts in row 2 but no ImportId row: row 2 is a header
    # when its StartDate cell ('Start Date') is not a date.
    folded = [c.strip().casefold() for c in records[0]] if records else []
    if len(records) >= 2 and "startdate" in folded:
        cell = records[1][folded.index("startdate")] if len(records[1]) > folded.index("startdate") else ""
        return 1 if re.match(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", cell) else 2
    return 1


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Qualtrics CSV export.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "q.csv"
    >>> _ = p.write_text(
    ...     "RecordedDate,ResponseId,Q5,Q5_NPS_GROUP\\n"
    ...     "Recorded Date,Response ID,How likely are you to recommend us?,Group\\n"
    ...     '"{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID5""}",'
    ...     '"{""ImportId"":""QID5_NPS_GROUP""}"\\n'
    ...     "2021-03-01 10:00:00,R_1,9,3\\n2021-03-01 11:00:00,R_2,,\\n")
    >>> batch = read(p)
    >>> batch.responses[["response_id", "score", "source_row"]].to_dict("records"), batch.unanswered
    ([{'response_id': 'R_1', 'score': 9, 'source_row': 4}], 1)
    """
    settings = mapping or ExportMapping()
    head = sniff_text(path, encoding=settings.encoding, delimiter=settings.delimiter)
    header_rows = _header_rows(head.records(3))
    raw = read_delimited(path, header_rows=header_rows, encoding=head.encoding, delimiter=head.delimiter)
    raw = dataclasses.replace(raw, labels=_labels(raw))
    questions = [c for c in raw.columns if _is_question(raw, c)]
    defaults = {
        "response_id": raw.resolve("ResponseId") or raw.resolve("_recordId"),
        "responded_at": raw.resolve("RecordedDate") or raw.resolve("EndDate"),
        "customer_id": raw.resolve("ExternalReference") or raw.resolve("ExternalDataReference"),
        "language": raw.resolve("UserLanguage"),
        "score": None if settings.columns.score else _grouped_score(raw, questions),
    }
    base = ExportMapping(columns=Columns(**{k: v for k, v in defaults.items() if v}))
    plan = plan_for(raw, merged(base, mapping), among=questions, blank_score="unanswered")
    zone = _export_zone(raw, plan.responded_at)
    if zone and "timezone" not in settings.model_fields_set:
        plan = dataclasses.replace(plan, timezone=zone)
    batch = validate_rows(raw, plan)
    # Only questions are worth keeping: Qualtrics' metadata columns (IPAddress, Progress,
    # Location...) are no segment, so ingest does not suggest storing them.
    return dataclasses.replace(batch, unused=tuple(c for c in batch.unused if c in questions))


def _export_zone(raw: RawTable, column: str | None) -> str | None:
    """The ``timeZone`` the ImportId row gives ``column`` ('Z' is UTC), or None."""
    if column not in raw.columns:
        return None
    at = raw.columns.index(column)
    for i, row in enumerate(raw.headers[1:], start=1):
        cell = row[at].strip()
        try:
            zone = json.loads(cell).get("timeZone") if cell.startswith("{") else None
        except (ValueError, AttributeError):
            continue
        if zone:
            zone = "UTC" if zone == "Z" else str(zone)
            try:
                return check_timezone(zone)
            except NpsInputError:
                line = raw.header - len(raw.headers) + 1 + i
                raise NpsInputError(
                    f"{raw.where(column, line)}: time zone {zone!r} of the ImportId row is not an "
                    "IANA name; set timezone: in the mapping file (e.g. Europe/Warsaw)"
                ) from None
    return None


def _labels(raw: RawTable) -> dict[str, str]:
    """Question texts (row 2) and ImportIds (row 3) as other names of each column."""
    labels: dict[str, str] = {}
    for row in raw.headers[1:]:
        for col, cell in zip(raw.columns, row, strict=True):
            text = cell.strip()
            if text.startswith("{"):
                try:
                    text = str(json.loads(text).get("ImportId", ""))
                except (ValueError, AttributeError):
                    continue
            if text and text not in raw.columns:
                labels.setdefault(text, col)
    return labels


def _is_question(raw: RawTable, column: str) -> bool:
    ids = [alias for alias, col in raw.labels.items() if col == column]
    if any(i.startswith("QID") for i in ids):
        return not column.endswith(GROUP_SUFFIX)
    return column[:1] == "Q" and column[1:2].isdigit() and not column.endswith(GROUP_SUFFIX)


def _grouped_score(raw: RawTable, questions: list[str]) -> str | None:
    grouped = [c for c in raw.columns if f"{c}{GROUP_SUFFIX}" in raw.columns]
    if len(grouped) > 1:
        return find_score(raw, among=grouped)
    return grouped[0] if grouped else None
