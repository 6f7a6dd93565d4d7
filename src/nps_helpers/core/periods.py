"""Calendar periods: labels for grouping and the period specs used by batches and the CLI.

Periods are cut in the client's time zone (``tz``, an IANA name; UTC when not given):
a month or a quarter starts at local midnight, so 00:30 on 1 July in Warsaw is July
there although it is still 30 June in UTC. Instants stay in UTC in the store; a
:class:`Period` holds its bounds as instants written in its zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..errors import NpsInputError
from .schema import DEFAULT_TIMEZONE, check_timezone

Freq = Literal["month", "quarter", "year"]
_PANDAS_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}


# Months of history a report and the portfolio read before a period ends (trends, churn).
HISTORY_MONTHS = 24


@dataclass(frozen=True)
class Period:
    """A half-open window ``[start, end)`` with the label a report shows.

    ``start`` and ``end`` are timezone-aware instants in the zone the period was cut in
    (their dates are the local dates); they compare with UTC times as instants.
    """

    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def tz(self) -> str:
        """The zone the period was cut in ('UTC', 'Europe/Warsaw'...).

        Examples
        --------
        >>> parse_period("2026-07", tz="Europe/Warsaw").tz
        'Europe/Warsaw'
        """
        return str(self.start.tz)

    def previous(self) -> Period:
        """The window of the same length just before this one (for change vs previous).

        Examples
        --------
        >>> parse_period("2026-Q3").previous().label
        '2026-Q2'
        >>> parse_period("2026-04-01..2026-10-01").previous().label
        '2025-10-01..2026-04-01'
        >>> parse_period("2026-04-10..2026-04-20").previous().label
        '2026-03-31..2026-04-10'
        """
        patterns: tuple[tuple[Freq, str], ...] = (("quarter", r"^\d{4}-Q[1-4]$"), ("month", r"^\d{4}-\d{2}$"), ("year", r"^\d{4}$"))
        for freq, pattern in patterns:
            if re.match(pattern, self.label):
                p = pd.Period(self.start.tz_localize(None), freq=_PANDAS_FREQ[freq]) - 1
                return _from_pandas(p, freq, self.tz)
        # Measured in wall time, so a window across a DST change still starts at midnight;
        # a window of whole months is compared with as many whole months before it.
        first, end = self.start.tz_localize(None), self.end.tz_localize(None)
        if first.day == end.day == 1 and first == first.normalize() and end == end.normalize():
            months = (end.year - first.year) * 12 + end.month - first.month
            start = in_zone(first - pd.DateOffset(months=months), self.tz)
        else:
            start = in_zone(first - (end - first), self.tz)
        return Period(f"{start.date()}..{self.start.date()}", start, self.start)


def period_labels(timestamps: pd.Series, freq: Freq, *, tz: str = DEFAULT_TIMEZONE) -> pd.Series:
    """Label of the calendar period of each timestamp: '2026-03', '2026-Q1' or '2026'.

    Periods are calendar periods in ``tz``, the same windows :func:`parse_period` gives
    with that ``tz``; naive timestamps are UTC; a missing timestamp gets a missing label.

    Examples
    --------
    >>> ts = pd.Series(pd.to_datetime(["2026-02-03 00:00", "2026-06-30 22:30"], utc=True))
    >>> period_labels(ts, "quarter").tolist()
    ['2026-Q1', '2026-Q2']
    >>> period_labels(ts, "quarter", tz="Europe/Warsaw").tolist()
    ['2026-Q1', '2026-Q3']
    """
    if freq not in _PANDAS_FREQ:
        raise NpsInputError(f"period {freq!r} is not one of month, quarter, year")
    # Local wall times: a local calendar period is a naive one over them.
    ts = pd.to_datetime(timestamps, utc=True).dt.tz_convert(check_timezone(tz)).dt.tz_localize(None)
    per = ts.dt.to_period(_PANDAS_FREQ[freq])
    if freq == "quarter":
        labels = per.dt.year.astype("str") + "-Q" + per.dt.quarter.astype("str")
    else:
        labels = per.astype("str")
    return labels.where(per.notna())


def parse_period(spec: str, *, data_end: pd.Timestamp | None = None, tz: str = DEFAULT_TIMEZONE) -> Period:
    """Turn '2026-Q3', '2026-07', '2026', 'FROM..TO' or 'latest-quarter' into a window.

    Bounds are local midnights in ``tz`` (dates and naive times of 'FROM..TO' too; a time
    written with an offset is that instant). ``latest-quarter``/``latest-month`` are the
    last complete ones before ``data_end`` (the newest response; UTC when naive), so a
    demo store renders the same whatever today's date is.

    Examples
    --------
    >>> p = parse_period("2026-Q3")
    >>> p.start.date(), p.end.date()
    (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
    >>> parse_period("2026-07", tz="Europe/Warsaw").start.tz_convert("UTC")
    Timestamp('2026-06-30 22:00:00+0000', tz='UTC')
    >>> parse_period("latest-quarter", data_end=pd.Timestamp("2026-11-05", tz="UTC")).label
    '2026-Q3'
    """
    check_timezone(tz)
    spec = spec.strip()
    if spec in ("latest-quarter", "latest-month"):
        if data_end is None:
            raise NpsInputError(f"period {spec!r} needs the date of the newest response")
        freq: Freq = "quarter" if spec == "latest-quarter" else "month"
        newest = in_zone(data_end, "UTC").tz_convert(tz).tz_localize(None)
        current = pd.Period(newest, freq=_PANDAS_FREQ[freq])
        # The newest period is complete only if the data reach its last (local) day.
        chosen = current if newest >= current.end_time.normalize() else current - 1
        return _from_pandas(chosen, freq, tz)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", spec):
        return _from_pandas(pd.Period(f"{m[1]}Q{m[2]}", freq="Q"), "quarter", tz)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", spec):
        return _from_pandas(pd.Period(spec, freq="M"), "month", tz)
    if re.fullmatch(r"\d{4}", spec):
        return _from_pandas(pd.Period(spec, freq="Y"), "year", tz)
    if ".." in spec:
        left, right = spec.split("..", 1)
        try:
            start, end = in_zone(left.strip(), tz), in_zone(right.strip(), tz)
        except ValueError:
            start = end = None
        if start is not None and end is not None and start < end:
            return Period(f"{start.date()}..{end.date()}", start, end)
    raise NpsInputError(
        f"period {spec!r} is not understood: use 2026-Q3, 2026-07, 2026, "
        "2026-01-01..2026-04-01 (end exclusive), latest-quarter or latest-month"
    )


def in_zone(value: str | pd.Timestamp, tz: str = DEFAULT_TIMEZONE) -> pd.Timestamp:
    """``value`` as an instant written in ``tz``; a date or naive time is a wall time there.

    Examples
    --------
    >>> in_zone("2026-07-01", "Europe/Warsaw").tz_convert("UTC")
    Timestamp('2026-06-30 22:00:00+0000', tz='UTC')
    >>> in_zone(pd.Timestamp("2026-07-01", tz="UTC"), "Europe/Warsaw")
    Timestamp('2026-07-01 02:00:00+0200', tz='Europe/Warsaw')
    """
    check_timezone(tz)
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise ValueError("missing time")
    if ts.tzinfo is not None:
        return ts.tz_convert(tz)
    # A local midnight the clocks skip (a DST change at 00:00) starts at the first valid time.
    return ts.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")


def _from_pandas(p: pd.Period, freq: Freq, tz: str) -> Period:
    label = f"{p.year}-Q{p.quarter}" if freq == "quarter" else str(p)
    return Period(label, in_zone(p.start_time, tz), in_zone((p + 1).start_time, tz))


def window(start: str, end: str, label: str | None = None, *, tz: str = DEFAULT_TIMEZONE) -> Period:
    """The window ``[start, end)`` of local dates in ``tz``, named by ``label`` when the
    label means that window.

    Render passes both the label ('2026-Q3') and its dates; a label that does not match
    the dates (or cannot be parsed) gives way to the dates.

    Examples
    --------
    >>> window("2026-07-01", "2026-10-01", "2026-Q3").label
    '2026-Q3'
    >>> window("2026-07-01", "2026-09-01", "2026-Q3").label
    '2026-07-01..2026-09-01'
    >>> str(window("2026-07-01", "2026-10-01", "2026-Q3", tz="America/New_York").start)
    '2026-07-01 00:00:00-04:00'
    """
    dates = parse_period(f"{str(start)[:10]}..{str(end)[:10]}", tz=tz)
    if label:
        try:
            named = parse_period(label, tz=tz)
        except NpsInputError:
            return dates
        if (named.start, named.end) == (dates.start, dates.end):
            return named
    return dates
