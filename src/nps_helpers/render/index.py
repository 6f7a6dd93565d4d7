"""index.html of a batch folder: every report with its headline NPS and a link (internal).

The page has its own small template (``templates/batch_index``), the reports' stylesheet
and the same Content-Security-Policy; it links only to the report files beside it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..errors import NpsRenderError
from ..store import atomic_write_bytes
from .export import TEMPLATE_NAME, TEMPLATES
from .safety import CSP, html_problems

INDEX = "index.html"


def index_html(manifest: dict[str, Any], *, batch: str, period: str, version: str) -> str:
    """The index page of one batch folder, from its manifest.

    Examples
    --------
    >>> m = {"updated_at": "2026-10-02", "reports": {"acme": {"display_name": "Acme & Co",
    ...     "status": "ok", "html": "acme.html",
    ...     "headline": {"nps": 21.4, "ci_low": 10.0, "ci_high": 30.2, "n": 120}}}}
    >>> html = index_html(m, batch="demo", period="2026-Q3", version="0.1.0")
    >>> '<a href="acme.html">Acme &amp; Co</a>' in html, "<td>21</td>" in html
    (True, True)
    """
    rows = [_row(entry) for entry in manifest.get("reports", {}).values()]
    rows.sort(key=lambda r: r["name"].casefold())
    html = _environment().get_template("index.html.j2").render(
        csp=CSP,
        css=(TEMPLATES / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8"),
        batch=batch,
        period=period,
        version=version,
        updated=manifest.get("updated_at", ""),
        reports=rows,
        failed=sum(r["status"] == "failed" for r in rows),
    )
    problems = html_problems(html, allow_relative_links=True)
    if problems:
        raise NpsRenderError(f"index of {batch}/{period} is not safe: {'; '.join(problems)}")
    return html


def write_index(folder: str | Path, manifest: dict[str, Any], *, batch: str, period: str, version: str) -> Path:
    """Write ``index.html`` into ``folder`` (atomically) and return its path."""
    path = Path(folder) / INDEX
    atomic_write_bytes(path, index_html(manifest, batch=batch, period=period, version=version).encode("utf-8"))
    return path


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    head = entry.get("headline") or {}
    ok = entry.get("status") == "ok" and entry.get("html")
    error = entry.get("error") or {}
    return {
        "name": entry.get("display_name", "?"),
        "href": entry["html"] if ok else None,
        "nps": _number(head.get("nps"), 0),
        "interval": (
            f"{_number(head.get('ci_low'), 0)} to {_number(head.get('ci_high'), 0)}"
            if head.get("ci_low") is not None else "–"
        ),
        "n": head.get("n", "–"),
        "status": entry.get("status", "?"),
        "error": error.get("ename", ""),
    }


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES / "batch_index"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )
