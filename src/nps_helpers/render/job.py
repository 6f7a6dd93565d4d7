"""What one report needs and what it gives back.

``ReportParams`` is the single list of parameters render injects into a notebook; every
rendered notebook's ``parameters`` cell declares exactly these names (a test checks it).
``ReportJob`` and ``ReportResult`` are plain picklable values, so "render one report" is a
function of a job to a result that any executor can run: a process pool, a pool of warm
kernels or a Dask cluster.
"""
from __future__ import annotations

import ast
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..config.params import Language
from ..config.sections import SECTIONS
from ..core.schema import check_client_id
from ..errors import NpsParamsError
from ..present.commentary import DRAFT_REASONS, commentary_path

Status = Literal["ok", "failed", "skipped"]
DRAFT_ERROR = "DraftReport"  # the error name of a draft refused by render --final


class ReportParams(BaseModel):
    """Parameters injected into a report notebook by papermill (all JSON-safe values).

    Examples
    --------
    >>> p = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
    ...     period_end="2026-10-01", store="/data/store", params_dir="/work/params",
    ...     internal_dir="/out/_internal/acme")
    >>> p.model_dump(mode="json")["period_end"]
    '2026-10-01'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str = Field(description="The client this report is for (and only this one).")
    period_label: str = Field(description="'2026-Q3', '2026-07', '2026' or 'FROM..TO'.")
    period_start: dt.date = Field(description="First day of the report period (inclusive), a date in the client's zone.")
    period_end: dt.date = Field(description="Day after the report period (exclusive).")
    language: Language = Field("en", description="Language the report is written in.")
    # None in a notebook's defaults only (render always injects absolute paths): open_report
    # then finds them from the working folder (nps_helpers.config.project), for any client_id.
    store: str | None = Field(description="Store root the notebook reads with load_responses.")
    params_dir: str | None = Field(description="Params folder (clients/<id>.yaml, defaults.yaml).")
    internal_dir: str | None = Field(
        description="Folder for follow-up CSVs; internal, never linked from the shared HTML."
    )

    @field_validator("client_id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        return check_client_id(value)


def parameters_cell(cells: Sequence[Mapping[str, Any]], name: str = "the notebook") -> int:
    """The index of the first cell tagged ``parameters`` (papermill's convention).

    Examples
    --------
    >>> parameters_cell([{"metadata": {}}, {"metadata": {"tags": ["parameters"]}}])
    1
    >>> parameters_cell([{"metadata": {}}], "x.ipynb")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: x.ipynb: no cell is tagged 'parameters'; tag the cell that sets client_id, period_label... (JupyterLab: Property Inspector > Cell Tags)
    """
    for i, cell in enumerate(cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return i
    raise NpsParamsError(
        f"{name}: no cell is tagged 'parameters'; tag the cell that sets client_id, "
        "period_label... (JupyterLab: Property Inspector > Cell Tags)"
    )


def notebook_parameters(path: str | os.PathLike) -> dict[str, Any]:
    """The names and default values set by a notebook's cell tagged ``parameters``.

    Reads the file as JSON and the cell with ``ast``: no kernel, no papermill import
    (the tests check the same cell with ``papermill.inspect_notebook``).

    Examples
    --------
    >>> import json, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "nb.ipynb"
    >>> cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...     "source": ["client_id = 'acme'  # who\\n", "language = 'pl'"]}
    >>> _ = path.write_text(json.dumps({"cells": [cell]}))
    >>> notebook_parameters(path)
    {'client_id': 'acme', 'language': 'pl'}
    """
    path = Path(path)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except FileNotFoundError:
        raise NpsParamsError(f"notebook {path} not found: check the batch's 'notebook' key") from None
    except (ValueError, KeyError, TypeError):
        raise NpsParamsError(f"{path.name}: not a readable notebook (JSON with cells)") from None
    source = cells[parameters_cell(cells, path.name)]["source"]
    tree = ast.parse(source if isinstance(source, str) else "".join(source))
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            found[target.id] = ast.literal_eval(value)
        except ValueError:
            raise NpsParamsError(
                f"{path.name}, parameter '{target.id}': its default is not a plain value "
                "(use a string, number, list or dict literal)"
            ) from None
    return found


def check_notebook_parameters(path: str | os.PathLike) -> dict[str, Any]:
    """Check that a notebook's parameters cell sets exactly the fields of :class:`ReportParams`.

    Each default must be valid for its field, so the notebook also runs as-is in
    JupyterLab. Returns the defaults; raises :class:`NpsParamsError` naming what differs.

    Examples
    --------
    >>> import json, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "nb.ipynb"
    >>> cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "client_id = 'x'"}
    >>> _ = path.write_text(json.dumps({"cells": [cell]}))
    >>> check_notebook_parameters(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: nb.ipynb: the parameters cell lacks period_label, ...
    """
    path = Path(path)
    found = notebook_parameters(path)
    wanted = list(ReportParams.model_fields)
    missing = [n for n in wanted if n not in found]
    extra = [n for n in found if n not in wanted]
    if missing:
        raise NpsParamsError(
            f"{path.name}: the parameters cell lacks {', '.join(missing)}; set every field of "
            "nps_helpers.render.job.ReportParams in the cell tagged 'parameters'"
        )
    if extra:
        raise NpsParamsError(
            f"{path.name}: the parameters cell sets {', '.join(extra)}, which render does not "
            "inject; move it below the parameters cell or add it to ReportParams"
        )
    try:
        ReportParams.model_validate(found)
    except ValidationError as err:
        first = err.errors()[0]
        raise NpsParamsError(
            f"{path.name}, parameter '{first['loc'][0]}': default is invalid ({first['msg']})"
        ) from None
    return found


@dataclass(frozen=True)
class ReportJob:
    """Everything needed to render one report, with absolute paths (picklable).

    Examples
    --------
    >>> p = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
    ...     period_end="2026-10-01", store="/s", params_dir="/p", internal_dir="/o/_internal/acme")
    >>> ReportJob(params=p, notebook="/nb/client_report.ipynb", html="/o/acme.html",
    ...     published_dir="/o/_internal/acme", display_name="Acme", input_hash="ab").client_id
    'acme'
    """

    params: ReportParams
    notebook: str
    html: str
    # Where the run's files end up (_internal/<client>/); the notebook writes into
    # params.internal_dir, a staging folder moved here once the run succeeds.
    published_dir: str
    display_name: str
    input_hash: str
    kernel_name: str = "python3"
    timeout: float = 600.0
    version: str = ""
    generated_on: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())
    reasons: tuple[str, ...] = ()  # why it is rendered (render.cache.render_reasons); () = unchanged
    # The sections the shared HTML shows, in order (nps_helpers.config.sections.section_order).
    sections: tuple[str, ...] = SECTIONS
    # The client's extra notebook: absolute path, and its name in messages (clients/x.ipynb).
    extra_notebook: str | None = None
    extra_name: str = ""
    final: bool = False  # a draft report (commentary not approved as it reads) is refused
    locale: str | None = None  # the client's CLDR locale for the frame's dates (ClientParams.locale)
    paper: str = "a4"  # the page size of the print stylesheet: 'a4' or 'letter'

    @property
    def client_id(self) -> str:
        """The client of this report."""
        return self.params.client_id

    def result(self, status: Status, **fields: Any) -> ReportResult:
        """This job's result with ``status`` (client, period and input hash filled in).

        Examples
        --------
        >>> p = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
        ...     period_end="2026-10-01", store="/s", params_dir="/p", internal_dir="/i")
        >>> job = ReportJob(params=p, notebook="/nb.ipynb", html="/o/acme.html", published_dir="/o/acme",
        ...     display_name="Acme", input_hash="ab")
        >>> job.result("skipped").period_label
        '2026-Q3'
        """
        return ReportResult(
            client_id=self.client_id,
            period_label=self.params.period_label,
            status=status,
            input_hash=self.input_hash,
            reasons=self.reasons,
            **fields,
        )


@dataclass(frozen=True)
class CellError:
    """Where and why a report failed: the cell (1-based, as counted in the committed
    notebook, or in the client's extra notebook named by ``notebook``; 0 when no cell was
    running), the source line that failed (``line``, 1-based in the cell; 0 when unknown, then
    ``source_line`` is the cell's first line) and the exception. A params error found before
    any kernel started reads as its message alone.

    Examples
    --------
    >>> str(CellError(5, "churn = nh.churn_analysis(r)", "KeyError", "'plan'", line=3))
    "cell 5, line 3 `churn = nh.churn_analysis(r)`: KeyError: 'plan'"
    >>> str(CellError(0, "", "NpsParamsError", "clients/acme.yaml, key 'min_n': ..."))
    "clients/acme.yaml, key 'min_n': ..."
    >>> str(CellError(3, "1 / 0", "ZeroDivisionError", "division by zero",
    ...     notebook="notebooks/clients/acme.ipynb"))
    'notebooks/clients/acme.ipynb cell 3 `1 / 0`: ZeroDivisionError: division by zero'
    """

    cell: int
    source_line: str
    ename: str
    evalue: str
    line: int = 0
    # Set when the cell is one of the client's extra notebook (cell counted in that file).
    notebook: str = ""

    def __str__(self) -> str:
        # A params error or a refused draft is no error of any cell: its message says what to do.
        if not self.cell and self.ename in ("NpsParamsError", DRAFT_ERROR):
            return self.evalue
        at = f", line {self.line}" if self.line else ""
        where = f"cell {self.cell}{at} `{self.source_line}`" if self.cell else "before any cell"
        if self.notebook:
            where = f"{self.notebook} {where}"
        return f"{where}: {self.ename}: {self.evalue}"


@dataclass(frozen=True)
class ReportResult:
    """What rendering one report gave: status, timing, headline record or the error.

    Examples
    --------
    >>> ReportResult(client_id="acme", period_label="2026-Q3", status="ok", input_hash="ab",
    ...     seconds=1.5, headline={"nps": 20.0}).ok
    True
    """

    client_id: str
    period_label: str
    status: Status
    input_hash: str
    seconds: float = 0.0
    html: str | None = None
    html_bytes: int = 0
    headline: dict | None = None
    error: CellError | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True unless the report failed (a skipped, unchanged report is fine)."""
        return self.status != "failed"


def draft_path(html: str | os.PathLike) -> str:
    """Where a draft report is written: beside the final one, never under its name.

    Examples
    --------
    >>> draft_path("/out/demo/2026-Q3/acme.html")
    '/out/demo/2026-Q3/acme.draft.html'
    """
    path = Path(html)
    return str(path.with_name(f"{path.stem}.draft{path.suffix}"))


def draft_refusal(job: ReportJob, state: str) -> CellError:
    """Why ``render --final`` refuses a draft report, and the command that fixes it.

    Examples
    --------
    >>> p = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
    ...     period_end="2026-10-01", store="/s", params_dir="/p/params", internal_dir="/i")
    >>> job = ReportJob(params=p, notebook="/nb.ipynb", html="/o/acme.html", published_dir="/o/acme",
    ...     display_name="Acme", input_hash="ab", final=True)
    >>> print(draft_refusal(job, "stale").evalue)
    draft not written (the data changed since the commentary was approved): read params/commentary/acme/2026-Q3.md again, then run nps-report approve --client acme --period 2026-Q3
    """
    p = job.params
    assert p.params_dir is not None, "render always injects the params folder"
    source = commentary_path(Path(p.params_dir).name, p.client_id, p.period_label).as_posix()
    return CellError(0, "", DRAFT_ERROR, (
        f"draft not written ({DRAFT_REASONS.get(state, state)}): read {source} again, then run "
        f"nps-report approve --client {p.client_id} --period {p.period_label}"))
