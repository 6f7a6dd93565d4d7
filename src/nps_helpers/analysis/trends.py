"""NPS over time: per calendar period or custom window, rolling windows, change and events.

Every period between the first and the last response gets a row, empty ones too (n = 0,
NaN figures), so a gap in the data stays visible on the chart. Windows are half-open
``[start, end)`` cut in the client's zone ``tz`` (UTC unless given), the same windows
:func:`~nps_helpers.core.periods.parse_period` gives with that ``tz``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.periods import Freq, Period, in_zone, parse_period, period_labels
from ..core.schema import DEFAULT_TIMEZONE, check_timezone
from ..errors import NpsInputError
from .metrics import (
    NpsDifference,
    categorize,
    nps_difference,
    nps_difference_frame,
    nps_frame,
    z_value,
)

COUNTS = ["promoters", "passives", "detractors"]
TREND_COLUMNS = [
    "period", "start", "end", "n", *COUNTS, "nps", "ci_low", "ci_high",
    "difference", "p_value", "significant",
]
EVENT_COLUMNS = ["date", "label", "period", "start", "end", "position"]


@dataclass(frozen=True)
class PeriodChange:
    """NPS of one period against the period before it.

    ``verdict`` is a code: ``significant_increase``, ``significant_decrease``,
    ``no_significant_change``, ``no_previous_period`` (no responses before) or
    ``no_responses`` (none in the period itself).
    """

    period: Period
    previous: Period
    difference: NpsDifference
    verdict: str


def nps_by_period(
    responses: pd.DataFrame,
    freq: Freq = "month",
    *,
    rolling: int | None = None,
    level: float = 0.95,
    calendar: Sequence[Period | tuple[str, object, object]] | None = None,
    tz: str = DEFAULT_TIMEZONE,
) -> pd.DataFrame:
    """NPS per month, quarter or year of zone ``tz`` (or per window of a custom calendar).

    One row each. Columns: ``period`` (label), ``start``, ``end`` (instants in ``tz``),
    ``n``, the three counts, ``nps``,
    ``ci_low``, ``ci_high`` (adjusted Wald at ``level``), and the change against the
    previous row: ``difference``, ``p_value``, ``significant``. ``calendar`` is a list of
    ``(label, start, end)`` windows (or :class:`~nps_helpers.core.periods.Period`) used instead
    of ``freq``; naive times are wall times in ``tz``. ``rolling=k`` pools each period with the ``k - 1``
    before it (rows start once ``k`` periods exist; ``window_start`` says where each pool
    begins) and compares it with the window ``k`` periods earlier, which shares no
    responses with it, so the test stays valid.

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [10, 9, 3, 10, 8, 0],
    ...     "responded_at": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-01-28",
    ...                                     "2026-03-02", "2026-03-09", "2026-03-30"], utc=True)})
    >>> nps_by_period(frame)[["period", "n", "nps"]].round(1).to_dict("records")
    [{'period': '2026-01', 'n': 3, 'nps': 33.3}, {'period': '2026-02', 'n': 0, 'nps': nan}, {'period': '2026-03', 'n': 3, 'nps': 0.0}]
    >>> nps_by_period(frame, tz="Pacific/Auckland")["period"].tolist()
    ['2026-01', '2026-02', '2026-03']
    """
    z_value(level)
    check_timezone(tz)
    if rolling is not None and (isinstance(rolling, bool) or not isinstance(rolling, int) or rolling < 1):
        raise NpsInputError(f"rolling must be a whole number of periods >= 1, got {rolling!r}")
    times, codes = _times_and_codes(responses)
    if calendar is not None:
        windows = _calendar_windows(calendar, tz)
    elif freq not in ("month", "quarter", "year"):
        raise NpsInputError(f"freq {freq!r} is not one of month, quarter, year (or give a calendar)")
    elif len(times) == 0:
        windows = []
    else:
        windows = calendar_periods(times.min(), times.max(), freq, tz)
    counts = _window_counts(times, codes, windows)
    step = 1
    if rolling is not None and rolling > 1:
        pooled = counts[COUNTS].rolling(rolling).sum()
        counts = counts.assign(window_start=counts["start"].shift(rolling - 1))
        counts[COUNTS] = pooled
        counts = counts.iloc[rolling - 1 :].astype({c: "int64" for c in COUNTS})
        step = rolling
    table = nps_frame(counts.reset_index(drop=True), level=level)
    return _with_change(table, step, level)


def period_change(
    responses: pd.DataFrame, period: Period | str, *, level: float = 0.95, tz: str = DEFAULT_TIMEZONE,
    against: Period | None = None,
) -> PeriodChange:
    """Compare the NPS of ``period`` with the period just before it (or with ``against``).

    ``period`` is a :class:`~nps_helpers.core.periods.Period` (cut in its own zone) or a spec
    for :func:`~nps_helpers.core.periods.parse_period` in zone ``tz`` ('2026-Q3',
    'latest-quarter': the newest response sets what 'latest' means). ``against`` is another
    window to compare with, such as the same period a year earlier.

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [10] * 30 + [0] * 20 + [10] * 10 + [0] * 40,
    ...     "responded_at": pd.to_datetime(["2026-08-01"] * 50 + ["2026-05-01"] * 50, utc=True)})
    >>> ch = period_change(frame, "2026-Q3")
    >>> ch.previous.label, round(ch.difference.difference), ch.verdict
    ('2026-Q2', 80, 'significant_increase')
    """
    times, codes = _times_and_codes(responses)
    if isinstance(period, str):
        data_end = times.max() if len(times) else None
        period = parse_period(period, data_end=data_end, tz=tz)
    previous = period.previous() if against is None else against
    counts = _window_counts(times, codes, [period, previous])
    a, b = (row[COUNTS].to_dict() for _, row in counts.iterrows())
    difference = nps_difference(a, b, level=level)
    if difference.a.n == 0:
        verdict = "no_responses"
    elif difference.b.n == 0:
        verdict = "no_previous_period"
    elif not difference.significant:
        verdict = "no_significant_change"
    else:
        verdict = "significant_increase" if difference.difference > 0 else "significant_decrease"
    return PeriodChange(period, previous, difference, verdict)


def attach_events(trend: pd.DataFrame, events: Iterable | pd.DataFrame | None) -> pd.DataFrame:
    """The events that fall within the trend's periods, placed for annotation.

    ``events`` are items with ``date`` and ``label`` (``params.Event``, dicts, or a frame
    with those columns). Each event inside a row's ``[start, end)`` gets that row's
    ``period``, ``start``, ``end`` and ``position``, the fraction of the period elapsed at
    the event (0 at the start). Events outside every period are left out. An event's date
    is a local date in the zone of the trend's ``start`` column (UTC when naive).

    Examples
    --------
    >>> trend = pd.DataFrame({"period": ["2026-01", "2026-02"],
    ...     "start": pd.to_datetime(["2026-01-01", "2026-02-01"], utc=True),
    ...     "end": pd.to_datetime(["2026-02-01", "2026-03-01"], utc=True)})
    >>> ev = attach_events(trend, [{"date": "2026-02-15", "label": "Price change"},
    ...                            {"date": "2025-06-01", "label": "Too early"}])
    >>> ev[["label", "period", "position"]].to_dict("records")
    [{'label': 'Price change', 'period': '2026-02', 'position': 0.5}]
    """
    missing = [c for c in ("period", "start", "end") if c not in trend.columns]
    if missing:
        raise NpsInputError(
            f"attach_events needs a trend from nps_by_period; missing columns: {', '.join(missing)}"
        )
    zone = pd.to_datetime(trend["start"]).dt.tz
    table = _events_frame(events, str(zone) if zone is not None else DEFAULT_TIMEZONE)
    rows = []
    starts = pd.DatetimeIndex(pd.to_datetime(trend["start"], utc=True))
    ends = pd.DatetimeIndex(pd.to_datetime(trend["end"], utc=True))
    for date, label in zip(table["date"], table["label"], strict=True):
        inside = np.flatnonzero((starts <= date) & (date < ends))
        if len(inside):
            i = inside[0]
            position = (date - starts[i]) / (ends[i] - starts[i])
            rows.append([date, label, trend["period"].iloc[i], starts[i], ends[i], position])
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


# --- internals --------------------------------------------------------------------------
def _times_and_codes(responses: pd.DataFrame) -> tuple[pd.DatetimeIndex, np.ndarray]:
    missing = [c for c in ("score", "responded_at") if c not in responses.columns]
    if missing:
        raise NpsInputError(
            f"responses need the columns score and responded_at; missing: {', '.join(missing)}"
        )
    try:
        times = pd.DatetimeIndex(pd.to_datetime(responses["responded_at"], utc=True))
    except (TypeError, ValueError):
        raise NpsInputError(
            "column responded_at holds values that are not timestamps; ingest the export again"
        ) from None
    if times.hasnans:
        row = int(np.argmax(times.isna()))
        raise NpsInputError(
            f"column responded_at is empty in row {row}; every response needs its time "
            "(fix the export or drop the row before ingesting)"
        )
    codes = categorize(responses["score"]).cat.codes.to_numpy()
    return times, codes


def calendar_periods(first: pd.Timestamp, last: pd.Timestamp, freq: Freq, tz: str = DEFAULT_TIMEZONE) -> list[Period]:
    """The calendar periods of ``freq`` from the one holding ``first`` to the one holding ``last``.

    Examples
    --------
    >>> [p.label for p in calendar_periods(pd.Timestamp("2026-02-10", tz="UTC"),
    ...                                    pd.Timestamp("2026-04-02", tz="UTC"), "month")]
    ['2026-02', '2026-03', '2026-04']
    """
    window = parse_period(period_labels(pd.Series([last]), freq, tz=tz).iloc[0], tz=tz)
    windows = []
    while window.end > first:
        windows.append(window)
        window = window.previous()
    return windows[::-1]


def _calendar_windows(calendar, tz: str) -> list[Period]:
    windows = []
    for i, item in enumerate(calendar):
        if isinstance(item, Period):
            windows.append(item)
            continue
        try:
            label, start, end = item
            start, end = in_zone(start, tz), in_zone(end, tz)
        except (TypeError, ValueError):
            raise NpsInputError(
                f"calendar entry {i} ({item!r}) is not (label, start, end) with two dates"
            ) from None
        if not start < end:
            raise NpsInputError(f"calendar entry {i} ({label!r}) ends before it starts")
        windows.append(Period(str(label), start, end))
    labels = [w.label for w in windows]
    if len(set(labels)) != len(labels):
        raise NpsInputError("calendar labels must be unique: each window names one row")
    return sorted(windows, key=lambda w: w.start)


def _window_counts(times: pd.DatetimeIndex, codes: np.ndarray, windows) -> pd.DataFrame:
    """Category counts per half-open window, by binary search over sorted times."""
    ns = times.as_unit("ns").asi8
    starts = _bounds([w.start for w in windows])
    ends = _bounds([w.end for w in windows])
    frame = pd.DataFrame({"period": [w.label for w in windows], "start": starts, "end": ends})
    for code, column in ((2, "promoters"), (1, "passives"), (0, "detractors")):
        sorted_times = np.sort(ns[codes == code])
        frame[column] = (
            np.searchsorted(sorted_times, ends.asi8) - np.searchsorted(sorted_times, starts.asi8)
        ).astype("int64")
    return frame


def _bounds(stamps: list[pd.Timestamp]) -> pd.DatetimeIndex:
    """Window bounds as one index in the windows' own zone (UTC when there are none)."""
    zone = str(stamps[0].tz) if stamps else DEFAULT_TIMEZONE
    return pd.DatetimeIndex([s.tz_convert(zone) for s in stamps], tz=zone).as_unit("ns")


def _with_change(table: pd.DataFrame, step: int, level: float) -> pd.DataFrame:
    counts = table[COUNTS]
    # Rows with no earlier window compare with zero counts, which gives NaN figures.
    earlier = counts.shift(step, fill_value=0)
    change = nps_difference_frame(counts, earlier, level=level)
    out = table.assign(**change[["difference", "p_value", "significant"]])
    extra = ["window_start"] if "window_start" in out.columns else []
    return out[TREND_COLUMNS[:3] + extra + TREND_COLUMNS[3:]]


def _events_frame(events, tz: str) -> pd.DataFrame:
    if events is None:
        return pd.DataFrame({"date": pd.DatetimeIndex([], tz="UTC"), "label": []})
    if isinstance(events, pd.DataFrame):
        items = events.to_dict("records")
    else:
        items = [e if isinstance(e, dict) else {"date": getattr(e, "date", None),
                                                "label": getattr(e, "label", None)}
                 for e in events]
    dates, labels = [], []
    for i, item in enumerate(items):
        if item.get("date") is None or item.get("label") is None:
            raise NpsInputError(f"event {i} needs a date and a label, got {item!r}")
        try:
            dates.append(in_zone(item["date"], tz).tz_convert("UTC"))
        except (TypeError, ValueError):
            raise NpsInputError(f"event {i}: {item['date']!r} is not a date (use YYYY-MM-DD)") from None
        labels.append(str(item["label"]))
    return pd.DataFrame({"date": pd.DatetimeIndex(dates, tz="UTC"), "label": labels})

