"""Review-portal ratings: average stars per platform and month, and whether they move with NPS.

Stars are whole numbers 1-5 (the ``reviews`` table: review_id, platform, reviewed_at,
stars, text). A month's average carries a t interval, clipped to 1..5 where the stars
cannot go. Stars and NPS are compared month by month: each month with at least one
review and one response is one point, weighted by its number of reviews (a month of
two reviews says less than a month of forty). The weighted Pearson correlation gets a
Fisher-z interval and a t-test on an effective number of months: Kish's
``(sum w)^2 / sum w^2`` for the unequal weights, times Bartlett's factor
``(1 - r1x r1y) / (1 + r1x r1y)`` for the carry-over from month to month (r1x, r1y are
the lag-1 autocorrelations of the two monthly series; Bartlett 1935, Pyper & Peterman
1998). Two trending series correlate by their trends alone; the factor widens the
interval accordingly. It never raises the count above the months there are.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.tsa.stattools import acf

from ..core.periods import Freq, period_labels
from ..core.schema import DEFAULT_TIMEZONE
from ..errors import NpsInputError
from .metrics import z_value
from .trends import calendar_periods, nps_by_period

STAR_COLUMNS = ["platform", "period", "start", "end", "n", "stars", "ci_low", "ci_high"]
MONTHLY_COLUMNS = ["period", "start", "n_reviews", "stars", "n_responses", "nps"]
ALL_PLATFORMS = "all"
MIN_MONTHS = 6
# Verdicts of a correlation that could be computed; the others name why it could not.
VERDICTS = ("stars_follow_nps", "stars_oppose_nps", "stars_nps_unclear")
_NAN = float("nan")


@dataclass(frozen=True)
class StarsNps:
    """Monthly average stars against monthly NPS: review-weighted Pearson ``r`` with its interval.

    ``status`` is 'ok', 'too_few_months' (fewer than ``min_months`` months with both
    reviews and responses) or 'not_available'. ``verdict`` is a code for the report:
    when 'ok', ``stars_follow_nps`` (the interval lies above 0), ``stars_oppose_nps``
    (below 0) or ``stars_nps_unclear`` (it spans 0); otherwise ``too_few_months``,
    ``no_reviews``, ``no_responses`` or ``no_variation`` (stars or NPS the same every
    month, so no correlation exists). ``monthly`` holds the points (``MONTHLY_COLUMNS``).
    ``n_eff`` is the effective number of months the interval and p-value rest on.
    """

    status: str
    verdict: str
    platform: str
    months: int
    r: float
    ci_low: float
    ci_high: float
    p_value: float
    level: float
    monthly: pd.DataFrame
    n_eff: float = _NAN


def stars_by_month(
    reviews: pd.DataFrame, *, freq: Freq = "month", level: float = 0.95, tz: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """Average stars per platform and calendar period (of zone ``tz``), with n and a t interval.

    One row per platform and period from the first review to the last (periods without
    reviews have n = 0 and NaN figures, so gaps stay visible), columns ``STAR_COLUMNS``.
    The interval is ``mean +- t * sd / sqrt(n)`` clipped to 1..5; NaN when n < 2.

    Examples
    --------
    >>> reviews = pd.DataFrame({"platform": ["google", "google", "google"], "stars": [5, 4, 3],
    ...     "reviewed_at": pd.to_datetime(["2026-01-03", "2026-01-20", "2026-03-02"], utc=True)})
    >>> stars_by_month(reviews)[["period", "n", "stars"]].to_dict("records")
    [{'period': '2026-01', 'n': 2, 'stars': 4.5}, {'period': '2026-02', 'n': 0, 'stars': nan}, {'period': '2026-03', 'n': 1, 'stars': 3.0}]
    """
    z_value(level)
    platforms, times, stars = _checked(reviews)
    if len(stars) == 0:
        return pd.DataFrame(columns=STAR_COLUMNS)
    windows = calendar_periods(times.min(), times.max(), freq, tz)
    labels = period_labels(pd.Series(times), freq, tz=tz).to_numpy()
    sums = (
        pd.DataFrame({"platform": platforms, "period": labels, "stars": stars})
        .groupby(["platform", "period"])["stars"]
        .agg(["count", "mean", "std"])
    )
    grid = pd.MultiIndex.from_product([sorted(set(platforms)), [w.label for w in windows]], names=["platform", "period"])
    sums = sums.reindex(grid).reset_index()
    n = sums["count"].fillna(0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + level / 2, n - 1) * sums["std"] / np.sqrt(n)
    bounds = {w.label: (w.start, w.end) for w in windows}
    return pd.DataFrame({
        "platform": sums["platform"].astype("str"),
        "period": sums["period"].astype("str"),
        "start": pd.DatetimeIndex([bounds[p][0] for p in sums["period"]]),
        "end": pd.DatetimeIndex([bounds[p][1] for p in sums["period"]]),
        "n": n,
        "stars": sums["mean"],
        "ci_low": (sums["mean"] - half).clip(1, 5),
        "ci_high": (sums["mean"] + half).clip(1, 5),
    })


def stars_vs_nps(
    reviews: pd.DataFrame | None,
    responses: pd.DataFrame | None,
    *,
    platform: str | None = None,
    min_months: int = MIN_MONTHS,
    level: float = 0.95,
    tz: str = DEFAULT_TIMEZONE,
) -> StarsNps:
    """Whether monthly average stars move with monthly NPS: weighted r, interval, p-value.

    Months are those of zone ``tz``. ``platform`` limits the stars to one platform; None
    pools every platform (``platform`` is then 'all' in the result). Each month counts by
    its number of reviews; the interval and p-value rest on the effective number of
    months (:func:`weighted_correlation`). ``min_months`` must be at least 4.

    Examples
    --------
    >>> months = pd.to_datetime([f"2026-{m:02d}-10" for m in range(1, 8)], utc=True)
    >>> reviews = pd.DataFrame({"platform": "google", "reviewed_at": months, "stars": [1, 2, 3, 3, 4, 5, 5]})
    >>> responses = pd.DataFrame({"responded_at": months, "score": [0, 3, 8, 7, 9, 10, 10]})
    >>> result = stars_vs_nps(reviews, responses)
    >>> result.status, result.months, round(result.r, 3), round(result.ci_low, 2), result.verdict
    ('ok', 7, 0.955, -0.55, 'stars_nps_unclear')

    Both series climb steadily, so each month largely carries over the one before: the 7
    months count as about 3.6 independent ones, too few to tell.

    >>> round(result.n_eff, 1)
    3.6
    """
    z_value(level)
    if isinstance(min_months, bool) or not isinstance(min_months, int) or min_months < 4:
        raise NpsInputError(f"min_months must be a whole number >= 4 (an interval needs 4 months), got {min_months!r}")
    label = ALL_PLATFORMS if platform is None else platform
    monthly = _monthly_points(reviews, responses, platform, tz)
    if isinstance(monthly, str):
        return _without_r("not_available", monthly, label, 0, level, pd.DataFrame(columns=MONTHLY_COLUMNS))
    months = len(monthly)
    if months < min_months:
        return _without_r("too_few_months", "too_few_months", label, months, level, monthly)
    x, y = monthly["stars"].to_numpy(float), monthly["nps"].to_numpy(float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return _without_r("not_available", "no_variation", label, months, level, monthly)
    r, low, high, p_value, n_eff = weighted_correlation(x, y, monthly["n_reviews"].to_numpy(float), level=level)
    verdict = VERDICTS[0] if low > 0 else VERDICTS[1] if high < 0 else VERDICTS[2]
    return StarsNps("ok", verdict, label, months, r, low, high, p_value, level, monthly, n_eff)


def weighted_correlation(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, *, level: float = 0.95
) -> tuple[float, float, float, float, float]:
    """Weighted Pearson r of two series in time order, with an interval and p-value that allow for autocorrelation.

    Returns ``(r, low, high, p_value, n_eff)``. ``n_eff`` is Kish's effective count
    ``(sum w)^2 / sum w^2`` times Bartlett's ``(1 - r1x r1y) / (1 + r1x r1y)``, where r1x
    and r1y are the lag-1 autocorrelations (``statsmodels.tsa.stattools.acf``) of the two
    series; the factor is capped at 1. The interval is Fisher's z,
    ``tanh(atanh(r) +- z / sqrt(n_eff - 3))`` (-1 to 1 when ``n_eff <= 3``); the p-value
    is the two-sided t-test of r = 0 on ``n_eff - 2`` degrees of freedom (1 when
    ``n_eff <= 2``).

    Examples
    --------
    >>> x, y = np.array([1.0, 3, 2, 5, 4, 6, 5, 8]), np.array([2.0, 1, 4, 3, 6, 4, 7, 6])
    >>> r, low, high, p, n_eff = weighted_correlation(x, y, np.ones(8))
    >>> round(r, 3), round(n_eff, 2), round(low, 2), round(high, 2)
    (0.566, 6.84, -0.34, 0.93)
    """
    z = z_value(level)
    r = float(np.clip(np.cov(x, y, aweights=weights)[0, 1] / np.sqrt(
        np.cov(x, aweights=weights) * np.cov(y, aweights=weights)), -1, 1))
    kish = weights.sum() ** 2 / (weights**2).sum()
    r1x, r1y = (float(acf(series, nlags=1, fft=False)[1]) for series in (x, y))
    n_eff = float(kish * min(1.0, (1 - r1x * r1y) / (1 + r1x * r1y)))
    if n_eff <= 3:
        low, high = -1.0, 1.0
    else:
        with np.errstate(divide="ignore"):
            centre, spread = np.arctanh(r), z / np.sqrt(n_eff - 3)
        low, high = float(np.tanh(centre - spread)), float(np.tanh(centre + spread))
    if n_eff <= 2:
        return r, low, high, 1.0, n_eff
    t = r * np.sqrt((n_eff - 2) / (1 - r * r)) if abs(r) < 1 else np.inf
    return r, low, high, float(2 * stats.t.sf(abs(t), n_eff - 2)), n_eff


def stars_vs_nps_by_platform(
    reviews: pd.DataFrame | None,
    responses: pd.DataFrame | None,
    *,
    min_months: int = MIN_MONTHS,
    level: float = 0.95,
    tz: str = DEFAULT_TIMEZONE,
) -> pd.DataFrame:
    """:func:`stars_vs_nps` for all platforms pooled, then each platform: one row each.

    Columns: platform ('all' first), status, verdict, months, r, ci_low, ci_high, p_value.

    Examples
    --------
    >>> months = pd.to_datetime([f"2026-{m:02d}-10" for m in range(1, 8)], utc=True)
    >>> reviews = pd.DataFrame({"platform": ["google"] * 7 + ["trustpilot"] * 2,
    ...     "reviewed_at": months.append(months[:2]), "stars": [1, 2, 3, 3, 4, 5, 5, 4, 4]})
    >>> responses = pd.DataFrame({"responded_at": months, "score": [0, 3, 8, 7, 9, 10, 10]})
    >>> stars_vs_nps_by_platform(reviews, responses)[["platform", "status", "months"]].to_dict("records")
    [{'platform': 'all', 'status': 'ok', 'months': 7}, {'platform': 'google', 'status': 'ok', 'months': 7}, {'platform': 'trustpilot', 'status': 'too_few_months', 'months': 2}]
    """
    platforms = [None] if reviews is None or reviews.empty else [None, *sorted(_checked(reviews)[0].unique())]
    rows = []
    for platform in platforms:
        result = stars_vs_nps(reviews, responses, platform=platform, min_months=min_months, level=level, tz=tz)
        rows.append({k: getattr(result, k) for k in ("platform", "status", "verdict", "months", "r", "ci_low", "ci_high", "p_value")})
    return pd.DataFrame(rows)


# --- internals --------------------------------------------------------------------------
def _checked(reviews: pd.DataFrame) -> tuple[pd.Series, pd.DatetimeIndex, np.ndarray]:
    """Platform, UTC time and stars of every review, or an error naming the first bad one."""
    missing = [c for c in ("platform", "reviewed_at", "stars") if c not in reviews.columns]
    if missing:
        raise NpsInputError(f"reviews need the columns platform, reviewed_at and stars; missing: {', '.join(missing)}")
    try:
        times = pd.DatetimeIndex(pd.to_datetime(reviews["reviewed_at"], utc=True))
    except (TypeError, ValueError):
        raise NpsInputError("column reviewed_at holds values that are not timestamps; ingest the reviews again") from None
    stars = pd.to_numeric(reviews["stars"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    platforms = reviews["platform"].astype("string")
    bad = np.isnan(stars) | (stars < 1) | (stars > 5) | (stars != np.round(stars)) | times.isna() | platforms.isna().to_numpy()
    if bad.any():
        at = int(np.argmax(bad))
        got = ", ".join(f"{c} '{reviews[c].iloc[at]}'" for c in ("platform", "reviewed_at", "stars"))
        raise NpsInputError(
            f"reviews, row {at} ({got}): every review needs a platform, a time and whole stars 1-5; "
            "ingest review exports with nps-report ingest --table reviews"
        )
    return platforms.astype("str"), times, stars


def _monthly_points(reviews, responses, platform: str | None, tz: str) -> pd.DataFrame | str:
    """Months with both stars and NPS (``MONTHLY_COLUMNS``), or the code of what is missing."""
    if reviews is None or reviews.empty:
        return "no_reviews"
    if platform is not None:
        reviews = reviews[(_checked(reviews)[0] == platform).to_numpy()]
        if reviews.empty:
            return "no_reviews"
    if responses is None or responses.empty:
        return "no_responses"
    stars = stars_by_month(reviews.assign(platform=ALL_PLATFORMS), tz=tz)
    trend = nps_by_period(responses, "month", tz=tz)
    both = stars[stars["n"] > 0].merge(trend[trend["n"] > 0], on="period", suffixes=("", "_nps"))
    return pd.DataFrame({
        "period": both["period"],
        "start": both["start"],
        "n_reviews": both["n"],
        "stars": both["stars"],
        "n_responses": both["n_nps"],
        "nps": both["nps"],
    })


def _without_r(status: str, verdict: str, platform: str, months: int, level: float, monthly: pd.DataFrame) -> StarsNps:
    return StarsNps(status, verdict, platform, months, _NAN, _NAN, _NAN, _NAN, level, monthly)
