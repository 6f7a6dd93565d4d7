"""Customer health score: bounds, monotonicity, no look-ahead, bands, the out-of-time check."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LogisticRegression
from statsmodels.stats.proportion import proportion_confint

from nps_helpers.analysis.health import (
    BANDS,
    HealthWeights,
    at_risk_customers,
    band_counts,
    band_trend,
    band_trend_of,
    bands,
    customer_health,
    health_by_date,
    health_check,
)
from nps_helpers.analysis.health_risk import HealthRisk, health_risk, risk_dates
from nps_helpers.errors import NpsInputError, NpsParamsError

AS_OF = pd.Timestamp("2026-01-01", tz="UTC")


def _book(n: int = 60, seed: int = 0):
    """Customers with plans, revenue, one or two answers and a few invitations each."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i:03d}" for i in range(n)]
    customers = pd.DataFrame({
        "customer_id": ids,
        "started_at": AS_OF - pd.to_timedelta(rng.integers(30, 3000, n), unit="D"),
        "churned_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
        "revenue": rng.gamma(2.0, 300.0, n).round(2),
        "plan": rng.choice(["Basic", "Plus", "Premium"], n),
    })
    first = AS_OF - pd.to_timedelta(rng.integers(200, 400, n), unit="D")
    second = AS_OF - pd.to_timedelta(rng.integers(5, 190, n), unit="D")
    responses = pd.DataFrame({
        "customer_id": ids + ids,
        "responded_at": list(first) + list(second),
        "score": list(rng.integers(0, 11, n)) + list(rng.integers(0, 11, n)),
    })
    invitations = pd.DataFrame({
        "customer_id": ids * 3,
        "invited_at": list(first - pd.Timedelta(days=1)) + list(second - pd.Timedelta(days=1))
        + list(AS_OF - pd.to_timedelta(rng.integers(60, 500, n), unit="D")),
    })
    return customers, responses, invitations


def _score_of(customer_id, *tables, **options) -> float:
    health = customer_health(*tables, as_of=AS_OF, **options)
    return float(health.set_index("customer_id").loc[customer_id, "score"])


def test_score_of_one_customer_by_hand():
    customers = pd.DataFrame({"customer_id": ["a"], "churned_at": [pd.NaT],
                              "started_at": [AS_OF - pd.Timedelta(days=730.5)]})
    responses = pd.DataFrame({"customer_id": ["a", "a"], "score": [6, 9],
                              "responded_at": [AS_OF - pd.Timedelta(days=400), AS_OF - pd.Timedelta(days=90)]})
    invitations = pd.DataFrame({"customer_id": ["a"] * 3, "invited_at": [
        AS_OF - pd.Timedelta(days=401), AS_OF - pd.Timedelta(days=91), AS_OF - pd.Timedelta(days=200)]})
    row = customer_health(customers, responses, invitations, as_of=AS_OF).iloc[0]
    parts = {"tenure": 1 - math.exp(-1), "nps": 1.0, "trend": (9 - 6 + 10) / 20,
             "responsiveness": (2 + 1) / (3 + 2), "recency": math.exp(-90 / 180)}
    w = HealthWeights()
    expected = 100 * sum(getattr(w, k) * v for k, v in parts.items()) / sum(getattr(w, k) for k in parts)
    assert row.score == pytest.approx(expected)
    assert {c for c in row.index if c.startswith("c_")} == {f"c_{k}" for k in parts}


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_scores_are_bounded_and_bands_follow_them(seed):
    customers, responses, invitations = _book(seed=seed)
    health = customer_health(customers, responses, invitations, as_of=AS_OF)
    assert health["score"].between(0, 100).all()
    assert (health["band"] == bands(health["score"])).all()
    assert health["score"].is_monotonic_increasing


def _changed(frame, customer_id, column, value, key="customer_id"):
    out = frame.copy()
    out.loc[out[key] == customer_id, column] = value
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_rises_with_each_input(seed):
    customers, responses, invitations = _book(seed=seed)
    tables = (customers, responses, invitations)
    who = "c007"
    base = _score_of(who, *tables)
    # Longer tenure.
    older = _changed(customers, who, "started_at", AS_OF - pd.Timedelta(days=5000))
    assert _score_of(who, older, responses, invitations) >= base
    # More revenue.
    richer = _changed(customers, who, "revenue", 1e9)
    assert _score_of(who, richer, responses, invitations) >= base
    # A dearer plan (the client's own plan scores).
    plan_scores = {"Basic": 0.0, "Plus": 0.5, "Premium": 1.0}
    cheap = _score_of(who, _changed(customers, who, "plan", "Basic"), responses, invitations, plan_scores=plan_scores)
    dear = _score_of(who, _changed(customers, who, "plan", "Premium"), responses, invitations, plan_scores=plan_scores)
    assert dear >= cheap
    # A higher latest score (also a better trend).
    latest = responses[responses["customer_id"] == who]["responded_at"].idxmax()
    for low, high in [(0, 6), (6, 7), (7, 9), (9, 10)]:
        r_low, r_high = responses.copy(), responses.copy()
        r_low.loc[latest, "score"], r_high.loc[latest, "score"] = low, high
        assert _score_of(who, customers, r_high, invitations) >= _score_of(who, customers, r_low, invitations)
    # A more recent last answer.
    sooner = responses.copy()
    sooner.loc[latest, "responded_at"] = AS_OF - pd.Timedelta(days=1)
    assert _score_of(who, customers, sooner, invitations) >= base
    # One more invitation, answered rather than ignored (everything else unchanged).
    first = responses[responses["customer_id"] == who]["responded_at"].min()
    answered = pd.concat([invitations, pd.DataFrame({"customer_id": [who], "invited_at": [first - pd.Timedelta(days=2)]})])
    ignored = pd.concat([invitations, pd.DataFrame({"customer_id": [who], "invited_at": [first - pd.Timedelta(days=900)]})])
    assert _score_of(who, customers, responses, answered) > _score_of(who, customers, responses, ignored)


def test_nothing_after_as_of_is_used():
    customers, responses, invitations = _book(seed=4)
    before = customer_health(customers, responses, invitations, as_of=AS_OF)
    later = AS_OF + pd.Timedelta(days=20)
    future_churn = _changed(customers, "c001", "churned_at", later)
    future_answer = pd.concat([responses, pd.DataFrame({"customer_id": ["c002"], "score": [0], "responded_at": [later]})])
    future_invite = pd.concat([invitations, pd.DataFrame({"customer_id": ["c003"], "invited_at": [later]})])
    after = customer_health(future_churn, future_answer, future_invite, as_of=AS_OF)
    pd.testing.assert_frame_equal(before, after)


def test_only_customers_active_at_as_of_are_scored():
    customers, responses, invitations = _book(n=10, seed=5)
    customers = _changed(customers, "c000", "churned_at", AS_OF - pd.Timedelta(days=1))
    customers = _changed(customers, "c001", "started_at", AS_OF + pd.Timedelta(days=1))
    ids = set(customer_health(customers, responses, invitations, as_of=AS_OF)["customer_id"])
    assert ids == {f"c{i:03d}" for i in range(2, 10)}


def test_components_the_data_lack_are_dropped():
    customers, responses, _ = _book(n=10, seed=6)
    health = customer_health(customers.drop(columns=["revenue", "plan"]), responses, as_of=AS_OF)
    assert [c for c in health.columns if c.startswith("c_")] == ["c_tenure", "c_nps", "c_trend", "c_recency"]


def test_check_auc_matches_a_pairwise_count_and_is_out_of_time():
    customers, responses, invitations = _book(n=300, seed=7)
    health = customer_health(customers, responses, invitations, as_of=AS_OF)
    # Churn in the 90 days after as_of, likelier for low scores.
    rng = np.random.default_rng(0)
    risk = 1 / (1 + np.exp((health["score"] - 45) / 6))
    leavers = health["customer_id"][rng.random(len(health)) < risk]
    customers = customers.copy()
    customers.loc[customers["customer_id"].isin(leavers), "churned_at"] = AS_OF + pd.Timedelta(days=30)
    check = health_check(customers, responses, invitations, as_of=AS_OF, data_end=AS_OF + pd.Timedelta(days=120))
    assert check.status == "ok" and check.churned == len(leavers)
    churned = health["customer_id"].isin(leavers).to_numpy()
    s_churn, s_stay = health["score"][churned].to_numpy(), health["score"][~churned].to_numpy()
    pairs = (s_churn[:, None] < s_stay[None, :]).sum() + 0.5 * (s_churn[:, None] == s_stay[None, :]).sum()
    assert check.auc == pytest.approx(pairs / (len(s_churn) * len(s_stay)))
    assert check.auc > 0.7
    rates = check.band_churn.set_index("band")["rate"]
    assert rates["critical"] > rates["healthy"]


def test_check_statuses():
    customers, responses, invitations = _book(n=40, seed=8)
    not_seen = health_check(customers, responses, invitations, as_of=AS_OF)
    assert not_seen.status == "not_observed" and math.isnan(not_seen.auc)
    few = health_check(customers, responses, invitations, as_of=AS_OF, data_end="2027-01-01")
    assert (few.status, few.churned) == ("too_few_events", 0)


def test_bands_counts_trend_and_at_risk_list():
    customers, responses, invitations = _book(n=80, seed=9)
    health = customer_health(customers, responses, invitations, as_of=AS_OF)
    counts = band_counts(health)
    assert counts["band"].tolist() == list(BANDS)
    assert counts["customers"].sum() == len(health) and counts["share"].sum() == pytest.approx(1)
    trend = band_trend(customers, responses, invitations, ["2025-07-01", AS_OF])
    assert trend.groupby("as_of")["customers"].sum().tolist() == [
        len(customer_health(customers, responses, invitations, as_of="2025-07-01")), len(health)]
    risky = at_risk_customers(health, customers)
    assert set(risky["band"]) <= {"critical", "at_risk"}
    assert len(risky) == (health["band"] != "healthy").sum()
    assert {"plan", "revenue"} <= set(risky.columns) and risky["score"].is_monotonic_increasing


def test_weights_from_params_are_checked():
    assert HealthWeights.from_params(None) == HealthWeights()
    assert HealthWeights.from_params({"recency": 0}).recency == 0
    with pytest.raises(NpsParamsError, match="health_weights.loyalty"):
        HealthWeights.from_params({"loyalty": 1})
    with pytest.raises(NpsParamsError, match=">= 0"):
        HealthWeights.from_params({"nps": -1})
    with pytest.raises(NpsParamsError, match="critical_below"):
        HealthWeights.from_params({"healthy_from": 30, "critical_below": 50})


def test_bad_input_and_inputs_not_modified():
    customers, responses, invitations = _book(n=20, seed=10)
    before = (customers.copy(), responses.copy(), invitations.copy())
    customer_health(customers, responses, invitations)
    for frame, copy in zip((customers, responses, invitations), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)
    with pytest.raises(NpsInputError, match="'started_at'"):
        customer_health(customers.drop(columns="started_at"), responses)


# --- several dates at once: the same frames as the plain computation -------------------
def _plain_health(customers, responses, invitations, as_of, window_days=30):
    """customer_health written plainly, customer by customer (no shared preparation)."""
    end = pd.Timestamp(as_of)
    rows = []
    seen = set()
    for c in customers.itertuples(index=False):
        if c.customer_id in seen:
            continue
        seen.add(c.customer_id)
        if c.started_at <= end and (pd.isna(c.churned_at) or c.churned_at > end):
            rows.append(c)
    said = [r for r in responses.itertuples(index=False)
            if pd.notna(r.customer_id) and pd.notna(r.score) and r.responded_at <= end]
    said.sort(key=lambda r: r.responded_at)  # stable: a tie keeps the input order
    answers = [r for r in responses.itertuples(index=False) if pd.notna(r.customer_id)]
    window = pd.Timedelta(days=window_days)
    parts = {k: [] for k in ("tenure", "revenue", "plan", "nps", "trend", "recency", "responsiveness")}
    revenue = np.array([c.revenue for c in rows], dtype=float)
    medians = {p: np.median(revenue[[c.plan == p for c in rows]]) for p in {c.plan for c in rows}}
    # Plans ranked by median revenue (random revenues: no two medians tie).
    plan_rank = dict(zip(sorted(medians, key=medians.get), np.arange(len(medians)) / max(len(medians) - 1, 1), strict=True))
    for c in rows:
        parts["tenure"].append(1 - math.exp(-((end - c.started_at) / pd.Timedelta(days=1)) / 730.5))
        # The average rank over n: the 'mean' percentile plus half a place.
        parts["revenue"].append(stats.percentileofscore(revenue, c.revenue, kind="mean") / 100
                                + 0.5 / len(rows))
        parts["plan"].append(plan_rank[c.plan])
        mine = [r for r in said if r.customer_id == c.customer_id]
        last = mine[-1].score if mine else None
        parts["nps"].append(0.5 if last is None else 1.0 if last >= 9 else 0.5 if last >= 7 else 0.0)
        parts["trend"].append((last - mine[-2].score + 10) / 20 if len(mine) > 1 else 0.5)
        parts["recency"].append(math.exp(-((end - mine[-1].responded_at) / pd.Timedelta(days=1)) / 180) if mine else 0.5)
        sent = [i.invited_at for i in invitations.itertuples(index=False)
                if i.customer_id == c.customer_id and i.invited_at <= end - window]
        answered = sum(any(a.customer_id == c.customer_id and t <= a.responded_at <= t + window for a in answers)
                       for t in sent)
        parts["responsiveness"].append((answered + 1) / (len(sent) + 2))
    w = HealthWeights().components()
    score = 100 * sum(w[k] * np.array(v, dtype=float) for k, v in parts.items()) / sum(w.values())
    table = pd.DataFrame({"customer_id": [c.customer_id for c in rows], "score": score})
    return table.sort_values(["score", "customer_id"]).reset_index(drop=True)


def _edge_book(seed: int):
    """A small book with the edge cases: ties, churn and start exactly on a date, answers
    without a score, answers of unknown customers, a window closing on the date."""
    customers, responses, invitations = _book(n=25, seed=seed)
    rng = np.random.default_rng(seed)
    on = AS_OF - pd.Timedelta(days=90)
    customers.loc[0, "churned_at"] = on  # churned exactly on a date: not active then
    customers.loc[1, "started_at"] = on  # started exactly on a date: active then
    customers.loc[2, "churned_at"] = on + pd.Timedelta(days=10)
    customers = pd.concat([customers, customers.iloc[[3]].assign(revenue=1.0)], ignore_index=True)
    tied = responses.iloc[[4, 4]].assign(score=[3, 9])  # two answers at the same moment
    extra = pd.DataFrame({
        "customer_id": ["c005", "c006", "nobody", "c007"],
        "responded_at": [on - pd.Timedelta(days=1), on + pd.Timedelta(days=2), on, AS_OF],
        "score": [np.nan, 4.0, 10.0, 8.0],
    })
    responses = pd.concat([responses, tied, extra], ignore_index=True).sample(frac=1, random_state=seed)
    answered_at_the_edge = pd.DataFrame({
        "customer_id": ["c005", "c006", "c008"],
        "invited_at": [on - pd.Timedelta(days=31), on - pd.Timedelta(days=28), AS_OF - pd.Timedelta(days=30)]})
    invitations = pd.concat([invitations, answered_at_the_edge], ignore_index=True)
    responses = responses[rng.random(len(responses)) > 0.1].reset_index(drop=True)
    return customers, responses.astype({"score": float}), invitations


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_health_by_date_matches_the_plain_computation(seed):
    customers, responses, invitations = _edge_book(seed)
    dates = [AS_OF - pd.Timedelta(days=d) for d in (400, 180, 90, 0)] + [AS_OF - pd.Timedelta(days=30)]
    healths = health_by_date(customers, responses, invitations, dates)
    assert list(healths) == dates
    for date in dates:
        plain = _plain_health(customers, responses, invitations, date)
        health = healths[date]
        assert health["customer_id"].tolist() == plain["customer_id"].tolist()
        np.testing.assert_allclose(health["score"], plain["score"], rtol=1e-12)
        pd.testing.assert_frame_equal(health, customer_health(customers, responses, invitations, as_of=date))


def test_health_by_date_edge_cases():
    customers, responses, invitations = _edge_book(3)
    on = AS_OF - pd.Timedelta(days=90)
    healths = health_by_date(customers, responses, invitations, [on, AS_OF])
    ids = set(healths[on]["customer_id"])
    assert "c000" not in ids and "c001" in ids and "c002" in ids
    assert "c002" not in set(healths[AS_OF]["customer_id"])
    assert healths[AS_OF]["customer_id"].is_unique
    # No responses and no invitations: every voice part is neutral, recency too.
    silent = health_by_date(customers, responses.iloc[:0], invitations.iloc[:0], [AS_OF])[AS_OF]
    assert (silent[["c_nps", "c_trend", "c_recency"]] == 0.5).all().all()
    assert (silent["c_responsiveness"] == 0.5).all()
    # One response: nps and recency from it, the trend neutral.
    one = responses[responses["customer_id"] == "c009"].head(1)
    row = health_by_date(customers, one, None, [AS_OF])[AS_OF].set_index("customer_id").loc["c009"]
    assert row["c_trend"] == 0.5
    assert row["c_recency"] == pytest.approx(math.exp(-((AS_OF - one["responded_at"].iloc[0]).days) / 180))
    # Nobody active yet: an empty frame with the usual columns.
    empty = health_by_date(customers, responses, invitations, ["2000-01-01"])[pd.Timestamp("2000-01-01", tz="UTC")]
    assert empty.empty and list(empty.columns) == [
        "customer_id", "score", "band", "c_tenure", "c_nps", "c_trend", "c_responsiveness", "c_recency"]


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), days=st.lists(st.integers(-30, 500), min_size=1, max_size=4))
def test_health_by_date_equals_one_call_per_date(seed, days):
    customers, responses, invitations = _book(n=30, seed=seed)
    dates = [AS_OF - pd.Timedelta(days=d) for d in days]
    options = {"weights": HealthWeights(recency=0.3), "plan_scores": {"Plus": 0.9}}
    healths = health_by_date(customers, responses, invitations, dates, **options)
    for date in dates:
        pd.testing.assert_frame_equal(
            healths[date], customer_health(customers, responses, invitations, as_of=date, **options))


def test_band_trend_of_counts_each_frame():
    customers, responses, invitations = _book(n=50, seed=11)
    dates = [AS_OF - pd.Timedelta(days=200), AS_OF]
    trend = band_trend_of(health_by_date(customers, responses, invitations, dates))
    pd.testing.assert_frame_equal(trend, band_trend(customers, responses, invitations, dates))
    for date in dates:
        counts = customer_health(customers, responses, invitations, as_of=date)["band"].value_counts()
        got = trend[trend["as_of"] == date].set_index("band")["customers"]
        assert got.to_dict() == {b: counts.get(b, 0) for b in BANDS}


def test_ids_missing_from_the_customers_or_the_answers():
    customers, responses, invitations = _book(n=10, seed=12)
    customers.loc[3, "customer_id"] = None
    responses.loc[responses["customer_id"] == "c004", "customer_id"] = None
    health = customer_health(customers, responses, invitations, as_of=AS_OF)
    assert health["customer_id"].isna().sum() == 1
    nameless = health[health["customer_id"].isna()].iloc[0]
    assert (nameless["c_nps"], nameless["c_recency"], nameless["c_responsiveness"]) == (0.5, 0.5, 0.5)
    c004 = health.set_index("customer_id").loc["c004"]
    assert (c004["c_nps"], c004["c_recency"]) == (0.5, 0.5)


def test_equal_scores_are_ordered_by_customer_id():
    twins = pd.DataFrame({"customer_id": ["d", "b", None, "c", "a"], "churned_at": pd.NaT,
                          "started_at": pd.Timestamp("2024-01-01", tz="UTC")})
    responses = pd.DataFrame({"customer_id": ["c"], "score": [0], "responded_at": [AS_OF]})
    health = customer_health(twins, responses, as_of=AS_OF)
    assert health["customer_id"].tolist()[:4] == ["c", "a", "b", "d"]
    assert pd.isna(health["customer_id"].iloc[-1])
    expected = pd.DataFrame({"customer_id": twins["customer_id"].to_numpy(), "score": health["score"].max()})
    expected.loc[3, "score"] = health["score"].min()
    assert health[["customer_id", "score"]].equals(
        expected.sort_values(["score", "customer_id"]).reset_index(drop=True))


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_ids_keep_the_dtype_pandas_infers_from_them(dtype):
    customers, responses, invitations = _book(n=8, seed=13)
    customers = customers.astype({"customer_id": dtype})
    inferred = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy()})["customer_id"].dtype
    health = customer_health(customers, responses, invitations, as_of=AS_OF)
    assert health["customer_id"].dtype == inferred
    assert sorted(health["customer_id"]) == sorted(customers["customer_id"])
    nobody = customer_health(customers, responses, invitations, as_of="2000-01-01")
    assert nobody["customer_id"].dtype == object and nobody.empty


def test_at_risk_scores_to_one_decimal_and_the_two_weakest_components_by_hand():
    # Points lost = weight x (1 - component); weights tenure 1, nps 2, recency 1.
    health = pd.DataFrame({
        "customer_id": ["x", "w", "y", "z"],
        "score": [35.04, 35.01, 55.56, 80.0],
        "band": ["critical", "critical", "at_risk", "healthy"],
        "c_tenure": [0.2, 0.9, 0.0, 1.0],   # lost: 0.8, 0.1, 1.0
        "c_nps": [0.5, 0.0, 1.0, 1.0],      # lost: 1.0, 2.0, 0.0
        "c_recency": [0.0, 0.7, 0.5, 1.0],  # lost: 1.0, 0.3, 0.5
    })
    weights = HealthWeights(tenure=1, plan=0, revenue=0, nps=2, trend=0, responsiveness=0, recency=1)
    risky = at_risk_customers(health, weights=weights)
    assert risky.values.tolist() == [
        # x and w both read 35.0: the unrounded scores keep w (35.01) first.
        ["w", 35.0, "critical", "latest score; time since last answer"],
        # x: nps and recency tie at 1.0: in the order of the components.
        ["x", 35.0, "critical", "latest score; time since last answer"],
        ["y", 55.6, "at_risk", "tenure; time since last answer"],
    ]
    # With the default weights (nps 0.30, tenure 0.15, recency 0.10) x loses 0.15, 0.12, 0.10.
    assert at_risk_customers(health).set_index("customer_id").loc["x", "weakest_components"] == (
        "latest score; tenure")


# --- bands calibrated to churn ------------------------------------------------------------
TENURE_ONLY = HealthWeights(tenure=1, plan=0, revenue=0, nps=0, trend=0, responsiveness=0, recency=0)


def _known_link(n: int = 6000, seed: int = 3, a: float = -1.0, b: float = -0.03):
    """Customers whose churn in each 180-day window is expit(a + b x score) at its start.

    With tenure the only weight the score is 100 x (1 - exp(-years / 2)), known at any date.
    """
    rng = np.random.default_rng(seed)
    end = pd.Timestamp("2026-10-01", tz="UTC")
    first, then = risk_dates(end, 180)
    started = first - pd.to_timedelta(rng.integers(1, 3000, n), unit="D")

    def leave(date):
        score = 100 * (1 - np.exp(-((date - started) / pd.Timedelta(days=1)).to_numpy(float) / 730.5))
        return rng.random(n) < 1 / (1 + np.exp(-(a + b * score)))

    early, late = leave(first), leave(then)
    day = pd.to_timedelta(rng.integers(1, 181, n), unit="D")
    churned_at = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    churned_at[late] = (then + day)[late]
    churned_at[early] = (first + day)[early]
    customers = pd.DataFrame({"customer_id": [f"k{i}" for i in range(n)], "started_at": started,
                              "churned_at": churned_at})
    answers = pd.DataFrame({"customer_id": pd.Series([], dtype="string"), "score": [],
                            "responded_at": pd.to_datetime([], utc=True)})
    healths = health_by_date(customers, answers, None, [first, then], weights=TENURE_ONLY)
    return customers, healths, end


def test_bands_are_calibrated_out_of_time_on_a_known_link():
    customers, healths, end = _known_link()
    link = health_risk(customers, healths, end=end)
    assert link.status == "ok" and link.out_of_time
    assert link.slope == pytest.approx(-0.03, abs=0.008)
    assert link.intercept == pytest.approx(-1.0, abs=0.3)
    # The fit and its likelihood-ratio test against scikit-learn's unpenalised fit.
    fitted = healths[link.fitted_at]
    gone = customers.set_index("customer_id")["churned_at"].reindex(fitted["customer_id"]).to_numpy()
    y = (gone > link.fitted_at) & (gone <= link.fitted_at + pd.Timedelta(days=180))
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(fitted[["score"]].to_numpy(), y)
    assert (link.intercept, link.slope) == pytest.approx((model.intercept_[0], model.coef_[0, 0]), rel=1e-4)
    p = model.predict_proba(fitted[["score"]].to_numpy())[:, 1]
    rate = y.mean()
    lr = 2 * (np.sum(y * np.log(p) + (1 - y) * np.log1p(-p))
              - len(y) * (rate * np.log(rate) + (1 - rate) * np.log1p(-rate)))
    assert stats.chi2.isf(link.lr_p_value, 1) == pytest.approx(lr, rel=1e-4)
    # Each band's mean predicted risk is within its observed churn's 99.9% Wilson interval,
    # on customers and churn the fit never saw (the next 180 days).
    table = link.band_churn.set_index("band")
    for band in BANDS:
        row = table.loc[band]
        assert row["customers"] > 100
        low, high = proportion_confint(row["churned"], row["customers"], alpha=0.001, method="wilson")
        assert low <= row["predicted"] <= high, band
    # The bands cut predicted risk at 2 and 1.5 times the churn rate at the fit.
    banded = link.apply(healths[link.checked_at])
    critical = banded["band"] == "critical"
    assert (banded.loc[critical, "risk"] >= 2 * link.base_rate).all()
    assert (banded.loc[~critical, "risk"] < 2 * link.base_rate).all()
    assert link.base_rate == pytest.approx(
        customers["churned_at"].between(link.fitted_at, link.fitted_at + pd.Timedelta(days=180),
                                        inclusive="right").mean(), abs=1e-12)


def test_band_churn_intervals_match_statsmodels_wilson():
    customers, healths, end = _known_link(n=3000, seed=5)
    link = health_risk(customers, healths, end=end, level=0.9)
    for row in link.band_churn.itertuples(index=False):
        low, high = proportion_confint(row.churned, row.customers, alpha=0.1, method="wilson")
        assert (row.rate, row.ci_low, row.ci_high) == pytest.approx((row.churned / row.customers, low, high))
    # The counts are the customers in each band at checked_at and who left in 180 days.
    banded = link.apply(healths[link.checked_at])
    gone = customers.set_index("customer_id")["churned_at"].reindex(banded["customer_id"]).to_numpy()
    left = (gone > link.checked_at) & (gone <= link.checked_at + pd.Timedelta(days=180))
    by_hand = pd.DataFrame({"band": banded["band"].to_numpy(), "left": left}).groupby("band")["left"].agg(["size", "sum"])
    table = link.band_churn.set_index("band")
    assert table["customers"].to_dict() == by_hand["size"].to_dict()
    assert table["churned"].to_dict() == by_hand["sum"].to_dict()


def test_too_short_data_fit_in_sample_or_fall_back_to_the_score():
    customers, healths, end = _known_link(n=3000, seed=6)
    first, then = risk_dates(end, 180)
    in_sample = health_risk(customers, {then: healths[then]}, end=end)
    assert in_sample.status == "ok" and not in_sample.out_of_time and in_sample.fitted_at == then
    assert health_risk(customers, {}, end=end).status == "not_observed"
    few = healths[then].head(40)
    fallback = health_risk(customers, {then: few}, end=end)
    assert fallback.status == "too_few_events"
    assert fallback.apply(few).equals(few)  # the score's own bands stay


def test_no_significant_link_leaves_the_bands_to_the_score():
    # Churn independent of the score (slope 0), and churn rising with it (slope > 0): neither
    # may calibrate bands; statsmodels' own likelihood-ratio p decides the first.
    for b, seed in ((0.0, 8), (0.03, 9)):
        customers, healths, end = _known_link(n=3000, seed=seed, a=-2.5, b=b)
        link = health_risk(customers, healths, end=end)
        fitted = healths[link.fitted_at]
        gone = customers.set_index("customer_id")["churned_at"].reindex(fitted["customer_id"]).to_numpy()
        y = ((gone > link.fitted_at) & (gone <= link.fitted_at + pd.Timedelta(days=180))).astype(float)
        p = sm.Logit(y, sm.add_constant(fitted["score"].to_numpy(float))).fit(disp=0).llr_pvalue
        assert link.lr_p_value == pytest.approx(p, rel=1e-6)
        assert (p >= 0.05 if b == 0.0 else link.slope > 0), (b, p)  # the seeds make both cases
        assert link.status == "no_link"
        assert link.apply(fitted).equals(fitted)


def test_non_responders_are_neutral_not_critical():
    customers, responses, invitations = _book(n=30, seed=21)
    silent = customers.loc[[0]].assign(customer_id="quiet")
    customers = pd.concat([customers, silent], ignore_index=True)
    health = customer_health(customers, responses, invitations, as_of=AS_OF).set_index("customer_id")
    quiet = health.loc["quiet"]
    # No answer and no invitation: every survey part counts as 0.5, as does responsiveness.
    assert quiet[["c_nps", "c_trend", "c_recency", "c_responsiveness"]].tolist() == [0.5] * 4
    twin = health.loc[customers.loc[0, "customer_id"]]
    weights = HealthWeights().components()
    expected = 100 * sum(w * (twin[f"c_{k}"] if k in ("tenure", "plan", "revenue") else 0.5)
                         for k, w in weights.items()) / sum(weights.values())
    assert quiet["score"] == pytest.approx(expected)
    # A link where the score barely matters puts a neutral customer with the healthy.
    link = HealthRisk("ok", 180, intercept=-3.0, slope=-0.001, base_rate=0.047)
    assert link.apply(health.loc[["quiet"]].reset_index())["band"].tolist() == ["healthy"]


def test_at_risk_list_with_calibrated_bands_orders_by_risk():
    health = pd.DataFrame({"customer_id": ["b", "a", "c"], "score": [30.0, 20.04, 90.0],
                           "c_tenure": [0.1, 0.5, 0.9], "c_nps": [0.0, 0.5, 1.0]})
    link = HealthRisk("ok", 180, intercept=0.0, slope=-0.05, base_rate=0.1)
    risky = at_risk_customers(link.apply(health))
    # risk: expit(-1.002) = 0.2686 (>= 2 x 0.1), expit(-1.5) = 0.1824 (>= 1.5 x 0.1),
    # expit(-4.5) = 0.0110; highest risk first.
    assert risky.values.tolist() == [["a", 20.0, "critical", 0.269, "latest score; tenure"],
                                     ["b", 30.0, "at_risk", 0.182, "latest score; tenure"]]
