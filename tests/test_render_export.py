"""Export without a kernel (render/export.py, labels.py, record.py): hand-made executed notebooks."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nps_helpers.analysis.metrics import nps
from nps_helpers.errors import NpsRenderError
from nps_helpers.present.record import HEADLINE_MIME, headline_record, read_headline
from nps_helpers.render.export import (
    ReportHeader,
    frame_labels,
    images_without_alt,
    notebook_to_html,
    shareable_notebook,
    with_contents,
)

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
HEADER = ReportHeader("Acme Bank", "2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 10, 1), "en", "0.1.0",
                      dt.date(2026, 10, 2))


def executed_notebook():
    """What a parameterised, executed report notebook looks like, outputs and all."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Report\n\n## Headline\n\nText with <b>bold</b>."),
            new_code_cell("client_id = 'demo'", metadata={"tags": ["parameters"]}),
            new_code_cell("client_id = 'acme'\nstore = '/srv/secret/store'",
                          metadata={"tags": ["injected-parameters"], "papermill": {"duration": 1}},
                          outputs=[new_output("stream", name="stdout", text="/srv/secret/store")]),
            new_code_cell("warn()", outputs=[new_output("stream", name="stderr",
                                                        text="/srv/secret/site.py:3: UserWarning")]),
            new_code_cell("table", execution_count=3, outputs=[new_output(
                "execute_result", execution_count=3,
                data={"text/html": '<div><style scoped>.dataframe td {color: red}</style>'
                                   '<table border="1" class="dataframe"><tr><td>42</td></tr></table></div>',
                      "text/plain": "42"})]),
            new_code_cell("chart", outputs=[new_output(
                "display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
                metadata={"image/png": {"alt": "Bar chart of scores"}})]),
            new_code_cell("record_headline(r)", outputs=[new_output(
                "display_data", data={HEADLINE_MIME: {"nps": 12.5, "n": 40}})]),
            new_code_cell("widget()", outputs=[new_output("display_data", data={
                "application/javascript": "alert(1)", "text/plain": "js"})]),
            new_markdown_cell("### By region"),
        ],
        metadata={"papermill": {"parameters": {"store": "/srv/secret/store"}},
                  "kernelspec": {"name": "nps-reports", "display_name": "x", "language": "python"},
                  "language_info": {"name": "python"}},
    )


def test_shareable_notebook_drops_parameters_record_and_metadata():
    original = executed_notebook()
    out = shareable_notebook(original)
    assert dict(out.metadata) == {"language_info": {"name": "python"}}
    assert [c.source for c in out.cells if "client_id" in c.source] == []
    assert all(dict(c.metadata) == {} for c in out.cells)
    assert read_headline(out) is None and read_headline(original) == {"nps": 12.5, "n": 40}
    assert len(original.cells) == 9 and "papermill" in original.metadata  # the input is untouched


def test_html_shows_outputs_only_and_is_safe():
    html = notebook_to_html(executed_notebook(), HEADER, forbidden=("/srv/secret",))
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text()
    assert "42" in text and "Text with bold." in text
    for hidden in ("client_id", "UserWarning", "record_headline", "alert(1)", "papermill", "12.5", "Out["):
        assert hidden not in html, hidden
    assert soup.find("img")["alt"] == "Bar chart of scores"
    assert soup.find("table", class_="dataframe").get("border") is None
    assert not soup.body.find_all("style") and ".dataframe td" in str(soup.head)


def test_header_contents_and_footer_in_the_report_language():
    header = ReportHeader(**{**HEADER.__dict__, "language": "pl"})
    soup = BeautifulSoup(notebook_to_html(executed_notebook(), header), "html.parser")
    assert soup.html["lang"] == "pl"
    assert soup.find("h1").get_text() == "Acme Bank"
    top = soup.nav.ol.find_all("li", recursive=False)
    assert [li.a.get_text() for li in top] == ["Headline"]
    assert [a.get_text() for a in top[0].ol.find_all("a")] == ["By region"]
    assert soup.nav.h2.get_text() == "Spis treści"
    assert "1 lipca 2026" in soup.footer.get_text() and "30 września 2026" in soup.footer.get_text()
    assert "0.1.0" in soup.footer.get_text() and "2 października 2026" in soup.footer.get_text()


def test_image_without_alt_is_found_and_refused():
    nb = executed_notebook()
    nb.cells[5].outputs[0].metadata = {}
    assert images_without_alt(nb) == [5]
    with pytest.raises(NpsRenderError, match="without alt text"):
        notebook_to_html(nb, HEADER)
    nb.cells[5].metadata["alt"] = "Chart from the cell's metadata"
    assert images_without_alt(nb) == []


@pytest.mark.parametrize("payload", [
    '<script>fetch("https://evil.example")</script>',
    '<img src="https://evil.example/pixel.gif" alt="x">',
    '<a href="file:///etc/passwd">x</a>',
])
def test_unsafe_output_html_stops_the_report(payload):
    nb = executed_notebook()
    nb.cells[4].outputs[0].data["text/html"] = payload
    with pytest.raises(NpsRenderError, match="not safe to share"):
        notebook_to_html(nb, HEADER)


def test_a_local_path_in_an_output_stops_the_report():
    nb = executed_notebook()
    nb.cells[4].outputs[0].data["text/html"] = "<p>read /srv/secret/store</p>"
    with pytest.raises(NpsRenderError, match="local path"):
        notebook_to_html(nb, HEADER, forbidden=("/srv/secret/store",))


def test_contents_nest_h3_under_h2_and_keep_inline_markup():
    out = with_contents("<h3>Lead</h3><h2>A <em>b</em></h2><h4>skip</h4><h3>C</h3><h2>D</h2>")
    flat = [(e["id"], e["text"], [(c["id"], c["text"]) for c in e["children"]]) for e in out["entries"]]
    assert flat == [("section-1", "Lead", []), ("section-2", "A b", [("section-3", "C")]),
                    ("section-4", "D", [])]
    assert '<h2 id="section-2">A <em>b</em></h2>' in out["html"] and "<h4>skip</h4>" in out["html"]


def test_frame_words_and_dates_follow_the_report_language():
    expected = {
        "en": ("Contents", "September 30, 2026"),
        "pl": ("Spis treści", "30 września 2026"),
        "sl": ("Vsebina", "30. septembra 2026"),
        "ru": ("Содержание", "30 сентября 2026\u202fг."),
        "de": ("Inhalt", "30. September 2026"),
    }
    for lang, (contents, last_day) in expected.items():
        words = frame_labels(ReportHeader(**{**HEADER.__dict__, "language": lang, "version": "9.9"}))
        assert words["contents"] == contents
        assert words["data_window"].endswith(last_day) or last_day in words["data_window"], words
        assert "9.9" in words["software"]


def test_headline_record_is_json_safe_for_an_empty_group():
    record = headline_record(nps([]))
    assert record["n"] == 0 and record["nps"] is None and record["ci_low"] is None
    assert headline_record(nps([10, 10, 0, 8])) == {
        "nps": 25.0, "ci_low": pytest.approx(nps([10, 10, 0, 8]).ci_low),
        "ci_high": pytest.approx(nps([10, 10, 0, 8]).ci_high),
        "n": 4, "promoters": 2, "passives": 1, "detractors": 1}
