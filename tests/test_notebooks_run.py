"""The notebooks run top to bottom in a kernel on a small generated store, and say how to make
a missing one.

Each notebook runs as committed, with papermill's parameters, plus one probe cell appended
to the in-memory copy that prints the key results as JSON, so the checks read the
notebook's own variables rather than parse its HTML. A kernel run costs seconds, so each
notebook runs once per module.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell

from nps_helpers.demo import write_demo_store
from nps_helpers.io.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = "nps-reports"
PERIOD = {"period_label": "2026-Q3", "period_start": "2026-07-01", "period_end": "2026-10-01"}
PROBES = {
    "portfolio_overview.ipynb": """
import json
print(json.dumps({
    "clients": p.client_ids,
    "league": league["client_id"].tolist(),
    "ranked": int(league["rank"].notna().sum()),
    "quarters": side_by_side.period_table(quarters, p.clients).columns.tolist(),
    "spread": spread["client_id"].tolist(),
    "churn": side_by_side.churn_summary(checks.churn)["status"].tolist(),
    "auc": side_by_side.health_summary(checks.health)["auc"].tolist(),
    "quality": side_by_side.data_quality(stored, checks.sample)["client_id"].tolist(),
}))
""",
    "churn_deep_dive.ipynb": """
import json
print(json.dumps({
    "horizons": sorted(set(churn_depth.horizon_rates(horizons)["horizon_days"].tolist())),
    "verdict": churn_depth.verdict_code(churn),
    "segments": sorted(set(churn_depth.churn_by_segments(r.history, r.customers, r.client.segments,
                                                       as_of=churn.as_of)["segment"])),
    "bands": churn_depth.health_bands(health)["band"].tolist(),
    "auc": health.auc,
}))
""",
    "client_report.ipynb": """
import json
print(json.dumps({"n": headline.n, "client": r.client.client_id}))
""",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """3 demo clients x about 3000 responses each, with their params."""
    root = tmp_path_factory.mktemp("project")
    write_demo_store(root / "store", clients=3, responses=9000, params_dir=root / "params")
    return root


def run(name: str, parameters: dict, out: Path) -> dict:
    """Execute a notebook with a probe cell appended; return the probe's JSON."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.append(new_code_cell(PROBES[name]))
    source = out.with_name(f"in-{name}")
    nbformat.write(nb, source)
    done = papermill.execute_notebook(str(source), str(out), parameters=parameters, kernel_name=KERNEL,
                                      cwd=str(NOTEBOOKS), progress_bar=False)
    errors = [o for c in done.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    return json.loads(done.cells[-1].outputs[-1].text)


def client_params(project: Path, client_id: str) -> dict:
    return {"client_id": client_id, **PERIOD, "language": "en", "store": str(project / "store"),
            "params_dir": str(project / "params"), "internal_dir": str(project / "internal" / client_id)}


def test_portfolio_overview_runs_and_shows_every_client(project, tmp_path):
    facts = run("portfolio_overview.ipynb", {**PERIOD, "store": str(project / "store"),
                                              "params_dir": str(project / "params")},
                tmp_path / "portfolio.ipynb")
    clients = Store(project / "store").clients()
    assert facts["clients"] == clients and sorted(facts["league"]) == clients
    assert facts["ranked"] == 3 and sorted(facts["spread"]) == clients
    assert facts["quarters"][-1] == "2026-Q3" and len(facts["quarters"]) == 8
    assert facts["churn"] == ["ok"] * 3 and len(facts["auc"]) == 3
    assert facts["quality"] == clients
    out = nbformat.read(tmp_path / "portfolio.ipynb", as_version=4)
    charts = [o for c in out.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(charts) == 1 and all(f"{n}:" in charts[0]["data"]["text/plain"]
                                    for n in ("Kestrel Bank plc", "Brightwave Mobile Ltd"))


def test_churn_deep_dive_runs_every_section(project, tmp_path):
    client = Store(project / "store").clients()[0]
    facts = run("churn_deep_dive.ipynb", client_params(project, client), tmp_path / "deep.ipynb")
    assert facts["horizons"] == [90, 180, 365]
    assert facts["verdict"] in {"higher_score_less_churn", "higher_score_more_churn", "no_association",
                                "too_few_events"}
    assert facts["segments"] and facts["bands"] == ["critical", "at_risk", "healthy"]
    assert 0 < facts["auc"] < 1


def test_client_report_runs(project, tmp_path):
    client = Store(project / "store").clients()[1]
    facts = run("client_report.ipynb", client_params(project, client), tmp_path / "report.ipynb")
    assert facts["client"] == client and facts["n"] > 0


@pytest.mark.parametrize("name", ["portfolio_overview.ipynb", "churn_deep_dive.ipynb"])
def test_a_missing_store_fails_in_the_first_data_cell_saying_how_to_make_it(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    first_data_cell = next(i for i, c in enumerate(nb.cells)
                           if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))
    parameters = {"store": str(tmp_path / "missing"), "params_dir": str(NOTEBOOKS.parent / "params")}
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        papermill.execute_notebook(str(NOTEBOOKS / name), str(tmp_path / name), parameters=parameters,
                                   kernel_name=KERNEL, cwd=str(NOTEBOOKS), progress_bar=False)
    error = failure.value
    assert error.ename == "NpsStoreError" and "nps-report demo-data" in error.evalue
    assert "\n" not in error.evalue
    # papermill's injected cell sits right after the parameters cell.
    assert error.cell_index == first_data_cell + 1


@pytest.mark.slow
def test_portfolio_overview_on_a_big_store(tmp_path):
    write_demo_store(tmp_path / "store", responses=2_000_000, params_dir=tmp_path / "params")
    facts = run("portfolio_overview.ipynb", {**PERIOD, "store": str(tmp_path / "store"),
                                              "params_dir": str(tmp_path / "params")},
                tmp_path / "portfolio.ipynb")
    assert sorted(facts["league"]) == Store(tmp_path / "store").clients() and len(facts["league"]) == 12
