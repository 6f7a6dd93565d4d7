"""Demo comments: a fixed bank of realistic comments per language, sentiment and theme.

The bank is built once from the fragments in :mod:`phrases` (an opener, one or two theme
sentences, a closer) with a fixed seed, so it is the same whatever seed the demo store
uses. Rows pick comments by index, which keeps generation vectorised. The themes each
comment was built from are public (:func:`comment_bank`), so theme tagging can be tested
against the truth.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import NpsInputError
from .phrases import PHRASES

THEMES: tuple[str, ...] = (
    "price",
    "support",
    "delivery",
    "quality",
    "usability",
    "billing",
    "staff",
    "reliability",
)
SENTIMENTS: tuple[str, ...] = ("neg", "mixed", "pos")
COMMENT_LANGUAGES: tuple[str, ...] = ("en", "pl", "sl", "ru", "de")
BANK_SIZE = 80
_BANK_SEED = 20260930


@dataclass(frozen=True)
class CommentBank:
    """Every demo comment in one flat array, addressed by language, sentiment and theme."""

    texts: pa.Array
    languages: np.ndarray
    sentiments: np.ndarray
    themes: tuple[tuple[str, ...], ...]
    offsets: np.ndarray  # [language, sentiment, main theme] -> first index in ``texts``

    def pick(self, language: np.ndarray, sentiment: np.ndarray, theme: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Flat indices into ``texts`` for code arrays of language, sentiment, theme and
        uniform draws ``u`` in [0, 1) that choose among that cell's comments.

        Examples
        --------
        >>> bank = demo_comment_bank()
        >>> i = bank.pick(np.array([0]), np.array([2]), np.array([0]), np.array([0.5]))
        >>> bank.themes[i[0]][0], str(bank.sentiments[i[0]])
        ('price', 'pos')
        """
        start = self.offsets[language, sentiment, theme]
        return start + np.minimum((u * BANK_SIZE).astype(np.int64), BANK_SIZE - 1)


def _compose(rng: np.random.Generator, lang: str, sentiment: str, theme: str) -> tuple[str, tuple[str, ...]]:
    words = PHRASES[lang]
    parts = []
    if rng.random() < 0.45:
        parts.append(rng.choice(words["open"][sentiment]))
    main = rng.choice(words["themes"][theme][sentiment])
    themes: tuple[str, ...] = (theme,)
    if rng.random() < 0.35:
        other = rng.choice([t for t in THEMES if t != theme])
        # A passive's fixable issue reads best after what they already like.
        if sentiment == "mixed":
            parts += [rng.choice(words["themes"][other]["pos"]), main]
        else:
            parts += [main, rng.choice(words["themes"][other][sentiment])]
        themes = (theme, str(other))
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
    >>> len(bank.texts) == len(COMMENT_LANGUAGES) * len(SENTIMENTS) * len(THEMES) * BANK_SIZE
    True
    """
    texts, languages, sentiments, themes = [], [], [], []
    for li, lang in enumerate(COMMENT_LANGUAGES):
        for si, sentiment in enumerate(SENTIMENTS):
            for ti, theme in enumerate(THEMES):
                rng = np.random.default_rng([_BANK_SEED, li, si, ti])
                cell: dict[str, tuple[str, ...]] = {}
                while len(cell) < BANK_SIZE:
                    text, tags = _compose(rng, lang, sentiment, theme)
                    cell.setdefault(text, tags)
                texts += list(cell)
                themes += list(cell.values())
                languages += [lang] * BANK_SIZE
                sentiments += [sentiment] * BANK_SIZE
    cells = (len(COMMENT_LANGUAGES), len(SENTIMENTS), len(THEMES))
    offsets = (np.arange(np.prod(cells)) * BANK_SIZE).reshape(cells)
    return CommentBank(
        texts=pa.array(texts, type=pa.string()),
        languages=np.array(languages),
        sentiments=np.array(sentiments),
        themes=tuple(themes),
        offsets=offsets,
    )


def comment_bank(language: str | None = None) -> pd.DataFrame:
    """Every demo comment with its language, sentiment and the themes it was built from.

    Parameters
    ----------
    language
        One of ``COMMENT_LANGUAGES``; all languages when omitted.

    Examples
    --------
    >>> bank = comment_bank("pl")
    >>> sorted(bank["sentiment"].unique())
    ['mixed', 'neg', 'pos']
    >>> bank["comment"].is_unique, set(bank["main_theme"]) == set(THEMES)
    (True, True)
    """
    if language is not None and language not in COMMENT_LANGUAGES:
        raise NpsInputError(
            f"no demo comments in language {language!r}: use one of {', '.join(COMMENT_LANGUAGES)}"
        )
    bank = demo_comment_bank()
    frame = pd.DataFrame(
        {
            "comment": bank.texts.to_pylist(),
            "language": bank.languages,
            "sentiment": bank.sentiments,
            "main_theme": [t[0] for t in bank.themes],
            "themes": list(bank.themes),
        }
    )
    if language is not None:
        frame = frame[frame["language"] == language].reset_index(drop=True)
    return frame
