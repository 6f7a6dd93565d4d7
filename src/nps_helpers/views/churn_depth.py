"""One client in depth, for the internal churn notebook: churn over several horizons, by segment,
and the health score checked on a holdout, pure functions over the client's frames."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.churn import HORIZON_DAYS, ChurnResult, churn_analysis
from ..analysis.experience import (
    to_utc,
    wilson,
)
from ..analysis.health import HealthCheck, HealthWeights, health_check
from ..analysis.metrics import check_counts
from ..config.params import ClientParams

HORIZONS = (90, 180, 365)
HEALTH_HORIZON_DAYS = 90


# --- one client in depth (pure) ---------------------------------------------------------
def churn_horizons(
    responses: pd.DataFrame,
    customers: pd.DataFrame | None,
    invitations: pd.DataFrame | None = None,
    *,
    horizons: Iterable[int] = HORIZONS,
    as_of: pd.Timestamp | str | None = None,
    level: float = 0.95,
) -> dict[int, ChurnResult]:
    """:func:`~nps_helpers.analysis.churn.churn_analysis` at several horizons (days), same ``as_of``.

    Examples
    --------
    >>> sorted(churn_horizons(pd.DataFrame({"score": [9]}), None))
    [90, 180, 365]
    """
    return {int(h): churn_analysis(responses, customers, invitations, horizon_days=int(h),
                                   as_of=as_of, level=level) for h in horizons}


def horizon_rates(results: Mapping[int, ChurnResult]) -> pd.DataFrame:
    """Churn rate per category at each horizon, stacked (``horizon_days`` first).

    Examples
    --------
    >>> from nps_helpers.analysis.churn import ChurnResult
    >>> rates = pd.DataFrame({"category": ["detractor"], "customers": [10], "churned": [2],
    ...     "rate": [0.2], "ci_low": [0.06], "ci_high": [0.51]})
    >>> horizon_rates({90: ChurnResult("ok", None, 90, rates=rates)})[["horizon_days", "rate"]].to_dict("records")
    [{'horizon_days': 90, 'rate': 0.2}]
    """
    columns = ["horizon_days", "category", "customers", "churned", "rate", "ci_low", "ci_high"]
    parts = [r.rates.assign(horizon_days=h) for h, r in results.items() if r.status == "ok"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def horizon_association(results: Mapping[int, ChurnResult]) -> pd.DataFrame:
    """Odds ratios of churn per score point and per category (vs detractors) at each horizon.

    Stacks each result's ``association`` frame with ``horizon_days``, ``events`` and the
    ``verdict``; a horizon with too few churners has one row with its verdict only.

    Examples
    --------
    >>> from nps_helpers.analysis.churn import ChurnResult
    >>> horizon_association({90: ChurnResult("ok", None, 90, events=3)})[["horizon_days", "verdict"]].to_dict("records")
    [{'horizon_days': 90, 'verdict': 'too_few_events'}]
    """
    columns = ["horizon_days", "events", "verdict", "model", "term", "odds_ratio", "ci_low",
               "ci_high", "p_value", "lr_p_value"]
    parts = []
    for h, r in results.items():
        if r.status != "ok":
            continue
        table = r.association if len(r.association) else pd.DataFrame({"term": [pd.NA]})
        parts.append(table.assign(horizon_days=h, events=r.events, verdict=r.verdict))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True).reindex(columns=columns)


def churn_by_segments(
    responses: pd.DataFrame,
    customers: pd.DataFrame | None,
    columns: Sequence[str],
    *,
    as_of: pd.Timestamp | str,
    horizon_days: int = HORIZON_DAYS,
    min_customers: int = 30,
    level: float = 0.95,
) -> pd.DataFrame:
    """Churn rate per category within each group of each segment column, where n allows.

    Each group is analysed as :func:`~nps_helpers.analysis.churn.churn_analysis` does the whole
    client (each customer through their latest response in that group), all at the same
    ``as_of``. A category of a group with fewer than ``min_customers`` customers keeps
    its counts but its rate and interval are left blank (``flag == 'small'``). Columns
    missing from ``responses`` are skipped. Columns: ``segment``, ``group``,
    ``category``, ``customers``, ``churned``, ``rate``, ``ci_low``, ``ci_high``, ``flag``.

    Examples
    --------
    >>> ids = [f"c{i}" for i in range(80)]
    >>> responses = pd.DataFrame({"customer_id": ids, "score": [10, 2] * 40,
    ...     "region": ["N"] * 60 + ["S"] * 20,
    ...     "responded_at": pd.Timestamp("2025-01-01", tz="UTC")})
    >>> customers = pd.DataFrame({"customer_id": ids, "churned_at": pd.NaT})
    >>> t = churn_by_segments(responses, customers, ["region"], as_of="2026-01-01")
    >>> t.query("category == 'detractor'")[["group", "customers", "flag"]].to_dict("records")
    [{'group': 'N', 'customers': 30, 'flag': 'ok'}, {'group': 'S', 'customers': 10, 'flag': 'small'}]
    """
    check_counts(min_customers=min_customers, horizon_days=horizon_days)
    out = ["segment", "group", "category", "customers", "churned", "rate", "ci_low", "ci_high", "flag"]
    parts = []
    for column in [c for c in columns if c in responses.columns]:
        values = responses[column]
        for group in sorted(values.dropna().astype("str").unique()):
            result = churn_analysis(responses[values.astype("str") == group], customers,
                                    horizon_days=horizon_days, as_of=as_of, level=level)
            if result.status == "ok":
                parts.append(result.rates.assign(segment=column, group=group))
    if not parts:
        return pd.DataFrame(columns=out)
    table = pd.concat(parts, ignore_index=True)
    small = table["customers"] < min_customers
    table[["rate", "ci_low", "ci_high"]] = table[["rate", "ci_low", "ci_high"]].where(~small)
    table["flag"] = np.where(small, "small", "ok")
    return table[out]


def holdout_health_check(
    customers: pd.DataFrame | None,
    responses: pd.DataFrame,
    invitations: pd.DataFrame | None = None,
    *,
    data_end: pd.Timestamp | str,
    horizon_days: int = HEALTH_HORIZON_DAYS,
    client: ClientParams | None = None,
) -> HealthCheck | None:
    """The health score checked out of time: scored ``horizon_days`` before ``data_end``.

    :func:`~nps_helpers.analysis.health.health_check` at ``as_of = data_end - horizon_days``, so
    the score uses only what was known then and the outcome (churn in the following
    ``horizon_days``) is fully observed; the weights are the client's params (else the
    documented defaults), never fitted to these data. None without customer data.

    Examples
    --------
    >>> holdout_health_check(None, pd.DataFrame(), data_end="2026-10-01") is None
    True
    """
    if customers is None or customers.empty:
        return None
    options = {}
    if client is not None:
        options = {"weights": HealthWeights.from_params(client.health_weights),
                   "plan_scores": client.plan_scores or None}
    end = to_utc(data_end)
    return health_check(customers, responses, invitations, as_of=end - pd.Timedelta(days=horizon_days),
                        horizon_days=horizon_days, data_end=end, **options)


def health_bands(check: HealthCheck | None, *, level: float = 0.95) -> pd.DataFrame:
    """Customers and churners per health band with the churn rate's Wilson interval.

    ``check`` is :func:`holdout_health_check` (None, without customer data, gives an
    empty frame). Columns: ``band``, ``customers``, ``churned``, ``rate``, ``ci_low``,
    ``ci_high``; bands from critical to healthy.

    Examples
    --------
    >>> band_churn = pd.DataFrame({"band": ["critical", "at_risk", "healthy"],
    ...     "customers": [10, 0, 40], "churned": [8, 0, 2], "rate": [0.8, float("nan"), 0.05]})
    >>> check = HealthCheck("ok", pd.Timestamp("2026-07-01", tz="UTC"), 90, 50, 10, 0.9, band_churn)
    >>> health_bands(check).round(3)[["band", "rate", "ci_low", "ci_high"]].to_dict("records")[0]
    {'band': 'critical', 'rate': 0.8, 'ci_low': 0.49, 'ci_high': 0.943}
    """
    columns = ["band", "customers", "churned", "rate", "ci_low", "ci_high"]
    if check is None:
        return pd.DataFrame(columns=columns)
    table = check.band_churn[["band", "customers", "churned"]].copy()
    table["rate"], table["ci_low"], table["ci_high"] = wilson(table["churned"], table["customers"], level)
    return table[columns]


def verdict_code(result: ChurnResult) -> str:
    """The code of the churn finding to put in words: the verdict, or why there is none.

    Examples
    --------
    >>> from nps_helpers.analysis.churn import ChurnResult
    >>> verdict_code(ChurnResult("not_available", "no_customers", 180))
    'no_customers'
    """
    return result.verdict if result.status == "ok" else result.reason or "no_customers"
