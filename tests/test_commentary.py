"""Analyst commentary: Markdown made inert, placeholders equal to the report's figures,
approval bound to the data, draft reports marked and refused by ``render --final``.

The unit tests build small frames by hand. The project tests run the CLI on a copy of
a two-client demo project (one report in English, one in German) through one scenario:
approve, render (final), ingest three more responses, render (draft), ``render --final``
(refused), edit a commentary (unapproved, language warning). The browser test opens the
scenario's reports in headless Chromium.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import BATCH, demo_project, write_params
from typer.testing import CliRunner

import nps_helpers as nh
from nps_helpers.analysis.segments import nps_by_segment
from nps_helpers.analysis.trends import period_change
from nps_helpers.cli import app
from nps_helpers.core.periods import parse_period
from nps_helpers.errors import NpsParamsError
from nps_helpers.io.store import Store
from nps_helpers.io.timezones import client_timezone
from nps_helpers.present.commentary import (
    TAGS,
    Figure,
    commentary_state,
    fill,
    fingerprint,
    language_warning,
    placeholder_values,
    render_commentary,
    responses_digest,
    text_digest,
    to_html,
    withheld_groups,
)
from nps_helpers.present.i18n import translator
from nps_helpers.render.safety import CSP, html_problems
from nps_helpers.views.report import open_report, read_commentary
from nps_helpers.views.report_sections import show_commentary

PERIOD = "2026-Q3"
Q3, Q2 = "2026-08-10", "2026-05-10"


# --- Markdown subset and escaping ------------------------------------------------------------
HOSTILE = """# Title <script>alert(1)</script>

Text with <b onmouseover="alert(2)">raw html</b>, a [link](https://evil.example/x),
a [js link](javascript:alert(3)), an ![chart <img src=x onerror=alert(4)>](https://evil.example/p.png)
and <https://evil.example/auto>.

<iframe src="https://evil.example/f"></iframe>

<div style="background:url(https://evil.example/s)">block</div>

    indented code

```
fenced
```
"""


def _page(fragment: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head>'
            f"<body>{fragment}</body></html>")


def test_markdown_subset_becomes_the_allowed_tags_only():
    html = to_html("## Why it moved\n\n*Price* and **support**.\n\n- one\n- two\n\n1. first\n2. second\n\n"
                   "> a quote\n\n#### small heading\n")
    assert html == (
        "<h3>Why it moved</h3>\n<p><em>Price</em> and <strong>support</strong>.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        "<blockquote>\n<p>a quote</p>\n</blockquote>\n<h3>small heading</h3>")


def test_scripts_raw_html_links_and_images_become_text():
    html = to_html(HOSTILE)
    soup = BeautifulSoup(html, "html.parser")
    assert {tag.name for tag in soup.find_all(True)} <= TAGS
    assert all(not tag.attrs for tag in soup.find_all(True))
    assert html_problems(_page(html)) == []
    text = soup.get_text()
    # Raw HTML reads as the text it is; a link as its text; an image as its alt text.
    assert "<script>alert(1)</script>" in text and '<b onmouseover="alert(2)">raw html</b>' in text
    assert "a link," in text and "https://evil.example/x" not in text
    assert "chart <img src=x onerror=alert(4)>" in text and "p.png" not in text
    assert "<iframe" in text and "indented code" in text and "```" in text
    assert "<a " not in html and "<img" not in html and "<script" not in html and "<iframe" not in html


def test_filled_values_cannot_inject_markup_or_markdown():
    evil = Figure("<script>alert(1)</script> *x* [y](https://evil.example)", 1.0)
    html = render_commentary("**{v}**\n\n{v}", {"v": evil}, source="c.md")
    assert html == ("<p><strong>&lt;script&gt;alert(1)&lt;/script&gt; *x* [y](https://evil.example)"
                    "</strong></p>\n<p>&lt;script&gt;alert(1)&lt;/script&gt; *x* [y](https://evil.example)</p>")


def test_literal_braces_and_brace_errors_name_the_file_and_line():
    values = {"nps": Figure("+23", 23.0), "n": Figure("120", 120)}
    assert render_commentary("{{nps}} is {nps}; {{ }}", values, source="c.md") == "<p>{nps} is +23; { }</p>"
    with pytest.raises(NpsParamsError, match=r"^c\.md, line 3: unknown placeholder \{nsp\}; did you mean \{nps\}\?"):
        fill("first\n\nNPS {nsp}", values, source="c.md")
    with pytest.raises(NpsParamsError, match=r"^c\.md, line 2: a lone '\{'"):
        fill("ok\nNPS {nps", values, source="c.md")


# --- placeholders: hand-computed figures in two languages -------------------------------------
def _frame() -> pd.DataFrame:
    """Q3: 600 promoters, 400 passives, 200 detractors (NPS 33.3); Q2: 100 + 100 detractors (0).
    North holds 400 promoters, 200 passives and 100 detractors of Q3 (NPS 300/700 = 42.9);
    East 5 detractors (withheld, and South with it: secondary suppression)."""
    scores = [10] * 600 + [8] * 400 + [2] * 200 + [9] * 100 + [0] * 100
    regions = (["North"] * 400 + ["South"] * 200 + ["North"] * 200 + ["South"] * 200 + ["North"] * 100
               + ["East"] * 5 + ["South"] * 95 + ["North"] * 200)
    when = [Q3] * 1200 + [Q2] * 200
    return pd.DataFrame({"score": scores, "region": regions,
                         "responded_at": pd.to_datetime(when, utc=True)})


def _values(language: str) -> dict[str, Figure]:
    frame = _frame()
    now = frame[frame["responded_at"] >= "2026-07-01"]
    segments = {"region": nps_by_segment(now, "region")}
    return placeholder_values(translator(language), nh.nps(now["score"]), period_change(frame, PERIOD),
                              segments, period_label=PERIOD)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", {"nps": "+33", "n": "1,200", "promoters": "50%", "passives": "33%", "detractors": "17%",
            "change": "+33", "previous_nps": "0", "period": "Q3 2026",
            "segment.region.North.n": "700", "segment.region.North.nps": "+43"}),
    ("de", {"nps": "+33", "n": "1.200", "promoters": "50\xa0%", "passives": "33\xa0%",
            "detractors": "17\xa0%", "change": "+33", "previous_nps": "0", "period": "Q3 2026",
            "segment.region.North.n": "700", "segment.region.North.nps": "+43"}),
])
def test_placeholders_are_the_hand_computed_figures_in_the_report_language(language, expected):
    values = _values(language)
    assert {k: values[k].shown for k in expected} == expected
    low, high = nh.nps(_frame()["score"][:1200]).ci_low, nh.nps(_frame()["score"][:1200]).ci_high
    assert values["nps_interval"].shown == translator(language).interval(low, high)


def test_withheld_group_and_missing_previous_period_are_errors_with_the_reason():
    values = _values("en")
    frame = _frame()
    withheld = withheld_groups({"region": nps_by_segment(frame[frame["responded_at"] >= "2026-07-01"], "region")})
    assert "segment.region.East.nps" not in values
    with pytest.raises(NpsParamsError, match=r"line 1: \{segment.region.East.nps\}: the report withholds"):
        fill("{segment.region.East.nps}", values, source="c.md", withheld=withheld)
    with pytest.raises(NpsParamsError, match=r"did you mean \{segment.region.North.nps\}"):
        fill("{segment.region.Nort.nps}", values, source="c.md", withheld=withheld)
    only_q3 = frame[frame["responded_at"] >= "2026-07-01"]
    alone = placeholder_values(translator("en"), nh.nps(only_q3["score"]), period_change(only_q3, PERIOD),
                               {}, period_label=PERIOD)
    with pytest.raises(NpsParamsError, match=r"\{change\}: the previous period has no responses"):
        fill("{change}", alone, source="c.md")


# --- fingerprint and state -----------------------------------------------------------------
def test_fingerprint_changes_with_data_figures_or_text_but_not_row_order_or_language():
    frame = _frame()
    digest = responses_digest(frame)
    base = fingerprint("text", _values("en"), digest)
    assert fingerprint("text", _values("de"), digest) == base
    assert fingerprint("text", _values("en"), responses_digest(frame.iloc[::-1])) == base
    changed = frame.copy()
    changed.loc[0, "score"] = 9
    assert fingerprint("text", _values("en"), responses_digest(changed)) != base
    assert fingerprint("text!", _values("en"), digest) != base
    approval = {"fingerprint": base, "commentary_sha256": text_digest("text")}
    assert commentary_state(base, "text", approval) == "approved"
    assert commentary_state(fingerprint("text", _values("en"), responses_digest(changed)), "text",
                            approval) == "stale"
    assert commentary_state(base, "text!", approval) == "unapproved"
    assert commentary_state(base, "text", None) == "unapproved"


def test_language_warning_names_both_languages():
    german = "Die Kunden sind mit dem Service sehr zufrieden, aber die Preise sind gestiegen."
    assert language_warning(german, "en", source="params/commentary/acme/2026-Q3.md") == (
        "params/commentary/acme/2026-Q3.md reads as German; the report is in English")
    assert language_warning(german, "de", source="c.md") is None
    assert language_warning("Dobro. {nps}", "en", source="c.md") is None  # too short to tell
    polish = "Klienci są zadowoleni z obsługi, ale narzekają na ceny i długi czas dostawy."
    assert language_warning(polish, "ru", source="c.md") == "c.md reads as Polish; the report is in Russian"


# --- the CLI on a demo project ----------------------------------------------------------------
COMMENTARY = {
    "en": ("## Where we stand\n\nNPS is **{nps}** ({nps_interval}) from {n} responses; "
           "{promoters} promoters. Since the previous quarter: {change} (from {previous_nps}).\n\n"
           "- {seg_name}: {seg_nps} from {seg_n} responses\n"),
    "de": ("## Einordnung\n\nDer NPS liegt bei **{nps}** ({nps_interval}) aus {n} Antworten; "
           "{promoters} Promotoren. Seit dem Vorquartal: {change} (vorher {previous_nps}).\n\n"
           "- {seg_name}: {seg_nps} aus {seg_n} Antworten\n"),
}
GERMAN_EDIT = ("\nDie Kunden sind mit dem Service sehr zufrieden, aber die Preise sind deutlich "
               "gestiegen und die Lieferung dauert zu lange.\n")


@dataclass
class Scenario:
    root: Path
    clients: dict[str, str]  # client id -> report language
    segment: dict[str, tuple[str, str]]  # client id -> (column, value) named in its commentary
    out: dict[str, object] = field(default_factory=dict)  # step -> CLI result
    html: dict[str, bytes] = field(default_factory=dict)  # "<step>:<client>" -> report bytes
    figures: dict[str, dict[str, str]] = field(default_factory=dict)  # as approved, from the store

    @property
    def folder(self) -> Path:
        return self.root / "out" / BATCH / PERIOD

    def manifest(self) -> dict:
        return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))


def cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _render(root: Path, *extra: str):
    return cli("render", BATCH, "--params", root / "params", "--store", root / "store", "--out", root / "out",
               "--workers", "2", *extra)


def _write_commentary(root: Path, cid: str, text: str) -> Path:
    path = root / "params" / "commentary" / cid / f"{PERIOD}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("commentary")
    params = demo_project(root, clients=2, responses=2500)
    (en, en_data), (de, de_data) = params.items()
    de_data["language"] = "de"
    write_params(root, de_data)
    s = Scenario(root, {en: "en", de: "de"}, {})
    store = Store(root / "store")
    for cid, language in s.clients.items():
        column = params[cid]["segments"][0]
        biggest = store.read("responses", cid)[column].value_counts().index[0]
        s.segment[cid] = (column, biggest)
        key = f"segment.{column}.{biggest}"
        _write_commentary(root, cid, COMMENTARY[language].replace("{seg_name}", biggest).replace(
            "{seg_nps}", "{" + key + ".nps}").replace("{seg_n}", "{" + key + ".n}"))
        s.out[f"approve:{cid}"] = cli("approve", "--client", cid, "--period", PERIOD,
                                      "--params", root / "params", "--store", root / "store")
    s.figures = {cid: _expected(s, cid) for cid in s.clients}
    s.out["final"] = _render(root)
    s.html.update({f"final:{cid}": (s.folder / f"{cid}.html").read_bytes() for cid in s.clients})
    s.out["manifest:final"] = s.manifest()
    # Three more detractors in the period for the English client: its data changed.
    extra = root / "more.csv"
    extra.write_text("id,date,score\nX-1,2026-08-03,0\nX-2,2026-08-04,1\nX-3,2026-08-05,2\n", encoding="utf-8")
    (root / "more.yaml").write_text("columns:\n  response_id: id\n  responded_at: date\n  score: score\n",
                                    encoding="utf-8")
    s.out["ingest"] = cli("ingest", extra, "--client", en, "--mapping", root / "more.yaml",
                          "--store", root / "store")
    s.out["draft"] = _render(root)
    # A draft is written beside the final report, never under its name.
    s.html[f"draft:{en}"] = (s.folder / f"{en}.draft.html").read_bytes()
    s.html[f"final-kept:{en}"] = (s.folder / f"{en}.html").read_bytes()
    s.out["manifest:draft"] = s.manifest()
    s.out["index:draft"] = (s.folder / "index.html").read_text(encoding="utf-8")
    s.out["refused"] = _render(root, "--final")
    s.out["refused_forced"] = _render(root, "--final", "--force")
    s.html[f"refused:{en}"] = (s.folder / f"{en}.draft.html").read_bytes()
    s.html[f"refused-final:{en}"] = (s.folder / f"{en}.html").read_bytes()
    # The analyst edits the German report's commentary (in German: no warning) and the
    # English one's (in German: a warning).
    path = root / "params" / "commentary" / de / f"{PERIOD}.md"
    _write_commentary(root, de, path.read_text(encoding="utf-8") + GERMAN_EDIT)
    path = root / "params" / "commentary" / en / f"{PERIOD}.md"
    _write_commentary(root, en, path.read_text(encoding="utf-8") + GERMAN_EDIT)
    s.out["edited"] = _render(root)
    s.out["manifest:edited"] = s.manifest()
    return s


def _section(html: bytes, heading: str) -> BeautifulSoup:
    soup = BeautifulSoup(html.decode("utf-8"), "html.parser")
    title = soup.find("h2", string=heading)
    assert title is not None, f"no section {heading!r}"
    return title.find_parent(class_="jp-Cell")


def _words(text: str) -> str:
    """Text with runs of ordinary whitespace as one space (no-break spaces kept: they are
    part of a localised figure such as '55\xa0%')."""
    return re.sub(r"[ \t\n]+", " ", text).strip()


def _expected(s: Scenario, cid: str) -> dict[str, str]:
    """The commentary's figures computed directly from the store's rows of the period."""
    root, t = s.root, translator(s.clients[cid])
    period = parse_period(PERIOD, tz=client_timezone(cid, params_dir=root / "params", store=root / "store"))
    frame = Store(root / "store").read("responses", cid, start=period.start, end=period.end)
    head = nh.nps(frame["score"])
    column, value = s.segment[cid]
    group = frame[frame[column] == value]
    return {"nps": t.nps(head.nps), "interval": t.interval(head.ci_low, head.ci_high),
            "n": t.number(head.n), "promoters": t.percent(head.promoters / head.n),
            "seg_nps": t.nps(nh.nps(group["score"]).nps), "seg_n": t.number(len(group))}


def test_approve_prints_what_it_approved(scenario):
    for cid in scenario.clients:
        result = scenario.out[f"approve:{cid}"]
        assert result.exit_code == 0, result.output
        figures = scenario.figures[cid]
        assert result.output.startswith(f"approved params/commentary/{cid}/{PERIOD}.md for {cid} ({PERIOD}): "
                                        f"NPS {figures['nps']}, n {figures['n']}, fingerprint ")
        record = json.loads((scenario.root / "params" / "commentary" / cid / f"{PERIOD}.approved.json").read_text())
        assert record["figures"]["nps"] == figures["nps"] and record["figures"]["n"] == figures["n"]
        assert set(record) >= {"fingerprint", "approved_at", "figures", "version", "commentary_sha256"}
        assert result.output.split("fingerprint ")[1].strip() == record["fingerprint"][:12]


@pytest.mark.parametrize("language", ["en", "de"])
def test_commentary_figures_equal_the_reports_own(scenario, language):
    cid = next(c for c, lang in scenario.clients.items() if lang == language)
    html = scenario.html[f"final:{cid}"]
    t, figures = translator(language), scenario.figures[cid]
    view = _section(html, t.label("commentary"))
    text = _words(view.get_text(" "))
    if language == "en":
        assert (f"NPS is {figures['nps']} ({figures['interval']}) from {figures['n']} responses; "
                f"{figures['promoters']} promoters.") in text
    else:
        assert (f"Der NPS liegt bei {figures['nps']} ({figures['interval']}) aus {figures['n']} Antworten; "
                f"{figures['promoters']} Promotoren.") in text
    assert f"{figures['seg_nps']} " in text and f" {figures['seg_n']} " in text
    # The same figures as the report's summary sentence.
    summary = _words(_section(html, t.label("summary")).get_text(" "))
    assert f"NPS {figures['nps']} (" in summary and figures["interval"] in summary
    assert view.find("h3") is not None and view.find(class_="draft-note") is None


def test_approved_reports_are_final_without_banner(scenario):
    assert scenario.out["final"].exit_code == 0, scenario.out["final"].output
    assert "DRAFT" not in scenario.out["final"].output
    for cid in scenario.clients:
        entry = scenario.out["manifest:final"]["reports"][cid]
        assert entry["state"] == "final" and entry["headline"]["commentary"] == "approved"
        assert b'class="draft-banner"' not in scenario.html[f"final:{cid}"]


def test_new_responses_make_the_report_a_draft_with_a_banner(scenario):
    en, de = scenario.clients
    assert scenario.out["ingest"].exit_code == 0, scenario.out["ingest"].output
    result = scenario.out["draft"]
    assert result.exit_code == 0, result.output
    assert f"DRAFT {en} ({PERIOD}): the data changed since the commentary was approved" in result.output
    assert f"DRAFT {de}" not in result.output
    soup = BeautifulSoup(scenario.html[f"draft:{en}"].decode("utf-8"), "html.parser")
    banner = soup.body.find(True)  # the first element of the page
    assert banner["class"] == ["draft-banner"]
    assert banner.get_text() == "Draft: the data changed since the commentary was approved"
    assert soup.find(class_="draft-note").get_text() == banner.get_text()
    reports = scenario.out["manifest:draft"]["reports"]
    assert (reports[en]["state"], reports[de]["state"]) == ("draft", "final")
    index = BeautifulSoup(scenario.out["index:draft"], "html.parser")
    assert index.find(class_="state-draft").find_parent("tr").find("a")["href"] == f"{en}.draft.html"
    # The last final report stays what <client>.html holds.
    assert scenario.html[f"final-kept:{en}"] == scenario.html[f"final:{en}"]


def test_render_final_refuses_the_draft_and_keeps_the_report_in_place(scenario):
    en = next(iter(scenario.clients))
    fix = f"read params/commentary/{en}/{PERIOD}.md again, then run nps-report approve --client {en} --period {PERIOD}"
    for step in ("refused", "refused_forced"):
        result = scenario.out[step]
        assert result.exit_code == 1, result.output
        assert (f"FAILED {en} ({PERIOD}): draft not written (the data changed since the commentary was "
                f"approved): {fix}") in result.output
    assert scenario.html[f"refused:{en}"] == scenario.html[f"draft:{en}"]
    assert scenario.html[f"refused-final:{en}"] == scenario.html[f"final:{en}"]


def test_edited_commentary_is_unapproved_and_a_language_mismatch_warns(scenario):
    en, de = scenario.clients
    result = scenario.out["edited"]
    assert result.exit_code == 0, result.output
    assert f"DRAFT {de} ({PERIOD}): the commentary has not been approved" in result.output
    assert f"DRAFT {en} ({PERIOD}): the commentary has not been approved" in result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("WARNING")]
    assert warnings == [f"WARNING {en} ({PERIOD}): params/commentary/{en}/{PERIOD}.md reads as German; "
                        "the report is in English"]
    reports = scenario.out["manifest:edited"]["reports"]
    assert reports[de]["headline"]["commentary"] == "unapproved"
    assert reports[en]["headline"]["commentary_warnings"] == [warnings[0].split(": ", 1)[1]]


def test_approve_errors_are_one_line_with_exit_2(scenario, tmp_path):
    root = scenario.root
    de = list(scenario.clients)[1]
    bad = root / "params" / "commentary" / de / "2026-Q2.md"
    bad.write_text("Gut.\n\nDer NPS ist {nsp}.\n", encoding="utf-8")
    common = ["--params", root / "params", "--store", root / "store"]
    cases = {
        ("--client", de, "--period", "2026-Q2"):
            f"error: params/commentary/{de}/2026-Q2.md, line 3: unknown placeholder {{nsp}}; did you mean {{nps}}?",
        ("--client", de, "--period", "2026-Q1"):
            f"error: no commentary to approve: write params/commentary/{de}/2026-Q1.md first",
        ("--client", "nobody", "--period", "2026-Q3"): "error: ",
    }
    for args, start in cases.items():
        result = cli("approve", *args, *common)
        assert result.exit_code == 2, result.output
        assert result.output.startswith(start) and result.output.count("\n") == 1, result.output
    assert not (root / "params" / "commentary" / de / "2026-Q2.approved.json").exists()


def test_no_commentary_file_means_no_section(scenario, tmp_path):
    en = next(iter(scenario.clients))
    html = scenario.html[f"final:{en}"].decode("utf-8")
    assert html.count("Our view") == 2  # the heading and its contents entry
    # The reports of a client without a commentary have neither.
    r = open_report(en, "2026-04-01", "2026-07-01", period_label="2026-Q2",
                              store=scenario.root / "store", params_dir=scenario.root / "params",
                              internal_dir=tmp_path)
    view = read_commentary(r, nh.nps(r.responses["score"]))
    assert view.state == "none" and show_commentary(r, view) == []


# --- in the browser ---------------------------------------------------------------------------
@pytest.mark.browser
def test_commentary_and_draft_banner_in_headless_chromium(scenario, chromium, tmp_path):
    en, de = scenario.clients
    shown = {}
    for key in (f"final:{en}", f"final:{de}", f"draft:{en}"):
        path = tmp_path / f"{key.replace(':', '-')}.html"
        path.write_bytes(scenario.html[key])
        shown[key] = path
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda req: not req.url.startswith("file:") and requests.append(req.url))
    for cid in (en, de):
        t, figures = translator(scenario.clients[cid]), scenario.figures[cid]
        page.goto(shown[f"final:{cid}"].as_uri(), wait_until="load")
        heading = page.get_by_role("heading", name=t.label("commentary"), exact=True)
        assert heading.is_visible()
        body = page.locator("main").inner_text()
        assert f"{figures['nps']} ({figures['interval']})" in body and figures["n"] in body
        assert page.locator(".draft-banner").count() == 0
    page.goto(shown[f"draft:{en}"].as_uri(), wait_until="load")
    banner = page.locator(".draft-banner")
    assert banner.is_visible() and banner.inner_text() == "Draft: the data changed since the commentary was approved"
    assert banner.bounding_box()["y"] < 50  # the first thing on the page
    page.screenshot(path=str(tmp_path / "draft-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    assert banner.bounding_box()["width"] <= 390
    page.screenshot(path=str(tmp_path / "draft-390.png"))
    section = page.locator("main h2", has_text="Our view")
    section.evaluate("h => h.scrollIntoView()")
    page.wait_for_timeout(300)  # let the scrolled page paint before the screenshot
    assert page.locator(".draft-note").is_visible()
    page.screenshot(path=str(tmp_path / "draft-390-commentary.png"))
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    assert banner.is_visible()
    page.screenshot(path=str(tmp_path / "draft-print.png"))
    page.close()
    assert requests == []
    # Then render --final refuses it, and the draft in place is the one shown here.
    assert scenario.out["refused"].exit_code == 1
    assert scenario.html[f"refused:{en}"] == scenario.html[f"draft:{en}"]
