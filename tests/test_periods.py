"""Calendar periods: labels, period specs, previous periods, UTC boundaries."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import NpsInputError
from nps_helpers.periods import Period, parse_period, period_labels


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_labels_for_each_frequency():
    ts = pd.Series(pd.to_datetime(["2026-01-01 00:00", "2026-03-31 23:59", "2026-04-01 00:00"], utc=True))
    assert period_labels(ts, "month").tolist() == ["2026-01", "2026-03", "2026-04"]
    assert period_labels(ts, "quarter").tolist() == ["2026-Q1", "2026-Q1", "2026-Q2"]
    assert period_labels(ts, "year").tolist() == ["2026", "2026", "2026"]


def test_labels_use_utc_boundaries():
    # 23:30 in New York on 31 March is 04:30 UTC on 1 April.
    ts = pd.Series([pd.Timestamp("2026-03-31 23:30", tz="America/New_York")])
    assert period_labels(ts, "month").tolist() == ["2026-04"]
    naive = pd.Series(pd.to_datetime(["2026-06-30 23:59"]))
    assert period_labels(naive, "quarter").tolist() == ["2026-Q2"]


def test_missing_timestamps_get_missing_labels_and_the_index_is_kept():
    ts = pd.Series(pd.to_datetime(["2026-02-03", None], utc=True), index=[10, 11])
    for freq in ("month", "quarter", "year"):
        labels = period_labels(ts, freq)
        assert labels.index.tolist() == [10, 11]
        assert labels.isna().tolist() == [False, True]


def test_bad_frequency():
    with pytest.raises(NpsInputError, match="not one of month, quarter, year"):
        period_labels(pd.Series(pd.to_datetime(["2026-01-01"], utc=True)), "week")


@pytest.mark.parametrize(
    "spec, label, start, end",
    [
        ("2026-Q3", "2026-Q3", "2026-07-01", "2026-10-01"),
        ("2026-Q4", "2026-Q4", "2026-10-01", "2027-01-01"),
        ("2026-02", "2026-02", "2026-02-01", "2026-03-01"),
        ("2024-02", "2024-02", "2024-02-01", "2024-03-01"),
        ("2026", "2026", "2026-01-01", "2027-01-01"),
        (" 2026-12 ", "2026-12", "2026-12-01", "2027-01-01"),
        ("2026-01-15..2026-02-15", "2026-01-15..2026-02-15", "2026-01-15", "2026-02-15"),
    ],
)
def test_parse_period(spec, label, start, end):
    p = parse_period(spec)
    assert p == Period(label, _utc(start), _utc(end))


def test_custom_range_with_offset_is_converted_to_utc():
    p = parse_period("2026-01-01T00:00+02:00..2026-02-01")
    assert p.start == _utc("2025-12-31 22:00")
    assert p.end == _utc("2026-02-01")


@pytest.mark.parametrize(
    "spec, data_end, label",
    [
        ("latest-quarter", "2026-11-05", "2026-Q3"),
        ("latest-quarter", "2026-09-30 08:00", "2026-Q3"),  # data reach the last day
        ("latest-quarter", "2026-09-29 23:59", "2026-Q2"),
        ("latest-month", "2026-03-31", "2026-03"),
        ("latest-month", "2026-03-30 10:00", "2026-02"),
        ("latest-month", "2026-01-10", "2025-12"),
    ],
)
def test_latest_complete_period(spec, data_end, label):
    assert parse_period(spec, data_end=_utc(data_end)).label == label
    assert parse_period(spec, data_end=pd.Timestamp(data_end)).label == label


def test_latest_needs_the_data_end():
    with pytest.raises(NpsInputError, match="newest response"):
        parse_period("latest-month")


@pytest.mark.parametrize(
    "spec", ["2026-13", "2026-Q5", "26-01", "last-quarter", "", "2026-03-01..2026-02-01",
             "2026-02-30..2026-03-01", "2026-01-01..2026-01-01", "x..y"]
)
def test_bad_specs_say_what_is_accepted(spec):
    with pytest.raises(NpsInputError, match="latest-quarter or latest-month"):
        parse_period(spec)


@pytest.mark.parametrize(
    "spec, previous",
    [("2026-Q1", "2025-Q4"), ("2026-Q3", "2026-Q2"), ("2026-01", "2025-12"),
     ("2024-03", "2024-02"), ("2026", "2025")],
)
def test_previous_calendar_period(spec, previous):
    p = parse_period(spec)
    prev = p.previous()
    assert prev == parse_period(previous)
    assert prev.end == p.start


def test_previous_of_a_custom_range_has_the_same_length():
    p = parse_period("2026-02-01..2026-03-01")
    prev = p.previous()
    assert (prev.start, prev.end) == (_utc("2026-01-04"), _utc("2026-02-01"))
    assert prev.label == "2026-01-04..2026-02-01"


timestamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2060, 12, 31, 23, 59, 59)
).map(lambda d: pd.Timestamp(d, tz="UTC"))


@given(timestamps, st.sampled_from(["month", "quarter", "year"]))
@settings(max_examples=200, deadline=None)
def test_label_and_window_agree(ts, freq):
    label = period_labels(pd.Series([ts]), freq).iloc[0]
    window = parse_period(label)
    assert window.label == label
    assert window.start <= ts < window.end
    prev = window.previous()
    assert prev.end == window.start
    assert period_labels(pd.Series([prev.start, prev.end - pd.Timedelta("1us")]), freq).tolist() == [
        prev.label, prev.label
    ]
