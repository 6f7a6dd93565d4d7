"""Calendar periods: labels, period specs, previous periods, boundaries in UTC and in a client's zone."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.core.periods import Period, in_zone, parse_period, period_labels, window
from nps_helpers.errors import NpsInputError


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
    # Whole months are compared with as many whole months; other ranges with as many days.
    prev = parse_period("2026-02-01..2026-03-01").previous()
    assert (prev.start, prev.end) == (_utc("2026-01-01"), _utc("2026-02-01"))
    assert parse_period("2026-04-01..2026-10-01").previous().label == "2025-10-01..2026-04-01"
    days = parse_period("2026-02-10..2026-03-10").previous()
    assert (days.start, days.end) == (_utc("2026-01-13"), _utc("2026-02-10"))


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


# --- periods in the client's time zone -----------------------------------------------
# 22:30 UTC on 30 June is 00:30 on 1 July in Warsaw (CEST, UTC+2);
# 03:30 UTC on 1 July is 23:30 on 30 June in New York (EDT, UTC-4).
EDGE = pd.Series(pd.to_datetime(["2026-06-30 22:30", "2026-07-01 03:30"], utc=True))


@pytest.mark.parametrize("tz, months, quarters", [
    ("UTC", ["2026-06", "2026-07"], ["2026-Q2", "2026-Q3"]),
    ("Europe/Warsaw", ["2026-07", "2026-07"], ["2026-Q3", "2026-Q3"]),
    ("America/New_York", ["2026-06", "2026-06"], ["2026-Q2", "2026-Q2"]),
])
def test_labels_are_cut_in_the_zone(tz, months, quarters):
    assert period_labels(EDGE, "month", tz=tz).tolist() == months
    assert period_labels(EDGE, "quarter", tz=tz).tolist() == quarters
    assert period_labels(EDGE, "year", tz=tz).tolist() == ["2026", "2026"]


@pytest.mark.parametrize("spec, tz, start, end", [
    ("2026-Q3", "Europe/Warsaw", "2026-06-30 22:00", "2026-09-30 22:00"),
    ("2026-Q3", "America/New_York", "2026-07-01 04:00", "2026-10-01 04:00"),
    ("2026-03", "Europe/Warsaw", "2026-02-28 23:00", "2026-03-31 22:00"),  # DST starts on 29 March
    ("2026", "Asia/Kolkata", "2025-12-31 18:30", "2026-12-31 18:30"),
    ("2026-01-15..2026-02-15", "Europe/Warsaw", "2026-01-14 23:00", "2026-02-14 23:00"),
])
def test_bounds_are_local_midnights(spec, tz, start, end):
    p = parse_period(spec, tz=tz)
    assert (p.start, p.end) == (_utc(start), _utc(end))
    assert p.tz == tz and p.start.hour == 0 and p.end.hour == 0


def test_a_range_written_with_offsets_keeps_its_instants_in_any_zone():
    p = parse_period("2026-01-01T00:00+02:00..2026-02-01T00:00Z", tz="America/New_York")
    assert (p.start, p.end) == (_utc("2025-12-31 22:00"), _utc("2026-02-01"))


def test_previous_stays_in_the_zone_across_a_dst_change():
    q3 = parse_period("2026-Q3", tz="Europe/Warsaw")
    q2 = q3.previous()
    assert q2 == parse_period("2026-Q2", tz="Europe/Warsaw")
    assert q2.start == _utc("2026-03-31 22:00") and q2.end == q3.start
    # A custom range is measured in local days: the 31 days before 10 March-10 April (which
    # holds the change to summer time) start at local midnight.
    march = parse_period("2026-03-10..2026-04-10", tz="Europe/Warsaw")
    before = march.previous()
    assert before.label == "2026-02-07..2026-03-10"
    assert before.start == pd.Timestamp("2026-02-07", tz="Europe/Warsaw") and before.end == march.start
    whole = parse_period("2026-03-01..2026-04-01", tz="Europe/Warsaw").previous()
    assert whole.start == pd.Timestamp("2026-02-01", tz="Europe/Warsaw")


@pytest.mark.parametrize("data_end, tz, label", [
    ("2026-09-30 02:00", "UTC", "2026-Q3"),  # the data reach 30 September in UTC...
    ("2026-09-30 02:00", "America/New_York", "2026-Q2"),  # ...but only 29 September in New York
    ("2026-09-29 22:30", "Europe/Warsaw", "2026-Q3"),  # 00:30 on 30 September in Warsaw
    ("2026-09-29 22:30", "UTC", "2026-Q2"),
])
def test_latest_complete_period_in_the_zone(data_end, tz, label):
    p = parse_period("latest-quarter", data_end=_utc(data_end), tz=tz)
    assert (p.label, p.tz) == (label, tz)


def test_window_dates_are_local_dates():
    w = window("2026-07-01", "2026-10-01", "2026-Q3", tz="Europe/Warsaw")
    assert w.label == "2026-Q3" and w.start == _utc("2026-06-30 22:00")
    assert (w.start.date(), w.end.date()) == (dt.date(2026, 7, 1), dt.date(2026, 10, 1))


def test_in_zone_reads_naive_values_as_wall_time():
    assert in_zone("2026-07-01", "Europe/Warsaw") == _utc("2026-06-30 22:00")
    assert in_zone(_utc("2026-07-01"), "Europe/Warsaw") == _utc("2026-07-01")
    # 02:30 on 29 March does not exist in Warsaw: the clocks jump to 03:00.
    assert in_zone("2026-03-29 02:30", "Europe/Warsaw") == _utc("2026-03-29 01:00")


@pytest.mark.parametrize("call", [
    lambda: parse_period("2026-Q3", tz="Europe/Warszawa"),
    lambda: period_labels(EDGE, "month", tz="CEST"),
    lambda: window("2026-07-01", "2026-10-01", tz=""),
])
def test_an_unknown_zone_says_what_to_use(call):
    with pytest.raises(NpsInputError, match="unknown time zone .*IANA name like Europe/Warsaw"):
        call()


zones = st.sampled_from(["UTC", "Europe/Warsaw", "America/New_York", "Australia/Lord_Howe",
                         "America/Santiago", "Asia/Kathmandu", "Pacific/Chatham"])


@given(timestamps, st.sampled_from(["month", "quarter", "year"]), zones)
@settings(max_examples=200, deadline=None)
def test_label_and_window_agree_in_any_zone(ts, freq, tz):
    label = period_labels(pd.Series([ts]), freq, tz=tz).iloc[0]
    w = parse_period(label, tz=tz)
    assert w.label == label and w.start <= ts < w.end
    prev = w.previous()
    assert prev.end == w.start
    assert period_labels(pd.Series([prev.start, prev.end - pd.Timedelta("1us")]), freq, tz=tz).tolist() == [
        prev.label, prev.label
    ]
