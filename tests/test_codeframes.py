"""Industry codeframes (nps_helpers/themes/<industry>.yaml): one per industry the params accept,
with the agreed theme codes in codeframe order, labels and keywords in all five languages.

The files are loaded directly with yaml.safe_load, so a broken codeframe fails here with the
industry and theme named, whatever the tagging engine makes of it.
"""
from __future__ import annotations

from importlib import resources

import pytest
import yaml

from nps_helpers.config.params import INDUSTRIES

LANGUAGES = ("en", "pl", "sl", "ru", "de")

# The theme codes agreed for issue 15, in codeframe order; the demo and the report rely on them.
THEME_CODES = {
    "telecom": ["installation", "connection", "price", "billing", "support", "staff",
                "communication", "ordering"],
    "banking": ["fees", "digital", "branches", "staff", "waiting", "support", "security",
                "products"],
    "insurance": ["claims", "price", "cover", "renewal", "support", "staff", "communication"],
    "retail": ["delivery", "returns", "product", "price", "stock", "staff", "website", "support"],
    "ecommerce": ["delivery", "returns", "product", "price", "stock", "website", "support",
                  "communication"],
    "software": ["usability", "features", "reliability", "performance", "price", "support",
                 "onboarding", "integrations"],
    "airlines": ["punctuality", "booking", "check_in", "baggage", "comfort", "crew", "food",
                 "price", "support"],
    "hospitality": ["room", "cleanliness", "staff", "food", "location", "price", "booking",
                    "facilities"],
    "healthcare": ["waiting", "appointments", "doctors", "staff", "communication", "facilities",
                   "billing", "treatment"],
    "utilities": ["billing", "price", "supply", "meters", "support", "switching",
                  "communication"],
}

# Bare evaluation words carry sentiment, not a theme: none may be a keyword on its own.
EVALUATION_WORDS = {
    "en": {"good", "bad", "great", "terrible", "excellent", "poor", "awful", "fine", "ok",
           "okay", "best", "worst", "amazing", "horrible", "brilliant", "rubbish", "perfect"},
    "pl": {"dobry", "dobra", "dobre", "dobrze", "zły", "zła", "złe", "źle", "super", "świetny",
           "świetnie", "fatalny", "fatalnie", "okropny", "beznadziejny", "słaby", "słabo"},
    "sl": {"dober", "dobra", "dobro", "slab", "slaba", "slabo", "super", "odličen", "odlično",
           "grozen", "grozno", "katastrofa", "zanič", "vrhunski"},
    "ru": {"хороший", "хорошо", "плохой", "плохо", "отлично", "отличный", "ужасно", "ужасный",
           "супер", "прекрасно", "кошмар", "нормально", "отвратительно"},
    "de": {"gut", "schlecht", "super", "toll", "prima", "klasse", "schrecklich", "furchtbar",
           "katastrophal", "miserabel", "hervorragend", "perfekt", "mies", "sehr gut"},
}


def _codeframe(industry: str) -> dict:
    source = resources.files("nps_helpers") / "themes" / f"{industry}.yaml"
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def _keywords(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines()]


def test_the_mapping_covers_exactly_the_industries_the_params_accept():
    assert set(THEME_CODES) == set(INDUSTRIES)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_codeframe_has_the_agreed_themes_in_order(industry):
    frame = _codeframe(industry)
    assert frame["industry"] == industry
    assert list(frame["themes"]) == THEME_CODES[industry]


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_theme_has_label_about_and_keywords_in_five_languages(industry):
    for code, theme in _codeframe(industry)["themes"].items():
        assert set(theme["label"]) == set(LANGUAGES), (industry, code)
        assert all(isinstance(v, str) and v.strip() for v in theme["label"].values()), code
        assert isinstance(theme["about"], str) and theme["about"].strip(), code
        assert set(theme["keywords"]) == set(LANGUAGES), (industry, code)
        for lang in LANGUAGES:
            assert isinstance(theme["keywords"][lang], str), (industry, code, lang)
            assert _keywords(theme["keywords"][lang]), (industry, code, lang)


def _keyword_problems(industry: str, frame: dict) -> list[str]:
    problems = []
    for code, theme in frame["themes"].items():
        for lang in LANGUAGES:
            seen: set[str] = set()
            for keyword in _keywords(theme["keywords"][lang]):
                word = keyword.lstrip("~").strip().lower()
                where = f"{industry}/{code}/{lang}: {keyword!r}"
                if not word.strip("*"):
                    problems.append(f"{where} is empty")
                elif word in seen:
                    problems.append(f"{where} is listed twice")
                elif word in EVALUATION_WORDS[lang]:
                    problems.append(f"{where} is an evaluation word")
                seen.add(word)
    return problems


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_keywords_are_not_empty_duplicated_or_bare_evaluation_words(industry):
    assert _keyword_problems(industry, _codeframe(industry)) == []


def test_keyword_check_names_an_empty_line_a_duplicate_and_an_evaluation_word():
    block = "install\n\nInstall\n~good\n~problem\n"
    frame = {"themes": {"installation": {"keywords": {lang: block for lang in LANGUAGES}}}}
    assert _keyword_problems("x", frame)[:3] == [
        "x/installation/en: '' is empty",
        "x/installation/en: 'Install' is listed twice",
        "x/installation/en: '~good' is an evaluation word",
    ]
