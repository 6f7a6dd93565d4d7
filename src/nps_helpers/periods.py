"""Calendar periods: labels for grouping and the period specs used by batches and the CLI."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from .errors import NpsInputError

Freq = Literal["month", "quarter", "year"]
_PANDAS_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}


@dataclass(frozen=True)
class Period:
    """A half-open window ``[start, end)`` in UTC, with the label a report shows."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    def previous(self) -> Period:
        """The window of the same length just before this one (for change vs previous).

        Examples
        --------
        >>> parse_period("2026-Q3").previous().label
        '2026-Q2'
        """
        for freq, pattern in (("quarter", r"^\d{4}-Q[1-4]$"), ("month", r"^\d{4}-\d{2}$"), ("year", r"^\d{4}$")):
            if re.match(pattern, self.label):
                p = pd.Period(self.start.tz_convert(None), freq=_PANDAS_FREQ[freq]) - 1
                return _from_pandas(p, freq)
        length = self.end - self.start
        return Period(f"{(self.start - length).date()}..{self.start.date()}", self.start - length, self.start)


def period_labels(timestamps: pd.Series, freq: Freq) -> pd.Series:
    """Label of the calendar period of each timestamp: '2026-03', '2026-Q1' or '2026'.

    Periods are UTC calendar periods, the same windows :func:`parse_period` gives; a
    missing timestamp gets a missing label.

    Examples
    --------
    >>> ts = pd.Series(pd.to_datetime(["2026-02-03", "2026-11-30"], utc=True))
    >>> period_labels(ts, "quarter").tolist()
    ['2026-Q1', '2026-Q4']
    """
    if freq not in _PANDAS_FREQ:
        raise NpsInputError(f"period {freq!r} is not one of month, quarter, year")
    ts = pd.to_datetime(timestamps, utc=True).dt.tz_convert(None)
    per = ts.dt.to_period(_PANDAS_FREQ[freq])
    if freq == "quarter":
        labels = per.dt.year.astype("str") + "-Q" + per.dt.quarter.astype("str")
    else:
        labels = per.astype("str")
    return labels.where(per.notna())


def parse_period(spec: str, *, data_end: pd.Timestamp | None = None) -> Period:
    """Turn '2026-Q3', '2026-07', '2026', 'FROM..TO' or 'latest-quarter' into a window.

    ``latest-quarter``/``latest-month`` are the last complete ones before ``data_end``
    (the newest response), so a demo store renders the same whatever today's date is.

    Examples
    --------
    >>> p = parse_period("2026-Q3")
    >>> p.start.date(), p.end.date()
    (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
    >>> parse_period("latest-quarter", data_end=pd.Timestamp("2026-11-05", tz="UTC")).label
    '2026-Q3'
    """
    spec = spec.strip()
    if spec in ("latest-quarter", "latest-month"):
        if data_end is None:
            raise NpsInputError(f"period {spec!r} needs the date of the newest response")
        freq = "quarter" if spec == "latest-quarter" else "month"
        current = pd.Period(pd.Timestamp(data_end).tz_convert(None) if pd.Timestamp(data_end).tzinfo else pd.Timestamp(data_end), freq=_PANDAS_FREQ[freq])
        # The newest period is complete only if the data reach its last day.
        last_day = current.end_time.normalize()
        complete = pd.Timestamp(data_end).tz_localize(None) if pd.Timestamp(data_end).tzinfo is None else pd.Timestamp(data_end).tz_convert(None)
        chosen = current if complete >= last_day else current - 1
        return _from_pandas(chosen, freq)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", spec):
        return _from_pandas(pd.Period(f"{m[1]}Q{m[2]}", freq="Q"), "quarter")
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", spec):
        return _from_pandas(pd.Period(spec, freq="M"), "month")
    if re.fullmatch(r"\d{4}", spec):
        return _from_pandas(pd.Period(spec, freq="Y"), "year")
    if ".." in spec:
        left, right = spec.split("..", 1)
        try:
            start, end = _utc(left), _utc(right)
        except ValueError:
            start = end = None
        if start is not None and end is not None and start < end:
            return Period(f"{start.date()}..{end.date()}", start, end)
    raise NpsInputError(
        f"period {spec!r} is not understood: use 2026-Q3, 2026-07, 2026, "
        "2026-01-01..2026-04-01 (end exclusive), latest-quarter or latest-month"
    )


def _utc(text: str) -> pd.Timestamp:
    ts = pd.Timestamp(text.strip())
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _from_pandas(p: pd.Period, freq: Freq) -> Period:
    label = f"{p.year}-Q{p.quarter}" if freq == "quarter" else str(p)
    start = p.start_time.tz_localize("UTC")
    end = (p + 1).start_time.tz_localize("UTC")
    return Period(label, start, end)


def window(start: str, end: str, label: str | None = None) -> Period:
    """The window ``[start, end)``, named by ``label`` when the label means that window.

    Render passes both the label ('2026-Q3') and its dates; a label that does not match
    the dates (or cannot be parsed) gives way to the dates.

    Examples
    --------
    >>> window("2026-07-01", "2026-10-01", "2026-Q3").label
    '2026-Q3'
    >>> window("2026-07-01", "2026-09-01", "2026-Q3").label
    '2026-07-01..2026-09-01'
    """
    dates = parse_period(f"{str(start)[:10]}..{str(end)[:10]}")
    if label:
        try:
            named = parse_period(label)
        except NpsInputError:
            return dates
        if (named.start, named.end) == (dates.start, dates.end):
            return named
    return dates
