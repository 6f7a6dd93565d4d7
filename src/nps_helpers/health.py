"""Customer health: a 0-100 score per active customer, its bands, and a check against churn.

The score is a weighted mean of components, each scaled 0..1 (1 = healthy):

- ``tenure``: ``1 - exp(-years / 2)``; long-standing customers leave less readily.
- ``plan``: the plan's rank by median revenue (cheapest 0, dearest 1), or the client's own
  ``plan_scores``.
- ``revenue``: the customer's revenue percentile among active customers.
- ``nps``: latest score's category: promoter 1, passive 0.5, detractor 0.
- ``trend``: change from the previous score to the latest, ``(change + 10) / 20``.
- ``responsiveness``: invitations answered within the response window, smoothed as
  ``(answered + 1) / (invited + 2)`` so one unanswered survey does not condemn anyone.
- ``recency``: ``exp(-days since the last response / 180)``; 0 for a customer who never answered.

A component a customer lacks (no response yet, no invitation) counts as 0.5, neither
good nor bad, except recency; a component the data lacks entirely (no revenue column)
is dropped and the other weights rescaled. The default weights are set by judgement,
not fitted to any client's data; :func:`health_check` measures how well the score
ranks later churners out of time: the score uses only data up to ``as_of``, the outcome
is churn in the ``horizon_days`` after it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from .churn import MIN_EVENTS
from .errors import NpsInputError, NpsParamsError
from .experience import RESPONSE_WINDOW_DAYS, match_invitations, to_utc

BANDS = ("critical", "at_risk", "healthy")
DAY = pd.Timedelta(days=1)
_NEUTRAL = 0.5


@dataclass(frozen=True)
class HealthWeights:
    """Weights of the health components (any non-negative numbers; they are rescaled).

    Defaults: the latest NPS category carries the most (it is the voice of the customer),
    responsiveness and tenure next; the rest share the remainder.
    """

    tenure: float = 0.15
    plan: float = 0.10
    revenue: float = 0.10
    nps: float = 0.30
    trend: float = 0.10
    responsiveness: float = 0.15
    recency: float = 0.10
    healthy_from: float = 60.0
    critical_below: float = 40.0

    @classmethod
    def from_params(cls, values: Mapping[str, float] | None) -> HealthWeights:
        """Defaults overridden by a params mapping; an unknown key is an error.

        Examples
        --------
        >>> HealthWeights.from_params({"nps": 0.5}).nps
        0.5
        """
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise NpsParamsError(
                f"key 'health_weights.{unknown[0]}': unknown key (use {', '.join(sorted(known))})"
            )
        if any(not isinstance(v, int | float) or v < 0 for v in values.values()):
            raise NpsParamsError(f"key 'health_weights': weights must be numbers >= 0, got {values}")
        weights = cls(**values)
        if not 0 <= weights.critical_below <= weights.healthy_from <= 100:
            raise NpsParamsError("key 'health_weights': need 0 <= critical_below <= healthy_from <= 100")
        return weights

    def components(self) -> dict[str, float]:
        """The component weights (without the band thresholds)."""
        return {k: v for k, v in asdict(self).items() if k not in ("healthy_from", "critical_below")}


@dataclass(frozen=True)
class HealthCheck:
    """How well the score ranks churners: ROC AUC of ``100 - score`` against churn.

    ``status`` is 'ok', 'too_few_events' (fewer than 10 churners or stayers) or
    'not_observed' (the data end before ``as_of + horizon_days``).
    """

    status: str
    as_of: pd.Timestamp
    horizon_days: int
    customers: int
    churned: int
    auc: float
    band_churn: pd.DataFrame


def customer_health(
    customers: pd.DataFrame,
    responses: pd.DataFrame,
    invitations: pd.DataFrame | None = None,
    *,
    as_of: pd.Timestamp | str | None = None,
    weights: HealthWeights | None = None,
    plan_scores: Mapping[str, float] | None = None,
    response_window_days: int = RESPONSE_WINDOW_DAYS,
) -> pd.DataFrame:
    """Health of every customer active at ``as_of`` (default: the latest date in the data).

    Only what was known at ``as_of`` is used. One row per customer, lowest score first:
    customer_id, score (0-100), band (one of ``BANDS``) and one ``c_<component>`` column
    per component (0..1). Holds customer ids: for internal CSVs only.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"], "churned_at": [pd.NaT, pd.NaT],
    ...     "started_at": pd.to_datetime(["2020-01-01", "2025-12-01"], utc=True)})
    >>> responses = pd.DataFrame({"customer_id": ["a", "b"], "score": [10, 2],
    ...     "responded_at": pd.to_datetime(["2025-12-20", "2025-12-20"], utc=True)})
    >>> h = customer_health(customers, responses, as_of="2026-01-01")
    >>> h[["customer_id", "band"]].values.tolist()
    [['b', 'critical'], ['a', 'healthy']]
    """
    weights = weights or HealthWeights()
    for column in ("customer_id", "started_at"):
        if column not in customers.columns:
            raise NpsInputError(f"customer health needs the column '{column}' in the customers table")
    end = to_utc(as_of) if as_of is not None else _data_end(customers, responses, invitations)
    active = _active(customers, end)
    parts = {"tenure": 1 - np.exp(-((end - active["started_at"]) / DAY).to_numpy(float) / 730.5)}
    if "revenue" in active.columns and active["revenue"].notna().any():
        revenue = pd.to_numeric(active["revenue"])
        parts["revenue"] = revenue.rank(pct=True).fillna(_NEUTRAL).to_numpy()
        if "plan" in active.columns and active["plan"].notna().any():
            parts["plan"] = _plan_component(active["plan"], revenue, plan_scores)
    elif plan_scores and "plan" in active.columns:
        parts["plan"] = _plan_component(active["plan"], None, plan_scores)
    parts.update(_voice(active["customer_id"], responses, end))
    if invitations is not None and {"customer_id", "invited_at"} <= set(invitations.columns):
        parts["responsiveness"] = _responsiveness(
            active["customer_id"], invitations, responses, end, response_window_days
        )
    wanted = {k: w for k, w in weights.components().items() if k in parts and w > 0}
    if not wanted:
        raise NpsParamsError("key 'health_weights': every usable component has weight 0")
    total = sum(wanted.values())
    score = 100 * sum(w * parts[k] for k, w in wanted.items()) / total
    out = pd.DataFrame({"customer_id": active["customer_id"].to_numpy(), "score": score})
    out["band"] = bands(out["score"], weights)
    for key in wanted:
        out[f"c_{key}"] = parts[key]
    return out.sort_values(["score", "customer_id"], kind="stable").reset_index(drop=True)


def bands(scores: pd.Series | Sequence[float], weights: HealthWeights | None = None) -> pd.Series:
    """Band of each score: 'healthy' from ``healthy_from``, 'critical' below ``critical_below``.

    Examples
    --------
    >>> bands([80, 50, 10]).tolist()
    ['healthy', 'at_risk', 'critical']
    """
    w = weights or HealthWeights()
    values = np.asarray(scores, dtype=float)
    codes = np.where(values >= w.healthy_from, 2, np.where(values < w.critical_below, 0, 1))
    return pd.Series(np.asarray(BANDS, dtype=object)[codes], dtype="string")


def band_counts(health: pd.DataFrame) -> pd.DataFrame:
    """Customers per band with shares: what a shared report may show (no ids).

    Examples
    --------
    >>> band_counts(pd.DataFrame({"band": ["healthy", "healthy", "critical"]}))["customers"].tolist()
    [1, 0, 2]
    """
    counts = health["band"].value_counts().reindex(list(BANDS), fill_value=0)
    table = counts.rename_axis("band").reset_index(name="customers")
    table["share"] = table["customers"] / max(len(health), 1)
    return table.astype({"band": "string", "customers": "int64"})


def band_trend(
    customers: pd.DataFrame,
    responses: pd.DataFrame,
    invitations: pd.DataFrame | None,
    dates: Sequence[pd.Timestamp | str],
    **options,
) -> pd.DataFrame:
    """Band counts at each date in ``dates`` (as_of, band, customers, share), for the trend.

    ``options`` go to :func:`customer_health` (weights, plan_scores...).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["a"], "churned_at": [pd.NaT],
    ...     "started_at": pd.to_datetime(["2020-01-01"], utc=True)})
    >>> responses = pd.DataFrame({"customer_id": ["a"], "score": [10],
    ...     "responded_at": pd.to_datetime(["2025-06-01"], utc=True)})
    >>> t = band_trend(customers, responses, None, ["2025-01-01", "2025-07-01"])
    >>> t.query("customers > 0")[["band"]].values.ravel().tolist()
    ['at_risk', 'healthy']
    """
    frames = []
    for date in dates:
        health = customer_health(customers, responses, invitations, as_of=date, **options)
        frames.append(band_counts(health).assign(as_of=to_utc(date)))
    table = pd.concat(frames, ignore_index=True)
    return table[["as_of", "band", "customers", "share"]]


def health_check(
    customers: pd.DataFrame,
    responses: pd.DataFrame,
    invitations: pd.DataFrame | None = None,
    *,
    as_of: pd.Timestamp | str,
    horizon_days: int = 90,
    data_end: pd.Timestamp | str | None = None,
    **options,
) -> HealthCheck:
    """Out-of-time check: scores at ``as_of``, churn in the ``horizon_days`` after it.

    ``data_end`` is when the data were extracted (default: the latest date in them); the
    check needs the whole horizon observed before it.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ids = [f"c{i}" for i in range(200)]
    >>> scores = rng.integers(0, 11, 200)
    >>> gone = rng.random(200) < np.where(scores < 7, 0.5, 0.05)
    >>> customers = pd.DataFrame({"customer_id": ids,
    ...     "started_at": pd.Timestamp("2024-01-01", tz="UTC"),
    ...     "churned_at": pd.Series(pd.Timestamp("2025-08-01", tz="UTC"), index=range(200)).where(gone)})
    >>> responses = pd.DataFrame({"customer_id": ids, "score": scores,
    ...     "responded_at": pd.Timestamp("2025-06-01", tz="UTC")})
    >>> check = health_check(customers, responses, as_of="2025-07-01", data_end="2026-01-01")
    >>> check.status, bool(check.auc > 0.7)
    ('ok', True)
    """
    end = to_utc(as_of)
    stop = end + horizon_days * DAY
    health = customer_health(customers, responses, invitations, as_of=end, **options)
    gone = _churn_dates(customers).reindex(health["customer_id"])
    churned = (gone > end) & (gone <= stop)
    band_churn = (
        pd.DataFrame({"band": health["band"].to_numpy(), "churned": churned.to_numpy()})
        .groupby("band")["churned"].agg(customers="size", churned="sum")
        .reindex(list(BANDS), fill_value=0).rename_axis("band").reset_index()
    )
    band_churn["rate"] = band_churn["churned"] / band_churn["customers"].where(band_churn["customers"] > 0)
    events = int(churned.sum())
    observed_to = to_utc(data_end) if data_end is not None else _data_end(customers, responses, invitations)
    if observed_to < stop:
        status, auc = "not_observed", float("nan")
    elif min(events, len(health) - events) < MIN_EVENTS:
        status, auc = "too_few_events", float("nan")
    else:
        status, auc = "ok", float(roc_auc_score(churned.to_numpy(), 100 - health["score"].to_numpy()))
    return HealthCheck(status, end, horizon_days, len(health), events, auc,
                       band_churn.astype({"band": "string"}))


def at_risk_customers(health: pd.DataFrame, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Customers in the 'critical' and 'at_risk' bands, lowest score first, for the internal CSV.

    With ``customers``, their plan and revenue are added to help prioritise the calls.

    Examples
    --------
    >>> health = pd.DataFrame({"customer_id": ["a", "b"], "score": [20.0, 90.0],
    ...     "band": ["critical", "healthy"]})
    >>> at_risk_customers(health)["customer_id"].tolist()
    ['a']
    """
    risky = health[health["band"].isin(["critical", "at_risk"])][["customer_id", "score", "band"]]
    if customers is not None:
        extra = [c for c in ("plan", "revenue") if c in customers.columns]
        if extra:
            info = customers[["customer_id", *extra]].drop_duplicates("customer_id")
            risky = risky.merge(info, on="customer_id", how="left")
    return risky.sort_values("score", kind="stable").reset_index(drop=True)


# --- internals --------------------------------------------------------------------------
def _data_end(customers, responses, invitations) -> pd.Timestamp:
    stamps = [pd.to_datetime(customers[c], utc=True).max() for c in ("started_at", "churned_at")
              if c in customers.columns]
    if "responded_at" in responses.columns:
        stamps.append(pd.to_datetime(responses["responded_at"], utc=True).max())
    if invitations is not None and "invited_at" in invitations.columns:
        stamps.append(pd.to_datetime(invitations["invited_at"], utc=True).max())
    known = [s for s in stamps if pd.notna(s)]
    if not known:
        raise NpsInputError("customer health: the data hold no dates; pass as_of")
    return max(known)


def _churn_dates(customers: pd.DataFrame) -> pd.Series:
    dates = customers.drop_duplicates("customer_id").set_index("customer_id")
    churned = dates["churned_at"] if "churned_at" in dates.columns else pd.Series(pd.NaT, index=dates.index)
    return pd.to_datetime(churned, utc=True)


def _active(customers: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    frame = customers.drop_duplicates("customer_id").copy()
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    churned = _churn_dates(customers).reindex(frame["customer_id"]).to_numpy()
    # A churn after as_of is the future: the customer is active at as_of.
    alive = pd.isna(churned) | (churned > end)
    return frame[(frame["started_at"] <= end) & alive].reset_index(drop=True)


def _plan_component(plan: pd.Series, revenue: pd.Series | None, plan_scores) -> np.ndarray:
    if plan_scores:
        return plan.map(lambda p: plan_scores.get(p, _NEUTRAL)).astype(float).to_numpy()
    medians = revenue.groupby(plan.to_numpy()).median()
    rank = (medians.rank(method="average") - 1) / max(len(medians) - 1, 1)
    return plan.map(rank).fillna(_NEUTRAL).astype(float).to_numpy()


def _voice(ids: pd.Series, responses: pd.DataFrame, end: pd.Timestamp) -> dict[str, np.ndarray]:
    """nps, trend and recency components from each customer's last two responses."""
    known = responses[["customer_id", "responded_at", "score"]].dropna().copy()
    known["responded_at"] = pd.to_datetime(known["responded_at"], utc=True)
    known = known[known["responded_at"] <= end].sort_values(["customer_id", "responded_at"])
    known["score"] = known["score"].astype(float)
    last_two = known.groupby("customer_id").tail(2)
    latest = last_two.groupby("customer_id").last()
    previous = last_two.groupby("customer_id")["score"].first().where(
        last_two.groupby("customer_id").size() > 1
    )
    score = latest["score"].reindex(ids).to_numpy()
    before = previous.reindex(ids).to_numpy()
    days = ((end - latest["responded_at"]) / DAY).reindex(ids).to_numpy(float)
    nps_part = np.where(score >= 9, 1.0, np.where(score >= 7, 0.5, 0.0))
    return {
        "nps": np.where(np.isnan(score), _NEUTRAL, nps_part),
        "trend": np.where(np.isnan(before), _NEUTRAL, (score - before + 10) / 20),
        "recency": np.where(np.isnan(days), 0.0, np.exp(-days / 180)),
    }


def _responsiveness(ids, invitations, responses, end, window_days) -> np.ndarray:
    sent = invitations[pd.to_datetime(invitations["invited_at"], utc=True) <= end - window_days * DAY]
    answers = responses[pd.to_datetime(responses["responded_at"], utc=True) <= end]
    matched = match_invitations(sent, answers, window_days=window_days)
    per = matched.groupby("customer_id")["responded"].agg(["sum", "size"])
    answered = per["sum"].reindex(ids).fillna(0).to_numpy(float)
    invited = per["size"].reindex(ids).fillna(0).to_numpy(float)
    return (answered + 1) / (invited + 2)
