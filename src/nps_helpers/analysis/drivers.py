"""Key drivers: Johnson's relative weights of driver ratings on the 0-10 score.

Johnson (2000) replaces the correlated ratings by their closest orthogonal counterparts,
regresses the score on those, and maps the explained variance back to the ratings. The
raw weights sum to the model's R^2; their shares sum to 1. They agree closely with the
average R^2 gain over all orders of entry (dominance analysis) at a fraction of the cost.

Rows missing the score or any rating are left out (listwise), and counted. The analysis
needs ``max(30, 10 x drivers)`` complete rows, else ``status='too_few_responses'``.

Uncertainty comes from a case bootstrap of the complete rows (``resamples`` draws of a
seeded numpy Generator, so a report is reproducible): percentile intervals of R^2 and of
each driver's share. The importance x performance quadrants (Martilla & James 1977) split
at fixed points rather than at the drivers' own means, so a well-rated driver is never
called over-served only because the others are rated higher still: importance is high
when the share is at least the equal share ``1 / drivers``, performance is high when the
mean rating is at least the middle of the rating scale (one scale for every driver: the
smallest of ``SCALES`` holding every rating, unless given). A driver gets its quadrant's
name only when the same quadrant holds in at least ``AGREEMENT`` (80%) of the resamples;
otherwise it is ``uncertain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.schema import DRIVER_PREFIX, driver_columns
from ..errors import NpsInputError
from .metrics import z_value

MIN_N = 30
PER_DRIVER = 10
QUADRANTS = ("concentrate_here", "keep_up", "low_priority", "possible_overkill")
UNCERTAIN = "uncertain"
# Rating scales a driver question uses, narrowest first; the first holding every rating wins.
SCALES = ((1, 5), (1, 7), (1, 10), (0, 10))
RESAMPLES = 500
AGREEMENT = 0.8


@dataclass(frozen=True)
class DriversResult:
    """Relative weights of the drivers; ``status`` is 'ok', 'not_available' or 'too_few_responses'.

    ``reason`` is 'no_driver_ratings' when the status is 'not_available' (no rating columns,
    or none that varies).

    ``table`` has one row per driver, most important first: driver (name without the
    ``driver_`` prefix), column, raw_weight (sums to ``r_squared``), share (sums to 1),
    share_low and share_high (its bootstrap interval), correlation (with the score; its
    sign says the direction), mean (rating), n_rated, agreement (share of resamples in
    the quadrant of the full data) and quadrant (one of ``QUADRANTS``, or ``UNCERTAIN``
    when agreement is below ``AGREEMENT``). ``scale`` is the rating scale (lowest,
    highest) whose middle splits performance; ``resamples`` counts the usable resamples.
    """

    status: str
    n: int
    n_dropped: int
    min_n: int
    reason: str | None = None
    r_squared: float = float("nan")
    excluded: tuple[str, ...] = ()
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    r_squared_low: float = float("nan")
    r_squared_high: float = float("nan")
    level: float = 0.95
    scale: tuple[float, float] = (float("nan"), float("nan"))
    resamples: int = 0

    @property
    def middle(self) -> float:
        """The middle of the rating scale, where performance turns from low to high."""
        return (self.scale[0] + self.scale[1]) / 2


def relative_weights(
    responses: pd.DataFrame,
    drivers: list[str] | None = None,
    *,
    target: str = "score",
    resamples: int = RESAMPLES,
    seed: int = 0,
    level: float = 0.95,
    scale: tuple[float, float] | None = None,
) -> DriversResult:
    """Johnson's relative weights of ``drivers`` (default: every ``driver_`` column), bootstrapped.

    A rating with no variance among the complete rows carries no information and is
    listed in ``excluded`` instead of breaking the fit. ``resamples`` bootstrap draws
    (seeded by ``seed``) give the ``level`` intervals and each quadrant's agreement;
    ``scale`` (lowest, highest rating) defaults to the narrowest of ``SCALES`` that holds
    every rating (the ratings' own range when none does).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ratings = rng.integers(1, 6, size=(60, 2))
    >>> frame = pd.DataFrame({"driver_price": ratings[:, 0], "driver_support": ratings[:, 1],
    ...     "score": np.clip(2 * ratings[:, 0] + rng.integers(-1, 2, 60), 0, 10)})
    >>> r = relative_weights(frame)
    >>> r.status, r.table["driver"].tolist()[0], bool(np.isclose(r.table["raw_weight"].sum(), r.r_squared))
    ('ok', 'price', True)
    >>> r.scale, r.middle, bool(r.table["share_low"].iloc[0] > 0.9)  # price alone drives the score
    ((1, 5), 3.0, True)
    >>> r.table["quadrant"].tolist()  # both rated about 3, the middle: no quadrant holds
    ['uncertain', 'uncertain']
    """
    columns = _checked_columns(responses, drivers, target, resamples, level)
    min_n = max(MIN_N, PER_DRIVER * len(columns))
    if not columns:
        return DriversResult("not_available", 0, 0, min_n, "no_driver_ratings")
    data = responses[[target, *columns]].apply(pd.to_numeric, errors="coerce")
    complete = data.dropna()
    n, dropped = len(complete), len(data) - len(complete)
    if n < min_n:
        return DriversResult("too_few_responses", n, dropped, min_n)
    varying = [c for c in columns if complete[c].nunique() > 1]
    excluded = tuple(c for c in columns if c not in varying)
    if not varying or complete[target].nunique() < 2:
        return DriversResult("not_available", n, dropped, min_n, "no_driver_ratings", excluded=excluded)
    x, y = complete[varying].to_numpy(float), complete[target].to_numpy(float)
    scale = _scale(data[varying], scale)
    raw, corr = johnson_weights(x, y)
    r2 = float(raw.sum())
    means = np.array([float(data[c].mean()) for c in varying])
    boot_raw, boot_means = bootstrap_weights(x, y, resamples, np.random.default_rng(seed))
    boot_share = boot_raw / boot_raw.sum(axis=1, keepdims=True)
    tail = 50 * (1 - level)
    share = raw / r2 if r2 > 0 else np.full_like(raw, np.nan)
    quadrant = _quadrant_codes(share, means, sum(scale) / 2)
    agreement = (_quadrant_codes(boot_share, boot_means, sum(scale) / 2) == quadrant).mean(axis=0)
    table = pd.DataFrame(
        {
            "driver": [c.removeprefix(DRIVER_PREFIX) for c in varying],
            "column": varying,
            "raw_weight": raw,
            "share": share,
            "share_low": np.percentile(boot_share, tail, axis=0),
            "share_high": np.percentile(boot_share, 100 - tail, axis=0),
            "correlation": corr,
            "mean": means,
            "n_rated": [int(data[c].notna().sum()) for c in varying],
            "agreement": agreement,
            "quadrant": np.where(agreement >= AGREEMENT, np.array(QUADRANTS)[quadrant], UNCERTAIN),
        }
    )
    table = table.sort_values("raw_weight", ascending=False, kind="stable").reset_index(drop=True)
    low, high = np.percentile(boot_raw.sum(axis=1), [tail, 100 - tail])
    return DriversResult("ok", n, dropped, min_n, None, r2, excluded, table, float(low), float(high),
                         level, scale, len(boot_raw))


def _checked_columns(responses: pd.DataFrame, drivers: list[str] | None, target: str, resamples: int,
                    level: float) -> list[str]:
    """The driver columns to fit, or an error naming what is wrong with the arguments."""
    z_value(level)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 100:
        raise NpsInputError(f"resamples must be a whole number >= 100, got {resamples!r}")
    columns = list(drivers) if drivers is not None else driver_columns(responses)
    missing = [c for c in [*columns, target] if c not in responses.columns]
    if missing:
        raise NpsInputError(
            f"driver analysis: column(s) {missing} not in the responses; "
            f"available: {list(responses.columns)}"
        )
    return columns


def johnson_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw relative weights (summing to R^2) and the correlations of each column of ``x`` with ``y``.

    Examples
    --------
    >>> x = np.array([[1.0, 0], [0, 1], [1, 1], [0, 0]])
    >>> raw, corr = johnson_weights(x, x @ [2.0, 1.0])
    >>> raw.round(3).tolist(), round(float(raw.sum()), 6)
    ([0.8, 0.2], 1.0)
    """
    full = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    rxx, rxy = full[:-1, :-1], full[:-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    # Lambda: correlations of the ratings with their orthogonal counterparts Z.
    lam = vectors @ np.diag(np.sqrt(np.clip(values, 0, None))) @ vectors.T
    beta = np.linalg.pinv(lam) @ rxy
    return (lam**2) @ (beta**2), rxy


def bootstrap_weights(
    x: np.ndarray, y: np.ndarray, resamples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Raw relative weights and mean ratings of ``resamples`` case-bootstrap draws, one row each.

    Each draw takes ``len(y)`` row numbers ``rng.integers(0, n, n)`` (one (resamples, n)
    call, so a loop over ``x[rows]`` with the same Generator state gives the same draws).
    The draws enter as row counts: every resample's correlation matrix comes from
    count-weighted sums of cross-products, and the eigendecompositions run as one stack.
    A draw in which a rating or the score does not vary has no correlation matrix and is
    left out.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(50, 2))
    >>> raw, means = bootstrap_weights(x, x @ [1.0, 0.5] + rng.normal(size=50), 200, np.random.default_rng(0))
    >>> raw.shape, means.shape, bool((raw[:, 0] > raw[:, 1]).mean() > 0.9)
    ((200, 2), (200, 2), True)
    """
    n, k = x.shape
    rows = rng.integers(0, n, size=(resamples, n))
    counts = np.bincount((rows + n * np.arange(resamples)[:, None]).ravel(), minlength=resamples * n)
    counts = counts.reshape(resamples, n).astype(float)
    data = np.column_stack([x, y])
    centred = data - data.mean(axis=0)  # centring first keeps the sums of squares accurate
    first = counts @ centred / n
    second = (counts @ (centred[:, :, None] * centred[:, None, :]).reshape(n, -1)).reshape(-1, k + 1, k + 1) / n
    cov = second - first[:, :, None] * first[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    usable = (sd > 1e-12 * np.abs(centred).max(initial=1.0)).all(axis=1)
    cov, sd = cov[usable], sd[usable]
    corr = cov / (sd[:, :, None] * sd[:, None, :])
    values, vectors = np.linalg.eigh(corr[:, :-1, :-1])
    lam = (vectors * np.sqrt(np.clip(values, 0, None))[:, None, :]) @ vectors.transpose(0, 2, 1)
    beta = (np.linalg.pinv(lam) @ corr[:, :-1, -1:])[:, :, 0]
    return (lam**2 @ (beta**2)[:, :, None])[:, :, 0], counts[usable] @ x / n


def _quadrant_codes(share: np.ndarray, mean: np.ndarray, middle: float) -> np.ndarray:
    """Index into ``QUADRANTS``: importance against the equal share, rating against the middle."""
    important = share >= 1 / share.shape[-1]
    good = mean >= middle
    return np.where(important, np.where(good, 1, 0), np.where(good, 3, 2))


def _scale(ratings: pd.DataFrame, given: tuple[float, float] | None) -> tuple[float, float]:
    """The rating scale: as given, else the narrowest of ``SCALES`` holding every rating, else their range."""
    low, high = float(ratings.min().min()), float(ratings.max().max())
    if given is not None:
        if len(given) != 2 or not given[0] < given[1] or low < given[0] or high > given[1]:
            raise NpsInputError(
                f"driver scale {given!r} must be (lowest, highest) and hold every rating ({low:g} to {high:g})"
            )
        return given
    return next((s for s in SCALES if s[0] <= low and high <= s[1]), (low, high))
