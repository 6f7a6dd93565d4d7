"""Generic exports: CSV, TSV, XLSX, Parquet or JSON records, with an optional mapping file."""
from __future__ import annotations

from pathlib import Path

from .detect import plan_for
from .mapping import ExportMapping
from .raw import RawTable, read_delimited
from .records import flatten, from_records, json_records, load_json, read_parquet, read_workbook
from .validate import ValidatedFile, validate_rows

XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def file_kind(path: Path) -> str:
    """'xlsx', 'parquet', 'json' or 'text', from the file's first bytes, then its suffix.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text('[{"score": 9}]')
    >>> file_kind(p)
    'json'
    """
    with open(path, "rb") as fh:
        head = fh.read(64)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if path.suffix.lower() in JSON_SUFFIXES or (start in (b"[", b"{") and _parses(path)):
        return "json"
    return "text"


def _parses(path: Path) -> bool:
    from ..errors import NpsInputError

    try:
        load_json(path)
    except NpsInputError:
        return False
    return True


def read_table(path: Path, mapping: ExportMapping | None = None) -> RawTable:
    """Any generic export as a text table (sheet, header row, encoding and delimiter from ``mapping``).

    Without ``header_row`` in the mapping, the header of a CSV or XLSX file is found
    (:func:`~nps_helpers.adapters.raw.header_index`): titles above it are skipped.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.tsv"
    >>> _ = p.write_text("score\\tdate\\n9\\t2021-01-01\\n")
    >>> read_table(p).data.to_pydict()
    {'score': ['9'], 'date': ['2021-01-01']}
    """
    mapping = mapping or ExportMapping()
    kind = file_kind(path)
    if kind == "xlsx":
        return read_workbook(path, sheet=mapping.sheet, header_row=mapping.header_row)
    if kind == "parquet":
        return read_parquet(path)
    if kind == "json":
        return from_records(path.name, [flatten(r) for r in json_records(load_json(path), path.name)])
    return read_delimited(path, header_row=mapping.header_row, encoding=mapping.encoding, delimiter=mapping.delimiter)


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a generic export: columns from the mapping, the rest detected by name.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("Date,Would you recommend us?\\n2021-03-01,9\\n2021-03-02,ten\\n")
    >>> batch = read(p)
    >>> batch.responses["score"].tolist(), batch.rejects["reason"].tolist()
    ([9], ['score_not_a_number'])
    """
    raw = read_table(path, mapping)
    return validate_rows(raw, plan_for(raw, mapping))
