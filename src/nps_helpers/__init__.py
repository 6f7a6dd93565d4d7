"""nps_helpers: survey exports in, honest NPS reports out.

The public API is listed in ``__all__``. Names load lazily from their modules on first
use (PEP 562), so ``import nps_helpers`` stays fast for the command line while a notebook
can still write ``nps_helpers.churn_analysis(...)``. Charts and tables live in the
submodules :mod:`nps_helpers.plots` and :mod:`nps_helpers.tables`.
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
    "Store": "store", "load_responses": "store", "load_table": "store", "resolve_store": "store",
    "ingest_files": "ingest", "IngestReport": "ingest",
    "read_export": "adapters", "detect_format": "adapters", "load_mapping": "adapters",
    "write_demo_store": "demo", "demo_profiles": "demo", "comment_bank": "demo",
    # params and periods
    "ClientParams": "params", "Defaults": "params", "BatchParams": "params",
    "Period": "periods", "parse_period": "periods", "period_labels": "periods", "window": "periods",
    "client_timezone": "timezones",
    # NPS core, trends, segments
    "NpsResult": "metrics", "NpsDifference": "metrics", "categorize": "metrics", "nps": "metrics",
    "nps_difference": "metrics", "nps_frame": "metrics", "category_counts": "metrics", "whole_percentages": "metrics",
    "z_value": "metrics", "nps_difference_frame": "metrics",
    "client_stats": "stats", "group_stats": "stats", "portfolio_stats": "stats",
    "nps_by_period": "trends", "period_change": "trends", "attach_events": "trends",
    "PeriodChange": "trends",
    "industry_benchmark": "benchmarks", "peer_benchmark": "benchmarks",
    "IndustryBenchmark": "benchmarks", "PeerBenchmark": "benchmarks",
    "nps_by_segment": "segments", "nps_by_segments": "segments",
    # churn, drivers, comments, other metrics, follow-up, health
    "ChurnResult": "churn", "churn_analysis": "churn", "association_test": "churn",
    "retention_curves": "churn",
    "DriversResult": "drivers", "relative_weights": "drivers",
    "health_by_date": "health", "band_trend_of": "health", "answered_within": "experience",
    "detect_language": "text", "tag_themes": "text", "joined_themes": "text", "theme_counts": "text",
    "distinctive_words": "text", "passives_close_to_promoting": "text",
    "example_comments": "text", "theme_mentions": "text", "codeframe": "text", "theme_label": "text",
    "Codeframe": "text", "mask_emails": "text",
    "theme_impact": "theme_impact",
    "csat": "experience", "ces": "experience", "response_rate": "experience",
    "survey_fatigue": "experience",
    "followup_lists": "followup", "write_followup_lists": "followup", "write_csv": "followup",
    "customer_health": "health", "health_check": "health", "band_counts": "health",
    "band_trend": "health", "at_risk_customers": "health",
    # portfolio (internal notebooks)
    "open_portfolio": "portfolio", "Portfolio": "portfolio", "league_table": "portfolio",
    "period_table": "portfolio", "benchmark_spread": "portfolio", "churn_summary": "portfolio",
    "health_summary": "portfolio", "data_quality": "portfolio", "customer_checks": "portfolio",
    "churn_horizons": "portfolio", "churn_by_segments": "portfolio",
    "holdout_health_check": "portfolio",
    # review portals
    "stars_by_month": "reviews", "stars_vs_nps": "reviews", "stars_vs_nps_by_platform": "reviews",
    # presentation
    "translator": "i18n", "Translator": "i18n",
    "open_report": "report", "Report": "report",
    "record_change": "report", "write_followup": "report",
    # render
    "render_batch": "render.batch", "BatchResult": "render.batch",
    "ReportParams": "render.job", "record_headline": "render.record",
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


if TYPE_CHECKING:  # let type checkers and IDEs see the lazy names
    from .churn import ChurnResult, association_test, churn_analysis, retention_curves  # noqa: F401
    from .metrics import NpsResult, nps  # noqa: F401
