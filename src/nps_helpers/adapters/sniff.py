"""Guess how an export is written: its encoding, its delimiter and its date order.

Each guess looks at the data only, never at the file name, and a mapping file can
override it (``encoding``, ``delimiter``, ``date_format``).
"""
from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .duck import cursor

DELIMITERS = (",", ";", "\t", "|")
# Western European files are read as Windows-1252, whose printable characters include
# Latin-1's, so a file said to be Latin-1 reads the same (as browsers do).
WESTERN = ("cp1252", "iso8859-1")
# The DOS code page of Western Windows: cells typed in a DOS program hold its letters
# (é = 0x82, É = 0x90), which Windows-1252 reads as punctuation or not at all.
DOS_PAGE = "cp850"


def detect_encoding(data: bytes) -> str | None:
    """The codec name of ``data`` (a file or its first bytes), or None when it is not text.

    A byte-order mark decides first; then zero bytes reveal UTF-16 without one; then
    strict UTF-8. Legacy code pages are told apart by chardetng (Firefox's detector),
    which scores how plausible each decoding is as text in the languages that use it:
    a Windows-1252 ``£`` or ``è`` is not read as cp1250 ``Ł`` or cp1251 ``и``.

    Examples
    --------
    >>> detect_encoding("Ocena;Komentarz\\n9;Świetna obsługa\\n".encode("cp1250"))
    'cp1250'
    >>> detect_encoding("Comment\\nPrix £100, très bien\\nGröße passt\\n".encode("cp1252"))
    'cp1252'
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
    import chardetng_py
    import charset_normalizer

    try:
        guess = codecs.lookup(chardetng_py.detect(data[: 1 << 20], allow_utf8=False)).name
    except LookupError:
        return None
    # charset-normalizer tells text from binary junk; Latin-1 stands in for the bytes
    # Windows-1252 leaves undefined (cells typed in DOS, repaired later).
    # A lenient chaos threshold: short exports full of diacritics look "chaotic" by default.
    binary = charset_normalizer.is_binary(data[: 1 << 18], threshold=0.5, cp_isolation=[guess, "latin_1"])
    return None if binary else guess


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


def _reading(page: str, byte: int) -> str | None:
    try:
        return bytes([byte]).decode(page)
    except UnicodeDecodeError:
        return None


_WINDOWS = [_reading("cp1252", b) for b in range(256)]
# cp850 reads every byte: a DOS letter is never None.
_DOS = [bytes([b]).decode(DOS_PAGE) for b in range(256)]
# Latin-1 text of the bytes 0x80-0x9F: what Windows-1252 reads there, or the DOS letter
# for the five bytes it leaves undefined.
_WINDOWS_TEXT = str.maketrans({chr(b): _WINDOWS[b] or _DOS[b] for b in range(0x80, 0xA0)})
_QUOTE_OR_DASH = ("Pd", "Pi", "Pf")


def _letter(char: str | None) -> bool:
    return char is not None and unicodedata.category(char)[0] == "L"


def western_text(latin1: str) -> str:
    """Bytes (as Latin-1 text) read as Windows-1252; its five undefined bytes as cp850.

    Examples
    --------
    >>> western_text(b"caf\\xe9 \\x80 \\x90t\\xe9".decode("latin-1"))
    'café € Été'
    """
    return latin1.translate(_WINDOWS_TEXT)


@dataclass(frozen=True)
class Redecoded:
    """Cells of a Windows-1252 file read again: the table and how many cells changed."""

    table: pa.Table
    cells: int
    page: str = DOS_PAGE

    def note(self) -> str | None:
        """The line the ingest summary prints, or None when no cell changed."""
        if not self.cells:
            return None
        return f"{self.cells} cell{'s' if self.cells != 1 else ''} re-decoded from {self.page}"


def redecode_western(table: pa.Table) -> Redecoded:
    """Read a table of Latin-1 text (one character per byte) as Windows-1252, repairing cells
    typed in DOS (cp850).

    Windows-1252 reads the bytes 0x80-0x9F as punctuation (``‚ … –``) or not at all,
    where cp850 has letters (``é à û``; ``É`` is 0x90). A cell shows DOS typing when it
    holds a byte Windows-1252 leaves undefined, or one it reads as punctuation inside a
    word (quotes, apostrophes and dashes aside). Such a cell takes the DOS letter for each
    of those bytes, and for other bytes that Windows-1252 reads as punctuation or a symbol
    where cp850 has a letter (``·`` for ``À``). When those cells are at least as many as
    the other cells holding bytes 0x80-0x9F, the file mixes the two pages, and in the
    other cells such a byte takes its DOS letter when it touches a letter (``15€`` stays);
    a quote or dash only inside a word and for a lowercase letter (``go–t`` is ``goût``,
    ``l’accueil`` stays). Only cells holding bytes 0x80-0x9F are looked at one by one;
    ``cells`` counts those whose text differs from Windows-1252's.

    Examples
    --------
    >>> cells = ["Tr\\xe8s bien", "appr\\x82ci\\x82 \\x85 l'accueil", "d\\x82\\x87u", "15\\x80 \\x96 ok"]
    >>> out = redecode_western(pa.table({"c": cells}))
    >>> out.table.column("c").to_pylist(), out.note()
    (['Très bien', "apprécié à l'accueil", 'déçu', '15€ – ok'], '2 cells re-decoded from cp850')
    """
    masks = [_combined(pc.fill_null(pc.match_substring_regex(col, "[\\x{80}-\\x{9f}]"), False)) for col in table.columns]
    picked = [pc.filter(col, mask).to_pylist() if pc.any(mask).as_py() else [] for col, mask in zip(table.columns, masks, strict=True)]
    cells = [cell.encode("latin-1") for column in picked for cell in column]
    if not cells:
        return Redecoded(table, 0)
    evidence = [_dos_evidence(b) for b in cells]
    mixed = sum(evidence) >= len(cells) - sum(evidence)
    texts = iter(_read_cell(b, typed_in_dos=ev, mixed=mixed) for b, ev in zip(cells, evidence, strict=True))
    changed, columns = 0, []
    for col, mask, column in zip(table.columns, masks, picked, strict=True):
        if column:
            new = [next(texts) for _ in column]
            changed += sum(text != western_text(cell) for text, cell in zip(new, column, strict=True))
            col = pc.replace_with_mask(_combined(col), mask, pa.array(new, type=pa.string()))
        columns.append(col)
    return Redecoded(pa.table(columns, names=table.column_names), changed)


def _combined(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _letter_at(data: bytes, i: int, *, dos: bool) -> bool:
    """Whether byte ``i`` reads as a letter (with ``dos``, in either page for bytes 0x80-0x9F)."""
    if not 0 <= i < len(data):
        return False
    return _letter(_WINDOWS[data[i]]) or (dos and 0x80 <= data[i] < 0xA0 and _letter(_DOS[data[i]]))


def _touches_letter(data: bytes, at: int) -> bool:
    return _letter_at(data, at - 1, dos=False) or _letter_at(data, at + 1, dos=False)


def _inside_word(data: bytes, at: int, *, dos: bool = False) -> bool:
    return _letter_at(data, at - 1, dos=dos) and _letter_at(data, at + 1, dos=dos)


def _dos_evidence(data: bytes) -> bool:
    """Whether a cell holds a byte only DOS typing explains (see :func:`redecode_western`)."""
    for at, byte in enumerate(data):
        if 0x80 <= byte < 0xA0:
            windows = _WINDOWS[byte]
            if windows is None:
                return True
            if (
                not _letter(windows)
                and unicodedata.category(windows) not in _QUOTE_OR_DASH
                and _letter(_DOS[byte])
                and _inside_word(data, at, dos=True)
            ):
                return True
    return False


def _read_cell(data: bytes, *, typed_in_dos: bool, mixed: bool) -> str:
    if not (typed_in_dos or mixed):
        return western_text(data.decode("latin-1"))
    out = []
    for at, byte in enumerate(data):
        windows, dos = _WINDOWS[byte], _DOS[byte]
        if windows is None:
            out.append(dos)
        elif 0x80 <= byte < 0xA0:
            quote = not _letter(windows) and unicodedata.category(windows) in _QUOTE_OR_DASH
            # A Windows apostrophe inside a word (l’accueil) would read as DOS 'Æ': only a
            # lowercase DOS letter (go–t: goût) replaces a quote or dash there.
            inside = _inside_word(data, at) and dos.islower()
            near = typed_in_dos or (inside if quote else _touches_letter(data, at))
            out.append(dos if _letter(dos) and near else windows)
        elif typed_in_dos and byte >= 0xA0 and unicodedata.category(windows)[0] in "PS" and _letter(dos):
            out.append(dos)
        else:
            out.append(windows)
    return "".join(out)
