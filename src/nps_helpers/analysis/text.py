"""Comments read like a CX researcher reads them: language, codeframe themes, sentiment, words.

A comment is read in its own language: its ``language`` when given, else the guess of
lingua-language-detector among en, pl, sl, ru and de (:func:`detect_language`); a comment
whose language stays unknown ('und') is matched against every language's keywords.
Words are compared as lemmas (simplemma), so a codeframe keyword in any form matches every
inflected form the lemmatiser maps to the same lemma ('cena': ceny, cenie). The themes are
an industry's codeframe (``nps_helpers/themes/<industry>.yaml``, see :func:`codeframe`) plus
a client's additions; the negators, contrast words, sentiment words and stop words of each
language are in ``nps_helpers/themes/lexicon/<lang>.yaml``.

Keyword rules: several words are a phrase (consecutive lemmas in one clause); ``..``
between two words lets up to :data:`GAP` other words of the clause stand between them
('wait* .. order' matches 'waiting for my order'); ``*`` at the start or end of a word
matches any letters of the lemma; ``@polar`` matches any sentiment word of the lexicon
('@polar internet': 'fast internet', 'terrible internet'); a leading ``~`` voids the
keyword when negated; a leading ``?`` makes it weak: it names its theme only when no other
keyword of the sentence does ('placed my order' is the order itself, but 'still waiting a
month after placing my order' is about the installation). A negator governs the next :data:`NEGATION_SCOPE` words up to the
end of its clause (punctuation or a contrast word). Each mention's sentiment comes from
the positive and negative words of its clause (flipped when negated); a clause without
any is negative when the keyword itself is negated ('not installed'), else it takes the
score's category (9-10 positive, 0-6 negative, 7-8 neutral), else neutral. A negator
that ends its clause governs the words before it instead ('Probleme gab es keine').
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import NpsInputError
from .codeframes import Extra, Industry, codeframe, language_code
from .experience import wilson
from .metrics import CATEGORIES, categorize
from .reading import (
    CONTRACTED,
    LANGUAGES,
    LETTER,
    UNKNOWN,
    WORD,
    Matcher,
    lemma_of,
    matcher_of,
    reader_of,
)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A customer may write an e-mail address into a comment; a shared report never shows it.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_MASK = "…@…"
_LONG_TEXT = 120  # characters from which lingua's low-accuracy mode is as good as the full one


# What names a codeframe: an industry, a codeframe file, a loaded one, or None for all of them.
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


def detect_language(texts: Sequence[str] | pd.Series) -> pd.Series:
    """The language of each text among en, pl, sl, ru, de (lingua); <NA> when it has no letters.

    The detector is built once, on first use, and reads each distinct text once.

    Examples
    --------
    >>> detect_language(["Obsługa była bardzo miła", "To je bilo zelo počasi",
    ...     "Доставка опоздала", "Die Lieferung war zu spät", "It was late", "10/10 :)"]).tolist()
    ['pl', 'sl', 'ru', 'de', 'en', <NA>]
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    guesses = _per_distinct(series.to_numpy(dtype=object), _detected)
    return pd.Series(guesses, index=series.index, dtype="string")


def tag_themes(
    comments: pd.Series,
    languages: pd.Series | Sequence[str | None] | str | None = None,
    extra: Extra | None = None,
    *,
    industry: Industry = None,
    scores: pd.Series | Sequence[float | None] | None = None,
) -> pd.DataFrame:
    """The themes each comment names, with each mention's sentiment: one row per comment.

    Columns ``language``, ``themes`` (tuple of codes, codeframe order) and ``sentiments``
    (aligned tuple of 'positive', 'negative' or 'neutral'); the index is ``comments``'.
    ``languages`` is one code for all, one per comment, or None to detect ('pl-PL' counts
    as 'pl'); ``industry`` picks the codeframe (None: all of them); ``scores`` (0-10) give
    the sentiment of a mention whose clause has no sentiment word.

    Examples
    --------
    >>> extra = {"en": {"installation": ["install", "set up", "engineer"], "support": ["~complaint"]},
    ...          "de": {"fees": ["*gebühr"]}}
    >>> comments = pd.Series(["Not installed after 3 weeks", "Engineer was great, no complaints",
    ...                       "Die Kontoführungsgebühren sind zu hoch", None])
    >>> from nps_helpers.analysis.codeframes import Codeframe
    >>> mine = Codeframe("mine", (), {}, {})  # no shipped themes: only extra's
    >>> tag_themes(comments, ["en", "en", "de", "en"], extra, industry=mine, scores=[2, 10, 6, 5]).to_dict("list")
    {'language': ['en', 'en', 'de', 'en'], 'themes': [('installation',), ('installation',), ('fees',), ()], 'sentiments': [('negative',), ('positive',), ('negative',), ()]}
    """
    text = comments.astype("string").fillna("")
    langs = comment_languages(text, languages, extra)
    fallback = _score_sentiments(scores, len(text))
    frame = codeframe(industry, extra)
    order = {theme: i for i, theme in enumerate(frame.themes)}
    # Comments repeat (survey templates, 'Great service', empty ones), so each distinct
    # (language, text) pair is read once and its mentions are copied to every row holding it.
    lang_codes, lang_values = pd.factorize(langs.to_numpy(dtype=object))
    text_codes, text_values = pd.factorize(text.to_numpy(dtype=object))
    pair_codes, pairs = pd.factorize(lang_codes * max(len(text_values), 1) + text_codes)
    matchers: dict[str, Matcher] = {}
    found = []
    for lang_code, text_code in zip(*np.divmod(pairs, max(len(text_values), 1)), strict=True):
        language, value = lang_values[lang_code], text_values[text_code]
        mentions: dict[str, str | None] = {}
        for code in LANGUAGES if language == UNKNOWN else (language,):
            if code not in matchers:
                matchers[code] = matcher_of(frame, code)
            for theme, sentiment in matchers[code].mentions(value).items():
                mentions.setdefault(theme, sentiment)
        themes = tuple(sorted(mentions, key=order.__getitem__))
        found.append((themes, tuple(mentions[t] for t in themes)))
    themes_col, sentiments_col = [], []
    for code, default in zip(pair_codes, fallback, strict=True):
        themes, sentiments = found[code]
        themes_col.append(themes)
        sentiments_col.append(sentiments if None not in sentiments
                              else tuple(default if s is None else s for s in sentiments))
    return pd.DataFrame({
        "language": langs.to_numpy(dtype=object),
        "themes": pd.Series(themes_col, dtype=object).to_numpy(),
        "sentiments": pd.Series(sentiments_col, dtype=object).to_numpy(),
    }, index=comments.index).astype({"language": "string"})


def theme_mentions(tagged: pd.DataFrame) -> pd.DataFrame:
    """The tidy form of :func:`tag_themes`: one row per (comment, theme).

    Columns ``row`` (the comment's index label), ``theme``, ``language``, ``sentiment``.

    Examples
    --------
    >>> from nps_helpers.analysis.codeframes import Codeframe
    >>> tagged = tag_themes(pd.Series(["Bad support, slow delivery", "ok"], index=[7, 8]), "en",
    ...     {"en": {"delivery": ["delivery"], "support": ["support"]}}, industry=Codeframe("mine", (), {}, {}))
    >>> theme_mentions(tagged).to_dict("list")
    {'row': [7, 7], 'theme': ['delivery', 'support'], 'language': ['en', 'en'], 'sentiment': ['negative', 'negative']}
    """
    sizes = np.fromiter((len(t) for t in tagged["themes"]), dtype=np.int64, count=len(tagged))
    positions = np.repeat(np.arange(len(tagged)), sizes)
    return pd.DataFrame({
        "row": tagged.index[positions],
        "theme": [t for themes in tagged["themes"] for t in themes],
        "language": tagged["language"].to_numpy(dtype=object)[positions],
        "sentiment": [s for sentiments in tagged["sentiments"] for s in sentiments],
    }).astype({"theme": "string", "language": "string", "sentiment": "string"})


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
    codes = _per_distinct(given.to_numpy(dtype=object), language_code)
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
    >>> responses = pd.DataFrame({"score": [2, 3, 10], "comment": ["too expensive", "slow delivery", "great"]})
    >>> extra = {"en": {"price": ["expensive"], "delivery": ["delivery"]}}
    >>> from nps_helpers.analysis.codeframes import Codeframe
    >>> tags = theme_mentions(tag_themes(responses["comment"], "en", extra, industry=Codeframe("mine", (), {}, {})))
    >>> counts = theme_counts(responses, tags).query("category == 'detractor' and mentions > 0")
    >>> counts[["theme", "mentions", "share"]].to_dict("records")
    [{'theme': 'price', 'mentions': 1, 'share': 0.5}, {'theme': 'delivery', 'mentions': 1, 'share': 0.5}]
    """
    commented = responses["comment"].astype("string").str.strip().fillna("") != ""
    cats = pd.Series(categorize(responses["score"]).astype("string").to_numpy(), index=responses.index)
    themes = list(dict.fromkeys(tags["theme"].tolist()))
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
    towards the overall rate; ``z`` is the log-odds ratio over its standard error. Words
    are counted as lemmas of each text's own language (German nouns keep their capital);
    stop words, words shorter than three letters and words with digits ('4th') are left
    out; a word a negator governs counts as the negator and the lemma ('nicht
    empfehlenswert', 'not good'), so it does not count for the word it denies. Words
    seen fewer than ``min_count`` times in all are left out.

    Examples
    --------
    >>> texts = pd.Series(["great staff", "great prices", "slow delivery", "not great, slow support"])
    >>> words = distinctive_words(texts, pd.Series(["promoter"] * 2 + ["detractor"] * 2), "en", min_count=2)
    >>> words.groupby("group")["word"].first().to_dict()
    {'detractor': 'slow', 'promoter': 'great'}
    >>> sorted(distinctive_words(pd.Series(["Die Gebühren sind hoch", "Gebühren, nicht empfehlenswert"]),
    ...     pd.Series(["a", "b"]), "de", min_count=1)["word"].unique())
    ['Gebühr', 'hoch', 'nicht empfehlenswert']
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
            words = words_of[language, value] = Counter(_words(value, language))
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

    Every codeframe theme is something the client can act on, so ``fixable`` defaults
    to all themes; pass a narrower list to leave some out (say, price).

    Examples
    --------
    >>> responses = pd.DataFrame({"score": [8, 7, 7, 10], "comment": [
    ...     "Delivery was late", "Fine", "Support is slow", "Great support"]})
    >>> extra = {"en": {"delivery": ["delivery"], "support": ["support"]}}
    >>> from nps_helpers.analysis.codeframes import Codeframe
    >>> tagged = tag_themes(responses["comment"], "en", extra, industry=Codeframe("mine", (), {}, {}))
    >>> r = passives_close_to_promoting(responses, theme_mentions(tagged))
    >>> r.passives, r.close, r.rows["themes"].tolist()
    (3, 2, ['delivery', 'support'])
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


@functools.cache
def _detector(long: bool):
    """lingua restricted to the five languages, built on first use (it loads its models then).

    Texts of :data:`_LONG_TEXT` characters or more use the low-accuracy mode (trigrams only),
    which lingua documents as about as accurate as the full one from that length on and
    which reads them about a third faster.
    """
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.POLISH, Language.SLOVENE, Language.RUSSIAN, Language.GERMAN]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_low_accuracy_mode() if long else builder).build()


def _detected(text) -> str | None:
    if not isinstance(text, str) or not LETTER.search(text):
        return None
    if _CYRILLIC.search(text) and 2 * len(_CYRILLIC.findall(text)) >= len(LETTER.findall(text)):
        return "ru"  # the only one of the five written in Cyrillic
    found = _detector(len(text) >= _LONG_TEXT).detect_language_of(text)
    return None if found is None else found.iso_code_639_1.name.lower()


def _score_sentiments(scores, n: int) -> list[str | None]:
    """The fallback sentiment of each comment from its score; 'neutral' when there is none."""
    if scores is None:
        return ["neutral"] * n
    values = pd.to_numeric(pd.Series(list(scores), dtype="object"), errors="coerce").to_numpy(dtype=float)
    if len(values) != n:
        raise NpsInputError(f"scores: got {len(values)} scores for {n} comments")
    return np.select([values >= 9, values <= 6], ["positive", "negative"], "neutral").tolist()


def _words(text: str, language: str) -> list[str]:
    """The words of ``text`` distinctive_words counts (see there for the rules)."""
    tokens = reader_of(language).read(text)
    stops = reader_of(language).lexicon.stop_words
    found = []
    for kind, form, lemma, _, _, negator in tokens:
        key = lemma.casefold()
        if (kind != WORD or any(c.isdigit() for c in form) or len(LETTER.findall(form)) < 3
                or form in stops or key in stops):
            continue
        word = lemma if language == "de" and lemma[:1].isupper() else key
        if negator >= 0:
            denial = tokens[negator][1]
            word = f"{'not' if denial.endswith(CONTRACTED) else denial} {word}"
        found.append(word)
    return found


def warm_up() -> None:
    """Load the lemmatiser's dictionaries and the lexicons of the five languages now.

    The render's kernel zygote calls it once, so every forked kernel shares them instead
    of each loading its language's dictionary again (about a second for Polish).

    Examples
    --------
    >>> warm_up()
    """
    for language in LANGUAGES:
        lemma_of("Test", language)
        reader_of(language)


def mask_emails(comments: pd.Series) -> pd.Series:
    """Comments with any e-mail address a customer wrote into them masked: a shared report
    never shows one.

    Examples
    --------
    >>> mask_emails(pd.Series(["write to jan.k@example.org please", "ok"])).tolist()
    ['write to …@… please', 'ok']
    """
    return comments.str.replace(_EMAIL, EMAIL_MASK, regex=True)


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
    >>> extra = {"en": {"price": ["expensive"], "staff": ["staff"]}}
    >>> from nps_helpers.analysis.codeframes import Codeframe
    >>> tags = theme_mentions(tag_themes(responses["comment"], "en", extra, industry=Codeframe("mine", (), {}, {})))
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
    picked = picked.assign(comment=mask_emails(picked["comment"]),
                           themes=pd.Series([t if isinstance(t, list) else [] for t in themes],
                                            index=picked.index, dtype=object))
    order = {c: i for i, c in enumerate(reversed(CATEGORIES))}
    picked = picked.sort_values("category", key=lambda c: c.map(order).astype(int), kind="stable")
    return picked[["comment", "score", "category", "themes"]].reset_index(drop=True)
