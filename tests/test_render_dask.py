"""`nps-report render --dask local`: the same batch, one Dask task per report.

One small batch on a LocalCluster (one single-threaded worker process): one report
renders, the other fails in a known cell, and both come back as in a local run (summary,
manifest, index, exit code).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.errors import NpsRenderError
from nps_helpers.io.store import Store
from nps_helpers.render import batch as batch_module

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = {"acme-co": "Acme Bank", "bravo-ltd": "Bravo Telecom"}

PARAMETERS = "\n".join(f"{name} = {value!r}" for name, value in {
    "client_id": "acme-co", "period_label": "2026-Q3", "period_start": "2026-07-01",
    "period_end": "2026-10-01", "language": "en", "store": "../data/store", "params_dir": "../params",
    "internal_dir": "../outputs/lab/_internal/acme-co"}.items())


def notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(
            "import nps_helpers as nh\nfrom nps_helpers.present.record import record_headline\n"
            "responses = nh.load_responses(client_id, start=period_start, end=period_end, store=store)\n"
            "headline = nh.nps(responses['score'])\nrecord_headline(headline)"
        ),
        new_code_cell("if client_id == 'bravo-ltd':\n    raise ValueError('planted failure')"),
        new_code_cell("print(f'{headline.n} responses, NPS {headline.nps:.1f}')"),
    ])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dask")
    shutil.copytree(ROOT / "params", root / "params", ignore=shutil.ignore_patterns("clients"))
    (root / "params" / "clients").mkdir()
    (root / "notebooks").mkdir()
    nbformat.write(notebook(), root / "notebooks" / "client_report.ipynb")
    store = Store(root / "data" / "store")
    rng = np.random.default_rng(3)
    for cid, name in CLIENTS.items():
        (root / "params" / "clients" / f"{cid}.yaml").write_text(
            yaml.safe_dump({"client_id": cid, "display_name": name, "industry": "banking"}))
        store.replace("responses", cid, pd.DataFrame({
            "response_id": [f"{cid}-{k}" for k in range(40)],
            "responded_at": pd.Timestamp("2026-07-03", tz="UTC") + pd.to_timedelta(np.arange(40) * 2, unit="D"),
            "score": rng.integers(0, 11, 40),
        }))
    return root


def test_a_batch_on_a_local_dask_cluster_gathers_results_and_failures(project):
    out = project / "out"
    args = ["render", "demo", "--dask", "local", "--workers", "1", "--period", "2026-Q3",
            "--params", str(project / "params"), "--store", str(project / "data" / "store"), "--out", str(out)]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 1, run.output
    assert "demo: 2 reports, 1 rendered, 0 unchanged, 1 failed" in run.output
    assert "FAILED bravo-ltd (2026-Q3): cell 3, line 2 `raise ValueError('planted failure')`: ValueError: planted failure" in run.output
    folder = out / "demo" / "2026-Q3"
    html = (folder / "acme-co.html").read_text(encoding="utf-8")
    expected = pd.read_parquet(project / "data" / "store" / "responses" / "client_id=acme-co")
    assert f"{len(expected)} responses" in html
    assert not (folder / "bravo-ltd.html").exists()
    reports = json.loads((folder / "manifest.json").read_text())["reports"]
    assert {cid: r["status"] for cid, r in reports.items()} == {"acme-co": "ok", "bravo-ltd": "failed"}
    assert reports["acme-co"]["headline"]["n"] == len(expected)
    assert (folder / "index.html").exists()


def test_a_worker_that_lacks_a_path_or_the_kernel_says_so(tmp_path):
    assert batch_module.worker_problems([str(tmp_path)], "python3") == ""
    assert batch_module.worker_problems([str(tmp_path / "store")], "python3") == f"cannot see {tmp_path / 'store'}"
    assert batch_module.worker_problems([str(tmp_path)], "no-such-kernel").startswith("has no 'no-such-kernel' kernel")


def test_worker_problems_stop_the_batch_before_any_report(project, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setattr(batch_module, "run_jobs", lambda *a, **k: pytest.fail("a report ran"))
    monkeypatch.setattr(batch_module, "worker_problems", lambda paths, kernel: f"cannot see {paths[1]}")
    with (LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster,
          pytest.raises(NpsRenderError, match=r"Dask worker .* cannot see .*store .*docs/scale-out.md")):
        batch_module.render_batch(
            "demo", period="2026-Q3", params_dir=project / "params", store=project / "data" / "store",
            out=project / "out-problem", dask=cluster.scheduler_address, progress=False)


def test_unreachable_scheduler_is_a_one_line_error(project, monkeypatch):
    monkeypatch.setattr(batch_module, "DASK_CONNECT_TIMEOUT", "1s")
    with pytest.raises(NpsRenderError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        batch_module.render_batch("demo", period="2026-Q3", params_dir=project / "params",
                                  store=project / "data" / "store", out=project / "out-unreachable",
                                  dask="tcp://127.0.0.1:9", progress=False)
