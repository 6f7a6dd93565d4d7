"""Comments: language, themes by keyword, distinctive words, passives close to promoting.

Everything runs offline from the dictionaries in ``nps_helpers/themes/<lang>.yaml`` (en,
pl, sl, ru, de) plus a client's additions from params. Each comment is read in its own
language: its ``language`` when given, else a guess from stop words and letters
(:func:`detect_language`); a comment whose language stays unknown is matched against
every dictionary. Keywords use ``*`` for any letters, so one stem covers the inflected
forms ('cen*': cena, ceny, cenie) and German compounds ('*service*': Kundenservice).
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from .errors import NpsInputError, NpsParamsError
from .experience import wilson
from .metrics import CATEGORIES, categorize

LANGUAGES = ("en", "pl", "sl", "ru", "de")
THEMES = ("price", "support", "delivery", "quality", "usability", "billing", "staff", "reliability")
UNKNOWN = "und"  # ISO 639-2 'undetermined': matched against every dictionary
Extra = Mapping[str, Mapping[str, Sequence[str]]]

# Letters that mark a language among the five (Polish ż is not Slovenian ž).
_MARKS = {"pl": set("ąćęłńśźżó"), "sl": set("čšž"), "de": set("äöüß")}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
# A customer may write an e-mail address into a comment; a shared report never shows it.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_MASK = "…@…"


@dataclass(frozen=True)
class Dictionary:
    """Theme keywords and stop words of one language.

    Keywords are compiled per theme in two parts: one-word keywords, matched against each
    word of a comment (fast: a comment's words are looked up once), and phrases, searched
    for in the whole comment.
    """

    language: str
    keywords: Mapping[str, tuple[str, ...]]
    stop_words: frozenset[str]
    words: Mapping[str, re.Pattern] = field(repr=False, default_factory=dict)
    phrases: Mapping[str, re.Pattern] = field(repr=False, default_factory=dict)

    def themes_of(self, text: str, cache: dict[str, frozenset[str]]) -> set[str]:
        """Themes named in one normalised comment; ``cache`` remembers each word's themes."""
        found: set[str] = set()
        for word in set(_WORD.findall(text)):
            hit = cache.get(word)
            if hit is None:
                hit = cache[word] = frozenset(t for t, p in self.words.items() if p.fullmatch(word))
            found |= hit
        found.update(t for t, p in self.phrases.items() if t not in found and p.search(text))
        return found


@dataclass(frozen=True)
class PassivesResult:
    """Passives (7-8) whose comments name a fixable theme.

    ``close`` of ``passives`` (with a Wilson interval on the share); ``by_theme`` counts
    them per theme (theme, passives, share of all passives); ``rows`` lists them for the
    internal follow-up CSV (it holds customer ids: never put it in a shared report).
    """

    passives: int
    close: int
    share: float
    ci_low: float
    ci_high: float
    by_theme: pd.DataFrame
    rows: pd.DataFrame


def dictionary(language: str, extra: Extra | None = None) -> Dictionary:
    """The theme dictionary of ``language`` (a shipped one, plus ``extra`` additions).

    ``extra`` is ``ClientParams.themes``: ``{lang: {theme: [keywords]}}``; a new theme
    name is added as given, a known one gains the keywords.

    Examples
    --------
    >>> d = dictionary("pl", {"pl": {"parking": ["parking*"]}})
    >>> "cena" in d.keywords["price"], d.keywords["parking"]
    (True, ('parking*',))
    """
    base = _shipped(language) if language in LANGUAGES else Dictionary(language, {}, frozenset())
    additions = (extra or {}).get(language, {})
    if not additions:
        return base
    keywords = dict(base.keywords)
    for theme, words in additions.items():
        keywords[theme] = tuple(dict.fromkeys([*keywords.get(theme, ()), *_checked(language, theme, words)]))
    return _compiled(language, keywords, base.stop_words)


def detect_language(texts: Sequence[str] | pd.Series) -> pd.Series:
    """Best guess among en, pl, sl, ru, de for each text; <NA> when nothing points anywhere.

    Cyrillic means Russian; otherwise stop words (shared ones count for each language
    that uses them, split) and the letters peculiar to Polish, Slovenian or German vote.

    Examples
    --------
    >>> detect_language(["Obsługa była bardzo miła", "To je bilo zelo počasi",
    ...     "Доставка опоздала", "Die Lieferung war zu spät", "It was late", "Super!"]).tolist()
    ['pl', 'sl', 'ru', 'de', 'en', <NA>]
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    owners = _stop_word_owners()
    guesses = _per_distinct(series.to_numpy(dtype=object), lambda text: _guess(text, owners))
    return pd.Series(guesses, index=series.index, dtype="string")


def tag_themes(
    comments: pd.Series,
    languages: pd.Series | Sequence[str | None] | str | None = None,
    extra: Extra | None = None,
) -> pd.DataFrame:
    """Themes named in each comment: a tidy frame of (row, theme, language).

    ``row`` is the comment's index label; a comment naming no theme has no row, one
    naming two has two. ``languages`` is one code for all, one per comment, or None to
    detect; codes like 'pl-PL' count as 'pl'.

    Examples
    --------
    >>> comments = pd.Series(["Za drogo, a kurier się spóźnił", "Support never answers", None])
    >>> tag_themes(comments, ["pl", "en", "en"]).to_dict("list")
    {'row': [0, 0, 1], 'theme': ['price', 'delivery', 'support'], 'language': ['pl', 'pl', 'en']}
    """
    text = comments.astype("string").fillna("").reset_index(drop=True)
    langs = comment_languages(text, languages, extra)
    # Comments repeat (survey templates, 'Great service', empty ones), so each distinct
    # (language, text) pair is read once and its themes are copied to every row holding it.
    lang_codes, lang_values = pd.factorize(langs)
    text_codes, text_values = pd.factorize(text)
    lang_values, text_values = lang_values.to_numpy(dtype=object), text_values.to_numpy(dtype=object)
    pair_codes, pairs = pd.factorize(lang_codes * len(text_values) + text_codes)
    readers: dict[str, tuple[Dictionary, dict[str, frozenset[str]]]] = {}
    found = []
    for language_code, text_code in zip(*np.divmod(pairs, len(text_values)), strict=True):
        language, value = lang_values[language_code], _normalise(text_values[text_code])
        themes: set[str] = set()
        for code in LANGUAGES if language == UNKNOWN else (language,):
            if code not in readers:
                readers[code] = dictionary(code, extra), {}
            d, cache = readers[code]
            themes |= d.themes_of(value, cache)
        found.append(sorted(themes, key=_theme_order))
    sizes = np.fromiter((len(found[c]) for c in pair_codes), dtype=np.int64, count=len(pair_codes))
    positions = np.repeat(np.arange(len(text)), sizes)
    tags = pd.DataFrame({
        "row": comments.index[positions],
        "theme": [theme for c in pair_codes for theme in found[c]],
        "language": lang_values[lang_codes[positions]],
    })
    return tags.astype({"theme": "string", "language": "string"})


def comment_languages(
    comments: pd.Series,
    languages: pd.Series | Sequence[str | None] | str | None = None,
    extra: Extra | None = None,
) -> pd.Series:
    """The language each comment is read in: given (normalised), else detected, else 'und'.

    Examples
    --------
    >>> comment_languages(pd.Series(["Bardzo miła obsługa", "fine", "ok"]), [None, "EN-gb", "fr"]).tolist()
    ['pl', 'en', 'und']
    """
    known = set(LANGUAGES) | set(extra or {})
    if languages is None or isinstance(languages, str):
        given = pd.Series([languages] * len(comments), index=comments.index, dtype="object")
    else:
        values = list(languages)
        if len(values) != len(comments):
            raise NpsInputError(f"languages: got {len(values)} codes for {len(comments)} comments")
        given = pd.Series(values, index=comments.index, dtype="object")
    codes = _per_distinct(given.to_numpy(dtype=object), _language_code)
    missing = pd.isna(codes)
    if missing.any():
        codes[missing] = detect_language(comments[missing].astype("string").fillna("")).to_numpy(dtype=object)
    codes = _per_distinct(codes, lambda c: c if isinstance(c, str) and c in known else UNKNOWN)
    return pd.Series(codes, index=comments.index, dtype="string")


def theme_counts(responses: pd.DataFrame, tags: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Share of commenting customers naming each theme, per category and overall.

    Columns: category ('detractor', 'passive', 'promoter', 'overall'), theme, comments
    (non-empty comments in the category), mentions, share, ci_low, ci_high (Wilson).

    Examples
    --------
    >>> responses = pd.DataFrame({"score": [2, 3, 10], "comment": ["too expensive", "slow", "great"]})
    >>> tags = tag_themes(responses["comment"], "en")
    >>> counts = theme_counts(responses, tags).query("category == 'detractor' and mentions > 0")
    >>> counts[["theme", "mentions", "share"]].to_dict("records")
    [{'theme': 'price', 'mentions': 1, 'share': 0.5}, {'theme': 'delivery', 'mentions': 1, 'share': 0.5}]
    """
    commented = responses["comment"].astype("string").str.strip().fillna("") != ""
    cats = pd.Series(categorize(responses["score"]).astype("string").to_numpy(), index=responses.index)
    themes = list(dict.fromkeys([*THEMES, *tags["theme"].tolist()]))
    tagged = tags.drop_duplicates(["row", "theme"]).assign(category=cats.loc[tags["row"]].to_numpy())
    rows = []
    for category in [*CATEGORIES, "overall"]:
        inside = commented if category == "overall" else commented & (cats == category)
        subset = tagged if category == "overall" else tagged[tagged["category"] == category]
        mentions = subset["theme"].value_counts()
        rows += [{"category": category, "theme": t, "comments": int(inside.sum()),
                  "mentions": int(mentions.get(t, 0))} for t in themes]
    table = pd.DataFrame(rows)
    share, low, high = wilson(table["mentions"], table["comments"], level)
    return table.assign(share=share, ci_low=low, ci_high=high)


def distinctive_words(
    texts: pd.Series,
    groups: pd.Series,
    languages: pd.Series | Sequence[str | None] | str | None = None,
    *,
    min_count: int = 3,
    extra: Extra | None = None,
) -> pd.DataFrame:
    """Words that set each group apart from the others: log-odds with an informative prior.

    Monroe, Colaresi & Quinn (2008), "Fightin' words", eq. 16 and 20: the prior
    ``alpha_w`` is the word's count in all texts together, so rare words are shrunk
    towards the overall rate; ``z`` is the log-odds ratio over its standard error. Stop
    words are removed in each text's own language. Words seen fewer than ``min_count``
    times in all are left out.

    Examples
    --------
    >>> texts = pd.Series(["great staff", "great price", "slow delivery", "slow support"])
    >>> words = distinctive_words(texts, pd.Series(["promoter"] * 2 + ["detractor"] * 2), "en", min_count=2)
    >>> words.groupby("group")["word"].first().to_dict()
    {'detractor': 'slow', 'promoter': 'great'}
    """
    text = texts.astype("string").fillna("")
    labels = pd.Series(groups).astype("string")
    if len(labels) != len(text):
        raise NpsInputError(f"groups: got {len(labels)} labels for {len(text)} texts")
    langs = comment_languages(text, languages, extra)
    # Texts repeat: the words of each distinct (language, text) are counted once, times
    # the number of its rows in each group (a missing group is left out).
    repeats = pd.DataFrame({"group": labels.to_numpy(), "language": langs.to_numpy(), "text": text.to_numpy()})
    words_of: dict[tuple[str, str], Counter] = {}
    counts: dict[str, Counter] = {}
    for (group, language, value), n in repeats.groupby(["group", "language", "text"], sort=False).size().items():
        words = words_of.get((language, value))
        if words is None:
            stops = _stop_words(language)
            words = words_of[language, value] = Counter(
                w for w in _WORD.findall(_normalise(value)) if len(w) > 1 and w not in stops)
        counter = counts.setdefault(group, Counter())
        for word, count in words.items():
            counter[word] += count * int(n)
    total = sum(counts.values(), Counter())
    vocab = sorted(w for w, c in total.items() if c >= min_count)
    if len(counts) < 2 or not vocab:
        return pd.DataFrame({"group": pd.Series(dtype="string"), "word": pd.Series(dtype="string"),
                             "count": pd.Series(dtype="int64"), "count_other": pd.Series(dtype="int64"),
                             "log_odds": pd.Series(dtype="float64"), "z": pd.Series(dtype="float64")})
    alpha = np.array([total[w] for w in vocab], dtype=float)
    alpha0 = float(sum(total.values()))
    frames = []
    for group, counter in sorted(counts.items()):
        y_i = np.array([counter[w] for w in vocab], dtype=float)
        y_j = alpha - y_i
        n_i = float(sum(counter.values()))
        n_j = alpha0 - n_i
        delta = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - np.log(
            (y_j + alpha) / (n_j + alpha0 - y_j - alpha)
        )
        z = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        frames.append(pd.DataFrame({"group": group, "word": vocab, "count": y_i.astype("int64"),
                                    "count_other": y_j.astype("int64"), "log_odds": delta, "z": z}))
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["group", "z", "word"], ascending=[True, False, True])
    return table.astype({"group": "string", "word": "string"}).reset_index(drop=True)


def passives_close_to_promoting(
    responses: pd.DataFrame,
    tags: pd.DataFrame,
    *,
    fixable: Sequence[str] | None = None,
    level: float = 0.95,
) -> PassivesResult:
    """Passives (7-8) whose comment names a fixable theme; 8s first, then the most recent.

    Every dictionary theme is something the client can act on, so ``fixable`` defaults
    to all themes; pass a narrower list to leave some out (say, price).

    Examples
    --------
    >>> responses = pd.DataFrame({"score": [8, 7, 7, 10], "comment": [
    ...     "Delivery was late", "Fine", "Support is slow", "Great support"]})
    >>> r = passives_close_to_promoting(responses, tag_themes(responses["comment"], "en"))
    >>> r.passives, r.close, r.rows["themes"].tolist()
    (3, 2, ['delivery', 'support;delivery'])
    """
    scores = pd.to_numeric(responses["score"])
    passive = scores.between(7, 8)
    chosen = tags if fixable is None else tags[tags["theme"].isin(list(fixable))]
    chosen = chosen[chosen["row"].isin(responses.index[passive])]
    themes = joined_themes(chosen)
    keep = [c for c in ("response_id", "customer_id", "responded_at", "score", "comment", "language")
            if c in responses.columns]
    rows = responses.loc[themes.index, keep].assign(themes=themes.to_numpy())
    order = ["score", "responded_at"] if "responded_at" in rows.columns else ["score"]
    rows = rows.sort_values(order, ascending=False, kind="stable").reset_index(drop=True)
    n_passive, n_close = int(passive.sum()), len(rows)
    share, low, high = wilson([n_close], [n_passive], level)
    by_theme = chosen["theme"].value_counts().rename_axis("theme").reset_index(name="passives")
    by_theme["share"] = by_theme["passives"] / n_passive if n_passive else np.nan
    return PassivesResult(n_passive, n_close, float(share[0]), float(low[0]), float(high[0]),
                          by_theme.astype({"theme": "string"}), rows)


def joined_themes(tags: pd.DataFrame, sep: str = ";") -> pd.Series:
    """Each tagged row's themes as one text ('support;billing'), indexed by row label.

    Rows come in the order they first appear in ``tags`` and keep their themes' order;
    a missing row label is left out.

    Examples
    --------
    >>> joined_themes(pd.DataFrame({"row": [3, 1, 3], "theme": ["price", "staff", "billing"]})).to_dict()
    {3: 'price;billing', 1: 'staff'}
    """
    codes, labels = pd.factorize(tags["row"])
    inside = codes >= 0
    codes = codes[inside]
    # One stable sort puts each row's themes side by side: a join per row instead of a
    # pandas group per row.
    themes = tags["theme"].to_numpy(dtype=object)[inside][np.argsort(codes, kind="stable")]
    sizes = np.bincount(codes, minlength=len(labels))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    return pd.Series([sep.join(themes[a:b]) for a, b in zip(starts, ends, strict=True)],
                     index=pd.Index(labels, name="row"), name="theme", dtype="string")


# --- internals --------------------------------------------------------------------------
def _per_distinct(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` of each value, called once per distinct value (and once, on None, for missing ones)."""
    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:] = [*(fn(v) for v in uniques), fn(None)]
    return results[codes]


def _language_code(code) -> str | None:
    """'pl-PL', ' EN_gb' -> 'pl', 'en'; None for anything that is not a code."""
    return re.split(r"[-_]", code.strip().lower())[0] if isinstance(code, str) and code.strip() else None


def _theme_order(theme: str) -> tuple[int, str]:
    """Known themes in the order of THEMES, then a client's own ones by name."""
    return (THEMES.index(theme) if theme in THEMES else len(THEMES), theme)


def _normalise(text: str) -> str:
    """Lower case, 'ё' as 'е', 'ß' as 'ss', one kind of apostrophe: how keywords are compared."""
    return text.casefold().replace("ё", "е").replace("\u2019", "'")


@functools.cache
def _shipped(language: str) -> Dictionary:
    source = resources.files("nps_helpers") / "themes" / f"{language}.yaml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    keywords = {theme: tuple(_lines(block)) for theme, block in raw["themes"].items()}
    return _compiled(language, keywords, frozenset(_normalise(w) for w in raw["stop_words"].split()))


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def _checked(language: str, theme: str, words: Sequence[str]) -> list[str]:
    if isinstance(words, str):
        words = [words]
    for word in words:
        if not isinstance(word, str) or not word.replace("*", "").strip():
            raise NpsParamsError(
                f"key 'themes.{language}.{theme}': keyword {word!r} is empty or only '*'; "
                "give a word or a stem such as 'parking*'"
            )
    return [w.strip() for w in words]


def _compiled(language: str, keywords: Mapping[str, tuple[str, ...]], stops: frozenset[str]) -> Dictionary:
    words, phrases = {}, {}
    for theme, keys in keywords.items():
        single = [_word_regex(k) for k in keys if len(_normalise(k).split()) == 1]
        several = [_phrase_regex(k) for k in keys if len(_normalise(k).split()) > 1]
        if single:
            words[theme] = re.compile("|".join(single))
        if several:
            # The word-boundary checks wrap all of a theme's phrases at once: most positions
            # in a comment are mid-word and fail the first check, instead of one per phrase.
            phrases[theme] = re.compile(rf"(?<![\w'\-])(?:{'|'.join(several)})(?![\w'\-])")
    return Dictionary(language, dict(keywords), stops, words, phrases)


def _word_regex(word: str) -> str:
    """One keyword as a pattern for a whole word; '*' is any run of word letters."""
    return r"[\w'\-]*".join(re.escape(part) for part in _normalise(word).strip().split("*"))


def _phrase_regex(keyword: str) -> str:
    """A keyword of several words as a pattern; spaces or hyphens may separate the words."""
    return r"[\s\-]+".join(_word_regex(w) for w in _normalise(keyword).split())


@functools.cache
def _stop_word_owners() -> dict[str, tuple[str, ...]]:
    owners: dict[str, list[str]] = {}
    for language in LANGUAGES:
        for word in _shipped(language).stop_words:
            owners.setdefault(word, []).append(language)
    return {w: tuple(langs) for w, langs in owners.items()}


@functools.cache
def _stop_words(language: str) -> frozenset[str]:
    if language in LANGUAGES:
        return _shipped(language).stop_words
    if language == UNKNOWN:
        return frozenset(_stop_word_owners())
    return frozenset()


def _guess(text, owners: Mapping[str, tuple[str, ...]]) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    lowered = _normalise(text)
    letters = len(_LETTER.findall(lowered))
    if letters and len(_CYRILLIC.findall(lowered)) * 2 >= letters:
        return "ru"
    votes = Counter()
    for word in _WORD.findall(lowered):
        langs = owners.get(word, ())
        for language in langs:
            votes[language] += 1 / len(langs)
    for language, marks in _MARKS.items():
        # casefold turned 'ß' into 'ss', so look for it in the original text.
        votes[language] += 2 * sum(ch in marks for ch in text.lower())
    if not votes:
        return None
    ranked = votes.most_common()
    best, score = ranked[0]
    if score <= 0 or (len(ranked) > 1 and math.isclose(ranked[1][1], score)):
        return None
    return best


def example_comments(
    responses: pd.DataFrame, tags: pd.DataFrame, *, per_category: int = 2
) -> pd.DataFrame:
    """A few recent comments per category, preferring ones that name a theme.

    Returns ``comment``, ``score``, ``category`` and ``themes`` (list of theme codes) only:
    no ids, and e-mail addresses in the text masked, so the frame is safe for a shared
    report once its text is escaped.

    Examples
    --------
    >>> responses = pd.DataFrame({"score": [2, 10, 9], "comment": ["too expensive", "", "great staff, ann@x.org"],
    ...     "responded_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"], utc=True)})
    >>> tags = tag_themes(responses["comment"], "en")
    >>> example_comments(responses, tags)[["comment", "themes"]].to_dict("records")
    [{'comment': 'great staff, …@…', 'themes': ['staff']}, {'comment': 'too expensive', 'themes': ['price']}]
    """
    text = responses["comment"].astype("string").str.strip()
    frame = pd.DataFrame({
        "comment": text,
        "score": responses["score"],
        "category": categorize(responses["score"]).to_numpy(),
        "tagged": responses.index.isin(tags["row"]),
        "at": responses["responded_at"],
    }).loc[text.fillna("").ne("")]
    picked = (
        frame.sort_values(["tagged", "at"], ascending=False, kind="stable")
        .groupby("category", observed=True, sort=False)
        .head(per_category)
    )
    # Only the few comments picked need their themes listed and their e-mail addresses masked.
    themes = tags[tags["row"].isin(picked.index)].groupby("row")["theme"].agg(list).reindex(picked.index)
    picked = picked.assign(comment=picked["comment"].str.replace(_EMAIL, EMAIL_MASK, regex=True),
                           themes=pd.Series([t if isinstance(t, list) else [] for t in themes],
                                            index=picked.index, dtype=object))
    order = {c: i for i, c in enumerate(reversed(CATEGORIES))}
    picked = picked.sort_values("category", key=lambda c: c.map(order).astype(int), kind="stable")
    return picked[["comment", "score", "category", "themes"]].reset_index(drop=True)
