"""The last gate before a report is written: is this HTML safe to hand to a client?

A shared report is one inert file: no script, no event handler, nothing fetched from
anywhere (every ``src`` an inline ``data:image``, every ``href`` a ``#fragment``), a
Content-Security-Policy meta that forbids remote sources, alt text on every image, and
none of the machine's file paths.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
FORBIDDEN_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "applet", "base", "link", "form"}
)
URL_ATTRS = frozenset({"src", "href", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background"})
_CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:)[^)'\"\s]", re.I)
_DATA_URI = re.compile(r"data:[a-z+./-]+;base64,[A-Za-z0-9+/=\s]+", re.I)


def html_problems(
    html: str, *, forbidden: Iterable[str] = (), allow_relative_links: bool = False
) -> list[str]:
    """Everything that makes ``html`` unfit to share, one short line each (empty: fit).

    ``forbidden`` are strings that must not appear in the document's text or markup
    outside inline images (e.g. local paths). ``allow_relative_links`` admits
    ``href="other.html"`` (for the internal batch index, never for a report).

    Examples
    --------
    >>> ok = f'<html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head></html>'
    >>> html_problems(ok)
    []
    >>> html_problems(ok.replace("</head>", '<script src="https://cdn.x/y.js"></script></head>'))
    ['<script> element', 'remote or local reference in src: https://cdn.x/y.js']
    """
    scan = _Scanner(allow_relative_links)
    scan.feed(html)
    scan.close()
    problems = list(scan.problems)
    if not scan.has_csp:
        problems.append("no Content-Security-Policy meta with default-src 'none'")
    text = _DATA_URI.sub("", html)
    problems += [f"contains the local path {p!r}" for p in forbidden if p and p in text]
    return problems


class _Scanner(HTMLParser):
    def __init__(self, allow_relative_links: bool):
        super().__init__(convert_charrefs=True)
        self.allow_relative_links = allow_relative_links
        self.problems: list[str] = []
        self.has_csp = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.has_csp = "default-src 'none'" in values.get("content", "")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "img" and not values.get("alt", "").strip():
            self.problems.append("<img> without alt text")
        self._in_style = tag == "style"
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}")
            elif name in URL_ATTRS and not self._safe_url(tag, name, value.strip()):
                self.problems.append(f"remote or local reference in {name}: {value[:60]}")
            elif name == "style" and _CSS_URL.search(value):
                self.problems.append("style attribute loads a url()")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and (_CSS_URL.search(data) or "@import" in data.lower()):
            self.problems.append("stylesheet loads a url() or @import")

    def _safe_url(self, tag: str, name: str, value: str) -> bool:
        if name == "src" and tag == "img":
            return value.lower().startswith("data:image/")
        if name == "href" and tag == "a":
            if value.startswith("#"):
                return True
            return self.allow_relative_links and _is_relative_html(value)
        return False


def _is_relative_html(value: str) -> bool:
    # A report beside the index: <client>.html, or <client>.draft.html for a draft.
    return bool(re.fullmatch(r"[A-Za-z0-9_-]+(\.draft)?\.html", value))
