"""Kernels forked from the zygote: same report as a spawned kernel, nothing carried over.

Reports run in this process (as in a one-worker batch), so they share one zygote, as the
reports of one pool worker do. Each test checks which path it took: a forked kernel's
parent is the zygote, a spawned kernel's parent is this process.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nps_helpers.io.store import Store
from nps_helpers.render import kernels
from nps_helpers.render.batch import run_jobs
from nps_helpers.render.execute import run_report
from nps_helpers.render.job import ReportJob, ReportParams

KERNEL = "python3"
CLIENTS = ("acme-co", "bravo-ltd", "charlie-inc")
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")

PARAMETERS = "\n".join(f"{name} = {value!r}" for name, value in {
    "client_id": "acme-co", "period_label": "2026-Q3", "period_start": "2026-07-01",
    "period_end": "2026-10-01", "language": "en", "store": "store", "params_dir": "params",
    "internal_dir": "internal"}.items())

REPORT_CELLS = [
    new_markdown_cell("# Net Promoter Score"),
    new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
    new_code_cell(
        "import matplotlib.pyplot as plt\nimport pandas as pd\nfrom IPython.display import display\n"
        "import nps_helpers as nh\nfrom nps_helpers.present import plots\nfrom nps_helpers.present.i18n import translator\n"
        "from nps_helpers.present.record import record_headline\n"
        "responses = nh.load_responses(client_id, start=period_start, end=period_end, store=store)\n"
        "headline = nh.nps(responses['score'])\nrecord_headline(headline)"
    ),
    new_code_cell("pd.DataFrame({'NPS': [round(headline.nps, 1)], 'n': [headline.n]}, index=['All'])"),
    new_code_cell(
        "counts = responses.assign(group=period_label, category=nh.categorize(responses['score']))"
        ".groupby(['group', 'category'], observed=True).size().rename('count').reset_index()\n"
        "display(plots.category_split(counts, translator(language)))"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(3, 2), dpi=50)\n"
        "ax.bar(range(11), responses['score'].value_counts().reindex(range(11), fill_value=0))\n"
        "display(fig, metadata={'image/png': {'alt': f'Responses by score, n {headline.n}'}})\n"
        "plt.close(fig)"
    ),
    new_code_cell("print(f'{len(responses)} responses, mean score {responses.score.mean():.2f}')"),
]

# Report 1 plants state everywhere a kernel could keep it; every report looks for it first.
PROBE = textwrap.dedent("""\
    import json, os, sys, threading
    import matplotlib, numpy as np
    import nps_helpers
    from ipykernel.kernelapp import IPKernelApp
    found = {
        "global": "planted" in globals(),
        "env": "NPS_PLANTED" in os.environ,
        "package_attribute": hasattr(nps_helpers, "planted"),
        "module": "planted_module" in sys.modules,
        "rc_params": bool(matplotlib.rcParams["lines.linewidth"] == 7.0),
        "numpy_seed": bool(np.random.get_state()[1][0] == 1234),
    }
    random_draw = float(np.random.random())
    planted = client_id
    os.environ["NPS_PLANTED"] = client_id
    nps_helpers.planted = client_id
    sys.modules["planted_module"] = nps_helpers
    matplotlib.rcParams["lines.linewidth"] = 7.0
    np.random.seed(1234)
    print(json.dumps({"found": found, "pid": os.getpid(), "ppid": os.getppid(), "draw": random_draw,
                      "transport": IPKernelApp.instance().transport}))
    """)


def probe_notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
                               new_code_cell(PROBE)])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kernels")
    store = Store(root / "store")
    for seed, cid in enumerate(CLIENTS):
        rng = np.random.default_rng(seed)
        store.replace("responses", cid, pd.DataFrame({
            "response_id": [f"{cid}-{k}" for k in range(60)],
            "responded_at": pd.Timestamp("2026-07-02", tz="UTC") + pd.to_timedelta(np.arange(60), unit="D"),
            "score": rng.integers(0, 11, 60),
        }))
    (root / "params").mkdir()
    (root / "notebooks").mkdir()
    nbformat.write(new_notebook(cells=REPORT_CELLS), root / "notebooks" / "report.ipynb")
    nbformat.write(probe_notebook(), root / "notebooks" / "probe.ipynb")
    return root


@pytest.fixture(autouse=True)
def fork_on(monkeypatch):
    monkeypatch.delenv(kernels.FORK_ENV, raising=False)
    monkeypatch.setitem(kernels.zygote_state, "failures", 0)


def job_for(project: Path, cid: str, notebook: str, out: str) -> ReportJob:
    params = ReportParams(
        client_id=cid, period_label="2026-Q3", period_start="2026-07-01", period_end="2026-10-01",
        store=str(project / "store"), params_dir=str(project / "params"),
        internal_dir=str(project / out / "_internal" / f".{cid}.partial"),
    )
    return ReportJob(params=params, notebook=str(project / "notebooks" / notebook),
                     html=str(project / out / f"{cid}.html"), published_dir=str(project / out / "_internal" / cid),
                     display_name=cid.title(), input_hash="h", kernel_name=KERNEL, timeout=120)


def probe_output(job: ReportJob) -> dict:
    nb = nbformat.read(Path(job.published_dir) / f"{job.client_id}.ipynb", as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


def zygote_pid() -> int:
    zygote = kernels.zygote_state["zygote"]
    assert zygote is not None and zygote.alive()
    return zygote.process.pid


def test_forked_kernel_renders_the_same_html_as_a_spawned_one(project, monkeypatch):
    forked = run_report(job_for(project, "acme-co", "report.ipynb", "fork"))
    zygote_pid()  # the report went through the zygote...
    assert kernels.zygote_state["failures"] == 0  # ...without falling back
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    spawned = run_report(job_for(project, "acme-co", "report.ipynb", "spawn"))
    assert forked.status == spawned.status == "ok", (forked.error, spawned.error)
    assert forked.headline == spawned.headline
    fork_html, spawn_html = (Path(r.html).read_text(encoding="utf-8") for r in (forked, spawned))
    assert len(DATA_URI.findall(fork_html)) == len(DATA_URI.findall(spawn_html)) == 2
    assert DATA_URI.sub("IMG", fork_html) == DATA_URI.sub("IMG", spawn_html)
    assert "60 responses, mean score" in fork_html


def test_no_state_passes_from_one_report_to_the_next_in_the_same_worker(project):
    jobs = [job_for(project, cid, "probe.ipynb", "leak") for cid in CLIENTS]
    results = list(run_jobs(jobs, workers=1))
    assert [r.status for r in results] == ["ok"] * 3, [r.error for r in results]
    probes = [probe_output(job) for job in jobs]
    zygote = zygote_pid()
    for probe in probes:
        assert probe["found"] == dict.fromkeys(probe["found"], False)
        assert probe["ppid"] == zygote  # forked, not spawned
        assert probe["transport"] == "ipc"
    assert len({p["pid"] for p in probes}) == 3
    # Each child reseeds: siblings do not repeat each other's "random" numbers.
    assert len({p["draw"] for p in probes}) == 3


def test_a_kernel_that_dies_fails_only_its_report(project):
    dies = new_notebook(cells=[new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
                               new_code_cell("import os\nif client_id == 'bravo-ltd':\n    os._exit(3)"),
                               new_code_cell(PROBE)])
    nbformat.write(dies, project / "notebooks" / "dies.ipynb")
    jobs = [job_for(project, cid, "dies.ipynb", "dies") for cid in CLIENTS]
    results = {r.client_id: r for r in run_jobs(jobs, workers=1)}
    assert results["bravo-ltd"].status == "failed"
    assert (results["bravo-ltd"].error.cell, results["bravo-ltd"].error.ename) == (2, "DeadKernelError")
    assert not Path(jobs[1].html).exists()
    assert results["acme-co"].ok and results["charlie-inc"].ok
    assert probe_output(jobs[2])["ppid"] == zygote_pid()


def test_an_edited_project_module_reaches_the_next_report(project, tmp_path, monkeypatch):
    package = tmp_path / "lib"
    package.mkdir()
    module = package / "stamped_helper.py"
    module.write_text("VALUE = 'before'\n")
    monkeypatch.setenv("PYTHONPATH", str(package))
    cells = [new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
             new_code_cell("import stamped_helper\nprint(stamped_helper.VALUE)")]
    nbformat.write(new_notebook(cells=cells), project / "notebooks" / "stamped.ipynb")

    def printed(out: str) -> str:
        job = job_for(project, "acme-co", "stamped.ipynb", out)
        assert run_report(job).ok
        nb = nbformat.read(Path(job.published_dir) / "acme-co.ipynb", as_version=4)
        return nb.cells[-1].outputs[0]["text"].strip()

    assert printed("stamp-1") == "before"
    first = zygote_pid()
    module.write_text("VALUE = 'after'\n")
    os.utime(module, ns=(module.stat().st_mtime_ns + 10**9,) * 2)
    assert printed("stamp-2") == "after"
    assert zygote_pid() != first


def test_with_forking_off_kernels_are_spawned(project, monkeypatch):
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    job = job_for(project, "acme-co", "probe.ipynb", "off")
    assert run_report(job).ok
    assert probe_output(job)["ppid"] == os.getpid()


def test_a_zygote_that_cannot_start_falls_back_to_a_spawned_kernel(project, monkeypatch):
    kernels.shutdown()
    monkeypatch.setattr(kernels, "ZYGOTE_CODE", "import sys; sys.exit(3)")
    job = job_for(project, "bravo-ltd", "probe.ipynb", "broken")
    result = run_report(job)
    assert result.ok, result.error
    assert probe_output(job)["ppid"] == os.getpid()
    assert kernels.zygote_state["failures"] == 1 and kernels.zygote_state["zygote"] is None


def test_zygote_folder_is_private_and_goes_when_its_owner_dies(tmp_path):
    owner = textwrap.dedent("""\
        import os, sys, stat
        from nps_helpers.render import kernels
        z = kernels.Zygote(("x",), [sys.executable], cwd=None, preload=[], env=dict(os.environ))
        print(z.process.pid, z.folder, oct(stat.S_IMODE(os.stat(z.folder).st_mode)), flush=True)
        os._exit(0)  # no cleanup: only the lifeline can end the zygote
        """)
    out = subprocess.run([sys.executable, "-c", owner], capture_output=True, text=True, check=True, timeout=60)
    pid, folder, mode = out.stdout.split()
    assert mode == "0o700"
    # The zygote removes its folder on its way out (it may still be importing first).
    deadline = time.monotonic() + 60
    while Path(folder).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(folder).exists()
    with contextlib.suppress(FileNotFoundError):  # gone, or a zombie waiting for its new parent
        assert Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"


def test_folders_of_killed_zygotes_are_swept_and_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    for name, pid in (("dead", gone.pid), ("alive", os.getpid()), ("starting", None)):
        folder = tmp_path / f"{kernels.FOLDER_PREFIX}{name}"
        folder.mkdir()
        if pid is not None:
            (folder / "pid").write_text(str(pid))
    kernels.sweep_leftovers()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{kernels.FOLDER_PREFIX}alive",
                                                         f"{kernels.FOLDER_PREFIX}starting"]


@pytest.mark.parametrize(("argv", "expected"), [
    (["python", "-m", "ipykernel_launcher", "-f", "c.json"], ([sys.executable], "ipykernel_launcher", ["-f", "c.json"])),
    (["/opt/py", "-X", "frozen_modules=off", "-m", "ipykernel", "-f", "c.json"],
     (["/opt/py", "-X", "frozen_modules=off"], "ipykernel", ["-f", "c.json"])),
    (["R", "--slave", "-e", "IRkernel::main()", "--args", "c.json"], None),
    (["python", "-m", "other_kernel", "-f", "c.json"], None),
    (["-m", "ipykernel"], None),
])
def test_only_python_ipykernel_specs_are_forked(argv, expected):
    assert kernels.split_command(argv) == expected
