"""SurveyMonkey CSV exports: question texts in row 1, answer labels in row 2, data from row 3.

A question with several answer columns leaves row 1 blank after its first column, so
those columns are named '<question> - <answer label>'.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow as pa

from .detect import plan_for
from .mapping import Columns, ExportMapping, merged
from .raw import RawTable, read_delimited, sniff_text, unique_names
from .validate import ValidatedFile, validate_rows

PLAIN_ANSWERS = ("", "response", "open-ended response")


def matches(records: list[list[str]]) -> bool:
    """Whether the first records look like a SurveyMonkey export.

    Examples
    --------
    >>> matches([["Respondent ID", "Collector ID", "Start Date"], ["", "", ""]])
    True
    """
    folded = {c.strip().casefold() for c in records[0]} if records else set()
    return len(records) >= 2 and {"respondent id", "collector id"} <= folded


def column_names(questions: list[str], answers: list[str]) -> list[str]:
    """Column names from the two header rows.

    Examples
    --------
    >>> column_names(["Respondent ID", "Which plan?", ""], ["", "Basic", "Pro"])
    ['Respondent ID', 'Which plan? - Basic', 'Which plan? - Pro']
    """
    names, current = [], ""
    for question, answer in zip(questions, answers, strict=True):
        current = question.strip() or current
        plain = answer.strip().casefold() in PLAIN_ANSWERS
        names.append(current if plain and question.strip() else f"{current} - {answer.strip()}" if current else answer)
    return unique_names(names)


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a SurveyMonkey CSV export.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "sm.csv"
    >>> _ = p.write_text(
    ...     "Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would recommend us?,Why?\\n"
    ...     ",,,,Response,Open-Ended Response\\n"
    ...     '1101,55,03/14/2021 10:00:00 AM,03/14/2021 10:02:00 AM,8,"Good,\\nbut slow"\\n')
    >>> batch = read(p)
    >>> batch.responses[["response_id", "score", "comment", "source_row"]].to_dict("records")
    [{'response_id': '1101', 'score': 8, 'comment': 'Good,\\nbut slow', 'source_row': 3}]
    """
    settings = mapping or ExportMapping()
    head = sniff_text(path, encoding=settings.encoding, delimiter=settings.delimiter)
    header_rows = 2 if _answer_labels_row(head.records(2)) else 1
    raw = read_delimited(path, header_rows=header_rows, encoding=head.encoding, delimiter=head.delimiter)
    names = column_names(list(raw.headers[0]), list(raw.headers[-1])) if header_rows == 2 else raw.columns
    labels = {q.strip(): name for q, name in zip(raw.headers[0], names, strict=True) if q.strip() and q.strip() != name}
    raw = _renamed(raw, names, labels)
    defaults = {
        "response_id": raw.resolve("Respondent ID"),
        "responded_at": raw.resolve("End Date") or raw.resolve("Start Date"),
        "customer_id": raw.resolve("Email Address"),
    }
    base = ExportMapping(columns=Columns(**{k: v for k, v in defaults.items() if v}))
    return validate_rows(raw, plan_for(raw, merged(base, mapping)))


def _answer_labels_row(records: list[list[str]]) -> bool:
    """Whether row 2 holds answer labels (its Respondent ID cell is blank), not a response."""
    folded = [c.strip().casefold() for c in records[0]] if records else []
    if len(records) < 2 or "respondent id" not in folded:
        return len(records) >= 2
    at = folded.index("respondent id")
    return at >= len(records[1]) or not records[1][at].strip()


def _renamed(raw: RawTable, names: list[str], labels: dict[str, str]) -> RawTable:
    data = pa.table(dict(zip(names, raw.data.columns, strict=True)))
    return dataclasses.replace(raw, data=data, labels=labels)
