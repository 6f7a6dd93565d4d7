"""nps_helpers: survey exports in, honest NPS reports out.

The public API is listed in ``__all__``. Names load lazily from their modules on first
use (PEP 562), so ``import nps_helpers`` stays fast for the command line while a notebook
can still write ``nps_helpers.churn_analysis(...)``. Charts and tables live in the
submodules :mod:`nps_helpers.present.plots` and :mod:`nps_helpers.present.tables`.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    # errors
    "NpsError": "errors", "NpsInputError": "errors", "NpsParamsError": "errors",
    "NpsRenderError": "errors", "NpsStoreError": "errors",
    # store and ingest
    "Store": "io.store", "load_responses": "io.store", "load_table": "io.store", "resolve_store": "io.store",
    "ingest_files": "io.ingest", "IngestReport": "io.ingest",
    "read_export": "adapters", "detect_format": "adapters", "load_mapping": "adapters",
    "write_demo_store": "demo", "demo_profiles": "demo", "comment_bank": "demo",
    # params and periods
    "ClientParams": "config.params", "Defaults": "config.params", "BatchParams": "config.params",
    "Period": "core.periods", "parse_period": "core.periods", "period_labels": "core.periods", "window": "core.periods",
    "client_timezone": "io.timezones",
    # NPS core, trends, segments
    "NpsResult": "analysis.metrics", "NpsDifference": "analysis.metrics", "categorize": "analysis.metrics", "nps": "analysis.metrics",
    "nps_difference": "analysis.metrics", "nps_frame": "analysis.metrics", "category_counts": "analysis.metrics", "whole_percentages": "analysis.metrics",
    "z_value": "analysis.metrics", "nps_difference_frame": "analysis.metrics",
    "client_stats": "analysis.stats", "group_stats": "analysis.stats", "portfolio_stats": "analysis.stats",
    "nps_by_period": "analysis.trends", "period_change": "analysis.trends", "attach_events": "analysis.trends",
    "PeriodChange": "analysis.trends",
    "industry_benchmark": "analysis.benchmarks", "peer_benchmark": "analysis.benchmarks",
    "IndustryBenchmark": "analysis.benchmarks", "PeerBenchmark": "analysis.benchmarks",
    "nps_by_segment": "analysis.segments", "nps_by_segments": "analysis.segments",
    # churn, drivers, comments, other metrics, follow-up, health
    "ChurnResult": "analysis.churn", "churn_analysis": "analysis.churn", "association_test": "analysis.churn",
    "retention_curves": "analysis.churn",
    "DriversResult": "analysis.drivers", "relative_weights": "analysis.drivers",
    "health_by_date": "analysis.health", "band_trend_of": "analysis.health", "answered_within": "analysis.experience",
    "detect_language": "analysis.text", "tag_themes": "analysis.text", "joined_themes": "analysis.text", "theme_counts": "analysis.text",
    "distinctive_words": "analysis.text", "passives_close_to_promoting": "analysis.text",
    "example_comments": "analysis.text", "theme_mentions": "analysis.text", "codeframe": "analysis.codeframes", "theme_label": "analysis.codeframes",
    "Codeframe": "analysis.codeframes", "mask_emails": "analysis.text",
    "theme_impact": "analysis.theme_impact",
    "csat": "analysis.experience", "ces": "analysis.experience", "response_rate": "analysis.experience",
    "survey_fatigue": "analysis.experience",
    "followup_lists": "views.followup", "write_followup_lists": "views.followup", "write_csv": "views.followup",
    "customer_health": "analysis.health", "health_check": "analysis.health", "band_counts": "analysis.health",
    "band_trend": "analysis.health", "at_risk_customers": "analysis.health",
    # portfolio (internal notebooks)
    "open_portfolio": "views.portfolio", "Portfolio": "views.portfolio", "league_table": "views.side_by_side",
    "period_table": "views.side_by_side", "benchmark_spread": "views.side_by_side", "churn_summary": "views.side_by_side",
    "health_summary": "views.side_by_side", "data_quality": "views.side_by_side", "customer_checks": "views.portfolio",
    "churn_horizons": "views.churn_depth", "churn_by_segments": "views.churn_depth",
    "holdout_health_check": "views.churn_depth",
    # review portals
    "stars_by_month": "analysis.reviews", "stars_vs_nps": "analysis.reviews", "stars_vs_nps_by_platform": "analysis.reviews",
    # presentation
    "translator": "present.i18n", "Translator": "present.i18n",
    "open_report": "views.report", "Report": "views.report",
    "record_change": "views.report_sections", "write_followup": "views.customer_sections",
    # render
    "render_batch": "render.batch", "BatchResult": "render.batch",
    "ReportParams": "render.job", "record_headline": "present.record",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nps_helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # every lazy name, for type checkers and IDEs (a test keeps it complete)
    from .adapters import detect_format, load_mapping, read_export
    from .analysis.benchmarks import (
        IndustryBenchmark,
        PeerBenchmark,
        industry_benchmark,
        peer_benchmark,
    )
    from .analysis.churn import ChurnResult, association_test, churn_analysis, retention_curves
    from .analysis.codeframes import Codeframe, codeframe, theme_label
    from .analysis.drivers import DriversResult, relative_weights
    from .analysis.experience import answered_within, ces, csat, response_rate, survey_fatigue
    from .analysis.health import (
        at_risk_customers,
        band_counts,
        band_trend,
        band_trend_of,
        customer_health,
        health_by_date,
        health_check,
    )
    from .analysis.metrics import (
        NpsDifference,
        NpsResult,
        categorize,
        category_counts,
        nps,
        nps_difference,
        nps_difference_frame,
        nps_frame,
        whole_percentages,
        z_value,
    )
    from .analysis.reviews import stars_by_month, stars_vs_nps, stars_vs_nps_by_platform
    from .analysis.segments import nps_by_segment, nps_by_segments
    from .analysis.stats import client_stats, group_stats, portfolio_stats
    from .analysis.text import (
        detect_language,
        distinctive_words,
        example_comments,
        joined_themes,
        mask_emails,
        passives_close_to_promoting,
        tag_themes,
        theme_counts,
        theme_mentions,
    )
    from .analysis.theme_impact import theme_impact
    from .analysis.trends import PeriodChange, attach_events, nps_by_period, period_change
    from .config.params import BatchParams, ClientParams, Defaults
    from .core.periods import Period, parse_period, period_labels, window
    from .demo import comment_bank, demo_profiles, write_demo_store
    from .errors import NpsError, NpsInputError, NpsParamsError, NpsRenderError, NpsStoreError
    from .io.ingest import IngestReport, ingest_files
    from .io.store import Store, load_responses, load_table, resolve_store
    from .io.timezones import client_timezone
    from .present.i18n import Translator, translator
    from .present.record import record_headline
    from .render.batch import BatchResult, render_batch
    from .render.job import ReportParams
    from .views.churn_depth import churn_by_segments, churn_horizons, holdout_health_check
    from .views.customer_sections import write_followup
    from .views.followup import followup_lists, write_csv, write_followup_lists
    from .views.portfolio import Portfolio, customer_checks, open_portfolio
    from .views.report import Report, open_report
    from .views.report_sections import record_change
    from .views.side_by_side import (
        benchmark_spread,
        churn_summary,
        data_quality,
        health_summary,
        league_table,
        period_table,
    )
