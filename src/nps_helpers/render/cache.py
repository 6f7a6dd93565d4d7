"""What a report depends on, as hashes: a report whose hashes are unchanged is not re-rendered.

The inputs of one report are the client's partitions in the store (every table, whole
history: trends read past periods), the client's params, the defaults, the notebook
file (and the client's extra notebook), the render template, the package version and code
(an edited helper re-renders without a version bump), the report's
own parameters (period, language), the time zone its periods are cut in (which an ingest may set
without changing a partition) and the analyst's commentary with its approval record. Paths are
not inputs: moving the store or the outputs changes no report.
The peer benchmark reads the other clients of the same industry, so their response
partitions count too, by size and modification time (writes are atomic renames, so any
change gives a new time) rather than by content, which would cost a read of every peer's
data per report.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..config.params import ClientParams, Defaults, load_yaml_model
from ..core.digest import file_digest, text_digest
from ..core.schema import TABLES
from ..errors import NpsError
from ..io.store import Store
from ..io.timezones import client_timezone
from ..present.commentary import approval_path, commentary_path
from .export import TEMPLATES
from .job import ReportParams

# Why a report is rendered again, in words, by the input that changed (render_reasons).
CHANGED = {
    "peers": "a peer's data changed",
    "client_params": "params changed",
    "defaults": "defaults changed",
    "timezone": "time zone changed",
    "report": "language changed",  # in one output folder the period is fixed
    "notebook": "notebook changed",
    "template": "template changed",
    "version": "package version changed",
    "code": "package code changed",
}


@cache
def code_digest() -> str:
    """One hash over the package's own files (code, codeframes, catalogues, data).

    Examples
    --------
    >>> len(code_digest())
    64
    """
    package = Path(__file__).resolve().parent.parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return text_digest("\n".join(f"{p.relative_to(package)}:{file_digest(p)}" for p in files))


@cache
def template_digest() -> str:
    """One hash over every file of the render templates (a template change re-renders).

    Examples
    --------
    >>> len(template_digest())
    64
    """
    files = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())
    return text_digest("\n".join(f"{p.relative_to(TEMPLATES)}:{file_digest(p)}" for p in files))


def report_inputs(
    store: Store,
    client: ClientParams,
    defaults: Defaults,
    report: ReportParams,
    *,
    notebook_digest: str,
    version: str,
    extra_notebook: str | Path | None = None,
) -> dict[str, str]:
    """The named hashes of everything one report depends on.

    ``extra_notebook`` is the client's extra notebook (its file's digest is an input);
    the sections it shows are in the client's params.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.config.params import ClientParams, Defaults
    >>> client = ClientParams(client_id="acme", display_name="Acme", industry="banking")
    >>> rp = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
    ...     period_end="2026-10-01", store="/s", params_dir="/p", internal_dir="/i")
    >>> inputs = report_inputs(Store(tempfile.mkdtemp()), client, Defaults(), rp,
    ...     notebook_digest="nb", version="0.1.0")
    >>> inputs["data:responses"], inputs["version"], inputs["timezone"], inputs["commentary"]
    ('absent', '0.1.0', 'UTC', 'absent')
    """
    assert report.params_dir is not None, "render always injects the params folder"
    commentary = commentary_path(report.params_dir, client.client_id, report.period_label)
    shown = report.model_dump(mode="json", include={"client_id", "period_label", "period_start", "period_end", "language"})
    inputs = {f"data:{t}": file_digest(store.partition(t, client.client_id)) for t in TABLES}
    inputs["peers"] = peer_digest(store, client, report.params_dir)
    inputs |= {
        "client_params": text_digest(client.model_dump_json()),
        "defaults": text_digest(defaults.model_dump_json()),
        "report": text_digest(json.dumps(shown, sort_keys=True)),
        "timezone": client_timezone(client.client_id, params_dir=report.params_dir, store=store),
        "notebook": notebook_digest,
        "template": template_digest(),
        "version": version,
        "code": code_digest(),
        "commentary": file_digest(commentary),
        "commentary_approval": file_digest(approval_path(commentary)),
    }
    if extra_notebook is not None:
        inputs["extra_notebook"] = file_digest(extra_notebook)
    return inputs


def peer_digest(store: Store, client: ClientParams, params_dir: str | Path) -> str:
    """Hash of the same-industry clients' response partitions (size and mtime) and ids.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.config.params import ClientParams
    >>> client = ClientParams(client_id="acme", display_name="Acme", industry="banking")
    >>> len(peer_digest(Store(tempfile.mkdtemp()), client, tempfile.mkdtemp()))
    64
    """
    stamps = []
    for peer in _industry_members(str(params_dir), client.industry):
        path = store.partition("responses", peer)
        if peer != client.client_id and path.exists():
            stat = path.stat()
            stamps.append(f"{peer}:{stat.st_size}:{stat.st_mtime_ns}")
    return text_digest("\n".join(stamps))


def _industry_members(params_dir: str, industry: str) -> list[str]:
    files = sorted((Path(params_dir) / "clients").glob("*.yaml"))
    return _members_of(tuple((str(p), p.stat().st_mtime_ns) for p in files), industry)


@cache
def _members_of(files: tuple[tuple[str, int], ...], industry: str) -> list[str]:
    members = []
    for path, _ in files:
        try:
            members.append(load_yaml_model(path, ClientParams))
        except NpsError:
            continue  # a broken neighbour fails its own reports, and is no peer meanwhile
    return [m.client_id for m in members if m.industry == industry]


def render_reasons(
    old: Mapping[str, Any] | None, inputs: Mapping[str, str], *, force: bool = False, html_exists: bool = True
) -> list[str]:
    """Why a report is rendered, in words ([] when it is unchanged and can be skipped).

    ``old`` is the report's manifest entry from the last run (None: never rendered), with
    the ``inputs`` that run recorded; ``inputs`` are this run's (:func:`report_inputs`).

    Examples
    --------
    >>> last = {"data:responses": "a", "peers": "p", "notebook": "n"}
    >>> old = {"status": "ok", "inputs": last, "input_hash": input_hash(last)}
    >>> render_reasons(old, {"data:responses": "b", "peers": "q", "notebook": "n"})
    ['its data changed', "a peer's data changed"]
    >>> render_reasons(old, last), render_reasons(old, last, force=True)
    ([], ['forced'])
    >>> render_reasons(None, {}), render_reasons({"status": "failed", "inputs": {}}, {"x": "1"})
    (['new'], ['last run failed'])
    """
    if not old:
        return ["new"]
    reasons = ["forced"] if force else []
    if old.get("status") != "ok":
        reasons.append("last run failed")
    before = old.get("inputs") or {}
    if before:
        for key, value in inputs.items():
            if before.get(key) != value:
                reasons.append("its data changed" if key.startswith("data:")
                               else CHANGED.get(key, f"{key.replace('_', ' ')} changed"))
    if not reasons and old.get("input_hash") != input_hash(inputs):
        reasons.append("inputs changed")  # an input the last run did not record
    if not reasons and not html_exists:
        reasons.append("report file missing")
    return list(dict.fromkeys(reasons))


def input_hash(inputs: Mapping[str, str]) -> str:
    """One hash over named inputs, independent of their order.

    Examples
    --------
    >>> input_hash({"a": "1", "b": "2"}) == input_hash({"b": "2", "a": "1"})
    True
    """
    return text_digest(json.dumps(dict(inputs), sort_keys=True))
