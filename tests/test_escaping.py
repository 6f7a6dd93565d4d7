"""Hostile text through the whole pipeline renders as inert text; CSV exports are defused.

ATTACKED's display name, event label, segment values and comments hold script tags, event
handlers, javascript: links, markdown, very long text, right-to-left text, emoji and
control characters (tests/conftest.py); the real report notebook renders them. Each
report is parsed with html.parser and opened in headless Chromium, with its CSP and
without it (so the HTML itself is inert, not only the policy).
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from conftest import ATTACKED, COMMENT_ATTACKS, FORMULAS, SEGMENT_ATTACKS

from nps_helpers.render.safety import CSP, html_problems
from nps_helpers.views.followup import FORMULA_STARTS, LISTS

URL_ATTRIBUTES = ("src", "href", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background")
ACTIVE_TAGS = ("script", "iframe", "frame", "object", "embed", "svg", "math", "base", "link", "form", "meta")
MAX_CHARS = 400  # comment_tables.comments_table cuts longer comments
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ALLOWED_SOURCES = {"'none'", "data:", "'unsafe-inline'"}


class Inventory(HTMLParser):
    """Every element, attribute and text node of a document, as a browser-agnostic parser sees them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.chunks: list[str] = []
        self.styles: list[str] = []
        self._tag = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._tag = tag
        self.attrs += [(tag, name.lower(), value or "") for name, value in attrs]

    def handle_data(self, data):
        (self.styles if self._tag == "style" else self.chunks).append(data)

    def handle_endtag(self, tag):
        self._tag = ""

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def shown(text: str) -> str:
    """What a comment looks like in the report: controls dropped, long text cut."""
    text = _CONTROLS.sub("", text)
    return text[: MAX_CHARS - 20]


def test_hostile_text_shows_as_text_and_never_as_markup(planted_batch, tally):
    html = planted_batch.html(ATTACKED)
    doc = Inventory(html)
    body_tags = doc.tags[doc.tags.index("body"):]
    assert not [t for t in body_tags if t in ACTIVE_TAGS], sorted(set(body_tags) & set(ACTIVE_TAGS))
    assert not [(t, n) for t, n, _ in doc.attrs if n.startswith("on")]
    for tag, name, value in doc.attrs:
        squeezed = re.sub(r"\s+", "", value).lower()
        assert not squeezed.startswith(("javascript:", "vbscript:", "data:text")), (tag, name, value[:60])
        if name != "alt":
            assert "evil.example" not in value, (tag, name, value[:60])
    assert not [s for s in doc.styles if "evil.example" in s or "javascript" in s]
    alts = " ".join(v for _, n, v in doc.attrs if n == "alt")
    for name, payload in COMMENT_ATTACKS.items():
        assert shown(payload) in doc.text, f"comment attack {name!r} is not shown as text"
    for payload in SEGMENT_ATTACKS:
        assert payload in doc.text, f"segment attack {payload!r} is not shown as text"
        assert payload in alts, f"segment attack {payload!r} is not in the forest chart's alt text"
    assert planted_batch.names[ATTACKED] in doc.text  # header (and <title>)
    assert "<b onmouseover=alert(1)>launch</b>" in alts  # the event on the trend chart
    assert html_problems(html) == []
    tally["escaping: attacks shown as inert text (comments, segments, name, event)"] += (
        len(COMMENT_ATTACKS) + len(SEGMENT_ATTACKS) + 2)


def test_every_src_and_href_is_local_and_the_csp_allows_no_remote_source(planted_batch, tally):
    refs = 0
    for path in planted_batch.shared:
        doc = Inventory(path.read_text(encoding="utf-8"))
        for tag, name, value in doc.attrs:
            if name not in URL_ATTRIBUTES:
                continue
            refs += 1
            if name == "src":
                assert tag == "img" and value.startswith("data:image/png;base64,"), (path.name, value[:60])
            elif path.name == "index.html":
                assert name == "href" and (planted_batch.folder / value).is_file(), (path.name, value)
            else:
                assert name == "href" and value.startswith("#"), (path.name, tag, value)
        for css in (re.sub(r"/\*.*?\*/", "", css, flags=re.S) for css in doc.styles):
            assert not re.search(r"url\(\s*['\"]?(?!data:)", css) and "@import" not in css, path.name
        policies = [v for t, n, v in doc.attrs if t == "meta" and n == "content" and "default-src" in v]
        assert policies == [CSP], path.name
        for directive in CSP.split(";"):
            name, *sources = directive.split()
            assert set(sources) <= ALLOWED_SOURCES, f"{name} allows {sources}"
        assert "default-src 'none'" in CSP
    tally["escaping: src/href references checked (remote: 0)"] += refs


def open_all(browser, files, *, bypass_csp: bool) -> dict[str, dict[str, list]]:
    """Open each file in a fresh page; what fired: dialogs, console errors, requests, script."""
    seen = {}
    context = browser.new_context(bypass_csp=bypass_csp, java_script_enabled=True)
    for path in files:
        uri = path.as_uri()
        events: dict[str, list] = {"dialogs": [], "errors": [], "requests": []}
        page = context.new_page()
        page.on("dialog", lambda d, e=events: (e["dialogs"].append(d.message), d.dismiss()))
        page.on("console", lambda m, e=events: m.type == "error" and e["errors"].append(m.text))
        page.on("pageerror", lambda exc, e=events: e["errors"].append(str(exc)))
        page.on("request", lambda r, e=events, u=uri: r.url != u and e["requests"].append(r.url))
        page.goto(uri, wait_until="load")
        page.mouse.wheel(0, 100_000)  # anything lazy would load now
        page.wait_for_timeout(300)
        events["scripts"] = ["<script>"] * page.evaluate("document.scripts.length")
        events["handlers"] = page.evaluate(
            "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
            ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
        seen[path.name] = events
        page.close()
    context.close()
    return seen


@pytest.mark.browser
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_reports_are_inert_in_headless_chromium(planted_batch, chromium, tally, bypass_csp):
    files = planted_batch.shared
    seen = open_all(chromium, files, bypass_csp=bypass_csp)
    fired = {name: {k: v for k, v in events.items() if v} for name, events in seen.items()}
    assert fired == {path.name: {} for path in files}
    tally["escaping: pages opened in Chromium, with and without CSP"] += len(files)
    tally["escaping: requests, dialogs, console errors, scripts, handlers in Chromium"] += sum(
        len(v) for events in seen.values() for v in events.values())


def test_followup_csvs_of_a_real_render_defuse_formulas_and_carry_a_bom(planted_batch, tally):
    values: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for cid in planted_batch.names:
        csvs = sorted((planted_batch.folder / "_internal" / cid).glob("*.csv"))
        assert {f"{name}.csv" for name in LISTS} <= {p.name for p in csvs}
        for path in csvs:
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), path
            text = raw[3:].decode("utf-8")  # strict: the rest is valid UTF-8
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert {len(row) for row in rows} == {len(rows[0])}, path  # no cell broke its row
            frame = pd.read_csv(io.StringIO(text), dtype="str", keep_default_na=False)
            cells = frame.to_numpy().ravel().tolist()
            assert not [v for v in cells if v.startswith(FORMULA_STARTS)], path
            values.setdefault(cid, []).extend(cells)
            texts[cid] = texts.get(cid, "") + text
    assert [f for f in FORMULAS if "'" + f in values[ATTACKED]] == FORMULAS
    assert "'=HYPERLINK(\"https://evil.example\")" in values[ATTACKED]  # a customer id
    assert re.search("[ąćęłńśźż]", texts["wislany-bank"]) and re.search("[а-яё]", texts["ladoga-bank"], re.I)
    tally["csv: follow-up cells checked (live formulas: 0)"] += sum(map(len, values.values()))
    tally["csv: formulas planted in comments and a customer id, all defused"] += len(FORMULAS) + 1
