"""Net Promoter Score: categories, the score with its interval, and differences.

Promoters score 9-10, passives 7-8, detractors 0-6; NPS = %promoters - %detractors.
The default interval is the adjusted Wald interval of Rocks (2016): add 3 pseudo-
observations (0.75 promoter, 1.5 passive, 0.75 detractor) and use the variance of the
difference of two multinomial shares, ``(p + d - (p - d)^2) / (n + 3)``. The interval is
centred on the adjusted estimate ``p - d``; the score shown is the raw one. The
difference of two NPS is tested the same way (Sauro & Lewis's adjusted Wald for two
NPS): both adjusted estimates, their difference as the centre, the two variances summed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from ..errors import NpsInputError

Method = Literal["adjusted-wald", "wald", "bootstrap"]
METHODS = ("adjusted-wald", "wald", "bootstrap")
CATEGORIES = ("detractor", "passive", "promoter")
COUNT_COLUMNS = ("promoters", "passives", "detractors")
PSEUDO = {"promoter": 0.75, "passive": 1.5, "detractor": 0.75}
BOOTSTRAP_DRAWS = 4000
# Resampled scores held in memory at once by the weighted bootstrap (about 80 MB).
_BOOTSTRAP_CHUNK = 10_000_000
_NUMBER = (int, float, np.integer, np.floating)


@dataclass(frozen=True)
class NpsResult:
    """NPS of one group of responses, with its interval (scores in -100..100).

    ``se`` is the standard error on the -100..100 scale that the interval was built from
    (for the bootstrap: the standard deviation of the resampled scores);
    ``n_effective`` is Kish's effective sample size (``n`` when unweighted).
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    promoter_share: float
    passive_share: float
    detractor_share: float
    nps: float
    ci_low: float
    ci_high: float
    method: str
    level: float = 0.95
    n_effective: float | None = None
    se: float = float("nan")


@dataclass(frozen=True)
class NpsDifference:
    """Signed difference ``a - b`` of two independent NPS, with interval and p-value.

    ``difference`` is the raw difference shown in the report; the interval and the test
    are centred on ``adjusted``, the difference of the two adjusted estimates.
    """

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    a: NpsResult
    b: NpsResult
    level: float = 0.95
    adjusted: float = float("nan")


def categorize(scores: ArrayLike) -> pd.Series:
    """Category of each 0-10 score: 'detractor' (0-6), 'passive' (7-8), 'promoter' (9-10).

    A Series keeps its index, so the result lines up with the caller's rows.

    Examples
    --------
    >>> categorize([0, 6, 7, 8, 9, 10]).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    codes = _cat_codes(_valid_scores(scores))
    index = scores.index if isinstance(scores, pd.Series) else None
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(CATEGORIES)), index=index)


def nps(
    scores: ArrayLike | Mapping[str, int],
    *,
    weights: ArrayLike | None = None,
    method: Method = "adjusted-wald",
    level: float = 0.95,
    seed: int = 0,
) -> NpsResult:
    """Net Promoter Score of 0-10 scores (or of category counts), with an interval.

    ``scores`` is a sequence of whole scores 0-10, or a mapping with the counts
    ``promoters``, ``passives`` and ``detractors``. ``weights`` are survey weights (one per
    score); the interval then uses Kish's effective sample size. An empty input gives
    NaN figures with ``n == 0`` rather than an error, so empty groups stay visible.
    ``method`` is ``adjusted-wald`` (default), ``wald`` or ``bootstrap`` (percentile,
    4000 resamples drawn from ``seed``).

    Examples
    --------
    >>> nps([10, 9, 8, 3]).nps
    25.0
    >>> r = nps({"promoters": 60, "passives": 20, "detractors": 20})
    >>> r.nps, round(r.ci_low, 1), round(r.ci_high, 1)
    (40.0, 23.4, 54.3)
    """
    z = z_value(level)
    if method not in METHODS:
        raise NpsInputError(f"unknown method {method!r}: use adjusted-wald, wald or bootstrap")
    if isinstance(scores, Mapping):
        if weights is not None:
            raise NpsInputError("weights apply to individual scores, not to category counts")
        codes, w = None, None
        counts = _counts_from_mapping(scores)
    else:
        codes = _cat_codes(_valid_scores(scores))
        w = None if weights is None else _valid_weights(weights, len(codes))
        bins = np.bincount(codes, minlength=3)
        counts = (int(bins[0]), int(bins[1]), int(bins[2]))
    d, pa, p = counts
    n = d + pa + p
    if n == 0:
        nan = float("nan")
        return NpsResult(0, 0, 0, 0, nan, nan, nan, nan, nan, nan, method, level, 0.0, nan)
    totals = np.array(counts, dtype=float) if codes is None or w is None else np.bincount(codes, weights=w, minlength=3)
    shares = totals / totals.sum()
    n_eff = float(n) if w is None else float(w.sum() ** 2 / (w**2).sum())
    if method == "bootstrap":
        low, high, se = _bootstrap_interval(codes, w, counts, level, seed)
    else:
        low, high, se = _wald_interval(shares, n_eff, z, adjusted=method == "adjusted-wald")
    return NpsResult(
        n=n,
        promoters=p,
        passives=pa,
        detractors=d,
        promoter_share=float(shares[2]),
        passive_share=float(shares[1]),
        detractor_share=float(shares[0]),
        nps=float(100 * (totals[2] - totals[0]) / totals.sum()),
        ci_low=float(low),
        ci_high=float(high),
        method=method,
        level=level,
        n_effective=n_eff,
        se=float(se),
    )


def nps_difference(
    a: ArrayLike | Mapping[str, int] | NpsResult,
    b: ArrayLike | Mapping[str, int] | NpsResult,
    *,
    level: float = 0.95,
) -> NpsDifference:
    """Difference ``NPS(a) - NPS(b)`` of two independent samples, with an adjusted-Wald test.

    As published for two NPS: each side gets 3 pseudo-observations (3/4 promoter, 3/4
    detractor), and the interval and z-test are centred on the difference of the adjusted
    estimates with the sum of their variances, which keeps the test sane for small groups
    and for shares of 0 or 1. ``difference`` stays the raw difference. Weighted results
    (an :class:`NpsResult` from weighted scores) enter with their effective sample size.
    An empty side gives NaN figures and ``significant=False``.

    Examples
    --------
    >>> d = nps_difference([10] * 60 + [0] * 40, [10] * 40 + [0] * 60)
    >>> round(d.difference, 1), round(d.adjusted, 1), d.significant, round(d.p_value, 3)
    (40.0, 38.8, True, 0.004)
    """
    z = z_value(level)
    ra = a if isinstance(a, NpsResult) else nps(a, level=level)
    rb = b if isinstance(b, NpsResult) else nps(b, level=level)
    if ra.n == 0 or rb.n == 0:
        nan = float("nan")
        return NpsDifference(nan, nan, nan, nan, False, ra, rb, level)
    # Pseudo-observations keep each variance above zero, so se > 0 always.
    (ca, va), (cb, vb) = (
        _adjusted(r.promoter_share, r.detractor_share, r.n_effective or r.n) for r in (ra, rb)
    )
    se = 100 * float(np.sqrt(va + vb))
    centre = 100 * float(ca - cb)
    p_value = float(2 * stats.norm.sf(abs(centre) / se))
    return NpsDifference(
        difference=ra.nps - rb.nps,
        ci_low=centre - z * se,
        ci_high=centre + z * se,
        p_value=p_value,
        significant=p_value < 1 - level,
        a=ra,
        b=rb,
        level=level,
        adjusted=centre,
    )


def nps_frame(
    counts: pd.DataFrame, *, level: float = 0.95, method: Method = "adjusted-wald"
) -> pd.DataFrame:
    """Add n, shares, nps, ci_low and ci_high to a frame of category counts (vectorised).

    ``counts`` has columns ``promoters``, ``passives``, ``detractors``; this is the fast
    path for many groups at once (client x month over millions of rows). Rows with no
    responses get NaN figures. Bootstrap is not offered here: use :func:`nps` per group.
    The caller's frame is not modified.

    Examples
    --------
    >>> f = nps_frame(pd.DataFrame({"promoters": [60], "passives": [20], "detractors": [20]}))
    >>> f[["n", "nps"]].to_dict("records")
    [{'n': 100, 'nps': 40.0}]
    """
    z = z_value(level)
    if method not in ("adjusted-wald", "wald"):
        raise NpsInputError("nps_frame supports adjusted-wald and wald; use nps() for bootstrap")
    p, pa, d = _count_arrays(counts, "nps_frame")
    out = counts.copy()
    n = p + pa + d
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.vstack([d / n, pa / n, p / n])
        score = 100 * (p - d) / n
        low, high, _ = _wald_interval(shares, n, z, adjusted=method == "adjusted-wald")
    out["n"] = n.astype("int64")
    out["promoter_share"] = shares[2]
    out["passive_share"] = shares[1]
    out["detractor_share"] = shares[0]
    out["nps"] = score
    out["ci_low"] = low
    out["ci_high"] = high
    return out


def nps_difference_frame(
    a: pd.DataFrame, b: pd.DataFrame, *, level: float = 0.95
) -> pd.DataFrame:
    """Row by row :func:`nps_difference` of two frames of category counts (vectorised).

    Row ``i`` compares ``a``'s counts with ``b``'s (by position; both have the columns
    ``promoters``, ``passives``, ``detractors``). Returns ``difference`` (raw),
    ``adjusted`` (the centre of the interval and test), ``ci_low``, ``ci_high``, ``p_value``
    and ``significant`` with ``a``'s index; a row where either side has no responses gets
    NaN figures and ``significant=False``.

    Examples
    --------
    >>> a = pd.DataFrame({"promoters": [60, 5], "passives": [0, 0], "detractors": [40, 0]})
    >>> b = pd.DataFrame({"promoters": [40, 0], "passives": [0, 0], "detractors": [60, 0]})
    >>> nps_difference_frame(a, b)[["difference", "significant"]].to_dict("records")
    [{'difference': 40.0, 'significant': True}, {'difference': nan, 'significant': False}]
    """
    z = z_value(level)
    if len(a) != len(b):
        raise NpsInputError(f"nps_difference_frame: {len(a)} rows against {len(b)}; align them first")
    p1, s1, d1 = _count_arrays(a, "nps_difference_frame")
    p2, s2, d2 = _count_arrays(b, "nps_difference_frame")
    n1, n2 = p1 + s1 + d1, p2 + s2 + d2
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = 100 * (p1 - d1) / n1 - 100 * (p2 - d2) / n2
        (c1, v1), (c2, v2) = _adjusted(p1 / n1, d1 / n1, n1), _adjusted(p2 / n2, d2 / n2, n2)
        centre = 100 * (c1 - c2)
        se = 100 * np.sqrt(v1 + v2)
        p_value = 2 * stats.norm.sf(np.abs(centre) / se)
    return pd.DataFrame(
        {
            "difference": diff,
            "adjusted": centre,
            "ci_low": centre - z * se,
            "ci_high": centre + z * se,
            "p_value": p_value,
            "significant": p_value < 1 - level,
        },
        index=a.index,
    )


def category_counts(scores: ArrayLike) -> dict[str, int]:
    """Counts of promoters, passives and detractors among 0-10 scores.

    Examples
    --------
    >>> category_counts([10, 9, 8, 3])
    {'promoters': 2, 'passives': 1, 'detractors': 1}
    """
    d, pa, p = np.bincount(_cat_codes(_valid_scores(scores)), minlength=3)
    return {"promoters": int(p), "passives": int(pa), "detractors": int(d)}


def whole_percentages(counts: ArrayLike) -> np.ndarray:
    """Counts as whole percentages that add up to 100 (largest-remainder rounding).

    Each is the exact share rounded down, and the points still missing go to the largest
    remainders (the first of equal ones), so a bar never reads 99% or 101%. All zeros when
    the counts are.

    Examples
    --------
    >>> whole_percentages([1, 1, 1]).tolist(), whole_percentages([548, 900, 1600]).tolist()
    ([34, 33, 33], [18, 30, 52])
    """
    values = np.asarray(counts, dtype=float)
    total = values.sum()
    if total <= 0:
        return np.zeros(len(values), dtype=np.int64)
    exact = 100 * values / total
    whole = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[: 100 - int(whole.sum())]] += 1
    return whole


def z_value(level: float = 0.95) -> float:
    """Two-sided normal quantile for a confidence ``level`` (between 0 and 1).

    Examples
    --------
    >>> round(z_value(0.95), 3)
    1.96
    """
    if not (isinstance(level, _NUMBER) and 0 < level < 1):
        raise NpsInputError(f"level must be a number between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(stats.norm.ppf(0.5 + level / 2))


def check_counts(**values: int) -> None:
    """An error naming the argument unless every value is a whole number >= 1.

    Examples
    --------
    >>> check_counts(min_n=30)
    >>> check_counts(max_customers=0)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: max_customers must be a whole number >= 1, got 0
    """
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise NpsInputError(f"{name} must be a whole number >= 1, got {value!r}")


# --- internals --------------------------------------------------------------------------
def _valid_scores(scores: ArrayLike) -> np.ndarray:
    """Scores as int64, or an error naming the first bad value and its position."""
    if isinstance(scores, (str, bytes, Mapping)):
        raise NpsInputError(f"scores must be a sequence of whole numbers 0-10, got {scores!r}")
    if isinstance(scores, (pd.Series, pd.Index)) and _nullable_number(scores.dtype):
        arr = scores.to_numpy(dtype=float, na_value=np.nan)
    else:
        # numpy would turn True into 1 inside a list of ints, so look before converting.
        arr = np.asarray(scores, dtype=object if _has_bool(scores) else None)
    if arr.ndim != 1:
        raise NpsInputError(f"scores must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind not in "iuf":
        # Text, booleans, None and pd.NA are refused one by one so the message names them.
        for pos, x in enumerate(arr):
            if isinstance(x, (bool, np.bool_)) or not isinstance(x, _NUMBER):
                raise NpsInputError(
                    f"score {_plain(x)!r} at position {pos} is not a number; scores are whole numbers "
                    "0-10 (drop missing scores or convert text first)"
                )
        arr = arr.astype(float)
    bad = (arr < 0) | (arr > 10)
    if arr.dtype.kind == "f":
        bad |= ~np.isfinite(arr) | (arr != np.round(arr))
    if bad.any():
        pos = int(np.argmax(bad))
        what = "missing" if np.isnan(arr[pos]) else "not a whole number 0-10"
        raise NpsInputError(f"score {_plain(arr[pos])!r} at position {pos} is {what}")
    return arr.astype(np.int64, copy=False)


def _has_bool(scores) -> bool:
    return isinstance(scores, (list, tuple)) and any(isinstance(x, bool) for x in scores)


def _plain(x):
    return x.item() if isinstance(x, np.generic) else x


def _nullable_number(dtype) -> bool:
    return (
        isinstance(dtype, pd.api.extensions.ExtensionDtype)
        and pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
    )


def _valid_weights(weights: ArrayLike, n: int) -> np.ndarray | None:
    """Weights as floats, or None when they are all equal (the same as no weights)."""
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise NpsInputError("weights must be numbers, one per score") from None
    if w.shape != (n,):
        raise NpsInputError(f"weights must be one per score: got {w.size} weights for {n} scores")
    if not np.isfinite(w).all() or (w < 0).any() or (n and w.sum() == 0):
        raise NpsInputError("weights must be finite, non-negative and not all zero")
    # Weights only matter relative to each other; equal ones must give the unweighted result.
    return None if n == 0 or (w == w[0]).all() else w


def _cat_codes(values: np.ndarray) -> np.ndarray:
    return np.where(values >= 9, 2, np.where(values >= 7, 1, 0))


def _counts_from_mapping(counts: Mapping[str, int]) -> tuple[int, int, int]:
    try:
        raw = [counts["detractors"], counts["passives"], counts["promoters"]]
    except KeyError as missing:
        raise NpsInputError(
            f"counts need promoters, passives and detractors; {missing} is missing"
        ) from None
    if not all(_is_count(x) for x in raw):
        raise NpsInputError(f"counts must be whole numbers >= 0, got {dict(counts)}")
    return int(raw[0]), int(raw[1]), int(raw[2])


def _is_count(x) -> bool:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, _NUMBER):
        return False
    return bool(np.isfinite(x) and x >= 0 and x == int(x))


def _wald_interval(shares: np.ndarray, n, z: float, *, adjusted: bool):
    """Interval and standard error (both on the -100..100 scale); arrays or scalars."""
    d, _, p = shares
    if adjusted:
        n_adj = n + 3
        p = (p * n + PSEUDO["promoter"]) / n_adj
        d = (d * n + PSEUDO["detractor"]) / n_adj
        n = n_adj
    centre = p - d
    se = np.sqrt(np.maximum(p + d - centre**2, 0) / n)
    low = 100 * np.clip(centre - z * se, -1, 1)
    high = 100 * np.clip(centre + z * se, -1, 1)
    return low, high, 100 * se


def _adjusted(promoter_share, detractor_share, n):
    """Adjusted estimate ``p - d`` (0..1 scale) and its variance, 3 pseudo-observations."""
    n_adj = n + 3
    p = (promoter_share * n + PSEUDO["promoter"]) / n_adj
    d = (detractor_share * n + PSEUDO["detractor"]) / n_adj
    return p - d, (p + d - (p - d) ** 2) / n_adj


def _count_arrays(counts: pd.DataFrame, where: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Promoters, passives, detractors as float arrays, checked to be whole counts."""
    missing = [c for c in COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise NpsInputError(
            f"{where} needs the count columns {', '.join(COUNT_COLUMNS)}; missing: "
            f"{', '.join(missing)}"
        )
    try:
        arrays = tuple(counts[c].to_numpy(dtype=float) for c in COUNT_COLUMNS)
    except (TypeError, ValueError):
        raise NpsInputError(f"{where}: counts must be numbers without missing values") from None
    if any(((x < 0) | (x != np.round(x)) | ~np.isfinite(x)).any() for x in arrays):
        raise NpsInputError(f"{where}: counts must be whole numbers >= 0")
    return arrays


def _bootstrap_interval(codes, w, counts, level: float, seed: int):
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    if w is None:
        # Resampling n scores is a multinomial draw of the three category counts.
        n = sum(counts)
        draws = rng.multinomial(n, np.array(counts, dtype=float) / n, size=BOOTSTRAP_DRAWS)
        boot = 100 * (draws[:, 2] - draws[:, 0]) / n
    else:
        signed = np.select([codes == 2, codes == 0], [w, -w], 0.0)
        rows = max(1, _BOOTSTRAP_CHUNK // len(codes))
        boot = np.empty(BOOTSTRAP_DRAWS)
        for start in range(0, BOOTSTRAP_DRAWS, rows):
            stop = min(start + rows, BOOTSTRAP_DRAWS)
            idx = rng.integers(0, len(codes), size=(stop - start, len(codes)))
            boot[start:stop] = 100 * signed[idx].sum(1) / w[idx].sum(1)
    return np.quantile(boot, alpha), np.quantile(boot, 1 - alpha), boot.std(ddof=1)
