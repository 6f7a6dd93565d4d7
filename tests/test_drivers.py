"""Johnson's relative weights, checked against dominance analysis and a second derivation."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.analysis.drivers import (
    AGREEMENT,
    QUADRANTS,
    UNCERTAIN,
    bootstrap_weights,
    johnson_weights,
    relative_weights,
)
from nps_helpers.errors import NpsInputError


def _survey(n: int = 200, seed: int = 0, k: int = 4) -> pd.DataFrame:
    """Correlated 1-5 ratings (a shared halo) and a 0-10 score driven mostly by the first two."""
    rng = np.random.default_rng(seed)
    halo = rng.normal(size=n)
    latent = 0.6 * halo[:, None] + rng.normal(size=(n, k))
    ratings = np.clip(np.round(3 + latent), 1, 5)
    signal = ratings @ np.array([1.2, 0.7, 0.2, 0.0][:k]) + rng.normal(scale=1.5, size=n)
    score = np.clip(np.round(signal - signal.mean() + 7), 0, 10)
    frame = pd.DataFrame(ratings, columns=[f"driver_{c}" for c in ["price", "support", "app", "billing"][:k]])
    return frame.assign(score=score.astype(int), region="EU")


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def _shapley_r2(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """General dominance: each predictor's R^2 gain averaged over every order of entry."""
    k = x.shape[1]
    cache = {(): 0.0}
    for size in range(1, k + 1):
        for subset in itertools.combinations(range(k), size):
            cache[subset] = _r2(x[:, subset], y)
    gains = np.zeros(k)
    for order in itertools.permutations(range(k)):
        entered: list[int] = []
        for j in order:
            before = cache[tuple(sorted(entered))]
            entered.append(j)
            gains[j] += cache[tuple(sorted(entered))] - before
    return gains / math.factorial(k)


def _johnson_by_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's original derivation on the data: Z = U V' from the SVD of standardised X."""
    xs = (x - x.mean(0)) / x.std(0)
    u, _, vt = np.linalg.svd(xs, full_matrices=False)
    z = u @ vt
    beta2 = np.array([np.corrcoef(y, z[:, j])[0, 1] ** 2 for j in range(z.shape[1])])
    lam2 = np.array([[np.corrcoef(x[:, i], z[:, j])[0, 1] ** 2 for j in range(z.shape[1])]
                     for i in range(x.shape[1])])
    return lam2 @ beta2


def test_weights_sum_to_the_ols_r_squared_and_match_the_svd_derivation():
    frame = _survey()
    result = relative_weights(frame)
    x = frame.filter(like="driver_").to_numpy(float)
    y = frame["score"].to_numpy(float)
    assert result.r_squared == pytest.approx(_r2(x, y), rel=1e-9)
    by_column = result.table.set_index("column")["raw_weight"]
    expected = pd.Series(_johnson_by_svd(x, y), index=frame.filter(like="driver_").columns)
    assert by_column[expected.index].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-8)
    assert result.table["share"].sum() == pytest.approx(1.0)


def test_weights_are_close_to_dominance_analysis():
    frame = _survey(n=300, seed=4)
    x = frame.filter(like="driver_").to_numpy(float)
    y = frame["score"].to_numpy(float)
    shapley = _shapley_r2(x, y)
    raw, _ = johnson_weights(x, y)
    assert shapley.sum() == pytest.approx(raw.sum())
    # Relative weights approximate general dominance; published comparisons (LeBreton et
    # al. 2004) find differences of about 0.01 of R^2 or less.
    assert np.abs(raw - shapley).max() < 0.01
    assert list(np.argsort(raw)) == list(np.argsort(shapley))
    assert relative_weights(frame).table["driver"].tolist()[:2] == ["price", "support"]


def test_orthogonal_ratings_get_their_squared_correlations():
    x = np.array(list(itertools.product([1.0, 2, 3], [1.0, 2, 3])))
    y = 3 * x[:, 0] - x[:, 1] + np.array([0.5, -0.5, 0.2, -0.2, 0.1, -0.1, 0.3, -0.3, 0.0])
    raw, corr = johnson_weights(x, y)
    assert raw == pytest.approx(corr**2)
    assert corr[1] < 0


def test_minimum_n_is_the_larger_of_30_and_ten_per_driver():
    frame = _survey(n=200)
    four = relative_weights(frame.head(39))
    assert (four.status, four.min_n, four.n) == ("too_few_responses", 40, 39)
    assert four.table.empty
    assert relative_weights(frame.head(40)).status == "ok"
    two = relative_weights(frame.head(29), ["driver_price", "driver_support"])
    assert (two.status, two.min_n) == ("too_few_responses", 30)


def test_rows_missing_a_rating_are_left_out_and_counted():
    frame = _survey(n=120)
    frame.loc[[0, 5, 9], "driver_app"] = np.nan
    frame.loc[[5, 11], "score"] = np.nan
    result = relative_weights(frame)
    assert (result.n, result.n_dropped) == (116, 4)
    complete = frame.dropna()
    assert result.r_squared == pytest.approx(
        _r2(complete.filter(like="driver_").to_numpy(float), complete["score"].to_numpy(float))
    )
    app = result.table.set_index("driver").loc["app"]
    assert app["n_rated"] == 117 and app["mean"] == pytest.approx(frame["driver_app"].mean())


def test_constant_rating_is_excluded_not_fatal():
    frame = _survey(n=80).assign(driver_billing=3.0)
    result = relative_weights(frame)
    assert result.status == "ok" and result.excluded == ("driver_billing",)
    assert "billing" not in result.table["driver"].tolist()


def _loop_bootstrap(x: np.ndarray, y: np.ndarray, resamples: int, seed: int):
    """The bootstrap written out: the same row draws, one Johnson fit (by SVD) per resample."""
    rows = np.random.default_rng(seed).integers(0, len(y), size=(resamples, len(y)))
    raw = np.array([_johnson_by_svd(x[r], y[r]) for r in rows])
    return raw, np.array([x[r].mean(axis=0) for r in rows])


def _by_hand(share: np.ndarray, mean: np.ndarray, middle: float) -> np.ndarray:
    """Quadrant names: importance against 1/k, rating against the scale's middle."""
    names = {(True, False): "concentrate_here", (True, True): "keep_up",
             (False, False): "low_priority", (False, True): "possible_overkill"}
    k = share.shape[-1]
    return np.vectorize(lambda s, m: names[(s >= 1 / k, m >= middle)])(share, mean)


def test_bootstrap_matches_a_loop_over_the_same_draws():
    frame = _survey(n=150, seed=7)
    x, y = frame.filter(like="driver_").to_numpy(float), frame["score"].to_numpy(float)
    raw, means = bootstrap_weights(x, y, 300, np.random.default_rng(11))
    loop_raw, loop_means = _loop_bootstrap(x, y, 300, 11)
    assert raw == pytest.approx(loop_raw, rel=1e-7, abs=1e-12)
    assert means == pytest.approx(loop_means)
    result = relative_weights(frame, resamples=300, seed=11, level=0.9)
    shares = loop_raw / loop_raw.sum(axis=1, keepdims=True)
    table = result.table.set_index("column").loc[frame.filter(like="driver_").columns]
    assert table["share_low"].to_numpy() == pytest.approx(np.percentile(shares, 5, axis=0))
    assert table["share_high"].to_numpy() == pytest.approx(np.percentile(shares, 95, axis=0))
    assert (result.r_squared_low, result.r_squared_high) == pytest.approx(
        tuple(np.percentile(loop_raw.sum(axis=1), [5, 95])))
    assert result.r_squared_low < result.r_squared < result.r_squared_high
    assert result.resamples == 300 and result.level == 0.9


def test_a_quadrant_is_named_only_where_80_percent_of_resamples_agree():
    frame = _survey(n=120, seed=3)
    # Ratings near the middle (3) of the 1-5 scale make some quadrants unstable.
    x, y = frame.filter(like="driver_").to_numpy(float), frame["score"].to_numpy(float)
    result = relative_weights(frame, resamples=400, seed=5)
    assert result.scale == (1, 5)
    loop_raw, loop_means = _loop_bootstrap(x, y, 400, 5)
    boot = _by_hand(loop_raw / loop_raw.sum(axis=1, keepdims=True), loop_means, 3.0)
    point = _by_hand(*(lambda r: (r / r.sum(), x.mean(axis=0)))(johnson_weights(x, y)[0]), 3.0)
    agreement = (boot == point).mean(axis=0)
    expected = np.where(agreement >= AGREEMENT, point, UNCERTAIN)
    table = result.table.set_index("column").loc[frame.filter(like="driver_").columns]
    assert table["agreement"].to_numpy() == pytest.approx(agreement)
    assert table["quadrant"].tolist() == expected.tolist()
    assert UNCERTAIN in expected and set(expected) - {UNCERTAIN}  # both cases occur
    assert set(table["quadrant"]) <= {*QUADRANTS, UNCERTAIN}


def _two_drivers(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """On a 1-5 scale: 'speed' drives the score and is rated about 4.2; 'app' barely matters
    and is rated about 2.6."""
    rng = np.random.default_rng(seed)
    speed = rng.choice([3, 4, 5], n, p=[0.2, 0.4, 0.4])
    app = rng.choice([2, 3], n, p=[0.4, 0.6])
    score = np.clip(np.round(2 * speed - 1 + 0.3 * app + rng.normal(scale=1.0, size=n)), 0, 10)
    return pd.DataFrame({"driver_speed": speed, "driver_app": app, "score": score})


def test_quadrants_split_at_the_scale_middle_not_at_the_other_drivers_mean():
    frame = _two_drivers()
    table = relative_weights(frame).table.set_index("driver")
    assert table.loc["speed", "mean"] > 3 and table.loc["speed", "quadrant"] == "keep_up"
    assert table.loc["app", "mean"] < 3 and table.loc["app", "quadrant"] == "low_priority"
    # Speed rated 1 or 2 (about 1.4): app (about 2.6) is now rated above the other driver's
    # mean, which made it 'possibly over-served' under the old crosshair at the mean rating;
    # it is below the scale's middle, so it is low priority, and speed needs attention.
    low = relative_weights(frame.assign(driver_speed=frame["driver_speed"] - 2)).table.set_index("driver")
    assert low.loc["app", "mean"] > low.loc["speed", "mean"]
    assert low.loc["app", "quadrant"] == "low_priority"
    assert low.loc["speed", "quadrant"] == "concentrate_here"
    # The same answers on a 1-7 scale, both moved up by 2: app (about 4.6) is above the
    # middle 4 and its share clearly below the equal share 1/2 in every resample.
    up = frame.assign(driver_speed=frame["driver_speed"] + 2, driver_app=frame["driver_app"] + 2)
    lifted = relative_weights(up, scale=(1, 7)).table.set_index("driver")
    assert lifted.loc["app", "quadrant"] == "possible_overkill"
    assert lifted.loc["app", "share_high"] < 0.5


def test_a_near_equal_share_is_uncertain_not_over_served():
    rng = np.random.default_rng(9)
    a, b = rng.integers(3, 6, 150), rng.integers(3, 6, 150)
    score = np.clip(a + b + rng.integers(-1, 2, 150) - 1, 0, 10)
    # Every answer twice, the ratings swapped: the two drivers are exchangeable, each has
    # exactly half the explained variance, and a resample tips the balance either way.
    frame = pd.DataFrame({"driver_a": np.r_[a, b], "driver_b": np.r_[b, a], "score": np.r_[score, score]})
    table = relative_weights(frame).table
    assert (table["mean"] > 3).all() and table["share"].to_numpy() == pytest.approx([0.5, 0.5])
    assert table["agreement"].between(0.2, 0.8).all()
    assert table["quadrant"].tolist() == [UNCERTAIN, UNCERTAIN]


def test_scale_is_the_narrowest_that_holds_the_ratings_or_given():
    frame = _survey(n=80)
    assert relative_weights(frame).scale == (1, 5)
    assert relative_weights(frame.assign(driver_app=frame["driver_app"] + 2)).scale == (1, 7)
    assert relative_weights(frame.assign(driver_app=frame["driver_app"] - 1)).scale == (0, 10)
    assert relative_weights(frame, scale=(1, 10)).middle == 5.5
    with pytest.raises(NpsInputError, match="scale"):
        relative_weights(frame, scale=(2, 5))
    with pytest.raises(NpsInputError, match="resamples"):
        relative_weights(frame, resamples=10)


def test_no_drivers_is_not_available_and_unknown_columns_are_errors():
    none = relative_weights(pd.DataFrame({"score": [1, 2]}))
    assert (none.status, none.reason) == ("not_available", "no_driver_ratings")
    with pytest.raises(NpsInputError, match="driver_speed"):
        relative_weights(_survey(), ["driver_speed"])


def test_input_is_not_modified():
    frame = _survey()
    before = frame.copy()
    relative_weights(frame)
    pd.testing.assert_frame_equal(frame, before)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), k=st.integers(1, 4))
def test_weights_are_non_negative_sum_to_r2_and_ignore_column_order(seed, k):
    frame = _survey(n=60, seed=seed, k=k)
    result = relative_weights(frame)
    assert result.status == "ok"
    assert (result.table["raw_weight"] >= -1e-12).all()
    assert result.table["raw_weight"].sum() == pytest.approx(result.r_squared)
    reversed_cols = list(reversed(frame.filter(like="driver_").columns))
    again = relative_weights(frame, reversed_cols).table.set_index("column")["raw_weight"]
    first = result.table.set_index("column")["raw_weight"]
    assert again[first.index].to_numpy() == pytest.approx(first.to_numpy())
