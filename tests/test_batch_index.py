"""The batch index, the analyst's overview: per client NPS, interval, n, small-sample mark,
change in words, language and state; on a hand-made manifest and on a rendered demo batch
checked against figures computed again from the store."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import BATCH, demo_project, every_state_manifest, render, write_params

from nps_helpers.analysis.codeframes import codeframe
from nps_helpers.analysis.metrics import nps, nps_difference
from nps_helpers.core.periods import parse_period
from nps_helpers.io.store import Store
from nps_helpers.io.timezones import client_timezone
from nps_helpers.present.i18n import translator
from nps_helpers.render.index import index_html
from nps_helpers.render.safety import html_problems

MINUS = "\u2212"
DASH = "\u2014"
LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "sl": "Slovenian", "ru": "Russian", "de": "German"}


def cells(html: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in soup.tbody.find_all("tr")]


def signed(value: float) -> str:
    whole = round(value)
    return ("+" if whole > 0 else "") + str(whole).replace("-", MINUS)


def plain(value: float) -> str:
    return str(round(value)).replace("-", MINUS)


# --- a hand-made manifest: every state, fast ------------------------------------------------
def test_every_state_in_words_sorted_by_name():
    html = index_html(every_state_manifest(), batch="demo", period="2026-Q3", version="0.1.0")
    assert html_problems(html, allow_relative_links=True) == []
    assert cells(html) == [
        ["Acme", f"{MINUS}3 *", f"{MINUS}20 to 14", "25", f"{MINUS}3 (from 0), no clear change", "German",
         "Draft: commentary not approved"],
        ["Brio Insurance Group International", "+45", "38 to 51", "1,203", f"{MINUS}12 (from +56), significant",
         "English", "Draft: data changed since approval"],
        ["Coda", "+50 *", "20 to 70", "12", "no responses in the previous period", "Slovenian", "Final"],
        ["Dune", DASH, DASH, DASH, DASH, DASH, "Failed: NpsParamsError"],
        ["Zed <b>Bank</b>", "+21", "10 to 30", "120", "+6 (from +15), significant", "Polish", "Final"],
    ]
    soup = BeautifulSoup(html, "html.parser")
    # Only rendered reports are linked, and only to files beside the index.
    assert [a["href"] for a in soup.find_all("a")] == ["acme.html", "brio.html", "coda.html", "zed.html"]
    assert soup.find(class_="legend").get_text(" ", strip=True) == (
        "* Fewer responses than the client's minimum (min_n): read this NPS with caution.")
    assert soup.find(class_="report-period").get_text().startswith("5 reports · 2 drafts · 1 failed · updated")
    assert "Rendered" not in soup.get_text()
    assert [td["class"][-1] for td in soup.select("tbody td:last-child")] == [
        "state-draft", "state-draft", "state-final", "state-failed", "state-final"]


def test_no_legend_without_a_small_sample_and_the_batch_language_is_used():
    manifest = every_state_manifest()
    for entry in manifest["reports"].values():
        if entry["headline"]:
            entry["headline"]["small_sample"] = False
    html = index_html({**manifest, "language": "de"}, batch="demo", period="2026-Q3", version="0.1.0")
    rows = {row[0]: row for row in cells(html)}
    assert 'class="legend"' not in html and "*" not in "".join(rows["Acme"])
    assert rows["Acme"][4:] == [f"{MINUS}3 (vorher 0), keine klare Veränderung", "Deutsch",
                                "Entwurf: Kommentar nicht freigegeben"]
    assert rows["Brio Insurance Group International"][3] == "1.203"
    assert rows["Dune"][-1] == "Fehlgeschlagen: NpsParamsError"


def test_a_manifest_link_to_anything_but_a_report_beside_it_is_refused():
    manifest = every_state_manifest()
    manifest["reports"]["zed"]["html"] = "../other/zed.html"
    with pytest.raises(Exception, match="not safe"):
        index_html(manifest, batch="demo", period="2026-Q3", version="0.1.0")


@pytest.mark.browser
def test_index_reads_on_a_phone_and_a_desktop(chromium, tmp_path):
    path = tmp_path / "index.html"
    path.write_text(index_html(every_state_manifest(), batch="demo", period="2026-Q3", version="0.1.0"),
                    encoding="utf-8")
    for width in (390, 1280):
        page = chromium.new_page(viewport={"width": width, "height": 800})
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(tmp_path / f"index-{width}.png"), full_page=True)
        # The page itself never scrolls sideways; on a phone the table does, in its wrapper.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        wide = page.evaluate("(() => { const w = document.querySelector('.table-scroll');"
                             " return w.scrollWidth > w.clientWidth; })()")
        assert wide == (width == 390)
        if width == 390:
            # Scrolled to the end, the client's name is still in view (a sticky column).
            page.evaluate("document.querySelector('.table-scroll').scrollLeft = 10000")
            box = page.locator("tbody th").first.bounding_box()
            assert 0 <= box["x"] < width / 2
        page.close()


# --- a rendered demo batch, checked against the store ---------------------------------------
@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("index_batch")
    params = demo_project(root, clients=3, responses=3000)
    first, second, _ = sorted(params)
    params[first]["language"] = "pl"
    params[second]["min_n"] = 5000  # more than the demo client has: a small sample
    for data in params.values():
        write_params(root, data)
    result = render(root)
    assert result.exit_code == 0, result.summary()
    return root, params, root / "out" / BATCH / "2026-Q3"


def expected_row(root: Path, data: dict, min_n: int) -> list[str]:
    """The index row of one client from its stored scores, without the notebook."""
    cid = data["client_id"]
    st = Store(root / "store")
    tz = client_timezone(cid, params_dir=root / "params", store=st)
    answers = st.read("responses", cid)
    when = pd.to_datetime(answers["responded_at"], utc=True)

    def scores(label: str) -> pd.Series:
        period = parse_period(label, tz=tz)
        return answers.loc[(when >= period.start) & (when < period.end), "score"]

    now, before = nps(scores("2026-Q3")), nps(scores("2026-Q2"))
    diff = nps_difference(now, before)
    assert abs(diff.difference - (now.nps - before.nps)) < 1e-9
    verdict = "significant" if diff.significant else "no clear change"
    flag = " *" if now.n < data.get("min_n", min_n) else ""
    return [data["display_name"], signed(now.nps) + flag, f"{plain(now.ci_low)} to {plain(now.ci_high)}",
            f"{now.n:,}", f"{signed(now.nps - before.nps)} (from {signed(before.nps)}), {verdict}",
            LANGUAGE_NAMES[data["language"]], "Final"]


def test_rendered_index_matches_the_store(rendered):
    root, params, folder = rendered
    min_n = yaml.safe_load((root / "params" / "defaults.yaml").read_text(encoding="utf-8"))["min_n"]
    expected = sorted((expected_row(root, data, min_n) for data in params.values()),
                      key=lambda row: row[0].casefold())
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert cells(html) == expected
    assert sum(row[1].endswith(" *") for row in expected) == 1  # the client with min_n 5000
    assert "class=\"legend\"" in html


def test_rendered_detractor_list_folds_each_customer_to_their_latest_answer(rendered):
    root, params, folder = rendered
    cid = sorted(params)[0]  # the Polish report
    st = Store(root / "store")
    period = parse_period("2026-Q3", tz=client_timezone(cid, params_dir=root / "params", store=st))
    answers = st.read("responses", cid)
    when = pd.to_datetime(answers["responded_at"], utc=True)
    answers = answers[(when >= period.start) & (when < period.end) & answers["customer_id"].notna()]
    customers = st.read("customers", cid)
    gone = set(customers.loc[customers["churned_at"].notna(), "customer_id"])
    answers = answers[~answers["customer_id"].isin(gone)].sort_values("responded_at")
    latest = answers.groupby("customer_id").tail(1)
    detractors = latest[latest["score"] <= 6]
    written = pd.read_csv(folder / "_internal" / cid / "detractors_to_call.csv", encoding="utf-8-sig")
    assert sorted(written["customer_id"]) == sorted(detractors["customer_id"])
    folded = answers["customer_id"].value_counts()
    assert dict(zip(written["customer_id"], written["answers_in_period"], strict=True)) == {
        c: folded[c] for c in detractors["customer_id"]}
    assert written["score"].is_monotonic_increasing
    assert {"region", "touchpoint", "plan", "revenue"} <= set(written.columns)
    # Theme names in Polish, as the report shows them: the labels of the client's codeframe.
    names = {n for cell in written["themes"].dropna() for n in cell.split("; ")}
    industry = params[cid]["industry"]
    labels = {translator("pl").theme(code, industry) for code in codeframe(industry).themes}
    assert names and names <= labels and len(names) >= 3
