"""The "significantly higher/lower" markers of a report's segment tables: Holm over the
report, no marker below min_n, the difference said to be against the rest."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nps_helpers.analysis.metrics import nps
from nps_helpers.analysis.segments import holm_markers, nps_by_segment
from nps_helpers.config.params import ClientParams, Defaults
from nps_helpers.core.periods import parse_period
from nps_helpers.present import trend_plots
from nps_helpers.present.chart import kept_figures
from nps_helpers.present.i18n import translator
from nps_helpers.present.tables import nps_table
from nps_helpers.views.report import Report
from nps_helpers.views.report_sections import show_segments

UP, DOWN = "\u25b2", "\u25bc"


def block(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [0] * detractors


def survey() -> pd.DataFrame:
    """Three large regions near +18 and 'Island' (n = 12, +75); channel 'app' truly higher."""
    groups = {"North": block(100, 40, 60), "South": block(90, 50, 60),
              "West": block(70, 35, 45), "Island": block(10, 1, 1)}
    rows = [(g, s) for g, scores in groups.items() for s in scores]
    frame = pd.DataFrame({"region": [g for g, _ in rows], "score": [s for _, s in rows]})
    # The first 140 rows are North's promoters and passives: a real difference.
    frame["channel"] = np.where(np.arange(len(frame)) < 140, "app", "web")
    return frame


def exact_permutation_p(frame: pd.DataFrame, column: str, group: str) -> float:
    """Two-sided exact permutation p of NPS(group) - NPS(rest), labels shuffled.

    Under shuffling, the group's promoters and detractors follow the multivariate
    hypergeometric law, so every outcome is enumerated with its probability.
    """
    code = np.where(frame["score"] >= 9, 1, np.where(frame["score"] <= 6, -1, 0))
    inside = (frame[column] == group).to_numpy()
    total, n = len(code), int(inside.sum())
    k = np.array([(code == 1).sum(), (code == 0).sum(), (code == -1).sum()])
    observed = code[inside].mean() - code[~inside].mean()
    p, d = (a.ravel() for a in np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij"))
    p, d = p[p + d <= n], d[p + d <= n]
    pmf = stats.multivariate_hypergeom.pmf(np.c_[p, n - p - d, d], k, n)
    diff = (p - d) / n - ((k[0] - p) - (k[2] - d)) / (total - n)
    assert pmf.sum() == pytest.approx(1)
    return float(pmf[np.abs(diff) >= abs(observed) - 1e-12].sum())


def holm_by_hand(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values: sort, multiply by m, m-1, ..., running maximum."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


# --- Holm -----------------------------------------------------------------------------------
def test_holm_on_a_small_example_by_hand():
    # Four tested groups over two columns: p = .01, .04, .03, .005; the small group is left out.
    region = pd.DataFrame({"group": ["A", "B", "C"], "flag": ["ok", "ok", "small"],
                           "p_value": [0.01, 0.04, 0.001], "significant": [True, True, False]})
    plan = pd.DataFrame({"group": ["x", "y"], "flag": ["ok", "ok"], "p_value": [0.03, 0.005],
                         "significant": [True, True]})
    # Sorted: .005 x4 = .02, .01 x3 = .03, .03 x2 = .06, .04 x1 = .04 -> running max .06.
    fixed = holm_markers([region, plan])
    assert fixed[0]["p_adjusted"].tolist()[:2] == pytest.approx([0.03, 0.06])
    assert np.isnan(fixed[0]["p_adjusted"].iloc[2])
    assert fixed[1]["p_adjusted"].tolist() == pytest.approx([0.06, 0.02])
    assert fixed[0]["significant"].tolist() == [True, False, False]
    assert fixed[1]["significant"].tolist() == [False, True]
    assert holm_by_hand([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # A stricter level: only .02 stays below .025.
    assert [f["significant"].tolist() for f in holm_markers([region, plan], level=0.975)] == [
        [False, False, False], [False, True]]
    assert region["significant"].tolist() == [True, True, False]  # the caller's frame is kept


@given(st.lists(st.lists(st.tuples(st.sampled_from(["ok", "small", "suppressed"]),
                                    st.floats(0, 1)), max_size=6), max_size=4))
# statsmodels' Holm runs gc.collect() on every call, so few examples keep this quick.
@settings(max_examples=25, deadline=None)
def test_holm_matches_the_hand_rule_and_never_adds_a_marker(columns):
    frames = [pd.DataFrame({"flag": [f for f, _ in c], "p_value": [p for _, p in c]},
                           dtype=object).assign(significant=lambda f: f["p_value"] < 0.05)
              for c in columns]
    fixed = holm_markers(frames)
    tested = [p for c in columns for f, p in c if f == "ok"]
    got = [p for f in fixed for p in f["p_adjusted"].dropna()]
    assert got == pytest.approx(holm_by_hand(tested))
    for before, after in zip(frames, fixed, strict=True):
        assert not (after["significant"] & ~before["significant"]).any()
        assert not after.loc[after["flag"] != "ok", "significant"].any()


def test_holm_leaves_withheld_groups_and_empty_families_alone():
    withheld = pd.DataFrame({"group": ["A", None], "flag": ["suppressed", "suppressed"],
                             "p_value": [np.nan, np.nan], "significant": [False, False]})
    (out,) = holm_markers([withheld])
    assert out["p_adjusted"].isna().all() and not out["significant"].any()
    assert holm_markers([]) == []


def test_a_z_test_marker_that_does_not_survive_the_report_wide_correction():
    frame = survey()
    frames = [nps_by_segment(frame, c, min_n=10) for c in ("region", "channel")]
    island = frames[0].set_index("group").loc["Island"]
    # Uncorrected, the adjusted-Wald test marks Island (n = 12) as higher than the rest...
    assert island["significant"] and island["p_value"] < 0.05
    # ...and so does an exact permutation test, once, at p = 0.025.
    tested = [(c, g) for c, f in zip(("region", "channel"), frames, strict=True) for g in f["group"]]
    exact = [exact_permutation_p(frame, c, g) for c, g in tested]
    assert exact[tested.index(("region", "Island"))] == pytest.approx(0.0251, abs=1e-4)
    # Over the report's six tests Holm removes it, with the exact p-values as with ours.
    fixed = pd.concat(holm_markers(frames), ignore_index=True)
    survives = [p < 0.05 for p in holm_by_hand(exact)]
    assert fixed["significant"].tolist() == survives
    assert dict(zip(tested, survives, strict=True)) == {
        ("region", "Island"): False, ("region", "North"): False, ("region", "South"): False,
        ("region", "West"): False, ("channel", "app"): True, ("channel", "web"): True}
    assert fixed["p_adjusted"].tolist() == pytest.approx(holm_by_hand(fixed["p_value"].tolist()))


def test_groups_below_min_n_get_no_marker_and_are_not_in_the_family():
    frame = survey()
    region = nps_by_segment(frame, "region")  # min_n 30: Island (12) is small
    island = region.set_index("group").loc["Island"]
    assert island["flag"] == "small" and island["p_value"] < 0.05 and not island["significant"]
    fixed = holm_markers([region, nps_by_segment(frame, "channel")])
    assert fixed[0].set_index("group")["p_adjusted"].isna().tolist() == [True, False, False, False]
    # Five tests in the family, not six.
    p = pd.concat(fixed)["p_value"][pd.concat(fixed)["flag"] == "ok"].tolist()
    assert len(p) == 5
    assert pd.concat(fixed)["p_adjusted"].dropna().tolist() == pytest.approx(holm_by_hand(p))
    # A table given a small group marked significant still shows no marker for it.
    marked = region.assign(significant=True)
    html = nps_table(marked, translator("en"), min_n=30).html
    island_row = html.split("Island</th>")[1].split("</tr>")[0]
    assert UP not in island_row and DOWN not in island_row


# --- what the difference is against ---------------------------------------------------------
@pytest.mark.parametrize(("language", "header", "note"), [
    ("en", "Difference from the rest", "the other customers in this table together"),
    ("de", "Differenz zu den Übrigen", "aller übrigen Kunden dieser Tabelle"),
    ("pl", "Różnica względem reszty", "pozostałych klientów z tej tabeli"),
    ("sl", "Razlika glede na ostale", "vseh drugih strank v tej tabeli"),
    ("ru", "Разница с остальными", "всех остальных клиентов этой таблицы"),
])
def test_the_difference_says_it_is_against_the_rest(language, header, note):
    frame = holm_markers([nps_by_segment(survey(), "channel")])[0]
    html = nps_table(frame, translator(language), against="rest").html
    assert f'<th scope="col" class="num">{header}</th>' in html
    footer = html.split("<tfoot")[1]
    assert note in footer and ("Holm" in footer or "Холм" in footer)
    assert UP in html and DOWN in html
    # Without against='rest' (periods, the portfolio) the header stays as it was.
    plain = nps_table(frame.drop(columns="p_adjusted"), translator(language)).html
    assert header not in plain and "Holm" not in plain and "Холм" not in plain


# --- the report applies it ----------------------------------------------------------------
def test_show_segments_corrects_the_markers_of_all_columns_together():
    responses = survey().assign(responded_at=pd.Timestamp("2026-08-01", tz="UTC"))
    empty = pd.DataFrame()
    defaults = Defaults(min_n=10)
    r = Report(client=ClientParams(client_id="acme", display_name="Acme", industry="retail",
                                   segments=["region", "channel"]),
               defaults=defaults, t=translator("en"), period=parse_period("2026-Q3"),
               responses=responses, history=responses, customers=empty, invitations=empty,
               reviews=empty, internal_dir=Path("unused"))
    parts = show_segments(r, nps(responses["score"]))
    region_table, channel_table = parts[2].html, parts[5].html
    assert UP not in region_table.split("Island</th>")[1].split("</tr>")[0]
    assert "Difference from the rest" in region_table
    assert f"{UP}" in channel_table and "Holm" in channel_table
    assert "Differs significantly" not in parts[1].alt  # the forest marks nothing in region


# --- trend months below suppress_n and min_n ----------------------------------------------
def months(n: list[int], nps_: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"period": ["2026-01", "2026-02", "2026-03", "2026-04"], "n": n,
                         "nps": nps_, "ci_low": [v - 10 for v in nps_],
                         "ci_high": [v + 10 for v in nps_]})


def test_a_trend_month_below_suppress_n_is_withheld_as_a_gap():
    t = translator("en")
    seven = trend_plots.trend(months([80, 7, 90, 85], [30.0, -43.0, 32.0, 35.0]), t)
    # Whatever the withheld month's figures, not one pixel changes: they are not drawn.
    other = trend_plots.trend(months([80, 7, 90, 85], [30.0, 90.0, 32.0, 35.0]), t)
    assert seven.png == other.png
    assert trend_plots.trend(months([80, 40, 90, 85], [30.0, -43.0, 32.0, 35.0]), t).png != seven.png
    assert "\u221243" not in seven.alt and seven.alt.endswith(
        "February 2026: withheld (fewer than 10 responses).")
    assert "lowest +30 (January 2026)" in seven.alt
    stars = pd.DataFrame({"platform": "google", "period": ["2026-01", "2026-02"], "n": [5, 5],
                          "stars": [4.0, 4.2], "ci_low": [3.5, 3.7], "ci_high": [4.5, 4.7]})
    both = [trend_plots.stars_trend(months([80, 7, 90, 85], v), stars, translator("de")) for v in
            ([30.0, -43.0, 32.0, 35.0], [30.0, 90.0, 32.0, 35.0])]
    assert both[0].png == both[1].png and "Februar 2026: ausgeblendet" in both[0].alt


def test_trend_months_below_min_n_are_hollow_and_the_thresholds_come_from_the_caller():
    with kept_figures() as figures:
        trend_plots.trend(months([80, 7, 20, 85], [30.0, -43.0, 32.0, 35.0]), translator("en"), min_n=30,
                    suppress_n=10)
    ax = figures[0].axes[0]
    drawn = ax.get_lines()[0].get_ydata()  # the NPS line: a gap where the month is withheld
    assert np.isnan(np.asarray(drawn, dtype=float)).tolist() == [False, True, False, False]
    band, filled, hollow = ax.collections
    shown = [(~np.ma.getmaskarray(c.get_offsets())[:, 1]).sum() for c in (filled, hollow)]
    assert shown == [2, 1]  # January and April filled; March (n 20 < 30) hollow; February withheld
    assert hollow.get_offsets()[0][1] == 32.0
    strict = trend_plots.trend(months([80, 7, 20, 85], [30.0, -43.0, 32.0, 35.0]), translator("en"),
                         suppress_n=25)
    assert strict.alt.endswith("February 2026 and March 2026: withheld (fewer than 25 responses).")
