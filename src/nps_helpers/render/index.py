"""index.html of a batch folder, the analyst's overview: every report with its figures and state.

The page has its own small template (``templates/batch_index``), the reports' stylesheet
and the same Content-Security-Policy; it links only to the report files beside it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..core.files import atomic_write_bytes
from ..errors import NpsRenderError
from ..present.i18n import DASH, Translator, translator
from ..present.messages import N_
from .export import TEMPLATE_NAME, TEMPLATES
from .safety import CSP, html_problems

INDEX = "index.html"
# A report is a draft while its commentary is not approved for the data it shows
# (record key ``commentary``); the reason is shown beside the state.
DRAFT_REASONS = {
    "unapproved": N_("commentary not approved"),
    "stale": N_("data changed since approval"),
}
SIGNIFICANT = ("significant_increase", "significant_decrease")
SMALL_SAMPLE_MARK = "*"


def index_html(manifest: dict[str, Any], *, batch: str, period: str, version: str) -> str:
    """The index page of one batch folder, from its manifest.

    One row per report, sorted by client name: headline NPS with its interval and n (a
    mark when n is below the client's ``min_n``), the change against the previous period
    in words, the report's language and its state (final, draft with the reason, or
    failed with the error's name), from each report's record (``headline`` in the manifest).

    Examples
    --------
    >>> m = {"updated_at": "2026-10-02", "reports": {"acme": {"display_name": "Acme & Co",
    ...     "status": "ok", "html": "acme.html",
    ...     "headline": {"nps": 21.4, "ci_low": 10.0, "ci_high": 30.2, "n": 120, "language": "pl",
    ...                  "change": {"delta": 6.2, "previous_nps": 15.2,
    ...                             "verdict": "significant_increase"}}}}}
    >>> html = index_html(m, batch="demo", period="2026-Q3", version="0.1.0")
    >>> '<a href="acme.html">Acme &amp; Co</a>' in html, "<td>+21</td>" in html
    (True, True)
    >>> "+6 (from +15), significant" in html, '<td class="text">Polish</td>' in html, ">Final<" in html
    (True, True, True)
    >>> m["reports"]["acme"] |= {"status": "failed", "last_good": {"html": "acme.html",
    ...     "rendered_at": "2026-10-02T08:00:00+00:00"}}
    >>> '<a href="acme.html">last good report, October 2, 2026</a>' in index_html(
    ...     m, batch="demo", period="2026-Q3", version="0.1.0")
    True
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
            t.count("{n} draft", "{n} drafts", sum(r["state"] == "draft" for r in rows)),
            t.count("{n} failed", "{n} failed", sum(r["state"] == "failed" for r in rows)),
            t.gettext("updated {date}").format(date=t.date(dt.datetime.fromisoformat(updated)))
            if updated else "",
        ]).strip(" ·"),
        interval_header=t.gettext("{level} interval").format(level=t.percent(0.95)),
        mark=SMALL_SAMPLE_MARK,
        small_samples=any(r["small_sample"] for r in rows),
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
    error = entry.get("error") or {}
    state, reason = _state(entry, head)
    language = head.get("language")
    return {
        "name": entry.get("display_name", "?"),
        # The last report written, if any; a failed re-render may have kept the previous one.
        "href": entry.get("html") or None,
        "nps": t.nps(head.get("nps")),
        "interval": (t.interval(head["ci_low"], head["ci_high"])
                     if head.get("ci_low") is not None else DASH),
        "n": t.number(head.get("n")),
        "small_sample": bool(head.get("small_sample")),
        "change": change_words(head.get("change"), t),
        "language": t.locale.languages.get(language, language) if language else DASH,
        "state": state,
        "state_text": ": ".join([t.label(state), *([t.gettext(reason)] if reason else []),
                                 *([error["ename"]] if state == "failed" and error.get("ename") else [])]),
        **_last_good(entry, t),
    }


def _last_good(entry: dict[str, Any], t: Translator) -> dict[str, str]:
    """A failed report's link to its last good version (kept in place), with its date."""
    good = entry.get("last_good") or {}
    if entry.get("status") != "failed" or not good.get("html"):
        return {}
    when = t.date(dt.datetime.fromisoformat(good["rendered_at"])) if good.get("rendered_at") else ""
    return {"last_good_href": good["html"],
            "last_good_text": t.gettext("last good report, {date}").format(date=when).rstrip(", ")}


def change_words(change: dict[str, Any] | None, t: Translator) -> str:
    """The change against the previous period in a few words: '+6 (from +15), significant'.

    ``change`` is the record of :func:`nps_helpers.views.report_sections.change_record`; a dash without one.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> t = translator("en")
    >>> change_words({"delta": -3.4, "previous_nps": 20.0, "verdict": "no_significant_change"}, t)
    '−3 (from +20), no clear change'
    >>> change_words({"delta": None, "previous_nps": None, "verdict": "no_previous_period"}, t)
    'no responses in the previous period'
    >>> change_words(None, t)
    '—'
    """
    verdict = (change or {}).get("verdict")
    if verdict == "no_previous_period":
        return t.gettext("no responses in the previous period")
    if verdict in SIGNIFICANT or verdict == "no_significant_change":
        assert change is not None, "a verdict comes only with a change"
        words = (t.gettext("{change} (from {previous}), significant") if verdict in SIGNIFICANT
                 else t.gettext("{change} (from {previous}), no clear change"))
        return words.format(change=t.nps(change["delta"]), previous=t.nps(change["previous_nps"]))
    return DASH


def _state(entry: dict[str, Any], head: dict[str, Any]) -> tuple[str, str | None]:
    """'failed', 'draft' (with the reason's message) or 'final'."""
    if entry.get("status") == "failed":
        return "failed", None
    reason = DRAFT_REASONS.get(head.get("commentary", ""))
    return ("draft", reason) if reason else ("final", None)


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES / "batch_index"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )
