"""Comment fragments of the demo data, one module per language, written as customers write.

Each language has openers and closers (``open``, ``close``: no theme words, so a comment's
themes are exactly those of its theme fragments), fragments of the themes every industry
shares (``common``: support, staff, communication) and, per industry, fragments per theme
code of that industry's codeframe. Each theme has three sentiments: ``neg`` (detractors
complain), ``mixed`` (passives with a fixable issue) and ``pos`` (promoters praise, at times
by negation: "no problems with the app").
"""
from __future__ import annotations

from . import de, en, pl, ru, sl

PHRASES: dict[str, dict] = {"en": en.PHRASES, "pl": pl.PHRASES, "sl": sl.PHRASES, "ru": ru.PHRASES, "de": de.PHRASES}


def fragments(language: str, industry: str, theme: str, sentiment: str) -> list[str]:
    """The theme sentences of one cell: the industry's own, then the shared ones for the code.

    Examples
    --------
    >>> fragments("en", "telecom", "installation", "neg")[0]
    'Three weeks waiting for the engineer to install the broadband.'
    >>> len(fragments("de", "banking", "staff", "pos")) >= 3
    True
    """
    words = PHRASES[language]
    return [*words[industry].get(theme, {}).get(sentiment, []), *words["common"].get(theme, {}).get(sentiment, [])]
