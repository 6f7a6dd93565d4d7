"""The report's sections as a notebook shows them: each show_* returns the section's parts (text,
charts, tables) in the report's language, or nothing when the data do not allow it, so a cell
never needs an if; show_method names what was left out and the data that would enable it."""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from ..analysis.benchmarks import PeerBenchmark, industry_benchmark, peer_benchmark
from ..analysis.churn import ChurnResult, churn_analysis
from ..analysis.drivers import AGREEMENT, DriversResult, relative_weights
from ..analysis.experience import RESPONSE_WINDOW_DAYS, ces, csat, to_utc, wilson
from ..analysis.findings import Finding, findings, year_change
from ..analysis.metrics import NpsResult, categorize, nps
from ..analysis.reviews import stars_by_month, stars_vs_nps, stars_vs_nps_by_platform
from ..analysis.segments import holm_markers, nps_by_segment
from ..analysis.stats import portfolio_stats
from ..analysis.text import distinctive_words, passives_close_to_promoting
from ..analysis.theme_impact import theme_examples, theme_impact
from ..analysis.trends import PeriodChange, nps_by_period, period_change
from ..config.params import (
    client_ids,
    load_client,
    locale_territory,
)
from ..config.sections import section_order
from ..core.periods import HISTORY_MONTHS
from ..errors import NpsError
from ..present.comment_tables import theme_examples_table, theme_table, words_table
from ..present.commentary import (
    Commentary,
)
from ..present.i18n import Translator
from ..present.plots import benchmark_position, driver_matrix, segment_forest, theme_balance
from ..present.record import record
from ..present.tables import (
    benchmark_table,
    churn_table,
    driver_table,
    health_table,
    nps_table,
    score_table,
    stars_table,
)
from ..present.trend_plots import band_trend_chart, churn_chart, retention, stars_trend
from ..present.trend_plots import trend as trend_chart
from .followup import followup_lists, write_csv, write_followup_lists
from .report import (
    AT_RISK_FILE,
    LINK_MARK,
    PASSIVE_THEMES,
    TOP_THEMES,
    Html,
    Report,
    anchor,
    heading,
    heading_html,
    health_options,
    paragraph,
    segment_columns_of,
)


def show_headline(report: Report, result: NpsResult) -> Html:
    """The headline sentence (NPS, interval, n) with the small-sample caution when due.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.metrics import nps
    >>> r = example_report()
    >>> "NPS" in show_headline(r, nps([10, 9, 8, 3])).markup
    True
    """
    caution = report.t.text("small_sample", n=report.min_n) if result.n < report.min_n else ""
    return paragraph(report.t.headline(result), caution)

def show_summary(
    report: Report,
    headline: NpsResult,
    change: PeriodChange,
    *,
    drivers: DriversResult | None = None,
    churn: ChurnResult | None = None,
) -> list:
    """The summary: headline, change, the year before, the target, then the tested findings.

    The headline (NPS, interval, n), the change since the previous period with its
    verdict, the same period a year earlier when the data reach back, whether the
    interval lies above, below or across the client's ``target_nps``, and a
    ``<ul class="findings">`` of :func:`~nps_helpers.analysis.findings.findings`, each linking to
    its section when the report shows it; one sentence when nothing passed its test.
    The theme finding reads the report's :attr:`Report.mentions`.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.trends import period_change
    >>> r = example_report()
    >>> parts = show_summary(r, nps(r.responses["score"]), period_change(r.history, r.period))
    >>> parts[0].markup.startswith("<p>NPS +25"), parts[-1].markup
    (True, '<p>No result of this period passed its significance test, so nothing stands out from chance.</p>')
    """
    t = report.t
    parts = [show_headline(report, headline), *show_change(report, change)]
    year = year_change(report.history, report.period, level=report.level)
    if year.verdict not in ("no_previous_period", "no_responses"):
        parts.append(paragraph(t.change(year)))
    if report.client.target_nps is not None:
        parts.append(paragraph(_target(t, headline, report.client.target_nps)))
    found = summary_findings(report, change, drivers=drivers, churn=churn)
    if not found:
        return [*parts, paragraph(t.text("summary_nothing"))]
    shown = set(section_order(report.client.sections))
    industry = report.client.industry
    items = "".join(f"<li>{_finding_item(t, f, f.section in shown, industry)}</li>" for f in found)
    return [*parts, Html(f'<ul class="findings">{items}</ul>')]

def summary_findings(
    report: Report,
    change: PeriodChange,
    *,
    drivers: DriversResult | None = None,
    churn: ChurnResult | None = None,
) -> tuple[Finding, ...]:
    """The findings of :func:`show_summary`, from the figures the report's sections show.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.trends import period_change
    >>> r = example_report()
    >>> summary_findings(r, period_change(r.history, r.period))
    ()
    """
    themes = theme_table_of(report) if _has_comments(report) else None
    return findings(change=change, segments=segment_tables(report), themes=themes, drivers=drivers,
                    churn=churn, responses=report._response_rate)

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

def theme_table_of(
    report: Report, mentions: pd.DataFrame | None = None, previous_mentions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """:func:`~nps_helpers.analysis.theme_impact.theme_impact` of the report's period against the one before.

    ``mentions`` and ``previous_mentions`` default to the report's own
    (:attr:`Report.mentions`, :attr:`Report.previous_mentions`).

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> m = pd.DataFrame({"row": [3], "theme": ["price"], "language": ["en"], "sentiment": ["negative"]})
    >>> theme_table_of(example_report(), m, m.iloc[:0])[["theme", "complaints", "share_verdict"]].to_dict("records")
    [{'theme': 'price', 'complaints': 1, 'share_verdict': 'no_previous_period'}]
    """
    return theme_impact(
        report.responses, report.mentions if mentions is None else mentions,
        previous=report.previous_responses,
        previous_mentions=report.previous_mentions if previous_mentions is None else previous_mentions,
        level=report.level, min_n=report.min_n)

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
    rate = report._response_rate
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

def show_churn(report: Report, result: ChurnResult) -> list:
    """Churn by category, its verdict, retention curves and responders vs non-responders.

    Nothing without linked customer data; no responders comparison without invitations
    (:func:`missing_analyses` names both for the method note).

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> from nps_helpers.analysis.churn import churn_analysis
    >>> r = example_report()
    >>> show_churn(r, churn_analysis(r.responses, None))
    []
    """
    t = report.t
    if result.status != "ok":
        return []
    parts: list = [paragraph(t.text(result.verdict), *_churn_base(report, result)),
                   churn_chart(result.rates, t, horizon_days=result.horizon_days, brand=report.brand),
                   churn_table(result.rates, t, level=result.level)]
    if not result.retention.empty:
        parts.append(retention(result.retention, t, brand=report.brand))
    if not result.responders.empty:
        parts.append(churn_chart(result.responders, t, by="group", horizon_days=result.horizon_days,
                                 brand=report.brand))
        parts.append(paragraph(t.text("responders_association")))
    return parts

def _churn_base(report: Report, result: ChurnResult) -> list[str]:
    """The sentences naming the churn rates' base and window, in the client's dates."""
    t = report.t
    if result.base_start is None:
        return []
    # The base's first and last answer days, as the client's calendar reads them.
    first, last = (when.tz_convert(report.timezone).date() for when in (result.base_start, result.base_end))
    window = t.period(f"{first}..{last + dt.timedelta(days=1)}")  # a range label's end is exclusive
    base = [t.text("churn_base", n=int(result.rates["customers"].sum()), window=window,
                   days=t.count("{n} day", "{n} days", result.horizon_days))]
    if result.excluded_recent:
        base.append(t.text("churn_recent", n=result.excluded_recent))
    return base

def show_health(report: Report) -> list:
    """Customers per health band at the end of the period and of the three quarters before.

    A sentence with the counts now, a stacked bar chart and a table of the trend, and how
    the score is made. Only counts are shown: customer ids never reach the report (the
    at-risk list goes to an internal CSV, :func:`write_at_risk_list`). Nothing without
    customer data with start dates, or when no customer was active.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> show_health(example_report())
    []
    """
    t = report.t
    if _no_health(report):
        return []
    trend = _health_trend(report)
    now = trend[trend["as_of"] == trend["as_of"].max()].set_index("band")
    if now.empty:
        return []
    from ..analysis.health import BANDS

    figures = {band: f"{t.number(now.at[band, 'customers'])} ({t.percent(now.at[band, 'share'])})"
               for band in BANDS}
    return [
        paragraph(t.text("health_summary", n=int(now["customers"].sum()), **figures)),
        band_trend_chart(trend, t),
        health_table(trend, t),
        *_health_calibration(report),
    ]

def _health_calibration(report: Report) -> list:
    """How the bands are made and, when calibrated, each band's observed churn."""
    from ..analysis.health import RISK_RATIOS

    t, risk = report.t, report.risk_calibration
    if risk.status != "ok":
        weights = health_options(report)["weights"]
        return [paragraph(t.text("health_explained", healthy_from=t.number(weights.healthy_from),
                                 critical_below=t.number(weights.critical_below)),
                          t.text("health_no_link" if risk.status == "no_link" else "health_not_calibrated"))]
    days = t.count("{n} day", "{n} days", risk.horizon_days)
    local = {when: t.date(when.tz_convert(report.timezone).date()) for when in (risk.fitted_at, risk.checked_at)}
    ratios = {band: t.number(ratio, 0 if ratio == int(ratio) else 1) for band, ratio in RISK_RATIOS.items()}
    explained = t.text("health_risk_explained", days=days, fitted=local[risk.fitted_at],
                       base=t.percent(risk.base_rate, 1), **ratios)
    check = "health_band_churn" if risk.out_of_time else "health_band_churn_in_sample"
    return [paragraph(explained),
            paragraph(t.text(check, days=days, checked=local[risk.checked_at])),
            churn_table(risk.band_churn[risk.band_churn["customers"] > 0], t, by="band", level=risk.level)]

def write_at_risk_list(report: Report) -> Path | None:
    """Write the customers at risk at the end of the period to ``internal_dir`` as a CSV.

    The list holds customer ids, so it goes beside the report, never into it; lowest
    health first, scores to one decimal, each customer's two weakest components named,
    with plan and revenue where known. None (no file) without customer data.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> write_at_risk_list(example_report()) is None
    True
    """
    if _no_health(report):
        return None
    from ..analysis.health import at_risk_customers

    health = report._health[to_utc(report.period.end)]
    risky = at_risk_customers(health, report.customers, health_options(report)["weights"])
    return write_csv(risky, report.internal_dir / AT_RISK_FILE)

def write_followup(report: Report, tags: pd.DataFrame) -> dict[str, Path]:
    """Write the follow-up lists to ``internal_dir`` and record how much each holds.

    :func:`~nps_helpers.views.followup.followup_lists` of the period with the client's segment
    columns, plan and revenue, and theme names in the report's language. The record
    (``followup``: rows and the answers they fold, per list) reaches the manifest and the
    executed notebook, never the report. Returns the paths by list name.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> import tempfile
    >>> from dataclasses import replace
    >>> r = replace(example_report(), internal_dir=Path(tempfile.mkdtemp()),
    ...             responses=example_report().responses.assign(customer_id=["a", "a", "b", "c"]))
    >>> paths = write_followup(r, pd.DataFrame(columns=["row", "theme"]))  # doctest: +ELLIPSIS
    {...'promoters_to_ask': {'rows': 1, 'answers': 2}, ...'detractors_to_call': {'rows': 1, 'answers': 1}}}, ...}
    >>> sorted(p.name for p in paths.values())
    ['detractors_to_call.csv', 'passives_to_nudge.csv', 'promoters_to_ask.csv']
    """
    lists = followup_lists(report.responses, tags, customers=report.customers,
                           segments=segment_columns_of(report), t=report.t, industry=report.client.industry)
    record(followup={name: {"rows": len(frame),
                            "answers": int(frame["answers_in_period"].sum()) if "answers_in_period" in frame
                            else len(frame)}
                     for name, frame in lists.items()})
    return write_followup_lists(lists, report.internal_dir)

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

def show_comments(
    report: Report, mentions: pd.DataFrame | None = None, previous_mentions: pd.DataFrame | None = None
) -> list:
    """Praise and complaints per theme with their impact, distinctive words, passives, examples.

    ``mentions`` and ``previous_mentions`` default to the report's own
    (:attr:`Report.mentions`, :attr:`Report.previous_mentions`). The chart and table show
    each theme's complaints, praise, impact on NPS and share among detractors against the
    previous period; the passives' sentence names the themes they raise; the examples are
    one complaint and one word of praise for each of the :data:`TOP_THEMES` themes costing
    most NPS. Comments are shown as escaped text with e-mail addresses masked, never with a
    customer id. Nothing without comments.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> show_comments(example_report())
    []
    """
    t, responses = report.t, report.responses
    if not _has_comments(report):
        return []
    mentions = report.mentions if mentions is None else mentions
    industry = report.client.industry
    themes = theme_table_of(report, mentions, previous_mentions)
    words = distinctive_words(responses["comment"], categorize(responses["score"]), responses.get("language"),
                              extra=report.theme_extra)
    # Praise is no issue to fix: a passive close to promoting complains or asks about something.
    passives = passives_close_to_promoting(responses, mentions[mentions["sentiment"] != "positive"],
                                           level=report.level)
    parts: list = []
    # Comments may praise or complain about no theme at all: then there is no theme chart to draw.
    if (themes["complaints"] + themes["praise"]).gt(0).any():
        parts += [theme_balance(themes, t, industry=industry, min_n=report.min_n),
                  theme_table(themes, t, industry=industry, level=report.level, min_n=report.min_n)]
    parts += [heading(t, "distinctive_words", level=3), words_table(words, t),
              heading(t, "passives_close", level=3)]
    if passives.close:
        named = t.join(f"{t.theme(row.theme, industry)} ({t.number(row.passives)})"
                       for row in passives.by_theme.head(PASSIVE_THEMES).itertuples())
        parts.append(paragraph(t.text("passives_close_summary", n=passives.close, passives=passives.passives,
                                      share=t.percent(passives.share), themes=named)))
    else:
        parts.append(paragraph(t.text("no_passives_close")))
    examples = theme_examples(responses, mentions, themes["theme"].head(TOP_THEMES).tolist())
    if not examples.empty:
        parts += [heading(t, "example_comments", level=3),
                  theme_examples_table(examples, t, industry=industry)]
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
    if _no_health(report):
        health = "health"
    else:
        health = "health_active" if _health_trend(report).empty else None
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
        (health, health is not None),
        ("comments", not _has_comments(report)),
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
    themes = t.text("method_themes") if _has_comments(report) else ""
    counts = {"benchmarks": peers.min_peers, "drivers_few": drivers.min_n}
    missing = [t.text(f"missing_{code}", n=counts.get(code, 0))
               for code in missing_analyses(report, change=change, trend=trend, peers=peers,
                                            churn=churn, drivers=drivers)]
    left_out = [paragraph(t.text("missing_data", analyses=t.join(missing)))] if missing else []
    return [heading(t, "about_nps"), paragraph(t.text("nps_explained")),
            heading(t, "method", level=3), paragraph(note, themes), *left_out]

def _no_health(report: Report) -> str | None:
    """Why customer health cannot be shown (a sentence code), or None when it can."""
    customers = report.customers
    if customers.empty or "customer_id" not in customers.columns:
        return "no_health_data"
    if "started_at" not in customers.columns or customers["started_at"].isna().all():
        return "no_start_dates"
    return None

def _health_trend(report: Report) -> pd.DataFrame:
    """Band counts at each quarter end with any active customer (empty when there is none)."""
    from ..analysis.health import band_trend_of

    trend = band_trend_of(report._health)
    return trend[trend.groupby("as_of")["customers"].transform("sum") > 0]

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

def _has_comments(report: Report) -> bool:
    return not report.comments.fillna("").str.strip().eq("").all()

def _target(t: Translator, headline: NpsResult, target: int) -> str:
    """Whether the headline's interval lies above, below or across the target."""
    where = ("target_above" if headline.ci_low > target else
             "target_below" if headline.ci_high < target else "target_across")
    return t.text(where, target=t.nps(target), interval=t.interval(headline.ci_low, headline.ci_high))

def _finding_item(t: Translator, finding: Finding, linked: bool, industry: str | None) -> str:
    """One finding's sentence (escaped), then a link to its section when the report shows it."""
    sentence = html.escape(_finding_sentence(t, finding, industry))
    if not linked:
        return sentence
    return (f'{sentence} <a href="#{anchor(finding.section)}">'
            f'{LINK_MARK}\u00a0{html.escape(t.label(finding.section))}</a>')

def _finding_sentence(t: Translator, f: Finding, industry: str | None) -> str:
    v = f.values
    if f.code in ("nps_rose", "nps_fell"):
        return t.text(f"summary_{f.code}", n=round(abs(v["difference"])),
                      previous=t.period(v["previous"], short=True), before=t.nps(v["before"]),
                      now=t.nps(v["now"]), responses=t.responses(f.n))
    if f.code in ("segment_above", "segment_below"):
        return t.text(f"summary_{f.code}", n=round(abs(v["difference"])), topic=t.topic(v["segment"]),
                      group=t.name(v["group"]), nps=t.nps(v["nps"]), responses=t.responses(f.n))
    if f.code == "theme_lowers":
        # The loss in points and its interval as positive figures ('by 4 points (3.2 to 4.1)'),
        # to one decimal when whole numbers would read '4 to 4'.
        low, high = sorted((abs(v["ci_low"]), abs(v["ci_high"])))
        digits = 1 if high - low < 2 else 0
        return t.text("summary_theme_lowers", n=round(abs(v["impact"])), theme=t.theme(v["theme"], industry),
                      interval=t.interval(low, high, digits), responses=t.responses(f.n))
    if f.code == "theme_rose_among_detractors":
        return t.text("summary_theme_rose_among_detractors", theme=t.theme(v["theme"], industry),
                      now=t.percent(v["share"]),
                      before=t.percent(v["previous_share"]))
    if f.code == "driver":
        return t.text("summary_driver", driver=t.topic(v["driver"]), responses=t.responses(f.n))
    if f.code == "churn_link":
        return t.text("summary_churn_link", n=f.n, days=v["horizon_days"],
                      detractors=t.percent(v["detractor_rate"]), promoters=t.percent(v["promoter_rate"]))
    return t.text(f"summary_{f.code}", n=f.n, before=t.percent(v["previous_rate"]),
                  now=t.percent(v["rate"]))

def _example_results(report: Report) -> dict:
    """What the report notebook passes to :func:`show_method` (for the examples)."""
    return {"change": period_change(report.history, report.period),
            "trend": nps_by_period(report.history, "month"),
            "peers": peer_benchmark(nps(report.responses["score"]), []),
            "churn": churn_analysis(report.history, report.customers, report.invitations),
            "drivers": relative_weights(report.responses)}
