"""Net Promoter Score: categories, the score with its interval, and differences.

Promoters score 9-10, passives 7-8, detractors 0-6; NPS = %promoters - %detractors.
The default interval is the adjusted Wald interval of Rocks (2016): add 3 pseudo-
observations (0.75 promoter, 1.5 passive, 0.75 detractor) and use the variance of the
difference of two multinomial shares, ``(p + d - (p - d)^2) / (n + 3)``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from .errors import NpsInputError

Method = Literal["adjusted-wald", "wald", "bootstrap"]
CATEGORIES = ("detractor", "passive", "promoter")
PSEUDO = {"promoter": 0.75, "passive": 1.5, "detractor": 0.75}
BOOTSTRAP_DRAWS = 4000


@dataclass(frozen=True)
class NpsResult:
    """NPS of one group of responses, with its interval (scores in -100..100)."""

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

    @property
    def se(self) -> float:
        """Standard error of the NPS implied by the interval (points on the -100..100 scale)."""
        return (self.ci_high - self.ci_low) / (2 * stats.norm.ppf(0.5 + self.level / 2))


@dataclass(frozen=True)
class NpsDifference:
    """Signed difference ``a - b`` of two independent NPS, with interval and p-value."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    a: NpsResult
    b: NpsResult
    level: float = 0.95


def categorize(scores: ArrayLike) -> pd.Series:
    """Category of each 0-10 score: 'detractor' (0-6), 'passive' (7-8), 'promoter' (9-10).

    Examples
    --------
    >>> categorize([0, 6, 7, 8, 9, 10]).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    values = _valid_scores(scores)
    codes = np.where(values >= 9, 2, np.where(values >= 7, 1, 0))
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(CATEGORIES)))


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

    Examples
    --------
    >>> nps([10, 9, 8, 3]).nps
    25.0
    >>> r = nps({"promoters": 60, "passives": 20, "detractors": 20})
    >>> r.nps, round(r.ci_low, 1), round(r.ci_high, 1)
    (40.0, 23.4, 54.3)
    """
    if not 0 < level < 1:
        raise NpsInputError(f"level must be between 0 and 1, got {level}")
    if isinstance(scores, Mapping):
        if weights is not None:
            raise NpsInputError("weights apply to individual scores, not to category counts")
        counts = _counts_from_mapping(scores)
        values, w = None, None
    else:
        values = _valid_scores(scores)
        w = None if weights is None else _valid_weights(weights, len(values))
        counts = tuple(int(x) for x in _category_counts(values))
    d, pa, p = counts
    n = d + pa + p
    if n == 0:
        nan = float("nan")
        return NpsResult(0, 0, 0, 0, nan, nan, nan, nan, nan, nan, method, level)
    if w is None:
        shares = np.array([d, pa, p], dtype=float) / n
        n_eff = float(n)
    else:
        shares = np.array([w[_cat_codes(values) == k].sum() for k in range(3)]) / w.sum()
        n_eff = float(w.sum() ** 2 / (w**2).sum())
    score = 100 * (shares[2] - shares[0])
    if method == "bootstrap":
        low, high = _bootstrap_interval(values, w, counts, level, seed)
    elif method in ("adjusted-wald", "wald"):
        low, high = _wald_interval(shares, n_eff, level, adjusted=method == "adjusted-wald")
    else:
        raise NpsInputError(f"unknown method {method!r}: use adjusted-wald, wald or bootstrap")
    return NpsResult(
        n=n,
        promoters=p,
        passives=pa,
        detractors=d,
        promoter_share=float(shares[2]),
        passive_share=float(shares[1]),
        detractor_share=float(shares[0]),
        nps=float(score),
        ci_low=float(low),
        ci_high=float(high),
        method=method,
        level=level,
        n_effective=None if w is None else n_eff,
    )


def nps_difference(
    a: ArrayLike | Mapping[str, int] | NpsResult,
    b: ArrayLike | Mapping[str, int] | NpsResult,
    *,
    level: float = 0.95,
) -> NpsDifference:
    """Difference ``NPS(a) - NPS(b)`` of two independent samples, with a z-test.

    The variance of each NPS uses the adjusted shares (3 pseudo-observations), which
    keeps the test sane for small groups and for shares of 0 or 1.

    Examples
    --------
    >>> d = nps_difference([10] * 60 + [0] * 40, [10] * 40 + [0] * 60)
    >>> round(d.difference, 1), d.significant, round(d.p_value, 3)
    (40.0, True, 0.003)
    """
    ra = a if isinstance(a, NpsResult) else nps(a, level=level)
    rb = b if isinstance(b, NpsResult) else nps(b, level=level)
    if ra.n == 0 or rb.n == 0:
        nan = float("nan")
        return NpsDifference(nan, nan, nan, nan, False, ra, rb, level)
    se = float(np.sqrt(_adjusted_variance(ra) + _adjusted_variance(rb))) * 100
    diff = ra.nps - rb.nps
    z = stats.norm.ppf(0.5 + level / 2)
    p_value = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else float(diff == 0) or 0.0
    return NpsDifference(
        difference=diff,
        ci_low=diff - z * se,
        ci_high=diff + z * se,
        p_value=p_value,
        significant=p_value < 1 - level,
        a=ra,
        b=rb,
        level=level,
    )


def nps_frame(
    counts: pd.DataFrame, *, level: float = 0.95, method: Method = "adjusted-wald"
) -> pd.DataFrame:
    """Add n, shares, nps, ci_low and ci_high to a frame of category counts (vectorised).

    ``counts`` has columns ``promoters``, ``passives``, ``detractors``; this is the fast
    path for many groups at once (client x month over millions of rows). Bootstrap is not
    offered here: use :func:`nps` per group for that.

    Examples
    --------
    >>> f = nps_frame(pd.DataFrame({"promoters": [60], "passives": [20], "detractors": [20]}))
    >>> f[["n", "nps"]].to_dict("records")
    [{'n': 100, 'nps': 40.0}]
    """
    if method not in ("adjusted-wald", "wald"):
        raise NpsInputError("nps_frame supports adjusted-wald and wald; use nps() for bootstrap")
    out = counts.copy()
    p = out["promoters"].to_numpy(dtype=float)
    pa = out["passives"].to_numpy(dtype=float)
    d = out["detractors"].to_numpy(dtype=float)
    n = p + pa + d
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.vstack([d / n, pa / n, p / n])
        low, high = _wald_interval(shares, n, level, adjusted=method == "adjusted-wald")
        out["n"] = n.astype("int64")
        out["promoter_share"] = p / n
        out["passive_share"] = pa / n
        out["detractor_share"] = d / n
        out["nps"] = 100 * (p - d) / n
    out["ci_low"] = low
    out["ci_high"] = high
    return out


def category_counts(scores: ArrayLike) -> dict[str, int]:
    """Counts of promoters, passives and detractors among 0-10 scores.

    Examples
    --------
    >>> category_counts([10, 9, 8, 3])
    {'promoters': 2, 'passives': 1, 'detractors': 1}
    """
    d, pa, p = _category_counts(_valid_scores(scores))
    return {"promoters": int(p), "passives": int(pa), "detractors": int(d)}


def z_value(level: float = 0.95) -> float:
    """Two-sided normal quantile for a confidence ``level``.

    Examples
    --------
    >>> round(z_value(0.95), 3)
    1.96
    """
    return float(stats.norm.ppf(0.5 + level / 2))


# --- internals --------------------------------------------------------------------------
def _valid_scores(scores: ArrayLike) -> np.ndarray:
    arr = np.asarray(pd.Series(scores, dtype="object").to_numpy())
    try:
        values = arr.astype(float)
    except (TypeError, ValueError):
        bad = next(x for x in arr if not _is_number(x))
        raise NpsInputError(f"score {bad!r} is not a number; scores are whole numbers 0-10") from None
    bad = ~np.isfinite(values) | (values < 0) | (values > 10) | (values != np.round(values))
    if bad.any():
        raise NpsInputError(
            f"score {arr[bad][0]!r} at position {int(np.argmax(bad))} is not a whole number 0-10"
        )
    return values.astype(np.int64)


def _is_number(x) -> bool:
    try:
        float(x)
    except (TypeError, ValueError):
        return False
    return True


def _valid_weights(weights: ArrayLike, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise NpsInputError(f"weights must be one per score: got {w.size} weights for {n} scores")
    if not np.isfinite(w).all() or (w < 0).any() or (n and w.sum() == 0):
        raise NpsInputError("weights must be finite, non-negative and not all zero")
    return w


def _cat_codes(values: np.ndarray) -> np.ndarray:
    return np.where(values >= 9, 2, np.where(values >= 7, 1, 0))


def _category_counts(values: np.ndarray) -> np.ndarray:
    return np.bincount(_cat_codes(values), minlength=3)


def _counts_from_mapping(counts: Mapping[str, int]) -> tuple[int, int, int]:
    try:
        raw = [counts["detractors"], counts["passives"], counts["promoters"]]
    except KeyError as missing:
        raise NpsInputError(
            f"counts need promoters, passives and detractors; {missing} is missing"
        ) from None
    if any(int(x) != x or x < 0 for x in raw):
        raise NpsInputError(f"counts must be whole numbers >= 0, got {dict(counts)}")
    return tuple(int(x) for x in raw)


def _wald_interval(shares: np.ndarray, n, level: float, *, adjusted: bool):
    d, pa, p = shares
    z = z_value(level)
    if adjusted:
        n_adj = n + 3
        p = (p * n + PSEUDO["promoter"]) / n_adj
        d = (d * n + PSEUDO["detractor"]) / n_adj
        n = n_adj
    centre = p - d
    se = np.sqrt(np.maximum(p + d - centre**2, 0) / n)
    return 100 * np.clip(centre - z * se, -1, 1), 100 * np.clip(centre + z * se, -1, 1)


def _adjusted_variance(r: NpsResult) -> float:
    n = r.n_effective or r.n
    n_adj = n + 3
    p = (r.promoter_share * n + PSEUDO["promoter"]) / n_adj
    d = (r.detractor_share * n + PSEUDO["detractor"]) / n_adj
    return (p + d - (p - d) ** 2) / n_adj


def _bootstrap_interval(values, w, counts, level: float, seed: int):
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    if w is None:
        n = sum(counts)
        draws = rng.multinomial(n, np.array(counts, dtype=float) / n, size=BOOTSTRAP_DRAWS)
        boot = 100 * (draws[:, 2] - draws[:, 0]) / n
    else:
        codes = _cat_codes(values)
        idx = rng.integers(0, len(values), size=(BOOTSTRAP_DRAWS, len(values)))
        ww, cc = w[idx], codes[idx]
        boot = 100 * (((cc == 2) * ww).sum(1) - ((cc == 0) * ww).sum(1)) / ww.sum(1)
    return np.quantile(boot, alpha), np.quantile(boot, 1 - alpha)
