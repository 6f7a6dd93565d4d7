"""Key drivers: Johnson's relative weights of driver ratings on the 0-10 score.

Johnson (2000) replaces the correlated ratings by their closest orthogonal counterparts,
regresses the score on those, and maps the explained variance back to the ratings. The
raw weights sum to the model's R^2; their shares sum to 1. They agree closely with the
average R^2 gain over all orders of entry (dominance analysis) at a fraction of the cost.

Rows missing the score or any rating are left out (listwise), and counted. The analysis
needs ``max(30, 10 x drivers)`` complete rows, else ``status='too_few_responses'``.
The importance x performance table follows Martilla & James (1977): crosshairs at the
mean importance and the mean rating, which assumes one rating scale for every driver.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import NpsInputError
from .schema import DRIVER_PREFIX, driver_columns

MIN_N = 30
PER_DRIVER = 10
QUADRANTS = ("concentrate_here", "keep_up", "low_priority", "possible_overkill")


@dataclass(frozen=True)
class DriversResult:
    """Relative weights of the drivers; ``status`` is 'ok', 'not_available' or 'too_few_responses'.

    ``reason`` is 'no_driver_ratings' when the status is 'not_available' (no rating columns,
    or none that varies).

    ``table`` has one row per driver, most important first: driver (name without the
    ``driver_`` prefix), column, raw_weight (sums to ``r_squared``), share (sums to 1),
    correlation (with the score; its sign says the direction), mean (rating), n_rated,
    quadrant (one of ``QUADRANTS``).
    """

    status: str
    n: int
    n_dropped: int
    min_n: int
    reason: str | None = None
    r_squared: float = float("nan")
    excluded: tuple[str, ...] = ()
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


def relative_weights(
    responses: pd.DataFrame,
    drivers: list[str] | None = None,
    *,
    target: str = "score",
) -> DriversResult:
    """Johnson's relative weights of ``drivers`` (default: every ``driver_`` column).

    A rating with no variance among the complete rows carries no information and is
    listed in ``excluded`` instead of breaking the fit.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ratings = rng.integers(1, 6, size=(60, 2))
    >>> frame = pd.DataFrame({"driver_price": ratings[:, 0], "driver_support": ratings[:, 1],
    ...     "score": np.clip(2 * ratings[:, 0] + rng.integers(-1, 2, 60), 0, 10)})
    >>> r = relative_weights(frame)
    >>> r.status, r.table["driver"].tolist()[0], bool(np.isclose(r.table["raw_weight"].sum(), r.r_squared))
    ('ok', 'price', True)
    """
    columns = list(drivers) if drivers is not None else driver_columns(responses)
    missing = [c for c in [*columns, target] if c not in responses.columns]
    if missing:
        raise NpsInputError(
            f"driver analysis: column(s) {missing} not in the responses; "
            f"available: {list(responses.columns)}"
        )
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
    raw, corr = johnson_weights(complete[varying].to_numpy(float), complete[target].to_numpy(float))
    r2 = float(raw.sum())
    table = pd.DataFrame(
        {
            "driver": [c.removeprefix(DRIVER_PREFIX) for c in varying],
            "column": varying,
            "raw_weight": raw,
            "share": raw / r2 if r2 > 0 else np.nan,
            "correlation": corr,
            "mean": [float(data[c].mean()) for c in varying],
            "n_rated": [int(data[c].notna().sum()) for c in varying],
        }
    )
    table["quadrant"] = _quadrants(table["share"], table["mean"])
    table = table.sort_values("raw_weight", ascending=False, kind="stable").reset_index(drop=True)
    return DriversResult("ok", n, dropped, min_n, None, r2, excluded, table)


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


def _quadrants(importance: pd.Series, performance: pd.Series) -> list[str]:
    high_imp = importance >= importance.mean()
    high_perf = performance >= performance.mean()
    return [
        ("keep_up" if p else "concentrate_here") if i else ("possible_overkill" if p else "low_priority")
        for i, p in zip(high_imp, high_perf, strict=True)
    ]
