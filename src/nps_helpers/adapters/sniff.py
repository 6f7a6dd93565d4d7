"""Guess how an export is written: its encoding, its delimiter and its date order.

Each guess looks at the data only, never at the file name, and a mapping file can
override it (``encoding``, ``delimiter``, ``date_format``).
"""
from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .duck import cursor

# Single-byte code pages tried when a file is not UTF-8 or UTF-16: Central European
# (Polish, Slovenian), Cyrillic (Russian) and Western European (German).
LEGACY_ENCODINGS = ("cp1250", "cp1251", "cp1252")
DELIMITERS = (",", ";", "\t", "|")


def detect_encoding(data: bytes) -> str | None:
    """The codec name of ``data`` (a file or its first bytes), or None when nothing fits.

    A byte-order mark decides first; then zero bytes reveal UTF-16 without one; then
    strict UTF-8; then the legacy code pages, judged by charset-normalizer.

    Examples
    --------
    >>> detect_encoding("Ocena;Komentarz\\n9;Świetna obsługa\\n".encode("cp1250"))
    'cp1250'
    >>> detect_encoding(codecs.BOM_UTF8 + "żółć".encode())
    'utf-8'
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    half = len(sample) // 2
    if half and sample[1::2].count(0) > half * 0.3 and sample[0::2].count(0) < half * 0.05:
        return "utf-16-le"
    if half and sample[0::2].count(0) > half * 0.3 and sample[1::2].count(0) < half * 0.05:
        return "utf-16-be"
    if is_utf8(data):
        return "utf-8"
    import charset_normalizer

    # A lenient chaos threshold: short exports full of diacritics look "chaotic" by default.
    best = charset_normalizer.from_bytes(data[:1 << 18], cp_isolation=list(LEGACY_ENCODINGS), threshold=0.5).best()
    return None if best is None else codecs.lookup(best.encoding).name


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, allowing a character cut off at its very end.

    Examples
    --------
    >>> is_utf8("żółć".encode()[:-1]), is_utf8("żółć".encode("cp1250"))
    (True, False)
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.reason == "unexpected end of data" and err.start >= len(data) - 3
    return True


def detect_delimiter(text: str, *, complete: bool = True) -> str:
    """The delimiter (``,`` ``;`` tab or ``|``) that splits the first records most evenly.

    ``complete`` says whether ``text`` is the whole file; when it is not, its last
    record may be cut off and is left out of the count.

    Examples
    --------
    >>> detect_delimiter("Ocena;Data;Komentarz\\n7,0;1.2.2021;Dobrze, szybko\\n")
    ';'
    >>> detect_delimiter("a\\tb\\n1\\t2\\n")
    '\\t'
    """
    best, best_key = ",", (0.0, 0)
    for delim in DELIMITERS:
        counts = [len(rec) for rec in _first_records(text, delim, 50, complete)]
        if not counts:
            continue
        fields, seen = Counter(counts).most_common(1)[0]
        key = (seen / len(counts), fields)
        if fields > 1 and key > best_key:
            best, best_key = delim, key
    return best


def _first_records(text: str, delimiter: str, limit: int, complete: bool) -> list[list[str]]:
    try:
        records = []
        for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(rec)
            if len(records) > limit:
                break
    except csv.Error:
        return []
    if not complete and len(records) <= limit:
        records = records[:-1]
    return [rec for rec in records if any(cell.strip() for cell in rec)]


@dataclass(frozen=True)
class DateOrder:
    """Which part of a ``D/M/Y``-like date is the day, with the evidence for it.

    ``day_first_at`` is the index of a value that can only be day-first (first part
    above 12), ``month_first_at`` one that can only be month-first (both set: the column
    mixes the two), ``ambiguous_at`` one that reads both ways as different dates.
    """

    day_first_at: int | None
    month_first_at: int | None
    ambiguous_at: int | None = None

    @property
    def order(self) -> str | None:
        """'day-first', 'month-first', or None when ambiguous or mixed."""
        if self.day_first_at is not None and self.month_first_at is None:
            return "day-first"
        if self.month_first_at is not None and self.day_first_at is None:
            return "month-first"
        return None


def date_order(values: Sequence[str] | pa.Array | pa.ChunkedArray) -> DateOrder:
    """Day-first or month-first, judged from every ``N/N/YYYY``-like value.

    Values of other shapes (ISO dates, text) are ignored.

    Examples
    --------
    >>> date_order(["03/04/2021", "25/12/2021"]).order
    'day-first'
    >>> date_order(["03/04/2021", "04/03/2021"])
    DateOrder(day_first_at=None, month_first_at=None, ambiguous_at=0)
    """
    table = pa.table({"v": pa.array(values, type=pa.string()), "i": np.arange(len(values))})
    first, second = (
        f"TRY_CAST(regexp_extract(v, '^\\s*(\\d{{1,2}})[./-](\\d{{1,2}})[./-]\\d{{2,4}}', {k}) AS INTEGER)"
        for k in (1, 2)
    )
    with cursor() as con:
        con.register("t", table)
        found = con.sql(
            "SELECT min(i) FILTER (WHERE a > 12 AND b <= 12), min(i) FILTER (WHERE b > 12 AND a <= 12), "
            "min(i) FILTER (WHERE a <= 12 AND b <= 12 AND a <> b) "
            f"FROM (SELECT i, {first} AS a, {second} AS b FROM t)"
        ).fetchall()[0]
    return DateOrder(*found)
