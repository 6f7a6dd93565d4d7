"""Export an executed report notebook to one shareable HTML file.

nbconvert's ``HTMLExporter`` runs in-process through the package's own template
(``templates/nps_report``, on top of nbconvert's ``lab`` cell markup): no code, no prompts,
no parameters cells, no notebook metadata, no scripts, CSS inline, images inline with alt
text, a header with the client and period, a contents list, a print stylesheet and a
footer with the generation date, data window and package version.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config.sections import TAG_PREFIX
from ..errors import NpsRenderError
from ..present.commentary import DRAFT_STATES
from ..present.i18n import client_translator, translator
from ..present.record import HEADLINE_MIME, read_headline
from .safety import CSP, html_problems

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "nps_report"
# Cells with these tags never reach a shared report.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
# Cell metadata kept for export; the template reads ``alt``, nothing else is needed.
KEPT_CELL_METADATA = ("alt",)
# A heading may carry its own stable id (report.anchor), which it keeps.
_HEADING = re.compile(r'<h([23])(?: id="([^"<>]*)")?>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_TABLE_BORDER = re.compile(r"(<table\b[^>]*?)\s+border=\"[^\"]*\"", re.I)
_local = threading.local()

if TYPE_CHECKING:
    from nbformat import NotebookNode


@dataclass(frozen=True)
class ReportHeader:
    """What the report frame says about the report: who, which period, when, which version."""

    display_name: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    language: str
    version: str
    generated_on: dt.date
    locale: str | None = None  # dates in the client's locale when it speaks the report's language
    paper: str = "a4"  # the print stylesheet's page size, 'a4' or 'letter'


def shareable_notebook(nb: NotebookNode) -> NotebookNode:
    """A copy of an executed notebook with nothing a client must not see.

    Removes the parameters and injected-parameters cells (and cells tagged
    ``remove-cell``), the headline record output, all notebook metadata except the
    kernel's language, and all cell metadata except ``alt``.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
    ...     new_code_cell("y = 2")], metadata={"papermill": {"parameters": {"x": 1}}})
    >>> out = shareable_notebook(nb)
    >>> [c.source for c in out.cells], dict(out.metadata)
    (['y = 2'], {})
    """
    import nbformat

    out = nbformat.from_dict(nb)
    out.metadata = nbformat.from_dict(
        {k: v for k, v in nb.metadata.items() if k == "language_info"}
    )
    cells = []
    for cell in out.cells:
        if HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
            continue
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        )
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if HEADLINE_MIME not in o.get("data", {})]
        cells.append(cell)
    out.cells = cells
    return out


def arrange_sections(nb: NotebookNode, order: Sequence[str]) -> NotebookNode:
    """A copy of an executed notebook with only the sections in ``order``, in that order.

    A cell tagged ``section-<code>`` is kept when its code is in ``order``; the kept cells
    fill the places of the tagged cells in that order (cells of one section keep their
    own order), and untagged cells keep their places. Run after execution, so every
    section's code ran (later cells use earlier results) and JupyterLab keeps showing the
    notebook's own order; the contents list is built from the headings afterwards.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("p"), *(new_code_cell(c, metadata={"tags": [f"section-{c}"]})
    ...     for c in ("summary", "trend", "segments", "method"))])
    >>> [c.source for c in arrange_sections(nb, ["summary", "segments", "trend", "method"]).cells]
    ['p', 'summary', 'segments', 'trend', 'method']
    >>> [c.source for c in arrange_sections(nb, ["summary", "method"]).cells]
    ['p', 'summary', 'method']
    """
    import nbformat

    rank: dict[str | None, int] = {code: i for i, code in enumerate(order)}
    out = nbformat.from_dict(nb)
    codes = [section_of(cell) for cell in out.cells]
    kept = iter(sorted((i for i, code in enumerate(codes) if code in rank), key=lambda i: (rank[codes[i]], i)))
    cells = []
    for cell, code in zip(out.cells, codes, strict=True):
        if code is None:
            cells.append(cell)
        elif (k := next(kept, None)) is not None:
            cells.append(out.cells[k])
    out.cells = cells
    return out


def section_of(cell: Any) -> str | None:
    """The section code of a cell's ``section-<code>`` tag (None when untagged).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> section_of(new_code_cell("x", metadata={"tags": ["section-trend"]})), section_of(new_code_cell("x"))
    ('trend', None)
    """
    for tag in cell.metadata.get("tags", []):
        if tag.startswith(TAG_PREFIX):
            return tag[len(TAG_PREFIX):]
    return None


def images_without_alt(nb: NotebookNode) -> list[int]:
    """Indices of cells with an image output that carries no alt text.

    Alt text comes from the output's metadata (``{'image/png': {'alt': ...}}`` or
    ``{'alt': ...}``) or, for a cell with a single image, from the cell's ``alt`` metadata.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> img = new_output("display_data", data={"image/png": "iVBO"})
    >>> described = new_output("display_data", data={"image/png": "iVBO"},
    ...     metadata={"image/png": {"alt": "Bar chart of scores"}})
    >>> images_without_alt(new_notebook(cells=[new_code_cell(outputs=[img]),
    ...     new_code_cell(outputs=[described])]))
    [0]
    """
    missing = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for mime in output.get("data", {}):
                if mime.startswith("image/") and not _alt(output, mime, cell):
                    missing.append(i)
    return sorted(set(missing))


def notebook_to_html(nb: NotebookNode, header: ReportHeader, *, forbidden: tuple[str, ...] = ()) -> str:
    """The shareable HTML of an executed notebook; raises if it would not be safe to share.

    ``forbidden`` are strings (local paths) that must not appear in the result.

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> head = ReportHeader("Acme Bank", "2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 10, 1),
    ...     "en", "0.1.0", dt.date(2026, 10, 2))
    >>> html = notebook_to_html(new_notebook(cells=[new_markdown_cell("## Headline")]), head)
    >>> '<a href="#section-1">Headline</a>' in html, "<script" in html
    (True, False)
    """
    resources = {"nps": {**asdict(header), **frame_labels(header), "draft": draft_banner(nb, header.language),
                         "csp": CSP}}
    html, _ = _exporter().from_notebook_node(shareable_notebook(nb), resources=resources)
    html = tidy_html(html)
    problems = html_problems(html, forbidden=forbidden)
    if problems:
        raise NpsRenderError(
            f"the report HTML is not safe to share ({'; '.join(dict.fromkeys(problems))}): "
            "fix the notebook cell that outputs it"
        )
    return html


def draft_banner(nb: NotebookNode, language: str) -> str:
    """The banner a draft report opens with ('' for a final one), from the report's record.

    A report is a draft when its commentary was never approved as it reads, or the data
    changed since (the record's ``commentary`` is 'unapproved' or 'stale').

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> out = new_output("display_data", data={HEADLINE_MIME: {"commentary": "stale"}})
    >>> draft_banner(new_notebook(cells=[new_code_cell(outputs=[out])]), "en")
    'Draft: the data changed since the commentary was approved'
    >>> draft_banner(new_notebook(), "en")
    ''
    """
    state = (read_headline(nb) or {}).get("commentary")
    return translator(language).text(f"draft_{state}") if state in DRAFT_STATES else ""


def frame_labels(header: ReportHeader) -> dict[str, str]:
    """The words of the report frame (header, contents, footer) in the report's language.

    The period's end is exclusive, so the data window ends the day before it.

    Examples
    --------
    >>> head = ReportHeader("Acme", "2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 10, 1),
    ...     "de", "0.1.0", dt.date(2026, 10, 2))
    >>> words = frame_labels(head)
    >>> words["period_name"], words["data_window"]
    ('Q3 2026', 'Antworten vom 1. Juli 2026 bis 30. September 2026')
    """
    t = client_translator(header.language, header.locale)
    last_day = header.period_end - dt.timedelta(days=1)
    return {
        "report": t.gettext("Net Promoter Score report"),
        "contents": t.gettext("Contents"),
        "period": t.gettext("Period"),
        "period_name": t.period(header.period_label),
        "data_window": t.gettext("Responses from {start} to {end}").format(
            start=t.date(header.period_start), end=t.date(last_day)
        ),
        "generated": t.gettext("Generated on {date}").format(date=t.date(header.generated_on)),
        "software": t.gettext("nps-reports version {version}").format(version=header.version),
    }


def with_contents(html: str) -> dict[str, Any]:
    """Give each h2/h3 heading of ``html`` an id; return the new HTML and its contents.

    The contents are the h2 headings in order, each with the h3 headings under it as
    ``children`` (an h3 before any h2 stands on its own).

    Examples
    --------
    >>> out = with_contents("<h2>Headline</h2><p>x</p><h3>By region</h3><h2>Method</h2>")
    >>> out["html"]
    '<h2 id="section-1">Headline</h2><p>x</p><h3 id="section-2">By region</h3><h2 id="section-3">Method</h2>'
    >>> [(e["text"], [c["text"] for c in e["children"]]) for e in out["entries"]]
    [('Headline', ['By region']), ('Method', [])]
    >>> with_contents('<h2>Headline</h2><h2 id="sec-trend">Trend</h2>')["html"]
    '<h2 id="section-1">Headline</h2><h2 id="sec-trend">Trend</h2>'
    """
    entries: list[dict[str, Any]] = []
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        count += 1
        level, inner, ident = match[1], match[3], match[2] or f"section-{count}"
        entry: dict[str, Any] = {"id": ident, "text": _TAG.sub("", inner).strip(), "children": []}
        if level == "3" and entries:
            entries[-1]["children"].append(entry)
        else:
            entries.append(entry)
        return f'<h{level} id="{ident}">{inner}</h{level}>'

    return {"html": _HEADING.sub(number, html), "entries": entries}


def tidy_html(html: str) -> str:
    """Make output markup valid HTML: hoist ``<style>`` blocks (pandas, Styler) from the
    body into the head, once each, and drop the obsolete ``border`` of tables.

    Examples
    --------
    >>> tidy_html('<head></head><body><div><style scoped>td {x: 1}</style>'
    ...           '<table border="1" class="dataframe"></table></div></body>')
    '<head><style>td {x: 1}</style></head><body><div><table class="dataframe"></table></div></body>'
    """
    head, sep, body = html.partition("</head>")
    if not sep:
        return html
    styles = dict.fromkeys(m.strip() for m in _STYLE.findall(body))
    body = _TABLE_BORDER.sub(r"\1", _STYLE.sub("", body))
    hoisted = "".join(f"<style>{css}</style>" for css in styles if css)
    return f"{head}{hoisted}{sep}{body}"


def _alt(output: Any, mime: str, cell: Any) -> str:
    meta = output.get("metadata", {})
    per_mime = meta.get(mime, {})
    value = (per_mime.get("alt") if isinstance(per_mime, dict) else None) or meta.get("alt")
    return str(value or cell.metadata.get("alt") or "").strip()


def _exporter() -> Any:
    """One exporter per thread: building it loads the templates, which is worth reusing."""
    if not hasattr(_local, "exporter"):
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
            embed_images=True,
        )
        exporter.register_filter("with_contents", with_contents)
        exporter.register_filter("image_alt", _alt)
        _local.exporter = exporter
    return _local.exporter
