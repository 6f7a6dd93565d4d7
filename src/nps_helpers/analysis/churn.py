"""Does NPS predict retention? Churn by category, an association test, retention curves.

Design choices, stated once:

- Only answers with a complete follow-up count: the follow-up ends at the data's end
  (``as_of``, default the latest date in the data) or at the report period's end
  (``period_end``) when that is earlier, so a report never uses churn after its period
  and never counts as retained a customer whose days are not over. Each customer counts
  once, through their latest response before the cut-off ``end - horizon``; "churned"
  means ``churned_at`` falls within ``horizon_days`` after that response. Customers who
  answered only after the cut-off are excluded (``excluded_recent`` counts them) rather
  than counted as retained; ``base_start`` and ``base_end`` are the first and last
  answer of the base, for the report to state. The Kaplan-Meier curves use every
  customer, censored at the end. A response dated after the customer's churn is
  inconsistent and skipped.
- The association test is a logistic regression of churned on score (odds ratio per
  point) and on category (detractors as the reference). The verdict rests on the
  likelihood-ratio test, which stays valid when the data separate perfectly (there the
  Wald test is useless), and needs at least ``MIN_EVENTS`` churners and as many stayers.
- Responders vs non-responders: each invited customer's latest invitation before the
  cut-off; responders answered within the response window after it. The comparison is
  an association: answering does not make anyone stay.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from ..errors import NpsInputError
from .experience import RESPONSE_WINDOW_DAYS, match_invitations, to_utc, wilson
from .metrics import CATEGORIES, categorize, z_value

HORIZON_DAYS = 180
MIN_EVENTS = 10
VERDICTS = ("higher_score_less_churn", "higher_score_more_churn", "no_association", "too_few_events")
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class RateDifference:
    """``rate_a - rate_b`` with a Newcombe interval and a pooled two-proportion z-test."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool


@dataclass(frozen=True)
class ChurnResult:
    """Churn comparisons of one client; ``status`` is 'ok' or 'not_available' (see ``reason``).

    ``as_of`` is where the follow-up ended; ``base_start`` and ``base_end`` the first and
    last of the base's answers (None when the base is empty).

    When not available, ``reason`` is the code to show ('no_customers', 'no_churn_column',
    'no_customer_ids', 'no_linked_responses') and the frames are empty.

    Frames (tidy, one row per group or per curve step):

    - ``rates``: category, customers, churned, rate, ci_low, ci_high (Wilson, 0..1)
    - ``association``: model ('score' or 'category'), term, odds_ratio, ci_low, ci_high,
      p_value (Wald, per term), lr_p_value (likelihood-ratio test of the model), converged
    - ``retention``: group, day, at_risk, events, survival, ci_low, ci_high (Kaplan-Meier)
    - ``responders``: group ('responder', 'non_responder'), customers, churned, rate, ci_low,
      ci_high; ``responder_difference`` is responder minus non-responder; without
      invitations both are empty and ``responders_reason`` is 'no_invitations'
    """

    status: str
    reason: str | None
    horizon_days: int
    as_of: pd.Timestamp | None = None
    rates: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded_recent: int = 0
    excluded_inconsistent: int = 0
    events: int = 0
    association: pd.DataFrame = field(default_factory=pd.DataFrame)
    verdict: str = "too_few_events"
    retention: pd.DataFrame = field(default_factory=pd.DataFrame)
    logrank_p_value: float = float("nan")
    responders: pd.DataFrame = field(default_factory=pd.DataFrame)
    responder_difference: RateDifference | None = None
    responders_reason: str | None = None
    level: float = 0.95
    base_start: pd.Timestamp | None = None
    base_end: pd.Timestamp | None = None


def churn_analysis(
    responses: pd.DataFrame,
    customers: pd.DataFrame | None,
    invitations: pd.DataFrame | None = None,
    *,
    horizon_days: int = HORIZON_DAYS,
    as_of: pd.Timestamp | str | None = None,
    period_end: pd.Timestamp | str | None = None,
    response_window_days: int = RESPONSE_WINDOW_DAYS,
    level: float = 0.95,
) -> ChurnResult:
    """Churn by NPS category within a horizon, its association with score, and retention.

    ``as_of`` is the end of observation (default: the latest date in the data); a report
    passes its ``period_end`` too, and the follow-up ends at the earlier of the two. Without a
    customers table (or without customer ids linking it to responses) the result has
    ``status='not_available'`` and a ``reason`` code, never an error.

    Examples
    --------
    >>> days = pd.to_datetime(["2025-01-01"] * 4, utc=True)
    >>> responses = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "responded_at": days, "score": [10, 9, 3, 2]})
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "started_at": pd.to_datetime(["2024-01-01"] * 4, utc=True),
    ...     "churned_at": pd.to_datetime([None, None, "2025-03-01", None], utc=True)})
    >>> r = churn_analysis(responses, customers, as_of="2026-01-01")
    >>> r.rates[["category", "customers", "churned", "rate"]].to_dict("records")[0]
    {'category': 'detractor', 'customers': 2, 'churned': 1, 'rate': 0.5}
    >>> r.verdict, str(r.base_start.date()), str(r.base_end.date())
    ('too_few_events', '2025-01-01', '2025-01-01')
    >>> early = churn_analysis(responses, customers, as_of="2026-01-01", period_end="2025-04-01")
    >>> early.excluded_recent, early.base_start  # 2025-01-01 + 180 days is after 2025-04-01
    (4, None)
    >>> churn_analysis(responses, None).status
    'not_available'
    """
    if horizon_days < 1:
        raise NpsInputError(f"horizon_days must be at least 1, got {horizon_days}")
    reason = _unavailable_reason(responses, customers)
    if reason:
        return ChurnResult("not_available", reason, horizon_days, level=level)
    linked, inconsistent = _link(responses, customers)
    if linked.empty:
        return ChurnResult("not_available", "no_linked_responses", horizon_days, level=level)
    end = _as_of(as_of, linked, customers, invitations)
    if period_end is not None:
        end = min(end, to_utc(period_end))
    cutoff = end - horizon_days * DAY
    eligible = _latest(linked[linked["responded_at"] <= cutoff])
    observed = _latest(linked[linked["responded_at"] <= end])
    eligible["churned"] = eligible["churned_at"].notna() & (
        eligible["churned_at"] <= eligible["responded_at"] + horizon_days * DAY
    )
    responders, difference = _responder_churn(
        invitations, responses, customers, cutoff, horizon_days, response_window_days, level
    )
    association, verdict = association_test(eligible["score"], eligible["churned"], level=level)
    retention, logrank = _retention(observed, end, level)
    return ChurnResult(
        status="ok",
        reason=None,
        horizon_days=horizon_days,
        as_of=end,
        rates=_rates(eligible, level),
        excluded_recent=int(observed["customer_id"].nunique() - eligible["customer_id"].nunique()),
        excluded_inconsistent=inconsistent,
        events=int(eligible["churned"].sum()),
        association=association,
        verdict=verdict,
        retention=retention,
        logrank_p_value=logrank,
        responders=responders,
        responder_difference=difference,
        responders_reason=None if _has_invitations(invitations) else "no_invitations",
        level=level,
        base_start=eligible["responded_at"].min() if len(eligible) else None,
        base_end=eligible["responded_at"].max() if len(eligible) else None,
    )


def association_test(
    scores: pd.Series, churned: pd.Series, *, level: float = 0.95, min_events: int = MIN_EVENTS
) -> tuple[pd.DataFrame, str]:
    """Logistic regressions of churned on score and on category, and the verdict code.

    Returns the tidy ``association`` frame (see :class:`ChurnResult`) and one of
    ``VERDICTS``. Fewer than ``min_events`` churners (or stayers) give 'too_few_events'.

    Examples
    --------
    >>> scores = pd.Series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * 4)
    >>> churned = pd.Series(([True] * 5 + [False] * 6) * 2 + ([True] * 2 + [False] * 9) * 2)
    >>> table, verdict = association_test(scores, churned, min_events=5)
    >>> verdict, table.loc[0, "term"], bool(table.loc[0, "odds_ratio"] < 1)
    ('higher_score_less_churn', 'score', True)
    """
    y = np.asarray(churned, dtype=float)
    x = np.asarray(scores, dtype=float)
    events = int(y.sum())
    if min(events, len(y) - events) < min_events:
        return _empty_association(), "too_few_events"
    score_rows, lr_p, slope = _logit(x[:, None], y, ["score"], level)
    cats = categorize(x.astype(int))
    dummies = pd.get_dummies(cats, dtype=float)[["passive", "promoter"]]
    dummies = dummies.loc[:, dummies.sum() > 0]
    cat_rows = _logit(dummies.to_numpy(), y, [f"category_{c}" for c in dummies.columns], level)[0]
    table = pd.DataFrame(score_rows + cat_rows)
    if lr_p >= 1 - level:
        verdict = "no_association"
    else:
        verdict = "higher_score_less_churn" if slope < 0 else "higher_score_more_churn"
    return table, verdict


def retention_curves(
    durations: pd.Series, churned: pd.Series, groups: pd.Series, *, level: float = 0.95
) -> tuple[pd.DataFrame, float]:
    """Kaplan-Meier retention per group, with log-log pointwise intervals and a log-rank p.

    ``durations`` are days observed, ``churned`` says whether the observation ended in
    churn (otherwise it is censored). Each curve has a row at day 0, one per churn day,
    and one at its last observed day, so a step plot shows the whole follow-up.

    Examples
    --------
    >>> curves, p = retention_curves(pd.Series([1.0, 2, 3, 4]), pd.Series([True, False, True, False]),
    ...     pd.Series(["x"] * 4))
    >>> curves["survival"].round(3).tolist()
    [1.0, 0.75, 0.375, 0.375]
    """
    z = z_value(level)
    frames = []
    t_all = np.asarray(durations, dtype=float)
    e_all = np.asarray(churned, dtype=float)
    g_all = np.asarray(groups, dtype=object)
    for name in pd.unique(g_all):
        mask = g_all == name
        sf = SurvfuncRight(t_all[mask], e_all[mask])
        s, se = sf.surv_prob, sf.surv_prob_se
        with np.errstate(divide="ignore", invalid="ignore"):
            # log(-log S) keeps the interval inside 0..1 (Kalbfleisch & Prentice).
            half = z * se / (s * np.abs(np.log(s)))
            low = np.where((s > 0) & (s < 1), s ** np.exp(half), np.nan)
            high = np.where((s > 0) & (s < 1), s ** np.exp(-half), np.nan)
        curve = pd.DataFrame(
            {
                "group": name,
                "day": np.r_[0.0, sf.surv_times],
                "at_risk": np.r_[mask.sum(), sf.n_risk].astype("int64"),
                "events": np.r_[0, sf.n_events].astype("int64"),
                "survival": np.r_[1.0, s],
                "ci_low": np.r_[1.0, low],
                "ci_high": np.r_[1.0, high],
            }
        )
        last = t_all[mask].max()
        if last > curve["day"].iloc[-1]:
            tail = curve.iloc[[-1]].assign(day=last, events=0, at_risk=int((t_all[mask] >= last).sum()))
            curve = pd.concat([curve, tail], ignore_index=True)
        frames.append(curve)
    curves = pd.concat(frames, ignore_index=True) if frames else _empty_curves()
    if len(pd.unique(g_all)) > 1 and e_all.sum() > 0:
        logrank = float(survdiff(t_all, e_all, g_all)[1])
    else:
        logrank = float("nan")
    return curves, logrank


def rate_difference(
    count_a: int, n_a: int, count_b: int, n_b: int, *, level: float = 0.95
) -> RateDifference | None:
    """``count_a/n_a - count_b/n_b`` with a Newcombe interval and a pooled z-test p-value.

    ``None`` when either group is empty.

    Examples
    --------
    >>> d = rate_difference(10, 100, 25, 100)
    >>> round(d.difference, 2), d.significant
    (-0.15, True)
    """
    if n_a == 0 or n_b == 0:
        return None
    low, high = confint_proportions_2indep(count_a, n_a, count_b, n_b, method="newcomb",
                                           compare="diff", alpha=1 - level)
    pooled = (count_a + count_b) / (n_a + n_b)
    # Both groups all churned (or none): the z-test is undefined and there is no difference.
    p_value = float(proportions_ztest([count_a, count_b], [n_a, n_b])[1]) if 0 < pooled < 1 else 1.0
    return RateDifference(
        difference=count_a / n_a - count_b / n_b,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        significant=p_value < 1 - level,
    )


# --- internals --------------------------------------------------------------------------
def _unavailable_reason(responses: pd.DataFrame, customers: pd.DataFrame | None) -> str | None:
    if customers is None or customers.empty:
        return "no_customers"
    if not {"customer_id", "churned_at"} <= set(customers.columns):
        return "no_churn_column"
    if not {"customer_id", "responded_at", "score"} <= set(responses.columns):
        return "no_customer_ids"
    if responses["customer_id"].notna().sum() == 0:
        return "no_customer_ids"
    return None


def _link(responses: pd.DataFrame, customers: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Responses joined to their customer's churn date; drops responses after churn."""
    left = responses[["customer_id", "responded_at", "score"]].dropna().copy()
    left["customer_id"] = left["customer_id"].astype("string")
    left["responded_at"] = pd.to_datetime(left["responded_at"], utc=True)
    linked = left.merge(_churn_dates(customers), on="customer_id", how="inner")
    after_churn = linked["churned_at"].notna() & (linked["churned_at"] < linked["responded_at"])
    linked = linked[~after_churn]
    linked = linked.assign(score=linked["score"].astype(int))
    return linked.reset_index(drop=True), int(after_churn.sum())


def _churn_dates(customers: pd.DataFrame) -> pd.DataFrame:
    """customer_id (string) and churned_at (UTC), one row per customer."""
    dates = customers[["customer_id", "churned_at"]].dropna(subset=["customer_id"])
    return pd.DataFrame(
        {"customer_id": dates["customer_id"].astype("string"),
         "churned_at": pd.to_datetime(dates["churned_at"], utc=True)}
    ).drop_duplicates("customer_id")


def _as_of(as_of, linked: pd.DataFrame, customers: pd.DataFrame, invitations) -> pd.Timestamp:
    if as_of is not None:
        return to_utc(as_of)
    stamps = [linked["responded_at"].max()]
    for col in ("started_at", "churned_at"):
        if col in customers.columns:
            stamps.append(pd.to_datetime(customers[col], utc=True).max())
    if invitations is not None and "invited_at" in invitations.columns:
        stamps.append(pd.to_datetime(invitations["invited_at"], utc=True).max())
    return max(s for s in stamps if pd.notna(s))


def _latest(linked: pd.DataFrame) -> pd.DataFrame:
    """Each customer's latest response (two on the same instant: the lower score counts)."""
    ordered = linked.sort_values(["customer_id", "responded_at", "score"], ascending=[True, True, False])
    return ordered.groupby("customer_id", sort=False).tail(1).reset_index(drop=True)


def _rates(eligible: pd.DataFrame, level: float) -> pd.DataFrame:
    cats = categorize(eligible["score"].to_numpy()).astype("string")
    return _rate_table("category", cats.to_numpy(), eligible["churned"].to_numpy(), CATEGORIES, level)


def _rate_table(name: str, groups, churned, order, level: float) -> pd.DataFrame:
    """Customers, churned and the churn rate with its Wilson interval, per group in ``order``."""
    table = (
        pd.DataFrame({name: groups, "churned": churned})
        .groupby(name)["churned"]
        .agg(customers="size", churned="sum")
        .reindex(list(order), fill_value=0)
        .astype("int64")
        .rename_axis(name)
        .reset_index()
    )
    table[name] = table[name].astype("string")
    rate, low, high = wilson(table["churned"], table["customers"], level)
    return table.assign(rate=rate, ci_low=low, ci_high=high)


def _logit(x: np.ndarray, y: np.ndarray, names: list[str], level: float):
    """Fit ``y ~ 1 + x``; rows per term, the LR-test p-value and the first slope."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning, RuntimeWarning))
        fit = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=0, maxiter=100)
    rate = y.mean()
    if 0 < rate < 1:
        # The constant-only model has a closed form; statsmodels would fit it numerically
        # (Nelder-Mead then BFGS), which on many customers costs more than the model itself.
        fit.set_null_options(llnull=len(y) * (rate * np.log(rate) + (1 - rate) * np.log1p(-rate)))
    converged = bool(fit.mle_retvals.get("converged", True))
    ci = np.asarray(fit.conf_int(alpha=1 - level))
    lr_p = float(fit.llr_pvalue)
    rows = [
        {
            "model": "score" if names == ["score"] else "category",
            "term": name,
            "odds_ratio": float(np.exp(fit.params[i + 1])),
            "ci_low": float(np.exp(ci[i + 1, 0])) if converged else float("nan"),
            "ci_high": float(np.exp(ci[i + 1, 1])) if converged else float("nan"),
            "p_value": float(fit.pvalues[i + 1]) if converged else float("nan"),
            "lr_p_value": lr_p,
            "converged": converged,
        }
        for i, name in enumerate(names)
    ]
    return rows, lr_p, float(fit.params[1])


def _empty_association() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["model", "term", "odds_ratio", "ci_low", "ci_high", "p_value", "lr_p_value", "converged"]
    )


def _empty_curves() -> pd.DataFrame:
    return pd.DataFrame(columns=["group", "day", "at_risk", "events", "survival", "ci_low", "ci_high"])


def _retention(observed: pd.DataFrame, end: pd.Timestamp, level: float) -> tuple[pd.DataFrame, float]:
    churned = observed["churned_at"].notna() & (observed["churned_at"] <= end)
    stop = observed["churned_at"].where(churned, end)
    days = (stop - observed["responded_at"]) / DAY
    groups = categorize(observed["score"].to_numpy()).astype("string")
    return retention_curves(days, churned, groups, level=level)


def _has_invitations(invitations: pd.DataFrame | None) -> bool:
    return invitations is not None and {"customer_id", "invited_at"} <= set(invitations.columns)


def _responder_churn(invitations, responses, customers, cutoff, horizon_days, window_days, level):
    if not _has_invitations(invitations):
        return pd.DataFrame(), None
    matched = match_invitations(invitations, responses, window_days=window_days)
    matched = matched[matched["invited_at"] <= cutoff]
    latest = matched.sort_values(["customer_id", "invited_at"]).groupby("customer_id").tail(1)
    joined = latest.merge(_churn_dates(customers), on="customer_id", how="inner")
    joined = joined[joined["churned_at"].isna() | (joined["churned_at"] >= joined["invited_at"])]
    joined["churned"] = joined["churned_at"].notna() & (
        joined["churned_at"] <= joined["invited_at"] + horizon_days * DAY
    )
    group = np.where(joined["responded"], "responder", "non_responder")
    table = _rate_table("group", group, joined["churned"].to_numpy(), ("responder", "non_responder"), level)
    return table, rate_difference(
        int(table.loc[0, "churned"]), int(table.loc[0, "customers"]),
        int(table.loc[1, "churned"]), int(table.loc[1, "customers"]), level=level,
    )
