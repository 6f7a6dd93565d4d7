"""Reading a comment like a coder: tokens, clauses, negation scope, lemmas, sentiment words, keywords.

A language's lexicon (themes/lexicon/<lang>.yaml: negators, contrast words, positive and
negative words, stop words) and a codeframe's keywords are compiled once per language; each
distinct word is read once (its kind, lemma and polarity cached)."""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import yaml
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import StreamDictionaryFactory

from .codeframes import Codeframe

LANGUAGES = ("en", "pl", "sl", "ru", "de")
UNKNOWN = "und"  # ISO 639-2 'undetermined': matched against every language's keywords
BREAK, NEGATOR, CONTRAST, WORD = 0, 1, 2, 3  # token kinds

NEGATION_SCOPE = 3  # words a negator governs ('not very good', 'no problems at all')
GAP = 4  # words a '..' in a keyword lets stand between its two sides ('wait* .. order')

# Words (letters, digits, inner apostrophes) and the punctuation that ends a clause; a
# hyphen splits words, so 'set-up' reads as the phrase 'set up'.
TOKEN = re.compile(r"\w+(?:'\w+)*|[.,;:!?()\[\]\u2026\u2013\u2014]")
LETTER = re.compile(r"[^\W\d_]")

# simplemma's streaming dictionaries: a language's dictionary opens in half the time of the
# default full decode (Polish: ~1.2 s instead of ~2.4 s), and the engine looks each distinct
# word up once anyway (its own cache), so the slower single look-up does not matter.
LEMMATIZER = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=StreamDictionaryFactory()))
CONTRACTED = "n't"  # English negation glued to a verb: didn't, won't

SENTENCE_END = frozenset(".!?\u2026")
POLAR = "@polar"


@dataclass(frozen=True)
class Lexicon:
    """One language's resources, as the lower-case forms and lemmas a token is compared on."""

    negators: frozenset[str]
    contrast: frozenset[str]
    polarity: Mapping[str, int]
    stop_words: frozenset[str]


@dataclass
class Reader:
    """Tokens of one language: each distinct word's kind, lemma and polarity, cached."""

    language: str
    lexicon: Lexicon
    cache: dict[str, tuple[int, str, str, int]] = field(default_factory=dict)

    def token(self, word: str) -> tuple[int, str, str, int]:
        """(kind, lower-case form, lemma as the lemmatiser writes it, polarity) of one token."""
        found = self.cache.get(word)
        if found is None:
            found = self.cache[word] = self._read(word)
        return found

    def _read(self, word: str) -> tuple[int, str, str, int]:
        lower = word.casefold().replace("ё", "е")
        if not LETTER.search(word):
            return (BREAK if len(word) == 1 and not word.isalnum() else WORD), lower, lower, 0
        if lower in self.lexicon.negators or lower.endswith(CONTRACTED):
            return NEGATOR, lower, lower, 0
        if lower in self.lexicon.contrast:
            return CONTRAST, lower, lower, 0
        lemma = lemma_of(word, self.language)
        key = lemma.casefold().replace("ё", "е")
        polarity = self.lexicon.polarity.get(key, self.lexicon.polarity.get(lower, 0))
        return WORD, lower, lemma, polarity

    def read(self, text: str) -> list[tuple[int, str, str, int, int, int]]:
        """Each token of ``text`` as (kind, form, lemma, polarity, clause, negator position or -1)."""
        tokens, clause, negator, left = [], 0, -1, 0
        # Exports decoded in the wrong encoding turn the curly apostrophe into U+FFFD ('didn�t').
        for i, word in enumerate(TOKEN.findall(text.replace("\u2019", "'").replace("\ufffd", "'"))):
            kind, form, lemma, polarity = self.token(word)
            if kind in (BREAK, CONTRAST):
                clause, negator, left = clause + 1, -1, 0
            governed = negator if left > 0 and kind == WORD else -1
            tokens.append((kind, form, lemma, polarity, clause, governed))
            if kind == NEGATOR:
                negator, left = i, NEGATION_SCOPE
            elif kind == WORD:
                left -= 1
        return negated_backwards(tokens)


def negated_backwards(tokens: list) -> list:
    """A negator that ends its clause ('Probleme gab es keine') governs the words before it.

    Examples
    --------
    >>> [t[5] for t in reader_of("de").read("Probleme gab es keine")]
    [3, 3, 3, -1]
    """
    for i, (kind, _, _, _, clause, _) in enumerate(tokens):
        if kind != NEGATOR or any(t[0] == WORD and t[4] == clause for t in tokens[i + 1:i + 2]):
            continue
        before = [j for j in range(i - 1, -1, -1) if tokens[j][4] == clause and tokens[j][0] == WORD]
        for j in before[:NEGATION_SCOPE]:
            tokens[j] = (*tokens[j][:5], i)
    return tokens


def lemma_of(word: str, language: str) -> str:
    """A word's lemma in a language (simplemma); a sentence's first word and a German noun
    written in lower case are looked up in the other case too.

    Examples
    --------
    >>> lemma_of("ceny", "pl"), lemma_of("gebühren", "de"), lemma_of("Installed", "en")
    ('cena', 'Gebühr', 'install')
    """
    if language not in LANGUAGES:
        return word.casefold()
    lemma = LEMMATIZER.lemmatize(word, lang=language)
    if lemma != word:
        return lemma
    # Unknown as written: a sentence's first word ('Wysokie ceny') is known in lower case, a
    # German noun written in lower case ('gebühren') is known capitalised.
    other = word.capitalize() if language == "de" and word.islower() else word.lower()
    found = LEMMATIZER.lemmatize(other, lang=language) if other != word else other
    return found if found != other else word


@functools.cache
def lexicon_of(language: str) -> Lexicon:
    """A language's negators, contrast words, sentiment words and stop words, as forms and
    lemmas (themes/lexicon/<lang>.yaml); 'und' merges every language's.

    Examples
    --------
    >>> "not" in lexicon_of("en").negators, lexicon_of("en").polarity["great"]
    (True, 1)
    """
    if language == UNKNOWN:
        parts = [lexicon_of(code) for code in LANGUAGES]
        return Lexicon(frozenset().union(*(p.negators for p in parts)),
                        frozenset().union(*(p.contrast for p in parts)),
                        {k: v for p in parts for k, v in p.polarity.items()},
                        frozenset().union(*(p.stop_words for p in parts)))
    source = resources.files("nps_helpers") / "themes" / "lexicon" / f"{language}.yaml"
    if not source.is_file():
        return Lexicon(frozenset(), frozenset(), {}, frozenset())
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))

    def forms(key: str, lemmatise: bool = True) -> set[str]:
        words = str(raw.get(key) or "").split()
        found = {w.casefold() for w in words}
        if lemmatise:
            found |= {lemma_of(w, language).casefold() for w in words}
        return found

    polarity = dict.fromkeys(forms("positive"), 1) | dict.fromkeys(forms("negative"), -1)
    return Lexicon(frozenset(forms("negators", False)), frozenset(forms("contrast", False)),
                    polarity, frozenset(forms("stop_words")))


@functools.cache
def reader_of(language: str) -> Reader:
    """The (cached) reader of a language's tokens.

    Examples
    --------
    >>> [t[0] == WORD for t in reader_of("en").read("Great, but slow")]
    [True, False, False, True]
    """
    return Reader(language, lexicon_of(language))


@dataclass(frozen=True)
class Keyword:
    """One keyword: its theme, each word's forms ('*' pattern, @polar, or None for a '..' gap),
    whether negation voids it and whether it is weak ('?')."""

    theme: str
    words: tuple[frozenset[str] | re.Pattern | str | None, ...]
    voidable: bool
    weak: bool = False

    def word_matches(self, j: int, form: str, lemma: str, polarity: int = 0) -> bool:
        word = self.words[j]
        if isinstance(word, frozenset):
            return form in word or lemma in word
        if word == POLAR:
            return polarity != 0
        assert isinstance(word, re.Pattern), "a '..' gap (None) is stepped over by _rest_matches"
        return bool(word.fullmatch(lemma) or word.fullmatch(form))


class Matcher:
    """A codeframe's keywords in one language, looked up per distinct token."""

    def __init__(self, keywords: Sequence[Keyword], reader: Reader):
        self.reader = reader
        self.exact: dict[str, list[Keyword]] = {}
        self.wild = [k for k in keywords if not isinstance(k.words[0], frozenset)]
        for k in keywords:
            for form in k.words[0] if isinstance(k.words[0], frozenset) else ():
                self.exact.setdefault(form, []).append(k)
        self.starts: dict[tuple[str, str], tuple[Keyword, ...]] = {}
        self.cache: dict[str, dict[str, str | None]] = {}

    def mentions(self, text: str) -> dict[str, str | None]:
        """Theme -> sentiment of the themes ``text`` names; None where its clauses carry none."""
        found = self.cache.get(text)
        if found is None:
            found = self.cache[text] = self._mentions(text)
        return found

    def _mentions(self, text: str) -> dict[str, str | None]:
        tokens = self.reader.read(text)
        # (theme, weak, sentence, polarity of its clause) for each keyword found
        hits: list[tuple[str, bool, int, int | None]] = []
        sentence = 0
        for i, (kind, form, lemma, polarity, clause, negator) in enumerate(tokens):
            if kind not in (WORD, NEGATOR):  # a phrase may start with its negator: 'no show'
                sentence += kind == BREAK and form in SENTENCE_END
                continue
            lemma = lemma.casefold()
            starts = self.starts.get((form, lemma))
            if starts is None:
                found = self.exact.get(form, []) + self.exact.get(lemma, [])
                found += [k for k in self.wild if k.word_matches(0, form, lemma, polarity)]
                starts = self.starts[form, lemma] = tuple(dict.fromkeys(found))
            # A word that starts several keywords of one theme is one mention of it.
            named: dict[str, bool] = {}
            for k in starts:
                if not (negator >= 0 and k.voidable) and self._rest_matches(k, tokens, i, 1, i):
                    named[k.theme] = named.get(k.theme, True) and k.weak
            for theme, weak in named.items():
                hits.append((theme, weak, sentence, clause_polarity(tokens, clause, negator >= 0)))
        strong = {s for _, weak, s, _ in hits if not weak}
        votes: dict[str, list[int | None]] = {}
        for theme, weak, s, vote in hits:
            if not (weak and s in strong):
                votes.setdefault(theme, []).append(vote)
        return {theme: verdict(v) for theme, v in votes.items()}

    @classmethod
    def _rest_matches(cls, keyword: Keyword, tokens, i: int, j: int, start: int) -> bool:
        """Whether keyword's words from the j-th on match from token i + 1 (a gap may stretch)."""
        if j == len(keyword.words):
            return True
        clause = tokens[start][4]
        if keyword.words[j] is None:
            return any(cls._rest_matches(keyword, tokens, i + skip, j + 1, start)
                       for skip in range(GAP + 1))
        if i + 1 >= len(tokens):
            return False
        kind, form, lemma, polarity, c, _ = tokens[i + 1]
        return (c == clause and kind != BREAK
                and keyword.word_matches(j, form, lemma.casefold(), polarity)
                and cls._rest_matches(keyword, tokens, i + 1, j + 1, start))


def clause_polarity(tokens, clause: int, negated: bool) -> int | None:
    """+1 / -1 / 0 from the clause's sentiment words (flipped under a negator); None if it has none.

    Examples
    --------
    >>> tokens = reader_of("en").read("not good")
    >>> clause_polarity(tokens, 0, False), clause_polarity(reader_of("en").read("the box"), 0, True)
    (-1, -1)
    """
    polar = [p if n < 0 else -p for _, _, _, p, c, n in tokens if c == clause and p]
    if not polar:
        return -1 if negated else None
    return int(np.sign(sum(polar)))


def verdict(votes: list[int | None]) -> str | None:
    """One theme's sentiment from its mentions: their balance, complaints winning a tie.

    Examples
    --------
    >>> verdict([1, -1]), verdict([1, 1, -1]), verdict([0]), verdict([None])
    ('negative', 'positive', 'neutral', None)
    """
    known = [v for v in votes if v is not None]
    if not known:
        return None
    total = sum(known)
    if total > 0:
        return "positive"
    return "negative" if total < 0 or any(known) else "neutral"


def matcher_of(frame: Codeframe, language: str) -> Matcher:
    """A codeframe's keywords in one language, compiled for :meth:`Matcher.mentions`.

    Examples
    --------
    >>> frame = Codeframe("x", ("price",), {}, {"en": {"price": ("price", "value for money")}})
    >>> matcher_of(frame, "en").mentions("Poor value for money")
    {'price': 'negative'}
    """
    keywords = []
    for theme, words in frame.keywords.get(language, {}).items():
        for keyword in words:
            marks = keyword[:len(keyword) - len(keyword.lstrip("~?"))]
            parts: list[frozenset[str] | re.Pattern | str | None] = []
            for word in keyword.lstrip("~?").replace("-", " ").split():
                lower = word.casefold().replace("ё", "е")
                if word == "..":
                    parts.append(None)
                elif word == POLAR:
                    parts.append(POLAR)
                elif "*" in lower:
                    parts.append(re.compile(r"\w*".join(re.escape(p) for p in lower.split("*"))))
                else:
                    parts.append(frozenset({lower, lemma_of(word, language).casefold()}))
            keywords.append(Keyword(theme, tuple(parts), "~" in marks, "?" in marks))
    return Matcher(keywords, reader_of(language))
