"""Review-portal ratings: stars per platform and month, and stars against NPS (reviews.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nps_helpers.analysis.reviews import (
    MONTHLY_COLUMNS,
    STAR_COLUMNS,
    stars_by_month,
    stars_vs_nps,
    stars_vs_nps_by_platform,
    weighted_correlation,
)
from nps_helpers.errors import NpsInputError


def _reviews(rows):
    platform, day, stars = zip(*rows, strict=True)
    return pd.DataFrame({
        "review_id": [f"r{i}" for i in range(len(rows))],
        "platform": list(platform),
        "reviewed_at": pd.to_datetime(list(day), utc=True, format="ISO8601"),
        "stars": list(stars),
        "text": None,
    })


def _monthly_data(seed, months, per_month=12, reviews_per_month=5):
    """Responses and reviews over ``months`` months from 2025-01, the two loosely linked."""
    rng = np.random.default_rng(seed)
    mood = rng.normal(size=months)
    starts = pd.date_range("2025-01-01", periods=months, freq="MS", tz="UTC")
    score = np.clip(np.round(7 + 2 * mood[:, None] + rng.normal(0, 2, (months, per_month))), 0, 10).astype(int)
    stars = np.clip(np.round(3 + mood[:, None] + rng.normal(0, 1, (months, reviews_per_month))), 1, 5).astype(int)
    responses = pd.DataFrame({
        "responded_at": np.repeat(starts, per_month) + pd.Timedelta(days=3),
        "score": score.ravel(),
    })
    reviews = pd.DataFrame({
        "platform": rng.choice(["google", "trustpilot"], size=stars.size),
        "reviewed_at": np.repeat(starts, reviews_per_month) + pd.Timedelta(days=10, hours=5),
        "stars": stars.ravel(),
    })
    return reviews, responses


def _by_hand(reviews, responses):
    """Monthly mean stars and NPS computed directly, months with both."""
    stars = reviews.groupby(reviews["reviewed_at"].dt.strftime("%Y-%m"))["stars"].mean()
    month = responses["responded_at"].dt.strftime("%Y-%m")
    s = responses["score"]
    nps = 100 * ((s >= 9).groupby(month).mean() - (s <= 6).groupby(month).mean())
    both = pd.concat([stars, nps], axis=1, join="inner")
    return both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()


# --- stars_by_month ------------------------------------------------------------------
def test_monthly_means_counts_and_gaps_by_hand():
    reviews = _reviews([
        ("google", "2026-01-03", 5), ("google", "2026-01-31 23:59", 2), ("google", "2026-01-15", 4),
        ("trustpilot", "2026-01-10", 1),
        ("google", "2026-03-01", 3), ("trustpilot", "2026-03-09", 4), ("trustpilot", "2026-03-20", 5),
    ])
    table = stars_by_month(reviews)
    assert list(table.columns) == STAR_COLUMNS
    got = table.set_index(["platform", "period"])
    assert got.loc[("google", "2026-01"), "n"] == 3
    assert got.loc[("google", "2026-01"), "stars"] == pytest.approx(11 / 3)
    assert got.loc[("trustpilot", "2026-03"), "stars"] == pytest.approx(4.5)
    # February has no review on either platform: a row with n = 0 keeps the gap visible.
    assert got.loc[("google", "2026-02"), "n"] == 0 and np.isnan(got.loc[("google", "2026-02"), "stars"])
    assert len(table) == 2 * 3
    assert got.loc[("google", "2026-03"), "start"] == pd.Timestamp("2026-03-01", tz="UTC")
    assert got.loc[("google", "2026-03"), "end"] == pd.Timestamp("2026-04-01", tz="UTC")


def test_interval_is_the_t_interval_clipped_to_the_star_scale():
    reviews = _reviews([("google", "2026-01-05", s) for s in (4, 3, 4, 2, 5)] + [("google", "2026-02-05", s) for s in (5, 5, 4)])
    table = stars_by_month(reviews, level=0.9).set_index("period")
    jan = np.array([4, 3, 4, 2, 5])
    low, high = stats.t.interval(0.9, len(jan) - 1, loc=jan.mean(), scale=stats.sem(jan))
    assert (table.loc["2026-01", "ci_low"], table.loc["2026-01", "ci_high"]) == pytest.approx((low, high))
    feb = np.array([5, 5, 4])
    low, high = stats.t.interval(0.9, 2, loc=feb.mean(), scale=stats.sem(feb))
    assert high > 5
    assert (table.loc["2026-02", "ci_low"], table.loc["2026-02", "ci_high"]) == pytest.approx((low, 5.0))


def test_single_review_has_no_interval_and_quarters_work():
    reviews = _reviews([("google", "2026-02-05", 4), ("google", "2026-08-05", 2), ("google", "2026-09-05", 5)])
    table = stars_by_month(reviews, freq="quarter")
    assert table["period"].tolist() == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert table["n"].tolist() == [1, 0, 2]
    assert np.isnan(table["ci_low"].iloc[0]) and np.isnan(table["ci_high"].iloc[0])


def test_empty_reviews_give_an_empty_table_and_the_input_is_untouched():
    assert stars_by_month(_reviews([("google", "2026-01-01", 4)]).iloc[:0]).columns.tolist() == STAR_COLUMNS
    reviews = _reviews([("Google", "2026-01-01", 4), ("Google", "2026-02-01", 5)])
    before = reviews.copy(deep=True)
    stars_by_month(reviews)
    stars_vs_nps(reviews, pd.DataFrame({"responded_at": reviews["reviewed_at"], "score": [9, 3]}))
    pd.testing.assert_frame_equal(reviews, before)


@pytest.mark.parametrize(
    ("column", "value"),
    [("stars", 6), ("stars", 0), ("stars", 4.5), ("stars", "five"), ("stars", None), ("platform", None)],
)
def test_bad_review_values_are_refused_with_the_row(column, value):
    reviews = _reviews([("google", "2026-01-01", 4), ("google", "2026-01-02", 5)]).astype({column: "object"})
    reviews.loc[1, column] = value
    with pytest.raises(NpsInputError, match="row 1"):
        stars_by_month(reviews)


def test_missing_columns_and_bad_level_are_refused():
    with pytest.raises(NpsInputError, match="missing: stars"):
        stars_by_month(pd.DataFrame({"platform": ["g"], "reviewed_at": [pd.Timestamp("2026-01-01", tz="UTC")]}))
    with pytest.raises(NpsInputError, match="level"):
        stars_by_month(_reviews([("google", "2026-01-01", 4)]), level=95)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["google", "yelp"]), st.integers(0, 400), st.integers(1, 5)), min_size=1, max_size=40))
def test_counts_add_up_and_intervals_hold_the_mean(rows):
    reviews = _reviews([(p, pd.Timestamp("2025-01-01") + pd.Timedelta(days=d), s) for p, d, s in rows])
    table = stars_by_month(reviews)
    assert table["n"].sum() == len(rows)
    assert (table.groupby("platform")["n"].sum() == reviews["platform"].value_counts().sort_index()).all()
    filled = table[table["n"] >= 2]
    assert ((filled["ci_low"] <= filled["stars"] + 1e-12) & (filled["stars"] <= filled["ci_high"] + 1e-12)).all()
    assert ((filled["ci_low"] >= 1) & (filled["ci_high"] <= 5)).all()


# --- stars_vs_nps ----------------------------------------------------------------------
def _lag1(v: np.ndarray) -> float:
    d = v - v.mean()
    return float(d[1:] @ d[:-1] / (d @ d))


def _weighted_r(x, y, w):
    """Weighted Pearson r written out: weighted means, covariance and variances."""
    w = w / w.sum()
    mx, my = w @ x, w @ y
    return (w @ ((x - mx) * (y - my))) / np.sqrt((w @ (x - mx) ** 2) * (w @ (y - my) ** 2))


@pytest.mark.parametrize(("seed", "level"), [(1, 0.95), (2, 0.9), (3, 0.99)])
def test_correlation_interval_and_p_value_on_the_effective_months(seed, level):
    reviews, responses = _monthly_data(seed, months=14)
    result = stars_vs_nps(reviews, responses, level=level)
    x, y = _by_hand(reviews, responses)
    # Five reviews every month: equal weights, so r is the plain Pearson r.
    expected = stats.pearsonr(x, y)
    assert result.status == "ok" and result.platform == "all" and result.months == 14
    assert result.r == pytest.approx(expected.statistic, abs=1e-12)
    n_eff = 14 * min(1.0, (1 - _lag1(x) * _lag1(y)) / (1 + _lag1(x) * _lag1(y)))
    assert result.n_eff == pytest.approx(n_eff)
    half = stats.norm.ppf(0.5 + level / 2) / np.sqrt(n_eff - 3)
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (np.tanh(np.arctanh(expected.statistic) - half), np.tanh(np.arctanh(expected.statistic) + half)))
    t = expected.statistic * np.sqrt((n_eff - 2) / (1 - expected.statistic**2))
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), n_eff - 2), rel=1e-9)
    if n_eff == 14:  # no carry-over to allow for: exactly scipy's interval and p-value
        ci = expected.confidence_interval(confidence_level=level)
        assert (result.ci_low, result.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-12)
        assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.monthly["stars"].to_numpy() == pytest.approx(x)
    assert result.monthly["nps"].to_numpy() == pytest.approx(y)
    assert list(result.monthly.columns) == MONTHLY_COLUMNS


def test_one_platform_uses_only_its_reviews_and_weights_months_by_them():
    reviews, responses = _monthly_data(4, months=10)
    result = stars_vs_nps(reviews, responses, platform="trustpilot")
    mine = reviews[reviews["platform"] == "trustpilot"]
    x, y = _by_hand(mine, responses)
    counts = mine.groupby(mine["reviewed_at"].dt.strftime("%Y-%m")).size().to_numpy(float)
    assert result.platform == "trustpilot"
    assert result.monthly["n_reviews"].to_numpy() == pytest.approx(counts)
    assert len(set(counts)) > 1  # unequal weights
    assert result.r == pytest.approx(_weighted_r(x, y, counts), abs=1e-12)
    numpy_r = np.cov(x, y, aweights=counts)
    assert result.r == pytest.approx(numpy_r[0, 1] / np.sqrt(numpy_r[0, 0] * numpy_r[1, 1]), abs=1e-12)
    assert result.r != pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-3)
    kish = counts.sum() ** 2 / (counts**2).sum()
    factor = min(1.0, (1 - _lag1(x) * _lag1(y)) / (1 + _lag1(x) * _lag1(y)))
    assert result.n_eff == pytest.approx(kish * factor)


def test_weighted_r_against_numpy_by_hand():
    rng = np.random.default_rng(12)
    x, y, w = rng.normal(size=20), rng.normal(size=20), rng.integers(1, 40, 20).astype(float)
    y = y + 0.8 * x
    r, *_ = weighted_correlation(x, y, w)
    assert r == pytest.approx(_weighted_r(x, y, w), abs=1e-12)
    # A month with w reviews counts as w copies of a month with one (np.corrcoef of repeats).
    repeated = np.corrcoef(np.repeat(x, w.astype(int)), np.repeat(y, w.astype(int)))[0, 1]
    assert r == pytest.approx(repeated, abs=1e-12)


def _ar1(rng, phi: float, size: tuple[int, ...]) -> np.ndarray:
    noise = rng.normal(size=size)
    out = np.empty(size)
    out[..., 0] = noise[..., 0] / np.sqrt(1 - phi**2)
    for i in range(1, size[-1]):
        out[..., i] = phi * out[..., i - 1] + noise[..., i]
    return out


def test_effective_months_of_two_ar1_series_follow_bartlett():
    rng = np.random.default_rng(13)
    x, y = _ar1(rng, 0.8, (2, 4000))
    *_, n_eff = weighted_correlation(x, y, np.ones(4000))
    # Lag-1 autocorrelation 0.8 in both: (1 - 0.64) / (1 + 0.64) = 0.2195 of the months.
    assert n_eff / 4000 == pytest.approx(0.36 / 1.64, abs=0.03)
    *_, n_white = weighted_correlation(rng.normal(size=4000), rng.normal(size=4000), np.ones(4000))
    assert n_white / 4000 == pytest.approx(1.0, abs=0.01)


def test_independent_autocorrelated_series_are_rarely_called_linked():
    """Two unrelated AR(1) series (phi 0.8, 36 months): the naive interval excludes 0 far
    more often than 5%; the one on effective months stays near its level."""
    rng = np.random.default_rng(14)
    xs, ys = _ar1(rng, 0.8, (600, 36)), _ar1(rng, 0.8, (600, 36))
    ours, naive = 0, 0
    for x, y in zip(xs, ys, strict=True):
        r, low, high, p, _ = weighted_correlation(x, y, np.ones(36))
        ours += not low < 0 < high
        naive += stats.pearsonr(x, y).pvalue < 0.05
    assert naive / 600 > 0.2
    assert ours / 600 < 0.1


def test_verdict_follows_the_interval():
    months = pd.date_range("2025-01-10", periods=12, freq="MS", tz="UTC")
    # NPS jumps without a trend or a zig-zag (little carry-over); stars follow it or oppose it.
    responses = pd.DataFrame({"responded_at": months,
                              "score": [9, 2, 3, 10, 9, 1, 1, 10, 2, 9, 3, 10]})
    rising = pd.DataFrame({"platform": "g", "reviewed_at": months,
                           "stars": [5, 1, 2, 4, 5, 1, 2, 4, 1, 5, 2, 4]})
    result = stars_vs_nps(rising, responses)
    assert result.verdict == "stars_follow_nps" and result.n_eff > 8
    falling = rising.assign(stars=6 - rising["stars"])
    assert stars_vs_nps(falling, responses).verdict == "stars_oppose_nps"
    mixed = rising.assign(stars=[3, 5, 1, 4, 2, 5, 1, 3, 3, 2, 4, 4])
    result = stars_vs_nps(mixed, responses)
    assert result.ci_low < 0 < result.ci_high and result.verdict == "stars_nps_unclear"


def test_two_steady_trends_are_not_called_linked():
    months = pd.date_range("2025-01-10", periods=8, freq="MS", tz="UTC")
    responses = pd.DataFrame({"responded_at": months, "score": [0, 3, 7, 8, 9, 10, 10, 9]})
    rising = pd.DataFrame({"platform": "g", "reviewed_at": months, "stars": [1, 1, 2, 3, 4, 5, 5, 4]})
    result = stars_vs_nps(rising, responses)
    # r is high, but both series carry over from month to month: few effective months.
    assert result.r > 0.9 and result.n_eff < 4 and result.verdict == "stars_nps_unclear"


def test_five_months_are_too_few_six_are_enough():
    reviews, responses = _monthly_data(5, months=6)
    last = reviews["reviewed_at"].max()
    five = stars_vs_nps(reviews[reviews["reviewed_at"] < last.replace(day=1)], responses)
    assert (five.status, five.verdict, five.months) == ("too_few_months", "too_few_months", 5)
    assert np.isnan(five.r) and len(five.monthly) == 5
    assert stars_vs_nps(reviews, responses).status == "ok"
    assert stars_vs_nps(reviews, responses, min_months=7).status == "too_few_months"


def test_only_months_with_both_reviews_and_responses_count():
    reviews, responses = _monthly_data(6, months=9)
    # Responses stop after six months; the last three months of reviews have nothing to pair with.
    cut = responses[responses["responded_at"] < pd.Timestamp("2025-07-01", tz="UTC")]
    result = stars_vs_nps(reviews, cut)
    assert result.months == 6 and result.monthly["period"].iloc[-1] == "2025-06"


@pytest.mark.parametrize(
    ("reviews", "responses", "platform", "verdict"),
    [
        (None, "r", None, "no_reviews"),
        ("empty", "r", None, "no_reviews"),
        ("v", "r", "yelp", "no_reviews"),
        ("v", None, None, "no_responses"),
        ("v", "empty", None, "no_responses"),
    ],
)
def test_not_available_when_either_side_is_missing(reviews, responses, platform, verdict):
    v, r = _monthly_data(7, months=8)
    pick = {"v": v, "r": r, "empty": None, None: None}
    given_reviews = v.iloc[:0] if reviews == "empty" else pick[reviews]
    given_responses = r.iloc[:0] if responses == "empty" else pick[responses]
    result = stars_vs_nps(given_reviews, given_responses, platform=platform)
    assert (result.status, result.verdict, result.months) == ("not_available", verdict, 0)
    assert np.isnan(result.r) and np.isnan(result.ci_low) and np.isnan(result.p_value)


def test_the_same_stars_every_month_have_no_correlation():
    reviews, responses = _monthly_data(8, months=7)
    result = stars_vs_nps(reviews.assign(stars=4), responses)
    assert (result.status, result.verdict, result.months) == ("not_available", "no_variation", 7)


@pytest.mark.parametrize("min_months", [3, 0, 6.0, True])
def test_min_months_must_allow_an_interval(min_months):
    reviews, responses = _monthly_data(9, months=7)
    with pytest.raises(NpsInputError, match="min_months"):
        stars_vs_nps(reviews, responses, min_months=min_months)


def test_table_has_the_pooled_row_first_then_each_platform():
    reviews, responses = _monthly_data(10, months=12)
    table = stars_vs_nps_by_platform(reviews, responses)
    assert table["platform"].tolist() == ["all", "google", "trustpilot"]
    for row in table.itertuples():
        single = stars_vs_nps(reviews, responses, platform=None if row.platform == "all" else row.platform)
        assert (row.status, row.months) == (single.status, single.months)
        assert row.r == pytest.approx(single.r)
    nothing = stars_vs_nps_by_platform(None, responses)
    assert nothing[["platform", "status", "verdict"]].values.tolist() == [["all", "not_available", "no_reviews"]]
