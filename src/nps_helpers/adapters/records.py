"""Exports that are not delimited text: JSON from survey tools' APIs, Parquet, Excel workbooks.

Each is turned into the same RawTable of text cells as a CSV, so one validator reads them all.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import NpsInputError
from .raw import HEADER_SEARCH, RawTable, first_line, header_index, require_rows, unique_names


def cell_text(value: object) -> str:
    """A cell of a workbook, Parquet or JSON file as the text a CSV would hold.

    Examples
    --------
    >>> cell_text(None), cell_text(9), cell_text(dt.datetime(2021, 3, 1, 8, 5)), cell_text({"a": 1})
    ('', '9', '2021-03-01 08:05:00', '{"a": 1}')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def from_records(
    source: str,
    records: list[dict],
    *,
    rows: Iterable[int] | None = None,
    labels: Mapping[str, str] | None = None,
    broken: pd.DataFrame | None = None,
) -> RawTable:
    """A RawTable from JSON-like records (keys in first-seen order; missing keys are blank).

    Examples
    --------
    >>> raw = from_records("r.json", [{"id": 1, "score": 9}, {"id": 2, "note": None}])
    >>> raw.data.to_pydict(), raw.rows.tolist()
    ({'id': ['1', '2'], 'score': ['9', ''], 'note': ['', '']}, [1, 2])
    """
    names: dict[str, None] = {}
    for rec in records:
        names.update(dict.fromkeys(rec))
    data = pa.table({str(k): pa.array([cell_text(rec.get(k)) for rec in records], type=pa.string()) for k in names})
    raw = RawTable(
        source=source,
        data=data,
        rows=np.arange(1, len(records) + 1, dtype=np.int64) if rows is None else np.asarray(list(rows), dtype=np.int64),
        header=0,
        labels=dict(labels or {}),
        **({} if broken is None else {"broken": broken}),
    )
    return require_rows(raw)


def flatten(record: Mapping, prefix: str = "") -> dict:
    """Nested objects as dotted keys; lists stay whole.

    Examples
    --------
    >>> flatten({"id": 1, "person": {"id": "p1", "email": None}, "tags": ["a"]})
    {'id': 1, 'person.id': 'p1', 'person.email': None, 'tags': ['a']}
    """
    out: dict = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def load_json(path: Path) -> object:
    """A JSON or JSON-lines file, parsed; anything unreadable is an input error.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"a": 1}\\n{"a": 2}\\n')
    >>> load_json(p)
    [{'a': 1}, {'a': 2}]
    """
    data = path.read_bytes()
    if not data.strip():
        raise NpsInputError(f"{path.name} is empty: export it again with its responses")
    try:
        return json.loads(data)
    except RecursionError:
        raise NpsInputError(f"{path.name}: JSON nested too deeply to read") from None
    except (ValueError, UnicodeDecodeError) as err:
        first_error = err
    try:
        text = data.decode("utf-8-sig")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise NpsInputError(f"{path.name}: not valid JSON ({first_line(first_error)}); export it again") from None


def json_records(payload: object, name: str) -> list[dict]:
    """The list of response objects in a JSON payload (a list, or the one list in an object).

    Examples
    --------
    >>> json_records({"items": [{"a": 1}], "total_items": 1}, "x.json")
    [{'a': 1}]
    """
    if isinstance(payload, dict):
        lists = [v for v in payload.values() if isinstance(v, list)]
        payload = lists[0] if len(lists) == 1 else payload
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise NpsInputError(f"{name}: expected a list of response objects (or an object holding one list of them)")
    return payload


def read_parquet(path: Path) -> RawTable:
    """A Parquet file with every column cast to text.

    Examples
    --------
    >>> import tempfile, pyarrow.parquet as pq
    >>> p = Path(tempfile.mkdtemp()) / "x.parquet"
    >>> pq.write_table(pa.table({"score": [9, None]}), p)
    >>> read_parquet(p).data.to_pydict()
    {'score': ['9', '']}
    """
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        columns = {name: _as_text(col) for name, col in zip(unique_names(table.column_names), table.columns, strict=True)}
    except (pa.ArrowException, OSError, ValueError) as err:  # ValueError covers bad UTF-8 in names
        raise NpsInputError(f"{path.name}: not a readable Parquet file ({first_line(err)}); export it again") from None
    raw = RawTable(
        source=path.name,
        data=pa.table(columns) if columns else pa.table({}),
        rows=np.arange(1, table.num_rows + 1, dtype=np.int64),
        header=0,
    )
    return require_rows(raw)


def _as_text(column: pa.ChunkedArray) -> pa.Array:
    try:
        text = pc.cast(column, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        text = pa.array([cell_text(v) for v in column.to_pylist()], type=pa.string())
    return pc.fill_null(text, "")


def read_workbook(path: Path, *, sheet: str | None = None, header_row: int | None = None) -> RawTable:
    """One sheet of an XLSX workbook; the header is row ``header_row``, else found (:func:`header_index`).

    A workbook with several non-empty sheets needs ``sheet`` (the mapping's ``sheet:``).
    Rows above the header (a title, blank rows) are not data; row numbers are the sheet's.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.append(["score"]); ws.append([9]); wb.save(p)
    >>> raw = read_workbook(p)
    >>> raw.data.to_pydict(), raw.rows.tolist()
    ({'score': ['9']}, [2])
    >>> ws.insert_rows(1, 2); ws["A1"] = "NPS survey, June"; wb.save(p)
    >>> raw = read_workbook(p)
    >>> raw.data.to_pydict(), raw.rows.tolist(), raw.header
    ({'score': ['9']}, [4], 3)
    """
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
        book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError) as err:
        raise NpsInputError(f"{path.name}: not a readable XLSX workbook ({first_line(err)}); save it again from Excel") from None
    filled = {title: rows for title, rows in sheets.items() if any(_row_has_data(r) for r in rows)}
    if sheet is not None:
        if sheet not in sheets:
            raise NpsInputError(f"{path.name}: no sheet {sheet!r}; its sheets are {', '.join(map(repr, sheets))}")
        chosen = sheet
    elif len(filled) == 1:
        chosen = next(iter(filled))
    elif not filled:
        raise NpsInputError(f"{path.name} is empty: export it again with its responses")
    else:
        raise NpsInputError(
            f"{path.name}: the workbook has several sheets with data ({', '.join(map(repr, filled))}); "
            "name one in the mapping file (sheet: ...)"
        )
    rows = sheets[chosen]
    if not any(_row_has_data(r) for r in rows):
        raise NpsInputError(f"{path.name}, sheet {chosen!r} is empty: export it again with its responses")
    if header_row is None:
        top = header_index([[cell_text(v) for v in r] for r in rows[:HEADER_SEARCH]])
    elif header_row <= len(rows) and _row_has_data(rows[header_row - 1]):
        top = header_row - 1
    else:
        raise NpsInputError(f"{path.name}, sheet {chosen!r}, row {header_row}: header_row names an empty row; fix it in the mapping file")
    width = max(len(r) for r in rows[top:])
    header = unique_names(cell_text(v) for v in [*rows[top], *[None] * (width - len(rows[top]))])
    body = [(i + 1, r) for i, r in enumerate(rows) if i > top and _row_has_data(r)]
    data = pa.table(
        {name: pa.array([cell_text(r[j]) if j < len(r) else "" for _, r in body], type=pa.string()) for j, name in enumerate(header)}
    )
    raw = RawTable(source=path.name, data=data, rows=np.asarray([n for n, _ in body], dtype=np.int64), header=top + 1)
    return require_rows(raw)


def _row_has_data(row: list) -> bool:
    return any(v is not None and str(v).strip() for v in row)
