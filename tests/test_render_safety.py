"""The share gate (render/safety.py): every way a report could run script or reach out."""
from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.render.safety import CSP, html_problems

DOC = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>t</title></head>'
    "<body>{}</body></html>"
)
PIXEL = "data:image/png;base64,iVBORw0KGgo="


def test_a_clean_report_passes():
    body = (
        f'<h2 id="s1">Headline</h2><a href="#s1">up</a><img src="{PIXEL}" alt="Bar chart">'
        '<table><tr><td style="color: #123456">1</td></tr></table><style>td { color: red }</style>'
    )
    assert html_problems(DOC.format(body)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<script>alert(1)</script>", "<script> element"),
        ('<img src="x.png" alt="a" onerror="alert(1)">', "event handler attribute onerror"),
        ('<img src="https://cdn.example/x.png" alt="a">', "remote or local reference in src"),
        (f'<img src="{PIXEL}">', "<img> without alt text"),
        (f'<img src="{PIXEL}" alt="  ">', "<img> without alt text"),
        ('<a href="javascript:alert(1)">x</a>', "remote or local reference in href"),
        ('<a href="https://evil.example/">x</a>', "remote or local reference in href"),
        ('<a href="detractors_to_call.csv">x</a>', "remote or local reference in href"),
        ('<a href="data:text/html,<b>x</b>">x</a>', "remote or local reference in href"),
        ('<link rel="stylesheet" href="https://cdn.example/x.css">', "<link> element"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe> element"),
        ('<object data="x.swf"></object>', "<object> element"),
        ('<base href="https://evil.example/">', "<base> element"),
        ('<form action="https://evil.example"></form>', "<form> element"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta http-equiv=refresh>"),
        ('<svg><use href="https://evil.example/a.svg#x"></use></svg>', "remote or local reference in href"),
        ('<div style="background: url(https://evil.example/x.png)">x</div>', "style attribute loads a url()"),
        ("<style>@import 'https://evil.example/x.css';</style>", "stylesheet loads a url() or @import"),
        ("<style>body { background: url('https://evil.example') }</style>", "stylesheet loads a url() or @import"),
    ],
)
def test_each_attack_is_named(body, expected):
    problems = html_problems(DOC.format(body))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_missing_or_lax_policy_is_a_problem():
    no_csp = DOC.replace(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">', "")
    lax = DOC.replace(CSP, "default-src *")
    for doc in (no_csp, lax):
        assert html_problems(doc.format("")) == ["no Content-Security-Policy meta with default-src 'none'"]


def test_relative_links_only_where_allowed():
    doc = DOC.format('<a href="acme.html">Acme</a>')
    assert html_problems(doc, allow_relative_links=True) == []
    assert html_problems(doc) != []
    assert html_problems(DOC.format('<a href="../x.html">x</a>'), allow_relative_links=True) != []


def test_local_paths_are_found_outside_inline_images_only():
    doc = DOC.format(f'<p>read from /srv/data/store</p><img src="{PIXEL}" alt="a">')
    assert html_problems(doc, forbidden=["/srv/data/store"]) == ["contains the local path '/srv/data/store'"]
    assert html_problems(doc, forbidden=["iVBORw0KGgo"]) == []


@given(st.text())
def test_escaped_text_is_always_inert(text):
    assert html_problems(DOC.format(f"<p>{html.escape(text)}</p>")) == []
