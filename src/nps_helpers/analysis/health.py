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
- ``recency``: ``exp(-days since the last response / 180)``.

A component a customer lacks (no response yet, no invitation) counts as 0.5, neither
good nor bad, so a customer who never answered is not pushed down for lack of answers;
a component the data lacks entirely (no revenue column) is dropped and the other
weights rescaled. The default weights are set by judgement, not fitted to any client's
data; :func:`health_check` measures how well the score ranks later churners out of time.

The bands a report shows are calibrated to churn (:func:`health_risk`): a logistic
regression of churn within the horizon on the score at an earlier date whose follow-up
is complete gives each score a predicted risk, and a customer is 'critical' from
``RISK_RATIOS['critical']`` times the average risk at that date, 'at_risk' from
``RISK_RATIOS['at_risk']`` times, else 'healthy'. The link is fitted at ``end - 2 x
horizon`` and each band's churn observed at ``end - horizon``, out of time; when the
data are too short for that, both at ``end - horizon`` (in sample). Without enough
churners to fit, the bands follow the score thresholds of :class:`HealthWeights`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import ArrayLike
from sklearn.metrics import roc_auc_score

from ..config.params import HealthWeights
from ..errors import NpsInputError, NpsParamsError
from .churn import MIN_EVENTS
from .experience import RESPONSE_WINDOW_DAYS, answered_within, to_utc

BANDS = ("critical", "at_risk", "healthy")
# Calibrated bands: predicted churn risk over the average risk at the fit, from which a
# customer is in the band. Twice the average is where a call pays; 1.5 times is a watch.
RISK_RATIOS = {"critical": 2.0, "at_risk": 1.5}
# The components in words, for the at-risk CSV (in the order of HealthWeights).
COMPONENT_NAMES = {
    "tenure": "tenure",
    "plan": "plan",
    "revenue": "revenue",
    "nps": "latest score",
    "trend": "score trend",
    "responsiveness": "survey responsiveness",
    "recency": "time since last answer",
}
DAY = pd.Timedelta(days=1)
_NEUTRAL = 0.5
_TEXT = pd.Series(["text"]).dtype  # the dtype pandas infers for text


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
    per component (0..1). Holds customer ids: for internal CSVs only. For several dates,
    :func:`health_by_date` is faster than one call per date.

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
    _check_customers(customers)
    end = to_utc(as_of) if as_of is not None else latest_date(customers, responses, invitations)
    book = _Book(customers, responses, invitations, response_window_days)
    return book.health(end, weights or HealthWeights(), plan_scores)


def health_by_date(
    customers: pd.DataFrame,
    responses: pd.DataFrame,
    invitations: pd.DataFrame | None,
    dates: Sequence[pd.Timestamp | str],
    *,
    weights: HealthWeights | None = None,
    plan_scores: Mapping[str, float] | None = None,
    response_window_days: int = RESPONSE_WINDOW_DAYS,
) -> dict[pd.Timestamp, pd.DataFrame]:
    """:func:`customer_health` at each date in ``dates`` (keys: the dates in UTC, in order).

    The same frames as one call per date, several times faster: the work that does not
    depend on the date (matching ids, sorting answers, matching invitations) is done once.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["a"],
    ...     "started_at": pd.to_datetime(["2024-01-01"], utc=True)})
    >>> answers = pd.DataFrame({"customer_id": ["a", "a"], "score": [3, 10],
    ...     "responded_at": pd.to_datetime(["2025-03-01", "2025-09-01"], utc=True)})
    >>> healths = health_by_date(customers, answers, None, ["2025-06-01", "2025-12-01"])
    >>> {str(date.date()): health.loc[0, "band"] for date, health in healths.items()}
    {'2025-06-01': 'critical', '2025-12-01': 'healthy'}
    """
    _check_customers(customers)
    book = _Book(customers, responses, invitations, response_window_days)
    weights = weights or HealthWeights()
    return {to_utc(date): book.health(to_utc(date), weights, plan_scores) for date in dates}


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
    return pd.Series(pd.array(pa.array(BANDS).take(codes), dtype="string"))


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

    ``options`` go to :func:`health_by_date` (weights, plan_scores...); a date given twice
    counts once.

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
    return band_trend_of(health_by_date(customers, responses, invitations, dates, **options))


def band_trend_of(healths: Mapping[pd.Timestamp, pd.DataFrame]) -> pd.DataFrame:
    """The table of :func:`band_trend` from health frames by date (as :func:`health_by_date`).

    Examples
    --------
    >>> healths = {pd.Timestamp("2026-01-01", tz="UTC"): pd.DataFrame({"band": ["healthy"]})}
    >>> band_trend_of(healths)[["band", "customers"]].values.tolist()
    [['critical', 0], ['at_risk', 0], ['healthy', 1]]
    """
    frames = [band_counts(health).assign(as_of=date) for date, health in healths.items()]
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
    gone = churn_dates(customers).reindex(health["customer_id"])
    churned = (gone > end) & (gone <= stop)
    band_churn = (
        pd.DataFrame({"band": health["band"].to_numpy(), "churned": churned.to_numpy()})
        .groupby("band")["churned"].agg(customers="size", churned="sum")
        .reindex(list(BANDS), fill_value=0).rename_axis("band").reset_index()
    )
    band_churn["rate"] = band_churn["churned"] / band_churn["customers"].where(band_churn["customers"] > 0)
    events = int(churned.sum())
    observed_to = to_utc(data_end) if data_end is not None else latest_date(customers, responses, invitations)
    if observed_to < stop:
        status, auc = "not_observed", float("nan")
    elif min(events, len(health) - events) < MIN_EVENTS:
        status, auc = "too_few_events", float("nan")
    else:
        status, auc = "ok", float(roc_auc_score(churned.to_numpy(), 100 - health["score"].to_numpy()))
    return HealthCheck(status, end, horizon_days, len(health), events, auc,
                       band_churn.astype({"band": "string"}))


def at_risk_customers(
    health: pd.DataFrame, customers: pd.DataFrame | None = None, weights: HealthWeights | None = None
) -> pd.DataFrame:
    """Customers in the 'critical' and 'at_risk' bands, lowest score first, for the internal CSV.

    The score is rounded to one decimal; ``weakest_components`` names in English words
    (``COMPONENT_NAMES``) the two components that cost the customer the most points,
    ``weight x (1 - component)`` with the ``weights`` the score was made with (ties in
    the order of ``COMPONENT_NAMES``). Bands calibrated by :meth:`HealthRisk.apply` add
    the predicted ``risk`` (to three decimals) and order the list by it, highest first.
    With ``customers``, their plan and revenue are added to help prioritise the calls.

    Examples
    --------
    >>> health = pd.DataFrame({"customer_id": ["a", "b"], "score": [20.04, 90.0],
    ...     "band": ["critical", "healthy"], "c_tenure": [0.1, 0.9], "c_nps": [0.0, 1.0],
    ...     "c_recency": [0.9, 0.8]})
    >>> at_risk_customers(health).values.tolist()
    [['a', 20.0, 'critical', 'latest score; tenure']]
    """
    risky = health[health["band"].isin(["critical", "at_risk"])]
    out = risky[["customer_id", "score", "band"]].assign(
        score=risky["score"].round(1), weakest_components=_weakest(risky, weights or HealthWeights()))
    if "risk" in risky.columns:
        out.insert(3, "risk", risky["risk"].round(3))
    if customers is not None:
        extra = [c for c in ("plan", "revenue") if c in customers.columns]
        if extra:
            info = customers[["customer_id", *extra]].drop_duplicates("customer_id")
            out = out.merge(info, on="customer_id", how="left")
    # The unrounded values set the order: two customers at 20.0 stay as ranked.
    key = -risky["risk"].to_numpy() if "risk" in risky.columns else risky["score"].to_numpy()
    order = np.argsort(key, kind="stable")
    return out.iloc[order].reset_index(drop=True)


# --- internals --------------------------------------------------------------------------
def _weakest(health: pd.DataFrame, weights: HealthWeights, count: int = 2) -> list[str]:
    """Each row's ``count`` components that cost the most points, as words joined by '; '."""
    present = [k for k in COMPONENT_NAMES if f"c_{k}" in health.columns]
    if not present:
        return [""] * len(health)
    lost = np.column_stack([weights.components()[k] * (1 - health[f"c_{k}"].to_numpy(float)) for k in present])
    order = np.argsort(-lost, axis=1, kind="stable")[:, :count]
    return ["; ".join(COMPONENT_NAMES[present[i]] for i in row) for row in order]


def latest_date(customers: pd.DataFrame, responses: pd.DataFrame,
             invitations: pd.DataFrame | None) -> pd.Timestamp:
    """The newest date the data hold (customers' start or churn, answers, invitations).

    Examples
    --------
    >>> c = pd.DataFrame({"started_at": ["2026-01-05"], "churned_at": [None]})
    >>> r = pd.DataFrame({"responded_at": ["2026-03-01"]})
    >>> latest_date(c, r, None).date().isoformat()
    '2026-03-01'
    """
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


def churn_dates(customers: pd.DataFrame) -> pd.Series:
    """Each customer's churn date (NaT while a customer), indexed by customer id.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b"], "churned_at": ["2026-02-01", None]})
    >>> churn_dates(c).notna().tolist()
    [True, False]
    """
    return _churned_at(customers.drop_duplicates("customer_id").set_index("customer_id"))


def _churned_at(frame: pd.DataFrame) -> pd.Series:
    churned = frame["churned_at"] if "churned_at" in frame.columns else pd.Series(pd.NaT, index=frame.index)
    return pd.to_datetime(churned, utc=True)


def _check_customers(customers: pd.DataFrame) -> None:
    for column in ("customer_id", "started_at"):
        if column not in customers.columns:
            raise NpsInputError(f"customer health needs the column '{column}' in the customers table")


class _Book:
    """What the health at any date needs, prepared once: answers and invitations keyed by
    integer codes of the customer ids (codes index plain arrays; strings are slow keys)."""

    def __init__(self, customers, responses, invitations, window_days: int):
        frame = customers.drop_duplicates("customer_id").reset_index(drop=True)
        answers = responses[["customer_id", "responded_at", "score"]]
        answers = answers[(answers["customer_id"].notna() & answers["responded_at"].notna()).to_numpy()]
        linked = invitations is not None and {"customer_id", "invited_at"} <= set(invitations.columns)
        sent = invitations[["customer_id", "invited_at"]].dropna() if linked else None
        ids = [frame["customer_id"], answers["customer_id"], *([sent["customer_id"]] if sent is not None else [])]
        codes, names = pd.factorize(pd.concat(ids, ignore_index=True))
        self.code, answer_code, self.invited_code = np.split(codes, np.cumsum([len(frame), len(answers)]))
        # Per-code counts get one more slot, always 0, where code -1 (no id) lands.
        self.slots = len(names) + 1
        self.ids = frame["customer_id"]
        self.started_at = pd.to_datetime(frame["started_at"], utc=True)
        self.churned_at = _churned_at(frame)
        self.revenue = frame["revenue"] if "revenue" in frame.columns else None
        self.plan: np.ndarray | None
        self.plan_names: pd.Index | None
        self.plan, self.plan_names = pd.factorize(frame["plan"]) if "plan" in frame.columns else (None, None)
        answered_at = pd.DatetimeIndex(pd.to_datetime(answers["responded_at"], utc=True))
        # Answers with a score by customer, then time: those up to any date lead each run.
        scored = np.flatnonzero(answers["score"].notna())
        order = scored[np.lexsort((answered_at.asi8[scored], answer_code[scored]))]
        self.said_code, self.said_at = answer_code[order], answered_at[order]
        self.said_score = answers["score"].iloc[order].astype(float).to_numpy()
        self.said_from = np.searchsorted(self.said_code, np.arange(self.slots))
        self.window_days = window_days
        self.invited_at: pd.DatetimeIndex | None = None
        self.answered: np.ndarray | None = None
        if sent is not None:
            self.invited_at = pd.DatetimeIndex(pd.to_datetime(sent["invited_at"], utc=True))
            # Matched once: an invitation counts at a date only once its window closed by
            # then, so the answers after the date can never change its flag.
            self.answered = answered_within(self.invited_code, self.invited_at, answer_code, answered_at,
                                            window_days=window_days)

    def health(self, end: pd.Timestamp, weights: HealthWeights, plan_scores) -> pd.DataFrame:
        """The frame of :func:`customer_health` at ``end``."""
        # A churn after as_of is the future: the customer is active at as_of.
        alive = ((self.started_at <= end) & (self.churned_at.isna() | (self.churned_at > end))).to_numpy()
        rows = np.flatnonzero(alive)
        started = self.started_at.iloc[rows].reset_index(drop=True)
        parts = {"tenure": 1 - np.exp(-((end - started) / DAY).to_numpy(float) / 730.5)}
        plan = None if self.plan is None else self.plan[rows]
        revenue = None if self.revenue is None else self.revenue.iloc[rows].reset_index(drop=True)
        if revenue is not None and revenue.notna().any():
            revenue = pd.to_numeric(revenue)
            parts["revenue"] = revenue.rank(pct=True).fillna(_NEUTRAL).to_numpy()
            if plan is not None and (plan >= 0).any():
                parts["plan"] = self._plan_component(plan, revenue, plan_scores)
        elif plan_scores and plan is not None:
            parts["plan"] = self._plan_component(plan, None, plan_scores)
        code = self.code[rows]
        parts.update(self._voice(code, end))
        if self.answered is not None:
            parts["responsiveness"] = self._responsiveness(code, end)
        wanted = {k: w for k, w in weights.components().items() if k in parts and w > 0}
        if not wanted:
            raise NpsParamsError("key 'health_weights': every usable component has weight 0")
        total = sum(wanted.values())
        score = 100 * sum(w * parts[k] for k, w in wanted.items()) / total
        order = self._order(rows, score)
        out = pd.DataFrame({"customer_id": self._ids(rows[order]), "score": score[order]})
        out["band"] = bands(out["score"], weights)
        for key in wanted:
            out[f"c_{key}"] = parts[key][order]
        return out

    def _order(self, rows: np.ndarray, score: np.ndarray) -> np.ndarray:
        """Lowest score first, ties by customer id: the order of sort_values(["score", "customer_id"])."""
        order = np.argsort(score)
        ranked = score[order]
        if (ranked[1:] == ranked[:-1]).any():  # rare: only then are the ids worth sorting
            order = np.lexsort((self._id_rank[rows], score))
        return order

    @cached_property
    def _id_rank(self) -> np.ndarray:
        rank = pd.factorize(self.ids, sort=True)[0]  # as sort_values ranks them
        return np.where(rank < 0, len(rank), rank)  # no id sorts last

    def _ids(self, rows: np.ndarray) -> ArrayLike:
        """The ids of ``rows`` in the dtype pandas infers from their values (as always given)."""
        if self.ids.dtype == _TEXT and (self.code[rows] >= 0).any():
            return self.ids.array.take(rows)  # the same as inferring when one id is text; 10x faster
        return self.ids.to_numpy()[rows]

    def _plan_component(self, plan: np.ndarray, revenue: pd.Series | None, plan_scores) -> np.ndarray:
        # Called only with codes of a plan column, so its names exist.
        assert self.plan_names is not None
        if plan_scores:
            by_plan = np.array([float(plan_scores.get(p, _NEUTRAL)) for p in self.plan_names])
        else:
            assert revenue is not None, "without plan scores the plans are ranked by revenue"
            named = plan >= 0
            medians = revenue[named].groupby(plan[named]).median()
            rank = (medians.rank(method="average") - 1) / max(len(medians) - 1, 1)
            by_plan = np.full(len(self.plan_names), np.nan)
            by_plan[medians.index.to_numpy()] = rank.to_numpy()
        value = np.append(by_plan, np.nan)[plan]  # no plan (code -1): the last, NaN
        return np.where(np.isnan(value), _NEUTRAL, value)

    def _voice(self, code: np.ndarray, end: pd.Timestamp) -> dict[str, np.ndarray]:
        """nps, trend and recency components from each customer's last two responses."""
        count = np.bincount(self.said_code[self.said_at <= end], minlength=self.slots)[code]
        last = self.said_from[code] + count - 1
        score, before, days = (np.full(len(code), np.nan) for _ in range(3))
        some, two = count >= 1, count >= 2
        score[some] = self.said_score[last[some]]
        before[two] = self.said_score[last[two] - 1]
        days[some] = (end - self.said_at[last[some]]) / DAY
        nps_part = np.where(score >= 9, 1.0, np.where(score >= 7, 0.5, 0.0))
        return {
            "nps": np.where(np.isnan(score), _NEUTRAL, nps_part),
            "trend": np.where(np.isnan(before), _NEUTRAL, (score - before + 10) / 20),
            "recency": np.where(np.isnan(days), _NEUTRAL, np.exp(-days / 180)),
        }

    def _responsiveness(self, code: np.ndarray, end: pd.Timestamp) -> np.ndarray:
        assert self.invited_at is not None and self.answered is not None, "only with linked invitations"
        sent = np.asarray(self.invited_at <= end - self.window_days * DAY)
        invited = np.bincount(self.invited_code[sent], minlength=self.slots)[code].astype(float)
        answered = np.bincount(self.invited_code[sent], weights=self.answered[sent], minlength=self.slots)[code]
        return (answered + 1) / (invited + 2)
