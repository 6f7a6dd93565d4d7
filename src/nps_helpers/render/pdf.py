"""Print rendered reports to PDF with headless Chromium: A4 or Letter, client and page in the footer.

Chromium draws page numbers only through the DevTools call ``Page.printToPDF`` with a
footer template (its ``--print-to-pdf`` switch prints the file's URL, a local path, in
the footer instead); Playwright's ``page.pdf`` makes that call on the system's Chromium
(``/usr/bin/chromium``, the Debian package; no browser is downloaded). Page size, margins
and page breaks come from the report's print stylesheet (``templates/nps_report/static/
report.css``), so a browser's own Print dialog gives the same pages.

Nothing is fetched while printing: every request other than the report file itself is
refused, and a report that asks for one fails to print. A PDF is written beside its HTML
as ``<client>.pdf`` (a temporary file, then a rename) and is current while it is newer
than its HTML.
"""
from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_bytes
from ..errors import NpsRenderError
from .job import ReportResult, Status

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TIMEOUT_MS = 60_000
# The side margin of report.css's @page rule; the content box's width in CSS pixels per paper
# (A4 210 mm wide, Letter 8.5 in), which the report names in <html data-paper>.
SIDE_MARGIN_MM = 14
PAPER_WIDTH_MM = {"a4": 210.0, "letter": 215.9}
CONTENT_WIDTH_PX = {paper: round((width - 2 * SIDE_MARGIN_MM) / 25.4 * 96)
                    for paper, width in PAPER_WIDTH_MM.items()}
# A table too wide for the page even with its text wrapped (many columns) would be cut off
# at the page's edge: scale it down to fit instead, measured at the page's width.
FIT_TABLES = """() => {
  for (const table of document.querySelectorAll("main table")) {
    const room = table.parentElement.getBoundingClientRect().width;
    const width = table.getBoundingClientRect().width;
    if (width > room) table.style.zoom = Math.floor(100 * room / width) / 100;
  }
}"""
# Chromium fills the spans: the document's title (client, report, period in the report's
# language) and "page / pages", which reads the same in every language.
FOOTER = (
    f'<div style="box-sizing:border-box;width:100%;padding:0 {SIDE_MARGIN_MM}mm;display:flex;justify-content:space-between;'
    'font:7.5pt system-ui,\'DejaVu Sans\',sans-serif;color:#4a5561">'
    '<span class="title"></span>'
    '<span style="white-space:pre"><span class="pageNumber"></span> / <span class="totalPages"></span></span>'
    "</div>"
)


@dataclass(frozen=True)
class PdfResult:
    """What became of one report's PDF: printed (``ok``), still current (``skipped``) or ``failed``.

    Examples
    --------
    >>> r = PdfResult(client_id="acme", period_label="2026-Q3", status="failed",
    ...     error="acme.html: Chromium is not installed")
    >>> r.entry()["status"], r.entry()["file"]
    ('failed', None)
    """

    client_id: str
    period_label: str
    status: Status
    pdf: str | None = None
    pdf_bytes: int = 0
    error: str | None = None

    def entry(self) -> dict[str, Any]:
        """The ``pdf`` part of the report's manifest entry."""
        return {
            "status": self.status,
            "file": Path(self.pdf).name if self.pdf else None,
            "bytes": self.pdf_bytes,
            "error": self.error,
        }


def pdf_path(html: str | os.PathLike) -> Path:
    """Where the PDF of a report goes: beside its HTML, same name.

    Examples
    --------
    >>> pdf_path("/out/demo/2026-Q3/acme.html").as_posix()
    '/out/demo/2026-Q3/acme.pdf'
    """
    return Path(html).with_suffix(".pdf")


def pdf_is_current(html: str | os.PathLike) -> bool:
    """True when the report's PDF exists and was printed after its HTML was written.

    Examples
    --------
    >>> import tempfile
    >>> html = Path(tempfile.mkdtemp()) / "acme.html"
    >>> _ = html.write_text("<p>x</p>"); pdf_is_current(html)
    False
    >>> _ = pdf_path(html).write_bytes(b"%PDF"); pdf_is_current(html)
    True
    """
    try:
        return pdf_path(html).stat().st_mtime_ns >= Path(html).stat().st_mtime_ns
    except FileNotFoundError:
        return False


class PdfPrinter:
    """Prints reports with one headless Chromium, started at the first print.

    Playwright's synchronous API must not run on a thread with an asyncio loop (a
    Jupyter kernel's), so the browser lives on a thread of its own. ``executable``
    defaults to :data:`CHROMIUM`. Use as a context manager; the browser is closed on exit.

    Examples
    --------
    >>> import tempfile
    >>> html = Path(tempfile.mkdtemp()) / "acme.html"
    >>> _ = html.write_text("<!DOCTYPE html><title>Acme</title><h1>NPS +20</h1>")
    >>> with PdfPrinter() as printer:
    ...     printer.print(html).read_bytes()[:5]
    b'%PDF-'
    """

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or CHROMIUM
        self._thread: ThreadPoolExecutor | None = None
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> PdfPrinter:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nps-pdf")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._thread.submit(self._stop).result()
            self._thread.shutdown()
            self._thread = None

    def print(self, html: str | os.PathLike) -> Path:
        """Print one report to ``<client>.pdf`` beside it; return the PDF's path.

        Raises :class:`NpsRenderError` when Chromium cannot start or print, or when the
        report asks for anything outside its own file.
        """
        if self._thread is None:
            raise NpsRenderError("PdfPrinter.print needs the printer open: use 'with PdfPrinter() as printer'")
        return self._thread.submit(self._print, Path(html).resolve()).result()

    def _print(self, html: Path) -> Path:
        blocked: list[str] = []

        def refuse_remote(route: Any) -> None:
            if route.request.url == html.as_uri():
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        browser = self._browser or self._start()
        page = browser.new_page(viewport={"width": CONTENT_WIDTH_PX["a4"], "height": 1000})
        try:
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", refuse_remote)
            page.goto(html.as_uri(), wait_until="load")
            if blocked:
                raise NpsRenderError(
                    f"{html.name} asks for {blocked[0][:80]}: a report must hold everything "
                    "inline (render it again; check the notebook's outputs)"
                )
            paper = page.evaluate("document.documentElement.dataset.paper") or "a4"
            if paper not in PAPER_WIDTH_MM:
                raise NpsRenderError(f"{html.name} asks for paper {paper[:20]!r}: render it again")
            page.set_viewport_size({"width": CONTENT_WIDTH_PX[paper], "height": 1000})
            page.emulate_media(media="print")
            page.evaluate(FIT_TABLES)
            data = page.pdf(
                format="Letter" if paper == "letter" else "A4",
                prefer_css_page_size=True,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
        except NpsRenderError:
            raise
        except Exception as err:  # Playwright's errors: a crashed page, a timeout
            self._stop()  # the next report gets a fresh browser
            raise NpsRenderError(f"{html.name}: Chromium could not print it ({_first_line(err)})") from None
        finally:
            with contextlib.suppress(Exception):
                page.close()
        target = pdf_path(html)
        atomic_write_bytes(target, data)
        return target

    def _start(self) -> Any:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=list(CHROMIUM_ARGS)
            )
        except Exception as err:  # Playwright raises its own Error for a missing or broken binary
            self._stop()
            raise NpsRenderError(
                f"Chromium at {self.executable} did not start ({_first_line(err)}): install the "
                "Debian package chromium (scripts/system-deps.sh)"
            ) from None
        return self._browser

    def _stop(self) -> None:
        for closing in (self._browser, self._playwright):
            if closing is not None:
                with contextlib.suppress(Exception):
                    closing.close() if closing is self._browser else closing.stop()
        self._browser = self._playwright = None


def follow_report(result: ReportResult, html: str | os.PathLike, printer: PdfPrinter | None) -> PdfResult | None:
    """Bring the PDF of a report (``html``) in line with its HTML after a batch step.

    With a ``printer`` (``--pdf``), a rendered report is printed, and an unchanged one
    too unless its PDF is current; a failure is returned, never raised, and the HTML is
    kept. Without one, a PDF older than its HTML is removed, being out of date. The PDF
    of a failed report is removed, like its HTML. Returns None when no PDF was asked for.

    Examples
    --------
    >>> import tempfile
    >>> html = Path(tempfile.mkdtemp()) / "acme.html"
    >>> _ = pdf_path(html).write_bytes(b"%PDF"); _ = html.write_text("<p>newer</p>")
    >>> rendered = ReportResult(client_id="acme", period_label="2026-Q3", status="ok", input_hash="ab")
    >>> follow_report(rendered, html, None) is None, pdf_path(html).exists()
    (True, False)
    """
    target = pdf_path(html)
    if not result.ok or (printer is None and not pdf_is_current(html)):
        target.unlink(missing_ok=True)
    if printer is None or not result.ok:
        return None
    done = partial(PdfResult, client_id=result.client_id, period_label=result.period_label)
    if result.status == "skipped" and pdf_is_current(html):
        return done(status="skipped", pdf=str(target), pdf_bytes=target.stat().st_size)
    try:
        printer.print(html)
    except NpsRenderError as err:
        target.unlink(missing_ok=True)
        return done(status="failed", error=str(err))
    return done(status="ok", pdf=str(target), pdf_bytes=target.stat().st_size)


def _first_line(err: Exception) -> str:
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip() and not set(ln.strip()) <= {"=", "-"}]
    return lines[0][:200] if lines else type(err).__name__
