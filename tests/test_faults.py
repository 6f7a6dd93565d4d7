"""Faults: SIGKILL mid-ingest and mid-render, a kernel that dies, params typos.

Each kill hits a child process (its own session, so the test runner is never hit) at a
point it announces (a paused rename) or after a delay; afterwards the store is as before
or complete, nothing half-written sits under a final name, every process of the killed
run ends, and the next run finishes the job. Every input row must end in the store or
in the rejects (rows lost, counted, must be 0).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import psutil
import pytest
import yaml
from conftest import DOOMED, ROOT, SURVIVOR, demo_project, render, write_params
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nps_helpers.errors import NpsParamsError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store
from nps_helpers.render import batch as batch_module
from nps_helpers.render.batch import render_batch
from nps_helpers.render.job import ReportParams
from nps_helpers.render.safety import html_problems

CLIENT = "acme"
ROWS = 200_000
CHILD_INGEST = """
import os, sys, time
csv, store, client, pause_at = sys.argv[1:5]
if pause_at:
    real = os.replace
    def replace(src, dst, *args, **kwargs):
        if os.path.basename(str(dst)) == pause_at:
            print("paused", flush=True)
            time.sleep(600)
        return real(src, dst, *args, **kwargs)
    os.replace = replace
from nps_helpers.io.ingest import ingest_files
ingest_files([csv], client_id=client, store=store)
print("done", flush=True)
"""
CHILD_RENDER = """
import sys
from nps_helpers.render.batch import render_batch
root = sys.argv[1]
render_batch("safety", params_dir=root + "/params", store=root + "/store", out=root + "/out", workers=2,
             progress=False)
"""
# Where an ingest is killed: paused before each rename it makes, or after a share of the
# time a whole ingest takes (measured once per run on this machine).
INGEST_FAULTS = [("rename", "data.parquet"), ("rename", f"{CLIENT}.csv"), ("rename", f"{CLIENT}.jsonl"),
                 ("share", 0.3), ("share", 0.6), ("share", 0.9)]
SLOW_INGEST_FAULTS = [("share", round(0.05 * k, 2)) for k in range(1, 20)]
# How a render is killed (the whole process group, or only the batch process) and when.
RENDER_FAULTS = [("group", "first report"), ("batch process", "first report")]
SLOW_RENDER_FAULTS = [("group", 3.0), ("batch process", 8.0), ("group", 15.0), ("batch process", "first report")]


def export(path: Path, first: int, n: int, seed: int) -> Path:
    """A generic CSV export: ids from ``first``, 1% of the scores not numbers."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 11, n).astype(str)
    scores[rng.random(n) < 0.01] = "x"
    pd.DataFrame({
        "id": [f"r{k}" for k in range(first, first + n)],
        "date": (pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 14_000, n), unit="h"))
        .strftime("%Y-%m-%d %H:%M"),
        "nps": scores,
        "comment": [f"comment {k}" for k in range(first, first + n)],
    }).to_csv(path, index=False)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def leftovers(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob(".*") if p.name.endswith((".tmp", ".partial", ".old")))


@pytest.fixture(scope="module")
def ingest_case(tmp_path_factory) -> tuple[Path, Path, float]:
    """A store holding an earlier export of CLIENT, a big new export, and how long a
    child takes to ingest it undisturbed (seconds)."""
    root = tmp_path_factory.mktemp("ingest")
    ingest_files([export(root / "earlier.csv", 0, 5_000, seed=1)], client_id=CLIENT, store=root / "before")
    big = export(root / "big.csv", 5_000, ROWS, seed=2)
    shutil.copytree(root / "before", root / "timed")
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", CHILD_INGEST, str(big), str(root / "timed"), CLIENT, ""],
                   check=True, capture_output=True, cwd=root)
    return root, big, time.monotonic() - started


def kill_ingest(root: Path, csv: Path, store: Path, fault: tuple, seconds: float) -> bool:
    """Run an ingest in a child and SIGKILL it at ``fault``; True when it died mid-run."""
    kind, where = fault
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_INGEST, str(csv), str(store), CLIENT, where if kind == "rename" else ""],
        stdout=subprocess.PIPE, text=True, start_new_session=True, cwd=root)
    try:
        if kind == "rename":
            assert child.stdout.readline().strip() == "paused"
        else:
            time.sleep(where * seconds)
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()
    return child.returncode == -signal.SIGKILL


def check_ingest_fault(ingest_case, tmp_path, fault, tally) -> None:
    root, csv, seconds = ingest_case
    store = tmp_path / "store"
    shutil.copytree(root / "before", store)
    st = Store(store)
    before = st.read("responses", CLIENT)
    before_hash = digest(st.partition("responses", CLIENT))
    killed = kill_ingest(root, csv, store, fault, seconds)

    # After the kill: the partition is the old file or the complete new one, never half.
    after = st.read("responses", CLIENT)
    if digest(st.partition("responses", CLIENT)) != before_hash:
        assert len(after) > len(before) and set(before["response_id"]) <= set(after["response_id"])
    assert after["response_id"].is_unique
    st.read_rejects(CLIENT)
    st.ingest_log(CLIENT)

    # The next run finishes the job; every row of the export is stored or rejected, once.
    report = ingest_files([csv], client_id=CLIENT, store=store)[0]
    assert report.read == report.stored + report.duplicates + report.unanswered + report.rejected_total
    final = st.read("responses", CLIENT)
    rejects = st.read_rejects(CLIENT)
    stored_rows = set(final.loc[final["source_file"] == csv.name, "source_row"].astype(int))
    rejected_rows = set(rejects.loc[rejects["source_file"] == csv.name, "source_row"].astype(int))
    assert not stored_rows & rejected_rows
    lost = ROWS - len(stored_rows | rejected_rows)
    assert lost == 0 and final["response_id"].is_unique and len(final) == len(before) + len(stored_rows)
    assert set(before["response_id"]) <= set(final["response_id"])
    assert leftovers(store) == []
    tally["faults: SIGKILL mid-ingest"] += killed
    tally["faults: ingests done before their kill (checked the same)"] += not killed
    tally["faults: rows lost"] += lost


@pytest.mark.parametrize("fault", INGEST_FAULTS, ids=[f"{k}-{w}" for k, w in INGEST_FAULTS])
def test_sigkill_mid_ingest_leaves_the_store_as_before_or_complete(ingest_case, tmp_path, fault, tally):
    check_ingest_fault(ingest_case, tmp_path, fault, tally)


@pytest.mark.slow
@pytest.mark.parametrize("fault", SLOW_INGEST_FAULTS, ids=[f"{k}-{w}" for k, w in SLOW_INGEST_FAULTS])
def test_sigkill_mid_ingest_at_many_moments(ingest_case, tmp_path, fault, tally):
    check_ingest_fault(ingest_case, tmp_path, fault, tally)


def stand_in_notebook() -> nbformat.NotebookNode:
    """A short report over the real helpers: headline, its record, follow-up CSVs."""
    defaults = {"client_id": "kestrel-bank", "period_label": "2026-Q3", "period_start": "2026-07-01",
                "period_end": "2026-10-01", "language": "en", "store": "../store", "params_dir": "../params",
                "internal_dir": "../out/_internal/kestrel-bank"}
    assert list(defaults) == list(ReportParams.model_fields)
    return new_notebook(cells=[
        new_code_cell("\n".join(f"{k} = {v!r}" for k, v in defaults.items()), metadata={"tags": ["parameters"]}),
        new_markdown_cell("## Headline"),
        new_code_cell(
            "import nps_helpers as nh\nfrom IPython.display import display\n"
            "from nps_helpers.present.record import record_headline\n"
            "from nps_helpers.views.report import open_report\nfrom nps_helpers.views.summary_sections import show_headline\n"
            "r = open_report(client_id, period_start, period_end, period_label=period_label, language=language,\n"
            "                store=store, params_dir=params_dir, internal_dir=internal_dir)\n"
            "headline = nh.nps(r.responses['score'])\nrecord_headline(headline)\n"
            "display(show_headline(r, headline))\n"
            "nh.write_followup_lists(nh.followup_lists(r.responses), r.internal_dir);"),
    ])


@pytest.fixture(scope="module")
def render_project(tmp_path_factory) -> Path:
    """Two demo clients and the stand-in notebook, never rendered: each test copies it."""
    root = tmp_path_factory.mktemp("render_faults")
    for data in demo_project(root, clients=2, responses=800).values():
        # The extra notebook uses the real report's objects, which the stand-in does not make.
        write_params(root, {k: v for k, v in data.items() if k != "extra_notebook"})
    nbformat.write(stand_in_notebook(), root / "notebooks" / "client_report.ipynb")
    return root


def complete(folder: Path) -> list[str]:
    """What under a final name in a batch folder is not complete (empty: all complete)."""
    problems = []
    for page in folder.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        if not html.rstrip().endswith("</html>") or html_problems(html, allow_relative_links=page.name == "index.html"):
            problems.append(page.name)
    for internal in (folder / "_internal").glob("[!.]*"):
        names = sorted(p.name for p in internal.iterdir())
        if names != sorted([f"{internal.name}.ipynb", "detractors_to_call.csv", "passives_to_nudge.csv",
                            "promoters_to_ask.csv"]):
            problems.append(f"_internal/{internal.name}: {names}")
    if (folder / "manifest.json").exists():
        json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return problems


def kill_render(root: Path, how: str, when) -> None:
    """Run a batch in a child and SIGKILL it; wait until every process of it has ended."""
    folder = root / "out" / "safety" / "2026-Q3"
    child = subprocess.Popen([sys.executable, "-c", CHILD_RENDER, str(root)], start_new_session=True, cwd=root)
    family: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 300
        if when == "first report":
            while not [p for p in folder.glob("*.html") if p.name != "index.html"]:
                assert child.poll() is None and time.monotonic() < deadline, "no report was written"
                time.sleep(0.05)
        else:
            time.sleep(when)
        family = psutil.Process(child.pid).children(recursive=True)
        if how == "group":
            os.killpg(child.pid, signal.SIGKILL)
        else:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        _, alive = psutil.wait_procs(family, timeout=90)
        assert alive == [], f"processes of the killed batch still run: {[p.cmdline()[:3] for p in alive]}"
    finally:
        for process in family:  # the test's own children, should the assertion above fail
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()


def check_render_fault(render_project, tmp_path, how, when, tally) -> None:
    root = tmp_path / "project"
    shutil.copytree(render_project, root)
    store = Store(root / "store")
    hashes = {cid: digest(store.partition("responses", cid)) for cid in store.clients()}
    kill_render(root, how, when)
    folder = root / "out" / "safety" / "2026-Q3"
    assert complete(folder) == []
    assert {cid: digest(store.partition("responses", cid)) for cid in store.clients()} == hashes

    again = render(root)
    assert again.exit_code == 0, again.summary()
    assert sorted(p.stem for p in folder.glob("*.html")) == sorted([*hashes, "index"])
    assert complete(folder) == [] and leftovers(folder) == []
    tally["faults: SIGKILL mid-render"] += 1


@pytest.mark.parametrize(("how", "when"), RENDER_FAULTS, ids=[f"{h}-{w}" for h, w in RENDER_FAULTS])
def test_sigkill_mid_render_leaves_only_complete_files_and_the_next_run_finishes(
        render_project, tmp_path, how, when, tally):
    check_render_fault(render_project, tmp_path, how, when, tally)


@pytest.mark.slow
@pytest.mark.parametrize(("how", "when"), SLOW_RENDER_FAULTS, ids=[f"{h}-{w}" for h, w in SLOW_RENDER_FAULTS])
def test_sigkill_mid_render_at_more_moments(render_project, tmp_path, how, when, tally):
    check_render_fault(render_project, tmp_path, how, when, tally)


def test_a_kernel_that_dies_fails_only_its_report(five_banks, tally):
    statuses = {r.client_id: r for r in five_banks.result.results}
    assert statuses[SURVIVOR].status == "ok", five_banks.result.summary()
    dead = statuses[DOOMED]
    assert dead.status == "failed" and dead.error.ename == "DeadKernelError"
    assert dead.error.cell == 4 and dead.error.source_line == "import os"
    assert (five_banks.folder / f"{SURVIVOR}.html").exists()
    assert not (five_banks.folder / f"{DOOMED}.html").exists()
    # No follow-up lists from a failed run; only its notebook, kept to read the failure.
    assert [p.name for p in (five_banks.folder / "_internal" / DOOMED).iterdir()] == [f"{DOOMED}.failed.ipynb"]
    manifest = json.loads((five_banks.folder / "manifest.json").read_text())["reports"]
    assert {cid: e["status"] for cid, e in manifest.items()} == {SURVIVOR: "ok", DOOMED: "failed"}
    assert leftovers(five_banks.folder) == []
    tally["faults: kernel died mid-report (os._exit)"] += 1


TYPOS = {
    "defaults key": ("defaults.yaml", lambda d: {**d, "min_nn": 20}, r"defaults\.yaml.*min_nn"),
    "batch key": ("batches/safety.yaml", lambda d: {**d, "client": "all"}, r"safety\.yaml.*client"),
    "client value": ("clients/kestrel-bank.yaml", lambda d: {**d, "min_n": "thirty"}, r"kestrel-bank\.yaml.*min_n"),
    "client industry": ("clients/kestrel-bank.yaml", lambda d: {**d, "industry": "bankin"},
                        r"kestrel-bank\.yaml.*industry"),
    "client colour": ("clients/kestrel-bank.yaml", lambda d: {**d, "brand_colour": "red"},
                      r"kestrel-bank\.yaml.*brand_colour"),
}


@pytest.mark.parametrize("typo", TYPOS)
def test_a_params_typo_fails_before_any_kernel_starts(tmp_path, monkeypatch, typo, tally):
    # A project file's typo stops the batch; a client file's typo fails that client alone
    # (its report is never planned, so no kernel starts for it).
    shutil.copytree(ROOT / "params", tmp_path / "params")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "params" / "batches" / "safety.yaml").write_text("clients: [kestrel-bank]\nperiods: [2026-Q3]\n")
    name, change, message = TYPOS[typo]
    path = tmp_path / "params" / name
    path.write_text(yaml.safe_dump(change(yaml.safe_load(path.read_text(encoding="utf-8")))), encoding="utf-8")
    monkeypatch.setattr(batch_module, "run_jobs",
                        lambda jobs, **kw: iter(()) if not jobs else pytest.fail("a kernel started"))
    run = partial(render_batch, "safety", params_dir=tmp_path / "params", store=tmp_path / "store",
                  out=tmp_path / "out", progress=False)
    if name.startswith("clients/"):
        result = run()
        (failed,) = result.failed
        assert result.exit_code == 1 and failed.client_id == "kestrel-bank"
        assert re.search(message, str(failed.error)) and failed.error.ename == "NpsParamsError"
        assert not list((tmp_path / "out").rglob("*.ipynb"))
    else:
        with pytest.raises(NpsParamsError, match=message):
            run()
        assert not (tmp_path / "out").exists()
    tally["faults: params typos stopped before any kernel"] += 1
