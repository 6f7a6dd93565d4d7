"""Sections about customers rather than answers: churn after an answer, customer health with its
bands and calibration, and the internal at-risk and follow-up lists (never in the shared HTML)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..analysis.churn import ChurnResult
from ..analysis.experience import to_utc
from ..present.record import record
from ..present.tables import (
    churn_table,
    health_table,
)
from ..present.trend_plots import band_trend_chart, churn_chart, retention
from .followup import followup_lists, write_csv, write_followup_lists
from .report import (
    AT_RISK_FILE,
    Report,
    health_options,
    paragraph,
    segment_columns_of,
)


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
    if result.base_start is None or result.base_end is None:
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
    if health_unavailable(report):
        return []
    trend = health_trend_of(report)
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
    fitted, checked = risk.fitted_at, risk.checked_at
    if risk.status != "ok" or fitted is None or checked is None:
        weights = health_options(report)["weights"]
        return [paragraph(t.text("health_explained", healthy_from=t.number(weights.healthy_from),
                                 critical_below=t.number(weights.critical_below)),
                          t.text("health_no_link" if risk.status == "no_link" else "health_not_calibrated"))]
    days = t.count("{n} day", "{n} days", risk.horizon_days)
    ratios = {band: t.number(ratio, 0 if ratio == int(ratio) else 1) for band, ratio in RISK_RATIOS.items()}

    def local(when: pd.Timestamp) -> str:
        return t.date(when.tz_convert(report.timezone).date())

    explained = t.text("health_risk_explained", days=days, fitted=local(fitted),
                       base=t.percent(risk.base_rate, 1), **ratios)
    check = "health_band_churn" if risk.out_of_time else "health_band_churn_in_sample"
    return [paragraph(explained),
            paragraph(t.text(check, days=days, checked=local(checked))),
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
    if health_unavailable(report):
        return None
    from ..analysis.health import at_risk_customers

    health = report.quarterly_health[to_utc(report.period.end)]
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


def health_unavailable(report: Report) -> str | None:
    """Why customer health cannot be shown (a sentence code), or None when it can.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> health_unavailable(example_report())
    'no_health_data'
    """
    customers = report.customers
    if customers.empty or "customer_id" not in customers.columns:
        return "no_health_data"
    if "started_at" not in customers.columns or customers["started_at"].isna().all():
        return "no_start_dates"
    return None


def health_trend_of(report: Report) -> pd.DataFrame:
    """Band counts at each quarter end with any active customer (empty when there is none).

    Examples
    --------
    >>> import dataclasses
    >>> from nps_helpers.views.report import example_report
    >>> r = example_report()
    >>> customers = pd.DataFrame({"customer_id": ["a"], "started_at": pd.to_datetime(["2025-01-01"], utc=True)})
    >>> r = dataclasses.replace(r, customers=customers, responses=r.responses.assign(customer_id="a"),
    ...                         history=r.history.assign(customer_id="a"))
    >>> sorted(set(health_trend_of(r)["band"]))
    ['at_risk', 'critical', 'healthy']
    """
    from ..analysis.health import band_trend_of

    trend = band_trend_of(report.quarterly_health)
    return trend[trend.groupby("as_of")["customers"].transform("sum") > 0]
