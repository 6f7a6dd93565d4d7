"""Render end to end: real kernels on a tiny generated store.

The notebook is a minimal report written here that uses only render's contract (the
parameters cell, the headline record, alt text on charts), so these tests hold whatever
the real client_report.ipynb shows; tests/test_params.py checks the real notebooks'
parameters. Each kernel run costs seconds, so one module fixture renders two clients
once and most tests read its outputs; tests that change inputs work on copies.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError, NpsParamsError
from nps_helpers.io.store import Store
from nps_helpers.present.i18n import translator
from nps_helpers.render import batch as batch_module
from nps_helpers.render.batch import render_batch
from nps_helpers.render.execute import execute_notebook
from nps_helpers.render.safety import CSP

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = {
    "acme-co": "Acme Canaryalpha Bank",
    "bravo-ltd": "Bravo Canarybeta Telecom",
    "charlie-inc": "Charlie Canarygamma Retail",
}
DATA_URI = re.compile(r"data:[a-z+./-]+;base64,[A-Za-z0-9+/=]+")


def canaries(cid: str) -> list[str]:
    """Strings that belong to one client only: id, display name, comment marker."""
    return [cid, CLIENTS[cid], f"comment-canary-{cid}"]


def responses(cid: str, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 160
    days = np.sort(rng.integers(0, 272, n))  # 2026-01-01 .. 2026-09-29
    days[-1] = 272  # one response on 2026-09-30: the third quarter is complete
    return pd.DataFrame({
        "response_id": [f"{cid}-r{k}" for k in range(n)],
        "customer_id": [f"{cid}-c{k % 40}" for k in range(n)],
        "responded_at": pd.Timestamp("2026-01-01 12:00", tz="UTC") + pd.to_timedelta(days, unit="D"),
        "score": rng.integers(0, 11, n),
        "comment": [f"comment-canary-{cid} number {k}" for k in range(n)],
    })


def minimal_report() -> nbformat.NotebookNode:
    """A small client report: parameters, a headline table and record, a chart, comments."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    parameters = "\n".join(f"{name} = {value!r}" for name, value in {
        "client_id": "acme-co", "period_label": "2026-Q3", "period_start": "2026-07-01",
        "period_end": "2026-10-01", "language": "en", "store": "../data/store",
        "params_dir": "../params", "internal_dir": "../outputs/lab/_internal/acme-co"}.items())
    return new_notebook(
        cells=[
            new_markdown_cell("# Net Promoter Score"),
            new_code_cell(parameters, metadata={"tags": ["parameters"]}),
            new_code_cell(
                "from pathlib import Path\nimport matplotlib.pyplot as plt\nimport pandas as pd\n"
                "from IPython.display import display\nimport nps_helpers\n"
                "from nps_helpers.present.record import record_headline\n"
                "responses = nps_helpers.load_responses(client_id, start=period_start, end=period_end, store=store)"
            ),
            new_markdown_cell("## Headline"),
            new_code_cell(
                "headline = nps_helpers.nps(responses['score'])\nrecord_headline(headline)\n"
                "pd.DataFrame({'NPS': [round(headline.nps, 1)], 'n': [headline.n]}, index=['All'])"
            ),
            new_markdown_cell("## Scores"),
            new_code_cell(
                "fig, ax = plt.subplots(figsize=(4, 2), dpi=60)\n"
                "ax.bar(range(11), responses['score'].value_counts().reindex(range(11), fill_value=0))\n"
                "display(fig, metadata={'image/png': {'alt': f'Responses by score, NPS {headline.nps:.0f}'}})\n"
                "plt.close(fig)"
            ),
            new_markdown_cell("## Recent comments"),
            new_code_cell("responses.sort_values('responded_at')[['score', 'comment']].tail(3).reset_index(drop=True)"),
            new_code_cell(
                "Path(internal_dir).mkdir(parents=True, exist_ok=True)\n"
                "responses.loc[responses['score'] <= 6, ['response_id', 'score']]"
                ".to_csv(Path(internal_dir) / 'detractors_to_call.csv', index=False)"
            ),
        ],
        metadata={"kernelspec": {"name": "nps-reports", "display_name": "Python (nps-reports)",
                                 "language": "python"}},
    )


def make_project(root: Path, clients: dict[str, str] = CLIENTS) -> Path:
    """A project folder: params (the repo's defaults and batches, our clients), notebook, store."""
    shutil.copytree(ROOT / "params", root / "params", ignore=shutil.ignore_patterns("clients"))
    (root / "notebooks").mkdir()
    nbformat.write(minimal_report(), root / "notebooks" / "client_report.ipynb")
    (root / "params" / "clients").mkdir()
    store = Store(root / "data" / "store")
    for i, (cid, name) in enumerate(clients.items()):
        (root / "params" / "clients" / f"{cid}.yaml").write_text(
            yaml.safe_dump({"client_id": cid, "display_name": name, "industry": "banking"})
        )
        store.replace("responses", cid, responses(cid, seed=i))
    return root


def visible(html: str) -> str:
    """The HTML without inline images (base64 can spell anything)."""
    return DATA_URI.sub("", html)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def rendered(project):
    result = render_batch(
        "demo", clients=["acme-co", "bravo-ltd"], workers=2, params_dir=project / "params", progress=False
    )
    return result, project / "outputs" / "demo" / "2026-Q3"


def test_two_clients_render_into_the_batch_folder(rendered):
    result, folder = rendered
    assert [r.status for r in result.results] == ["ok", "ok"], result.summary()
    assert result.exit_code == 0
    assert sorted(p.name for p in folder.glob("*.html")) == ["acme-co.html", "bravo-ltd.html", "index.html"]
    for cid in ("acme-co", "bravo-ltd"):
        internal = folder / "_internal" / cid
        assert (internal / f"{cid}.ipynb").exists()
        assert (internal / "detractors_to_call.csv").exists()
        assert (folder / f"{cid}.html").stat().st_size < 3_000_000


def test_headline_in_manifest_and_index_matches_a_direct_count(rendered, project):
    _, folder = rendered
    manifest = json.loads((folder / "manifest.json").read_text())
    frame = responses("acme-co", seed=0)
    window = frame[(frame.responded_at >= "2026-07-01") & (frame.responded_at < "2026-10-01")]
    promoters, detractors = (window.score >= 9).sum(), (window.score <= 6).sum()
    expected = 100 * (promoters - detractors) / len(window)
    entry = manifest["reports"]["acme-co"]
    assert entry["status"] == "ok"
    assert entry["headline"]["n"] == len(window)
    assert entry["headline"]["nps"] == pytest.approx(expected)
    assert set(entry["inputs"]) >= {"data:responses", "client_params", "defaults", "notebook", "version"}
    assert manifest["period"] == {"label": "2026-Q3", "start": "2026-07-01", "end": "2026-10-01"}
    index = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    row = index.find("a", href="acme-co.html").find_parent("tr")
    assert row.find_all("td")[0].get_text() == translator("en").nps(expected)


def test_report_html_is_inert_and_self_contained(rendered, project):
    _, folder = rendered
    html = (folder / "acme-co.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == []
    assert soup.find_all("link") == []
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and csp["content"] == CSP
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:image/"), tag["src"][:40]
    for tag in soup.find_all(href=True):
        assert tag["href"].startswith("#"), tag["href"]
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag.name
    images = soup.find_all("img")
    assert images, "the stand-in report has a chart"
    for img in images:
        assert img.get("alt", "").strip() and "No description" not in img["alt"]


def test_report_html_holds_no_code_parameters_metadata_or_paths(rendered, project):
    _, folder = rendered
    html = visible((folder / "acme-co.html").read_text())
    text = BeautifulSoup(html, "html.parser").get_text()
    for cell in minimal_report().cells:
        if cell.cell_type == "code":
            assert cell.source.splitlines()[-1] not in text
    for needle in ("papermill", "injected-parameters", "celltag_parameters", "In&nbsp;[", "Out["):
        assert needle not in html, needle
    for path in (project, Path.home(), Path(os.getcwd()), ROOT):
        assert str(path) not in html, path
    executed = nbformat.read(folder / "_internal" / "acme-co" / "acme-co.ipynb", as_version=4)
    assert "papermill" not in executed.metadata
    assert all("papermill" not in c.metadata for c in executed.cells)


def test_report_shows_header_contents_and_footer(rendered):
    _, folder = rendered
    soup = BeautifulSoup((folder / "acme-co.html").read_text(), "html.parser")
    assert soup.html["lang"] == "en"
    assert soup.find("h1").get_text() == CLIENTS["acme-co"]
    assert "Q3 2026" in soup.header.get_text()
    targets = [a["href"][1:] for a in soup.nav.find_all("a")]
    assert targets and all(soup.find(id=t) is not None for t in targets)
    footer = soup.footer.get_text()
    assert "July 1, 2026" in footer and "September 30, 2026" in footer and "nps-reports version 0.1.0" in footer


def test_each_report_holds_no_other_clients_names_ids_or_comments(rendered):
    _, folder = rendered
    for cid in ("acme-co", "bravo-ltd"):
        html = visible((folder / f"{cid}.html").read_text())
        assert CLIENTS[cid] in html and f"comment-canary-{cid}" in html  # the probe can see
        for other in CLIENTS:
            if other != cid:
                found = [c for c in canaries(other) if c in html]
                assert not found, f"{cid}.html holds {found}"


def test_unchanged_inputs_skip_changed_inputs_render_force_renders_all(rendered, project, tmp_path):
    _, folder = rendered
    params, out = tmp_path / "params", tmp_path / "outputs"
    shutil.copytree(project / "params", params)
    shutil.copytree(project / "notebooks", tmp_path / "notebooks")
    shutil.copytree(folder.parent.parent, out)
    copy = out / "demo" / "2026-Q3"
    (copy / ".acme-co.html.999.tmp").write_text("<html>half")  # left by a killed run
    (copy / "_internal" / ".acme-co.partial").mkdir()
    store = project / "data" / "store"

    def run(**kw):
        return render_batch("demo", clients=["acme-co", "bravo-ltd"], params_dir=params, out=out,
                            store=store, workers=1, progress=False, **kw)

    again = run()
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    assert not list(copy.glob(".*.tmp")) and not (copy / "_internal" / ".acme-co.partial").exists()
    bravo = params / "clients" / "bravo-ltd.yaml"
    bravo.write_text(bravo.read_text() + "brand_colour: '#004400'\n")
    changed = {r.client_id: r.status for r in run().results}
    assert changed == {"acme-co": "skipped", "bravo-ltd": "ok"}
    before = json.loads((copy / "manifest.json").read_text())["reports"]["acme-co"]["rendered_at"]
    with ThreadPoolExecutor(2) as executor:  # any Executor can stand in for the process pool
        forced = run(force=True, executor=executor)
    assert {r.status for r in forced.results} == {"ok"}
    after = json.loads((copy / "manifest.json").read_text())["reports"]["acme-co"]
    assert after["rendered_at"] >= before and after["status"] == "ok"


def test_broken_client_fails_alone_with_its_cell_and_a_nonzero_exit(project, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(project / "data" / "store", store)
    broken = responses("charlie-inc", seed=2).assign(score=11)  # out of the 0-10 range
    Store(store).replace("responses", "charlie-inc", broken)
    out = tmp_path / "outputs"
    run = CliRunner().invoke(app, [
        "render", "demo", "--client", "acme-co", "--client", "charlie-inc", "--workers", "2",
        "--params", str(project / "params"), "--store", str(store), "--out", str(out),
    ])
    assert run.exit_code == 1, run.output
    failed = [ln for ln in run.output.splitlines() if ln.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith("FAILED charlie-inc (2026-Q3): cell ")
    number, line, quoted = re.match(r"FAILED \S+ \(\S+\): cell (\d+), line (\d+) `(.*?)`", failed[0]).groups()
    cells = nbformat.read(project / "notebooks" / "client_report.ipynb", as_version=4).cells
    assert cells[int(number) - 1].source.splitlines()[int(line) - 1].strip() == quoted  # the failing line
    assert "NpsInputError" in failed[0]
    folder = out / "demo" / "2026-Q3"
    assert (folder / "acme-co.html").exists() and not (folder / "charlie-inc.html").exists()
    manifest = json.loads((folder / "manifest.json").read_text())["reports"]
    assert manifest["charlie-inc"]["status"] == "failed"
    assert manifest["charlie-inc"]["error"]["cell"] == int(number)


def test_params_typo_fails_its_client_alone_before_any_kernel_starts(project, tmp_path, monkeypatch):
    params = tmp_path / "params"
    shutil.copytree(project / "params", params)
    shutil.copytree(project / "notebooks", tmp_path / "notebooks")
    (params / "clients" / "bravo-ltd.yaml").write_text(
        "client_id: bravo-ltd\ndisplay_name: Bravo\nindustry: banking\nlanguagee: pl\n"
    )
    started = []
    monkeypatch.setattr(batch_module, "run_jobs", lambda jobs, **kw: started.append(jobs) or iter(()))
    result = render_batch("demo", params_dir=params, store=project / "data" / "store",
                          out=tmp_path / "out", progress=False)
    assert [sorted(j.client_id for j in jobs) for jobs in started] == [["acme-co", "charlie-inc"]]
    (failed,) = result.failed
    assert str(failed.error) == "clients/bravo-ltd.yaml, key 'languagee': unknown key (did you mean 'language'?)"


def test_period_options_and_batch_names_are_checked_first(project, tmp_path):
    kw = {"params_dir": project / "params", "out": tmp_path / "out", "progress": False}
    with pytest.raises(NpsInputError, match="both --from and --to"):
        render_batch("demo", date_from="2026-07-01", **kw)
    with pytest.raises(NpsInputError, match="either --period or --from/--to"):
        render_batch("demo", period="2026-Q3", date_from="2026-07-01", date_to="2026-08-01", **kw)
    with pytest.raises(NpsParamsError, match="batch name"):
        render_batch("../demo", **kw)
    with pytest.raises(NpsParamsError, match="language 'fr'"):
        render_batch("demo", language="fr", **kw)
    assert not (tmp_path / "out").exists()


def test_notebook_without_a_parameter_fails_before_any_kernel_starts(project, tmp_path, monkeypatch):
    shutil.copytree(project / "params", tmp_path / "params")
    nb = nbformat.read(project / "notebooks" / "client_report.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(ln for ln in cell.source.splitlines() if not ln.startswith("language"))
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / "client_report.ipynb")
    monkeypatch.setattr(batch_module, "run_jobs", lambda jobs, **kw: pytest.fail("a kernel ran"))
    with pytest.raises(NpsParamsError, match="parameters cell lacks language"):
        render_batch("demo", params_dir=tmp_path / "params", store=project / "data" / "store",
                     out=tmp_path / "out", progress=False)


def test_report_past_its_time_limit_fails_at_the_running_cell(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    from nps_helpers.render.execute import CellFailure

    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("import time\ntime.sleep(60)")])
    with pytest.raises(CellFailure) as caught:
        execute_notebook(nb, kernel_name="python3", timeout=3, cwd=tmp_path)
    error = caught.value.error
    assert (error.cell, error.line, error.source_line) == (2, 2, "time.sleep(60)")  # the line running
    assert caught.value.error.ename == "Timeout"


@pytest.mark.browser
def test_report_opens_offline_in_headless_chromium(rendered, tmp_path):
    from playwright.sync_api import sync_playwright

    _, folder = rendered
    report = folder / "acme-co.html"
    errors, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page()
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("request", lambda req: req.url != report.as_uri() and requests.append(req.url))
        page.goto(report.as_uri(), wait_until="load")
        shot = tmp_path / "acme-co.png"
        page.screenshot(path=str(shot), full_page=True)
        title = page.title()
        browser.close()
    assert errors == [] and requests == []
    assert shot.stat().st_size > 10_000
    assert title.startswith(CLIENTS["acme-co"])
    assert report.stat().st_size < 3_000_000
