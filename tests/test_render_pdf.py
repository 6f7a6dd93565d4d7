"""PDF reports: ``nps-report render ... --pdf`` prints each report with headless Chromium.

One module fixture renders a real demo report (the project's client_report notebook on a
small demo store, in German) with ``--pdf`` through the command line; the PDF is then
read back with poppler (pdfinfo, pdftotext, pdftoppm, pdfimages), which shares no code
with the printing. A second report, exported without a kernel from hand-made outputs,
carries a chart and a table far wider than a page. Cache and failure tests work on
copies of the rendered folder, so no other test starts a kernel.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from PIL import Image
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.demo import write_demo_store
from nps_helpers.errors import NpsRenderError
from nps_helpers.io.store import Store
from nps_helpers.present.i18n import translator
from nps_helpers.render import pdf as pdf_module
from nps_helpers.render.export import ReportHeader, notebook_to_html
from nps_helpers.render.job import ReportResult
from nps_helpers.render.pdf import PdfPrinter, follow_report, pdf_path

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CLIENT = "kestrel-bank"
PERIOD = "2026-Q3"
A4_PT = (595.28, 841.89)  # 210 x 297 mm
LETTER_PT = (612.0, 792.0)  # 8.5 x 11 in
MM_PER_INCH = 25.4
SIDE_MARGIN_MM = 14  # report.css: @page margin 16mm 14mm 18mm, so content is 182 mm wide
WIDE_PX = 2000


def cli_render(project: Path, *extra: str):
    return CliRunner().invoke(app, [
        "render", "demo", "--client", CLIENT, "--language", "de", "--workers", "1",
        "--params", str(project / "params"), "--store", str(project / "data" / "store"),
        "--out", str(project / "outputs"), *extra,
    ])


def copy_project(project: Path, to: Path) -> Path:
    """A copy of the rendered project to change (the store is shared, read only)."""
    for part in ("params", "notebooks", "outputs"):
        shutil.copytree(project / part, to / part)
    (to / "data").symlink_to(project / "data", target_is_directory=True)
    return to


def pages_text(pdf: Path) -> list[str]:
    """pdftotext of each page (form feeds separate pages)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def squash(text: str) -> str:
    """Whitespace of any kind (no-break, thin) as single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def pdf_images(pdf: Path) -> list[list[str]]:
    """Rows of ``pdfimages -list``: page, num, type, width, height, ..., x-ppi (index 12)."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
    return [ln.split() for ln in out.stdout.splitlines()[2:]]


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:
    """A project with two demo clients, the real report notebook, rendered with --pdf."""
    root = tmp_path_factory.mktemp("pdf-project")
    shutil.copytree(ROOT / "params", root / "params", ignore=shutil.ignore_patterns("clients"))
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "client_report.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "notebooks" / "clients", root / "notebooks" / "clients")  # kestrel-bank's extra
    write_demo_store(root / "data" / "store", clients=2, responses=4_000, params_dir=root / "params")
    run = cli_render(root, "--pdf")
    assert run.exit_code == 0, run.output
    assert "PDF: 1 printed, 0 unchanged, 0 failed" in run.output
    return root


@pytest.fixture(scope="module")
def folder(demo_project) -> Path:
    return demo_project / "outputs" / "demo" / PERIOD


@pytest.fixture(scope="module")
def letter_folder(demo_project, tmp_path_factory) -> Path:
    """The same report for a client whose params ask for US Letter."""
    project = copy_project(demo_project, tmp_path_factory.mktemp("letter"))
    client = project / "params" / "clients" / f"{CLIENT}.yaml"
    client.write_text(client.read_text() + "paper: letter\n")
    run = cli_render(project, "--pdf")
    assert run.exit_code == 0, run.output
    assert "PDF: 1 printed, 0 unchanged, 0 failed" in run.output  # the paper is part of the input
    return project / "outputs" / "demo" / PERIOD


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


@pytest.fixture(scope="module")
def wide_pdf(tmp_path_factory) -> Path:
    """A report with a 2000-pixel chart and a 14-column table, printed without a kernel."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    fig, ax = plt.subplots(figsize=(WIDE_PX / 100, 3), dpi=100)
    ax.bar(range(40), np.arange(40) % 7 + 1, color="#1f4e79")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    png = buffer.getvalue()
    assert Image.open(io.BytesIO(png)).width == WIDE_PX
    chart = new_output("display_data", data={"image/png": base64.b64encode(png).decode()},
                       metadata={"image/png": {"alt": "A chart twice as wide as the page"}})
    table = pd.DataFrame({f"Responses in calendar week {k}": [1_000 + k, 2_000 + k] for k in range(1, 15)},
                         index=["North region", "South region"])
    nb = new_notebook(cells=[
        new_markdown_cell("## Overview"),
        new_code_cell(outputs=[new_output("display_data", data={"text/html": "<p>NPS +20</p>"})]),
        new_markdown_cell("## Wide chart"),
        new_code_cell(outputs=[chart]),
        new_markdown_cell("## Wide table"),
        new_code_cell(outputs=[new_output("display_data", data={"text/html": table.to_html()})]),
    ])
    header = ReportHeader("Wide Co", PERIOD, dt.date(2026, 7, 1), dt.date(2026, 10, 1), "en", "0.1.0",
                          dt.date(2026, 10, 2))
    html = tmp_path_factory.mktemp("wide") / "wide-co.html"
    html.write_text(notebook_to_html(nb, header), encoding="utf-8")
    with PdfPrinter() as printer:
        return printer.print(html)


def test_demo_report_pdf_is_a4_beside_its_html_and_in_the_manifest(folder):
    pdf = folder / f"{CLIENT}.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert (folder / f"{CLIENT}.html").exists()
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert len(sizes) == pages > 1
    for width, height in sizes:
        assert float(width) == pytest.approx(A4_PT[0], abs=1.5)
        assert float(height) == pytest.approx(A4_PT[1], abs=1.5)
    entry = json.loads((folder / "manifest.json").read_text())["reports"][CLIENT]["pdf"]
    assert entry == {"status": "ok", "file": f"{CLIENT}.pdf", "bytes": pdf.stat().st_size, "error": None}
    assert not list(folder.glob(".*.tmp"))


def test_pdf_text_holds_the_headline_nps_as_the_html_shows_it(demo_project, folder):
    responses = Store(demo_project / "data" / "store").read("responses", CLIENT)
    when = responses["responded_at"]
    scores = responses.loc[(when >= "2026-07-01") & (when < "2026-10-01"), "score"]
    by_hand = 100 * ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores)
    t = translator("de")
    headline = f"NPS {t.nps(by_hand)}"
    html_text = squash(BeautifulSoup((folder / f"{CLIENT}.html").read_text(), "html.parser").get_text(" "))
    shown = re.search(re.escape(headline) + r" \([^)]*\), [\d.]+ Antworten", html_text)
    assert shown, f"{headline!r} not in the HTML"
    assert shown[0] in squash(" ".join(pages_text(folder / f"{CLIENT}.pdf")))


def test_page_one_png_is_saved_and_shows_the_report(folder, tmp_path):
    out = tmp_path / f"{CLIENT}-page-1"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(folder / f"{CLIENT}.pdf"), str(out)], check=True)
    png = out.with_suffix(".png")
    image = Image.open(png).convert("RGB")
    assert image.size == (pytest.approx(496, abs=2), pytest.approx(702, abs=2))  # A4 at 60 dpi
    pixels = np.asarray(image).reshape(-1, 3).astype(int)
    inked = (pixels.min(axis=1) < 200).mean()
    assert 0.005 < inked < 0.5, f"{inked:.3f} of the page is ink"
    accent = np.abs(pixels - (0x1F, 0x4E, 0x79)).max(axis=1) < 40  # the header's rule and title
    assert accent.sum() > 500


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_page_has_its_number_and_the_report_title_in_the_footer(paper, request):
    folder = request.getfixturevalue("folder" if paper == "a4" else "letter_folder")
    pages = pages_text(folder / f"{CLIENT}.pdf")
    for number, text in enumerate(pages, start=1):
        lines = [squash(ln) for ln in text.splitlines() if ln.strip()]
        assert lines[-1].endswith(f"{number} / {len(pages)}"), lines[-1]
        assert lines[-1].startswith("Kestrel Bank plc · Net-Promoter-Score-Bericht · Q3 2026")


def page_fill(pdf: Path, folder: Path) -> list[float]:
    """How far down each page the content reaches (0..1), the footer line left out."""
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(pdf), str(folder / "page")], check=True)
    fills = []
    for image in sorted(folder.glob("page-*.png")):
        page = np.asarray(Image.open(image).convert("L"))
        inked = np.flatnonzero((page < 200).any(axis=1))
        body = inked[inked < 0.9 * page.shape[0]]  # the footer sits in the bottom margin
        fills.append(float(body.max() + 1) / page.shape[0] if body.size else 0.0)
    return fills


def test_letter_client_prints_on_letter_and_its_html_asks_the_browser_for_letter(letter_folder, folder):
    sizes = page_sizes(letter_folder / f"{CLIENT}.pdf")
    assert sizes and all(s == pytest.approx(LETTER_PT, abs=1.5) for s in sizes)
    html = (letter_folder / f"{CLIENT}.html").read_text()
    assert BeautifulSoup(html, "html.parser").html["data-paper"] == "letter"
    assert "@page { size: letter;" in html
    assert "size: letter" not in (folder / f"{CLIENT}.html").read_text()  # en_GB: A4


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_short_sections_share_pages_and_headings_stay_with_what_follows(paper, request, tmp_path):
    folder = request.getfixturevalue("folder" if paper == "a4" else "letter_folder")
    soup = BeautifulSoup((folder / f"{CLIENT}.html").read_text(), "html.parser")
    headings = [squash(h.get_text()) for h in soup.main.find_all(["h2", "h3"])]
    pages = [[squash(ln) for ln in text.splitlines() if ln.strip()] for text in pages_text(folder / f"{CLIENT}.pdf")]
    assert len(headings) >= 8 and len(pages) <= 10
    tops = sum(any(line.startswith(h) for h in headings) for line in (p[0] for p in pages))
    assert tops < len(pages) - 1  # sections flow on rather than each starting a page
    for lines in pages[:-1]:
        body = lines[:-1]  # the last line is the footer
        assert body and body[-1] not in headings, f"a heading ends a page: {body[-1]!r}"
    fills = page_fill(folder / f"{CLIENT}.pdf", tmp_path)
    assert len(fills) == len(pages)
    assert all(f >= 0.25 for f in fills[:-1]), fills


@pytest.mark.parametrize("report", ["demo", "wide"])
def test_no_chart_or_table_cell_is_cut_off(report, folder, wide_pdf):
    pdf = folder / f"{CLIENT}.pdf" if report == "demo" else wide_pdf
    content_inches = (210 - 2 * SIDE_MARGIN_MM) / MM_PER_INCH
    images = [r for r in pdf_images(pdf) if r[2] == "image"]
    assert images
    for row in images:  # width in pixels / pixels per inch on paper = drawn width
        assert int(row[3]) / int(row[12]) <= 1.02 * content_inches, row
    soup = BeautifulSoup(pdf.with_suffix(".html").read_text(), "html.parser")
    cells = soup.main.find_all(["th", "td"])
    assert cells
    printed = squash(" ".join(pages_text(pdf)))  # a cut-off column never reaches the PDF's text
    missing = {w for cell in cells for w in squash(cell.get_text(" ")).split() if w not in printed}
    assert not missing, f"table text missing from {pdf.name}: {sorted(missing)[:10]}"


def test_wide_chart_and_table_fit_the_page(wide_pdf):
    assert [int(r[3]) for r in pdf_images(wide_pdf) if r[2] == "image"] == [WIDE_PX]
    pages = pages_text(wide_pdf)
    assert len(pages) <= 2
    assert "2014" in pages[-1] and "week 14" in squash(pages[-1])  # the last column of the last row


def test_cached_html_without_its_pdf_gets_one_and_a_current_pdf_is_kept(demo_project, tmp_path):
    project = copy_project(demo_project, tmp_path / "copy")
    folder = project / "outputs" / "demo" / PERIOD
    pdf, html = folder / f"{CLIENT}.pdf", folder / f"{CLIENT}.html"
    pdf.unlink()
    first = cli_render(project, "--pdf")
    assert first.exit_code == 0, first.output
    assert "1 unchanged" in first.output and "PDF: 1 printed, 0 unchanged, 0 failed" in first.output
    printed_at = pdf.stat().st_mtime_ns
    second = cli_render(project, "--pdf")
    assert "PDF: 0 printed, 1 unchanged, 0 failed" in second.output
    assert pdf.stat().st_mtime_ns == printed_at
    later = html.stat().st_mtime + 60  # an HTML newer than its PDF: the PDF is out of date
    os.utime(html, (later, later))
    without = cli_render(project)
    assert without.exit_code == 0 and "PDF" not in without.output
    assert html.exists() and not pdf.exists()


def test_pdf_failure_keeps_the_html_and_fails_the_run(demo_project, tmp_path, monkeypatch):
    project = copy_project(demo_project, tmp_path / "copy")
    folder = project / "outputs" / "demo" / PERIOD
    (folder / f"{CLIENT}.pdf").unlink()
    monkeypatch.setattr(pdf_module, "CHROMIUM", str(tmp_path / "no-chromium"))
    run = cli_render(project, "--pdf")
    assert run.exit_code == 1, run.output
    failed = [ln for ln in run.output.splitlines() if ln.startswith("PDF FAILED")]
    assert failed == [f"PDF FAILED {CLIENT} ({PERIOD}): Chromium at {tmp_path / 'no-chromium'} did not start "
                      f"({failed[0].split('did not start (', 1)[1]}"]
    assert "install the Debian package chromium" in failed[0]
    assert (folder / f"{CLIENT}.html").exists() and not (folder / f"{CLIENT}.pdf").exists()
    entry = json.loads((folder / "manifest.json").read_text())["reports"][CLIENT]
    assert entry["status"] == "ok" and entry["pdf"]["status"] == "failed" and entry["pdf"]["file"] is None


def test_a_report_asking_for_anything_outside_its_file_is_not_printed(tmp_path):
    html = tmp_path / "leaky.html"
    html.write_text('<!DOCTYPE html><title>Leaky</title><p>NPS +20</p><img src="http://example.invalid/x.png" alt="x">')
    with PdfPrinter() as printer, pytest.raises(NpsRenderError, match=r"leaky\.html asks for http://example\.invalid/x\.png"):
        printer.print(html)
    assert not pdf_path(html).exists()


def test_failed_report_loses_its_old_pdf_and_a_closed_printer_says_how_to_open_it(tmp_path):
    html = tmp_path / "acme.html"
    pdf_path(html).write_bytes(b"%PDF- from an older run")
    failed = ReportResult(client_id="acme", period_label=PERIOD, status="failed", input_hash="x")
    assert follow_report(failed, html, PdfPrinter()) is None
    assert not pdf_path(html).exists()
    with pytest.raises(NpsRenderError, match="with PdfPrinter"):
        PdfPrinter().print(html)
