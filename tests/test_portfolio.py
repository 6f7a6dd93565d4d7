"""Internal views: the portfolio side by side, one client's churn in depth, the store readers."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu
from statsmodels.stats.proportion import proportion_confint

from nps_helpers.analysis.churn import ChurnResult, churn_analysis
from nps_helpers.analysis.experience import response_rate, survey_fatigue
from nps_helpers.analysis.health import HealthCheck, HealthWeights, customer_health, health_check
from nps_helpers.analysis.metrics import nps, nps_difference
from nps_helpers.config.params import ClientParams
from nps_helpers.demo import write_demo_store
from nps_helpers.errors import NpsInputError, NpsStoreError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store
from nps_helpers.views.churn_depth import (
    churn_by_segments,
    churn_horizons,
    health_bands,
    holdout_health_check,
    horizon_association,
    horizon_rates,
    verdict_code,
)
from nps_helpers.views.portfolio import (
    client_directory,
    customer_checks,
    ingest_summary,
    open_portfolio,
    read_customer_sample,
    table_counts,
)
from nps_helpers.views.side_by_side import (
    LEAGUE_COLUMNS,
    POSITIONS,
    auc_interval,
    benchmark_spread,
    churn_summary,
    data_quality,
    engagement_summary,
    health_summary,
    industry_spread,
    ingest_totals,
    league_table,
    period_table,
    pooled_nps,
)

DAY = pd.Timedelta(days=1)
AS_OF = pd.Timestamp("2026-01-01", tz="UTC")


def _stats(rows: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"client_id": c, "promoters": p, "passives": s, "detractors": d}
                         for c, (p, s, d) in rows.items()])


def _directory(ids, industry="banking") -> pd.DataFrame:
    return pd.DataFrame({"client_id": list(ids), "display_name": [i.upper() for i in ids],
                         "industry": industry})


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A small demo store with params: 2 clients, 3000 responses."""
    root = tmp_path_factory.mktemp("demo")
    write_demo_store(root / "store", clients=2, responses=3000, params_dir=root / "params")
    return root


# --- league table ---------------------------------------------------------------------
def test_league_table_by_hand():
    stats = _stats({"a": (60, 20, 20), "b": (10, 10, 30), "c": (5, 2, 1), "d": (20, 5, 4)})
    table = league_table(stats, _directory("abcde"), min_n=30, suppress_n=10)
    assert table.columns.tolist() == LEAGUE_COLUMNS
    assert table["client_id"].tolist() == ["d", "a", "b", "c", "e"]
    assert table["flag"].tolist() == ["small", "ok", "ok", "suppressed", "no_responses"]
    assert table["rank"].tolist()[:3] == [1, 2, 3] and table["rank"].iloc[3:].isna().all()
    # d: 29 responses, NPS 100 * (20 - 4) / 29 = 55.2; flagged small but shown and ranked.
    assert table.iloc[0]["nps"] == pytest.approx(100 * 16 / 29) and bool(table.iloc[0]["small_n"])
    a = table.iloc[1]
    assert (a["n"], a["nps"], a["group"], a["small_n"]) == (100, 40.0, "A", False)
    assert table.iloc[3][["nps", "ci_low", "difference"]].isna().all()
    assert table.iloc[3]["n"] == 8 and not table.iloc[3]["significant"]


def test_league_difference_is_each_client_against_every_other_response():
    stats = _stats({"a": (60, 20, 20), "b": (10, 10, 30), "c": (40, 30, 30)})
    table = league_table(stats, _directory("abc")).set_index("client_id")
    for cid, (p, s, d) in {"a": (60, 20, 20), "b": (10, 10, 30)}.items():
        rest = stats[stats["client_id"] != cid][["promoters", "passives", "detractors"]].sum()
        own = nps({"promoters": p, "passives": s, "detractors": d})
        other = nps({k: int(v) for k, v in rest.items()})
        expected = nps_difference(own, other)
        assert table.loc[cid, "difference"] == pytest.approx(expected.difference)
        assert table.loc[cid, "p_value"] == pytest.approx(expected.p_value)
        assert bool(table.loc[cid, "significant"]) == expected.significant


def test_league_sums_periods_shows_unknown_clients_and_shares_tied_ranks():
    stats = pd.concat([_stats({"a": (30, 10, 10), "x": (20, 0, 20)}),
                       _stats({"a": (30, 10, 10), "b": (60, 20, 20)})])
    table = league_table(stats, _directory("ab")).set_index("client_id")
    assert table.loc["a", "n"] == 100 and table.loc["a", "rank"] == table.loc["b", "rank"] == 1
    assert table.loc["x", "group"] == "x" and pd.isna(table.loc["x", "industry"])


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefgh"),
                       st.tuples(*[st.integers(0, 60)] * 3), min_size=1))
def test_league_properties(rows):
    stats = _stats(rows)
    before = stats.copy()
    table = league_table(stats, _directory("ab"))
    pd.testing.assert_frame_equal(stats, before)
    assert set(table["client_id"]) == set(rows) | {"a", "b"}
    assert table["n"].sum() == sum(map(sum, rows.values()))
    shown = table[~table["suppressed"]]
    assert shown["nps"].is_monotonic_decreasing
    assert (shown["ci_low"] <= shown["nps"]).all() and (shown["nps"] <= shown["ci_high"]).all()
    assert table["suppressed"].tolist() == sorted(table["suppressed"].tolist())


def test_league_bad_inputs():
    with pytest.raises(NpsInputError, match=r"lacks column\(s\) detractors"):
        league_table(pd.DataFrame({"client_id": ["a"], "promoters": [1], "passives": [1]}), _directory("a"))
    with pytest.raises(NpsInputError, match="lacks column"):
        league_table(_stats({"a": (1, 1, 1)}), pd.DataFrame({"client_id": ["a"]}))
    with pytest.raises(NpsInputError, match="min_n must be a whole number"):
        league_table(_stats({"a": (1, 1, 1)}), _directory("a"), min_n=0)
    with pytest.raises(NpsInputError, match="level"):
        league_table(_stats({"a": (1, 1, 1)}), _directory("a"), level=95)


def test_pooled_nps_is_the_nps_of_all_scores_together():
    stats = _stats({"a": (3, 1, 2), "b": (0, 4, 5)})
    scores = [10] * 3 + [8] + [2] * 2 + [7] * 4 + [0] * 5
    assert pooled_nps(stats) == nps(scores)


# --- per period ----------------------------------------------------------------------
def test_period_table_masks_small_cells_and_lists_every_client():
    stats = pd.DataFrame({"client_id": ["a", "a", "b", "z"], "period": ["2026-Q2", "2026-Q1", "2026-Q1", "2026-Q2"],
                          "n": [40, 9, 50, 12], "nps": [10.0, 50.0, -5.0, 7.0]})
    wide = period_table(stats, _directory("abc"))
    assert wide.columns.tolist() == ["2026-Q1", "2026-Q2"]
    assert wide.index.tolist() == ["A", "B", "C", "z"]
    assert math.isnan(wide.loc["A", "2026-Q1"]) and wide.loc["A", "2026-Q2"] == 10.0
    assert wide.loc["C"].isna().all() and wide.loc["z", "2026-Q2"] == 7.0
    assert period_table(stats, _directory("abc"), value="n").loc["A", "2026-Q1"] == 9
    with pytest.raises(NpsInputError, match="period"):
        period_table(stats.drop(columns="period"), _directory("a"))


# --- benchmarks ----------------------------------------------------------------------
PUBLISHED = pd.DataFrame({
    "industry": ["banking", "banking", "telecom"], "region": ["US", "EU", "US"],
    "year": [2020, 2024, 2023], "nps": [10.0, 30.0, 5.0], "sample_size": [None, 500, None],
    "published_as": ["Banks"] * 2 + ["Telecom"], "source": ["Old study", "New study", "T study"],
    "url": ["https://example.org"] * 3,
})


def test_benchmark_spread_positions_by_interval():
    league = pd.DataFrame({
        "client_id": list("abcdefg"), "group": list("ABCDEFG"),
        "industry": ["banking", "banking", "banking", "telecom", "software", None, "banking"],
        "n": [500] * 6 + [3], "nps": [45.0, 32.0, 0.0, 20.0, 50.0, 10.0, np.nan],
        "ci_low": [35.0, 25.0, -8.0, 15.0, 40.0, 0.0, np.nan],
        "ci_high": [55.0, 39.0, 8.0, 25.0, 60.0, 20.0, np.nan],
        "suppressed": [False] * 6 + [True],
    })
    spread = benchmark_spread(league, PUBLISHED).set_index("client_id")
    assert spread["position"].to_dict() == {
        "a": "above_published", "b": "within_published", "c": "below_published",
        "d": "above_published", "e": "no_published_figures", "f": "unknown_industry", "g": "withheld"}
    assert set(spread["position"]) <= set(POSITIONS)
    assert spread.loc["a", ["published", "published_low", "published_high", "latest_year", "latest_nps"]].tolist() == [
        2, 10.0, 30.0, 2024, 30.0]
    assert spread.loc["a", "latest_source"] == "New study" and spread.loc["a", "vs_latest"] == 15.0
    assert math.isnan(spread.loc["g", "vs_latest"])
    summary = industry_spread(benchmark_spread(league, PUBLISHED)).set_index("industry")
    assert summary.loc["banking", ["clients", "nps_low", "nps_high", "above", "within", "below"]].tolist() == [
        3, 0.0, 45.0, 1, 1, 1]


def test_benchmark_spread_rejects_an_unknown_industry_and_missing_columns():
    league = pd.DataFrame({"client_id": ["a"], "group": ["A"], "industry": ["mining"], "n": [5],
                           "nps": [1.0], "ci_low": [0.0], "ci_high": [2.0], "suppressed": [False]})
    with pytest.raises(NpsInputError, match="industry 'mining'"):
        benchmark_spread(league)
    with pytest.raises(NpsInputError, match="suppressed"):
        benchmark_spread(league.drop(columns="suppressed"))


# --- churn -----------------------------------------------------------------------------
def _churn_data(n: int = 600, seed: int = 3):
    """One response per customer a year before AS_OF; detractors churn more."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i:04d}" for i in range(n)]
    scores = rng.integers(0, 11, n)
    gone = rng.random(n) < np.where(scores <= 6, 0.35, np.where(scores <= 8, 0.2, 0.08))
    when = AS_OF - 365 * DAY
    responses = pd.DataFrame({"customer_id": ids, "responded_at": when, "score": scores,
                              "region": rng.choice(["N", "S"], n, p=[0.8, 0.2])})
    churned = pd.Series(when + pd.to_timedelta(rng.integers(1, 170, n), unit="D")).where(gone)
    customers = pd.DataFrame({"customer_id": ids, "started_at": when - 400 * DAY,
                              "churned_at": churned.astype("datetime64[us, UTC]")})
    return responses, customers


def test_churn_summary_matches_an_independent_logit_and_hand_counts():
    responses, customers = _churn_data()
    result = churn_analysis(responses, customers, horizon_days=180, as_of=AS_OF)
    row = churn_summary({"acme": result}).iloc[0]
    churned = customers["churned_at"].notna().to_numpy()
    fit = sm.Logit(churned.astype(float), sm.add_constant(responses["score"].to_numpy(float))).fit(disp=0)
    assert row["odds_ratio"] == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
    assert row["ci_low"] == pytest.approx(math.exp(fit.conf_int()[1, 0]), rel=1e-6)
    assert row["p_value"] == pytest.approx(fit.pvalues[1], rel=1e-4)
    assert row["lr_p_value"] == pytest.approx(fit.llr_pvalue, rel=1e-4)
    detractors = responses["score"] <= 6
    assert row["rate_detractor"] == pytest.approx(churned[detractors].mean())
    assert (row["customers"], row["events"]) == (600, churned.sum())
    assert row["verdict"] == "higher_score_less_churn" and row["status"] == "ok"


def test_churn_summary_without_data_or_events():
    responses, customers = _churn_data(n=40)
    few = churn_analysis(responses, customers.assign(churned_at=pd.NaT), as_of=AS_OF)
    table = churn_summary({"a": ChurnResult("not_available", "no_customers", 180), "b": few})
    assert table["status"].tolist() == ["not_available", "ok"]
    assert table["verdict"].isna().tolist() == [True, False] and table.loc[1, "verdict"] == "too_few_events"
    assert table[["odds_ratio", "p_value"]].isna().all().all()
    assert verdict_code(few) == "too_few_events"
    assert verdict_code(ChurnResult("not_available", "no_churn_column", 180)) == "no_churn_column"


def test_churn_horizons_share_as_of_and_stack():
    responses, customers = _churn_data()
    results = churn_horizons(responses, customers, horizons=(30, 180), as_of=AS_OF)
    assert list(results) == [30, 180] and {r.as_of for r in results.values()} == {AS_OF}
    rates = horizon_rates(results)
    assert rates.groupby("horizon_days")["customers"].sum().to_dict() == {30: 600, 180: 600}
    assert (rates.query("horizon_days == 30")["churned"].to_numpy()
            <= rates.query("horizon_days == 180")["churned"].to_numpy()).all()
    assoc = horizon_association(results)
    assert assoc.query("horizon_days == 180")["term"].tolist() == ["score", "category_passive", "category_promoter"]
    none = churn_horizons(responses, None)
    assert horizon_rates(none).empty and horizon_association(none).empty


def test_churn_by_segments_by_hand():
    responses, customers = _churn_data()
    table = churn_by_segments(responses, customers, ["region", "not_a_column"], as_of=AS_OF,
                              horizon_days=180, min_customers=40)
    churned = responses["customer_id"].map(customers.set_index("customer_id")["churned_at"]).notna()
    category = pd.cut(responses["score"], [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
    counts = pd.DataFrame({"g": responses["region"], "c": category.astype(str), "x": churned}).groupby(
        ["g", "c"])["x"].agg(["size", "sum"])
    for _, row in table.iterrows():
        size, events = counts.loc[(row["group"], row["category"])]
        assert (row["customers"], row["churned"]) == (size, events)
        if size >= 40:
            assert row["flag"] == "ok" and row["rate"] == pytest.approx(events / size)
        else:
            assert row["flag"] == "small" and math.isnan(row["rate"])
    assert set(table["segment"]) == {"region"} and "small" in set(table["flag"])
    with pytest.raises(NpsInputError, match="min_customers"):
        churn_by_segments(responses, customers, ["region"], as_of=AS_OF, min_customers=0)


# --- health -----------------------------------------------------------------------------
def test_auc_interval_by_hand_and_bounds():
    # Hanley & McNeil: Q1 = 0.8/1.2, Q2 = 1.28/1.8; var = (0.16 + 49(Q1-0.64) + 199(Q2-0.64)) / 10000.
    se = math.sqrt((0.16 + 49 * (0.8 / 1.2 - 0.64) + 199 * (1.28 / 1.8 - 0.64)) / 10_000)
    low, high = auc_interval(0.8, 50, 200)
    assert (low, high) == pytest.approx((0.8 - 1.959964 * se, 0.8 + 1.959964 * se))
    assert auc_interval(0.99, 5, 5)[1] == 1.0
    assert all(math.isnan(x) for x in auc_interval(float("nan"), 10, 10))


@given(st.floats(0.0, 1.0), st.integers(1, 500), st.integers(1, 500))
def test_auc_interval_contains_the_auc(auc, pos, neg):
    low, high = auc_interval(auc, pos, neg)
    assert 0 <= low <= auc <= high <= 1


def _health_data(n: int = 400, seed: int = 5):
    rng = np.random.default_rng(seed)
    ids = [f"c{i:03d}" for i in range(n)]
    scores = rng.integers(0, 11, n)
    leave = rng.random(n) < np.where(scores <= 6, 0.5, 0.1)
    end = AS_OF + 120 * DAY
    customers = pd.DataFrame({"customer_id": ids, "started_at": AS_OF - 900 * DAY,
                              "churned_at": pd.Series(AS_OF + 60 * DAY, index=range(n)).where(leave),
                              "plan": rng.choice(["Basic", "Plus"], n), "revenue": rng.gamma(2, 100, n)})
    responses = pd.DataFrame({"customer_id": ids, "score": scores, "responded_at": AS_OF - 60 * DAY})
    return customers, responses, end


def test_holdout_health_check_scores_before_the_horizon_and_auc_matches_mann_whitney():
    customers, responses, end = _health_data()
    check = holdout_health_check(customers, responses, data_end=end, horizon_days=90)
    assert check.as_of == end - 90 * DAY and check.status == "ok"
    health = customer_health(customers, responses, as_of=end - 90 * DAY)
    gone = health["customer_id"].map(customers.set_index("customer_id")["churned_at"]).notna()
    u = mannwhitneyu(100 - health["score"][gone], 100 - health["score"][~gone]).statistic
    assert check.auc == pytest.approx(u / (gone.sum() * (~gone).sum()))
    row = health_summary({"acme": check}).iloc[0]
    assert (row["customers"], row["churned"]) == (len(health), gone.sum())
    assert row["auc_ci_low"] < row["auc"] < row["auc_ci_high"]
    bands = health_bands(check).set_index("band")
    assert bands["customers"].sum() == len(health)
    low, high = proportion_confint(bands["churned"], bands["customers"], method="wilson")
    assert bands["ci_low"].to_numpy() == pytest.approx(np.asarray(low))
    assert bands["ci_high"].to_numpy() == pytest.approx(np.asarray(high))
    assert row["rate_critical"] == pytest.approx(bands.loc["critical", "rate"])


def test_holdout_health_check_uses_the_clients_weights():
    customers, responses, end = _health_data()
    client = ClientParams(client_id="acme", display_name="Acme", industry="retail",
                          health_weights={"nps": 1.0, "tenure": 0, "plan": 0, "revenue": 0,
                                          "trend": 0, "recency": 0, "responsiveness": 0})
    mine = holdout_health_check(customers, responses, data_end=end, client=client)
    direct = health_check(customers, responses, as_of=end - 90 * DAY, data_end=end,
                          weights=HealthWeights.from_params(client.health_weights))
    assert mine.auc == direct.auc != holdout_health_check(customers, responses, data_end=end).auc


def test_health_without_customers():
    assert holdout_health_check(pd.DataFrame(), pd.DataFrame(), data_end=AS_OF) is None
    assert health_summary({"a": None})["status"].tolist() == ["no_customers"]
    assert health_bands(None).empty


# --- data quality ---------------------------------------------------------------------
def test_engagement_summary_from_fatigue_and_response_rate():
    invitations = pd.DataFrame({"customer_id": ["a"] * 6 + ["b"] * 2,
                                "invited_at": pd.date_range("2025-02-01", periods=8, freq="MS", tz="UTC")})
    responses = pd.DataFrame({"customer_id": ["a", "b"],
                              "responded_at": pd.to_datetime(["2025-02-03", "2025-09-02"], utc=True)})
    row = engagement_summary({"x": survey_fatigue(invitations), "y": survey_fatigue(None)},
                             {"x": response_rate(invitations, responses)}).set_index("client_id")
    assert row.loc["x", ["surveys_per_year", "max_per_year", "over_limit_share"]].tolist() == [4.0, 6, 0.5]
    assert not row.loc["x", "fatigue_flag"] and row.loc["x", "response_rate"] == 2 / 8
    assert pd.isna(row.loc["y", "fatigue_flag"]) and math.isnan(row.loc["y", "response_rate"])


def test_ingest_totals_sum_response_runs_only():
    logs = {"a": [{"table": "responses", "read": 10, "stored": 7, "duplicates": 1, "unanswered": 1},
                  {"table": "responses", "read": 4, "stored": 4, "duplicates": 0, "unanswered": 0},
                  {"table": "reviews", "read": 99, "stored": 99, "duplicates": 0, "unanswered": 0}]}
    rejects = {"a": pd.DataFrame({"reason": ["bad_date"] * 2}), "b": pd.DataFrame({"reason": ["score_missing"]})}
    table = ingest_totals(logs, rejects).set_index("client_id")
    assert table.loc["a", ["ingest_runs", "read", "stored", "unanswered", "rejected"]].tolist() == [2, 14, 11, 1, 2]
    assert table.loc["a", "rejected_score_missing"] == 0 and table.loc["b", "rejected_score_missing"] == 1
    assert pd.isna(table.loc["b", "read"])


def test_data_quality_joins_every_client_and_checks_its_inputs():
    joined = data_quality(pd.DataFrame({"client_id": ["b", "a"], "x": [1, 2]}),
                          pd.DataFrame({"client_id": ["c"], "y": [3]}))
    assert joined["client_id"].tolist() == ["a", "b", "c"] and joined["y"].notna().sum() == 1
    with pytest.raises(NpsInputError, match="frame 2"):
        data_quality(pd.DataFrame({"client_id": ["a"]}), pd.DataFrame({"id": ["a"]}))
    with pytest.raises(NpsInputError, match="at least one"):
        data_quality()


# --- store readers --------------------------------------------------------------------
def test_open_portfolio_lists_store_and_params_clients(demo, tmp_path):
    p = open_portfolio(demo / "store", demo / "params", "2026-07-01", "2026-10-01", period_label="2026-Q3",
                       language="de")
    assert p.period.label == "2026-Q3" and p.language == "de" and len(p.client_ids) == 2
    assert p.history_start == pd.Timestamp("2024-10-01") and p.end == pd.Timestamp("2026-10-01")
    assert p.timezones == dict.fromkeys(p.client_ids, "UTC")
    odd = open_portfolio(demo / "store", tmp_path, "2026-07-01", "2026-09-01", period_label="2026-Q3")
    assert odd.period.label == "2026-07-01..2026-09-01"
    assert odd.clients["display_name"].tolist() == odd.client_ids  # no params: ids stand in


def test_open_portfolio_on_an_empty_store_says_how_to_fill_it(tmp_path):
    with pytest.raises(NpsStoreError, match=r"no responses in store .*nps-report demo-data"):
        open_portfolio(tmp_path / "nothing", tmp_path, "2026-07-01", "2026-10-01")


def test_client_directory_shape():
    c = ClientParams(client_id="acme", display_name="Acme", industry="retail", language="pl")
    assert client_directory({"acme": c}).iloc[0].tolist() == ["acme", "Acme", "retail", "pl"]


def test_table_counts_and_ingest_summary_match_the_store(demo, tmp_path):
    st = Store(demo / "store")
    ids = st.clients()
    counts = table_counts(st, ids).set_index("client_id")
    for cid in ids:
        for table in ("responses", "customers", "invitations", "reviews"):
            assert counts.loc[cid, table] == len(st.read(table, cid))
    own = Store(tmp_path / "store")
    export = tmp_path / "nps.csv"
    export.write_text("id,date,nps\n1,2026-01-05,9\n2,2026-01-06,ten\n3,2026-01-07,11\n")
    ingest_files([export], client_id="acme", store=own)
    ingest_files([export], client_id="acme", store=own)
    row = ingest_summary(own, ["acme"]).iloc[0]
    assert row[["ingest_runs", "read", "stored", "duplicates", "rejected"]].tolist() == [2, 6, 1, 1, 2]
    assert row.filter(like="rejected_").sum() == 2


def test_read_customer_sample_whole_and_sampled(demo):
    st = Store(demo / "store")
    cid = st.clients()[0]
    whole = read_customer_sample(st, cid)
    responses = st.read("responses", cid)
    assert whole.share == 1.0 and len(whole.customers) == len(st.read("customers", cid))
    assert len(whole.responses) == responses["customer_id"].notna().sum()
    invitations = st.read("invitations", cid)
    assert whole.data_end == max(responses["responded_at"].max(), invitations["invited_at"].max(),
                                 st.read("customers", cid)[["started_at", "churned_at"]].max().max())
    part = read_customer_sample(st, cid, max_customers=300)
    assert part.share == pytest.approx(300 / whole.total_customers)
    kept = set(part.customers["customer_id"])
    assert 200 < len(kept) < 400
    assert set(part.responses["customer_id"]) <= kept and set(part.invitations["customer_id"]) <= kept
    # A sampled customer comes with all of their responses and invitations.
    assert len(part.responses) == responses["customer_id"].isin(kept).sum()
    assert len(part.invitations) == invitations["customer_id"].isin(kept).sum()
    again = read_customer_sample(st, cid, max_customers=300)
    assert again.customers.equals(part.customers) and part.data_end == whole.data_end
    with pytest.raises(NpsInputError, match="max_customers"):
        read_customer_sample(st, cid, max_customers=0)


def test_customer_checks_equal_the_analyses_on_the_whole_client(demo):
    p = open_portfolio(demo / "store", demo / "params", "2026-07-01", "2026-10-01")
    checks = customer_checks(p, churn_horizon_days=90)
    cid = p.client_ids[0]
    st = Store(demo / "store")
    responses, customers = st.read("responses", cid), st.read("customers", cid)
    invitations = st.read("invitations", cid)
    end = checks.sample.set_index("client_id").loc[cid, "data_end"]
    direct = churn_analysis(responses, customers, invitations, horizon_days=90, as_of=end)
    pd.testing.assert_frame_equal(checks.churn[cid].rates, direct.rates)
    assert checks.churn[cid].verdict == direct.verdict
    health = holdout_health_check(customers, responses, invitations, data_end=end,
                                  client=p.client_params[cid])
    assert checks.health[cid].auc == pytest.approx(health.auc)
    assert checks.fatigue[cid].mean_per_year == survey_fatigue(invitations, as_of=end).mean_per_year
    assert checks.sample["share"].tolist() == [1.0, 1.0]
    assert json.dumps(list(checks.response)) == json.dumps(p.client_ids)
    assert isinstance(checks.health[cid], HealthCheck)
