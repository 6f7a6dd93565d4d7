"""Render benchmark: naive papermill + nbconvert CLIs, a plain-Python floor, and ours.

For N clients of a generated store, each repeat measures, in this order:

- **naive**: per client, the ``papermill`` CLI then ``jupyter nbconvert --to html
  --no-input``, one after another;
- **floor**: the same notebook's code run with ``exec`` in plain Python worker processes
  (no kernel; imports paid once per worker), rich outputs captured with IPython's
  formatters and exported with nbconvert's ``HTMLExporter`` in-process;
- **ours cold**: ``nps-report render --force`` into an empty folder;
- **ours warm**: the same command again, inputs unchanged (every report should be skipped).

Per method: wall and CPU seconds per report (CPU of all child processes, orphans
included), peak RSS of the largest single process (sampled every 50 ms), median HTML size.
Ratios are paired within each repeat, then medianed; the issue's targets are shown as
PASS/MISS and never asserted. Usage::

    python bench/bench_render.py                    # 50 of 200 clients, 5M responses, 3 repeats
    python bench/bench_render.py --n 20 --repeats 1
    python bench/bench_render.py --quick            # 6 of 12 clients, 60k responses, 1 repeat

The store is built once per (clients, responses, seed, demo code) under data/bench/ and
reused. Writes bench/results/render.json (see bench/README.md).
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import hashlib
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
NOTEBOOK = PROJECT / "notebooks" / "client_report.ipynb"
CACHE = PROJECT / "data" / "bench"
BIN = Path(sys.executable).parent
KERNEL = "nps-reports"
PERIOD = "latest-quarter"
SAMPLE_SECONDS = 0.05
METHODS = ("naive", "floor", "ours_cold", "ours_warm")
# name, (numerator, denominator) of the paired ratio
RATIOS = {
    "naive_over_ours_cold": ("naive", "ours_cold"),
    "ours_cold_over_floor": ("ours_cold", "floor"),
    "ours_warm_over_cold": ("ours_warm", "ours_cold"),
}
# The acceptance targets of issue 7: (what, figure, comparison, bound).
TARGETS = (
    ("ours cold >= 5x faster than naive", "naive_over_ours_cold", ">=", 5.0),
    ("ours cold <= 2x the plain-Python floor", "ours_cold_over_floor", "<=", 2.0),
    ("warm re-run < 10% of cold", "ours_warm_over_cold", "<", 0.10),
    ("peak RSS per worker process < 1 GB (ours cold, MB)", "ours_cold.peak_process_mb", "<", 1024.0),
)
QUICK = {"n": 6, "clients_in_store": 12, "responses": 60_000, "repeats": 1}
VERSIONED_EXTRA = ("ipykernel", "jupyter_client", "ipython", "pyarrow", "numpy", "psutil")


# --------------------------------------------------------------------------- pure helpers


def median(values: Iterable[float | None]) -> float | None:
    """Median of the values that are not None; None when there are none.

    >>> median([3.0, None, 1.0, 2.0])
    2.0
    >>> median([None]) is None
    True
    """
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ratio(top: float | None, bottom: float | None) -> float | None:
    """top / bottom, or None when either is missing or the bottom is not positive.

    >>> ratio(6.0, 1.5)
    4.0
    >>> ratio(1.0, 0.0) is None
    True
    """
    if top is None or bottom is None or bottom <= 0:
        return None
    return top / bottom


def method_figures(
    *, reports: int, wall_s: float, cpu_s: float, peaks_mb: dict[str, float],
    peak_tree_mb: float, html_bytes: Sequence[int], failed: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One method's figures in one repeat, per report where it makes sense.

    ``peaks_mb`` maps a process label to its peak RSS; the largest is the peak per worker.

    >>> f = method_figures(reports=4, wall_s=8.0, cpu_s=6.0, peaks_mb={"a": 300.0, "b": 120.0},
    ...     peak_tree_mb=420.0, html_bytes=[10, 30, 20, 40])
    >>> f["wall_per_report_s"], f["cpu_per_report_s"], f["peak_process_mb"], f["html_median_bytes"]
    (2.0, 1.5, 300.0, 25.0)
    """
    return {
        "reports": reports,
        "failed": list(failed),
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "wall_per_report_s": wall_s / reports,
        "cpu_per_report_s": cpu_s / reports,
        "peak_process_mb": max(peaks_mb.values(), default=0.0),
        "peak_tree_mb": peak_tree_mb,
        "html_median_bytes": median(html_bytes),
        "top_processes_mb": dict(sorted(peaks_mb.items(), key=lambda kv: -kv[1])[:5]),
        **(extra or {}),
    }


def paired_ratios(repeat: dict[str, dict[str, Any] | None]) -> dict[str, float | None]:
    """The ratios of per-report wall time between methods of the same repeat, and the same
    of CPU time (suffix ``_cpu``: steadier than wall time on a busy machine).

    >>> r = paired_ratios({"naive": {"wall_per_report_s": 8.0, "cpu_per_report_s": 9.0},
    ...     "floor": {"wall_per_report_s": 0.5, "cpu_per_report_s": 1.0},
    ...     "ours_cold": {"wall_per_report_s": 1.0, "cpu_per_report_s": 1.5},
    ...     "ours_warm": {"wall_per_report_s": 0.05, "cpu_per_report_s": 0.3}})
    >>> r["naive_over_ours_cold"], r["ours_cold_over_floor"], r["ours_warm_over_cold"], r["naive_over_ours_cold_cpu"]
    (8.0, 2.0, 0.05, 6.0)
    """
    def figure(method: str, key: str) -> float | None:
        figures = repeat.get(method)
        return figures[key] if figures else None

    out = {}
    for suffix, key in (("", "wall_per_report_s"), ("_cpu", "cpu_per_report_s")):
        for name, (top, bottom) in RATIOS.items():
            out[name + suffix] = ratio(figure(top, key), figure(bottom, key))
    return out


SUMMARY_KEYS = ("wall_per_report_s", "cpu_per_report_s", "peak_process_mb", "peak_tree_mb", "html_median_bytes")


def summarize(repeats: Sequence[dict[str, Any]]) -> tuple[dict[str, dict[str, float | None]], dict[str, float | None]]:
    """Medians over repeats of each method's figures, and of the paired ratios.

    >>> one = {"naive": {"wall_per_report_s": 8.0, "cpu_per_report_s": 9.0, "peak_process_mb": 200.0,
    ...     "peak_tree_mb": 300.0, "html_median_bytes": 1000}, "floor": None, "ours_cold": None,
    ...     "ours_warm": None, "ratios": {"naive_over_ours_cold": 6.0}}
    >>> two = {**one, "naive": {**one["naive"], "wall_per_report_s": 10.0}, "ratios": {"naive_over_ours_cold": 4.0}}
    >>> medians, ratios = summarize([one, two])
    >>> medians["naive"]["wall_per_report_s"], medians["floor"]["wall_per_report_s"], ratios["naive_over_ours_cold"]
    (9.0, None, 5.0)
    """
    medians = {
        method: {key: median((r.get(method) or {}).get(key) for r in repeats) for key in SUMMARY_KEYS}
        for method in METHODS
    }
    names = [name + suffix for suffix in ("", "_cpu") for name in RATIOS]
    ratios = {name: median(r["ratios"].get(name) for r in repeats) for name in names}
    return medians, ratios


def judge(medians: dict[str, dict[str, float | None]], ratios: dict[str, float | None]) -> list[dict[str, Any]]:
    """Each target with its measured value and PASS, MISS or n/a (nothing measured).

    >>> rows = judge({"ours_cold": {"peak_process_mb": 2048.0}}, {"naive_over_ours_cold": 6.0})
    >>> [(r["figure"], r["status"]) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('naive_over_ours_cold', 'PASS'), ('ours_cold_over_floor', 'n/a'),
     ('ours_warm_over_cold', 'n/a'), ('ours_cold.peak_process_mb', 'MISS')]
    """
    compare: dict[str, Callable[[float, float], bool]] = {
        ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
    }
    rows = []
    for what, figure, op, bound in TARGETS:
        if "." in figure:
            method, key = figure.split(".", 1)
            value, cpu = (medians.get(method) or {}).get(key), None
        else:
            value, cpu = ratios.get(figure), ratios.get(f"{figure}_cpu")
        status = "n/a" if value is None else "PASS" if compare[op](value, bound) else "MISS"
        rows.append({"target": what, "figure": figure, "op": op, "bound": bound, "value": value,
                     "status": status, "same_ratio_of_cpu": cpu})
    return rows


def papermill_args(parameters: dict[str, Any]) -> list[str]:
    """papermill CLI options for ``parameters``: strings raw (``-r``) so that an id such
    as '0042' stays a string, other values as YAML (``-p``).

    >>> papermill_args({"client_id": "0042", "min_n": 30, "ok": True})
    ['-r', 'client_id', '0042', '-p', 'min_n', '30', '-p', 'ok', 'True']
    """
    args: list[str] = []
    for name, value in parameters.items():
        args += ["-r", name, value] if isinstance(value, str) else ["-p", name, str(value)]
    return args


def render_command(clients: Sequence[str], *, out: Path, store: Path, params: Path, workers: int,
                   force: bool) -> list[str]:
    """The ``nps-report render`` command line for these clients.

    >>> render_command(["a", "b"], out=Path("/o"), store=Path("/s"), params=Path("/p"), workers=2,
    ...     force=True)[1:]  # doctest: +NORMALIZE_WHITESPACE
    ['render', '--client', 'a', '--client', 'b', '--period', 'latest-quarter', '--out', '/o',
     '--store', '/s', '--params', '/p', '--workers', '2', '--force']
    """
    args = [str(BIN / "nps-report"), "render"]
    for cid in clients:
        args += ["--client", cid]
    args += ["--period", PERIOD, "--out", str(out), "--store", str(store), "--params", str(params),
             "--workers", str(workers)]
    return args + (["--force"] if force else [])


def result_document(
    *, parameters: dict[str, Any], machine: dict[str, Any], store: dict[str, Any],
    repeats: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The JSON written to bench/results/render.json.

    >>> doc = result_document(parameters={"n": 1}, machine={}, store={}, repeats=[])
    >>> sorted(doc)
    ['bench', 'created_at', 'machine', 'medians', 'parameters', 'ratios', 'repeats', 'store', 'targets']
    """
    medians, ratios = summarize(repeats)
    return {
        "bench": "render",
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "parameters": parameters,
        "store": store,
        "repeats": list(repeats),
        "medians": medians,
        "ratios": ratios,
        "targets": judge(medians, ratios),
    }


# ------------------------------------------------------------------ process accounting


def become_subreaper() -> bool:
    """Adopt orphaned descendants (e.g. a pool's forkserver outliving its parent), so their
    CPU time reaches RUSAGE_CHILDREN when reaped. Linux only; False elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_children(keep: set[int], timeout: float = 30.0) -> None:
    """Wait for every child not in ``keep`` (adopted orphans included) to exit, and reap it."""
    import psutil

    psutil.wait_procs([p for p in psutil.Process().children() if p.pid not in keep], timeout=timeout)
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _label(proc: Any) -> str:
    """A short, stable name for a process: its program and first meaningful argument."""
    try:
        argv = proc.cmdline()
    except Exception:  # noqa: BLE001 - the process may be gone or hidden
        return f"pid {proc.pid}"
    words = [Path(a).name if "/" in a else a for a in argv[:4] if not a.startswith("--")]
    return " ".join(words)[:60] or f"pid {proc.pid}"


class Monitor:
    """Samples the RSS of every descendant process every 50 ms in a thread.

    Keeps each process's peak (by label and pid) and the peak of their sum.
    """

    def __init__(self, interval: float = SAMPLE_SECONDS):
        self.interval = interval
        self.peaks: dict[int, tuple[str, float]] = {}
        self.peak_tree_mb = 0.0
        self.preexisting: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Monitor:
        import psutil

        # Processes alive before the measured action (e.g. a resource tracker) are not its own.
        self.preexisting = {proc.pid for proc in psutil.Process().children(recursive=True)}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while True:
            total = 0.0
            for proc in me.children(recursive=True):
                if proc.pid in self.preexisting:
                    continue
                try:
                    mb = proc.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                total += mb
                label, old = self.peaks.get(proc.pid, (None, 0.0))
                if label is None:
                    label = _label(proc)
                self.peaks[proc.pid] = (label, max(old, mb))
            self.peak_tree_mb = max(self.peak_tree_mb, total)
            if self._stop.wait(self.interval):
                return

    def peaks_by_label(self) -> dict[str, float]:
        """Peak RSS (MB) per process, keyed 'label [pid]'."""
        peaks = dict(self.peaks)  # a copy: the sampling thread may be adding a process
        return {f"{label} [{pid}]": round(mb, 1) for pid, (label, mb) in peaks.items()}


@dataclass
class Outcome:
    """What a measured action reports back: HTML sizes, failed clients, extra figures."""

    html_bytes: list[int] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def measure(reports: int, action: Callable[[], Outcome]) -> dict[str, Any]:
    """Run ``action`` and return its figures; CPU is user+sys of all reaped children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Monitor() as monitor:
        start = time.perf_counter()
        outcome = action()
        wall = time.perf_counter() - start
        reap_children(keep=monitor.preexisting)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return method_figures(
        reports=reports, wall_s=wall, cpu_s=cpu, peaks_mb=monitor.peaks_by_label(),
        peak_tree_mb=round(monitor.peak_tree_mb, 1), html_bytes=outcome.html_bytes,
        failed=outcome.failed, extra=outcome.extra,
    )


# ----------------------------------------------------------------- store and parameters


@dataclass(frozen=True)
class BenchProject:
    """A project folder for the benchmark: store, params and a link to the notebooks."""

    root: Path
    store: Path
    params: Path
    notebook: Path


def _demo_digest() -> str:
    """Digest of the demo generator's sources: a changed generator means a new store."""
    import nps_helpers.demo as demo

    digest = hashlib.sha256()
    for path in sorted(Path(demo.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def bench_project(clients: int, responses: int, seed: int) -> tuple[BenchProject, dict[str, Any]]:
    """The cached bench project for these parameters, built when missing (or half-built)."""
    from nps_helpers.demo import write_demo_store

    root = CACHE / f"render-c{clients}-r{responses}-s{seed}-{_demo_digest()}"
    project = BenchProject(root, root / "store", root / "params", root / "notebooks" / NOTEBOOK.name)
    info: dict[str, Any] = {"path": str(root), "clients": clients, "responses": responses, "seed": seed}
    done = root / ".complete"
    if done.exists():
        info.update(cached=True, build_s=json.loads(done.read_text())["build_s"])
    else:
        shutil.rmtree(root, ignore_errors=True)
        (root / "params").mkdir(parents=True)
        print(f"building the bench store ({clients} clients, {responses:,} responses) in {root} ...",
              flush=True)
        start = time.perf_counter()
        write_demo_store(project.store, seed=seed, clients=clients, responses=responses,
                         params_dir=project.params)
        build_s = round(time.perf_counter() - start, 1)
        done.write_text(json.dumps({"build_s": build_s}))
        info.update(cached=False, build_s=build_s)
    _refresh_project_files(project)
    return project, info


def _refresh_project_files(project: BenchProject) -> None:
    """Copy the repo's defaults, batches and notebook in, as they are now.

    Every method of every repeat then runs this one snapshot (render resolves the notebook
    as <params>/../notebooks/<name>): an edit to the repo's notebook during a long run
    would otherwise change ours' inputs between cold and warm, and the methods' work.
    """
    shutil.copy2(PROJECT / "params" / "defaults.yaml", project.params / "defaults.yaml")
    batches = PROJECT / "params" / "batches"
    if batches.is_dir():
        shutil.copytree(batches, project.params / "batches", dirs_exist_ok=True)
    folder = project.notebook.parent
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(exist_ok=True)
    shutil.copy2(NOTEBOOK, project.notebook)
    # A client's params may name its own extra notebook (notebooks/clients/<id>.ipynb).
    clients = NOTEBOOK.parent / "clients"
    if clients.is_dir():
        shutil.copytree(clients, project.notebook.parent / "clients", dirs_exist_ok=True)


def report_parameters(project: BenchProject, clients: Sequence[str]
                      ) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Per client, the values papermill injects: render's :class:`ReportParams`, limited
    to the names the notebook's parameters cell declares (read with papermill).

    ``internal_dir`` is left empty here; :func:`with_internal` points it at a method's folder.
    """
    import papermill

    from nps_helpers.config.params import load_client, load_defaults
    from nps_helpers.core.periods import parse_period
    from nps_helpers.io.store import Store
    from nps_helpers.render.job import ReportParams

    declared = list(papermill.inspect_notebook(str(project.notebook)))
    newest = Store(project.store).sql("SELECT max(responded_at) AS newest FROM {responses}")["newest"].iloc[0]
    period = parse_period(PERIOD, data_end=newest)
    defaults = load_defaults(project.params)
    values = {}
    for cid in clients:
        client = load_client(cid, project.params)
        full = ReportParams(
            client_id=cid, period_label=period.label, period_start=period.start.date(),
            period_end=period.end.date(), language=client.language or defaults.language,
            store=str(project.store), params_dir=str(project.params), internal_dir="",
        ).model_dump(mode="json")
        values[cid] = {name: full[name] for name in declared if name in full}
    info = {
        "notebook_parameters": declared,
        "left_at_default": [name for name in declared if name not in ReportParams.model_fields],
        "period": period.label,
    }
    return values, info


def with_internal(values: dict[str, dict[str, Any]], root: Path) -> dict[str, dict[str, Any]]:
    """A copy of ``values`` whose ``internal_dir`` (when the notebook has one) is root/<client>.

    >>> with_internal({"a": {"client_id": "a", "internal_dir": ""}, "b": {"client_id": "b"}}, Path("/x"))
    {'a': {'client_id': 'a', 'internal_dir': '/x/a'}, 'b': {'client_id': 'b'}}
    """
    return {cid: {**p, "internal_dir": str(root / cid)} if "internal_dir" in p else dict(p)
            for cid, p in values.items()}


# ------------------------------------------------------------------------------ naive


def _run_logged(args: list[str], log: Path, cwd: Path | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    with open(log, "ab") as sink:
        code = subprocess.call(args, stdout=sink, stderr=subprocess.STDOUT, cwd=cwd)
    return time.perf_counter() - start, code


def _last_line(log: Path) -> str:
    """The last non-empty line of a log (the error a failed CLI ended with)."""
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def naive(values: dict[str, dict[str, Any]], notebook: Path, out: Path, kernel: str) -> Outcome:
    """papermill CLI then nbconvert CLI per client, one at a time."""
    out.mkdir(parents=True)
    outcome = Outcome()
    steps: dict[str, list[float]] = {"papermill_s": [], "nbconvert_s": []}
    for cid, params in values.items():
        executed, log = out / f"{cid}.ipynb", out / f"{cid}.log"
        seconds, code = _run_logged(
            [str(BIN / "papermill"), str(notebook), str(executed), "-k", kernel, "--cwd",
             str(notebook.parent), "--no-progress-bar", *papermill_args(params)], log)
        steps["papermill_s"].append(seconds)
        if code == 0:
            seconds, code = _run_logged(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed),
                 "--output-dir", str(out)], log)
            steps["nbconvert_s"].append(seconds)
        html = out / f"{cid}.html"
        if code == 0 and html.exists():
            outcome.html_bytes.append(html.stat().st_size)
        else:
            outcome.failed.append(f"{cid}: exit {code}: {_last_line(log)}")
    outcome.extra = {f"median_{k}": median(v) for k, v in steps.items()}
    return outcome


# ------------------------------------------------------------------------------ floor

_FLOOR: dict[str, Any] = {}


def _floor_init() -> None:
    """Worker start: the imports and objects a plain-Python batch would set up once."""
    import matplotlib

    matplotlib.use("Agg")
    # nbconvert's note on the package's own headline mimetype, once per report: noise here.
    warnings.filterwarnings("ignore", message="Your element with mimetype", category=UserWarning)
    import matplotlib.pyplot  # noqa: F401 - paid here, once, as a batch script would
    import nbformat  # noqa: F401
    import pandas  # noqa: F401
    import seaborn  # noqa: F401
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats
    from nbconvert import HTMLExporter

    import nps_helpers  # noqa: F401

    # display() only publishes rich output when a shell exists; this one never runs a cell.
    # The shell installs its own __main__; the pool unpickles our functions from the real one.
    main_module = sys.modules["__main__"]
    shell = InteractiveShell.instance(display_pub_class=CapturingDisplayPublisher)
    sys.modules["__main__"] = main_module
    select_figure_formats(shell, {"png"})
    # --no-input, as the naive baseline's nbconvert CLI
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    _FLOOR.update(shell=shell, exporter=exporter)


def _run_cell(source: str, namespace: dict[str, Any], shell: Any) -> list[Any]:
    """exec one cell; its display() calls, stdout/stderr and last expression as outputs."""
    import ast

    from nbformat.v4 import new_output

    code = shell.transform_cell(source)  # IPython syntax (magics) as plain Python
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out, err = io.StringIO(), io.StringIO()
    shell.display_pub.outputs = []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        exec(compile(tree, "<cell>", "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None
        if "matplotlib.pyplot" in sys.modules:
            _flush_figures(shell)
    outputs = [new_output("stream", name=n, text=s.getvalue()) for n, s in (("stdout", out), ("stderr", err))
               if s.getvalue()]
    outputs += [new_output("display_data", data=o["data"], metadata=o.get("metadata") or {})
                for o in shell.display_pub.outputs]
    if value is not None:
        data, metadata = shell.display_formatter.format(value)
        outputs.append(new_output("execute_result", data=data, metadata=metadata, execution_count=None))
    return outputs


def _flush_figures(shell: Any) -> None:
    """Show and close figures a cell left open, as the kernel's inline backend does."""
    from IPython.display import display
    from matplotlib import pyplot as plt

    for number in plt.get_fignums():
        display(plt.figure(number))
    plt.close("all")


def floor_report(params: dict[str, Any], notebook: str, html_path: str) -> int:
    """One report in plain Python: papermill's parameter cell, every code cell exec'd in a
    fresh namespace, HTML exported in-process. Returns the HTML size in bytes."""
    import builtins

    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    if not _FLOOR:
        _floor_init()
    shell, exporter = _FLOOR["shell"], _FLOOR["exporter"]
    nb = parameterize_notebook(load_notebook_node(notebook), params)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins,
                                 "get_ipython": lambda: shell}
    cwd = os.getcwd()
    os.chdir(Path(notebook).parent)  # papermill --cwd and render run the notebook from its folder
    try:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = _run_cell(cell.source, namespace, shell)
    finally:
        os.chdir(cwd)
    html, _ = exporter.from_notebook_node(nb)
    data = html.encode("utf-8")
    Path(html_path).write_bytes(data)
    return len(data)


def floor(values: dict[str, dict[str, Any]], notebook: Path, out: Path, workers: int) -> Outcome:
    """The floor: a pool of plain Python processes (spawned, so imports are paid in each)."""
    import multiprocessing

    out.mkdir(parents=True)
    outcome = Outcome()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_floor_init) as pool:
        futures = {cid: pool.submit(floor_report, params, str(notebook), str(out / f"{cid}.html"))
                   for cid, params in values.items()}
        for cid, future in futures.items():
            try:
                outcome.html_bytes.append(future.result())
            except Exception as err:  # noqa: BLE001 - recorded, the other reports go on
                outcome.failed.append(f"{cid}: {type(err).__name__}: {err}")
    return outcome


# ------------------------------------------------------------------------------- ours


def ours(clients: Sequence[str], project: BenchProject, out: Path, workers: int, *, force: bool
         ) -> Outcome:
    """``nps-report render`` of these clients; warm runs must skip every report."""
    out.mkdir(parents=True, exist_ok=True)
    before = manifest_inputs(out)
    log = out.parent / f"{out.name}-{'cold' if force else 'warm'}.log"
    _, code = _run_logged(render_command(clients, out=out, store=project.store, params=project.params,
                                         workers=workers, force=force), log, cwd=project.root)
    lines = log.read_text(errors="replace").splitlines()
    summary = next((ln for ln in lines if " reports, " in ln), "")
    outcome = Outcome(extra={"exit_code": code, "summary": summary})
    sizes = {p.stem: p.stat().st_size for p in out.glob("*/*/*.html") if p.stem in set(clients)}
    outcome.html_bytes = list(sizes.values())
    if code != 0:
        # render's summary names each failed report with its cell; otherwise the error line
        outcome.failed += [ln for ln in lines if ln.startswith("FAILED ")] or [f"exit {code}: {_last_line(log)}"]
    outcome.failed += [f"{cid}: no HTML" for cid in clients if cid not in sizes]
    if not force and f", {len(clients)} unchanged" not in summary:
        changed = changed_inputs(before, manifest_inputs(out))
        outcome.failed.append(f"warm run re-rendered reports: {summary!r}; inputs that changed since "
                              f"the cold run: {', '.join(changed) or 'none'}")
    return outcome


def manifest_inputs(out: Path) -> dict[str, dict[str, str]]:
    """Per client, the input digests render recorded in the manifests under ``out``."""
    found: dict[str, dict[str, str]] = {}
    for path in out.glob("*/*/manifest.json"):
        for cid, entry in json.loads(path.read_text())["reports"].items():
            found[cid] = entry.get("inputs", {})
    return found


def changed_inputs(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """The input names whose digest differs for any client between two manifests.

    >>> changed_inputs({"a": {"notebook": "1", "data": "x"}}, {"a": {"notebook": "2", "data": "x"}})
    ['notebook']
    """
    return sorted({key for cid, new in after.items() for key, digest in new.items()
                   if before.get(cid, {}).get(key) != digest})


# ------------------------------------------------------------------------------- main


def machine_info() -> dict[str, Any]:
    """Cores, memory, load, Python and the versions of the packages that matter."""
    from importlib import metadata

    import psutil

    from nps_helpers.render.manifest import versions

    found = versions()
    for name in VERSIONED_EXTRA:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return {
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "versions": found,
    }


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else "python3"


def run_repeat(k: int, values: dict[str, dict[str, Any]], project: BenchProject, work: Path,
               workers: int, kernel: str, skip: set[str]) -> dict[str, Any]:
    """One repeat: every method once, on the same clients, in the same order."""
    clients = list(values)
    base = work / f"repeat-{k}"
    naive_values = with_internal(values, base / "naive" / "_internal")
    floor_values = with_internal(values, base / "floor" / "_internal")
    steps = {
        "naive": lambda: naive(naive_values, project.notebook, base / "naive", kernel),
        "floor": lambda: floor(floor_values, project.notebook, base / "floor", workers),
        "ours_cold": lambda: ours(clients, project, base / "ours", workers, force=True),
        "ours_warm": lambda: ours(clients, project, base / "ours", workers, force=False),
    }
    row: dict[str, Any] = dict.fromkeys(METHODS)
    for method, action in steps.items():
        if method in skip:
            continue
        print(f"  repeat {k + 1}: {method} ...", end="", flush=True)
        row[method] = measure(len(clients), action)
        failed = row[method]["failed"]
        print(f" {row[method]['wall_per_report_s']:.2f} s/report" + (f", {len(failed)} FAILED" if failed else ""),
              flush=True)
        for line in failed[:3]:
            print(f"    {line}", flush=True)
    row["ratios"] = paired_ratios(row)
    return row


def print_table(doc: dict[str, Any]) -> None:
    """The medians, the ratios and the targets, as rich tables."""
    from rich.console import Console
    from rich.table import Table

    p = doc["parameters"]
    console = Console()
    table = Table(title=f"render: {p['n']} reports of {p['clients_in_store']} clients / "
                        f"{p['responses']:,} responses, {p['workers']} workers, median of {p['repeats']}")
    for col in ("method", "s/report", "CPU s/report", "peak MB/process", "peak MB/tree", "HTML KB"):
        table.add_column(col, justify="left" if col == "method" else "right")

    def fmt(value: float | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    for method in METHODS:
        m = doc["medians"][method]
        html = None if m["html_median_bytes"] is None else m["html_median_bytes"] / 1024
        table.add_row(method.replace("_", " "), fmt(m["wall_per_report_s"], ".3f"),
                      fmt(m["cpu_per_report_s"], ".3f"), fmt(m["peak_process_mb"], ".0f"),
                      fmt(m["peak_tree_mb"], ".0f"), fmt(html, ".0f"))
    console.print(table)
    targets = Table(title="targets (issue 7), paired ratios medianed over repeats")
    for col in ("target", "value", "bound", "status", "same ratio of CPU s"):
        targets.add_column(col, justify="left" if col == "target" else "right")
    colour = {"PASS": "green", "MISS": "red", "n/a": "yellow"}
    for t in doc["targets"]:
        targets.add_row(t["target"], fmt(t["value"], ".3g"), f"{t['op']} {t['bound']:g}",
                        f"[{colour[t['status']]}]{t['status']}[/]", fmt(t["same_ratio_of_cpu"], ".3g"))
    console.print(targets)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse the options, run every repeat, print the tables and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="reports per method and repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients-in-store", type=int, default=200)
    parser.add_argument("--responses", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="processes for floor and ours")
    parser.add_argument("--skip", action="append", choices=METHODS, default=[],
                        help="leave a method out (repeatable), e.g. to time ours alone")
    parser.add_argument("--quick", action="store_true",
                        help=f"CI smoke run: {QUICK['n']} of {QUICK['clients_in_store']} clients, "
                             f"{QUICK['responses']:,} responses, 1 repeat")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "render.json")
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    if args.n > args.clients_in_store:
        parser.error(f"--n {args.n} is more than --clients-in-store {args.clients_in_store}")

    subreaper = become_subreaper()
    # Started now, the floor pool's resource tracker (alive until we exit) is no method's own.
    resource_tracker.ensure_running()
    project, store_info = bench_project(args.clients_in_store, args.responses, args.seed)
    clients = sorted(p.stem for p in (project.params / "clients").glob("*.yaml"))[: args.n]
    kernel = _kernel_name()
    values, param_info = report_parameters(project, clients)
    parameters = {
        **{k: getattr(args, k) for k in ("n", "repeats", "clients_in_store", "responses", "seed", "workers",
                                         "quick")},
        "skipped_methods": args.skip, "kernel": kernel, "notebook": str(NOTEBOOK.relative_to(PROJECT)),
        "clients": clients, "cpu_accounting": "RUSAGE_CHILDREN" + (" + subreaper" if subreaper else ""),
        **param_info,
    }
    machine = machine_info()
    print(f"render bench: {args.n} reports x {args.repeats} repeats, period {param_info['period']}, "
          f"store {project.root}", flush=True)
    repeats = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        for k in range(args.repeats):
            repeats.append(run_repeat(k, values, project, work, args.workers, kernel, set(args.skip)))
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    doc = result_document(parameters=parameters, machine=machine, store=store_info, repeats=repeats)
    print_table(doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    print(f"written: {args.out}")
    if any(r[m] and r[m]["failed"] for r in repeats for m in METHODS):
        raise SystemExit("some reports failed (see above): the figures are not comparable")
    return doc


if __name__ == "__main__":
    main()
