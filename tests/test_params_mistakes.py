"""Mistakes in params caught before any kernel starts, through the CLI on a copy of the demo
project: a typo'd segment, an unknown key, a bad date, a broken file of one client.

A client whose params cannot be used fails alone (its line in the summary, exit 1); a
broken defaults or batch file, or a bad date option, stops the batch with one line (exit 2).
No test here starts a kernel: each run renders only clients whose params are broken.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BATCH, demo_project, write_params
from typer.testing import CliRunner

from nps_helpers.analysis.metrics import nps
from nps_helpers.cli import app
from nps_helpers.config.params import load_batch, load_client
from nps_helpers.errors import NpsParamsError
from nps_helpers.io.store import Store
from nps_helpers.render.cache import peer_digest
from nps_helpers.views.report import open_report
from nps_helpers.views.report_sections import peer_position

CLIENT = "kestrel-bank"
PERIOD = "2026-Q3"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    root = tmp_path_factory.mktemp("demo")
    return root, demo_project(root, clients=3, responses=1500)


@pytest.fixture
def project(demo, tmp_path) -> tuple[Path, dict[str, dict]]:
    """A fresh copy of the demo project (params and notebook; the store is shared, read only)."""
    root, params = demo
    for part in ("params", "notebooks"):
        shutil.copytree(root / part, tmp_path / part)
    (tmp_path / "store").symlink_to(root / "store")
    return tmp_path, {cid: dict(data) for cid, data in params.items()}


def cli(root: Path, *args: str):
    return CliRunner().invoke(app, ["render", BATCH, *args, "--params", str(root / "params"),
                                    "--store", str(root / "store"), "--out", str(root / "out")])


def only_client_fails(root: Path, expected: str) -> None:
    """Rendering CLIENT alone fails it with ``expected`` in the summary, and nothing else."""
    run = cli(root, "--client", CLIENT)
    assert run.exit_code == 1, run.output
    assert run.exception is None or isinstance(run.exception, SystemExit)
    assert run.stdout.splitlines()[:2] == [f"{BATCH}: 1 reports, 0 rendered, 0 unchanged, 1 failed",
                                           f"FAILED {CLIENT} ({PERIOD}): {expected}"]
    assert "Traceback" not in run.output


def test_a_segment_the_store_lacks_names_the_file_and_the_columns_there_are(project):
    root, params = project
    write_params(root, params[CLIENT] | {"segments": ["region", "regoin"]})
    only_client_fails(root, f"clients/{CLIENT}.yaml, key 'segments': 'regoin' is not a column of "
                            f"{CLIENT}'s responses; they hold region, plan, touchpoint (did you mean 'region'?)")
    write_params(root, params[CLIENT] | {"segments": ["branch"]})
    only_client_fails(root, f"clients/{CLIENT}.yaml, key 'segments': 'branch' is not a column of "
                            f"{CLIENT}'s responses; they hold region, plan, touchpoint")


@pytest.mark.parametrize(("change", "expected"), [
    ({"brand_color": "#112233"}, "key 'brand_color': unknown key (did you mean 'brand_colour'?)"),
    ({"events": [{"date": "2026-03-01", "lable": "Launch"}]},
     "key 'events.0.lable': unknown key (did you mean 'label'?)"),
    ({"sgements": ["region"]}, "key 'sgements': unknown key (did you mean 'segments'?)"),
    ({"min_n": "many"}, "key 'min_n': Input should be a valid integer, unable to parse string as an integer "
                        "(got 'many')"),
], ids=["top-level", "nested", "list-key", "wrong-type"])
def test_an_unknown_key_or_wrong_type_fails_the_client_with_the_closest_key(project, change, expected):
    root, params = project
    write_params(root, params[CLIENT] | change)
    only_client_fails(root, f"clients/{CLIENT}.yaml, {expected}")


def test_a_date_that_does_not_exist_names_the_file_and_key(project):
    root, params = project
    path = root / "params" / "clients" / f"{CLIENT}.yaml"
    # Unquoted, as an analyst types it: YAML would read it as a date and fail without a key.
    path.write_text(path.read_text(encoding="utf-8").replace("2026-02-01", "2026-02-30"), encoding="utf-8")
    only_client_fails(root, f"clients/{CLIENT}.yaml, key 'events.1.date': Input should be a valid date or "
                            "datetime, day value is outside expected range (got '2026-02-30')")


def test_broken_yaml_fails_the_client_with_its_line(project):
    root, _ = project
    (root / "params" / "clients" / f"{CLIENT}.yaml").write_text(
        f"client_id: {CLIENT}\ndisplay_name: Kestrel\nindustry: banking\nsegments: [region\n")
    run = cli(root, "--client", CLIENT)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[1].startswith(f"FAILED {CLIENT} ({PERIOD}): clients/{CLIENT}.yaml, "
                                                 "line 5: not valid YAML (while parsing a flow sequence")


def test_a_broken_client_file_leaves_the_others_planned_and_is_no_peer(project, monkeypatch):
    """Only the broken client fails; the others are planned as usual (their kernels are
    test_render_failures' business), and peer lookups skip the broken neighbour."""
    from nps_helpers.render import batch as batch_module

    root, params = project
    st = Store(root / "store")
    good = load_client("wislany-bank", root / "params")
    before = peer_digest(st, good, root / "params")
    write_params(root, params[CLIENT] | {"brand_color": "#112233"})
    started = []
    monkeypatch.setattr(batch_module, "run_jobs", lambda jobs, **kw: started.append(jobs) or iter(()))
    run = cli(root)
    assert run.exit_code == 1, run.output
    assert sorted(j.client_id for j in started[0]) == ["brightwave-mobile", "wislany-bank"]
    assert f"FAILED {CLIENT} ({PERIOD}): clients/{CLIENT}.yaml, key 'brand_color'" in run.stdout
    # Peer lookups skip the broken neighbour instead of failing the good client's report.
    report = open_report("wislany-bank", "2026-07-01", "2026-10-01", store=st.root, params_dir=root / "params",
                         internal_dir=root / "internal")
    assert peer_position(report, nps(report.responses["score"])).status == "too_few_peers"
    skipped = peer_digest(st, good, root / "params")
    assert skipped != before
    (root / "params" / "clients" / f"{CLIENT}.yaml").unlink()
    assert peer_digest(st, good, root / "params") == skipped  # as if it had no params file


@pytest.mark.parametrize(("args", "expected"), [
    (["--period", "2026-Q5"], "--period: period '2026-Q5' is not understood: use 2026-Q3, 2026-07, 2026, "
                              "2026-01-01..2026-04-01 (end exclusive), latest-quarter or latest-month"),
    (["--period", "2026-13"], "--period: period '2026-13' is not understood: use 2026-Q3, 2026-07, 2026, "
                              "2026-01-01..2026-04-01 (end exclusive), latest-quarter or latest-month"),
    (["--from", "2026-02-30", "--to", "2026-04-01"], "--from '2026-02-30' is not a date: use YYYY-MM-DD, e.g. 2026-07-01"),
    (["--from", "2026-07-01", "--to", "2026-13-01"], "--to '2026-13-01' is not a date: use YYYY-MM-DD, e.g. 2026-07-01"),
    (["--from", "2026-10-01", "--to", "2026-07-01"], "--from 2026-10-01 is not before --to 2026-07-01 (--to is exclusive)"),
], ids=["quarter", "month", "from", "to", "order"])
def test_a_bad_period_option_is_one_line(project, args, expected):
    root, _ = project
    run = cli(root, *args)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr == f"error: {expected}\n"
    assert not (root / "out").exists()


@pytest.mark.parametrize(("period", "expected"), [
    ("2026-Q5", "period '2026-Q5' is not understood"),
    ("2026-13", "period '2026-13' is not understood"),
    ("2026-10-01..2026-07-01", "period '2026-10-01..2026-07-01' is not understood"),
])
def test_a_bad_batch_period_names_the_batch_file_and_key(project, period, expected):
    root, _ = project
    (root / "params" / "batches" / f"{BATCH}.yaml").write_text(f"periods:\n  - 2026-Q3\n  - {period}\n")
    run = cli(root)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"error: batches/{BATCH}.yaml, key 'periods.1': {expected}: use 2026-Q3")
    assert run.stderr.count("\n") == 1


def test_broken_defaults_stop_the_batch_with_one_line(project):
    root, _ = project
    (root / "params" / "defaults.yaml").write_text("min_n: 30\nsuppres_n: 5\n")
    run = cli(root)
    assert (run.exit_code, run.stderr) == (2, "error: defaults.yaml, key 'suppres_n': unknown key "
                                              "(did you mean 'suppress_n'?)\n")


def test_in_a_real_process_a_bad_date_is_one_line_and_no_traceback(project):
    root, params = project
    runs = [
        [*("render", BATCH), "--period", "2026-Q5"],
        ["stats", "--client", CLIENT, "--from", "2026-02-30", "--to", "2026-04-01"],
    ]
    for args in runs:
        done = subprocess.run([sys.executable, "-m", "nps_helpers.cli", *args, "--params", str(root / "params"),
                               "--store", str(root / "store")], capture_output=True, text=True,
                              env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}, cwd=root, timeout=120)
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: ")
        assert "Traceback" not in done.stderr


def test_load_client_and_batch_messages(tmp_path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "batches").mkdir()
    path = tmp_path / "clients" / "acme.yaml"
    base = {"client_id": "acme", "display_name": "Acme", "industry": "banking"}
    path.write_text(yaml.safe_dump(base | {"colour": "#112233"}))
    with pytest.raises(NpsParamsError) as caught:
        load_client("acme", tmp_path)
    assert str(caught.value) == "clients/acme.yaml, key 'colour': unknown key (did you mean 'brand_colour'?)"
    path.write_text(yaml.safe_dump(base | {"xyzzy": 1}))
    with pytest.raises(NpsParamsError) as caught:
        load_client("acme", tmp_path)
    assert str(caught.value) == (
        "clients/acme.yaml, key 'xyzzy': unknown key (known keys: client_id, display_name, industry, language, locale, "
        "paper, timezone, segments, events, themes, brand_colour, min_n, suppress_n, target_nps, health_weights, plan_scores, sections, extra_notebook)")
    (tmp_path / "batches" / "q.yaml").write_text("periods: [2026-Q3]\nclient: [acme]\n")
    with pytest.raises(NpsParamsError) as caught:
        load_batch("q", tmp_path)
    assert str(caught.value) == "batches/q.yaml, key 'client': unknown key (did you mean 'clients'?)"
    path.write_text(yaml.safe_dump(base | {"events": [{"date": "2026-04-01", "label": "Launch"}]}))
    assert str(load_client("acme", tmp_path).events[0].date) == "2026-04-01"
