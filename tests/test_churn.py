"""Churn by category, the association test, Kaplan-Meier curves, responders vs non-responders."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LogisticRegression

from nps_helpers.analysis.churn import (
    VERDICTS,
    association_test,
    churn_analysis,
    rate_difference,
    retention_curves,
)
from nps_helpers.errors import NpsInputError

AS_OF = pd.Timestamp("2026-01-01", tz="UTC")


def _client(n: int = 400, seed: int = 1, effect: float = -0.3):
    """Customers who answer once or twice; lower scores churn more when ``effect`` < 0."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i}" for i in range(n)]
    first = AS_OF - pd.to_timedelta(rng.integers(30, 700, n), unit="D")
    scores = rng.integers(0, 11, n)
    hazard = 1 / (1 + np.exp(-(-1.0 + effect * (scores - 5))))
    churns = rng.random(n) < hazard
    churned_at = [
        f + pd.Timedelta(days=int(d)) if c else pd.NaT
        for f, c, d in zip(first, churns, rng.integers(1, 300, n), strict=True)
    ]
    responses = pd.DataFrame(
        {"response_id": [f"r{i}" for i in range(n)], "customer_id": ids,
         "responded_at": first, "score": scores}
    )
    # An older second answer for a third of them: the latest one must be the one used.
    again = responses.sample(frac=1 / 3, random_state=seed).assign(
        response_id=lambda f: f["response_id"] + "b",
        responded_at=lambda f: f["responded_at"] - pd.Timedelta(days=40),
        score=lambda f: 10 - f["score"],
    )
    customers = pd.DataFrame(
        {"customer_id": ids, "started_at": first - pd.Timedelta(days=400),
         "churned_at": pd.to_datetime(pd.Series(churned_at), utc=True)}
    )
    return pd.concat([responses, again], ignore_index=True), customers


def _expected_rates(responses, customers, horizon=180):
    """The same churn rates, counted customer by customer in plain Python."""
    cutoff = AS_OF - pd.Timedelta(days=horizon)
    churn = dict(zip(customers["customer_id"], customers["churned_at"], strict=True))
    latest = {}
    for cid, when, score in zip(responses["customer_id"], responses["responded_at"],
                                responses["score"], strict=True):
        gone = churn[cid]
        if when > cutoff or (not pd.isna(gone) and gone < when):
            continue
        if cid not in latest or when > latest[cid][0]:
            latest[cid] = (when, score)
    counts = {"detractor": [0, 0], "passive": [0, 0], "promoter": [0, 0]}
    for cid, (when, score) in latest.items():
        cat = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        gone = churn[cid]
        counts[cat][0] += 1
        counts[cat][1] += int(not pd.isna(gone) and gone <= when + pd.Timedelta(days=horizon))
    return counts


def test_rates_match_a_direct_count_and_recent_customers_are_excluded():
    responses, customers = _client()
    result = churn_analysis(responses, customers, as_of=AS_OF)
    expected = _expected_rates(responses, customers)
    got = {r.category: [r.customers, r.churned] for r in result.rates.itertuples()}
    assert got == expected
    eligible = sum(v[0] for v in expected.values())
    assert result.excluded_recent == responses["customer_id"].nunique() - eligible
    assert result.excluded_recent > 0
    row = result.rates.iloc[0]
    assert row.rate == pytest.approx(row.churned / row.customers)
    assert row.ci_low < row.rate < row.ci_high


def test_response_after_churn_is_skipped_and_counted():
    responses = pd.DataFrame({"customer_id": ["a", "a"], "score": [3, 10],
                              "responded_at": pd.to_datetime(["2025-01-01", "2025-03-01"], utc=True)})
    customers = pd.DataFrame({"customer_id": ["a"],
                              "churned_at": pd.to_datetime(["2025-02-01"], utc=True)})
    result = churn_analysis(responses, customers, as_of=AS_OF)
    assert result.excluded_inconsistent == 1
    assert result.rates.set_index("category").loc["detractor", "churned"] == 1


def test_two_answers_at_the_same_instant_count_the_lower_score():
    when = pd.to_datetime(["2025-01-01", "2025-01-01"], utc=True)
    responses = pd.DataFrame({"customer_id": ["a", "a"], "score": [10, 3], "responded_at": when})
    customers = pd.DataFrame({"customer_id": ["a"], "churned_at": [pd.NaT]})
    rates = churn_analysis(responses, customers, as_of=AS_OF).rates.set_index("category")
    assert rates["customers"].to_dict() == {"detractor": 1, "passive": 0, "promoter": 0}


def test_odds_ratio_and_lr_p_value_agree_with_sklearn():
    responses, customers = _client(n=600, seed=3)
    result = churn_analysis(responses, customers, as_of=AS_OF)
    row = result.association.query("model == 'score'").iloc[0]
    # Rebuild the same (score, churned) pairs and fit them independently.
    cutoff = AS_OF - pd.Timedelta(days=180)
    linked = responses.merge(customers, on="customer_id")
    linked = linked[(linked["responded_at"] <= cutoff)
                    & ~(linked["churned_at"] < linked["responded_at"])]
    latest = linked.sort_values("responded_at").groupby("customer_id").tail(1)
    y = (latest["churned_at"] <= latest["responded_at"] + pd.Timedelta(days=180)).to_numpy()
    x = latest[["score"]].to_numpy(dtype=float)
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(x, y)
    assert row.odds_ratio == pytest.approx(math.exp(model.coef_[0, 0]), rel=1e-4)
    p = model.predict_proba(x)[:, 1]
    loglik = np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    base = y.mean()
    null = np.sum(y * np.log(base) + (1 - y) * np.log(1 - base))
    assert row.lr_p_value == pytest.approx(stats.chi2.sf(2 * (loglik - null), 1), rel=1e-3)
    assert row.ci_low < row.odds_ratio < row.ci_high
    assert result.verdict == "higher_score_less_churn"
    terms = result.association.query("model == 'category'")["term"].tolist()
    assert terms == ["category_passive", "category_promoter"]


def test_verdicts_cover_each_direction_and_the_null():
    scores = pd.Series(list(range(11)) * 20)
    low_churns = pd.Series([s < 4 for s in scores])
    high_churns = pd.Series([s > 6 for s in scores])
    # Churn in exactly every other customer at every score: no association at all.
    flat = pd.Series([i % 2 == 0 for i in range(len(scores))])
    flat_scores = pd.Series([s for s in range(11) for _ in range(20)])
    assert association_test(scores, low_churns)[1] == "higher_score_less_churn"
    assert association_test(scores, high_churns)[1] == "higher_score_more_churn"
    table, verdict = association_test(flat_scores, flat)
    assert verdict == "no_association"
    assert table.loc[0, "odds_ratio"] == pytest.approx(1.0, abs=1e-6)
    few = pd.Series([True] * 9 + [False] * 200)
    table, verdict = association_test(pd.Series(range(209)) % 11, few)
    assert verdict == "too_few_events" and table.empty
    assert set(VERDICTS) >= {verdict}


def test_perfect_separation_still_gets_a_verdict_from_the_lr_test():
    scores = pd.Series(list(range(11)) * 3)
    table, verdict = association_test(scores, scores < 5)
    assert verdict == "higher_score_less_churn"
    row = table.iloc[0]
    assert not row.converged and math.isnan(row.ci_low)
    assert row.lr_p_value < 1e-6


def test_kaplan_meier_matches_a_hand_computation_on_six_subjects():
    t = pd.Series([2.0, 3, 3, 5, 6, 8])
    e = pd.Series([True, True, False, True, False, True])
    curves, _ = retention_curves(t, e, pd.Series(["all"] * 6))
    # S(2)=5/6; S(3)=5/6*4/5; S(5)=S(3)*2/3 (at risk: 5, 6, 8); S(8)=0.
    assert curves["day"].tolist() == [0, 2, 3, 5, 8]
    assert curves["at_risk"].tolist() == [6, 6, 5, 3, 1]
    assert curves["survival"].tolist() == pytest.approx([1, 5 / 6, 4 / 6, 4 / 9, 0])
    # Greenwood at day 2, then the log(-log) interval by hand.
    s = 5 / 6
    se = s * math.sqrt(1 / (6 * 5))
    half = 1.959964 * se / (s * abs(math.log(s)))
    assert curves.loc[1, "ci_low"] == pytest.approx(s ** math.exp(half), rel=1e-5)
    assert curves.loc[1, "ci_high"] == pytest.approx(s ** math.exp(-half), rel=1e-5)


def test_log_rank_p_matches_a_hand_computation():
    t = np.array([1.0, 2, 3, 4, 5, 2, 4, 6, 8, 9])
    e = np.array([1, 1, 1, 0, 1, 0, 1, 1, 0, 1], dtype=bool)
    g = np.array(["a"] * 5 + ["b"] * 5)
    _, p = retention_curves(pd.Series(t), pd.Series(e), pd.Series(g))
    observed = expected = variance = 0.0
    for day in np.unique(t[e]):
        at_risk = t >= day
        n, n_a = at_risk.sum(), (at_risk & (g == "a")).sum()
        d, d_a = (e & (t == day)).sum(), (e & (t == day) & (g == "a")).sum()
        observed += d_a
        expected += d * n_a / n
        variance += d * (n_a / n) * (1 - n_a / n) * (n - d) / max(n - 1, 1)
    assert p == pytest.approx(stats.chi2.sf((observed - expected) ** 2 / variance, 1), rel=1e-6)


def test_retention_curves_cover_every_category_and_are_monotone():
    responses, customers = _client(seed=5)
    result = churn_analysis(responses, customers, as_of=AS_OF)
    assert set(result.retention["group"]) == {"detractor", "passive", "promoter"}
    for _, curve in result.retention.groupby("group"):
        assert (curve["survival"].diff().dropna() <= 1e-12).all()
        assert curve["day"].iloc[0] == 0 and curve["survival"].iloc[0] == 1
    assert 0 <= result.logrank_p_value <= 1


def test_responders_vs_non_responders_counted_by_hand():
    customers = pd.DataFrame({
        "customer_id": list("abcdef"),
        "churned_at": pd.to_datetime([None, "2025-03-01", None, "2025-02-01", "2025-04-01", None],
                                     utc=True)})
    invitations = pd.DataFrame({"customer_id": list("abcdef"),
                                "invited_at": pd.to_datetime(["2025-01-01"] * 6, utc=True)})
    # a, b, c answer within the window; d answers after 40 days (too late); e, f never.
    responses = pd.DataFrame({
        "customer_id": list("abcd"), "score": [9, 3, 8, 10],
        "responded_at": pd.to_datetime(["2025-01-03", "2025-01-10", "2025-01-20", "2025-02-10"],
                                       utc=True)})
    result = churn_analysis(responses, customers, invitations, as_of=AS_OF)
    table = result.responders.set_index("group")
    assert table.loc["responder", ["customers", "churned"]].tolist() == [3, 1]
    assert table.loc["non_responder", ["customers", "churned"]].tolist() == [3, 2]
    assert result.responder_difference.difference == pytest.approx(1 / 3 - 2 / 3)
    assert result.responders_reason is None
    assert churn_analysis(responses, customers, as_of=AS_OF).responders_reason == "no_invitations"


def test_rate_difference_p_value_is_the_pooled_z_test():
    d = rate_difference(12, 80, 25, 90)
    pooled = 37 / 170
    z = (12 / 80 - 25 / 90) / math.sqrt(pooled * (1 - pooled) * (1 / 80 + 1 / 90))
    assert d.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert d.ci_low < d.difference < d.ci_high
    assert rate_difference(0, 10, 0, 12).p_value == 1.0
    assert rate_difference(1, 0, 3, 5) is None


@pytest.mark.parametrize(
    ("customers", "reason"),
    [
        (None, "no_customers"),
        (pd.DataFrame(), "no_customers"),
        (pd.DataFrame({"customer_id": ["a"], "started_at": [AS_OF]}), "no_churn_column"),
        (pd.DataFrame({"customer_id": ["zz"], "churned_at": [pd.NaT]}), "no_linked_responses"),
    ],
)
def test_without_customer_data_the_result_is_not_available(customers, reason):
    responses = pd.DataFrame({"customer_id": ["a"], "score": [9], "responded_at": [AS_OF]})
    result = churn_analysis(responses, customers)
    assert (result.status, result.reason) == ("not_available", reason)
    assert result.verdict in VERDICTS


def test_responses_without_customer_ids_are_not_available():
    responses = pd.DataFrame({"customer_id": [None], "score": [9], "responded_at": [AS_OF]})
    customers = pd.DataFrame({"customer_id": ["a"], "churned_at": [pd.NaT]})
    assert churn_analysis(responses, customers).reason == "no_customer_ids"


def test_bad_horizon_is_an_error_and_inputs_are_not_modified():
    responses, customers = _client(n=50)
    before = (responses.copy(), customers.copy())
    churn_analysis(responses, customers)
    pd.testing.assert_frame_equal(responses, before[0])
    pd.testing.assert_frame_equal(customers, before[1])
    with pytest.raises(NpsInputError, match="horizon_days"):
        churn_analysis(responses, customers, horizon_days=0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), horizon=st.integers(30, 400))
def test_rates_stay_inside_their_intervals(seed, horizon):
    responses, customers = _client(n=60, seed=seed)
    result = churn_analysis(responses, customers, horizon_days=horizon, as_of=AS_OF)
    rates = result.rates.dropna()
    assert ((rates["ci_low"] <= rates["rate"]) & (rates["rate"] <= rates["ci_high"])).all()
    assert rates["rate"].between(0, 1).all()
    assert result.verdict in VERDICTS


def _hand_made():
    """Five customers; hand-checked below against a 180-day follow-up."""
    customers = pd.DataFrame({
        "customer_id": list("abcde"),
        "churned_at": pd.to_datetime([None, "2025-05-01", None, "2025-12-01", None], utc=True)})
    # a answers twice; e answers only on 2025-06-01, too late for a complete follow-up
    # by 2025-10-01.
    responses = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "d", "e"],
        "score": [2, 10, 3, 9, 8, 0],
        "responded_at": pd.to_datetime(["2024-11-15", "2025-03-01", "2025-01-10", "2024-10-20",
                                        "2025-02-01", "2025-06-01"], utc=True)})
    return responses, customers


def test_base_and_window_are_the_latest_answers_with_a_complete_follow_up():
    responses, customers = _hand_made()
    result = churn_analysis(responses, customers, as_of="2026-01-01", period_end="2025-10-01")
    # The follow-up ends at the period's end (earlier than the data's end): cut-off
    # 2025-10-01 - 180 days = 2025-04-04; a (2025-03-01), b, c, d count, e does not.
    assert result.as_of == pd.Timestamp("2025-10-01", tz="UTC")
    assert result.base_start == pd.Timestamp("2024-10-20", tz="UTC")
    assert result.base_end == pd.Timestamp("2025-03-01", tz="UTC")
    assert result.excluded_recent == 1
    rates = result.rates.set_index("category")
    # a's latest answer is a 10 (promoter), not the older 2; d left on 2025-12-01, more
    # than 180 days after 2025-02-01, so d stayed; b left 111 days after answering.
    assert rates.loc["promoter", ["customers", "churned"]].tolist() == [2, 0]
    assert rates.loc["passive", ["customers", "churned"]].tolist() == [1, 0]
    assert rates.loc["detractor", ["customers", "churned"]].tolist() == [1, 1]


def test_follow_up_ends_at_the_earlier_of_the_data_end_and_the_period_end():
    responses, customers = _hand_made()
    # Data ending 2025-08-01 (before the period's end): cut-off 2025-02-02, so a counts
    # through its older answer (2024-11-15, a 2) and d (2025-02-01) just makes it.
    result = churn_analysis(responses, customers, as_of="2025-08-01", period_end="2025-10-01")
    assert result.as_of == pd.Timestamp("2025-08-01", tz="UTC")
    assert result.excluded_recent == 1
    rates = result.rates.set_index("category")
    assert rates.loc["detractor", ["customers", "churned"]].tolist() == [2, 1]  # a (a 2), b
    assert rates.loc["passive", ["customers", "churned"]].tolist() == [1, 0]  # d
    assert rates.loc["promoter", ["customers", "churned"]].tolist() == [1, 0]  # c
    assert result.base_end == pd.Timestamp("2025-02-01", tz="UTC")


def test_without_period_end_the_follow_up_ends_at_the_data_end():
    responses, customers = _hand_made()
    result = churn_analysis(responses, customers)
    # The latest date in the data is d's churn, 2025-12-01: cut-off 2025-06-04, all five count.
    assert result.as_of == pd.Timestamp("2025-12-01", tz="UTC")
    assert result.rates["customers"].sum() == 5
    assert result.excluded_recent == 0


@pytest.mark.parametrize("language", ["en", "de", "pl", "sl", "ru"])
def test_report_states_the_base_window_and_that_responders_are_an_association(language):
    from dataclasses import replace

    from nps_helpers.present.i18n import translator
    from nps_helpers.views.customer_sections import show_churn
    from nps_helpers.views.report import example_report

    responses, customers = _hand_made()
    invitations = pd.DataFrame({"customer_id": list("abcde"),
                                "invited_at": pd.to_datetime(["2024-10-15"] * 5, utc=True)})
    result = churn_analysis(responses, customers, invitations, as_of="2026-01-01",
                            period_end="2025-10-01")
    t = translator(language)
    markup = " ".join(p.markup for p in show_churn(replace(example_report(), t=t), result)
                      if hasattr(p, "markup"))
    # Four customers answered between 2024-10-20 and 2025-03-01 (dates in UTC, the
    # example report's zone); e's follow-up is not complete.
    window = t.period("2024-10-20..2025-03-02")
    assert t.text("churn_base", n=4, window=window, days=t.count("{n} day", "{n} days", 180)) in markup
    assert t.text("churn_recent", n=1) in markup
    assert t.text("responders_association") in markup
