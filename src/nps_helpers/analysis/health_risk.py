"""Health bands calibrated to churn: the bands' link to leaving, fitted where it holds.

A logistic fit of churn within the horizon on the health score, on customers whose outcome is
known; the bands are calibrated only when the link is significant and falling, else they follow
the score alone (status 'no_link').
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy.special import expit
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from .churn import HORIZON_DAYS, MIN_EVENTS
from .experience import to_utc, wilson
from .health import BANDS, DAY, RISK_RATIOS, churn_dates, latest_date


@dataclass(frozen=True)
class HealthRisk:
    """The health score's link to churn and the bands it calibrates (see :func:`health_risk`).

    ``status`` is 'ok', 'not_observed' (no customer active a horizon before the end),
    'too_few_events' (fewer than ``MIN_EVENTS`` churners or stayers) or 'no_link' (the fit
    found no significant fall of churn with the score); only with 'ok' are the bands by
    risk. ``intercept`` and ``slope`` (per score point) are the logistic
    link fitted at ``fitted_at``, ``base_rate`` the churn rate there and ``lr_p_value``
    the likelihood-ratio test of the slope. ``band_churn`` (band, customers, churned,
    rate, ci_low, ci_high: Wilson, predicted: mean predicted risk) is observed at
    ``checked_at``: out of time when that is after ``fitted_at``.
    """

    status: str
    horizon_days: int
    fitted_at: pd.Timestamp | None = None
    checked_at: pd.Timestamp | None = None
    intercept: float = float("nan")
    slope: float = float("nan")
    base_rate: float = float("nan")
    lr_p_value: float = float("nan")
    band_churn: pd.DataFrame = field(default_factory=pd.DataFrame)
    level: float = 0.95

    @property
    def out_of_time(self) -> bool:
        """Whether the bands' churn was observed after (not at) the date of the fit.

        Examples
        --------
        >>> HealthRisk("ok", 180, intercept=0.0, slope=-0.05, base_rate=0.1).out_of_time
        False
        """
        return (self.status == "ok" and self.fitted_at is not None and self.checked_at is not None
                and self.checked_at > self.fitted_at)

    def risk(self, scores: ArrayLike) -> np.ndarray:
        """Predicted churn within the horizon for each score (NaN unless 'ok')."""
        return expit(self.intercept + self.slope * np.asarray(scores, dtype=float))

    def apply(self, health: pd.DataFrame) -> pd.DataFrame:
        """``health`` with its bands by predicted risk and a ``risk`` column (as is unless 'ok').

        Examples
        --------
        >>> link = HealthRisk("ok", 180, intercept=0.0, slope=-0.05, base_rate=0.1)
        >>> link.apply(pd.DataFrame({"score": [10.0, 30.0, 80.0]}))["band"].tolist()
        ['critical', 'at_risk', 'healthy']
        """
        if self.status != "ok":
            return health
        risk = self.risk(health["score"])
        codes = np.where(risk >= RISK_RATIOS["critical"] * self.base_rate, 0,
                         np.where(risk >= RISK_RATIOS["at_risk"] * self.base_rate, 1, 2))
        band = pd.Series(pd.array(pa.array(BANDS).take(codes), dtype="string"), index=health.index)
        return health.assign(band=band, risk=risk)


def risk_dates(end: pd.Timestamp | str, horizon_days: int = HORIZON_DAYS) -> list[pd.Timestamp]:
    """The dates :func:`health_risk` needs health at: two horizons and one before ``end``.

    Examples
    --------
    >>> [str(d.date()) for d in risk_dates("2026-10-01", 180)]
    ['2025-10-06', '2026-04-04']
    """
    end = to_utc(end)
    return [end - 2 * horizon_days * DAY, end - horizon_days * DAY]


def health_risk(
    customers: pd.DataFrame,
    healths: Mapping[pd.Timestamp, pd.DataFrame],
    *,
    end: pd.Timestamp | str,
    horizon_days: int = HORIZON_DAYS,
    level: float = 0.95,
) -> HealthRisk:
    """Fit the score's link to churn out of time and observe each calibrated band's churn.

    ``healths`` are :func:`health_by_date` frames at :func:`risk_dates`; ``end`` is where
    the follow-up ends (for a report: its period's end, or the data's end when earlier).
    Churn within ``horizon_days`` after ``end - 2 x horizon`` fits a logistic regression
    on the score; the bands it makes are then checked on churn after ``end - horizon``.
    When the earlier date has too few churners (short data), both steps use the later.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> ids = [f"c{i}" for i in range(2000)]
    >>> end = pd.Timestamp("2026-10-01", tz="UTC")
    >>> first, then = risk_dates(end, 180)
    >>> score = pd.Series(rng.uniform(0, 100, 2000))
    >>> left = rng.random(2000) < 1 / (1 + np.exp(1 + score / 25))
    >>> gone = pd.Series(first + 30 * DAY, index=range(2000)).where(left)
    >>> customers = pd.DataFrame({"customer_id": ids, "churned_at": gone})
    >>> healths = {first: pd.DataFrame({"customer_id": ids, "score": score})}
    >>> link = health_risk(customers, healths, end=end)
    >>> link.status, link.out_of_time, round(link.slope * 25, 1)
    ('ok', True, -1.0)
    """
    first, then = risk_dates(end, horizon_days)
    gone = churn_dates(customers)

    def outcome(date: pd.Timestamp) -> tuple[pd.DataFrame, np.ndarray]:
        health = healths.get(date, pd.DataFrame(columns=["customer_id", "score"]))
        left = gone.reindex(health["customer_id"]).to_numpy()
        return health, ((left > date) & (left <= date + horizon_days * DAY))

    fits = [(date, *outcome(date)) for date in (first, then)]
    usable = [f for f in fits if min(int(f[2].sum()), len(f[2]) - int(f[2].sum())) >= MIN_EVENTS]
    if not usable:
        status = "not_observed" if fits[1][1].empty else "too_few_events"
        return HealthRisk(status, horizon_days, level=level)
    fitted_at, health, churned = usable[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning, RuntimeWarning))
        fit = sm.Logit(churned.astype(float), sm.add_constant(health["score"].to_numpy(float))).fit(disp=0)
    rate = churned.mean()  # usable: 0 < rate < 1
    # The constant-only model in closed form (statsmodels would fit it slowly, as churn._logit says).
    fit.set_null_options(llnull=len(churned) * (rate * np.log(rate) + (1 - rate) * np.log1p(-rate)))
    link = HealthRisk("ok", horizon_days, fitted_at, then, float(fit.params[0]), float(fit.params[1]),
                      float(churned.mean()), float(fit.llr_pvalue), level=level)
    # Bands by a risk the score does not predict would rank customers by noise.
    if not (link.lr_p_value < 1 - level and link.slope < 0):
        return replace(link, status="no_link")
    checked, observed = fits[1][1:]
    banded = link.apply(checked)
    table = (pd.DataFrame({"band": banded["band"].to_numpy(), "churned": observed,
                           "predicted": banded["risk"].to_numpy()})
             .groupby("band").agg(customers=("churned", "size"), churned=("churned", "sum"),
                                  predicted=("predicted", "mean"))
             .reindex(list(BANDS)).fillna({"customers": 0, "churned": 0})
             .astype({"customers": "int64", "churned": "int64"}).rename_axis("band").reset_index())
    rate, low, high = wilson(table["churned"], table["customers"], level)
    table = table.assign(band=table["band"].astype("string"), rate=rate, ci_low=low, ci_high=high)
    return replace(link, band_churn=table[["band", "customers", "churned", "rate", "ci_low", "ci_high",
                                           "predicted"]])


def follow_up_end(
    customers: pd.DataFrame, responses: pd.DataFrame, invitations: pd.DataFrame | None,
    period_end: pd.Timestamp | str,
) -> pd.Timestamp:
    """Where churn can be followed up to: the period's end, or the data's end when earlier.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["a"],
    ...     "started_at": pd.to_datetime(["2026-05-01"], utc=True)})
    >>> str(follow_up_end(customers, pd.DataFrame(), None, "2026-10-01").date())
    '2026-05-01'
    """
    return min(to_utc(period_end), latest_date(customers, responses, invitations))
