"""A client's own sections: ``sections:`` (which, in what order), ``extra_notebook:`` (its own
cells after the report), ``heading(t, text=...)``, and the report notebook run by hand
(papermill) from the project root or notebooks/ for any client.

Kernel runs cost seconds each: one module project is rendered once through the CLI (two
clients), re-rendered once after its extra notebook changes, and the notebook runs twice
under papermill.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import BATCH, ROOT, demo_project, write_params
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.config.params import ClientParams, load_client
from nps_helpers.config.project import find_project
from nps_helpers.config.sections import SECTIONS, extra_notebook_path, section_order
from nps_helpers.demo import write_demo_store
from nps_helpers.errors import NpsParamsError
from nps_helpers.io.store import Store
from nps_helpers.io.timezones import client_timezone
from nps_helpers.present.i18n import translator
from nps_helpers.render.batch import render_batch
from nps_helpers.render.execute import with_extra_cells
from nps_helpers.render.export import arrange_sections, section_of
from nps_helpers.render.job import check_notebook_parameters
from nps_helpers.views.report import heading

KESTREL, OTHER = "kestrel-bank", "brightwave-mobile"
EXTRA = "clients/kestrel-bank.ipynb"
CHOSEN = ["trend", "extra", "segments", "change"]  # summary and method are added
PERIOD = ("2026-07-01", "2026-10-01")
EN = translator("en")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def cli(root: Path, *extra: str):
    return CliRunner().invoke(app, ["render", BATCH, "--params", str(root / "params"), "--store",
                                    str(root / "store"), "--out", str(root / "out"), "--workers", "2", *extra])


def page(root: Path, cid: str) -> BeautifulSoup:
    html = (root / "out" / BATCH / "2026-Q3" / f"{cid}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def headings(soup: BeautifulSoup) -> list[str]:
    """The report's h2 headings in order (not the contents list's own title)."""
    return [h.get_text(strip=True) for h in soup.find_all("h2") if h.get("id") != "contents-title"]


def figure(text: str) -> int:
    """'+28 (−1 to 52)†' -> 28."""
    return int(text.split(" ")[0].replace("\u2212", "-").replace("+", ""))


# --- params: sections and extra_notebook ---------------------------------------------------

def client(**fields) -> ClientParams:
    return ClientParams(client_id="acme", display_name="Acme", industry="banking", **fields)


def test_sections_default_to_every_section_with_summary_first_and_method_last():
    assert client().sections is None and section_order(None) == SECTIONS
    assert SECTIONS[0] == "summary" and SECTIONS[-2:] == ("extra", "method")
    assert section_order(["segments", "trend"]) == ("summary", "segments", "trend", "method")
    assert section_order(["summary", "trend", "method"]) == ("summary", "trend", "method")


@pytest.mark.parametrize(("sections", "message"), [
    (["trend", "segmnets"], "unknown section 'segmnets' (did you mean 'segments'?)"),
    (["trend", "xyz"], "unknown section 'xyz'; sections: summary, commentary,"),
    (["trend", "trend"], "'trend' is listed twice"),
    (["trend", "summary"], "'summary' always comes first"),
    (["method", "trend"], "'method' always comes last"),
])
def test_bad_sections_are_params_errors_naming_the_key(sections, message):
    with pytest.raises(NpsParamsError, match="key 'sections': " + message.replace("(", r"\(").replace(")", r"\)")
                       .replace("?", r"\?")):
        client(sections=sections)


def test_an_extra_notebook_needs_the_extra_section_when_sections_are_chosen():
    with pytest.raises(NpsParamsError, match="lists no 'extra'"):
        client(sections=["trend"], extra_notebook=EXTRA)
    assert client(sections=["trend", "extra"], extra_notebook=EXTRA).extra_notebook == EXTRA
    assert client(extra_notebook=EXTRA).sections is None


@pytest.mark.parametrize("value", ["/abs/x.ipynb", "../x.ipynb", "clients/../../x.ipynb", "clients/x.py", ""])
def test_an_extra_notebook_path_must_be_a_notebook_inside_notebooks(value):
    with pytest.raises(NpsParamsError, match="key 'extra_notebook'"):
        client(extra_notebook=value)


def test_an_unknown_section_fails_the_cli_naming_file_key_and_suggestion(tmp_path):
    demo_project(tmp_path, clients=1, responses=300)
    data = yaml.safe_load((tmp_path / "params" / "clients" / f"{KESTREL}.yaml").read_text(encoding="utf-8"))
    write_params(tmp_path, {**data, "sections": ["summary", "trends"]})
    run = cli(tmp_path)
    # A broken client file fails that client's report alone (and the exit code).
    assert run.exit_code == 1
    assert (f"clients/{KESTREL}.yaml, key 'sections': unknown section 'trends' (did you mean 'trend'?)"
            in run.output)
    assert not list((tmp_path / "out").rglob(f"{KESTREL}.html"))


def test_the_extra_notebook_is_checked_when_the_render_is_planned(tmp_path):
    demo_project(tmp_path, clients=1, responses=300)
    notebooks = tmp_path / "notebooks"

    def plan_error(value: str) -> str:
        data = yaml.safe_load((tmp_path / "params" / "clients" / f"{KESTREL}.yaml").read_text(encoding="utf-8"))
        write_params(tmp_path, {**data, "extra_notebook": value})
        result = render_batch(BATCH, params_dir=tmp_path / "params", store=tmp_path / "store",
                              out=tmp_path / "out", progress=False, period="2026-Q3")
        # The client fails alone, before any kernel starts: the params error is its message.
        (failed,) = result.failed
        assert failed.error.cell == 0 and failed.error.ename == "NpsParamsError"
        return str(failed.error)

    assert plan_error("clients/missing.ipynb") == (
        f"clients/{KESTREL}.yaml, key 'extra_notebook': notebooks/clients/missing.ipynb not found; create it "
        "(a notebook with the client's own cells) or fix the path")
    (notebooks / "clients" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    assert plan_error("clients/broken.ipynb").startswith(
        f"clients/{KESTREL}.yaml, key 'extra_notebook': notebooks/clients/broken.ipynb is not a readable notebook")
    (notebooks / "clients" / "away.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    (tmp_path / "elsewhere.ipynb").write_text('{"cells": []}', encoding="utf-8")
    assert "leads outside notebooks/" in plan_error("clients/away.ipynb")
    assert extra_notebook_path(KESTREL, None, notebooks) is None


# --- the notebook mechanics, no kernel -----------------------------------------------------

def test_every_display_cell_of_the_report_notebook_carries_a_known_section_in_order():
    nb = nbformat.read(ROOT / "notebooks" / "client_report.ipynb", as_version=4)
    codes = [section_of(c) for c in nb.cells if section_of(c) is not None]
    assert set(codes) <= set(SECTIONS) and "extra" not in codes
    assert codes == sorted(codes, key=SECTIONS.index)


def test_arranging_keeps_untagged_cells_in_place_and_orders_the_tagged_ones():
    def cell(name, code=None):
        return new_code_cell(name, metadata={"tags": [f"section-{code}"]} if code else {})

    nb = new_notebook(cells=[cell("params"), cell("open"), cell("sum", "summary"), cell("trend1", "trend"),
                             cell("trend2", "trend"), cell("seg", "segments"), cell("method", "method"),
                             cell("followup"), cell("extra1", "extra"), cell("extra2", "extra")])
    order = section_order(["extra", "trend"])
    assert [c.source for c in arrange_sections(nb, order).cells] == [
        "params", "open", "sum", "extra1", "extra2", "trend1", "trend2", "followup", "method"]
    # By default the extra cells (appended at the end) move before the method note.
    assert [c.source for c in arrange_sections(nb, SECTIONS).cells] == [
        "params", "open", "sum", "trend1", "trend2", "seg", "extra1", "followup", "extra2", "method"]


def test_extra_cells_are_appended_without_standalone_or_markdown_cells_and_keep_their_numbers():
    extra = new_notebook(cells=[new_markdown_cell("# Notes"), new_code_cell("r = open_report()", metadata={
        "tags": ["standalone"]}), new_code_cell("a = 1", metadata={"tags": ["section-trend", "keep"]}),
        new_code_cell("b = 2", metadata={"alt": "A chart"})])
    out = with_extra_cells(new_notebook(cells=[new_code_cell("x")]), extra, EXTRA)
    assert [c.source for c in out.cells] == ["x", "a = 1", "b = 2"]
    assert [c.metadata.tags for c in out.cells[1:]] == [["keep", "section-extra"], ["section-extra"]]
    assert [c.metadata.nps_extra["cell"] for c in out.cells[1:]] == [3, 4]
    assert out.cells[2].metadata.alt == "A chart"


def test_a_heading_in_the_analysts_words_in_two_languages_with_english_fallback():
    words = {"en": "NPS by weekday", "de": "NPS nach Wochentag"}
    assert heading(EN, text="Tom & <Jerry>").markup == "<h2>Tom &amp; &lt;Jerry&gt;</h2>"
    assert heading(translator("de"), text=words, level=3).markup == "<h3>NPS nach Wochentag</h3>"
    assert heading(translator("pl"), text=words).markup == "<h2>NPS by weekday</h2>"
    with pytest.raises(NpsParamsError, match="no 'pl' entry and no 'en' one to fall back on \\(it has: de\\)"):
        heading(translator("pl"), text={"de": "NPS nach Wochentag"})
    assert heading(EN, "trend").markup == "<h2>Trend</h2>"


def test_notebooks_take_none_paths_and_no_project_is_one_clear_error(tmp_path):
    for name in ("client_report.ipynb", "churn_deep_dive.ipynb"):
        found = check_notebook_parameters(ROOT / "notebooks" / name)
        assert (found["store"], found["params_dir"], found["internal_dir"]) == (None, None, None)
    with pytest.raises(NpsParamsError, match="no nps-reports project found in .* or above"):
        find_project(tmp_path)
    assert find_project(ROOT / "notebooks" / "clients") == ROOT


def test_the_demo_params_give_kestrel_bank_its_extra_notebook(tmp_path):
    write_demo_store(tmp_path / "store", clients=2, responses=300, params_dir=tmp_path / "params")
    assert load_client(KESTREL, tmp_path / "params").extra_notebook == EXTRA
    assert load_client(OTHER, tmp_path / "params").extra_notebook is None
    assert load_client(KESTREL, ROOT / "params").extra_notebook == EXTRA
    assert (ROOT / "notebooks" / EXTRA).exists()


# --- rendered: sections, extra notebook, cache ---------------------------------------------

@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Two demo clients; kestrel-bank chooses and orders its sections and has an extra
    notebook (the shipped example plus a standalone cell that would fail if it ran)."""
    root = tmp_path_factory.mktemp("sections")
    params = demo_project(root, clients=2, responses=3000)
    write_params(root, {**params[KESTREL], "sections": CHOSEN})
    path = root / "notebooks" / EXTRA
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, new_code_cell("raise RuntimeError('a standalone cell ran at render')",
                                     metadata={"tags": ["standalone"]}))
    nbformat.write(nb, path)
    run = cli(root)
    assert run.exit_code == 0, run.output
    return root


def test_chosen_sections_are_shown_in_the_chosen_order(project):
    expected = [EN.label(code) for code in ("summary", "trend")] + ["NPS by weekday"] + [
        EN.label(code) for code in ("segments", "change", "about_nps")]
    soup = page(project, KESTREL)
    assert headings(soup) == expected
    # The contents list is built after the arranging, so it follows the chosen order.
    assert [a.get_text(strip=True) for a in soup.select("nav.report-contents > ol > li > a")] == expected


def test_by_default_every_section_shows_in_the_notebook_order_and_no_extra(project):
    shown = headings(page(project, OTHER))
    order = ("summary", "category_split", "change", "trend", "segments", "benchmarks", "churn", "health",
             "comments", "about_nps")
    labels = {EN.label(c): c for c in order}
    codes = [labels[h] for h in shown if h in labels]
    assert codes[0] == "summary" and codes[-1] == "about_nps" and len(codes) >= 8
    assert codes == sorted(codes, key=order.index)
    assert "NPS by weekday" not in shown


def test_the_extra_section_shows_the_weekday_nps_computed_independently(project):
    st = Store(project / "store")
    zone = client_timezone(KESTREL, params_dir=project / "params", store=st)
    local = st.read("responses", KESTREL)
    local = local.assign(at=pd.to_datetime(local["responded_at"], utc=True).dt.tz_convert(zone))
    local = local[(local["at"] >= pd.Timestamp(PERIOD[0], tz=zone)) & (local["at"] < pd.Timestamp(PERIOD[1], tz=zone))]
    by_day = local.groupby(local["at"].dt.day_name())["score"]
    expected = {day: (int(s.size), 100 * ((s >= 9).sum() - (s <= 6).sum()) / s.size) for day, s in by_day}
    assert min(n for n, _ in expected.values()) >= 10  # nothing withheld, so each day has its row

    soup = page(project, KESTREL)
    title = next(h for h in soup.find_all("h2") if h.get_text(strip=True) == "NPS by weekday")
    assert title.find_next("h2").get_text(strip=True) == EN.label("segments")
    rows = [[td.get_text(strip=True) for td in tr.find_all(["th", "td"])]
            for tr in title.find_next("table").tbody.find_all("tr")]
    assert [r[0] for r in rows] == WEEKDAYS
    for day, n_text, nps_text, *_ in rows:
        n, value = expected[day]
        assert int(n_text.replace(",", "")) == n
        assert abs(figure(nps_text) - value) <= 0.5, (day, nps_text, value)
        assert nps_text.endswith("†") == (n < 30), (day, n)  # small groups flagged as in the report
    words = title.find_next("table").find_next("p", string=lambda s: s and "weekdays" in s).get_text()
    best = max((d for d in expected if expected[d][0] >= 30), key=lambda d: expected[d][1])
    assert f"answered on a {best} gave the highest NPS" in words


def test_standalone_cells_were_skipped_and_the_internal_notebook_keeps_every_section(project):
    executed = nbformat.read(project / "out" / BATCH / "2026-Q3" / "_internal" / KESTREL / f"{KESTREL}.ipynb",
                             as_version=4)
    assert not any("standalone cell ran" in c.source for c in executed.cells)
    codes = {section_of(c) for c in executed.cells}
    assert {"health", "drivers", "extra", "method"} <= codes


def test_a_changed_extra_notebook_re_renders_and_a_failing_cell_names_its_file_and_number(project, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(project, root, symlinks=True)
    again = cli(root)
    assert again.exit_code == 0 and f"{BATCH}: 2 reports, 0 rendered, 2 unchanged" in again.output
    path = root / "notebooks" / EXTRA
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_markdown_cell("A note."))
    nb.cells.append(new_code_cell("share = 1 / 0  # uses nothing of the report"))
    nbformat.write(nb, path)
    failed = cli(root)
    assert failed.exit_code == 1
    assert f"{BATCH}: 2 reports, 0 rendered, 1 unchanged, 1 failed" in failed.output
    number = len(nb.cells)
    assert (f"FAILED {KESTREL} (2026-Q3): notebooks/clients/kestrel-bank.ipynb cell {number}, line 1 "
            "`share = 1 / 0  # uses nothing of the report`: ZeroDivisionError: division by zero") in failed.output
    manifest = json.loads((root / "out" / BATCH / "2026-Q3" / "manifest.json").read_text(encoding="utf-8"))
    error = manifest["reports"][KESTREL]["error"]
    assert (error["notebook"], error["cell"]) == ("notebooks/clients/kestrel-bank.ipynb", number)
    assert manifest["reports"][KESTREL]["inputs"]["extra_notebook"] != json.loads(
        (project / "out" / BATCH / "2026-Q3" / "manifest.json").read_text())["reports"][KESTREL]["inputs"][
        "extra_notebook"]


# --- the report notebook run by hand -------------------------------------------------------

@pytest.fixture(scope="module")
def lab_project(tmp_path_factory) -> Path:
    """The project layout the defaults expect: params/, data/store (defaults.yaml), notebooks/."""
    root = tmp_path_factory.mktemp("lab")
    write_demo_store(root / "data" / "store", clients=2, responses=3000, params_dir=root / "params")
    shutil.copy(ROOT / "params" / "defaults.yaml", root / "params")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "client_report.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "notebooks" / "clients", root / "notebooks" / "clients")
    return root


@pytest.mark.parametrize("cwd", [".", "notebooks"])
def test_papermill_runs_the_report_for_another_client_from_the_root_or_notebooks(lab_project, cwd, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.delenv("NPS_STORE", raising=False)
    internal = lab_project / "outputs" / "lab" / "_internal"
    shutil.rmtree(lab_project / "outputs", ignore_errors=True)
    papermill.execute_notebook(str(lab_project / "notebooks" / "client_report.ipynb"), str(tmp_path / "out.ipynb"),
                               parameters={"client_id": OTHER}, kernel_name="nps-reports",
                               cwd=str(lab_project / cwd), progress_bar=False)
    assert sorted(p.name for p in internal.iterdir()) == [OTHER]
    assert (internal / OTHER / "detractors_to_call.csv").exists()
    assert not (lab_project / "notebooks" / "outputs").exists()


def test_the_example_extra_notebook_runs_alone_through_its_standalone_cell(lab_project, tmp_path, monkeypatch):
    monkeypatch.delenv("NPS_STORE", raising=False)
    done = papermill.execute_notebook(str(lab_project / "notebooks" / EXTRA), str(tmp_path / "alone.ipynb"),
                                      kernel_name="nps-reports", cwd=str(lab_project / "notebooks" / "clients"),
                                      progress_bar=False)
    shown = "".join(o.get("data", {}).get("text/html", "") for c in done.cells for o in c.get("outputs", []))
    assert "<h2>NPS by weekday</h2>" in shown and "gave the highest NPS" in shown
