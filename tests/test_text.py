"""Comment language, codeframe themes with lemmas, negation and sentiment, distinctive words,
passives close to promoting.

The shipped industry codeframes change as agencies tune them, so these tests bring their own
themes: client ``extra`` keywords on an empty codeframe (NONE), or a small codeframe file
written to a temporary folder; what the shipped codeframes hold cannot change their results.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.analysis.codeframes import Codeframe, codeframe, theme_label
from nps_helpers.analysis.text import (
    LANGUAGES,
    comment_languages,
    detect_language,
    distinctive_words,
    example_comments,
    joined_themes,
    passives_close_to_promoting,
    tag_themes,
    theme_counts,
    theme_mentions,
)
from nps_helpers.errors import NpsInputError, NpsParamsError

NONE = Codeframe("none", (), {}, {})
# Client-style keywords for the tests (codes of their own, so a failure names the test's theme).
EXTRA = {
    "en": {"t_price": ["price", "expensive", "value for money"], "t_delivery": ["delivery", "courier"],
           "t_staff": ["staff", "~rude"], "t_support": ["customer service", "~complaint"],
           "t_install": ["install", "installation", "set up"], "t_app": ["app"]},
    "pl": {"t_price": ["cena", "drogo"], "t_delivery": ["dostawa", "kurier"], "t_support": ["~problem"]},
    "de": {"t_price": ["Preis", "*gebühr"], "t_delivery": ["Lieferung"], "t_support": ["~Problem"]},
    "ru": {"t_price": ["цена"], "t_delivery": ["доставка"]},
    "sl": {"t_price": ["cena"], "t_delivery": ["dostava"]},
}


def _tags(comments, languages=None, extra=EXTRA, **kwargs) -> pd.DataFrame:
    return theme_mentions(tag_themes(pd.Series(comments) if isinstance(comments, list) else comments,
                                     languages, extra, industry=NONE, **kwargs))


def _found(comments, languages=None, extra=EXTRA, **kwargs) -> list[dict[str, str]]:
    """Theme -> sentiment of each comment."""
    tagged = tag_themes(pd.Series(comments), languages, extra, industry=NONE, **kwargs)
    return [dict(zip(t, s, strict=True)) for t, s in zip(tagged["themes"], tagged["sentiments"], strict=True)]


# --- lemmas, phrases, wildcards ----------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text", "theme"),
    [
        ("pl", "ceny", "t_price"), ("pl", "cenie", "t_price"), ("pl", "cenę", "t_price"),
        ("pl", "dostawy", "t_delivery"), ("de", "Preise", "t_price"), ("de", "Gebühren", "t_price"),
        ("de", "Kontoführungsgebühren", "t_price"), ("ru", "цены", "t_price"), ("ru", "цену", "t_price"),
        ("ru", "доставки", "t_delivery"), ("sl", "cene", "t_price"), ("en", "installed", "t_install"),
        ("en", "installing", "t_install"), ("en", "prices", "t_price"),
    ],
)
def test_inflected_forms_match_the_keyword_lemma(language, text, theme):
    assert theme in _found([text], language)[0]


def test_a_plain_keyword_matches_by_lemma_in_any_case():
    extra = {"de": {"fees": ["Gebühr"]}, "pl": {"price": ["CENY"]}, "ru": {"price": ["цены"]}}
    found = _found(["Die Gebühren", "die gebühren", "Cena", "цена", "Ценой"], ["de", "de", "pl", "ru", "ru"], extra)
    assert [set(f) for f in found] == [{"fees"}, {"fees"}, {"price"}, {"price"}, {"price"}]


def test_keywords_match_lemmas_not_lookalikes():
    found = _found(["centrum", "центр", "apple", "center"], ["pl", "ru", "en", "sl"])
    assert found == [{}, {}, {}, {}]


def test_phrases_match_consecutive_lemmas_in_one_clause():
    comments = ["Good value for money", "value of money", "value, for money", "They set up the box",
                "set-up took ages", "the setup"]
    themes = [set(f) for f in _found(comments, "en")]
    assert themes == [{"t_price"}, set(), set(), {"t_install"}, {"t_install"}, set()]


def test_wildcards_match_any_letters_of_the_lemma_or_word():
    extra = {"en": {"parking": ["park*"]}, "de": {"service": ["*service*"]}}
    found = _found(["parking was full", "the car park", "a spark", "Kundenservicemitarbeiter"],
                   ["en", "en", "en", "de"], extra)
    assert [set(f) for f in found] == [{"parking"}, {"parking"}, set(), {"service"}]


def test_a_gap_lets_a_few_words_of_the_clause_stand_between():
    extra = {"en": {"installation": ["wait* .. order"]}}
    found = _found(["still waiting for my order", "waited for the order", "waiting, my order",
                    "waiting for one two three four five order"], "en", extra)
    # up to GAP (4) words between; never across a clause break
    assert [set(f) for f in found] == [{"installation"}, {"installation"}, set(), set()]


def test_polar_matches_any_sentiment_word():
    extra = {"en": {"connection": ["internet .. @polar"]}}
    found = _found(["the internet is terrible", "internet really good", "internet at home"], "en", extra)
    assert found == [{"connection": "negative"}, {"connection": "positive"}, {}]


def test_a_weak_keyword_yields_to_any_other_keyword_of_its_sentence():
    extra = {"en": {"ordering": ["?order", "order online"], "installation": ["wait* .. broadband"]}}
    found = _found(["I placed my order", "Still waiting for broadband a month after my order",
                    "Still waiting for broadband. My order was a mess", "Easy to order online"],
                   "en", extra)
    assert [set(f) for f in found] == [{"ordering"}, {"installation"},
                                       {"installation", "ordering"}, {"ordering"}]


def test_a_phrase_may_start_with_its_negator():
    extra = {"en": {"installation": ["no show", "not connected"]}}
    found = _found(["a no-show again", "we are still not connected", "not yet"], "en", extra)
    assert [set(f) for f in found] == [{"installation"}, {"installation"}, set()]


# --- negation and sentiment ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Really good service with no complaints", {}),
        ("en", "No complaints about the customer service", {"t_support": "positive"}),
        ("en", "Not installed after three weeks", {"t_install": "negative"}),
        ("en", "The engineer didn't install it", {"t_install": "negative"}),
        ("en", "Staff were not rude", {"t_staff": "positive"}),
        ("en", "The delivery was not good", {"t_delivery": "negative"}),
        ("en", "No problems with the delivery", {"t_delivery": "positive"}),
        ("en", "Great delivery but expensive", {"t_delivery": "positive", "t_price": "negative"}),
        ("de", "Keine Probleme, alles gut", {}),
        ("de", "Die Lieferung war nicht schnell", {"t_delivery": "negative"}),
        ("pl", "Bez problemów, polecam", {}),
        ("pl", "Dostawa bez problemów", {"t_delivery": "positive"}),
        ("pl", "Kurier był niemiły i spóźniony", {"t_delivery": "negative"}),
        ("ru", "Доставка плохая", {"t_delivery": "negative"}),
        ("ru", "Цена хорошая", {"t_price": "positive"}),
    ],
)
def test_negation_scope_and_sentiment_per_mention(language, text, expected):
    assert _found([text], language)[0] == expected


def test_a_negator_governs_a_few_words_up_to_the_clause_end():
    found = _found(["No issues at all. Rude staff", "no doubt about it, the staff was rude",
                    "not because of the long wait for the staff who were rude"], "en")
    assert found[0] == {"t_staff": "negative"}  # a new sentence: not negated
    assert found[1] == {"t_staff": "negative"}  # after a comma
    assert found[2] == {"t_staff": "negative"}  # beyond the scope


def test_a_negator_that_ends_its_clause_governs_the_words_before_it():
    extra = {"de": {"problems": ["~Problem"], "delivery": ["Lieferung"]},
             "en": {"problems": ["~problem*"]}}
    found = _found(["Probleme gab es keine", "Probleme gab es keine, die Lieferung war schnell",
                    "Probleme gab es viele", "problems, none"], ["de", "de", "de", "en"], extra)
    assert found[0] == {} and found[3] == {"problems": "negative"}  # 'none' has its own clause
    assert found[1] == {"delivery": "positive"}
    assert found[2] == {"problems": "negative"}


def test_the_score_gives_sentiment_when_the_clause_has_none():
    comments = ["the delivery", "the delivery", "the delivery", "the delivery", "a great delivery"]
    found = _found(comments, "en", scores=[10, 6, 7, None, 0])
    assert [f["t_delivery"] for f in found] == ["positive", "negative", "neutral", "neutral", "positive"]
    with pytest.raises(NpsInputError, match="1 scores for 2 comments"):
        tag_themes(pd.Series(["a", "b"]), "en", scores=[1])


def test_a_theme_named_in_praise_and_complaint_counts_as_a_complaint_on_a_tie():
    assert _found(["Great delivery, terrible delivery"], "en")[0] == {"t_delivery": "negative"}
    assert _found(["Great delivery, good delivery, slow delivery"], "en")[0] == {"t_delivery": "positive"}


# --- the frame -----------------------------------------------------------------------------
def test_one_row_per_comment_with_the_index_kept():
    comments = pd.Series(["Too expensive", None, "late delivery, rude staff"], index=["x", "y", "z"])
    tagged = tag_themes(comments, "en", EXTRA, industry=NONE)
    assert tagged.index.equals(comments.index)
    assert tagged.columns.tolist() == ["language", "themes", "sentiments"]
    assert tagged["themes"].tolist() == [("t_price",), (), ("t_delivery", "t_staff")]
    assert tagged["sentiments"].tolist() == [("negative",), (), ("negative", "negative")]
    tags = theme_mentions(tagged)
    assert tags[["row", "theme"]].values.tolist() == [["x", "t_price"], ["z", "t_delivery"], ["z", "t_staff"]]
    assert tags.columns.tolist() == ["row", "theme", "language", "sentiment"]


def test_themes_come_in_codeframe_order(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text("industry: mini\nthemes:\n"
                    "  zeta:\n    label: {en: Zeta, de: Zett}\n    keywords:\n      en: |\n        zebra\n"
                    "  alpha:\n    label: {en: Alpha}\n    keywords:\n      en: |\n        apple   # a fruit\n"
                    "        # a comment line\n", encoding="utf-8")
    frame = codeframe(path)
    assert frame.themes == ("zeta", "alpha") and frame.keywords["en"]["alpha"] == ("apple",)
    assert tag_themes(pd.Series(["an apple and a zebra"]), "en", industry=path)["themes"][0] == ("zeta", "alpha")
    assert theme_label("zeta", "de", path) == "Zett"
    assert theme_label("alpha", "pl-PL", path) == "Alpha"  # English when the language has none
    assert theme_label("parking", "de", path) == "parking"


def test_unknown_industries_and_broken_codeframes_are_named(tmp_path):
    with pytest.raises(NpsParamsError, match="industry 'nosuch'"):
        tag_themes(pd.Series(["x"]), "en", industry="nosuch")
    broken = tmp_path / "broken.yaml"
    broken.write_text("industry: x\nthemes:\n  Bad Code:\n    label: {en: B}\n", encoding="utf-8")
    with pytest.raises(NpsParamsError, match="broken.yaml: theme 'Bad Code'"):
        codeframe(broken)
    with pytest.raises(NpsParamsError, match=r"themes\.pl\.price"):
        codeframe(None, {"pl": {"price": ["*"]}})
    with pytest.raises(NpsParamsError, match="no such codeframe"):
        codeframe(tmp_path / "missing.yaml")


def test_each_comment_is_read_in_its_own_language():
    tagged = tag_themes(pd.Series(["Die Preise sind hoch", "Die Preise sind hoch"]), ["de", "en"], EXTRA, industry=NONE)
    assert tagged["themes"].tolist() == [("t_price",), ()]
    assert tagged["language"].tolist() == ["de", "en"]


def test_missing_languages_are_detected_and_unknown_ones_use_every_language():
    comments = pd.Series(["Kurier był bardzo niemiły", "!!!", "Доставка опоздала", "drogo"])
    tagged = tag_themes(comments, [None, None, None, "fr"], EXTRA, industry=NONE)
    assert tagged["language"].tolist() == ["pl", "und", "ru", "und"]
    assert tagged["themes"].tolist() == [("t_delivery",), (), ("t_delivery",), ("t_price",)]


def test_extra_keywords_in_another_language():
    extra = {"fr": {"t_price": ["prix"]}}
    assert tag_themes(pd.Series(["Les prix"]), "fr", extra, industry=NONE)["themes"][0] == ("t_price",)


def test_languages_must_match_the_comments():
    with pytest.raises(NpsInputError, match="2 codes for 3 comments"):
        tag_themes(pd.Series(["a", "b", "c"]), ["en", "pl"])


def test_no_comments_give_an_empty_frame_of_the_usual_columns():
    for comments in (pd.Series([], dtype=object), pd.Series([None, "", "  "], index=[7, 8, 9])):
        tags = theme_mentions(tag_themes(comments, extra=EXTRA, industry=NONE))
        assert tags.empty and tags.columns.tolist() == ["row", "theme", "language", "sentiment"]
        assert tags.dtypes.astype(str).tolist()[1:] == ["string", "string", "string"]


_POOL = ["Too expensive", "late delivery, rude staff", "Ceny za wysokie", "Keine Probleme",
         "Доставка опоздала", "no complaints", "", None, "  ", "drogo", "the app"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_POOL), st.sampled_from([None, "en", "pl-PL", "DE", "fr", ""]),
                          st.one_of(st.none(), st.integers(0, 10))), max_size=30),
       st.randoms(use_true_random=False))
def test_one_row_per_comment_like_a_plain_reading(picks, random):
    labels = random.sample(range(1000), len(picks))
    comments = pd.Series([text for text, _, _ in picks], index=labels, dtype=object)
    languages = [language for _, language, _ in picks]
    scores = [score for _, _, score in picks]
    tagged = tag_themes(comments, languages, EXTRA, scores=scores, industry=NONE)
    assert tagged.index.equals(comments.index)
    for i, label in enumerate(labels):
        alone = tag_themes(comments.iloc[[i]], [languages[i]], EXTRA, scores=[scores[i]], industry=NONE)
        assert tagged.loc[label].tolist() == alone.iloc[0].tolist()
        themes, sentiments = tagged.loc[label, "themes"], tagged.loc[label, "sentiments"]
        assert len(themes) == len(sentiments) == len(set(themes))
        assert set(sentiments) <= {"positive", "negative", "neutral"}
    assert len(theme_mentions(tagged)) == sum(len(t) for t in tagged["themes"])


# --- language ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bardzo dobra obsługa, polecam", "pl"),
        ("jest dobrze ale mogło być lepiej", "pl"),
        ("Zelo sem zadovoljna, hvala", "sl"),
        ("je bilo v redu in vse je delovalo", "sl"),
        ("Всё отлично", "ru"),
        ("Die Lieferung war pünktlich", "de"),
        ("ich bin mit dem Service nicht zufrieden", "de"),
        ("The delivery was on time and the staff were kind", "en"),
        ("", None),
        ("10/10", None),
        (":-)", None),
    ],
)
def test_detect_language(text, language):
    got = detect_language([text])[0]
    assert (None if pd.isna(got) else got) == language


@given(st.lists(st.text(max_size=40), max_size=8))
@settings(deadline=None)
def test_detect_language_returns_a_known_code_or_missing(texts):
    got = detect_language(texts)
    assert len(got) == len(texts)
    assert all(pd.isna(code) or code in LANGUAGES for code in got)


def test_languages_of_repeated_and_missing_codes():
    comments = pd.Series(["Доставка опоздала"] * 6 + ["fine", "fine"])
    codes = ["pl-PL", None, float("nan"), pd.NA, "", "  ", "EN_gb", "fr"]
    assert comment_languages(comments, codes).tolist() == ["pl", "ru", "ru", "ru", "ru", "ru", "en", "und"]
    texts = ["Доставка опоздала", None, "Доставка опоздала", float("nan"), "", "Die App stürzt ab"]
    assert detect_language(texts).fillna("-").tolist() == ["ru", "-", "ru", "-", "-", "de"]


# --- counts, words, passives, examples ---------------------------------------------------
def test_theme_counts_by_hand():
    responses = pd.DataFrame({
        "score": [0, 3, 5, 7, 9, 10],
        "comment": ["too expensive and late delivery", "too expensive", "", "slow delivery", "great price", None],
    })
    table = theme_counts(responses, _tags(responses["comment"], "en")).set_index(["category", "theme"])
    assert table.loc[("detractor", "t_price"), ["comments", "mentions"]].tolist() == [2, 2]
    assert table.loc[("detractor", "t_delivery"), "share"] == 0.5
    assert table.loc[("promoter", "t_price"), ["comments", "mentions"]].tolist() == [1, 1]
    assert table.loc[("overall", "t_price"), ["comments", "mentions"]].tolist() == [4, 3]
    assert table.loc[("passive", "t_price"), "mentions"] == 0
    row = table.loc[("overall", "t_price")]
    assert row.ci_low < row.share < row.ci_high


def test_distinctive_words_follow_the_monroe_formula():
    texts = pd.Series(["slow slow support", "great support"])
    words = distinctive_words(texts, pd.Series(["a", "b"]), "en", min_count=1)
    slow = words.query("group == 'a' and word == 'slow'").iloc[0]
    # Prior alpha_w = overall count: slow 2, support 2, great 1; alpha_0 = 5; n_a = 3, n_b = 2.
    delta = math.log((2 + 2) / (3 + 5 - 2 - 2)) - math.log((0 + 2) / (2 + 5 - 0 - 2))
    assert slow.log_odds == pytest.approx(delta)
    assert slow.z == pytest.approx(delta / math.sqrt(1 / (2 + 2) + 1 / (0 + 2)))
    assert (slow["count"], slow.count_other) == (2, 0)
    mirror = words.query("group == 'b' and word == 'slow'").iloc[0]
    assert mirror.z == pytest.approx(-slow.z)


def _vocabulary(texts, languages) -> set[str]:
    return set(distinctive_words(pd.Series(texts), pd.Series(["x", "y"] * len(texts))[:len(texts)],
                                 languages, min_count=1)["word"])


def test_distinctive_words_are_lemmas_in_each_texts_language():
    assert _vocabulary(["Wysokie ceny", "cena za wysoka"], "pl") == {"cena", "wysoki"}
    assert _vocabulary(["Die Gebühren sind hoch", "gebühren"], "de") == {"Gebühr", "hoch"}
    assert _vocabulary(["to jest dobre", "what a jest"], ["pl", "en"]) == {"dobry", "jest"}


def test_distinctive_words_drop_short_tokens_and_ordinal_fragments():
    assert _vocabulary(["the 4th visit, ok", "2nd time at 3rd go"], "en") == {"visit", "time"}


def test_distinctive_words_count_negated_words_with_their_negator():
    vocabulary = _vocabulary(["Nicht empfehlenswert", "Sehr empfehlenswert", "not good", "keine Probleme"],
                             ["de", "de", "en", "de"])
    assert vocabulary == {"nicht empfehlenswert", "empfehlenswert", "not good", "keine Problem"}


def test_distinctive_words_need_two_groups_and_frequent_words():
    texts = pd.Series(["fine", "fine"])
    assert distinctive_words(texts, pd.Series(["a", "a"]), "en", min_count=1).empty
    assert distinctive_words(texts, pd.Series(["a", "b"]), "en", min_count=3).empty


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["slow support", "great great staff", "the app", "", "slow app"]),
                          st.sampled_from(["a", "b", None])), max_size=25))
def test_distinctive_words_count_repeated_texts_like_a_plain_count(rows):
    texts = pd.Series([text for text, _ in rows])
    groups = pd.Series([group for _, group in rows], dtype=object)
    plain: dict[str, Counter] = {}
    for text, group in rows:
        if group is not None:  # "the" is a stop word
            plain.setdefault(group, Counter()).update(w for w in text.split() if w != "the")
    with np.errstate(divide="ignore", invalid="ignore"):  # a one-word vocabulary has no finite z
        words = distinctive_words(texts, groups, "en", min_count=1)
    if len(plain) < 2 or not sum(plain.values(), Counter()):
        assert words.empty
        return
    total = sum(plain.values(), Counter())
    for row in words.itertuples(index=False):
        assert row.count == plain[row.group][row.word]
        assert row.count_other == total[row.word] - plain[row.group][row.word]
    assert len(words) == len(plain) * len(total)


def test_distinctive_words_leave_out_missing_groups_and_need_one_group_per_text():
    texts = pd.Series(["slow", "slow", "fast", "fast"])
    words = distinctive_words(texts, pd.Series(["a", None, "b", "b"]), "en", min_count=1)
    assert words.set_index(["group", "word"])["count"].to_dict() == {
        ("a", "slow"): 1, ("a", "fast"): 0, ("b", "fast"): 2, ("b", "slow"): 0}
    with pytest.raises(NpsInputError, match="3 labels for 4 texts"):
        distinctive_words(texts, pd.Series(["a", "b", "a"]), "en")


def test_passives_close_to_promoting_by_hand():
    responses = pd.DataFrame({
        "response_id": ["r1", "r2", "r3", "r4", "r5", "r6"],
        "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "responded_at": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01",
                                        "2026-05-01", "2026-06-01"], utc=True),
        "score": [7, 8, 8, 7, 10, 3],
        "comment": ["The price is a bit high", "Delivery was late", "Customer service slow, late delivery",
                    "All fine", "Great staff", "Rude staff"],
    })
    tags = _tags(responses["comment"], "en")
    result = passives_close_to_promoting(responses, tags)
    assert (result.passives, result.close) == (4, 3)
    assert result.rows["response_id"].tolist() == ["r3", "r2", "r1"]  # 8s first, newest first
    assert result.rows.loc[0, "themes"] == "t_delivery;t_support"
    assert result.share == 0.75 and result.ci_low < 0.75 < result.ci_high
    assert dict(zip(result.by_theme["theme"], result.by_theme["passives"], strict=True)) == {
        "t_delivery": 2, "t_price": 1, "t_support": 1}
    narrow = passives_close_to_promoting(responses, tags, fixable=["t_support", "t_delivery"])
    assert narrow.rows["response_id"].tolist() == ["r3", "r2"]


def test_inputs_are_not_modified():
    responses = pd.DataFrame({"score": [7, 2], "comment": ["Slow app", "Bad"], "language": ["en", None]})
    before = responses.copy()
    tags = _tags(responses["comment"], responses["language"], scores=responses["score"])
    theme_counts(responses, tags)
    passives_close_to_promoting(responses, tags)
    distinctive_words(responses["comment"], responses["score"], responses["language"], min_count=1)
    pd.testing.assert_frame_equal(responses, before)


def test_joined_themes_keep_the_order_of_rows_and_themes():
    tags = pd.DataFrame({"row": [5, 2, 5, None, 2, 9], "theme": ["staff", "price", "billing", "x", "support", "quality"]})
    joined = joined_themes(tags)
    assert joined.to_dict() == {5: "staff;billing", 2: "price;support", 9: "quality"}
    assert joined.index.name == "row" and joined.dtype == "string"
    assert joined_themes(tags.iloc[:0]).empty
    assert joined_themes(tags, sep=", ")[2] == "price, support"


def _commented():
    return pd.DataFrame({
        "score": [10, 9, 10, 8, 7, 2, 0, 3, 9],
        "comment": ["Great staff, write to ann@x.org", "  ", "Fine", "Slow delivery", "ok",
                    "Too expensive, rude staff", None, "bad", "Lovely app, bob@y.com"],
        "responded_at": pd.to_datetime([f"2026-03-0{d}" for d in range(1, 10)], utc=True),
    }, index=[10, 11, 12, 13, 14, 15, 16, 17, 18])


def test_example_comments_by_hand():
    responses = _commented()
    picked = example_comments(responses, _tags(responses["comment"], "en"), per_category=2)
    # Promoters, passives, detractors; in each, the tagged comments first, the newest first.
    assert picked.to_dict("list") == {
        "comment": ["Lovely app, …@…", "Great staff, write to …@…", "Slow delivery", "ok",
                    "Too expensive, rude staff", "bad"],
        "score": [9, 10, 8, 7, 2, 3],
        "category": ["promoter", "promoter", "passive", "passive", "detractor", "detractor"],
        "themes": [["t_app"], ["t_staff"], ["t_delivery"], [], ["t_price", "t_staff"], []],
    }
    one = example_comments(responses, _tags(responses["comment"], "en"), per_category=1)
    assert one["comment"].tolist() == ["Lovely app, …@…", "Slow delivery", "Too expensive, rude staff"]
    assert responses.loc[10, "comment"] == "Great staff, write to ann@x.org"  # input kept


def test_example_comments_without_comments_or_tags():
    responses = _commented()
    untagged = example_comments(responses, pd.DataFrame(columns=["row", "theme"]), per_category=1)
    assert untagged["comment"].tolist() == ["Lovely app, …@…", "ok", "bad"]
    assert untagged["themes"].tolist() == [[], [], []]
    for empty in (responses.iloc[:0], responses.assign(comment=None)):
        picked = example_comments(empty, _tags(empty["comment"], "en"))
        assert picked.empty and picked.columns.tolist() == ["comment", "score", "category", "themes"]
        assert picked["themes"].dtype == object
