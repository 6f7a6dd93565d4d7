"""Render a batch: every client (and period) of a batch definition, in parallel, cached.

The work is split in three steps so each can be replaced on its own:

1. **plan** (here, no kernel): validate every params file and the notebook's parameters
   cell, resolve the periods, hash each report's inputs and skip the unchanged ones;
2. **run**: hand each :class:`ReportJob` to :func:`~nps_helpers.render.execute.run_report`
   on an executor (a process pool by default; any ``concurrent.futures.Executor`` such as
   ``distributed.Client(...).get_executor()`` works the same);
3. **finish** (here): manifest, index and a summary of failures naming client and cell.

Outputs: ``<out>/<batch>/<period>/<client>.html`` (and ``<client>.pdf`` with ``pdf``),
``_internal/<client>/`` beside it (executed notebook, follow-up CSVs), ``manifest.json``
and ``index.html``. A folder is
locked while a batch writes it; temporary files a killed run left are removed at the start.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import multiprocessing
import multiprocessing.connection
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.params import (
    ClientParams,
    Defaults,
    paper_size,
)
from ..config.sections import extra_notebook_path, section_order
from ..core.periods import Period
from ..errors import NpsRenderError
from ..io.store import Store
from ..present.commentary import DRAFT_REASONS, DRAFT_STATES
from .cache import file_digest, input_hash, render_reasons, report_inputs
from .checks import batch_setup
from .index import write_index
from .job import (
    DRAFT_ERROR,
    CellError,
    ReportJob,
    ReportParams,
    ReportResult,
    draft_refusal,
)
from .manifest import read_manifest, report_entry, versions, write_manifest
from .pdf import PdfPrinter, PdfResult, follow_report

INTERNAL = "_internal"
LOCK = ".render.lock"
DASK_CONNECT_TIMEOUT = "30s"


@dataclass(frozen=True)
class BatchResult:
    """What a batch run did: one result per report, and the index page of each folder.

    Examples
    --------
    >>> ok = ReportResult(client_id="a", period_label="2026-Q3", status="ok", input_hash="x")
    >>> bad = ReportResult(client_id="b", period_label="2026-Q3", status="failed", input_hash="y",
    ...     error=CellError(4, "headline = nps(responses.score)", "NpsInputError", "score 11"))
    >>> result = BatchResult(batch="demo", results=(ok, bad))
    >>> result.exit_code
    1
    >>> print(result.summary())
    demo: 2 reports, 1 rendered, 0 unchanged, 1 failed
    rendered a (2026-Q3)
    FAILED b (2026-Q3): cell 4 `headline = nps(responses.score)`: NpsInputError: score 11
    """

    batch: str
    results: tuple[ReportResult, ...]
    indexes: tuple[str, ...] = field(default=())
    pdfs: tuple[PdfResult, ...] = field(default=())

    @property
    def failed(self) -> tuple[ReportResult, ...]:
        """The reports that failed."""
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def exit_code(self) -> int:
        """0 when every report (and PDF asked for) is rendered or unchanged, 1 otherwise."""
        return 1 if self.failed or any(p.status == "failed" for p in self.pdfs) else 0

    def summary(self) -> str:
        """A few lines for the terminal: counts, why reports were rendered (one line per
        period and set of reasons), then each failure with its cell and error."""
        count = {s: sum(r.status == s for r in self.results) for s in ("ok", "skipped", "failed")}
        lines = [
            f"{self.batch}: {len(self.results)} reports, {count['ok']} rendered, "
            f"{count['skipped']} unchanged, {count['failed']} failed"
        ]
        why: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for r in sorted(self.results, key=lambda r: (r.period_label, r.client_id)):
            if r.status == "ok":
                why.setdefault((r.period_label, r.reasons), []).append(r.client_id)
        lines += [f"rendered {', '.join(ids)} ({label})" + (f": {', '.join(reasons)}" if reasons else "")
                  for (label, reasons), ids in why.items()]
        lines += [f"FAILED {r.client_id} ({r.period_label}): {r.error}" for r in self.failed]
        for r in self.results:
            record = r.headline or {}
            if r.status != "failed" and record.get("commentary") in DRAFT_STATES:
                lines.append(f"DRAFT {r.client_id} ({r.period_label}): {DRAFT_REASONS[record['commentary']]}")
            lines += [f"WARNING {r.client_id} ({r.period_label}): {w}"
                      for w in record.get("commentary_warnings") or ()]
        if self.pdfs:
            pdf = {s: sum(p.status == s for p in self.pdfs) for s in ("ok", "skipped", "failed")}
            lines.append(f"PDF: {pdf['ok']} printed, {pdf['skipped']} unchanged, {pdf['failed']} failed")
            lines += [f"PDF FAILED {p.client_id} ({p.period_label}): {p.error}" for p in self.pdfs if p.status == "failed"]
        lines += [f"index: {path}" for path in self.indexes]
        return "\n".join(lines)


@dataclass
class _Folder:
    """One output folder (batch x period) while a batch runs."""

    period: Period
    path: Path
    manifest: dict[str, Any]
    names: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)


def render_batch(
    batch: str | None = None,
    *,
    clients: Sequence[str] | None = None,
    period: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    workers: int | None = None,
    force: bool = False,
    out: str | os.PathLike | None = None,
    params_dir: str | os.PathLike = "params",
    store: str | os.PathLike | None = None,
    language: str | None = None,
    timeout: float | None = None,
    progress: bool = True,
    executor: Executor | None = None,
    pdf: bool = False,
    dask: str | None = None,
    final: bool = False,
) -> BatchResult:
    """Render every report of a batch; return what happened (never stops at one failure).

    ``batch`` names ``params/batches/<batch>.yaml``; without it, every client with a
    params file is rendered with the built-in batch settings into ``<out>/adhoc``.
    ``clients``, ``period`` (or ``date_from``/``date_to``, ISO dates, end exclusive) and
    ``language`` override the batch. Every params file and the notebook's parameters
    cell are validated before any kernel starts: a client whose params file is broken (or
    names a segment its responses lack) fails alone, the others render; a broken defaults
    or batch file stops the batch. Reports whose inputs are unchanged are skipped unless
    ``force``. ``workers`` defaults to the number of cores; ``executor``
    replaces the process pool (e.g. a Dask cluster's executor). ``dask`` runs the reports on
    a Dask cluster instead, one task each: a scheduler address, or ``'local'`` for a
    LocalCluster of ``workers`` single-threaded processes (docs/scale-out.md). With ``pdf``, each report
    is also printed to ``<client>.pdf`` beside its HTML (an unchanged report too when its
    PDF is missing or older); a PDF that fails is reported and its HTML kept. With
    ``final``, a draft report (its commentary not approved as it reads) is refused: not
    written, reported as failed with the command that approves it, the HTML in place kept.

    Examples
    --------
    >>> import tempfile
    >>> render_batch(params_dir=tempfile.mkdtemp(), progress=False)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: no clients to render: add params/clients/<id>.yaml files or pass clients
    """
    plan = batch_setup(batch, clients, period, date_from, date_to, params_dir, store, language, out, timeout, final)
    name, notebook, st, params_root = plan.name, plan.notebook, plan.store, plan.params_root
    with contextlib.ExitStack() as stack:
        folders: list[_Folder] = []
        jobs: list[ReportJob] = []
        results: list[ReportResult] = []
        htmls: dict[tuple[str, str], str] = {}
        for per in plan.periods:
            folder = _open_folder(plan.out_root / name / per.label, per, stack)
            folders.append(folder)
            results += [_params_failure(folder, cid, error) for cid, error in plan.broken.items()]
            for job, skipped in _plan(folder, plan.clients, plan.defaults, st, params_root, language, force, plan.common,
                                      notebook_digest=file_digest(notebook)):
                htmls[job.client_id, per.label] = job.html
                if skipped is None:
                    jobs.append(job)
                else:
                    results.append(skipped)
        if dask is not None and jobs and executor is None:
            executor = _dask_executor(dask, workers=workers, stack=stack, kernel=plan.common["kernel_name"],
                                      paths=[str(notebook), str(st.root), str(params_root),
                                             *(str(f.path) for f in folders)])
        printer = stack.enter_context(PdfPrinter()) if pdf else None
        pdfs: list[PdfResult | None] = []
        try:
            _run_and_print(jobs, results, htmls, pdfs, printer, workers=workers, executor=executor,
                           progress=progress)
        finally:
            printed = tuple(p for p in pdfs if p is not None)
            indexes = [_finish(f, [r for r in results if r.period_label == f.period.label], name, plan.common["version"],
                               [p for p in printed if p.period_label == f.period.label],
                               language or plan.defaults.language)
                       for f in folders]
    return BatchResult(batch=name, results=tuple(results), indexes=tuple(str(p) for p in indexes), pdfs=printed)


def _run_and_print(jobs: list[ReportJob], results: list[ReportResult], htmls: dict[tuple[str, str], str],
                   pdfs: list[PdfResult | None], printer: PdfPrinter | None, *, workers: int | None,
                   executor: Executor | None, progress: bool) -> None:
    """Render the jobs into ``results`` and print each report (a skipped one too) into ``pdfs``."""
    for result in _run_with_progress(jobs, workers=workers, executor=executor, progress=progress):
        results.append(result)
        pdfs.append(follow_report(result, result.html or htmls[result.client_id, result.period_label], printer))
    pdfs += [follow_report(r, r.html or htmls[r.client_id, r.period_label], printer)
             for r in results if r.status == "skipped"]


def run_jobs(
    jobs: Sequence[ReportJob], *, workers: int | None = None, executor: Executor | None = None
) -> Iterator[ReportResult]:
    """Run jobs and yield their results as they finish (any order).

    With one worker (or one job) and no executor, jobs run here, one after another;
    each report still gets its own fresh kernel. Otherwise they go to ``executor`` or to
    a pool of ``workers`` processes (default: the number of cores).

    Examples
    --------
    >>> list(run_jobs([]))
    []
    """
    if not jobs:
        return
    n = min(workers or os.cpu_count() or 1, len(jobs))
    if executor is None and n == 1:
        for job in jobs:
            yield _run_report(job)
        return
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=n, mp_context=_context(), initializer=_end_with_batch)
    futures: dict[Future, ReportJob] = {}
    try:
        futures = {pool.submit(_run_report, job): job for job in jobs}
        for future in as_completed(futures):
            yield _result_of(future, futures[future])
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            for future in futures:
                future.cancel()


def _run_report(job: ReportJob) -> ReportResult:
    """:func:`~nps_helpers.render.execute.run_report`, imported where the job runs: the
    batch process then never imports nbformat and nbclient (2 CPU-s before any work)."""
    from .execute import run_report

    return run_report(job)


def _run_with_progress(
    jobs: Sequence[ReportJob], *, workers: int | None, executor: Executor | None, progress: bool
) -> Iterator[ReportResult]:
    if not progress or not jobs:
        yield from run_jobs(jobs, workers=workers, executor=executor)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]render[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("", total=len(jobs))
        for result in run_jobs(jobs, workers=workers, executor=executor):
            mark = "ok" if result.ok else "FAILED"
            bar.update(task, advance=1, description=f"{result.client_id} {mark}")
            yield result


def _plan(
    folder: _Folder,
    clients: dict[str, ClientParams],
    defaults: Defaults,
    st: Store,
    params_root: Path,
    language: str | None,
    force: bool,
    common: dict[str, Any],
    *,
    notebook_digest: str,
) -> Iterable[tuple[ReportJob, ReportResult | None]]:
    """For each client: its job, and the skipped result when its inputs are unchanged."""
    per = folder.period
    for cid, client in clients.items():
        report = ReportParams(
            client_id=cid,
            period_label=per.label,
            period_start=per.start.date(),
            period_end=per.end.date(),
            language=language or client.language or defaults.language,
            store=str(st.root),
            params_dir=str(params_root),
            internal_dir=str(folder.path / INTERNAL / f".{cid}.partial"),
        )
        extra = extra_notebook_path(cid, client.extra_notebook, params_root.parent / "notebooks")
        inputs = report_inputs(st, client, defaults, report, notebook_digest=notebook_digest,
                               version=common["version"], extra_notebook=extra)
        digest = input_hash(inputs)
        folder.names[cid] = client.display_name
        folder.inputs[cid] = inputs
        old = folder.manifest["reports"].get(cid)
        html = folder.path / f"{cid}.html"
        # The file the last run wrote: <client>.html, or <client>.draft.html for a draft.
        last = folder.path / old["html"] if old and old.get("html") else html
        job = ReportJob(
            params=report,
            html=str(html),
            published_dir=str(folder.path / INTERNAL / cid),
            display_name=client.display_name,
            input_hash=digest,
            reasons=tuple(render_reasons(old, inputs, force=force, html_exists=last.exists())),
            sections=section_order(client.sections),
            extra_notebook=None if extra is None else str(extra),
            extra_name=client.extra_notebook or "",
            locale=client.locale,
            paper=client.paper or paper_size(client.locale or report.language),
            **common,
        )
        skipped = None
        if not job.reasons:
            skipped = job.result(
                "skipped", html=str(last), html_bytes=old.get("html_bytes", 0), headline=old.get("headline")
            )
            if common["final"] and (old.get("headline") or {}).get("commentary") in DRAFT_STATES:
                skipped = job.result("failed", headline=old.get("headline"),
                                     error=draft_refusal(job, old["headline"]["commentary"]))
        yield job, skipped


def _finish(folder: _Folder, results: list[ReportResult], batch: str, version: str, pdfs: list[PdfResult],
            language: str) -> Path:
    """Record the run (reports and their PDFs) in the folder's manifest and rewrite its index."""
    now = dt.datetime.now(dt.UTC)
    reports = folder.manifest["reports"]
    for r in results:
        # A draft refused by --final wrote nothing: the entry of what is on disk stays.
        refused = r.error is not None and r.error.ename == DRAFT_ERROR and r.client_id in reports
        if r.status != "skipped" and not refused:
            reports[r.client_id] = report_entry(
                r, display_name=folder.names[r.client_id], inputs=folder.inputs[r.client_id], when=now,
                previous=reports.get(r.client_id),
            )
    for p in pdfs:
        if p.status != "skipped":
            reports[p.client_id]["pdf"] = p.entry()
    manifest = {
        "batch": batch,
        "period": {"label": folder.period.label, "start": folder.period.start.date().isoformat(),
                   "end": folder.period.end.date().isoformat()},
        "updated_at": now.isoformat(timespec="seconds"),
        "language": language,
        "versions": versions(),
        "reports": dict(sorted(reports.items())),
    }
    write_manifest(folder.path, manifest)
    return write_index(folder.path, manifest, batch=batch, period=folder.period.label, version=version)


def _open_folder(path: Path, per: Period, stack: contextlib.ExitStack) -> _Folder:
    """Lock an output folder for this run and clear what an interrupted run left."""
    (path / INTERNAL).mkdir(parents=True, exist_ok=True)
    lock = stack.enter_context(open(path / LOCK, "w"))  # noqa: SIM115 - closed by the stack
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise NpsRenderError(f"another render is writing {path}; wait for it to finish") from None
    stack.callback(fcntl.flock, lock, fcntl.LOCK_UN)
    for leftover in [*path.glob(".*.tmp"), *(path / INTERNAL).glob(".*.partial"), *(path / INTERNAL).glob(".*.old")]:
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    return _Folder(period=per, path=path, manifest=read_manifest(path))


def _params_failure(folder: _Folder, cid: str, error: str) -> ReportResult:
    """The failed result of a client whose params cannot be used (no job, no kernel)."""
    folder.names[cid] = folder.manifest["reports"].get(cid, {}).get("display_name", cid)
    folder.inputs[cid] = {}
    return ReportResult(client_id=cid, period_label=folder.period.label, status="failed", input_hash="",
                        error=CellError(0, "", "NpsParamsError", error))


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers never inherit the parent's threads or open connections, and the
    # server imports the render stack once, so each worker starts without paying for it.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["nps_helpers.render.execute"])
    return ctx


def _end_with_batch() -> None:
    """Worker initializer: end the worker as soon as the batch process is gone.

    A batch killed with SIGKILL cannot stop its pool; without this its workers would go
    on running kernels and writing reports into a folder it no longer locks, and then
    wait forever. Its kernel follows: ipykernel exits when its parent (the worker, or the
    worker's kernel zygote, which exits with the worker) is gone.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="end-with-batch", daemon=True).start()


def _dask_executor(address: str, *, workers: int | None, stack: contextlib.ExitStack, kernel: str,
                   paths: Sequence[str]) -> Executor:
    """An executor on a Dask cluster (a new LocalCluster for 'local'), closed with ``stack``.

    Every worker must see the notebook, store, params and output folders at the same paths
    and have the kernel; a worker that does not is named before any report starts.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise NpsRenderError("--dask needs the 'distributed' package: pip install distributed") from None
    if address == "local":
        cluster = stack.enter_context(LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
            dashboard_address=":0"))
        client = stack.enter_context(Client(cluster))
    else:
        try:
            client = stack.enter_context(Client(address, timeout=DASK_CONNECT_TIMEOUT))
        except OSError as err:
            raise NpsRenderError(
                f"no Dask scheduler answers at {address} ({err}): start one (dask scheduler) or "
                "fix the address, e.g. tcp://host:8786"
            ) from None
    problems = {w: p for w, p in client.run(worker_problems, list(paths), kernel).items() if p}
    if problems:
        worker, problem = next(iter(problems.items()))
        raise NpsRenderError(
            f"Dask worker {worker} {problem} ({len(problems)} worker(s) in all): every worker needs "
            "the project's environment and the same paths (see docs/scale-out.md)"
        )
    return client.get_executor(pure=False)


def worker_problems(paths: Sequence[str], kernel: str) -> str:
    """Run on each Dask worker: what it lacks to render ('' when nothing).

    Examples
    --------
    >>> worker_problems(["/no/such/folder"], "python3")
    'cannot see /no/such/folder'
    """
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        return f"cannot see {missing[0]}"
    from jupyter_client.kernelspec import KernelSpecManager

    if kernel not in KernelSpecManager().find_kernel_specs():
        return f"has no '{kernel}' kernel (python -m ipykernel install --user --name {kernel})"
    return ""


def _result_of(future: Future, job: ReportJob) -> ReportResult:
    try:
        return future.result()
    except Exception as err:  # noqa: BLE001 - a lost worker fails its report, not the batch
        return job.result(
            "failed",
            error=CellError(0, "", type(err).__name__, f"the worker running this report failed: {err}"),
        )
