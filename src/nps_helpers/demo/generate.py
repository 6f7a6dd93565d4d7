"""One demo client's tables (responses, customers, invitations, reviews), vectorised.

The story behind the numbers:

* every customer has a latent *health*; churn follows a Weibull hazard (falling with
  tenure) raised by poor health, the cheapest plan and low revenue;
* healthier customers answer more invitations, so responders churn less than
  non-responders;
* a score is an ordinal cut of a latent satisfaction: the client's level, a monthly
  wobble, a drift, the real shifts of its events, segment effects, driver ratings where
  the client has them, and ``CHURN_LINKS[profile.churn_link]`` times health, so the
  score says as much about churn as the profile claims (nothing for ``none``);
* comments follow the score's sentiment and the themes the client's industry and
  recent events stir up; review stars follow the month's satisfaction for some clients.

Times are integer microseconds since the epoch (UTC) until the frames are built.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.special import expit, logit
from scipy.stats import norm

from .comments import COMMENT_LANGUAGES, DEMO_INDUSTRIES, INDUSTRY_THEMES, demo_comment_bank
from .profiles import (
    CHURN_LINKS,
    DRIVER_THEMES,
    PLANS,
    REGIONS,
    TOUCHPOINT_LABELS,
    TOUCHPOINTS,
    ClientProfile,
)

START = pd.Timestamp("2024-10-01", tz="UTC")
END = pd.Timestamp("2026-10-01", tz="UTC")
MONTHS = 24
_SECOND = 1_000_000
_DAY = 86_400 * _SECOND
_YEAR = int(365.25 * _DAY)
_T0 = START.value // 1000
_T1 = END.value // 1000
_HISTORY_YEARS = 6  # customers started up to this long before the window
_ANON_SHARE = 0.05  # responses from an open link, with no customer id
_EXPOSURE_YEARS = 1.3  # mean in-window years per generated customer (sizes the base)

# Score shares at a latent of 0 (NPS +28); a client's level moves the whole curve.
SCORE_SHARES = np.array([0.03, 0.01, 0.015, 0.02, 0.025, 0.05, 0.06, 0.12, 0.18, 0.20, 0.29])
_SCORE_CUTS = norm.ppf(np.cumsum(SCORE_SHARES)[:-1])
_CSAT_CUTS = norm.ppf(np.cumsum([0.05, 0.08, 0.17, 0.35])) - 0.3
_CES_CUTS = norm.ppf(np.cumsum([0.04, 0.06, 0.10, 0.15, 0.25, 0.22])) - 0.3
_STAR_CUTS = norm.ppf(np.cumsum([0.12, 0.07, 0.10, 0.25]))

ANNUAL_CHURN = {
    "banking": 0.08, "insurance": 0.12, "telecom": 0.18, "retail": 0.25, "ecommerce": 0.30,
    "software": 0.15, "airlines": 0.30, "hospitality": 0.35, "healthcare": 0.10, "utilities": 0.10,
}
ANNUAL_REVENUE = {
    "banking": 600.0, "insurance": 900.0, "telecom": 420.0, "retail": 300.0, "ecommerce": 250.0,
    "software": 2400.0, "airlines": 800.0, "hospitality": 500.0, "healthcare": 700.0, "utilities": 1100.0,
}
_WEIBULL_SHAPE = 0.8  # below 1: new customers leave more readily than old ones
_HEALTH_CHURN = 0.9  # log-hazard per SD of poor health
_REGION_SHARES = np.array([0.33, 0.24, 0.18, 0.14, 0.107, 0.003])
_TOUCH_SHARES = np.array([0.42, 0.25, 0.18, 0.14, 0.01])
# How often customers of an industry write about each theme, by sentiment (neg, mixed, pos):
# complaints gather on money and failures, praise on people and ease.
THEME_WEIGHTS = {
    "banking": {"fees": (1.4, 1.0, 0.5), "digital": (1.2, 1.4, 1.4), "branches": (0.7, 0.6, 0.4),
                "staff": (0.8, 0.9, 1.6), "waiting": (1.0, 0.9, 0.5), "support": (1.3, 1.0, 1.0),
                "security": (0.6, 0.4, 0.5), "products": (0.7, 0.8, 0.7)},
    "telecom": {"installation": (0.9, 0.6, 0.5), "connection": (1.8, 1.2, 1.0), "price": (1.6, 1.3, 0.9),
                "billing": (1.3, 0.7, 0.5), "support": (1.5, 1.1, 1.0), "staff": (0.5, 0.6, 1.0),
                "communication": (0.7, 0.5, 0.3), "ordering": (0.5, 0.6, 0.5)},
    "insurance": {"claims": (1.8, 1.2, 1.2), "price": (1.6, 1.4, 0.9), "cover": (0.9, 0.8, 0.6),
                  "renewal": (1.0, 0.7, 0.5), "support": (1.2, 1.0, 1.0), "staff": (0.6, 0.8, 1.4),
                  "communication": (0.7, 0.5, 0.4)},
    "ecommerce": {"delivery": (1.8, 1.4, 1.5), "returns": (1.2, 0.9, 0.6), "product": (1.1, 1.1, 1.2),
                  "price": (0.7, 1.0, 0.8), "stock": (0.6, 0.7, 0.4), "website": (0.8, 0.9, 0.9),
                  "support": (1.1, 0.8, 0.6), "communication": (0.6, 0.4, 0.3)},
    "software": {"usability": (1.1, 1.3, 1.6), "features": (0.9, 1.4, 1.1), "reliability": (1.6, 1.0, 0.9),
                 "performance": (1.0, 1.0, 0.7), "price": (1.2, 1.0, 0.6), "support": (1.2, 0.9, 1.1),
                 "onboarding": (0.5, 0.6, 0.6), "integrations": (0.6, 0.8, 0.6)},
}
# Sentiment of a comment by score 0-10 (columns SENTIMENTS): low scores only complain,
# passives mostly name a fixable issue, promoters praise.
_SENTIMENT_BY_SCORE = np.array(
    [(1.0, 0.0, 0.0)] * 5 + [(0.8, 0.2, 0.0)] * 2 + [(0.2, 0.7, 0.1), (0.1, 0.7, 0.2), (0.0, 0.15, 0.85), (0.0, 0.05, 0.95)]
)
_COMMENT_BY_CATEGORY = np.array([1.25, 0.85, 0.95])
_EVENT_THEME_DAYS = 120  # how long a lasting event keeps its theme in the comments


@dataclass(frozen=True)
class DemoTables:
    """One client's demo tables, ready for ``Store.replace`` (``reviews`` may be None)."""

    responses: pd.DataFrame
    customers: pd.DataFrame
    invitations: pd.DataFrame
    reviews: pd.DataFrame | None


def client_tables(profile: ClientProfile, n_responses: int, rng: np.random.Generator) -> DemoTables:
    """Generate one client's tables with exactly ``n_responses`` responses.

    Examples
    --------
    >>> from nps_helpers.demo.profiles import CURATED
    >>> t = client_tables(CURATED[0], 300, np.random.default_rng(1))
    >>> len(t.responses), int(t.responses["score"].between(0, 10).sum())
    (300, 300)
    >>> t.responses["responded_at"].max().date().isoformat()
    '2026-09-30'
    """
    n_anon = max(1, round(n_responses * _ANON_SHARE))
    n_linked = n_responses - n_anon
    invites_wanted = n_linked / profile.response_rate
    n_base = max(20, int(np.ceil(invites_wanted / (profile.invites_per_year * _EXPOSURE_YEARS))))
    cust = _customers(profile, n_base, rng)
    inv_customer, inv_time = _invitations(cust, invites_wanted, rng)
    # Responders: invitations drawn without replacement, weighted by responsiveness
    # (Efraimidis-Spirakis keys), so healthy customers answer more often.
    answers = expit(logit(profile.response_rate) + 0.5 * cust["health"] + 0.5 * rng.standard_normal(len(cust["health"])))
    keys = np.log(rng.random(len(inv_time)) + 1e-300) / answers[inv_customer]
    n_linked = min(n_linked, len(inv_time))
    chosen = np.sort(np.argpartition(-keys, n_linked - 1)[:n_linked]) if n_linked else np.arange(0)
    delay = np.minimum(rng.exponential(20 * 3600 * _SECOND, n_linked), 3 * _DAY - _SECOND).astype(np.int64)
    linked_time = (inv_time[chosen] + delay) // _SECOND * _SECOND
    wobble = rng.normal(0, 0.03, MONTHS)  # month-to-month ups and downs of the whole client
    responses = _responses(profile, cust, inv_customer[chosen], linked_time, n_responses - n_linked, wobble, rng)
    return DemoTables(
        responses=responses,
        customers=_customer_frame(profile, cust),
        invitations=_frame({
            "customer_id": cust["ids"].take(pa.array(inv_customer)),
            "invited_at": _ts(inv_time),
        }),
        reviews=_reviews(profile, n_responses, wobble, rng) if profile.reviews else None,
    )


def _customers(profile: ClientProfile, n: int, rng: np.random.Generator) -> dict:
    plans = PLANS[profile.industry]
    plan_shares = np.array([0.5, 0.33, 0.17] if len(plans) == 3 else [0.7, 0.3])
    started = rng.integers(_T0 - _HISTORY_YEARS * _YEAR, _T1 - 7 * _DAY, n) // _SECOND * _SECOND
    plan = rng.choice(len(plans), n, p=plan_shares)
    region = rng.choice(len(_REGION_SHARES), n, p=_REGION_SHARES)
    health = rng.standard_normal(n)
    wealth = rng.standard_normal(n)
    revenue = np.round(ANNUAL_REVENUE[profile.industry] * np.array([1.0, 1.8, 3.5])[plan] * np.exp(0.45 * wealth), 2)
    plan_hazard = np.array([0.35, 0.0, -0.4])[plan]
    risk = -_HEALTH_CHURN * health + plan_hazard - 0.25 * wealth
    scale = (-np.log1p(-ANNUAL_CHURN[profile.industry])) ** (-1 / _WEIBULL_SHAPE)
    life = scale * np.exp(-risk / _WEIBULL_SHAPE) * rng.exponential(1.0, n) ** (1 / _WEIBULL_SHAPE)
    churned = started + np.minimum(life * _YEAR, 50 * _YEAR).astype(np.int64) // _SECOND * _SECOND
    # Customers gone before the window never appear in any export.
    keep = churned >= _T0
    order = np.argsort(started[keep], kind="stable")
    out = {
        "started": started[keep][order], "churned": churned[keep][order], "plan": plan[keep][order],
        "region": region[keep][order], "health": health[keep][order], "revenue": revenue[keep][order],
    }
    out["ids"] = _ids("C", len(order), 6)
    return out


def _invitations(cust: dict, wanted: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    first = np.maximum(cust["started"], _T0)
    last = np.minimum(cust["churned"], _T1) - 3 * _DAY  # room for the answer before leaving
    span = np.maximum(last - first, 0)
    appetite = rng.gamma(4.0, 0.25, len(span)) * span
    rate = wanted / max(appetite.sum(), 1.0)
    counts = rng.poisson(rate * appetite)
    who = np.repeat(np.arange(len(span)), counts)
    when = first[who] + (rng.random(len(who)) * span[who]).astype(np.int64) // _SECOND * _SECOND
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    # Two invitations of one customer in the same second would share a key.
    same = np.r_[False, (who[1:] == who[:-1]) & (when[1:] == when[:-1])]
    when = when + same * _SECOND
    by_time = np.argsort(when, kind="stable")
    return who[by_time], when[by_time]


def _responses(
    profile: ClientProfile,
    cust: dict,
    who: np.ndarray,
    when: np.ndarray,
    n_anon: int,
    wobble: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    plans = PLANS[profile.industry]
    anon_time = rng.integers(_T0, _T1, n_anon) // _SECOND * _SECOND
    # The newest response falls on the last day, so 'latest-quarter' is complete everywhere.
    anon_time[-1] = _T1 - _DAY + int(rng.integers(8, 20)) * 3600 * _SECOND
    time = np.r_[when, anon_time]
    customer = np.r_[who, np.full(n_anon, -1)]
    plan = np.r_[cust["plan"][who], rng.choice(len(plans), n_anon, p=np.bincount(cust["plan"], minlength=len(plans)) / len(cust["plan"]))]
    region = np.r_[cust["region"][who], rng.choice(len(_REGION_SHARES), n_anon, p=_REGION_SHARES)]
    health = np.r_[cust["health"][who], rng.standard_normal(n_anon)]
    order = np.argsort(time, kind="stable")
    time, customer, plan, region, health = time[order], customer[order], plan[order], region[order], health[order]
    n = len(time)
    touch = rng.choice(len(_TOUCH_SHARES), n, p=_TOUCH_SHARES)

    latent, drivers = _satisfaction(profile, time, plan, region, touch, health, wobble, rng)
    score = np.searchsorted(_SCORE_CUTS, latent).astype(np.int8)

    columns = {
        "response_id": _ids("R", n, 7),
        "customer_id": cust["ids"].take(pa.array(customer, mask=customer < 0)),
        "responded_at": _ts(time),
        "score": pa.array(score),
    }
    comment, language = _comments(profile, score, time, rng)
    columns["comment"], columns["language"] = comment, language
    if profile.csat:
        columns["csat"] = pa.array(_ordinal(0.8 * latent + 0.6 * rng.standard_normal(n), _CSAT_CUTS))
    if profile.ces:
        columns["ces"] = pa.array(_ordinal(0.7 * latent + 0.7 * rng.standard_normal(n), _CES_CUTS))
    columns["region"] = pa.array(REGIONS[profile.language]).take(pa.array(region))
    columns["plan"] = pa.array(plans).take(pa.array(plan))
    labels = TOUCHPOINT_LABELS[profile.language]
    columns["touchpoint"] = pa.array([labels[t] for t in TOUCHPOINTS[profile.industry]]).take(pa.array(touch))
    for name, values in drivers.items():
        columns[f"driver_{name}"] = pa.array(values)
    return _frame(columns)


def _satisfaction(profile, time, plan, region, touch, health, wobble, rng) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    n = len(time)
    link = CHURN_LINKS[profile.churn_link]
    base = profile.level + wobble[_month_index(time)] + profile.drift * ((time - _T0) / _YEAR - 1)
    # Real segment differences: plan (never for a client without a churn link, because
    # plan also drives churn), one region and two touchpoints.
    plan_effect = np.zeros(3) if link == 0 else np.array([-0.06, 0.0, 0.12])
    region_effect = np.zeros(len(_REGION_SHARES))
    region_effect[int(rng.integers(1, 5))] = rng.choice([-1, 1]) * 0.12
    touch_effect = np.array([0.06, 0.0, -0.12, 0.0, 0.0])
    base = base + plan_effect[plan] + region_effect[region] + touch_effect[touch]

    names = [d for d, _ in profile.drivers]
    weights = np.array([w for _, w in profile.drivers])
    ratings: dict[str, np.ndarray] = {}
    explained = link**2
    if names:
        corr = 0.4
        cov = corr + (1 - corr) * np.eye(len(names))
        share = min(0.45, 0.85 - explained)
        weights = weights * np.sqrt(share / (weights @ cov @ weights))
        common = rng.standard_normal(n)
        x = np.sqrt(corr) * common[:, None] + np.sqrt(1 - corr) * rng.standard_normal((n, len(names)))
        explained += share
    for event in profile.events:
        effect = _event_effect(event, time)
        theme_driver = [i for i, d in enumerate(names) if DRIVER_THEMES[profile.industry][d] == event.theme]
        if theme_driver:
            # The event moves its driver's rating, and the score through it.
            x[:, theme_driver[0]] += effect / weights[theme_driver[0]]
        else:
            base = base + effect
    # Health is centred on this client's respondents (who are the healthier survivors),
    # so ``profile.level`` alone sets the NPS level.
    latent = base + link * (health - health.mean()) + np.sqrt(max(0.15, 1 - explained)) * rng.standard_normal(n)
    if names:
        latent = latent + x @ weights
        means = rng.uniform(6.3, 8.0, len(names))
        noisy = means + 1.6 * x + 0.6 * rng.standard_normal(x.shape)
        for i, name in enumerate(names):
            ratings[name] = np.clip(np.rint(noisy[:, i]), 1, 10).astype(np.int8)
    return latent, ratings


def _event_effect(event, time: np.ndarray) -> np.ndarray:
    start = pd.Timestamp(event.date, tz="UTC").value // 1000
    end = _T1 + _YEAR if event.days is None else start + event.days * _DAY
    return event.shift * ((time >= start) & (time < end))


def _comments(profile: ClientProfile, score: np.ndarray, time: np.ndarray, rng) -> tuple[pa.Array, pa.Array]:
    category = np.where(score >= 9, 2, np.where(score >= 7, 1, 0))
    has = rng.random(len(score)) < profile.comment_rate * _COMMENT_BY_CATEGORY[category]
    score, time = score[has], time[has]
    sentiment = _draw(_SENTIMENT_BY_SCORE[score], rng)
    theme = _themes(profile, sentiment, time, rng)
    language = _languages(profile.language, len(time), rng)
    index = np.zeros(len(has), dtype=np.int64)
    industry = DEMO_INDUSTRIES.index(profile.industry)
    index[has] = demo_comment_bank().pick(language, industry, sentiment, theme, rng.random(len(time)))
    code = np.zeros(len(has), dtype=np.int64)
    code[has] = language
    return (
        demo_comment_bank().texts.take(pa.array(index, mask=~has)),
        pa.array(COMMENT_LANGUAGES).take(pa.array(code, mask=~has)),
    )


def _languages(client_language: str, n: int, rng) -> np.ndarray:
    own = COMMENT_LANGUAGES.index(client_language)
    # Clients abroad get some English; English clients get a few comments from migrants.
    other, share = (COMMENT_LANGUAGES.index("pl"), 0.03) if client_language == "en" else (0, 0.12)
    return np.where(rng.random(n) < share, other, own)


def _themes(profile: ClientProfile, sentiment: np.ndarray, time: np.ndarray, rng) -> np.ndarray:
    """Main theme per row (an index into the industry's themes): the industry's mix by
    sentiment, tilted by recent events."""
    spans = []
    for event in profile.events:
        start = pd.Timestamp(event.date, tz="UTC").value // 1000
        spans.append((start, start + (event.days or _EVENT_THEME_DAYS) * _DAY, event))
    edges = np.unique([t for s, e, _ in spans for t in (s, e)])
    era = np.searchsorted(edges, time, side="right")
    themes = INDUSTRY_THEMES[profile.industry]
    mix = np.array([THEME_WEIGHTS[profile.industry][t] for t in themes]).T  # sentiments x themes
    weights = np.empty((len(edges) + 1, *mix.shape))
    for k in range(len(edges) + 1):
        at = edges[k - 1] if k else _T0 - 1
        w = mix.copy()
        for s, e, event in spans:
            if s <= at < e and event.shift:
                hit = [1] + ([0] if event.shift < 0 else [2])
                w[hit, themes.index(event.theme)] *= 4
        weights[k] = w
    return _draw(weights[era, sentiment], rng)


def _reviews(profile: ClientProfile, n_responses: int, wobble: np.ndarray, rng) -> pd.DataFrame:
    n = max(12 * MONTHS, round(0.05 * n_responses))
    time = np.sort(rng.integers(_T0, _T1, n)) // _SECOND * _SECOND
    mood = np.zeros(MONTHS)
    if profile.reviews_follow_nps:
        # Stars follow the month's satisfaction (amplified: reviewers are the vocal ones).
        mid = (_T0 + (np.arange(MONTHS) + 0.5) * (_T1 - _T0) / MONTHS).astype(np.int64)
        mood = wobble + profile.drift * ((mid - _T0) / _YEAR - 1)
        for event in profile.events:
            mood = mood + _event_effect(event, mid)
        mood = 3.0 * (mood - mood.mean())
    latent = 0.3 + profile.level + mood[_month_index(time)] + rng.standard_normal(n)
    stars = _ordinal(latent, _STAR_CUTS)
    platform_shares = np.linspace(2, 1, len(profile.reviews))
    platform = _draw(np.tile(platform_shares / platform_shares.sum(), (n, 1)), rng)
    sentiment = np.array([0, 0, 1, 2, 2])[stars - 1]
    mix = np.array([THEME_WEIGHTS[profile.industry][t] for t in INDUSTRY_THEMES[profile.industry]]).T
    theme = _draw(mix[sentiment], rng)
    language = _languages(profile.language, n, rng)
    bank = demo_comment_bank()
    index = bank.pick(language, DEMO_INDUSTRIES.index(profile.industry), sentiment, theme, rng.random(n))
    return _frame({
        "review_id": _ids("V", n, 6),
        "platform": pa.array(profile.reviews).take(pa.array(platform)),
        "reviewed_at": _ts(time),
        "stars": pa.array(stars),
        "text": bank.texts.take(pa.array(index, mask=rng.random(n) > 0.75)),
    })


def _customer_frame(profile: ClientProfile, cust: dict) -> pd.DataFrame:
    churned = cust["churned"]
    return _frame({
        "customer_id": cust["ids"],
        "started_at": _ts(cust["started"]),
        "churned_at": pa.array(churned, type=pa.timestamp("us", tz="UTC"), mask=churned >= _T1),
        "revenue": pa.array(cust["revenue"]),
        "plan": pa.array(PLANS[profile.industry]).take(pa.array(cust["plan"])),
        "region": pa.array(REGIONS[profile.language]).take(pa.array(cust["region"])),
    })


def _draw(probs: np.ndarray, rng) -> np.ndarray:
    """One category per row of a (rows x categories) probability matrix."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cdf[:, -1]
    return (u[:, None] >= cdf).sum(axis=1)


def _ordinal(latent: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return (np.searchsorted(cuts, latent) + 1).astype(np.int8)


def _month_index(time: np.ndarray) -> np.ndarray:
    months = time.astype("datetime64[us]").astype("datetime64[M]")
    return (months - np.datetime64("2024-10", "M")).astype(np.int64)


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width=max(width, len(str(n))), padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _ts(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.timestamp("us", tz="UTC"))


def _frame(columns: dict[str, pa.Array]) -> pd.DataFrame:
    return pa.table(columns).to_pandas()
