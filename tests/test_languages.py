"""One demo client rendered with the real notebook in each of the five languages."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import BATCH, demo_project

from nps_helpers.config.params import LANGUAGES
from nps_helpers.present.i18n import catalogue_path
from nps_helpers.render.batch import render_batch

PLACEHOLDER = re.compile(r"\{[^}]*\}")
MIN_FRAGMENT = 16  # shorter runs of English ("Net Promoter Score") are fair in any language


class _Text(HTMLParser):
    """Visible text and alt/title attributes of a page, and the html element's lang."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.lang: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("style", "script"):
            self._skip += 1
        self.parts += [attrs[a] for a in ("alt", "title", "aria-label") if attrs.get(a)]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _english_fragments(language: str) -> set[str]:
    """Runs of English text from catalogue messages that this language translates."""
    with open(catalogue_path(language), "rb") as fh:
        catalogue = read_po(fh)
    found = set()
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            found |= {f.strip() for f in PLACEHOLDER.split(english) if len(f.strip()) >= MIN_FRAGMENT}
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("languages")
    client = next(iter(demo_project(root, clients=1, responses=4000)))
    out: dict[str, Path] = {}
    for language in LANGUAGES:
        target = root / f"out-{language}"
        if language == "pl":  # the acceptance asks for the command line, params untouched
            done = subprocess.run(
                [sys.executable, "-m", "nps_helpers.cli", "render", BATCH, "--client", client,
                 "--language", "pl", "--params", str(root / "params"), "--store",
                 str(root / "store"), "--out", str(target), "--workers", "1"],
                capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stdout + done.stderr
        else:
            result = render_batch(BATCH, clients=[client], language=language, out=target,
                                  params_dir=root / "params", store=root / "store", workers=1,
                                  progress=False)
            assert result.exit_code == 0, result.summary()
        (html,) = target.glob(f"{BATCH}/*/{client}.html")
        out[language] = html
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_declares_its_language(rendered, language):
    assert _read(rendered[language].read_text(encoding="utf-8")).lang == language


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_no_catalogue_sentence_is_left_in_english(rendered, language):
    text = " ".join(_read(rendered[language].read_text(encoding="utf-8")).parts)
    text = re.sub(r"\s+", " ", text)
    leaks = sorted(f for f in _english_fragments(language) if f in text)
    assert not leaks, f"English left in the {language} report: {leaks[:5]}"
    # The English report does hold those fragments, so the check can see a leak.
    english = re.sub(r"\s+", " ", " ".join(_read(rendered["en"].read_text(encoding="utf-8")).parts))
    assert sum(f in english for f in _english_fragments(language)) >= 10


def test_numbers_follow_the_locale(rendered):
    german = " ".join(_read(rendered["de"].read_text(encoding="utf-8")).parts)
    english = " ".join(_read(rendered["en"].read_text(encoding="utf-8")).parts)
    # Thousands: '3,048 responses' in English, '3.048' in German; months by name.
    assert re.search(r"\d\.\d{3}\b", german) and not re.search(r"\d,\d{3}\b", german)
    assert re.search(r"\d,\d{3}\b", english)
    # One quarter style per language, in headings and sentences alike.
    assert "Q3 2026" in german and "Quartal" not in german and "Q3 2026" in english and "quarter 2026" not in english


def test_the_batch_index_follows_the_language(rendered):
    index = (rendered["pl"].parent / "index.html").read_text(encoding="utf-8")
    page = _read(index)
    assert page.lang == "pl"
    assert "Raporty NPS" in " ".join(page.parts) and "Client" not in page.parts
