"""manifest.json: per output folder, what was rendered from which inputs, how and how long.

One entry per client report: status, why it was rendered, input hashes, duration, HTML
size, headline record and error; a failed report's entry keeps the last good one's HTML,
headline and time under ``last_good`` (that HTML stays in place). Written atomically after every batch run; a missing or unreadable manifest
only means every report is rendered again.
"""
from __future__ import annotations

import datetime as dt
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_bytes
from ..present.commentary import DRAFT_STATES
from .job import ReportResult

MANIFEST = "manifest.json"
VERSIONED = ("nps-reports", "nbclient", "nbconvert", "papermill", "pandas", "duckdb", "matplotlib", "seaborn")


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The folder's manifest, or an empty one when it is missing or unreadable.

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp())["reports"]
    {}
    """
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"reports": {}}
    return data if isinstance(data.get("reports"), dict) else {"reports": {}}


def write_manifest(folder: str | Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically; return its path.

    Examples
    --------
    >>> import tempfile
    >>> path = write_manifest(tempfile.mkdtemp(), {"reports": {"acme": {"status": "ok"}}})
    >>> read_manifest(path.parent)["reports"]["acme"]["status"]
    'ok'
    """
    path = Path(folder) / MANIFEST
    text = json.dumps(manifest, indent=1, sort_keys=True, allow_nan=False, default=str)
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))
    return path


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape a report.

    Examples
    --------
    >>> "python" in versions()
    True
    """
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def report_entry(
    result: ReportResult,
    *,
    display_name: str,
    inputs: dict[str, str],
    when: dt.datetime,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest entry of one freshly rendered (or failed) report; ``previous`` is the
    report's entry from the run before, whose good report a failed one keeps as ``last_good``.

    Examples
    --------
    >>> r = ReportResult(client_id="acme", period_label="2026-Q3", status="ok", input_hash="ab",
    ...     seconds=2.5, html="/out/acme.html", headline={"nps": 20.0}, reasons=("new",))
    >>> e = report_entry(r, display_name="Acme", inputs={"version": "0.1.0"},
    ...     when=dt.datetime(2026, 10, 2, tzinfo=dt.UTC))
    >>> e["html"], e["status"], e["headline"]["nps"], e["reasons"], e["state"]
    ('acme.html', 'ok', 20.0, ['new'], 'final')
    >>> bad = ReportResult(client_id="acme", period_label="2026-Q3", status="failed", input_hash="cd")
    >>> report_entry(bad, display_name="Acme", inputs={}, when=dt.datetime(2026, 10, 9, tzinfo=dt.UTC),
    ...     previous=e)["last_good"]
    {'html': 'acme.html', 'headline': {'nps': 20.0}, 'rendered_at': '2026-10-02T00:00:00+00:00'}
    """
    error = result.error
    good = None
    if result.status == "failed" and previous:
        good = previous if previous.get("status") == "ok" and previous.get("html") else previous.get("last_good")
    return {
        "display_name": display_name,
        "status": result.status,
        "reasons": list(result.reasons),
        "input_hash": result.input_hash,
        "inputs": inputs,
        "seconds": round(result.seconds, 3),
        "html": Path(result.html).name if result.html else None,
        "html_bytes": result.html_bytes,
        "headline": result.headline,
        "state": report_state(result),
        "error": None if error is None else {
            "cell": error.cell, "line": error.line, "source_line": error.source_line, "ename": error.ename,
            "evalue": error.evalue,
            **({"notebook": error.notebook} if error.notebook else {}),
        },
        "rendered_at": when.isoformat(timespec="seconds"),
        **({"last_good": {k: good.get(k) for k in ("html", "headline", "rendered_at")}} if good else {}),
    }


def report_state(result: ReportResult) -> str | None:
    """'draft' when the report's commentary is not approved as it reads, else 'final'
    (None for a report that was not written).

    Examples
    --------
    >>> r = ReportResult(client_id="acme", period_label="2026-Q3", status="ok", input_hash="ab",
    ...     headline={"nps": 20.0, "commentary": "stale"})
    >>> report_state(r)
    'draft'
    """
    if result.status == "failed":
        return None
    return "draft" if (result.headline or {}).get("commentary") in DRAFT_STATES else "final"
