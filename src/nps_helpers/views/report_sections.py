"""The report's sections as a notebook shows them: each show_* returns the section's parts (text,
charts, tables) in the report's language, or nothing when the data do not allow it, so a cell
never needs an if; show_method names what was left out and the data that would enable it."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ..analysis.benchmarks import PeerBenchmark, industry_benchmark, peer_benchmark
from ..analysis.churn import ChurnResult, churn_analysis
from ..analysis.drivers import AGREEMENT, DriversResult, relative_weights
from ..analysis.experience import RESPONSE_WINDOW_DAYS, ces, csat, wilson
from ..analysis.metrics import NpsResult, nps
from ..analysis.reviews import stars_by_month, stars_vs_nps, stars_vs_nps_by_platform
from ..analysis.segments import holm_markers, nps_by_segment
from ..analysis.stats import portfolio_stats
from ..analysis.trends import PeriodChange, nps_by_period, period_change
from ..config.params import client_ids, load_client, locale_territory
from ..core.periods import HISTORY_MONTHS
from ..errors import NpsError
from ..present.commentary import Commentary
from ..present.plots import benchmark_position, driver_matrix, segment_forest
from ..present.record import record
from ..present.tables import (
    benchmark_table,
    driver_table,
    nps_table,
    score_table,
    stars_table,
)
from ..present.trend_plots import stars_trend
from ..present.trend_plots import trend as trend_chart
from .comment_sections import has_comments
from .customer_sections import health_trend_of, health_unavailable
from .report import (
    Html,
    Report,
    heading,
    heading_html,
    paragraph,
    segment_columns_of,
)


def segment_tables(report: Report) -> dict[str, pd.DataFrame]:
    """The segment tables of the report, by column, as the segments section and the summary
    show them: the markers of all the columns are one family, Holm-corrected together.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> segment_tables(example_report())
    {}
    """
    columns = segment_columns_of(report)
    frames = holm_markers([nps_by_segment(report.responses, column, min_n=report.min_n,
                                          suppress_n=report.suppress_n, level=report.level)
                           for column in columns], level=report.level)
    return dict(zip(columns, frames, strict=True))


def show_responses(report: Report) -> list:
    """The 0-10 score distribution and, where invitations exist, the response rate.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> [type(p).__name__ for p in show_responses(example_report())]
    ['Table']
    """
    t = report.t
    parts: list = [score_table(report.responses["score"], t)] if len(report.responses) else []
    rate = report.response_rate_change
    if rate is not None:
        _, low, high = wilson([rate.answered], [rate.invited], report.level)
        parts.append(paragraph(t.text("response_rate", n=rate.invited, share=t.percent(rate.rate),
                                      days=RESPONSE_WINDOW_DAYS, level=t.percent(report.level),
                                      interval=t.gettext("{low} to {high}").format(
                                          low=t.percent(low[0]), high=t.percent(high[0])))))
    return parts


def show_commentary(report: Report, commentary: Commentary) -> list:
    """The commentary under its heading ('Our view'), after a draft note when it is one.

    Nothing at all (no heading either) when there is no commentary.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.present.commentary import Commentary
    >>> r = example_report()
    >>> [p.markup for p in show_commentary(r, Commentary("c.md", "unapproved", html="<p>Hi</p>"))]
    ['<h2>Our view</h2>', '<p class="draft-note">Draft: the commentary has not been approved</p>', '<p>Hi</p>']
    >>> show_commentary(r, Commentary("c.md", "none"))
    []
    """
    if commentary.state == "none":
        return []
    parts = [heading(report.t, "commentary")]
    if commentary.draft:
        note = html.escape(report.t.text(f"draft_{commentary.state}"))
        parts.append(Html(f'<p class="draft-note">{note}</p>'))
    return [*parts, Html(commentary.html)]


def show_change(report: Report, change: PeriodChange) -> list:
    """The sentence on the change since the previous period (nothing when it had no responses).

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.trends import period_change
    >>> r = example_report()
    >>> show_change(r, period_change(r.history, r.period))
    []
    """
    if change.verdict == "no_previous_period":
        return []
    return [paragraph(report.t.change(change))]


def change_record(change: PeriodChange) -> dict[str, float | str | None]:
    """The change as JSON-safe facts for the batch index: delta, previous NPS, verdict code.

    Examples
    --------
    >>> from nps_helpers.analysis.trends import period_change
    >>> frame = pd.DataFrame({"score": [10] * 30 + [0] * 20 + [10] * 10 + [0] * 40,
    ...     "responded_at": pd.to_datetime(["2026-08-01"] * 50 + ["2026-05-01"] * 50, utc=True)})
    >>> change_record(period_change(frame, "2026-Q3"))
    {'delta': 80.0, 'previous_nps': -60.0, 'verdict': 'significant_increase'}
    >>> change_record(period_change(frame, "2026-Q2"))["delta"] is None
    True
    """
    def known(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    return {"delta": known(change.difference.difference), "previous_nps": known(change.difference.b.nps),
            "verdict": change.verdict}


def record_change(report: Report, headline: NpsResult, change: PeriodChange) -> None:
    """Record for the batch index the change, the report's language and the small-sample flag.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.trends import period_change
    >>> r = example_report()
    >>> record_change(r, nps(r.responses["score"]), period_change(r.history, r.period))
    ... # doctest: +ELLIPSIS
    {'application/vnd.nps-reports.headline+json': {'change': {...}, 'language': 'en', 'small_sample': True}, ...}
    """
    record(change=change_record(change), language=report.t.language,
           small_sample=bool(headline.n < report.min_n))


def show_trend(report: Report, trend: pd.DataFrame) -> list:
    """The monthly NPS chart with intervals and the client's events (nothing for one month).

    ``trend`` is the monthly :func:`~nps_helpers.analysis.trends.nps_by_period` of ``report.history``;
    a single month with responses (one survey wave) makes no trend.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.trends import nps_by_period
    >>> r = example_report()
    >>> show_trend(r, nps_by_period(r.history))
    []
    """
    if _months_answered(trend) < 2:
        return []
    return [trend_chart(trend, report.t, events=report.client.events, brand=report.brand,
                        level=report.level, min_n=report.min_n, suppress_n=report.suppress_n)]


def peer_position(report: Report, headline: NpsResult) -> PeerBenchmark:
    """The client's percentile among the other clients of its industry in the store.

    Only aggregates leave this function (percentile, its range, and pooled quartiles of
    at least 5 peers); no peer's name or figure reaches the report. Peers with fewer than
    ``report.min_n`` responses in the period are left out.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.metrics import nps
    >>> peer_position(example_report(), nps([10, 9, 8, 3])).status
    'too_few_peers'
    """
    peers = []
    if report.store is not None and report.params_dir is not None:
        present = set(report.store.clients())  # once: listing the store per candidate was O(clients^2)
        peers = [c for c in client_ids(report.params_dir) if c != report.client.client_id
                 and c in present
                 and _industry_of(c, report.params_dir) == report.client.industry]
    figures = (portfolio_stats(report.store, by=None, clients=peers, start=report.period.start,
                               end=report.period.end, level=report.level)
               if peers else pd.DataFrame({"nps": [], "n": []}))
    return peer_benchmark(headline, figures, min_n=report.min_n)


def _industry_of(client_id: str, params_dir: str | Path) -> str | None:
    """A peer's industry; None when its params file is broken (it fails its own reports)."""
    try:
        return load_client(client_id, params_dir).industry
    except NpsError:
        return None


def _comparability(report: Report, table: pd.DataFrame) -> str | None:
    """One line when the published figures were surveyed differently or elsewhere."""
    if not (table["survey_type"] == "independent_panel").any():
        return None
    t, client = report.t, report.client
    country = locale_territory(client.locale or t.language)
    regions = sorted(set(table["region"].astype(str)) - {""})
    if country and regions and country not in regions:
        return t.text("benchmark_comparability", client=client.display_name, country=t.country(country),
                      regions=t.join(t.country(r) for r in regions))
    return t.text("benchmark_method", client=client.display_name)


def show_benchmarks(report: Report, headline: NpsResult, peers: PeerBenchmark) -> list:
    """Published industry figures (cited) and the anonymous peer position.

    Nothing when there are neither published figures for the industry nor enough peers.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.benchmarks import peer_benchmark
    >>> from nps_helpers.analysis.metrics import nps
    >>> r, you = example_report(), nps([10, 9, 8, 3])
    >>> len(show_benchmarks(r, you, peer_benchmark(you, []))) > 1
    True
    """
    t, industry = report.t, industry_benchmark(report.client.industry)
    if industry.status != "ok" and peers.status != "ok":
        return []
    parts: list = [benchmark_position(industry.table, headline, t, peers=peers, brand=report.brand)]
    if industry.status == "ok":
        parts += [benchmark_table(industry.table, t), paragraph(t.text("benchmark_sources"))]
        note = _comparability(report, industry.table)
        if note:
            parts.append(paragraph(note))
    else:
        parts.append(paragraph(t.text(industry.status)))
    if peers.status != "ok":
        parts.append(paragraph(t.text(peers.status, n=peers.min_peers)))
    return parts


def show_drivers(report: Report, result: DriversResult) -> list:
    """R^2, importance x performance of the rating questions, and how priorities are named.

    Nothing without enough ratings.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.drivers import relative_weights
    >>> r = example_report()
    >>> show_drivers(r, relative_weights(r.responses))
    []
    """
    if result.status != "ok":
        return []
    t = report.t
    fit = t.text("drivers_fit", n=result.n, r2=t.percent(result.r_squared), level=t.percent(result.level),
                 interval=t.interval(100 * result.r_squared_low, 100 * result.r_squared_high))
    method = t.text("drivers_method", level=t.percent(result.level), resamples=t.number(result.resamples),
                    equal=t.percent(1 / len(result.table)), middle=t.number(result.middle, 1),
                    low=t.number(result.scale[0]), high=t.number(result.scale[1]),
                    agreement=t.percent(AGREEMENT))
    return [paragraph(fit),
            driver_matrix(result.table, t, middle=result.middle, brand=report.brand),
            driver_table(result.table, t, level=result.level), paragraph(method)]


def show_reviews(report: Report, trend: pd.DataFrame) -> list:
    """Average review stars per platform beside the NPS trend, and whether the two move together.

    ``trend`` is the monthly :func:`~nps_helpers.analysis.trends.nps_by_period` of ``report.history``
    in ``report.timezone``;
    reviews count from the same 24 months. The sentence gives the verdict with r and its
    interval ('too few months' below 6); a table compares the platforms when there are
    several. Nothing without reviews in those months.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> show_reviews(example_report(), pd.DataFrame())
    []
    """
    t = report.t
    reviews = _recent_reviews(report)
    if reviews.empty:
        return []
    pooled = stars_vs_nps(reviews, report.history, level=report.level, tz=report.timezone)
    parts: list = [paragraph(t.stars_nps(pooled))]
    if trend.empty:
        return parts
    parts.append(stars_trend(trend, stars_by_month(reviews, level=report.level, tz=report.timezone), t,
                             correlation=pooled, events=report.client.events, brand=report.brand,
                             level=report.level, min_n=report.min_n,
                             suppress_n=report.suppress_n))
    if reviews["platform"].nunique() > 1:
        parts.append(stars_table(stars_vs_nps_by_platform(reviews, report.history,
                                                          level=report.level, tz=report.timezone),
                                 t, level=report.level))
    return parts


def show_segments(report: Report, headline: NpsResult) -> list:
    """A forest plot and a table per segment column the client's params name.

    Groups below ``min_n`` are flagged and get no marker; below ``suppress_n`` they are
    pooled into "Other". The markers of all the columns are Holm-corrected together.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.metrics import nps
    >>> r = example_report()
    >>> show_segments(r, nps(r.responses["score"]))
    []
    """
    parts: list = []
    for column, frame in segment_tables(report).items():
        parts += [
            heading_html(report.t.topic(column), 3),
            segment_forest(frame, report.t, segment=column, overall=headline, brand=report.brand,
                           min_n=report.min_n, suppress_n=report.suppress_n),
            nps_table(frame, report.t, label="group", header=report.t.topic(column),
                      level=report.level, min_n=report.min_n, suppress_n=report.suppress_n,
                      against="rest"),
        ]
    return parts


def show_experience(report: Report) -> list:
    """CSAT and CES where the survey asked them (nothing at all when it did not).

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> show_experience(example_report())
    []
    """
    t, parts = report.t, []
    sat = csat(report.responses, level=report.level)
    if sat.status == "ok":
        share = f"{t.percent(sat.share)} ({t.interval(100 * sat.ci_low, 100 * sat.ci_high)})"
        parts.append(paragraph(t.text("csat_summary", share=share)))
    effort = ces(report.responses, level=report.level)
    if effort.status == "ok":
        mean = f"{t.number(effort.mean, 1)} ({t.interval(effort.ci_low, effort.ci_high, 1)})"
        parts.append(paragraph(t.text("ces_summary", mean=mean, share=t.percent(effort.high.share))))
    return [heading(t, "csat_ces"), *parts] if parts else []


def missing_analyses(
    report: Report,
    *,
    change: PeriodChange,
    trend: pd.DataFrame,
    peers: PeerBenchmark,
    churn: ChurnResult,
    drivers: DriversResult,
) -> list[str]:
    """The analyses the data did not allow, in report order, as codes for the method note.

    The keyword arguments are the results the report showed. Codes: change (no previous
    period), trend (one month only), reviews, segments, benchmarks (no published figures
    and too few peers), churn, responders (no invitations), health (no customer start
    dates), health_active (no customer active at the end), comments, drivers, drivers_few
    (too few complete ratings), csat, ces.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> r = example_report()
    >>> missing_analyses(r, **_example_results(r))
    ['change', 'trend', 'reviews', 'segments', 'churn', 'responders', 'health', 'comments', 'drivers', 'csat', 'ces']
    """
    health = "health" if health_unavailable(report) else "health_active"
    gaps = [
        ("change", change.verdict == "no_previous_period"),
        ("trend", _months_answered(trend) < 2),
        ("reviews", _recent_reviews(report).empty),
        ("segments", not segment_columns_of(report)),
        ("benchmarks", industry_benchmark(report.client.industry).status != "ok"
         and peers.status != "ok"),
        ("churn", churn.status != "ok"),
        # Without customer data the churn entry already names what is missing.
        ("responders", churn.responders.empty and (churn.status == "ok" or report.invitations.empty)),
        (health, health == "health" or health_trend_of(report).empty),
        ("comments", not has_comments(report)),
        ("drivers" if drivers.status == "not_available" else "drivers_few", drivers.status != "ok"),
        ("csat", csat(report.responses, level=report.level).status != "ok"),
        ("ces", ces(report.responses, level=report.level).status != "ok"),
    ]
    return [code for code, missing in gaps if missing]


def show_method(
    report: Report,
    *,
    change: PeriodChange,
    trend: pd.DataFrame,
    peers: PeerBenchmark,
    churn: ChurnResult,
    drivers: DriversResult,
) -> list:
    """What NPS is and how the figures were made, in the report's language.

    The keyword arguments are the results the report showed. The method note ends with
    one sentence naming the analyses the data did not allow (:func:`missing_analyses`)
    and the data that would enable each.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> r = example_report()
    >>> parts = show_method(r, **_example_results(r))
    >>> parts[0].markup, "key drivers (needs rating questions" in parts[-1].markup
    ('<h2>About the Net Promoter Score</h2>', True)
    """
    t = report.t
    note = t.text("method_note", level=t.percent(report.level), alpha=t.percent(1 - report.level),
                  min_n=report.min_n, suppress_n=report.suppress_n)
    themes = t.text("method_themes") if has_comments(report) else ""
    counts = {"benchmarks": peers.min_peers, "drivers_few": drivers.min_n}
    missing = [t.text(f"missing_{code}", n=counts.get(code, 0))
               for code in missing_analyses(report, change=change, trend=trend, peers=peers,
                                            churn=churn, drivers=drivers)]
    left_out = [paragraph(t.text("missing_data", analyses=t.join(missing)))] if missing else []
    return [heading(t, "about_nps"), paragraph(t.text("nps_explained")),
            heading(t, "method", level=3), paragraph(note, themes), *left_out]


def _months_answered(trend: pd.DataFrame) -> int:
    return int((trend["n"] > 0).sum()) if "n" in trend.columns else 0


def _recent_reviews(report: Report) -> pd.DataFrame:
    """The reviews of the report's 24 months."""
    reviews = report.reviews
    if reviews.empty:
        return reviews
    when = pd.to_datetime(reviews["reviewed_at"], utc=True)
    since = report.period.end - pd.DateOffset(months=HISTORY_MONTHS)
    return reviews[((when >= since) & (when < report.period.end)).to_numpy()]


def _example_results(report: Report) -> dict:
    """What the report notebook passes to :func:`show_method` (for the examples)."""
    return {"change": period_change(report.history, report.period),
            "trend": nps_by_period(report.history, "month"),
            "peers": peer_benchmark(nps(report.responses["score"]), []),
            "churn": churn_analysis(report.history, report.customers, report.invitations),
            "drivers": relative_weights(report.responses)}
