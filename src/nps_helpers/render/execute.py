"""Render one report: inject the parameters, execute in a fresh kernel, export, write.

:func:`run_report` is a plain function of a picklable :class:`ReportJob` to a
:class:`ReportResult`, so any executor can run it (a process pool today; a pool of warm
kernels or a Dask cluster later). It never raises for a failing report: the result names
the cell and the error instead, so one bad client never stops a batch.

Execution uses nbclient directly, with papermill's own translator for the injected
parameters cell. Measured on this machine against ``papermill.execute_notebook``: the
same wall time (0.87 s against 0.90 s per trivial notebook, both dominated by the kernel
start), with direct control of the kernel manager (``km`` accepts an already started,
pre-loaded kernel), of the per-report deadline and of the running cell, and no papermill
metadata to strip afterwards (papermill issue 416).
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from ..config.sections import EXTRA, STANDALONE_TAG, TAG_PREFIX
from ..core.files import atomic_write_bytes
from ..errors import NpsError, NpsRenderError
from ..present.commentary import DRAFT_STATES
from ..present.record import read_headline
from .export import (
    KEPT_CELL_METADATA,
    ReportHeader,
    arrange_sections,
    images_without_alt,
    notebook_to_html,
)
from .job import (
    CellError,
    ReportJob,
    ReportParams,
    ReportResult,
    draft_path,
    draft_refusal,
    parameters_cell,
)

INJECTED_TAG = "injected-parameters"
PARAMETERS_TAG = "parameters"
# Cell metadata of an extra notebook's cell: its file and number there, for error messages.
EXTRA_KEY = "nps_extra"
STARTUP_TIMEOUT = 60
# The kernel app's own log (e.g. ipykernel's TCP notice) is noise in a batch; cell
# output, warnings included, still reaches the notebook.
KERNEL_ARGS = ("--IPKernelApp.log_level=ERROR",)
FAILED_SUFFIX = ".failed.ipynb"
# Where a traceback names a line of the running cell: IPython 8+ writes "Cell In[5], line 3",
# older versions "in <cell line: 3>"; colours are ANSI escapes.
_CELL_LINE = re.compile(r"Cell In\[\d*\], line (\d+)|<cell line: (\d+)>")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A chained exception's traceback lists the causes first; the raised one comes last.
_CHAINED = re.compile(r"The above exception was the direct cause of the following exception:|"
                      r"During handling of the above exception, another exception occurred:")


class CellFailure(NpsRenderError):
    """A report failed at a known place; ``error`` holds the cell and the cause, and
    ``notebook`` the executed notebook up to the failure (None when none ran)."""

    def __init__(self, error: CellError, notebook: NotebookNode | None = None):
        super().__init__(str(error))
        self.error = error
        self.notebook = notebook


def parameterize(nb: NotebookNode, params: ReportParams) -> NotebookNode:
    """A copy of ``nb`` with an ``injected-parameters`` cell right after its parameters cell.

    The cell is written by papermill's translator, exactly as ``papermill`` would, and
    nothing is added to the notebook's metadata.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("client_id = 'x'", metadata={"tags": ["parameters"]})])
    >>> p = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
    ...     period_end="2026-10-01", store="/s", params_dir="/p", internal_dir="/i")
    >>> out = parameterize(nb, p)
    >>> out.cells[1].metadata.tags, out.cells[1].source.splitlines()[1]
    (['injected-parameters'], 'client_id = "acme"')
    """
    from papermill.translators import translate_parameters

    index = parameters_cell(nb.cells)
    source = translate_parameters("python3", "python", params.model_dump(mode="json"), "Parameters")
    out = nbformat.from_dict(nb)
    cell = nbformat.v4.new_code_cell(source.strip(), metadata={"tags": [INJECTED_TAG]})
    out.cells.insert(index + 1, cell)
    return out


def with_extra_cells(nb: NotebookNode, extra: NotebookNode, name: str) -> NotebookNode:
    """A copy of ``nb`` with the code cells of a client's extra notebook appended.

    They run after the report, in its kernel (the report's ``r``, ``t``, ``headline``...
    in scope), tagged ``section-extra``; each remembers its number in ``name`` (1-based,
    every cell counted) so a failure names that file and cell. Cells tagged
    ``standalone`` (they open the report objects when the analyst runs the extra
    notebook alone) and markdown cells are left out: only code-cell outputs reach the report.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> extra = new_notebook(cells=[new_markdown_cell("# notes"),
    ...     new_code_cell("r = open_report(...)", metadata={"tags": ["standalone"]}), new_code_cell("x = 1")])
    >>> out = with_extra_cells(new_notebook(cells=[new_code_cell("r = 1")]), extra, "clients/acme.ipynb")
    >>> [(c.id, c.source, c.metadata.tags, c.metadata[EXTRA_KEY]) for c in out.cells[1:]]
    [('extra-3', 'x = 1', ['section-extra'], {'notebook': 'clients/acme.ipynb', 'cell': 3})]
    """
    out = nbformat.from_dict(nb)
    for number, cell in enumerate(extra.cells, start=1):
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type != "code" or STANDALONE_TAG in tags:
            continue
        metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        tags = [t for t in tags if not t.startswith(TAG_PREFIX) and t not in (PARAMETERS_TAG, INJECTED_TAG)]
        metadata |= {"tags": [*tags, f"{TAG_PREFIX}{EXTRA}"], EXTRA_KEY: {"notebook": name, "cell": number}}
        # A fixed id: nbformat would draw a random one, and the same inputs must give the same HTML.
        out.cells.append(nbformat.v4.new_code_cell(cell.source, metadata=metadata, id=f"extra-{number}"))
    return out


def execute_notebook(
    nb: NotebookNode,
    *,
    kernel_name: str,
    timeout: float,
    cwd: str | os.PathLike,
    km: Any = None,
) -> NotebookNode:
    """Execute a (parameterised) notebook top to bottom in a kernel; return it with outputs.

    ``timeout`` bounds the whole run, not each cell. The kernel serves this notebook only
    and is shut down at the end: by default a fresh kernel forked from this process's
    pre-loaded zygote (:mod:`~nps_helpers.render.kernels`), or spawned when forking is off
    or unavailable; ``km`` may give another kernel manager (started or not) instead.
    A failure raises :class:`CellFailure` naming the cell as numbered in the committed
    notebook (the injected parameters cell is not counted) and the line of it that failed,
    and carrying the notebook as executed so far (the traceback in the failed cell's output).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("1 + 1")])
    >>> out = execute_notebook(nb, kernel_name="python3", timeout=60, cwd=".")
    >>> out.cells[0].outputs[0]["data"]["text/plain"]
    '2'
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from .kernels import kernel_manager, notebook_imports

    out = nbformat.from_dict(nb)
    if km is None:
        km = kernel_manager(kernel_name, preload=notebook_imports(nb))
    deadline = time.monotonic() + timeout
    running = {"index": -1}
    client = NotebookClient(
        out,
        km=km,
        kernel_name=kernel_name,
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        startup_timeout=STARTUP_TIMEOUT,
        record_timing=False,
        extra_arguments=list(KERNEL_ARGS),
        on_cell_start=lambda cell, cell_index: running.update(index=cell_index),
    )
    try:
        # cleanup_kc: shut the kernel down even when it came from km (it serves one report).
        client.execute(cwd=str(cwd), cleanup_kc=True)
    except CellExecutionError as err:
        raise CellFailure(_cell_error(out, running["index"], err.ename, err.evalue), out) from None
    except CellTimeoutError:
        raise CellFailure(
            _cell_error(out, running["index"], "Timeout", f"the report ran past its {timeout:g} s limit"), out
        ) from None
    except DeadKernelError:
        raise CellFailure(
            _cell_error(out, running["index"], "DeadKernelError", "the kernel died (out of memory?)"), out
        ) from None
    except (RuntimeError, OSError) as err:
        # The kernel did not start (missing kernelspec, no free port, startup timeout).
        raise CellFailure(CellError(0, "", type(err).__name__, str(err))) from None
    return out


def run_report(job: ReportJob, *, km: Any = None) -> ReportResult:
    """Render one report: execute, export, then write its HTML and internal files.

    Never raises for a failing report: the result carries ``status='failed'`` and the
    cell and error. The HTML appears only complete (written to a temporary file, then
    renamed) and only on success: a failure leaves the last good HTML and internal folder
    as they were, and keeps the notebook as executed up to the failure (with the traceback)
    at ``<internal_dir>/<client>.failed.ipynb``, removed by the next success. A draft refused for ``job.final``
    is not written either.
    ``km`` is an optional kernel manager (see :func:`execute_notebook`), used for this one
    report and shut down; by default the report gets a fresh kernel of its own.

    Examples
    --------
    >>> import tempfile
    >>> p = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
    ...     period_end="2026-10-01", store="/s", params_dir="/p", internal_dir="/i")
    >>> out = Path(tempfile.mkdtemp())
    >>> job = ReportJob(params=p, notebook=str(out / "missing.ipynb"), html=str(out / "acme.html"),
    ...     published_dir=str(out / "acme"), display_name="Acme", input_hash="ab")
    >>> r = run_report(job)
    >>> r.status, r.error.ename
    ('failed', 'NpsRenderError')
    """
    started = time.perf_counter()
    executed = None
    try:
        nb = _read_notebook(Path(job.notebook))
        if job.extra_notebook:
            nb = with_extra_cells(nb, _read_notebook(Path(job.extra_notebook)), job.extra_name)
        assert job.params.internal_dir is not None, "render always injects the staging folder"
        stage = Path(job.params.internal_dir)
        _remove(stage)
        stage.mkdir(parents=True)
        executed = execute_notebook(
            parameterize(nb, job.params),
            kernel_name=job.kernel_name,
            timeout=job.timeout,
            cwd=Path(job.notebook).parent,
            km=km,
        )
        record = read_headline(executed) or {}
        if job.final and record.get("commentary") in DRAFT_STATES:
            # Refused, not failed: the report in place (if any) stays as it is.
            _remove(stage)
            return job.result("failed", seconds=time.perf_counter() - started, headline=record,
                              error=draft_refusal(job, record["commentary"]))
        missing = images_without_alt(executed)
        if missing:
            raise CellFailure(
                _cell_error(executed, missing[0], "MissingAltText", "an image has no alt text: "
                            "display it with metadata {'image/png': {'alt': '...'}}")
            )
        # The record and the internal notebook keep every section; the client's HTML only its own.
        shown = arrange_sections(executed, job.sections)
        html = notebook_to_html(shown, _header(job), forbidden=_local_paths(job))
        nbformat.write(executed, stage / f"{job.client_id}.ipynb")
        _publish(stage, Path(job.published_dir))
        # A draft never takes the final report's name, so the last final report stays
        # what <client>.html holds until a final one replaces it.
        draft = record.get("commentary") in DRAFT_STATES
        target = Path(draft_path(job.html) if draft else job.html)
        atomic_write_bytes(target, html.encode("utf-8"))
        if not draft:
            _remove(Path(draft_path(job.html)))
    except Exception as err:  # noqa: BLE001 - a report's failure must not stop the batch
        if job.params.internal_dir is not None:
            _remove(Path(job.params.internal_dir))  # half a run's follow-up lists: never published
        failed = err.notebook if isinstance(err, CellFailure) and err.notebook is not None else executed
        if failed is not None:
            _keep_failed(failed, job)
        return job.result("failed", seconds=time.perf_counter() - started, error=_as_cell_error(err))
    return job.result(
        "ok",
        seconds=time.perf_counter() - started,
        html=str(target),
        html_bytes=len(html.encode("utf-8")),
        headline=record or None,  # read once, above
    )


def committed_cell_number(nb: NotebookNode, index: int) -> int:
    """1-based number of cell ``index`` of a parameterised notebook in the committed one.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("a", metadata={"tags": ["parameters"]}),
    ...     new_code_cell("b", metadata={"tags": ["injected-parameters"]}), new_code_cell("c")])
    >>> committed_cell_number(nb, 2)
    2
    """
    injected = [i for i, c in enumerate(nb.cells) if INJECTED_TAG in c.metadata.get("tags", [])]
    return index + 1 - sum(1 for i in injected if i < index)


def _read_notebook(path: Path) -> NotebookNode:
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise NpsRenderError(f"notebook {path.name} not found in {path.parent}") from None
    except Exception as err:  # nbformat raises several unrelated types for a bad file
        raise NpsRenderError(f"{path.name}: not a readable notebook ({err})") from None


def _keep_failed(nb: NotebookNode, job: ReportJob) -> None:
    """Write the failed run's notebook into the published internal folder (beside the last
    good run's files, which stay)."""
    folder = Path(job.published_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.client_id}{FAILED_SUFFIX}"
    atomic_write_bytes(path, nbformat.writes(nb).encode("utf-8"))


def _cell_error(nb: NotebookNode, index: int, ename: str, evalue: str) -> CellError:
    """The error of cell ``index``, quoting the line its traceback names (else its first line).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> cell = new_code_cell("a = 1\\nb = {}\\nc = b['plan']", outputs=[new_output("error",
    ...     ename="KeyError", evalue="'plan'", traceback=["\\x1b[0;31mCell In[3], line 3\\x1b[0m"])])
    >>> str(_cell_error(new_notebook(cells=[cell]), 0, "KeyError", "'plan'"))
    "cell 1, line 3 `c = b['plan']`: KeyError: 'plan'"
    """
    if index < 0:
        return CellError(0, "", ename, evalue)
    cell = nb.cells[index]
    source = cell.source.splitlines()
    line = _failed_line(cell)
    if 0 < line <= len(source) and source[line - 1].strip():
        quoted = source[line - 1].strip()
    else:
        line = 0
        lines = [ln for ln in source if ln.strip()]
        quoted = lines[0].strip() if lines else ""
    origin = cell.metadata.get(EXTRA_KEY)
    if origin:
        return CellError(origin["cell"], quoted[:120], ename, _one_line(evalue), line=line,
                         notebook=f"notebooks/{origin['notebook']}")
    return CellError(committed_cell_number(nb, index), quoted[:120], ename, _one_line(evalue), line=line)


def _failed_line(cell: NotebookNode) -> int:
    """The line of ``cell`` where its error was raised: the first (outermost) cell frame of
    the last exception of its traceback (0: none named).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_output
    >>> tb = ["KeyError", "File frame.py:7, in get()", "The above exception was the direct "
    ...       "cause of the following exception:", "Cell In[4], line 2", "File frame.py:9, in f()"]
    >>> _failed_line(new_code_cell("a\\nb", outputs=[new_output("error", traceback=tb)]))
    2
    """
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            text = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            found = _CELL_LINE.search(_CHAINED.split(text)[-1]) or _CELL_LINE.search(text)
            if found:
                return int(found[1] or found[2])
    return 0


def _as_cell_error(err: Exception) -> CellError:
    if isinstance(err, CellFailure):
        return err.error
    name = type(err).__name__ if isinstance(err, NpsError) else f"{type(err).__name__} (in render)"
    return CellError(0, "", name, _one_line(str(err)))


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _header(job: ReportJob) -> ReportHeader:
    p = job.params
    return ReportHeader(
        display_name=job.display_name,
        period_label=p.period_label,
        period_start=p.period_start,
        period_end=p.period_end,
        language=p.language,
        version=job.version,
        generated_on=job.generated_on,
        locale=job.locale,
        paper=job.paper,
    )


def _local_paths(job: ReportJob) -> tuple[str, ...]:
    p = job.params
    paths = {p.store, p.params_dir, p.internal_dir, job.published_dir, str(Path(job.notebook).parent)}
    return tuple(sorted(x for x in paths if x and len(x) > 1))


def _publish(stage: Path, final: Path) -> None:
    """Swap the staged internal folder in; the old one is removed only after the swap."""
    old = final.with_name(f".{final.name}.old")
    _remove(old)
    if final.exists():
        os.replace(final, old)
    os.replace(stage, final)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
