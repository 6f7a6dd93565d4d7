"""Reading dates and times from exports: formats, day/month order, time zones, Excel serials.

DuckDB parses each distinct text once; ambiguous day/month orders are decided from the whole
column, and a column that stays ambiguous is an error naming the fix (date_format:).
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import NpsInputError
from .cells import FUTURE_SLACK, OLDEST, Parsed, Values, trimmed
from .duck import cursor
from .mapping import DATE_ORDERS
from .sniff import date_order

# Excel's pivot for two-digit years: 00-29 are 2000-2029, 30-99 are 1930-1999.
_TWO_DIGIT_YEAR = r"^(\d{1,2}[./-]\d{1,2}[./-])([%s]\d)(\D|$)"
_DATE_PARTS = ("{d}{s}{m}{s}%Y", "%Y{s}%m{s}%d")
_TIME_PARTS = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p", " %I:%M:%S%p")

# A time followed by Z, +hh[:mm], or GMT/UTC with an optional +h[:mm] (Google Forms).
_WITH_OFFSET = (
    r"\d:\d\d(:\d\d([.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?\s*"
    r"(Z|[+-]\d\d(:?\d\d)?|(GMT|UTC)(\s*[+-]\d{1,2}(:?\d\d)?)?)$"
)


# ISO 8601 (with or without offset) as DuckDB casts it; the digit test keeps out words
# DuckDB also accepts ('epoch', 'infinity').
_ISO = "CASE WHEN left(v, 1) BETWEEN '0' AND '9' THEN TRY_CAST(v AS TIMESTAMPTZ) END"
# Offsets written as 'GMT+2' (Google Forms) or a trailing 'UTC', made readable for %z.
_OFFSET = (
    r"regexp_replace(regexp_replace(regexp_replace(v, '\s*(?:GMT|UTC)$', ' +00'), "
    r"'\s*(?:GMT|UTC)\s*([+-])(\d)(:\d\d)?$', ' \10\2\3'), '\s*(?:GMT|UTC)\s*([+-]\d\d)', ' \1')"
)


class AmbiguousDates(NpsInputError):
    """Dates that read both day-first and month-first; ``at`` (and ``other``) index the values.

    ``other`` is set when the column mixes the two orders, else the values are ambiguous.
    """

    def __init__(self, at: int, other: int | None = None):
        super().__init__("dates read both day-first and month-first; set date_format")
        self.at, self.other = at, other


def parse_datetimes(
    values: Values,
    *,
    date_format: str | None = None,
    timezone: str = "UTC",
    now: dt.datetime | None = None,
) -> Parsed:
    """Timestamps in UTC from text; a time without an offset is read in ``timezone``.

    ``date_format`` is None (detect: ISO 8601 first, then ``D/M/Y`` or ``M/D/Y`` from the
    data), 'day-first', 'month-first', 'unix' (seconds) or a strptime pattern. Detection
    raises :class:`AmbiguousDates` when no value tells day from month. Reasons:
    ``date_missing``, ``date_unreadable``, ``date_too_old`` (before 1980), ``date_in_future``
    (more than a day ahead). A two-digit year in ``D/M/YY`` reads by Excel's pivot: 00-29 are
    2000-2029, 30-99 are 1930-1999.

    Examples
    --------
    >>> p = parse_datetimes(["2021-07-01 10:00", "25/12/2021", "1/2/2021 8:05 PM", "31/02/2021"],
    ...                     timezone="Europe/Warsaw")
    >>> [str(v) for v in p.values.to_pylist()]
    ['2021-07-01 08:00:00+00:00', '2021-12-24 23:00:00+00:00', '2021-02-01 19:05:00+00:00', 'None']
    >>> p.reasons.to_pylist()
    [None, None, None, 'date_unreadable']
    """
    text = trimmed(values)
    missing = pc.equal(pc.utf8_length(text), 0)
    stamps = _iso_column(pc.if_else(missing, None, text), timezone) if date_format is None else None
    if stamps is None:
        stamps = _duckdb_stamps(text, missing, date_format, timezone)
    now = now or dt.datetime.now(dt.UTC)
    reasons = pc.case_when(
        pc.make_struct(
            missing,
            pc.is_null(stamps),
            pc.less(stamps, pa.scalar(OLDEST, pa.timestamp("us", "UTC"))),
            pc.greater(stamps, pa.scalar(now + FUTURE_SLACK, pa.timestamp("us", "UTC"))),
        ),
        "date_missing",
        "date_unreadable",
        "date_too_old",
        "date_in_future",
    )
    return Parsed(pc.if_else(pc.is_null(reasons), stamps, None), reasons)


def naive_zone(values: Values, *, date_format: str | None = None, timezone: str = "UTC") -> str | None:
    """The zone the times of ``values`` were read in: ``timezone`` when any non-blank value
    is written without a UTC offset, None when every one carries its offset (or is Unix
    seconds, ``date_format='unix'``), so the file itself says nothing of a zone.

    Examples
    --------
    >>> naive_zone(["2026-07-01T10:00:00Z", "2026-07-01 12:00+02:00"], timezone="Europe/Warsaw") is None
    True
    >>> naive_zone(["2026-07-01T10:00:00Z", "01/07/2026 12:00", ""], timezone="Europe/Warsaw")
    'Europe/Warsaw'
    """
    if date_format == "unix":
        return None
    # One value without an offset settles it, and the first rows nearly always hold one:
    # the whole column is scanned only when they all carry offsets.
    for part in (values[:1000], values):
        text = trimmed(part)
        given = pc.filter(text, pc.greater(pc.utf8_length(text), 0))
        if not pc.all(pc.match_substring_regex(given, _WITH_OFFSET), min_count=0).as_py():
            return timezone
    return None


def _iso_column(text: pa.Array, timezone: str) -> pa.Array | None:
    """The whole column through Arrow's strict ISO 8601 cast, or None if any value fails.

    This is the fast path for the usual export (every value ISO, all naive or all with an
    offset); anything else goes through DuckDB.
    """
    try:
        naive = pc.cast(text, pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        try:
            return pc.cast(text, pa.timestamp("us", "UTC"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    local = pc.assume_timezone(naive, zone_name(timezone), ambiguous="earliest", nonexistent="earliest")
    return pc.cast(local, pa.timestamp("us", "UTC"))


def _duckdb_stamps(text: pa.Array, missing: pa.Array, date_format: str | None, timezone: str) -> pa.Array:
    """Timestamps through DuckDB: ISO casts, then D/M/Y layouts in the detected order."""
    if date_format is None or date_format in DATE_ORDERS:
        text = _full_years(text)
    with cursor() as con:
        con.execute(f"SET TimeZone = '{zone_name(timezone)}'")
        con.register("t", pa.table({"v": text}))
        if date_format == "unix":
            expr = "CASE WHEN abs(TRY_CAST(v AS DOUBLE)) < 1e11 THEN to_timestamp(TRY_CAST(v AS DOUBLE)) END"
        elif date_format is not None and date_format not in DATE_ORDERS:
            expr = _strptime([date_format], [])
        else:
            expr = None
            stamps = _stamps(con, _ISO)
            rest = pc.indices_nonzero(pc.and_(pc.is_null(stamps), pc.invert(missing)))
            if len(rest):
                order = date_format or _order(pc.take(text, rest), rest)
                expr = f"coalesce({_ISO}, {_day_month(con, pc.take(text, rest[:200]), order, rank=len(rest) > 5000)})"
        if expr is not None:
            stamps = _stamps(con, expr)
    return stamps


def _full_years(text: pa.Array) -> pa.Array:
    """D/M/YY dates with the century written out by Excel's pivot (``9/8/18`` as ``9/8/2018``).

    DuckDB's ``%Y`` would read ``18`` as the year 18, and its ``%y`` pivots at 69, not 30.
    """
    text = pc.replace_substring_regex(text, _TWO_DIGIT_YEAR % "0-2", r"\120\2\3")
    return pc.replace_substring_regex(text, _TWO_DIGIT_YEAR % "3-9", r"\119\2\3")


def zone_name(timezone: str) -> str:
    """An IANA zone as DuckDB and zoneinfo name it; an error naming the fix when unknown.

    Examples
    --------
    >>> zone_name("Europe/Warsaw")
    'Europe/Warsaw'
    """
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise NpsInputError(f"unknown time zone {timezone!r}; use an IANA name like Europe/Warsaw") from None
    return timezone


def _stamps(con: duckdb.DuckDBPyConnection, expr: str) -> pa.Array:
    try:
        out = con.sql(f"SELECT CAST({expr} AS TIMESTAMPTZ) AS ts FROM t").to_arrow_table().column(0)
    except duckdb.InvalidInputException as err:
        raise NpsInputError(f"date_format is not a strptime pattern DuckDB can read ({err}); fix it in the mapping file") from None
    return pc.cast(out.combine_chunks(), pa.timestamp("us", "UTC"))


def _sql_list(items: Sequence[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in items) + "]"


def _strptime(naive: Sequence[str], offset: Sequence[str]) -> str:
    parts = [f"CAST(try_strptime(v, {_sql_list(naive)}) AS TIMESTAMPTZ)"] if naive else []
    if offset:
        parts.append(f"try_strptime({_OFFSET}, {_sql_list(offset)})")
    either = parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"
    # DuckDB's strptime reads the words 'epoch' and 'infinity' as 1900-01-01 whatever the pattern.
    return f"CASE WHEN NOT regexp_matches(trim(v), '^-?(epoch|infinity)$', 'i') THEN {either} END"


def _order(text: pa.Array, index: pa.Array) -> str:
    """Day-first or month-first for the non-ISO dates ``text`` (``index`` maps them back)."""
    found = date_order(text)
    if found.order:
        return found.order
    if found.day_first_at is not None:
        raise AmbiguousDates(index[found.day_first_at].as_py(), index[found.month_first_at].as_py())
    if found.ambiguous_at is not None:
        raise AmbiguousDates(index[found.ambiguous_at].as_py())
    return "day-first"


def _day_month(con: duckdb.DuckDBPyConnection, sample: pa.Array, order: str, *, rank: bool) -> str:
    """strptime over every D/M/Y layout; with ``rank``, the layouts the sample uses first.

    DuckDB tries the layouts in order for every row, so on a big file the right one first
    saves most of the work; on a small one the ranking query would cost more than it saves.
    """
    day, month = ("%d", "%m") if order == "day-first" else ("%m", "%d")
    layouts = [
        date + clock
        for sep, date_part, clock in itertools.product("/.-", _DATE_PARTS, _TIME_PARTS)
        for date in [date_part.format(d=day, m=month, s=sep)]
    ]
    if rank:
        con.register("sample", pa.table({"v": sample}))
        hits = con.sql(
            "SELECT " + ", ".join(f"count(try_strptime(v, {_sql_list([f])}))" for f in layouts) + " FROM sample"
        ).fetchall()[0]
        layouts = [f for _, f in sorted(zip(hits, layouts, strict=True), key=lambda pair: -pair[0])]
    return _strptime(layouts, [f + " %z" for f in layouts])
