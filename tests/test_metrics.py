"""NPS core: worked examples, independent methods, published figures, properties, bad input."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from nps_helpers.analysis.metrics import (
    NpsResult,
    categorize,
    category_counts,
    nps,
    nps_difference,
    nps_difference_frame,
    nps_frame,
    z_value,
)
from nps_helpers.errors import NpsInputError

Z95 = 1.959963984540054


def _counts(p: int, pa: int, d: int) -> dict[str, int]:
    return {"promoters": p, "passives": pa, "detractors": d}


def _scores(p: int, pa: int, d: int) -> list[int]:
    return [10] * p + [8] * pa + [3] * d


# --- worked examples ---------------------------------------------------------------------
def test_point_estimate_and_counts_by_hand():
    r = nps([10, 9, 8, 7, 6, 0, 9, 10])
    # promoters 10, 9, 9, 10 = 4; passives 8, 7 = 2; detractors 6, 0 = 2; (4 - 2) / 8
    assert (r.n, r.promoters, r.passives, r.detractors) == (8, 4, 2, 2)
    assert r.nps == 25.0
    assert (r.promoter_share, r.passive_share, r.detractor_share) == (0.5, 0.25, 0.25)


def test_wald_interval_by_hand():
    # 60/20/20 of 100: variance p + d - (p - d)^2 = 0.8 - 0.16 = 0.64, se = 0.08
    r = nps(_counts(60, 20, 20), method="wald")
    assert r.se == pytest.approx(8.0)
    assert r.ci_low == pytest.approx(40 - Z95 * 8)
    assert r.ci_high == pytest.approx(40 + Z95 * 8)
    assert (round(r.ci_low, 2), round(r.ci_high, 2)) == (24.32, 55.68)


def test_adjusted_wald_interval_by_hand():
    # 60.75 promoters, 20.75 detractors of 103: centre 40/103, variance
    # (81.5/103 - (40/103)^2) / 103.
    r = nps(_counts(60, 20, 20))
    centre = 40 / 103
    se = math.sqrt((81.5 / 103 - centre**2) / 103)
    assert r.ci_low == pytest.approx(100 * (centre - Z95 * se))
    assert r.ci_high == pytest.approx(100 * (centre + Z95 * se))
    assert (round(r.ci_low, 1), round(r.ci_high, 1)) == (23.4, 54.3)
    assert r.nps == 40.0  # the headline stays the observed score


def test_adjusted_interval_for_all_promoters_stays_below_100_and_above_0():
    # Wald collapses to [100, 100] for 10 promoters; the adjusted one does not.
    wald = nps([10] * 10, method="wald")
    adjusted = nps([10] * 10)
    assert (wald.ci_low, wald.ci_high) == (100.0, 100.0)
    centre, spread = 10 / 13, math.sqrt((11.5 / 13 - (10 / 13) ** 2) / 13)
    assert adjusted.ci_low == pytest.approx(100 * (centre - Z95 * spread))
    assert adjusted.ci_high == 100.0  # clipped at the top of the scale
    assert 40 < adjusted.ci_low < 60


def test_published_point_estimate_talkstats_example():
    # talkstats.com thread "Net Promoter Score - calculating confidence intervals and margin
    # of error": 291 promoters, 476 passives, 395 detractors of 1162 give an NPS of -9.
    r = nps(_counts(291, 476, 395))
    assert r.n == 1162
    assert round(r.nps) == -9


def test_published_rule_of_thumb_width_320_over_root_n():
    # Engelhardt (2016), "Net Promoter Score confidence intervals 2: maths and stats":
    # with a third in each category the 95% interval is about 320 / sqrt(n) wide.
    for n in (300, 900, 3000):
        r = nps(_counts(n // 3, n // 3, n // 3), method="wald")
        assert r.ci_high - r.ci_low == pytest.approx(320 / math.sqrt(n), rel=0.01)


def test_r_package_nps_variance_formula():
    # NPS (Rocks) npvar(): (props[3] + props[1]) - (props[3] - props[1])^2 over
    # detractors, passives, promoters; nps.se = sqrt(npvar / n).
    counts = np.array([13, 22, 40])  # detractors, passives, promoters
    props = counts / counts.sum()
    npvar = (props[2] + props[0]) - (props[2] - props[0]) ** 2
    r = nps(_counts(40, 22, 13), method="wald")
    assert r.se == pytest.approx(100 * math.sqrt(npvar / counts.sum()))


# --- independent methods -------------------------------------------------------------------
@pytest.mark.parametrize("shares", [(0.2, 0.3, 0.5), (0.05, 0.05, 0.9), (0.6, 0.3, 0.1)])
def test_variance_formula_matches_enumeration_of_the_multinomial(shares):
    d, pa, p = shares
    n = 7
    values, probs = [], []
    for k_p in range(n + 1):
        for k_d in range(n + 1 - k_p):
            k_pa = n - k_p - k_d
            probs.append(stats.multinomial.pmf([k_d, k_pa, k_p], n, [d, pa, p]))
            values.append((k_p - k_d) / n)
    values, probs = np.array(values), np.array(probs)
    mean = (probs * values).sum()
    exact_var = (probs * (values - mean) ** 2).sum()
    assert mean == pytest.approx(p - d)
    assert exact_var == pytest.approx((p + d - (p - d) ** 2) / n)
    # The Wald standard error plugs the shares into the same formula.
    big = nps(_counts(int(p * 1000), int(pa * 1000), int(d * 1000)), method="wald")
    assert (big.se / 100) ** 2 == pytest.approx((p + d - (p - d) ** 2) / 1000)


def test_exact_coverage_of_adjusted_wald_by_enumeration():
    # Every outcome of n = 60 draws from 0.25/0.35/0.40, weighted by its probability.
    n, shares = 60, np.array([0.25, 0.35, 0.40])
    truth = 100 * (shares[2] - shares[0])
    rows = [(k_p, n - k_p - k_d, k_d) for k_p in range(n + 1) for k_d in range(n + 1 - k_p)]
    frame = nps_frame(pd.DataFrame(rows, columns=["promoters", "passives", "detractors"]))
    probs = stats.multinomial.pmf(
        frame[["detractors", "passives", "promoters"]].to_numpy(), n, shares
    )
    covered = (frame["ci_low"] <= truth) & (truth <= frame["ci_high"])
    assert probs.sum() == pytest.approx(1)
    assert 0.93 < probs[covered.to_numpy()].sum() < 0.97


def test_difference_p_value_matches_statsmodels_z_test_on_large_samples():
    rng = np.random.default_rng(3)
    a = rng.choice([0, 8, 10], size=3000, p=[0.2, 0.3, 0.5])
    b = rng.choice([0, 8, 10], size=2500, p=[0.25, 0.3, 0.45])
    ours = nps_difference(a, b)
    coded = [np.sign(x - 7.5) * (x != 8) for x in (a, b)]  # -1 / 0 / +1
    z, p_value = CompareMeans(DescrStatsW(coded[0]), DescrStatsW(coded[1])).ztest_ind(
        usevar="unequal"
    )
    assert ours.difference == pytest.approx(100 * (coded[0].mean() - coded[1].mean()))
    # The pseudo-observations change the variance by O(1/n) only.
    assert ours.p_value == pytest.approx(p_value, rel=0.05)
    assert ours.difference / ((ours.ci_high - ours.ci_low) / (2 * Z95)) == pytest.approx(z, rel=0.01)


def test_difference_z_test_by_hand():
    # 60/40 vs 40/60 of 100 each, promoters and detractors only.
    d = nps_difference([10] * 60 + [0] * 40, [10] * 40 + [0] * 60)
    var_a = (101.5 / 103 - (20 / 103) ** 2) / 103  # adjusted shares 60.75/103, 40.75/103
    var_b = (101.5 / 103 - (-20 / 103) ** 2) / 103
    se = 100 * math.sqrt(var_a + var_b)
    # Published adjusted Wald: the test is centred on the adjusted estimates, 20/103 - (-20/103).
    centre = 100 * 40 / 103
    assert d.difference == pytest.approx(40.0)
    assert d.adjusted == pytest.approx(centre)
    assert d.p_value == pytest.approx(2 * stats.norm.sf(centre / se))
    assert (d.ci_low, d.ci_high) == (pytest.approx(centre - Z95 * se), pytest.approx(centre + Z95 * se))
    assert d.significant


def test_difference_adjusted_wald_as_published_unequal_groups():
    # Group a: n=12, 8 promoters, 1 passive, 3 detractors; group b: n=200, 90/60/50.
    # Add 3 to each n and 3/4 to each group's promoters and detractors.
    pa_, da_, na_ = 8.75 / 15, 3.75 / 15, 15
    pb_, db_, nb_ = 90.75 / 203, 50.75 / 203, 203
    centre = 100 * ((pa_ - da_) - (pb_ - db_))
    se = 100 * math.sqrt((pa_ + da_ - (pa_ - da_) ** 2) / na_ + (pb_ + db_ - (pb_ - db_) ** 2) / nb_)
    d = nps_difference(_counts(8, 1, 3), _counts(90, 60, 50))
    assert d.difference == pytest.approx(100 * 5 / 12 - 100 * 40 / 200)  # raw, as shown
    assert d.adjusted == pytest.approx(centre)
    assert (d.ci_low, d.ci_high) == (pytest.approx(centre - Z95 * se), pytest.approx(centre + Z95 * se))
    assert d.p_value == pytest.approx(2 * stats.norm.sf(abs(centre) / se))
    frame = nps_difference_frame(pd.DataFrame([_counts(8, 1, 3)]), pd.DataFrame([_counts(90, 60, 50)]))
    assert frame.loc[0, ["adjusted", "p_value"]].tolist() == pytest.approx([centre, d.p_value])


def test_difference_test_keeps_its_size_under_the_null():
    # Exact size: two groups of 15 and 40 drawn from the same population (50/20/30%).
    # Every pair of outcomes is enumerated with its multinomial probability.
    shares = [0.3, 0.2, 0.5]  # detractor, passive, promoter
    outcomes = {}
    for n in (15, 40):
        rows = [(d, s, n - d - s) for d in range(n + 1) for s in range(n + 1 - d)]
        probs = stats.multinomial.pmf(np.array(rows), n, shares)
        outcomes[n] = (pd.DataFrame([{"promoters": p, "passives": s, "detractors": d}
                                     for d, s, p in rows]), probs)
    (a, pa_), (b, pb_) = outcomes[15], outcomes[40]
    left = a.loc[a.index.repeat(len(b))].reset_index(drop=True)
    right = pd.concat([b] * len(a), ignore_index=True)
    weight = np.repeat(pa_, len(b)) * np.tile(pb_, len(a))
    rejected = nps_difference_frame(left, right)["significant"].to_numpy()
    assert weight.sum() == pytest.approx(1)
    assert 0.03 < weight[rejected].sum() < 0.06


def test_bootstrap_agrees_with_wald_on_large_n():
    rng = np.random.default_rng(11)
    scores = rng.choice(np.arange(11), size=5000, p=np.r_[np.full(7, 0.03), 0.15, 0.15, 0.24, 0.25])
    boot = nps(scores, method="bootstrap")
    wald = nps(scores, method="wald")
    assert abs(boot.ci_low - wald.ci_low) < 1.0
    assert abs(boot.ci_high - wald.ci_high) < 1.0
    assert boot.se == pytest.approx(wald.se, rel=0.1)
    assert nps(scores, method="bootstrap", seed=1).ci_low != boot.ci_low
    assert nps(scores, method="bootstrap") == boot  # the seed makes it repeatable


def test_weighted_shares_and_kish_effective_n_by_hand():
    scores = [10, 10, 8, 0]
    weights = [1, 3, 2, 2]
    r = nps(scores, weights=weights)
    # promoters weigh 4 of 8, detractors 2 of 8; n_eff = 8^2 / (1 + 9 + 4 + 4)
    assert r.nps == pytest.approx(25.0)
    assert r.n_effective == pytest.approx(64 / 18)
    assert r.n == 4 and r.promoters == 2


def test_whole_number_weights_equal_repeated_scores_for_the_point_estimate():
    scores = [10, 9, 8, 5, 0]
    weights = [3, 1, 2, 4, 1]
    repeated = np.repeat(scores, weights)
    assert nps(scores, weights=weights).nps == pytest.approx(nps(repeated).nps)


def test_weighted_bootstrap_is_wider_than_unweighted_for_uneven_weights():
    rng = np.random.default_rng(5)
    scores = rng.choice([0, 8, 10], size=400, p=[0.3, 0.3, 0.4])
    weights = rng.choice([0.2, 5.0], size=400)
    plain = nps(scores, method="bootstrap")
    weighted = nps(scores, weights=weights, method="bootstrap")
    assert weighted.ci_high - weighted.ci_low > plain.ci_high - plain.ci_low


def test_nps_frame_matches_nps_per_row_and_marks_empty_rows():
    counts = pd.DataFrame(
        {"promoters": [60, 0, 5, 0], "passives": [20, 0, 1, 3], "detractors": [20, 0, 0, 4]},
        index=["a", "b", "c", "d"],
    )
    before = counts.copy()
    out = nps_frame(counts)
    pd.testing.assert_frame_equal(counts, before)
    for key, row in counts.iterrows():
        r = nps(row.to_dict())
        got = out.loc[key]
        assert got["n"] == r.n
        if r.n == 0:
            assert got[["nps", "ci_low", "ci_high"]].isna().all()
        else:
            assert (got["nps"], got["ci_low"], got["ci_high"]) == pytest.approx(
                (r.nps, r.ci_low, r.ci_high)
            )
    wald = nps_frame(counts, method="wald", level=0.9).loc["a"]
    assert (wald["ci_low"], wald["ci_high"]) == pytest.approx(
        (40 - z_value(0.9) * 8, 40 + z_value(0.9) * 8)
    )


def test_empty_input_gives_nan_not_an_error():
    r = nps([])
    assert r.n == 0 and math.isnan(r.nps) and math.isnan(r.ci_low)
    d = nps_difference([], [10, 0])
    assert math.isnan(d.p_value) and not d.significant


def test_categorize_keeps_the_callers_index():
    scores = pd.Series([10, 3, 8], index=[7, 3, 5])
    assert categorize(scores).to_dict() == {7: "promoter", 3: "detractor", 5: "passive"}


def test_nullable_integer_scores_are_accepted():
    assert nps(pd.Series([9, 0, 8], dtype="Int64")).nps == 0.0
    assert nps(pd.array([10, 10], dtype="Int8")).nps == 100.0


# --- properties ----------------------------------------------------------------------------
counts_strategy = st.tuples(
    st.integers(0, 400), st.integers(0, 400), st.integers(0, 400)
).filter(lambda c: sum(c) > 0)
methods = st.sampled_from(["adjusted-wald", "wald", "bootstrap"])
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@given(counts_strategy, methods, levels)
@settings(max_examples=150, deadline=None)
def test_bounds(c, method, level):
    r = nps(_counts(*c), method=method, level=level)
    assert -100 <= r.nps <= 100
    assert -100 <= r.ci_low <= r.ci_high <= 100
    assert r.se >= 0
    assert r.promoter_share + r.passive_share + r.detractor_share == pytest.approx(1)


@given(counts_strategy)
@settings(max_examples=200, deadline=None)
def test_adjusted_interval_contains_the_score_from_two_responses(c):
    # With one response the adjusted centre is pulled so far that a 95% interval can miss
    # the observed +-100 (checked by enumeration up to n = 300); from n = 2 it never does.
    r = nps(_counts(*c))
    if r.n >= 2:
        assert r.ci_low <= r.nps <= r.ci_high
    assert nps(_counts(*c), method="wald").ci_low <= r.nps


def test_adjusted_interval_misses_a_single_response():
    r = nps([10])
    assert r.ci_high < r.nps == 100.0


@given(counts_strategy, st.sampled_from(["adjusted-wald", "wald"]), levels)
@settings(max_examples=150, deadline=None)
def test_swapping_promoters_and_detractors_mirrors_everything(c, method, level):
    p, pa, d = c
    r = nps(_counts(p, pa, d), method=method, level=level)
    m = nps(_counts(d, pa, p), method=method, level=level)
    assert m.nps == -r.nps
    assert (m.ci_low, m.ci_high) == (-r.ci_high, -r.ci_low)
    diff = nps_difference(_counts(p, pa, d), _counts(d, pa, p))
    back = nps_difference(_counts(d, pa, p), _counts(p, pa, d))
    assert back.difference == -diff.difference
    assert back.p_value == pytest.approx(diff.p_value)


@given(c=counts_strategy)
@settings(max_examples=50, deadline=None)
def test_bootstrap_mirror_is_close(c):
    p, pa, d = c
    r = nps(_counts(p, pa, d), method="bootstrap")
    m = nps(_counts(d, pa, p), method="bootstrap")
    assert m.nps == -r.nps
    assert m.ci_low == pytest.approx(-r.ci_high, abs=100 * 6 / math.sqrt(r.n) + 1)


@given(st.lists(st.integers(0, 10), max_size=200))
@settings(max_examples=150, deadline=None)
def test_every_valid_score_lands_in_exactly_one_category(scores):
    cats = categorize(scores)
    expected = ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    assert cats.tolist() == [expected[s] for s in scores]
    counts = category_counts(scores)
    assert sum(counts.values()) == len(scores)
    r = nps(scores)
    assert (r.promoters, r.passives, r.detractors) == (
        counts["promoters"], counts["passives"], counts["detractors"]
    )


def test_category_boundaries_cover_all_eleven_scores():
    assert categorize(range(11)).value_counts().to_dict() == {
        "detractor": 7, "passive": 2, "promoter": 2
    }
    assert categorize(np.arange(11, dtype="int8")).isna().sum() == 0


@given(st.lists(st.integers(0, 10), min_size=1, max_size=80), methods, st.floats(0.1, 50))
@settings(max_examples=100, deadline=None)
def test_equal_weights_equal_the_unweighted_result(scores, method, weight):
    plain = nps(scores, method=method)
    ones = nps(scores, weights=[1] * len(scores), method=method)
    constant = nps(scores, weights=[weight] * len(scores), method=method)
    assert ones == plain
    assert constant == plain


@given(st.lists(st.integers(0, 10), min_size=1, max_size=60), methods)
@settings(max_examples=60, deadline=None)
def test_callers_data_is_never_modified(scores, method):
    frame = pd.DataFrame({"score": scores, "w": np.linspace(0.5, 2, len(scores))})
    before = frame.copy()
    array = np.array(scores)
    nps(frame["score"], weights=frame["w"], method=method)
    nps(array, method=method)
    categorize(frame["score"])
    category_counts(array)
    nps_difference(frame["score"], array)
    pd.testing.assert_frame_equal(frame, before)
    assert array.tolist() == scores


@given(counts_strategy, counts_strategy)
@settings(max_examples=100, deadline=None)
def test_difference_interval_and_p_value_agree(a, b):
    d = nps_difference(_counts(*a), _counts(*b))
    assert d.ci_low <= d.adjusted <= d.ci_high
    assert 0 <= d.p_value <= 1
    # The interval excludes 0 exactly when the test is significant.
    assert d.significant == (d.ci_low > 0 or d.ci_high < 0)


@given(st.lists(st.tuples(counts_strategy | st.just((0, 0, 0)), counts_strategy), min_size=1, max_size=8),
       levels)
@settings(max_examples=60, deadline=None)
def test_difference_frame_equals_nps_difference_row_by_row(pairs, level):
    cols = ["promoters", "passives", "detractors"]
    a = pd.DataFrame([p for p, _ in pairs], columns=cols, index=[f"r{i}" for i in range(len(pairs))])
    b = pd.DataFrame([q for _, q in pairs], columns=cols)
    frame = nps_difference_frame(a, b, level=level)
    assert frame.index.tolist() == a.index.tolist()
    for (p, q), (_, row) in zip(pairs, frame.iterrows(), strict=True):
        d = nps_difference(_counts(*p), _counts(*q), level=level)
        if sum(p) == 0:
            assert row[["difference", "p_value", "ci_low"]].isna().all() and not row["significant"]
            continue
        assert (row["difference"], row["ci_low"], row["ci_high"], row["p_value"]) == pytest.approx(
            (d.difference, d.ci_low, d.ci_high, d.p_value), rel=1e-12, abs=1e-12
        )
        assert row["significant"] == d.significant


# --- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "scores, fragment",
    [
        ([11], "not a whole number 0-10"),
        ([-1], "not a whole number 0-10"),
        ([7.5], "not a whole number 0-10"),
        ([np.nan], "missing"),
        (pd.Series([9, None], dtype="Int64"), "position 1 is missing"),
        ([9, None], "None at position 1"),
        (["7"], "'7' at position 0 is not a number"),
        ([True, 10], "True at position 0"),
        ("9", "sequence of whole numbers"),
        ([[1, 2]], "one-dimensional"),
    ],
)
def test_bad_scores_raise_input_error(scores, fragment):
    with pytest.raises(NpsInputError, match=fragment):
        nps(scores)
    with pytest.raises(NpsInputError):
        categorize(scores)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: nps([9], method="exact"), "unknown method"),
        (lambda: nps([9], level=1.5), "level must be"),
        (lambda: nps([9], level=0), "level must be"),
        (lambda: nps({"promoters": 1, "passives": 2}), "detractors"),
        (lambda: nps({"promoters": -1, "passives": 0, "detractors": 0}), "whole numbers"),
        (lambda: nps({"promoters": "a", "passives": 0, "detractors": 0}), "whole numbers"),
        (lambda: nps({"promoters": 1.5, "passives": 0, "detractors": 0}), "whole numbers"),
        (lambda: nps(_counts(1, 1, 1), weights=[1, 1, 1]), "weights apply"),
        (lambda: nps([9, 0], weights=[1]), "one per score"),
        (lambda: nps([9, 0], weights=[1, -1]), "non-negative"),
        (lambda: nps([9, 0], weights=[0, 0]), "not all zero"),
        (lambda: nps([9, 0], weights=[1, np.inf]), "finite"),
        (lambda: nps([9, 0], weights=["a", 1]), "numbers"),
        (lambda: nps_difference([9], [0], level=2), "level must be"),
        (lambda: nps_frame(pd.DataFrame({"promoters": [1]})), "missing: passives, detractors"),
        (lambda: nps_frame(pd.DataFrame(_counts([-1], [0], [0]))), "whole numbers"),
        (lambda: nps_frame(pd.DataFrame(_counts([1], [0], [0])), method="bootstrap"), "bootstrap"),
        (lambda: z_value(-0.1), "level must be"),
        (lambda: nps_difference_frame(pd.DataFrame(_counts([1], [0], [0])),
                                      pd.DataFrame(_counts([1, 2], [0, 0], [0, 0]))), "align them"),
        (lambda: nps_difference_frame(pd.DataFrame(_counts([1], [0], [0])),
                                      pd.DataFrame({"promoters": [1]})), "missing: passives"),
    ],
)
def test_bad_arguments_raise_input_error(call, fragment):
    with pytest.raises(NpsInputError, match=fragment):
        call()


def test_result_is_frozen():
    r = nps([10])
    assert isinstance(r, NpsResult)
    with pytest.raises(AttributeError):
        r.nps = 0  # type: ignore[misc]


def test_z_value_matches_scipy():
    for level in (0.8, 0.9, 0.95, 0.99):
        assert z_value(level) == pytest.approx(stats.norm.ppf(1 - (1 - level) / 2))
    assert z_value() == pytest.approx(Z95)


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12))
def test_whole_percentages_add_to_100_and_stay_within_one_point(counts):
    from nps_helpers.analysis.metrics import whole_percentages

    shown = whole_percentages(counts)
    total = sum(counts)
    if total == 0:
        assert shown.tolist() == [0] * len(counts)
        return
    assert shown.sum() == 100
    exact = [100 * c / total for c in counts]
    assert all(abs(s - e) < 1 for s, e in zip(shown, exact, strict=True))
    # Largest remainder: a share is never rounded down while a smaller remainder went up.
    up = [s > e for s, e in zip(shown, exact, strict=True)]
    rem = [e - int(e) for e in exact]
    assert all(not (not u and e != int(e) and r > max((rr for rr, uu in zip(rem, up, strict=True) if uu), default=-1))
               for u, e, r in zip(up, exact, rem, strict=True))
