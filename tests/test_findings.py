"""The summary's findings: only tested results, values as the sections show them, ranked,
the target sentence, 'nothing significant', and a rendered demo report whose findings are
<li> items linking to headings that exist."""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import demo_project, render, write_params
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportions_ztest

from nps_helpers.analysis.churn import ChurnResult
from nps_helpers.analysis.drivers import DriversResult
from nps_helpers.analysis.findings import (
    findings,
    response_rate_change,
    year_change,
    year_earlier,
)
from nps_helpers.analysis.metrics import nps
from nps_helpers.analysis.segments import nps_by_segment
from nps_helpers.analysis.theme_impact import theme_impact
from nps_helpers.analysis.trends import period_change
from nps_helpers.config.params import LANGUAGES, ClientParams, Defaults
from nps_helpers.core.periods import parse_period
from nps_helpers.present.i18n import translator
from nps_helpers.render.safety import html_problems
from nps_helpers.views.report import Report, anchor
from nps_helpers.views.summary_sections import show_summary, summary_findings

PERIOD = parse_period("2026-Q3")
IN_PERIOD, BEFORE, YEAR_BEFORE = "2026-08-01", "2026-05-01", "2025-08-01"


def frame(scores: list[int], when: str, **columns) -> pd.DataFrame:
    out = pd.DataFrame({"score": scores, "responded_at": pd.to_datetime([when] * len(scores), utc=True)})
    return out.assign(**columns)


def hand_nps(scores) -> float:
    scores = list(scores)
    return 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)


def report(history: pd.DataFrame, *, target: int | None = None, invitations=None,
           segments=("region",), language: str = "en") -> Report:
    empty = pd.DataFrame()
    return Report(
        client=ClientParams(client_id="acme", display_name="Acme", industry="retail",
                            segments=list(segments), target_nps=target),
        defaults=Defaults(), t=translator(language), period=PERIOD,
        responses=history[history["responded_at"] >= PERIOD.start].reset_index(drop=True),
        history=history, customers=empty, invitations=empty if invitations is None else invitations,
        reviews=empty, internal_dir=Path("unused"))


def markup(parts: list) -> str:
    return "".join(p._repr_html_() for p in parts)


# --- theme impact ------------------------------------------------------------------------
def theme_frame(**columns) -> pd.DataFrame:
    base = {"theme": "installation", "mentions": 60, "complaints": 40, "detractors": 35,
            "impact": -10.0, "ci_low": -15.0, "ci_high": -5.0, "significant": True,
            "detractor_share": 0.5, "previous_detractor_share": 0.2, "previous_detractor_comments": 80,
            "share_verdict": "rose"}
    n = max(len(v) for v in columns.values() if isinstance(v, list)) if columns else 1
    return pd.DataFrame({k: columns.get(k, [v] * n) for k, v in base.items()})


def test_the_theme_finding_is_the_largest_tested_loss_from_complaints():
    themes = theme_frame(theme=["price", "installation", "staff"], impact=[-3.0, -8.0, -12.0],
                         significant=[True, True, False], complaints=[20, 40, 60])
    (found,) = findings(themes=themes)
    assert (found.code, found.section, found.n) == ("theme_lowers", "comments", 40)
    assert found.values["theme"] == "installation" and found.impact == pytest.approx(8)


def test_a_theme_that_failed_its_tests_is_never_a_finding():
    themes = theme_frame(theme=["price", "staff"], significant=[False, False],
                         share_verdict=["no_significant_change", "fell"])
    assert findings(themes=themes) == ()


def test_without_a_tested_loss_a_significant_rise_among_detractors_is_the_finding():
    themes = theme_frame(theme=["price", "billing"], significant=[False, False],
                         share_verdict=["no_significant_change", "rose"],
                         detractor_share=[0.9, 0.4], previous_detractor_share=[0.1, 0.1])
    (found,) = findings(themes=themes)
    assert (found.code, found.values["theme"], found.n) == ("theme_rose_among_detractors", "billing", 35)
    assert math.isnan(found.impact)
    assert (found.values["share"], found.values["previous_share"]) == (0.4, 0.1)


def test_theme_findings_from_theme_impact_by_hand():
    # 40 detractors complain about installation, 80 promoters say nothing of it.
    scores = [2] * 40 + [10] * 80
    responses = pd.DataFrame({"score": scores, "comment": ["x"] * len(scores)})
    mentions = pd.DataFrame({"row": range(40), "theme": "installation", "language": "en",
                             "sentiment": "negative"})
    (found,) = findings(themes=theme_impact(responses, mentions))
    assert found.code == "theme_lowers" and found.n == 40
    assert found.values["impact"] == pytest.approx(hand_nps(scores) - 100)


# --- change, year earlier, response rate --------------------------------------------------
def test_a_significant_change_is_a_finding_with_period_changes_figures():
    history = pd.concat([frame([10] * 30 + [0] * 20, IN_PERIOD), frame([10] * 10 + [0] * 40, BEFORE)])
    change = period_change(history, PERIOD)
    (found,) = findings(change=change)
    assert (found.code, found.section, found.n) == ("nps_rose", "change", 50)
    assert found.values["difference"] == change.difference.difference == pytest.approx(80)
    assert found.values["before"] == pytest.approx(-60) and found.values["now"] == pytest.approx(20)
    assert found.impact == pytest.approx(80)


def test_a_change_that_failed_its_test_is_not_stated():
    history = pd.concat([frame([10] * 26 + [0] * 24, IN_PERIOD), frame([10] * 25 + [0] * 25, BEFORE)])
    change = period_change(history, PERIOD)
    assert change.verdict == "no_significant_change"
    assert findings(change=change) == ()


def test_year_earlier_is_the_same_quarter_a_year_before_and_compared_as_period_change_does():
    assert year_earlier(PERIOD).label == "2025-Q3"
    history = pd.concat([frame([10] * 30 + [0] * 20, IN_PERIOD), frame([10] * 10 + [0] * 40, YEAR_BEFORE)])
    ch = year_change(history, PERIOD)
    assert ch.verdict == "significant_increase"
    assert ch.difference.a.nps == pytest.approx(hand_nps([10] * 30 + [0] * 20))
    assert ch.difference.b.nps == pytest.approx(hand_nps([10] * 10 + [0] * 40))
    assert year_change(history[history["responded_at"] >= PERIOD.start], PERIOD).verdict == "no_previous_period"


def invitations_and_answers(answered_now: int, answered_before: int, n: int = 100):
    ids_now, ids_before = [f"n{i}" for i in range(n)], [f"b{i}" for i in range(n)]
    invitations = pd.DataFrame({"customer_id": ids_now + ids_before,
                                "invited_at": pd.to_datetime([IN_PERIOD] * n + [BEFORE] * n, utc=True)})
    answers = pd.concat([
        frame([9] * answered_now, "2026-08-03", customer_id=ids_now[:answered_now]),
        frame([9] * answered_before, "2026-05-03", customer_id=ids_before[:answered_before])])
    return invitations, answers


def test_a_significant_change_of_the_response_rate_is_a_finding():
    invitations, answers = invitations_and_answers(30, 50)
    rate = response_rate_change(invitations, answers, PERIOD)
    assert (rate.invited, rate.answered, rate.previous_invited, rate.previous_answered) == (100, 30, 100, 50)
    assert rate.p_value == pytest.approx(proportions_ztest([30, 50], [100, 100])[1])
    (found,) = findings(responses=rate)
    assert (found.code, found.section, found.n) == ("response_rate_fell", "category_split", 100)
    assert found.values["rate"] == 0.3 and found.values["previous_rate"] == 0.5


def test_a_response_rate_change_within_chance_is_not_stated():
    invitations, answers = invitations_and_answers(45, 50)
    assert not response_rate_change(invitations, answers, PERIOD).significant
    assert findings(responses=response_rate_change(invitations, answers, PERIOD)) == ()
    assert response_rate_change(pd.DataFrame(), answers, PERIOD) is None


# --- segments, drivers, churn -------------------------------------------------------------
def segment_history() -> pd.DataFrame:
    north = [10] * 45 + [0] * 15  # +50, far above the rest
    south = [10] * 15 + [0] * 45  # -50, far below
    east = [10] * 30 + [0] * 30  # 0, as the rest (north and south together)
    scores = north + south + east
    region = ["north"] * 60 + ["south"] * 60 + ["east"] * 60
    return frame(scores, IN_PERIOD, region=region)


def test_segment_findings_are_the_flagged_groups_with_their_impact_on_everyones_nps():
    history = segment_history()
    table = nps_by_segment(history, "region", min_n=30, suppress_n=10)
    found = findings(segments={"region": table})
    flagged = table[table["significant"].astype(bool)]
    assert {f.values["group"] for f in found} == set(flagged["group"])
    north = next(f for f in found if f.values["group"] == "north")
    everyone = hand_nps(history["score"])
    without = hand_nps(history.loc[history["region"] != "north", "score"])
    assert north.code == "segment_above" and north.n == 60
    assert north.impact == pytest.approx(abs(everyone - without))
    assert north.values["nps"] == pytest.approx(50)
    assert not bool(table.set_index("group").at["east", "significant"])


def test_segment_flags_are_used_as_given_so_a_corrected_flag_removes_the_finding():
    table = nps_by_segment(segment_history(), "region", min_n=30, suppress_n=10)
    corrected = table.assign(significant=False)  # e.g. none survives a multiple-comparison correction
    assert findings(segments={"region": corrected}) == ()
    small = table.assign(flag="small", small_n=True)  # groups below min_n carry no marker
    assert findings(segments={"region": small}) == ()


def drivers_result(quadrants: list[str]) -> DriversResult:
    table = pd.DataFrame({"driver": ["price", "support"][: len(quadrants)], "share": [0.6, 0.4][: len(quadrants)],
                          "mean": [2.1, 4.2][: len(quadrants)], "quadrant": quadrants})
    return DriversResult("ok", 120, 0, 30, table=table, r_squared=0.4)


def test_the_driver_to_concentrate_on_is_a_finding_only_when_its_quadrant_says_so():
    (found,) = findings(drivers=drivers_result(["concentrate_here", "keep_up"]))
    assert (found.code, found.section, found.values["driver"], found.n) == ("driver", "drivers", "price", 120)
    assert math.isnan(found.impact)
    assert findings(drivers=drivers_result(["keep_up", "low_priority"])) == ()
    assert findings(drivers=DriversResult("too_few_responses", 10, 0, 30)) == ()


def churn_result(verdict: str) -> ChurnResult:
    rates = pd.DataFrame({"category": ["detractor", "passive", "promoter"], "customers": [100, 200, 300],
                          "churned": [12, 10, 6], "rate": [0.12, 0.05, 0.02]})
    return ChurnResult("ok", None, 180, rates=rates, verdict=verdict, events=28)


def test_the_churn_link_is_stated_only_when_its_test_found_one():
    (found,) = findings(churn=churn_result("higher_score_less_churn"))
    assert (found.code, found.section, found.n) == ("churn_link", "churn", 600)
    assert found.values["detractor_rate"] == 0.12 and found.values["promoter_rate"] == 0.02
    for verdict in ("no_association", "too_few_events", "higher_score_more_churn"):
        assert findings(churn=churn_result(verdict)) == ()


def test_findings_are_ranked_by_impact_and_at_most_five():
    history = pd.concat([segment_history(), frame([10] * 10 + [0] * 170, BEFORE, region="north")])
    change = period_change(history, PERIOD)
    table = nps_by_segment(history[history["responded_at"] >= PERIOD.start], "region")
    invitations, answers = invitations_and_answers(30, 50)
    found = findings(change=change, segments={"region": table},
                     drivers=drivers_result(["concentrate_here"]), churn=churn_result("higher_score_less_churn"),
                     responses=response_rate_change(invitations, answers, PERIOD))
    assert len(found) == 5
    assert [f.code for f in found][:1] == ["nps_rose"]
    measured = [f.impact for f in found if not math.isnan(f.impact)]
    assert measured == sorted(measured, reverse=True)
    assert all(math.isnan(f.impact) for f in found[len(measured):])


# --- the summary's sentences ----------------------------------------------------------------
def test_with_nothing_significant_the_summary_says_so_in_one_sentence():
    history = pd.concat([frame([10, 0, 8] * 20, IN_PERIOD, region=["a", "b", "c"] * 20),
                         frame([10, 0, 8] * 20, BEFORE, region=["a", "b", "c"] * 20)])
    r = report(history)
    head = nps(r.responses["score"])
    html = markup(show_summary(r, head, period_change(r.history, r.period)))
    assert summary_findings(r, period_change(r.history, r.period)) == ()
    assert r.t.text("summary_nothing") in html and 'class="findings"' not in html
    assert html.count(r.t.text("summary_nothing")) == 1


@pytest.mark.parametrize(("target", "code"), [(-50, "target_above"), (90, "target_below"), (40, "target_across")])
def test_the_target_sentence_says_where_the_interval_lies(target, code):
    r = report(frame([10] * 60 + [8] * 20 + [0] * 20, IN_PERIOD, region="a"), target=target)
    head = nps(r.responses["score"])
    assert head.ci_low > -50 and head.ci_high < 90 and head.ci_low < 40 < head.ci_high
    html = markup(show_summary(r, head, period_change(r.history, r.period)))
    interval = r.t.interval(head.ci_low, head.ci_high)
    assert r.t.text(code, target=r.t.nps(target), interval=interval) in html
    assert sum(r.t.text(c, target=r.t.nps(target), interval=interval) in html
               for c in ("target_above", "target_below", "target_across")) == 1


def test_without_a_target_there_is_no_target_sentence():
    r = report(frame([10] * 60 + [0] * 40, IN_PERIOD, region="a"))
    html = markup(show_summary(r, nps(r.responses["score"]), period_change(r.history, r.period)))
    assert "target" not in html


def test_each_finding_is_an_li_linking_to_its_section_and_withheld_sections_are_not_linked():
    history = pd.concat([segment_history(), frame([10] * 10 + [0] * 170, BEFORE, region="north")])
    r = report(history)
    html = markup(show_summary(r, nps(r.responses["score"]), period_change(r.history, r.period)))
    items = BeautifulSoup(html, "html.parser").select("ul.findings > li")
    assert len(items) == 3  # the change and two segments
    assert [li.a["href"] for li in items] == ["#sec-change", "#sec-segments", "#sec-segments"]
    assert "(180 responses)" in items[0].get_text()
    only = replace(r, client=r.client.model_copy(update={"sections": ["trend"]}))
    html = markup(show_summary(only, nps(r.responses["score"]), period_change(r.history, r.period)))
    assert BeautifulSoup(html, "html.parser").select("ul.findings a") == []
    assert html_problems(f'<html><head><meta http-equiv="Content-Security-Policy" '
                         f"content=\"default-src 'none'\"></head><body>{html}</body></html>") == []


# --- property: no finding contradicts the section it links to -------------------------------
@st.composite
def histories(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_now, n_before = draw(st.integers(40, 160)), draw(st.integers(0, 160))
    seed = draw(st.integers(0, 2**32 - 1))
    shift = draw(st.floats(-0.4, 0.4))
    rng = np.random.default_rng(seed)
    regions = rng.choice(["north", "south", "west"], n_now)
    base = np.where(regions == "north", 0.55 + shift, 0.35)
    promoter = rng.random(n_now) < np.clip(base, 0.05, 0.95)
    scores_now = np.where(promoter, 10, rng.choice([0, 3, 7, 8], n_now))
    scores_before = rng.integers(0, 11, n_before)
    history = pd.concat([frame(scores_now.tolist(), IN_PERIOD, region=regions),
                         frame(scores_before.tolist(), BEFORE, region="north")], ignore_index=True)
    named = rng.random(n_now) < 0.3
    bad = named & (scores_now <= 6)
    rows = np.flatnonzero(named | bad)
    bad_rows = scores_now[rows] <= 6
    mentions = pd.DataFrame({"row": rows, "theme": np.where(bad_rows, "delivery", "price"),
                             "language": "en", "sentiment": np.where(bad_rows, "negative", "positive")})
    return history, mentions


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_no_finding_contradicts_the_section_it_links_to(data):
    history, mentions = data
    r = report(history)
    responses = r.responses.assign(comment="x")
    change = period_change(history, PERIOD)
    table = nps_by_segment(r.responses, "region", min_n=r.min_n, suppress_n=r.suppress_n)
    themes = theme_impact(responses, mentions, min_n=r.min_n)
    for f in findings(change=change, segments={"region": table}, themes=themes):
        if f.section == "change":
            assert change.verdict == {"nps_rose": "significant_increase", "nps_fell": "significant_decrease"}[f.code]
            assert f.values["difference"] == change.difference.difference and f.n == change.difference.a.n
        elif f.section == "segments":
            row = table.set_index("group").loc[f.values["group"]]
            assert bool(row["significant"]) and row["flag"] == "ok"
            assert f.values["nps"] == row["nps"] and f.n == row["n"]
            assert (f.code == "segment_above") == (row["difference"] > 0)
        else:
            assert f.section == "comments"
            row = themes.set_index("theme").loc[f.values["theme"]]
            if f.code == "theme_lowers":
                assert bool(row["significant"]) and not row["small_n"] and row["impact"] < 0
                assert f.n == row["complaints"] and f.values["impact"] == row["impact"]
            else:
                assert f.code == "theme_rose_among_detractors" and row["share_verdict"] == "rose"


# --- a rendered demo report -----------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("findings")
    params = demo_project(root, clients=2, responses=3000)
    first = sorted(params)[0]
    write_params(root, {**params[first], "target_nps": 30, "language": "en"})
    result = render(root)
    assert [r.status for r in result.results] == ["ok", "ok"], result.summary()
    return next((root / "out").rglob("index.html")).parent


def test_the_rendered_summary_lists_findings_that_link_to_existing_headings(rendered):
    reports = sorted(p for p in rendered.glob("*.html") if p.name != "index.html")
    assert len(reports) == 2
    linked = 0
    for path in reports:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        ids = {tag["id"] for tag in soup.find_all(id=True)}
        summary = soup.find("h2", id="section-1").find_parent(class_="jp-Cell")
        items = summary.select("ul.findings > li")
        assert items or summary.find("p", string=lambda s: s and "passed its significance test" in s)
        for li in items:
            link = li.find("a")
            assert link["href"].startswith("#") and link["href"][1:] in ids
            assert soup.find(id=link["href"][1:]).name == "h2"
            linked += 1
        assert soup.find(id=anchor("category_split")) is not None
        captions = {translator(lang).label("score_distribution") for lang in LANGUAGES}
        split = soup.find(id=anchor("category_split")).find_parent(class_="jp-Cell")
        assert {c.get_text() for c in split.find_all("caption")} & captions
    assert linked > 0


def test_the_target_client_reads_where_its_interval_lies(rendered):
    first = sorted(p for p in rendered.glob("*.html") if p.name != "index.html")
    texts = [p.read_text(encoding="utf-8") for p in first]
    assert sum("target NPS of +30" in text for text in texts) == 1
