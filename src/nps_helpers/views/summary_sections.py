"""The report's opening: the headline sentence, then the summary of what changed and the
tested findings, each linking to its section when the report shows it."""
from __future__ import annotations

import html

from ..analysis.churn import ChurnResult
from ..analysis.drivers import DriversResult
from ..analysis.findings import Finding, findings, year_change
from ..analysis.metrics import NpsResult
from ..analysis.trends import PeriodChange
from ..config.sections import section_order
from ..present.i18n import Translator
from .comment_sections import has_comments, theme_table_of
from .report import LINK_MARK, Html, Report, anchor, paragraph
from .report_sections import segment_tables, show_change


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
    >>> from nps_helpers.analysis.metrics import nps
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
    themes = theme_table_of(report) if has_comments(report) else None
    return findings(change=change, segments=segment_tables(report), themes=themes, drivers=drivers,
                    churn=churn, responses=report.response_rate_change)


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
