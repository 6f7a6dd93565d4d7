"""Snapshots (syrupy) of the HTML tables and the batch index, in every language.

A change to any of them shows up as a diff of the stored HTML in
``tests/__snapshots__/test_snapshots.ambr``; accept an intended one with
``pytest tests/test_snapshots.py --snapshot-update`` and review the diff in the commit.
Inputs are small fixed frames, so the HTML depends on the code alone.
"""
from __future__ import annotations

import pandas as pd
import pytest

from nps_helpers.analysis.benchmarks import industry_benchmark
from nps_helpers.config.params import LANGUAGES
from nps_helpers.present import comment_tables, tables
from nps_helpers.present.i18n import translator
from nps_helpers.render.index import index_html

SEGMENTS = pd.DataFrame({"group": ["North", "South", "West <b>"], "n": [1250, 4, 60],
                         "nps": [23.2, 50.0, -7.5], "ci_low": [18.1, -20.0, -25.0],
                         "ci_high": [28.4, 90.0, 10.0]})
THEMES = pd.DataFrame({"theme": ["installation", "price"], "mentions": [50, 12], "complaints": [40, 5],
                       "praise": [10, 7], "impact": [-58.3, -2.1], "ci_low": [-75.0, -4.0],
                       "ci_high": [-40.0, -0.6], "significant": [True, False], "small_n": [False, True],
                       "detractor_share": [0.8, 0.1], "previous_detractor_share": [0.5, 0.12],
                       "share_verdict": ["rose", "no_significant_change"]})
CHURN = pd.DataFrame({"category": ["promoter", "passive", "detractor"], "customers": [400, 150, 40],
                      "churned": [8, 9, 12], "rate": [0.02, 0.06, 0.3], "ci_low": [0.01, 0.03, 0.18],
                      "ci_high": [0.04, 0.11, 0.45]})
WORDS = pd.DataFrame({"group": ["promoter", "promoter", "detractor"], "word": ["friendly", "fast", "slow"],
                      "z": [2.0, 3.1, 4.2]})
DRIVERS = pd.DataFrame({"driver": ["price", "staff"], "share": [0.2, 0.45], "mean": [3.46, 4.1],
                        "quadrant": ["low_priority", "keep_up"], "share_low": [0.1, 0.3],
                        "share_high": [0.32, 0.6]})
STARS = pd.DataFrame({"platform": ["all", "yelp"], "verdict": ["stars_follow_nps", "too_few_months"],
                      "months": [12, 3], "r": [0.71, None], "ci_low": [0.22, None], "ci_high": [0.91, None]})
HEALTH = pd.DataFrame({"as_of": pd.to_datetime(["2026-10-01"] * 3, utc=True),
                       "band": ["critical", "at_risk", "healthy"], "customers": [1200, 500, 300],
                       "share": [0.6, 0.25, 0.15]})


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_html(language, snapshot):
    t = translator(language)
    html = {
        "nps": tables.nps_table(SEGMENTS, t).html,
        "themes": comment_tables.theme_table(THEMES, t, industry="telecom").html,
        "churn": tables.churn_table(CHURN, t).html,
        "words": comment_tables.words_table(WORDS, t).html,
        "drivers": tables.driver_table(DRIVERS, t).html,
        "stars": tables.stars_table(STARS, t).html,
        "health": tables.health_table(HEALTH, t).html,
        "benchmarks": tables.benchmark_table(industry_benchmark("telecom").table, t).html,
    }
    assert html == snapshot


def test_index_html(snapshot):
    manifest = {"updated_at": "2026-10-02T08:00:00+00:00", "reports": {
        "acme": {"display_name": "Acme & Co", "status": "ok", "html": "acme.html",
                 "headline": {"nps": 21.4, "ci_low": 10.0, "ci_high": 30.2, "n": 120, "language": "pl",
                              "change": {"delta": 6.2, "previous_nps": 15.2, "verdict": "significant_increase"}}},
        "bolt": {"display_name": "Bolt", "status": "ok", "html": "bolt.draft.html", "draft": "commentary_edited",
                 "headline": {"nps": -3.0, "ci_low": -12.0, "ci_high": 6.0, "n": 24, "language": "de",
                              "min_n": 30}},
        "zed": {"display_name": "Zed <script>", "status": "failed", "html": None, "headline": None,
                "error": {"cell": 3, "source_line": "x", "ename": "NpsStoreError", "evalue": "no data"}},
    }}
    assert index_html(manifest, batch="demo", period="2026-Q3", version="0.1.0") == snapshot
