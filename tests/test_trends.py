"""Trends: NPS per period with intervals, rolling windows, calendars, change and events."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.analysis.metrics import nps, nps_difference
from nps_helpers.analysis.trends import attach_events, nps_by_period, period_change
from nps_helpers.config.params import Event
from nps_helpers.core.periods import Period, parse_period
from nps_helpers.errors import NpsInputError


def _frame(pairs):
    """Responses from (timestamp text, score) pairs."""
    return pd.DataFrame(
        {
            "response_id": [str(i) for i in range(len(pairs))],
            "score": pd.array([s for _, s in pairs], dtype="int8"),
            "responded_at": pd.to_datetime([t for t, _ in pairs], utc=True, format="ISO8601"),
        }
    )


def _random(n=600, seed=0, days=365):
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, days * 86400, n)
    return pd.DataFrame(
        {
            "score": rng.integers(0, 11, n),
            "responded_at": pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(seconds, unit="s"),
            "region": rng.choice(["EU", "US"], n),
        }
    )


def test_monthly_rows_by_hand_with_an_empty_month():
    frame = _frame(
        [("2026-01-03", 10), ("2026-01-31T23:59:59Z", 9), ("2026-01-15", 2), ("2026-01-20", 7),
         ("2026-03-01", 0), ("2026-03-02", 10)]
    )
    trend = nps_by_period(frame)
    assert trend["period"].tolist() == ["2026-01", "2026-02", "2026-03"]
    assert trend["n"].tolist() == [4, 0, 2]
    assert trend[["promoters", "passives", "detractors"]].to_numpy().tolist() == [
        [2, 1, 1], [0, 0, 0], [1, 0, 1]
    ]
    assert trend["nps"].iloc[0] == 25.0  # (2 - 1) / 4
    assert trend["nps"].iloc[2] == 0.0
    assert np.isnan(trend["nps"].iloc[1]) and np.isnan(trend["ci_low"].iloc[1])
    # No change next to an empty month: nothing to compare.
    assert trend["difference"].isna().all()
    assert not trend["significant"].any()
    assert trend["start"].iloc[1] == pd.Timestamp("2026-02-01", tz="UTC")
    assert trend["end"].iloc[1] == pd.Timestamp("2026-03-01", tz="UTC")


def test_change_against_previous_period_by_hand():
    # 40 promoters / 60 detractors in April, 60 / 40 in May: +40 points, p = 0.0042 (adjusted Wald
    # centred on +38.8, the worked example of test_metrics.test_difference_z_test_by_hand).
    frame = _frame([("2026-04-10", 10)] * 40 + [("2026-04-11", 0)] * 60
                   + [("2026-05-10", 10)] * 60 + [("2026-05-11", 0)] * 40)
    trend = nps_by_period(frame)
    row = trend.iloc[1]
    assert row["difference"] == pytest.approx(40.0)
    assert row["p_value"] == pytest.approx(0.00420, abs=1e-5)
    assert row["significant"]
    assert np.isnan(trend["p_value"].iloc[0])


def test_counts_match_an_independent_groupby():
    frame = _random()
    for freq, code in (("month", "M"), ("quarter", "Q"), ("year", "Y")):
        trend = nps_by_period(frame, freq)
        periods = frame["responded_at"].dt.tz_convert(None).dt.to_period(code)
        by_hand = frame.groupby(periods)["score"].agg(
            promoters=lambda s: (s >= 9).sum(), detractors=lambda s: (s <= 6).sum(), n="size"
        )
        assert trend["n"].tolist() == by_hand["n"].tolist()
        assert trend["promoters"].tolist() == by_hand["promoters"].tolist()
        assert trend["detractors"].tolist() == by_hand["detractors"].tolist()
        first = trend.iloc[0]
        r = nps({k: int(first[k]) for k in ("promoters", "passives", "detractors")})
        assert (first["nps"], first["ci_low"], first["ci_high"]) == pytest.approx(
            (r.nps, r.ci_low, r.ci_high)
        )


def test_quarters_pool_their_months():
    frame = _random(seed=4)
    months = nps_by_period(frame, "month")
    quarters = nps_by_period(frame, "quarter")
    pooled = months.groupby(months["start"].dt.quarter)[["n", "promoters", "detractors"]].sum()
    assert quarters["n"].tolist() == pooled["n"].tolist()
    assert quarters["promoters"].tolist() == pooled["promoters"].tolist()


def test_rolling_window_pools_and_compares_with_the_disjoint_window():
    frame = _random(seed=2)
    months = nps_by_period(frame, "month")
    rolled = nps_by_period(frame, "month", rolling=3)
    quarters = nps_by_period(frame, "quarter")
    assert rolled["period"].iloc[0] == months["period"].iloc[2]
    assert rolled["window_start"].iloc[0] == months["start"].iloc[0]
    assert rolled["n"].tolist() == months["n"].rolling(3).sum().dropna().astype(int).tolist()
    # The window ending in June is Q2; it is compared with Q1, as the quarterly trend does.
    june = rolled.set_index("period").loc["2025-06"]
    q2 = quarters.set_index("period").loc["2025-Q2"]
    assert (june["nps"], june["difference"], june["p_value"]) == pytest.approx(
        (q2["nps"], q2["difference"], q2["p_value"])
    )
    assert rolled["difference"].iloc[:3].isna().all()
    assert nps_by_period(frame, rolling=1).equals(months)


def test_custom_calendar_half_open_windows_sorted_and_overlapping():
    frame = _frame([("2026-01-10", 10), ("2026-02-01", 0), ("2026-02-20", 8), ("2026-05-01", 9)])
    calendar = [
        ("Feb", "2026-02-01", "2026-03-01"),
        ("Jan", dt.date(2026, 1, 1), pd.Timestamp("2026-02-01", tz="UTC")),
        Period("Q1", pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-04-01", tz="UTC")),
    ]
    trend = nps_by_period(frame, calendar=calendar)
    assert trend["period"].tolist() == ["Jan", "Q1", "Feb"]  # ordered by start
    # 1 February 00:00 belongs to February only; overlapping windows count a response twice.
    assert trend.set_index("period")["n"].to_dict() == {"Jan": 1, "Q1": 3, "Feb": 2}
    assert trend.set_index("period").loc["Jan", "nps"] == 100.0


def test_utc_boundaries_of_months():
    frame = _frame([("2026-03-31T23:30:00-05:00", 10)])
    assert nps_by_period(frame)["period"].tolist() == ["2026-04"]


def test_empty_responses_give_an_empty_table_with_the_columns():
    empty = _frame([])
    trend = nps_by_period(empty)
    assert trend.empty
    assert {"period", "start", "n", "nps", "ci_low", "difference", "significant"} <= set(trend)
    calendar = nps_by_period(empty, calendar=[("A", "2026-01-01", "2026-02-01")])
    assert calendar["n"].tolist() == [0]


def test_callers_frame_is_not_modified():
    frame = _random(n=200)
    before = frame.copy()
    nps_by_period(frame, "quarter", rolling=2)
    period_change(frame, "2025-Q2")
    pd.testing.assert_frame_equal(frame, before)


@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31)),
            st.integers(0, 10),
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["month", "quarter", "year"]),
)
@settings(max_examples=60, deadline=None)
def test_every_response_lands_in_exactly_one_period(pairs, freq):
    frame = pd.DataFrame(
        {"score": [s for _, s in pairs],
         "responded_at": pd.to_datetime([t for t, _ in pairs]).tz_localize("UTC")}
    )
    trend = nps_by_period(frame, freq)
    assert trend["n"].sum() == len(frame)
    assert (trend["start"].iloc[1:].to_numpy() == trend["end"].iloc[:-1].to_numpy()).all()
    filled = trend.dropna(subset=["nps"])
    assert ((filled["ci_low"] >= -100) & (filled["ci_high"] <= 100)).all()


# --- period_change -------------------------------------------------------------------------
def test_period_change_verdicts():
    up = _frame([("2026-08-01", 10)] * 30 + [("2026-08-02", 0)] * 20
                + [("2026-05-01", 10)] * 10 + [("2026-05-02", 0)] * 40)
    ch = period_change(up, "2026-Q3")
    assert (ch.period.label, ch.previous.label, ch.verdict) == ("2026-Q3", "2026-Q2", "significant_increase")
    expected = nps_difference([10] * 30 + [0] * 20, [10] * 10 + [0] * 40)
    assert ch.difference.difference == pytest.approx(expected.difference)
    assert ch.difference.p_value == pytest.approx(expected.p_value)
    assert period_change(up, "2026-Q2").verdict == "no_previous_period"
    assert period_change(up, "2026-Q4").verdict == "no_responses"
    down = _frame([("2026-02-01", 0)] * 40 + [("2026-01-05", 10)] * 40)
    assert period_change(down, parse_period("2026-02")).verdict == "significant_decrease"
    flat = _frame([("2026-02-01", 10), ("2026-02-02", 0), ("2026-01-05", 10)])
    assert period_change(flat, "2026-02").verdict == "no_significant_change"


def test_period_change_latest_uses_the_newest_response():
    frame = _frame([("2026-06-30T12:00:00Z", 9), ("2026-04-02", 3), ("2026-02-01", 10)])
    ch = period_change(frame, "latest-quarter")
    assert ch.period.label == "2026-Q2"
    assert (ch.difference.a.n, ch.difference.b.n) == (2, 1)


# --- events --------------------------------------------------------------------------------
def test_events_are_placed_in_their_period():
    trend = nps_by_period(_frame([("2026-01-05", 9), ("2026-03-20", 3)]))
    events = [
        Event(date=dt.date(2026, 2, 15), label="Price change"),
        {"date": "2026-01-01", "label": "Launch"},
        {"date": "2026-04-01", "label": "After the trend"},
        {"date": "2025-12-31", "label": "Before the trend"},
    ]
    placed = attach_events(trend, events)
    assert placed["label"].tolist() == ["Price change", "Launch"]
    assert placed["period"].tolist() == ["2026-02", "2026-01"]
    assert placed["position"].tolist() == [pytest.approx(14 / 28), 0.0]
    assert placed["date"].iloc[0] == pd.Timestamp("2026-02-15", tz="UTC")
    as_frame = attach_events(trend, pd.DataFrame(events[1:]))
    assert as_frame["label"].tolist() == ["Launch"]
    assert attach_events(trend, None).empty
    assert attach_events(trend.iloc[:0], events).empty


@pytest.mark.parametrize(
    "events, fragment",
    [
        ([{"label": "no date"}], "needs a date and a label"),
        ([{"date": "2026-01-01"}], "needs a date and a label"),
        ([{"date": "someday", "label": "x"}], "is not a date"),
    ],
)
def test_bad_events(events, fragment):
    trend = nps_by_period(_frame([("2026-01-05", 9)]))
    with pytest.raises(NpsInputError, match=fragment):
        attach_events(trend, events)


def test_attach_events_needs_a_trend():
    with pytest.raises(NpsInputError, match="missing columns: start, end"):
        attach_events(pd.DataFrame({"period": ["2026-01"]}), [])


# --- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"freq": "week"}, "not one of month, quarter, year"),
        ({"rolling": 0}, "rolling must be"),
        ({"rolling": 1.5}, "rolling must be"),
        ({"rolling": True}, "rolling must be"),
        ({"level": 95}, "level must be"),
        ({"calendar": [("A", "2026-02-01", "2026-01-01")]}, "ends before it starts"),
        ({"calendar": [("A", "2026-01-01")]}, "is not \\(label, start, end\\)"),
        ({"calendar": [("A", "x", "2026-01-01")]}, "is not \\(label, start, end\\)"),
        ({"calendar": [("A", "2026-01-01", "2026-02-01")] * 2}, "labels must be unique"),
    ],
)
def test_bad_arguments(kwargs, fragment):
    with pytest.raises(NpsInputError, match=fragment):
        nps_by_period(_frame([("2026-01-05", 9)]), **kwargs)


def test_bad_responses():
    with pytest.raises(NpsInputError, match="missing: responded_at"):
        nps_by_period(pd.DataFrame({"score": [9]}))
    no_time = pd.DataFrame({"score": [9, 3], "responded_at": [pd.Timestamp("2026-01-01", tz="UTC"), pd.NaT]})
    with pytest.raises(NpsInputError, match="empty in row 1"):
        nps_by_period(no_time)
    with pytest.raises(NpsInputError, match="not timestamps"):
        nps_by_period(pd.DataFrame({"score": [9], "responded_at": ["soon"]}))
    with pytest.raises(NpsInputError, match="not a whole number 0-10"):
        nps_by_period(_frame([("2026-01-05", 9)]).assign(score=[12]))
    with pytest.raises(NpsInputError, match="missing: score"):
        period_change(pd.DataFrame({"responded_at": []}), "2026-Q1")


# --- the client's time zone ----------------------------------------------------------
# 22:30 UTC on 30 June is 00:30 on 1 July in Warsaw; 03:30 UTC on 1 July is 23:30 on 30 June
# in New York.
EDGE = [("2026-06-30T22:30:00Z", 10), ("2026-07-01T03:30:00Z", 0), ("2026-07-15T12:00:00Z", 8)]


@pytest.mark.parametrize("tz, rows", [
    ("UTC", [("2026-06", 1, 100.0), ("2026-07", 2, -50.0)]),
    ("Europe/Warsaw", [("2026-07", 3, 0.0)]),
    ("America/New_York", [("2026-06", 2, 0.0), ("2026-07", 1, 0.0)]),
])
def test_months_are_cut_in_the_zone(tz, rows):
    trend = nps_by_period(_frame(EDGE), "month", tz=tz)
    assert list(trend[["period", "n", "nps"]].itertuples(index=False, name=None)) == rows
    first = trend["start"].iloc[0]
    assert str(first.tz) == tz and (first.day, first.hour) == (1, 0)


def test_quarters_and_a_calendar_of_naive_dates_in_the_zone():
    q = nps_by_period(_frame(EDGE), "quarter", tz="America/New_York")
    assert q[["period", "n"]].values.tolist() == [["2026-Q2", 2], ["2026-Q3", 1]]
    calendar = [("first of July", "2026-07-01", "2026-07-02")]
    assert nps_by_period(_frame(EDGE), calendar=calendar, tz="Europe/Warsaw")["n"].tolist() == [2]
    assert nps_by_period(_frame(EDGE), calendar=calendar)["n"].tolist() == [1]


def test_period_change_cuts_a_spec_in_the_zone_and_a_period_in_its_own():
    ch = period_change(_frame(EDGE), "2026-Q3", tz="America/New_York")
    assert (ch.period.tz, ch.previous.label) == ("America/New_York", "2026-Q2")
    assert (ch.difference.a.n, ch.difference.b.n) == (1, 2)
    warsaw = period_change(_frame(EDGE), parse_period("2026-Q3", tz="Europe/Warsaw"))
    assert (warsaw.difference.a.n, warsaw.difference.b.n, warsaw.verdict) == (3, 0, "no_previous_period")


def test_event_dates_are_local_dates_of_the_trends_zone():
    events = [{"date": "2026-07-01", "label": "Launch"}]
    new_york = attach_events(nps_by_period(_frame(EDGE), tz="America/New_York"), events)
    # Read as UTC midnight, 1 July would be 20:00 on 30 June in New York: June.
    assert new_york[["period", "position"]].values.tolist() == [["2026-07", 0.0]]
    assert new_york["date"].iloc[0] == pd.Timestamp("2026-07-01 04:00", tz="UTC")
