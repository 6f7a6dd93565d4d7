"""CSAT, CES, response rate and survey fatigue."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from nps_helpers.analysis.experience import (
    answered_within,
    ces,
    csat,
    match_invitations,
    response_rate,
    survey_fatigue,
    wilson,
)
from nps_helpers.errors import NpsInputError


def _utc(*days):
    return pd.to_datetime(list(days), utc=True)


def test_wilson_matches_the_textbook_formula():
    count, n, z = 7, 20, stats.norm.ppf(0.975)
    p = count / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    share, low, high = wilson([count], [n])
    assert (share[0], low[0], high[0]) == pytest.approx((p, centre - half, centre + half))
    assert np.isnan(wilson([0], [0])[0][0])


@given(n=st.integers(1, 500), data=st.data())
def test_wilson_bounds_hold_the_share(n, data):
    count = data.draw(st.integers(0, n))
    share, low, high = wilson([count], [n])
    assert 0 <= low[0] <= share[0] <= high[0] <= 1


def test_csat_is_the_share_of_fours_and_fives():
    frame = pd.DataFrame({"csat": [5, 4, 4, 3, 2, 1, 5, None, 5, 4]})
    result = csat(frame)
    assert (result.status, result.n, result.count) == ("ok", 9, 6)
    assert result.share == pytest.approx(6 / 9)
    assert result.ci_low < result.share < result.ci_high


def test_ces_mean_has_a_t_interval_and_the_share_of_five_to_seven():
    values = [7, 6, 5, 5, 4, 3, 2, 7, 6, 1]
    result = ces(pd.DataFrame({"ces": values}))
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert result.mean == pytest.approx(4.6)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))
    assert (result.high.count, result.high.n) == (6, 10)


def test_ces_of_one_rating_has_no_interval():
    result = ces(pd.DataFrame({"ces": [4]}))
    assert result.mean == 4 and math.isnan(result.ci_low)


@pytest.mark.parametrize("frame", [pd.DataFrame({"score": [9]}), pd.DataFrame({"csat": [None], "ces": [None]})])
def test_absent_columns_are_not_available(frame):
    assert csat(frame).status == "not_available"
    assert ces(frame).status == "not_available"
    assert math.isnan(ces(frame).mean)


@pytest.mark.parametrize(("column", "bad"), [("csat", 6), ("csat", 4.5), ("ces", 0), ("ces", "easy")])
def test_out_of_range_ratings_name_the_column(column, bad):
    frame = pd.DataFrame({column: [3, bad]})
    with pytest.raises(NpsInputError, match=f"column '{column}', row 1"):
        (csat if column == "csat" else ces)(frame)


def test_response_rate_counts_answers_inside_the_window_only():
    invitations = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "invited_at": _utc(*["2026-01-10"] * 5)})
    responses = pd.DataFrame({
        # a: same day; b: 30 days later (inside); c: 31 days later; d: before the invitation;
        # the answer of 'x' matches nobody.
        "customer_id": ["a", "b", "c", "d", "x"],
        "responded_at": _utc("2026-01-10", "2026-02-09", "2026-02-10", "2026-01-09", "2026-01-11")})
    flags = match_invitations(invitations, responses)["responded"].tolist()
    assert flags == [True, True, False, False, False]
    result = response_rate(invitations, responses)
    assert (result.count, result.n, result.share) == (2, 5, 0.4)


def test_response_rate_keeps_invitation_order_and_is_not_available_without_invitations():
    invitations = pd.DataFrame({"customer_id": ["b", "a"], "invited_at": _utc("2026-03-01", "2026-01-01")})
    responses = pd.DataFrame({"customer_id": ["b"], "responded_at": _utc("2026-03-02")})
    assert match_invitations(invitations, responses)["customer_id"].tolist() == ["b", "a"]
    assert match_invitations(invitations, responses)["responded"].tolist() == [True, False]
    assert response_rate(None, responses).status == "not_available"
    assert response_rate(pd.DataFrame({"customer_id": []}), responses).status == "not_available"


def test_survey_fatigue_counts_the_year_before_as_of():
    invitations = pd.DataFrame({
        "customer_id": ["a"] * 5 + ["b"] * 4 + ["c"],
        "invited_at": _utc(*pd.date_range("2025-03-01", periods=5, freq="MS"),
                           *pd.date_range("2025-03-01", periods=4, freq="MS"), "2024-06-01")})
    result = survey_fatigue(invitations, as_of="2026-01-01")
    per = result.per_customer.set_index("customer_id")["surveys"].to_dict()
    assert per == {"a": 5, "b": 4}  # c's only survey is older than a year
    assert (result.over_limit, result.mean_per_year, result.flagged) == (1, 4.5, True)
    assert survey_fatigue(None).status == "not_available"
    assert survey_fatigue(invitations, as_of="2020-01-01").status == "not_available"


def test_inputs_are_not_modified():
    invitations = pd.DataFrame({"customer_id": ["a"], "invited_at": ["2026-01-01"]})
    responses = pd.DataFrame({"customer_id": ["a"], "responded_at": ["2026-01-02"], "csat": [5]})
    before = (invitations.copy(), responses.copy())
    response_rate(invitations, responses)
    csat(responses)
    pd.testing.assert_frame_equal(invitations, before[0])
    pd.testing.assert_frame_equal(responses, before[1])


def test_ces_interval_stays_on_the_1_to_7_scale():
    result = ces(pd.DataFrame({"ces": [1, 7, 7]}))
    assert result.mean == 5.0
    assert 1.0 <= result.ci_low < result.mean < result.ci_high <= 7.0
    assert result.ci_high == 7.0  # the raw t interval reaches past 12


def _direct_match(invitations, responses, window_days=30):
    """Each invitation answered iff some answer of the same customer lies in [sent, sent + window]."""
    window = pd.Timedelta(days=window_days)
    answers = [(str(r.customer_id), r.responded_at) for r in responses.itertuples(index=False)
               if pd.notna(r.customer_id) and pd.notna(r.responded_at)]
    return [any(c == str(i.customer_id) and i.invited_at <= t <= i.invited_at + window for c, t in answers)
            for i in invitations.itertuples(index=False)
            if pd.notna(i.customer_id) and pd.notna(i.invited_at)]


_moments = st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.integers(0, 120)), max_size=25)


@given(sent=_moments, got=_moments, window=st.integers(0, 40))
def test_match_invitations_equals_a_direct_enumeration(sent, got, window):
    start = pd.Timestamp("2026-01-01", tz="UTC")
    invitations = pd.DataFrame({"customer_id": [c for c, _ in sent],
                                "invited_at": [start + pd.Timedelta(days=d) for _, d in sent]})
    # Answers at whole hours, some exactly on a window's edge.
    responses = pd.DataFrame({"customer_id": [c for c, _ in got],
                              "responded_at": [start + pd.Timedelta(hours=12 * d) for _, d in got]})
    matched = match_invitations(invitations, responses, window_days=window)
    assert matched["responded"].tolist() == _direct_match(invitations, responses, window)
    assert matched["customer_id"].dtype == "string" and matched["responded"].dtype == bool
    kept = invitations.dropna().reset_index(drop=True)
    assert matched["customer_id"].tolist() == kept["customer_id"].tolist()
    assert matched["invited_at"].tolist() == kept["invited_at"].tolist()


def test_match_invitations_edges():
    invitations = pd.DataFrame({"customer_id": ["a", "a", "b", None, "c"],
                                "invited_at": _utc("2026-01-01", "2026-03-01", "2026-01-01", "2026-01-01", None)})
    # The last answer of 'a' (the highest id seen) comes before its second invitation.
    responses = pd.DataFrame({"customer_id": ["a", None, "z"],
                              "responded_at": _utc("2026-01-31", "2026-01-02", "2026-01-02")})
    matched = match_invitations(invitations, responses)
    assert matched["customer_id"].tolist() == ["a", "a", "b"]
    assert matched["responded"].tolist() == [True, False, False]
    assert match_invitations(invitations, responses.iloc[:0])["responded"].tolist() == [False] * 3
    assert match_invitations(invitations.iloc[:0], responses).empty


def test_answered_within_compares_moments_across_units():
    sent = pd.DatetimeIndex(_utc("2026-01-01 00:00:00", "2026-01-01 00:00:00")).as_unit("s")
    got = pd.DatetimeIndex(_utc("2026-01-31 00:00:00.000001", "2026-01-31 00:00:00.000000")).as_unit("us")
    assert answered_within(np.array([0, 1]), sent, np.array([0, 1]), got).tolist() == [False, True]
    assert answered_within(np.array([0]), sent[:1], np.array([], dtype=int), got[:0]).tolist() == [False]
