"""What a batch settles and checks before any kernel starts: clients, notebook, store, periods.

A failure here is one line naming the file, the key and the fix, and fails that client alone.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config.params import (
    LANGUAGES,
    BatchParams,
    ClientParams,
    Defaults,
    client_ids,
    load_batch,
    load_client,
    load_defaults,
)
from ..config.sections import extra_notebook_path
from ..core.periods import Period, parse_period
from ..core.schema import check_client_id
from ..errors import NpsInputError, NpsParamsError, NpsStoreError
from ..io.store import Store, resolve_store
from .job import check_notebook_parameters

ADHOC = "adhoc"
KERNEL = "nps-reports"
FALLBACK_KERNEL = "python3"


def check_segments(client: ClientParams, st: Store) -> None:
    """Raise naming the client file when its ``segments`` name a column its stored
    responses lack (only the partition's schema is read; no responses yet: nothing to check).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> st = Store(tempfile.mkdtemp())
    >>> st.replace("responses", "acme", pd.DataFrame({"response_id": ["1"], "score": [9],
    ...     "responded_at": pd.to_datetime(["2026-07-01"], utc=True), "region": ["EU"], "plan": ["Basic"]}))
    >>> client = ClientParams(client_id="acme", display_name="Acme", industry="retail", segments=["regoin"])
    >>> check_segments(client, st)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: clients/acme.yaml, key 'segments': 'regoin' is not a column of acme's responses; they hold region, plan (did you mean 'region'?)
    """
    path = st.partition("responses", client.client_id)
    if not client.segments or not path.exists():
        return
    import difflib

    import pyarrow.parquet as pq

    from ..core.schema import DRIVER_PREFIX, RESPONSE_CORE, RESPONSE_TRACE

    # Any column outside the contract can be a segment (the report groups by it whatever its type).
    skip = {*RESPONSE_CORE, *RESPONSE_TRACE, "client_id"}
    held = [c for c in pq.read_schema(path).names
            if c not in skip and not c.startswith((DRIVER_PREFIX, "__"))]
    for name in client.segments:
        if name not in held:
            close = difflib.get_close_matches(name, held, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            they = f"they hold {', '.join(held)}" if held else "they hold no segment column"
            raise NpsParamsError(
                f"clients/{client.client_id}.yaml, key 'segments': {name!r} is not a column of "
                f"{client.client_id}'s responses; {they}{hint}"
            )


def check_dates(date_from: str | None, date_to: str | None) -> None:
    """Raise naming the option when ``--from``/``--to`` is not a date or they are not in order.

    Examples
    --------
    >>> check_dates("2026-07-01", "2026-10-01")
    >>> check_dates("2026-02-30", "2026-04-01")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: --from '2026-02-30' is not a date: use YYYY-MM-DD, e.g. 2026-07-01
    """
    dates = {}
    for option, value in (("--from", date_from), ("--to", date_to)):
        if value is None:
            continue
        try:
            dates[option] = dt.date.fromisoformat(value)
        except ValueError:
            raise NpsInputError(f"{option} {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-07-01") from None
    if len(dates) == 2 and dates["--from"] >= dates["--to"]:
        raise NpsInputError(f"--from {date_from} is not before --to {date_to} (--to is exclusive)")


@dataclass(frozen=True)
class BatchSetup:
    """What render_batch settles before any report: names, files, store, periods, clients."""

    name: str
    params_root: Path
    notebook: Path
    store: Store
    periods: list[Period]
    defaults: Defaults
    clients: dict[str, ClientParams]
    broken: dict[str, str]
    out_root: Path
    common: dict[str, Any]


def batch_setup(batch: str | None, clients: Sequence[str] | None, period: str | None, date_from: str | None,
           date_to: str | None, params_dir: str | os.PathLike, store: str | os.PathLike | None,
           language: str | None, out: str | os.PathLike | None, timeout: float | None, final: bool) -> BatchSetup:
    """Validate the batch, the params and the notebook (no kernel yet) and settle what to render.

    Examples
    --------
    >>> import tempfile
    >>> batch_setup(None, None, None, None, None, tempfile.mkdtemp(), None, None, None, None, False)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: no clients to render: add params/clients/<id>.yaml files or pass clients
    """
    if batch is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", batch):
        raise NpsParamsError(f"batch name {batch!r}: use letters, digits, '-' and '_' (the file's stem)")
    params_root = Path(params_dir).resolve()
    project = params_root.parent
    defaults = load_defaults(params_root)
    spec = load_batch(batch, params_root) if batch else BatchParams()
    name = batch or ADHOC
    chosen = _client_ids(spec, clients, params_root)
    if language is not None and language not in LANGUAGES:
        raise NpsParamsError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    notebook = _notebook(spec.notebook, project)
    check_notebook_parameters(notebook)
    st = Store(resolve_store(store, project=project, configured=defaults.store).resolve())
    periods = _periods(spec, period, date_from, date_to, st, defaults.timezone)
    loaded, broken = _load_clients(chosen, params_root, st)
    out_root = Path(out).resolve() if out is not None else (project / defaults.outputs).resolve()
    kernel = _kernel_name()
    from .. import __version__

    common = {
        "notebook": str(notebook),
        "kernel_name": kernel,
        "timeout": float(timeout or defaults.timeout_seconds),
        "version": __version__,
        "final": final,
    }
    return BatchSetup(name, params_root, notebook, st, periods, defaults, loaded, broken, out_root, common)


def _client_ids(spec: BatchParams, clients: Sequence[str] | None, params_root: Path) -> list[str]:
    chosen = list(clients) if clients else (client_ids(params_root) if spec.clients == "all" else spec.clients)
    if not chosen:
        raise NpsParamsError("no clients to render: add params/clients/<id>.yaml files or pass clients")
    return [check_client_id(cid) for cid in dict.fromkeys(chosen)]


def _load_clients(chosen: Sequence[str], params_root: Path, st: Store) -> tuple[dict[str, ClientParams], dict[str, str]]:
    """Each client's params, checked against its stored responses; or, for a client whose
    params cannot be used, the one-line reason (that client's reports fail, not the batch)."""
    loaded, broken = {}, {}
    for cid in chosen:
        try:
            client = load_client(cid, params_root)
            check_segments(client, st)
            extra_notebook_path(cid, client.extra_notebook, params_root.parent / "notebooks")
        except (NpsParamsError, NpsInputError) as err:
            broken[cid] = str(err)
        else:
            loaded[cid] = client
    return loaded, broken


def _notebook(name: str, project: Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else project / "notebooks" / path


def _periods(
    spec: BatchParams, period: str | None, date_from: str | None, date_to: str | None, st: Store, tz: str
) -> list[Period]:
    # Only the labels and dates are used: each report cuts its window in its client's zone.
    if (date_from is None) != (date_to is None):
        raise NpsInputError("give both --from and --to (ISO dates, --to exclusive), or --period")
    if period is not None and date_from is not None:
        raise NpsInputError("give either --period or --from/--to, not both")
    check_dates(date_from, date_to)
    specs = [period] if period else [f"{date_from}..{date_to}"] if date_from else spec.periods
    newest = _newest_response(st) if any(s.startswith("latest") for s in specs) else None
    try:
        return list({p.label: p for p in (parse_period(s, data_end=newest, tz=tz) for s in specs)}.values())
    except NpsInputError as err:
        if period is None:
            raise
        raise NpsInputError(f"--period: {err}") from None


def _newest_response(st: Store) -> Any:
    if not st.clients():
        raise NpsStoreError(
            f"store {st.root} holds no responses: make the demo store (nps-report demo-data) "
            "or ingest an export (nps-report ingest FILE --client ID)"
        )
    return st.sql("SELECT max(responded_at) AS newest FROM {responses}")["newest"].iloc[0]


def _kernel_name() -> str:
    """The project's kernel (registered by ``make venv``), else the default Python one."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else FALLBACK_KERNEL
