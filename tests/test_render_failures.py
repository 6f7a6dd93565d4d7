"""A failed re-render keeps the last good report, and render says why each report runs.

Real kernels on a tiny notebook written here (the render contract, a peer lookup and one
cell that fails on its third line when a client's responses lack a plan column), through
the CLI on copies of one rendered project. Each kernel run costs seconds: the module renders
the project once; each test copies it and re-renders only what it needs.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.io.store import Store
from nps_helpers.present.i18n import translator

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026-Q3"
CLIENTS = {"acme-co": "banking", "bravo-ltd": "banking", "charlie-inc": "retail"}
PLAN_LINE = "plans = responses['plan'].value_counts()"
PARAMETERS = "\n".join(f"{name} = {value!r}" for name, value in {
    "client_id": "acme-co", "period_label": PERIOD, "period_start": "2026-07-01", "period_end": "2026-10-01",
    "language": "en", "store": "../data/store", "params_dir": "../params",
    "internal_dir": "../outputs/lab/_internal/acme-co"}.items())


def notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# Report"),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(
            "import nps_helpers as nh\nfrom nps_helpers.present.record import record_headline\n"
            "from nps_helpers.views.report import open_report\nfrom nps_helpers.views.report_sections import peer_position\n"
            "responses = nh.load_responses(client_id, start=period_start, end=period_end, store=store)"
        ),
        new_code_cell(
            "headline = nh.nps(responses['score'])\nrecord_headline(headline)\n"
            "report = open_report(client_id, period_start, period_end, period_label=period_label, store=store,\n"
            "                     params_dir=params_dir, internal_dir=internal_dir)\n"
            "peers = peer_position(report, headline)"
        ),
        new_code_cell(f"n = len(responses)\nshare = n / max(n, 1)\n{PLAN_LINE}\nprint(plans.to_dict())"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def responses(cid: str, seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "response_id": [f"{cid}-r{k}" for k in range(n)],
        "responded_at": pd.Timestamp("2026-07-02 12:00", tz="UTC") + pd.to_timedelta(np.arange(n), unit="D"),
        "score": rng.integers(0, 11, n),
        "plan": rng.choice(["Basic", "Plus"], n),
    })


def render(root: Path, *args: str):
    return CliRunner().invoke(app, [
        "render", "demo", "--period", PERIOD, "--workers", "2", *args, "--params", str(root / "params"),
        "--store", str(root / "data" / "store"), "--out", str(root / "outputs")])


def manifest(root: Path) -> dict:
    return json.loads((root / "outputs" / "demo" / PERIOD / "manifest.json").read_text())["reports"]


def rendered_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("rendered ")]


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Path:
    """The project rendered once: every report new."""
    root = tmp_path_factory.mktemp("failures")
    shutil.copytree(ROOT / "params", root / "params", ignore=shutil.ignore_patterns("clients"))
    (root / "params" / "clients").mkdir()
    (root / "notebooks").mkdir()
    nbformat.write(notebook(), root / "notebooks" / "client_report.ipynb")
    store = Store(root / "data" / "store")
    for i, (cid, industry) in enumerate(CLIENTS.items()):
        (root / "params" / "clients" / f"{cid}.yaml").write_text(
            yaml.safe_dump({"client_id": cid, "display_name": cid.title(), "industry": industry}))
        store.replace("responses", cid, responses(cid, seed=i))
    run = render(root)
    assert run.exit_code == 0, run.output
    assert rendered_lines(run.output) == [f"rendered acme-co, bravo-ltd, charlie-inc ({PERIOD}): new"]
    assert {cid: e["reasons"] for cid, e in manifest(root).items()} == {cid: ["new"] for cid in CLIENTS}
    return root


@pytest.fixture
def project(first, tmp_path) -> Path:
    shutil.copytree(first, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_reasons_name_what_changed(project):
    root = project
    again = render(root)
    assert again.exit_code == 0 and rendered_lines(again.output) == []
    assert again.output.startswith("demo: 3 reports, 0 rendered, 3 unchanged, 0 failed")

    store = Store(root / "data" / "store")
    store.replace("responses", "acme-co", responses("acme-co", seed=0, n=61))
    data = render(root)
    assert rendered_lines(data.output) == [f"rendered acme-co ({PERIOD}): its data changed",
                                           f"rendered bravo-ltd ({PERIOD}): a peer's data changed"]

    bravo = root / "params" / "clients" / "bravo-ltd.yaml"
    bravo.write_text(bravo.read_text() + "brand_colour: '#004400'\n")
    # A new client in the same industry whose file is broken: it fails alone, is no peer.
    (root / "params" / "clients" / "delta-co.yaml").write_text(
        "client_id: delta-co\ndisplay_name: Delta\nindustry: banking\nevents:\n  - date: 2026-02-30\n    label: x\n")
    store.replace("responses", "delta-co", responses("delta-co", seed=9))
    params = render(root)
    assert params.exit_code == 1, params.output
    assert rendered_lines(params.output) == [f"rendered bravo-ltd ({PERIOD}): params changed"]
    assert (f"FAILED delta-co ({PERIOD}): clients/delta-co.yaml, key 'events.0.date': Input should be a valid "
            "date or datetime, day value is outside expected range (got '2026-02-30')") in params.output.splitlines()

    nb = nbformat.read(root / "notebooks" / "client_report.ipynb", as_version=4)
    nb.cells.append(new_markdown_cell("Thank you."))
    nbformat.write(nb, root / "notebooks" / "client_report.ipynb")
    touched = render(root, "--client", "charlie-inc")
    assert rendered_lines(touched.output) == [f"rendered charlie-inc ({PERIOD}): notebook changed"]
    forced = render(root, "--client", "charlie-inc", "--force")
    assert rendered_lines(forced.output) == [f"rendered charlie-inc ({PERIOD}): forced"]
    assert manifest(root)["charlie-inc"]["reasons"] == ["forced"]
    assert manifest(root)["bravo-ltd"]["reasons"] == ["params changed"]


def test_a_failed_rerender_keeps_the_last_good_report(project):
    root = project
    folder = root / "outputs" / "demo" / PERIOD
    good_html = (folder / "charlie-inc.html").read_bytes()
    good = manifest(root)["charlie-inc"]
    store = Store(root / "data" / "store")
    store.replace("responses", "charlie-inc", responses("charlie-inc", seed=2).drop(columns="plan"))

    run = render(root)
    assert run.exit_code == 1, run.output
    failed = f"FAILED charlie-inc ({PERIOD}): cell 5, line 3 `{PLAN_LINE}`: KeyError: 'plan'"
    assert failed in run.output.splitlines()
    assert (folder / "charlie-inc.html").read_bytes() == good_html
    internal = folder / "_internal" / "charlie-inc"
    assert (internal / "charlie-inc.ipynb").exists()  # the last good run's notebook stays too
    kept = nbformat.read(internal / "charlie-inc.failed.ipynb", as_version=4)
    (error,) = [o for o in kept.cells[-1].outputs if o.output_type == "error"]
    plain = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))  # without the colours
    assert error.ename == "KeyError" and re.search(rf"Cell In\[\d+\], line 3\n(.*\n){{2}}----> 3 {re.escape(PLAN_LINE)}", plain)
    assert kept.cells[2].metadata.tags == ["injected-parameters"]  # as run, parameters in

    entry = manifest(root)["charlie-inc"]
    assert entry["status"] == "failed" and entry["html"] is None
    assert entry["error"] == {"cell": 5, "line": 3, "source_line": PLAN_LINE, "ename": "KeyError",
                              "evalue": "'plan'"}
    assert entry["last_good"] == {"html": "charlie-inc.html", "headline": good["headline"],
                                  "rendered_at": good["rendered_at"]}
    index = (folder / "index.html").read_text(encoding="utf-8")
    when = translator("en").date(dt.datetime.fromisoformat(good["rendered_at"]))
    row = re.search(r'<td class="text state-failed">.*?</td>', index).group(0)
    assert row == f'<td class="text state-failed">Failed: KeyError · <a href="charlie-inc.html">last good report, {when}</a></td>'

    again = render(root)  # a failed report is tried again even when nothing changed
    assert again.exit_code == 1 and failed in again.output.splitlines()
    assert manifest(root)["charlie-inc"]["last_good"]["rendered_at"] == good["rendered_at"]
    assert manifest(root)["charlie-inc"]["reasons"] == ["last run failed"]

    store.replace("responses", "charlie-inc", responses("charlie-inc", seed=2))
    fixed = render(root)
    assert fixed.exit_code == 0, fixed.output
    assert rendered_lines(fixed.output) == [f"rendered charlie-inc ({PERIOD}): last run failed, its data changed"]
    assert not (internal / "charlie-inc.failed.ipynb").exists()
    assert "last_good" not in manifest(root)["charlie-inc"]
