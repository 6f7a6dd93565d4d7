"""index.html of a batch folder: every report with its headline NPS and a link (internal).

The page has its own small template (``templates/batch_index``), the reports' stylesheet
and the same Content-Security-Policy; it links only to the report files beside it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..errors import NpsRenderError
from ..i18n import DASH, Translator, translator
from ..store import atomic_write_bytes
from .export import TEMPLATE_NAME, TEMPLATES
from .safety import CSP, html_problems

INDEX = "index.html"
STATUS_LABELS = {"ok": "rendered", "failed": "failed"}


def index_html(manifest: dict[str, Any], *, batch: str, period: str, version: str) -> str:
    """The index page of one batch folder, from its manifest.

    Examples
    --------
    >>> m = {"updated_at": "2026-10-02", "reports": {"acme": {"display_name": "Acme & Co",
    ...     "status": "ok", "html": "acme.html",
    ...     "headline": {"nps": 21.4, "ci_low": 10.0, "ci_high": 30.2, "n": 120}}}}
    >>> html = index_html(m, batch="demo", period="2026-Q3", version="0.1.0")
    >>> '<a href="acme.html">Acme &amp; Co</a>' in html, "<td>+21</td>" in html
    (True, True)
    """
    t = translator(manifest.get("language", "en"))
    rows = [_row(entry, t) for entry in manifest.get("reports", {}).values()]
    rows.sort(key=lambda r: r["name"].casefold())
    updated = manifest.get("updated_at", "")
    html = _environment().get_template("index.html.j2").render(
        t=t,
        lang=t.language,
        csp=CSP,
        css=(TEMPLATES / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8"),
        batch=batch,
        period=period,
        version=version,
        summary=" · ".join([
            t.count("{n} report", "{n} reports", len(rows)),
            t.count("{n} failed", "{n} failed", sum(r["status"] == "failed" for r in rows)),
            t.gettext("updated {date}").format(date=t.date(dt.datetime.fromisoformat(updated)))
            if updated else "",
        ]).strip(" ·"),
        interval_header=t.gettext("{level} interval").format(level=t.percent(0.95)),
        reports=rows,
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


def _row(entry: dict[str, Any], t: Translator) -> dict[str, Any]:
    head = entry.get("headline") or {}
    ok = entry.get("status") == "ok" and entry.get("html")
    error = entry.get("error") or {}
    return {
        "name": entry.get("display_name", "?"),
        "href": entry["html"] if ok else None,
        "nps": t.nps(head.get("nps")),
        "interval": (t.interval(head["ci_low"], head["ci_high"])
                     if head.get("ci_low") is not None else DASH),
        "n": t.number(head.get("n")),
        "status": "draft" if entry.get("state") == "draft" else entry.get("status", "?"),
        "status_text": t.label("draft" if entry.get("state") == "draft"
                               else STATUS_LABELS.get(entry.get("status"), "failed")),
        "error": error.get("ename", ""),
    }


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES / "batch_index"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )
