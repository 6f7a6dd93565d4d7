"""The summary's findings: the report's tested results, ranked, as codes and values.

Each :class:`Finding` comes from a result that passed its own test in the section it
links to, and carries the figures that section shows. The segment flags are used as the
segment tables mark them, and the theme tests as
:func:`~nps_helpers.analysis.theme_impact.theme_impact` corrected them (Holm). Impact is in NPS
points, ``|NPS of everyone - NPS without the group, or without the theme's complaints|``
(for a change: the change itself); driver, churn, response-rate findings and a theme's
rise among detractors have no NPS effect (NaN) and rank after those that do.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.periods import Period, window
from .churn import ChurnResult, rate_difference
from .drivers import DriversResult
from .experience import RESPONSE_WINDOW_DAYS, match_invitations
from .trends import PeriodChange, period_change

MAX_FINDINGS = 5
MAX_SEGMENTS = 2  # segment findings at most, so a driver or theme still has a place


@dataclass(frozen=True)
class Finding:
    """One finding of the summary: a sentence code, the section it links to, its values.

    ``impact`` is in NPS points (NaN when the finding moves no NPS), ``n`` the responses,
    customers or invitations behind it, ``values`` the figures the sentence names (numbers,
    period labels, names: which ones depends on ``code``, so they are typed ``Any``).
    """

    code: str
    section: str
    impact: float
    n: int
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RateChange:
    """Invitations of a period answered within the window, against the period before.

    ``significant`` is the pooled two-proportion test of the two rates (False without a
    previous period).
    """

    invited: int
    answered: int
    previous_invited: int
    previous_answered: int
    p_value: float
    significant: bool

    @property
    def rate(self) -> float:
        """The period's response rate (NaN without invitations)."""
        return self.answered / self.invited if self.invited else math.nan

    @property
    def previous_rate(self) -> float:
        """The previous period's response rate (NaN without invitations)."""
        return self.previous_answered / self.previous_invited if self.previous_invited else math.nan


def year_earlier(period: Period) -> Period:
    """The same window one year before (its label too, when it is a calendar period).

    Examples
    --------
    >>> from nps_helpers.core.periods import parse_period
    >>> year_earlier(parse_period("2026-Q3")).label
    '2025-Q3'
    >>> year_earlier(parse_period("2026-04-10..2026-04-20")).label
    '2025-04-10..2025-04-20'
    """
    year = pd.DateOffset(years=1)
    start, end = (period.start.tz_localize(None) - year), (period.end.tz_localize(None) - year)
    label = re.sub(r"^(\d{4})", lambda m: str(int(m[1]) - 1), period.label)
    return window(str(start.date()), str(end.date()), label, tz=period.tz)


def year_change(responses: pd.DataFrame, period: Period, *, level: float = 0.95) -> PeriodChange:
    """The period's NPS against the same period a year earlier, as a :class:`PeriodChange`.

    Its ``previous`` is the year-earlier window; the verdict codes are those of
    :func:`~nps_helpers.analysis.trends.period_change` ('no_previous_period' when the data do not
    reach back that far).

    Examples
    --------
    >>> from nps_helpers.core.periods import parse_period
    >>> frame = pd.DataFrame({"score": [10] * 30 + [0] * 20 + [10] * 10 + [0] * 40,
    ...     "responded_at": pd.to_datetime(["2026-08-01"] * 50 + ["2025-08-01"] * 50, utc=True)})
    >>> ch = year_change(frame, parse_period("2026-Q3"))
    >>> ch.previous.label, round(ch.difference.difference), ch.verdict
    ('2025-Q3', 80, 'significant_increase')
    """
    return period_change(responses, period, level=level, against=year_earlier(period))


def response_rate_change(
    invitations: pd.DataFrame,
    responses: pd.DataFrame,
    period: Period,
    *,
    window_days: int = RESPONSE_WINDOW_DAYS,
    level: float = 0.95,
) -> RateChange | None:
    """Invitations sent in ``period`` (and in the one before) answered within ``window_days``.

    None without invitations (or customer ids) in the period. ``responses`` must reach
    back to the previous period (a report's ``history``).

    Examples
    --------
    >>> from nps_helpers.core.periods import parse_period
    >>> inv = pd.DataFrame({"customer_id": list("abcd"),
    ...     "invited_at": pd.to_datetime(["2026-07-02", "2026-07-02", "2026-04-02", "2026-04-02"], utc=True)})
    >>> res = pd.DataFrame({"customer_id": ["a", "c", "d"],
    ...     "responded_at": pd.to_datetime(["2026-07-05", "2026-04-05", "2026-04-06"], utc=True)})
    >>> ch = response_rate_change(inv, res, parse_period("2026-Q3"))
    >>> ch.rate, ch.previous_rate, ch.significant
    (0.5, 1.0, False)
    """
    needed = {"customer_id", "invited_at"}
    if invitations.empty or not needed <= set(invitations.columns) or "customer_id" not in responses:
        return None
    matched = match_invitations(invitations, responses, window_days=window_days)
    figures: list[int] = []
    for p in (period, period.previous()):
        inside = matched[(matched["invited_at"] >= p.start) & (matched["invited_at"] < p.end)]
        figures += [len(inside), int(inside["responded"].sum())]
    if figures[0] == 0:
        return None
    test = rate_difference(figures[1], figures[0], figures[3], figures[2], level=level)
    p_value = test.p_value if test is not None else math.nan
    invited, answered, previous_invited, previous_answered = figures
    return RateChange(invited, answered, previous_invited, previous_answered,
                      p_value=p_value, significant=bool(test is not None and test.significant))


def findings(
    *,
    change: PeriodChange | None = None,
    segments: Mapping[str, pd.DataFrame] | None = None,
    themes: pd.DataFrame | None = None,
    drivers: DriversResult | None = None,
    churn: ChurnResult | None = None,
    responses: RateChange | None = None,
    limit: int = MAX_FINDINGS,
) -> tuple[Finding, ...]:
    """The tested results worth a manager's attention, largest impact first (at most ``limit``).

    ``segments`` are the segment tables by column (:func:`~nps_helpers.analysis.segments.nps_by_segment`,
    flags as shown), ``themes`` is :func:`~nps_helpers.analysis.theme_impact.theme_impact`. A result
    enters only when it passed its test: a significant change, a shown group flagged
    significant (not small, not pooled), the theme whose complaints lower the NPS most
    significantly (else the theme whose share among detractors rose significantly), a
    driver in the 'concentrate_here' quadrant, churn significantly lower with higher
    scores, a significant change of the response rate. Codes: nps_rose, nps_fell,
    segment_above, segment_below, theme_lowers, theme_rose_among_detractors, driver,
    churn_link, response_rate_rose, response_rate_fell.

    Examples
    --------
    >>> from nps_helpers.analysis.trends import period_change
    >>> frame = pd.DataFrame({"score": [10] * 30 + [0] * 20 + [10] * 10 + [0] * 40,
    ...     "responded_at": pd.to_datetime(["2026-08-01"] * 50 + ["2026-05-01"] * 50, utc=True)})
    >>> [(f.code, f.section, round(f.impact), f.n) for f in findings(change=period_change(frame, "2026-Q3"))]
    [('nps_rose', 'change', 80, 50)]
    >>> findings()
    ()
    """
    found = [*_change(change), *_segments(segments or {}), *_theme(themes),
             *_driver(drivers), *_churn(churn), *_responses(responses)]
    ranked = sorted(found, key=lambda f: (math.isnan(f.impact), -abs(np.nan_to_num(f.impact))))
    return tuple(ranked[:limit])


def _change(change: PeriodChange | None) -> list[Finding]:
    if change is None or change.verdict not in ("significant_increase", "significant_decrease"):
        return []
    d = change.difference
    code = "nps_rose" if change.verdict == "significant_increase" else "nps_fell"
    return [Finding(code, "change", abs(d.difference), d.a.n,
                    {"difference": d.difference, "before": d.b.nps, "now": d.a.nps,
                     "previous": change.previous.label, "previous_n": d.b.n})]


def _segments(segments: Mapping[str, pd.DataFrame]) -> list[Finding]:
    found = []
    for column, frame in segments.items():
        shown = frame[~frame["suppressed"].astype(bool)]
        total = float(shown["n"].sum())
        tested = shown[shown["significant"].fillna(False).astype(bool) & (shown["flag"] == "ok")
                       & shown["group"].notna()]
        for row in tested.itertuples(index=False):
            # NPS of everyone shown minus NPS without this group = its share x its difference.
            impact = float(row.n) / total * float(row.difference)
            code = "segment_above" if row.difference > 0 else "segment_below"
            found.append(Finding(code, "segments", abs(impact), int(row.n),
                                 {"segment": column, "group": row.group, "nps": float(row.nps),
                                  "difference": float(row.difference), "impact": impact}))
    return sorted(found, key=lambda f: -f.impact)[:MAX_SEGMENTS]


def _theme(themes: pd.DataFrame | None) -> list[Finding]:
    if themes is None or themes.empty:
        return []
    lowers = themes[themes["significant"].astype(bool) & (themes["impact"] < 0)]
    if not lowers.empty:
        top = lowers.loc[lowers["impact"].idxmin()]
        return [Finding("theme_lowers", "comments", abs(float(top["impact"])), int(top["complaints"]),
                        {"theme": top["theme"], "impact": float(top["impact"]),
                         "ci_low": float(top["ci_low"]), "ci_high": float(top["ci_high"])})]
    rose = themes[themes["share_verdict"] == "rose"]
    if rose.empty:
        return []
    top = rose.loc[(rose["detractor_share"] - rose["previous_detractor_share"]).idxmax()]
    return [Finding("theme_rose_among_detractors", "comments", math.nan, int(top["detractors"]),
                    {"theme": top["theme"], "share": float(top["detractor_share"]),
                     "previous_share": float(top["previous_detractor_share"]),
                     "previous_n": int(top["previous_detractor_comments"])})]


def _driver(drivers: DriversResult | None) -> list[Finding]:
    if drivers is None or drivers.status != "ok":
        return []
    focus = drivers.table[drivers.table["quadrant"] == "concentrate_here"]
    if focus.empty:
        return []
    top = focus.iloc[0]
    return [Finding("driver", "drivers", math.nan, drivers.n,
                    {"driver": top["driver"], "share": float(top["share"]), "mean": float(top["mean"])})]


def _churn(churn: ChurnResult | None) -> list[Finding]:
    if churn is None or churn.status != "ok" or churn.verdict != "higher_score_less_churn":
        return []
    rates = churn.rates.set_index("category")
    return [Finding("churn_link", "churn", math.nan, int(rates["customers"].sum()),
                    {"detractor_rate": float(rates.at["detractor", "rate"]),
                     "promoter_rate": float(rates.at["promoter", "rate"]),
                     "horizon_days": churn.horizon_days})]


def _responses(change: RateChange | None) -> list[Finding]:
    if change is None or not change.significant:
        return []
    code = "response_rate_rose" if change.rate > change.previous_rate else "response_rate_fell"
    return [Finding(code, "category_split", math.nan, change.invited,
                    {"rate": change.rate, "previous_rate": change.previous_rate,
                     "previous_n": change.previous_invited})]
