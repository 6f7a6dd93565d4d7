"""Files read as text: every cell a string, every row with the number a user sees.

Readers here know file formats (CSV/TSV, XLSX, Parquet, JSON records) but nothing about
surveys: the tool adapters and the validator give the columns their meaning.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..errors import NpsInputError
from .sniff import (
    WESTERN,
    detect_delimiter,
    detect_encoding,
    is_utf8,
    redecode_western,
    western_text,
)

REJECT_COLUMNS = ("source_file", "source_row", "column", "value", "reason")
HEAD_BYTES = 1 << 20
BLOCK_BYTES = 1 << 24
UTF8 = ("utf-8", "utf-8-sig")
HEADER_SEARCH = 50
# A cell that is a number, a date or a time: a row holding one is data, not column names.
_VALUE = re.compile(r"^[-+]?[\d\s.,:/%-]*\d[\d\s.,:/%-]*$")


def rejects_frame(
    source: str, rows: Iterable[int], column: Iterable[str] | str, values: Iterable[object], reason: Iterable[str] | str
) -> pd.DataFrame:
    """Rejected rows in the store's rejects layout (one row per rejected input row).

    Examples
    --------
    >>> rejects_frame("a.csv", [3], "score", ["ten"], "score_not_a_number").to_dict("records")
    [{'source_file': 'a.csv', 'source_row': 3, 'column': 'score', 'value': 'ten', 'reason': 'score_not_a_number'}]
    """
    frame = pd.DataFrame({"source_row": np.asarray(list(rows), dtype="int64")})
    frame.insert(0, "source_file", source)
    frame["column"] = column if isinstance(column, str) else list(column)
    frame["value"] = [str(v)[:200] for v in values]
    frame["reason"] = reason if isinstance(reason, str) else list(reason)
    return frame.astype({"source_file": "str", "column": "str", "value": "str", "reason": "str"})


@dataclass(frozen=True)
class RawTable:
    """One export read as text.

    ``data`` has one string column per source column (named from the first header row,
    made unique), ``rows`` the row number of each data row as a user sees it (the
    spreadsheet row; the item number in JSON), ``header`` the row number of the last
    header row (0 when there is none), ``headers`` the header rows' cells, ``labels`` other names a column is known by (question text, ids), ``broken`` the
    rows that could not be split into columns, already in the rejects layout, and ``notes``
    what the reading changed that the ingest summary says (cells re-decoded...).
    """

    source: str
    data: pa.Table
    rows: np.ndarray
    header: int = 1
    headers: tuple[tuple[str, ...], ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    broken: pd.DataFrame = field(default_factory=lambda: rejects_frame("", [], "", [], ""))
    notes: tuple[str, ...] = ()

    @property
    def read(self) -> int:
        """Rows read from the file: data rows plus broken ones."""
        return self.data.num_rows + len(self.broken)

    @property
    def columns(self) -> list[str]:
        """Column names in file order."""
        return self.data.column_names

    def where(self, column: str | None = None, row: int | None = None) -> str:
        """'file, row N, column 'X'' for messages (row defaults to the row of column names)."""
        if row is None and self.header:
            row = self.header - max(len(self.headers), 1) + 1
        parts = [self.source] + ([f"row {row}"] if row else [])
        return ", ".join(parts + ([f"column {column!r}"] if column else []))

    def header_taken(self) -> str:
        """Which row was read as the header, for errors a wrong one may cause ('' when none)."""
        if not self.header:
            return ""
        first = self.header - max(len(self.headers), 1) + 1
        return f" (row {first} was taken as the header; if it is another row, set header_row in the mapping file)"

    def texts(self, column: str) -> list[str]:
        """Every name of ``column``: its header and its labels (question text...)."""
        return [column, *(alias for alias, col in self.labels.items() if col == column)]

    def resolve(self, name: str) -> str | None:
        """The column a user's name refers to: exact, then ignoring case and spaces, then a label."""
        if name in self.data.column_names:
            return name
        folded = _fold(name)
        for col in self.data.column_names:
            if _fold(col) == folded:
                return col
        for alias, col in self.labels.items():
            if alias == name or _fold(alias) == folded:
                return col
        return None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def unique_names(names: Iterable[str]) -> list[str]:
    """Header cells made usable as column names: blanks numbered, repeats suffixed.

    Examples
    --------
    >>> unique_names(["Q1", "", "Q1", " Q2 "])
    ['Q1', 'column_2', 'Q1 (2)', 'Q2']
    """
    out: list[str] = []
    for i, raw in enumerate(names):
        name = " ".join(str(raw).split()) or f"column_{i + 1}"
        base, k = name, 2
        while name in out:
            name, k = f"{base} ({k})", k + 1
        out.append(name)
    return out


@dataclass(frozen=True)
class TextHead:
    """The start of a delimited text file and how it is written."""

    encoding: str
    delimiter: str
    text: str
    complete: bool

    def records(self, limit: int) -> list[list[str]]:
        """Up to ``limit`` first records, split with the file's delimiter."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        out: list[list[str]] = []
        try:
            for rec in reader:
                if len(out) == limit:
                    break
                out.append(rec)
        except csv.Error:
            pass
        return out


def sniff_text(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> TextHead:
    """Read the start of a text export and guess its encoding and delimiter.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("Ocena;Uwagi\\n9;Świetnie\\n".encode("cp1250"))
    >>> head = sniff_text(p)
    >>> head.encoding, head.delimiter, head.records(5)
    ('cp1250', ';', [['Ocena', 'Uwagi'], ['9', 'Świetnie']])
    """
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise NpsInputError(f"{path.name} is empty: export it again with its responses")
    enc = encoding or detect_encoding(head)
    if enc is None:
        raise NpsInputError(
            f"{path.name}: not text in a known encoding (UTF-8, UTF-16, cp1250, cp1251, cp1252, latin-1); "
            "set encoding in the mapping file"
        )
    complete = len(head) < HEAD_BYTES
    # UTF-8 may end inside a character (a cut-off export): that tail only matters to pyarrow.
    strict = complete and enc not in UTF8
    text = _decode(head if complete else head[: len(head) - len(head) % 4], enc, path.name, strict=strict)
    return TextHead(enc, delimiter or detect_delimiter(text, complete=complete), text, complete)


def _decode(data: bytes, encoding: str, name: str, *, strict: bool = True) -> str:
    if encoding in WESTERN:
        # Every byte means something here (the five Windows-1252 leaves out are cp850's).
        return western_text(data.decode("latin-1"))
    try:
        text = data.decode(encoding, errors="strict" if strict else "replace")
    except UnicodeDecodeError as err:
        raise NpsInputError(
            f"{name}: byte {err.start} is not valid {encoding}; set encoding in the mapping file "
            "(utf-8, utf-16, cp1250, cp1251, cp1252, latin-1) or export as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def header_index(records: list[list[str]]) -> int:
    """Index of the header among the first records: the first row of names above data.

    A row of names holds no number or date. A title above the header is a row of names
    too, but the next non-blank row is another row of names, either with more of them or
    after a blank row. With no such row the first non-blank one is the header.

    Examples
    --------
    >>> header_index([["Customer survey, Q3"], [], ["Date", "NPS", "Comment"], ["2021-01-02", "9", "ok"]])
    2
    >>> header_index([["Date", "NPS"], ["Data", "Ocena"], ["2021-01-02", "9"]])
    0
    """
    rows = [[cell.strip() for cell in rec] for rec in records]
    filled = [i for i, row in enumerate(rows) if any(row)]

    def names(row: list[str]) -> list[str] | None:
        cells = [cell for cell in row if cell]
        return None if any(_VALUE.match(cell) for cell in cells) else cells

    for at, i in enumerate(filled):
        these = names(rows[i])
        if these is None:
            continue
        after = names(rows[filled[at + 1]]) if at + 1 < len(filled) else None
        if after is None or (len(after) <= len(these) and filled[at + 1] == i + 1):
            return i
    return filled[0] if filled else 0


def read_delimited(
    path: Path,
    *,
    header_rows: int = 1,
    header_row: int | None = 1,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read a CSV/TSV export as text; ``header_rows`` records from row ``header_row`` are headers.

    ``header_row`` is the spreadsheet row of the (first) header, None to find it
    (:func:`header_index`); rows above it (a title, blank rows) are not data. Rows with the
    wrong number of fields go to ``broken``; blank rows are skipped (they hold no answer)
    but still count in the row numbers. A Windows-1252 file's cells typed in DOS are
    re-decoded (:func:`~nps_helpers.adapters.sniff.redecode_western`) and noted.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text('id,score\\n1,9\\n\\n2,"1\\n0"\\n3\\n')
    >>> raw = read_delimited(p)
    >>> raw.data.to_pydict(), raw.rows.tolist(), raw.broken["source_row"].tolist()
    ({'id': ['1', '2'], 'score': ['9', '1\\n0']}, [2, 4], [5])
    >>> _ = p.write_text('NPS export\\n\\nid,score\\n1,9\\n')
    >>> raw = read_delimited(p, header_row=None)
    >>> raw.data.to_pydict(), raw.rows.tolist(), raw.header
    ({'id': ['1'], 'score': ['9']}, [4], 3)
    """
    head = sniff_text(path, encoding=encoding, delimiter=delimiter)
    records = head.records(max(header_row or 0, HEADER_SEARCH) + header_rows)
    top = header_index(records) + 1 if header_row is None else header_row
    first = records[top - 1 : top - 1 + header_rows]
    if len(first) < header_rows:
        raise NpsInputError(f"{path.name}: expected {header_rows} header row(s) from row {top}; the file is shorter")
    width = max(len(first[0]), 1)
    encoding_read: str | None = head.encoding
    try:
        table, bad = _read_arrow(_source(path, head.encoding), head.delimiter, width)
    except _Unsplittable as err:
        # Read as UTF-8 from the start of the file, but bytes further on are not UTF-8.
        if head.encoding not in UTF8 or (not err.utf8 and is_utf8(path.read_bytes())):
            raise NpsInputError(f"{path.name}: cannot be split into rows and columns ({err}); export it again") from None
        if encoding:
            raise NpsInputError(f"{path.name}: not valid {encoding}; fix encoding in the mapping file") from None
        encoding_read = detect_encoding(path.read_bytes())
        if encoding_read is None:
            raise NpsInputError(f"{path.name}: not valid UTF-8 nor a known code page; set encoding in the mapping file") from None
        try:
            table, bad = _read_arrow(_source(path, encoding_read, cut=True), head.delimiter, width)
        except _Unsplittable as again:
            raise NpsInputError(f"{path.name}: cannot be split into rows and columns ({again}); export it again") from None
    notes: tuple[str, ...] = ()
    if encoding_read in WESTERN:
        redecoded = redecode_western(table)
        table, notes = redecoded.table, tuple(filter(None, [redecoded.note()]))
    numbers = _record_numbers(table.num_rows, [n for n, _ in bad])
    at = int(np.searchsorted(numbers, top))
    last = top + header_rows - 1
    if numbers[at : at + header_rows].tolist() != list(range(top, last + 1)):
        raise NpsInputError(f"{path.name}, row {top}: the header rows differ in length; export the file again")
    headers = tuple(tuple(r.values()) for r in table.slice(at, header_rows).to_pylist())
    data = table.slice(at + header_rows).rename_columns(unique_names(headers[0]))
    rows = numbers[at + header_rows :]
    keep = _not_blank(data)
    if keep is not None:
        data, rows = data.filter(keep), rows[np.asarray(keep)]
    broken = [(n, text) for n, text in bad if n > last and text.strip()]
    raw = RawTable(
        source=path.name,
        data=data,
        rows=rows,
        header=last,
        headers=headers,
        broken=rejects_frame(path.name, [n for n, _ in broken], "(row)", [t for _, t in broken], "wrong_field_count"),
        notes=notes,
    )
    return require_rows(raw)


def require_rows(raw: RawTable) -> RawTable:
    """``raw`` itself, or an error naming the file when it holds no data row.

    Examples
    --------
    >>> raw = RawTable("a.csv", pa.table({"score": ["9"]}), np.array([2]))
    >>> require_rows(raw) is raw
    True
    """
    if raw.read == 0:
        raise NpsInputError(f"{raw.where(row=raw.header + 1)}: no responses in the file; export it again with its responses")
    return raw


class _Unsplittable(Exception):
    """pyarrow could not parse the file; ``utf8`` says it was for bytes that are not UTF-8."""

    def __init__(self, message: str, *, utf8: bool):
        super().__init__(message)
        self.utf8 = utf8


def _source(path: Path, encoding: str, *, cut: bool = False) -> Callable[[], object]:
    """What pyarrow reads: the file itself when UTF-8, else its text re-encoded as UTF-8.

    ``cut`` is for a UTF-8 file that ends inside a character (a truncated export): the
    broken tail becomes U+FFFD so the rows before it still read. A Windows-1252 file goes
    as Latin-1 text, one character per byte, so its cells can be read again one by one.
    """
    if encoding in UTF8 and not cut:
        return lambda: str(path)
    raw = path.read_bytes()
    if encoding in UTF8:
        text = raw.decode("utf-8", errors="replace")
    elif encoding in WESTERN:
        text = raw.decode("latin-1")
    else:
        text = _decode(raw, encoding, path.name)
    data = text.encode("utf-8")
    return lambda: pa.BufferReader(data)


def _read_arrow(source: Callable[[], object], delimiter: str, width: int) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Every record as strings, and the records whose field count is not ``width``."""
    for threads in (True, False):
        bad: list[tuple[int | None, str]] = []

        def keep_aside(row, bad=bad):
            bad.append((row.number, row.text))
            return "skip"

        try:
            table = pcsv.read_csv(
                source(),
                read_options=pcsv.ReadOptions(
                    column_names=[f"f{i}" for i in range(width)], use_threads=threads, block_size=BLOCK_BYTES
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=keep_aside
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(width)},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as err:
            raise _Unsplittable(first_line(err), utf8="UTF8" in str(err) or "UTF-8" in str(err)) from None
        # Row numbers of set-aside records are only known when read on one thread.
        if all(n is not None for n, _ in bad):
            # mypy cannot narrow a list through all(): no row number is None here.
            return table, cast("list[tuple[int, str]]", bad)
    raise AssertionError("pyarrow gave no row numbers on a single thread")


def first_line(err: Exception) -> str:
    """The first line of an error's message, at most 160 characters, for a one-line report.

    Examples
    --------
    >>> first_line(ValueError("bad row" + chr(10) + "more detail"))
    'bad row'
    """
    return str(err).strip().splitlines()[0][:160]


def _record_numbers(kept: int, set_aside: list[int]) -> np.ndarray:
    total = kept + len(set_aside)
    mask = np.ones(total, dtype=bool)
    mask[np.asarray(set_aside, dtype=np.int64) - 1] = False
    return np.arange(1, total + 1, dtype=np.int64)[mask]


def _not_blank(data: pa.Table) -> pa.Array | None:
    """Mask of rows with any non-blank cell; None when no row is blank (the usual case)."""
    if data.num_columns == 0 or data.num_rows == 0:
        return None
    blank = None
    for col in data.columns:
        empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return None
    return pc.invert(blank).combine_chunks() if isinstance(blank, pa.ChunkedArray) else pc.invert(blank)


_SNAKE = re.compile(r"[^0-9a-z]+")


def snake(name: str) -> str:
    """A column name as snake_case ASCII (for segment and driver names).

    Examples
    --------
    >>> snake("Customer Region (EU)")
    'customer_region_eu'
    """
    return _SNAKE.sub("_", name.casefold()).strip("_")
