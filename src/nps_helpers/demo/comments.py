"""Demo comments: a fixed bank of realistic comments per language, industry, sentiment and theme.

The bank is built once from the fragments in :mod:`phrases` (an opener, one or two theme
sentences, a closer) with a fixed seed, so it is the same whatever seed the demo store
uses. The themes are the codes of each industry's codeframe (``INDUSTRY_THEMES``), so a
bank's comments speak of fees and branches and a shop's of parcels and returns. Rows pick
comments by index, which keeps generation vectorised. The themes each comment was built
from are public (:func:`comment_bank`), so theme tagging can be tested against the truth.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import NpsInputError
from .phrases import PHRASES, fragments

# Theme codes of the industries the demo writes comments for, in codeframe order
# (nps_helpers/themes/<industry>.yaml).
INDUSTRY_THEMES: dict[str, tuple[str, ...]] = {
    "banking": ("fees", "digital", "branches", "staff", "waiting", "support", "security", "products"),
    "telecom": ("installation", "connection", "price", "billing", "support", "staff", "communication", "ordering"),
    "insurance": ("claims", "price", "cover", "renewal", "support", "staff", "communication"),
    "ecommerce": ("delivery", "returns", "product", "price", "stock", "website", "support", "communication"),
    "software": ("usability", "features", "reliability", "performance", "price", "support", "onboarding",
                 "integrations"),
}
DEMO_INDUSTRIES: tuple[str, ...] = tuple(INDUSTRY_THEMES)
SENTIMENTS: tuple[str, ...] = ("neg", "mixed", "pos")
COMMENT_LANGUAGES: tuple[str, ...] = ("en", "pl", "sl", "ru", "de")
BANK_SIZE = 60
_MAX_THEMES = max(len(t) for t in INDUSTRY_THEMES.values())
_BANK_SEED = 20260930


@dataclass(frozen=True)
class CommentBank:
    """Every demo comment in one flat array, addressed by language, industry, sentiment and theme."""

    texts: pa.Array
    languages: np.ndarray
    industries: np.ndarray
    sentiments: np.ndarray
    themes: tuple[tuple[str, ...], ...]
    # [language, industry, sentiment, theme of the industry] -> first index in ``texts``
    # (-1 past the industry's last theme).
    offsets: np.ndarray

    def pick(
        self, language: np.ndarray, industry: int, sentiment: np.ndarray, theme: np.ndarray, u: np.ndarray
    ) -> np.ndarray:
        """Flat indices into ``texts`` for code arrays of language, sentiment and theme (an
        index into ``INDUSTRY_THEMES[DEMO_INDUSTRIES[industry]]``) and uniform draws ``u`` in
        [0, 1) that choose among that cell's comments.

        Examples
        --------
        >>> bank = demo_comment_bank()
        >>> i = bank.pick(np.array([0]), 0, np.array([2]), np.array([0]), np.array([0.5]))
        >>> bank.themes[i[0]][0], str(bank.industries[i[0]]), str(bank.sentiments[i[0]])
        ('fees', 'banking', 'pos')
        """
        start = self.offsets[language, industry, sentiment, theme]
        return start + np.minimum((u * BANK_SIZE).astype(np.int64), BANK_SIZE - 1)


def _compose(
    rng: np.random.Generator, lang: str, industry: str, sentiment: str, theme: str
) -> tuple[str, tuple[str, ...]]:
    words = PHRASES[lang]
    parts = []
    if rng.random() < 0.45:
        parts.append(rng.choice(words["open"][sentiment]))
    main = rng.choice(fragments(lang, industry, theme, sentiment))
    themes: tuple[str, ...] = (theme,)
    if rng.random() < 0.35:
        other = str(rng.choice([t for t in INDUSTRY_THEMES[industry] if t != theme]))
        # A passive's fixable issue reads best after what they already like.
        if sentiment == "mixed":
            parts += [rng.choice(fragments(lang, industry, other, "pos")), main]
        else:
            parts += [main, rng.choice(fragments(lang, industry, other, sentiment))]
        themes = (theme, other)
    else:
        parts.append(main)
    if rng.random() < 0.35:
        parts.append(rng.choice(words["close"][sentiment]))
    return " ".join(str(p) for p in parts), themes


@functools.cache
def demo_comment_bank() -> CommentBank:
    """The comment bank, built once per process (``BANK_SIZE`` distinct comments per cell).

    Examples
    --------
    >>> bank = demo_comment_bank()
    >>> cells = sum(len(t) for t in INDUSTRY_THEMES.values()) * len(SENTIMENTS)
    >>> len(bank.texts) == len(COMMENT_LANGUAGES) * cells * BANK_SIZE
    True
    """
    texts: list[str] = []
    languages: list[str] = []
    industries: list[str] = []
    sentiments: list[str] = []
    themes: list[tuple[str, ...]] = []
    offsets = np.full((len(COMMENT_LANGUAGES), len(DEMO_INDUSTRIES), len(SENTIMENTS), _MAX_THEMES), -1)
    for li, lang in enumerate(COMMENT_LANGUAGES):
        for ii, industry in enumerate(DEMO_INDUSTRIES):
            for si, sentiment in enumerate(SENTIMENTS):
                for ti, theme in enumerate(INDUSTRY_THEMES[industry]):
                    rng = np.random.default_rng([_BANK_SEED, li, ii, si, ti])
                    cell: dict[str, tuple[str, ...]] = {}
                    while len(cell) < BANK_SIZE:
                        text, tags = _compose(rng, lang, industry, sentiment, theme)
                        cell.setdefault(text, tags)
                    offsets[li, ii, si, ti] = len(texts)
                    texts += list(cell)
                    themes += list(cell.values())
                    languages += [lang] * BANK_SIZE
                    industries += [industry] * BANK_SIZE
                    sentiments += [sentiment] * BANK_SIZE
    return CommentBank(
        texts=pa.array(texts, type=pa.string()),
        languages=np.array(languages),
        industries=np.array(industries),
        sentiments=np.array(sentiments),
        themes=tuple(themes),
        offsets=offsets,
    )


def comment_bank(language: str | None = None, industry: str | None = None) -> pd.DataFrame:
    """Every demo comment with its language, industry, sentiment and the themes it was built from.

    Parameters
    ----------
    language
        One of ``COMMENT_LANGUAGES``; all languages when omitted.
    industry
        One of ``DEMO_INDUSTRIES``; all of them when omitted.

    Examples
    --------
    >>> bank = comment_bank("pl", "telecom")
    >>> sorted(bank["sentiment"].unique())
    ['mixed', 'neg', 'pos']
    >>> bank["comment"].is_unique, set(bank["main_theme"]) == set(INDUSTRY_THEMES["telecom"])
    (True, True)
    """
    if language is not None and language not in COMMENT_LANGUAGES:
        raise NpsInputError(
            f"no demo comments in language {language!r}: use one of {', '.join(COMMENT_LANGUAGES)}"
        )
    if industry is not None and industry not in DEMO_INDUSTRIES:
        raise NpsInputError(
            f"no demo comments for industry {industry!r}: use one of {', '.join(DEMO_INDUSTRIES)}"
        )
    bank = demo_comment_bank()
    frame = pd.DataFrame(
        {
            "comment": bank.texts.to_pylist(),
            "language": bank.languages,
            "industry": bank.industries,
            "sentiment": bank.sentiments,
            "main_theme": [t[0] for t in bank.themes],
            "themes": list(bank.themes),
        }
    )
    keep = np.ones(len(frame), dtype=bool)
    if language is not None:
        keep &= frame["language"].to_numpy() == language
    if industry is not None:
        keep &= frame["industry"].to_numpy() == industry
    return frame[keep].reset_index(drop=True)
