"""Comment language, theme tagging per language, distinctive words, passives close to promoting."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import NpsInputError, NpsParamsError
from nps_helpers.text import (
    LANGUAGES,
    THEMES,
    _normalise,
    comment_languages,
    detect_language,
    dictionary,
    distinctive_words,
    example_comments,
    joined_themes,
    passives_close_to_promoting,
    tag_themes,
    theme_counts,
)

# Sentences written for this test (not the demo bank), with the themes a reader finds.
SENTENCES = [
    ("en", "Prices went up again and the invoice was wrong", {"price", "billing"}),
    ("en", "The courier was late and customer service never picked up", {"delivery", "support"}),
    ("en", "Lovely staff, the app is easy to use", {"staff", "usability"}),
    ("en", "Another outage yesterday, the product itself is fine", {"reliability", "quality"}),
    ("pl", "Ceny za wysokie, a faktura znowu błędna", {"price", "billing"}),
    ("pl", "Na infolinię nie można się dodzwonić, paczka przyszła spóźniona", {"support", "delivery"}),
    ("pl", "Bardzo uprzejmy konsultant, ale aplikacja się zawiesza", {"staff", "usability", "reliability"}),
    ("pl", "W centrum handlowym wszystko w porządku", set()),
    ("sl", "Cene so previsoke, račun pa je bil napačen", {"price", "billing"}),
    ("sl", "Klicni center se ne oglasi, dostava zamuja", {"support", "delivery"}),
    ("sl", "Prijazno osebje, kakovost izdelka odlična", {"staff", "quality"}),
    ("ru", "Цены выросли, а в квитанции ошибка", {"price", "billing"}),
    ("ru", "Колл-центр не отвечает, курьер опоздал", {"support", "delivery"}),
    ("ru", "Вежливый персонал, приложение удобное", {"staff", "usability"}),
    ("ru", "Связь постоянно обрывается, сбои каждый день", {"reliability"}),
    ("de", "Die Preiserhöhung ist zu hoch und die Rechnung falsch", {"price", "billing"}),
    ("de", "Der Kundenservice ist nie erreichbar, die Lieferung kam zu spät", {"support", "delivery"}),
    ("de", "Freundliche Mitarbeiter, aber die Qualität lässt nach", {"staff", "quality"}),
    ("de", "Ständige Netzausfälle, die App stürzt ab", {"reliability", "usability"}),
]


def _themes_by_row(tags: pd.DataFrame) -> dict:
    return {row: set(group["theme"]) for row, group in tags.groupby("row")}


def test_sentences_get_the_themes_a_reader_finds():
    frame = pd.DataFrame(SENTENCES, columns=["language", "comment", "themes"])
    found = _themes_by_row(tag_themes(frame["comment"], frame["language"]))
    for i, (language, text, expected) in enumerate(SENTENCES):
        assert found.get(i, set()) == expected, (language, text)


@pytest.mark.parametrize(
    ("language", "text", "theme", "hit"),
    [
        ("pl", "cena", "price", True),
        ("pl", "ceny", "price", True),
        ("pl", "cenie", "price", True),
        ("pl", "cenę", "price", True),
        ("pl", "cenowo", "price", True),
        ("pl", "centrum", "price", False),
        ("ru", "цену", "price", True),
        ("ru", "ценой", "price", True),
        ("ru", "центр", "price", False),
        ("ru", "дешевле", "price", True),
        ("ru", "дешёвый", "price", True),  # 'ё' written out
        ("sl", "ceneje", "price", True),
        ("sl", "center", "price", False),
        ("de", "Kundenservice", "support", True),
        ("de", "Versandkosten", "price", True),
        ("de", "Servicemitarbeiterin", "staff", True),
        ("en", "apple", "usability", False),
        ("en", "app", "usability", True),
    ],
)
def test_stems_cover_inflection_without_hitting_lookalikes(language, text, theme, hit):
    tags = tag_themes(pd.Series([text]), language)
    assert (theme in set(tags["theme"])) is hit


def test_each_comment_is_read_in_its_own_language():
    comments = pd.Series(["Die App ist langsam", "Die App ist langsam"])
    tags = tag_themes(comments, ["de", "en"])
    assert _themes_by_row(tags) == {0: {"usability", "delivery"}, 1: {"usability"}}
    assert tags["language"].tolist() == ["de", "de", "en"]


def test_missing_languages_are_detected_and_unknown_ones_use_every_dictionary():
    comments = pd.Series(["Obsługa była bardzo niemiła", "drogo", "Доставка опоздала"])
    assert comment_languages(comments).tolist() == ["pl", "und", "ru"]
    found = _themes_by_row(tag_themes(comments))
    assert found == {0: {"staff"}, 1: {"price"}, 2: {"delivery"}}


def test_index_labels_and_order_are_kept():
    comments = pd.Series(["Too expensive", None, "late delivery, rude staff"], index=["x", "y", "z"])
    tags = tag_themes(comments, "en")
    assert tags[["row", "theme"]].values.tolist() == [["x", "price"], ["z", "delivery"], ["z", "staff"]]
    assert tag_themes(pd.Series(["nothing here"]), "en").empty
    twice = tag_themes(pd.Series(["late", "rude"], index=[4, 4]), "en")
    assert twice[["row", "theme"]].values.tolist() == [[4, "delivery"], [4, "staff"]]


def test_extra_keywords_from_params_extend_and_add_themes():
    extra = {"de": {"parking": ["parkplatz*"], "price": ["wucher*"]}, "fr": {"price": ["prix"]}}
    comments = pd.Series(["Kein Parkplatz frei", "Wucherpreise!", "Les prix", "Grösse passt"])
    found = _themes_by_row(tag_themes(comments, ["de", "de", "fr", "de"], extra))
    assert found == {0: {"parking"}, 1: {"price"}, 2: {"price"}}
    # 'ß' and 'ss' are compared alike, both in keywords and in comments.
    sized = tag_themes(pd.Series(["Die Grösse passt nicht"]), "de", {"de": {"size": ["größe*"]}})
    assert set(sized["theme"]) == {"size"}
    with pytest.raises(NpsParamsError, match=r"themes\.pl\.price"):
        dictionary("pl", {"pl": {"price": ["*"]}})


def test_languages_must_match_the_comments():
    with pytest.raises(NpsInputError, match="2 codes for 3 comments"):
        tag_themes(pd.Series(["a", "b", "c"]), ["en", "pl"])


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
    ],
)
def test_detect_language(text, language):
    got = detect_language([text])[0]
    assert (None if pd.isna(got) else got) == language


@given(st.lists(st.text(max_size=40), max_size=8))
def test_detect_language_returns_a_known_code_or_missing(texts):
    got = detect_language(texts)
    assert len(got) == len(texts)
    assert all(pd.isna(code) or code in LANGUAGES for code in got)


def test_shipped_dictionaries_are_complete():
    for language in LANGUAGES:
        d = dictionary(language)
        assert set(d.keywords) == set(THEMES), language
        assert len(d.stop_words) >= 100, language
        single = {k for words in d.keywords.values() for k in words if " " not in k and "*" not in k}
        assert not single & d.stop_words, language  # a stop word would tag everything


def test_theme_counts_by_hand():
    responses = pd.DataFrame({
        "score": [0, 3, 5, 7, 9, 10],
        "comment": ["too expensive and late", "too expensive", "", "slow delivery", "great price", None],
    })
    table = theme_counts(responses, tag_themes(responses["comment"], "en")).set_index(["category", "theme"])
    assert table.loc[("detractor", "price"), ["comments", "mentions"]].tolist() == [2, 2]
    assert table.loc[("detractor", "delivery"), "share"] == 0.5
    assert table.loc[("promoter", "price"), ["comments", "mentions"]].tolist() == [1, 1]
    assert table.loc[("overall", "price"), ["comments", "mentions"]].tolist() == [4, 3]
    assert table.loc[("passive", "staff"), "mentions"] == 0
    row = table.loc[("overall", "price")]
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


def test_distinctive_words_drop_stop_words_in_each_texts_language():
    texts = pd.Series(["to jest dobre", "what a jest", "the app"])
    words = distinctive_words(texts, pd.Series(["x", "y", "y"]), ["pl", "en", "en"], min_count=1)
    vocabulary = set(words["word"])
    assert "jest" in vocabulary and "dobre" in vocabulary  # English 'jest' stays
    assert not {"to", "the", "what"} & vocabulary
    assert words.query("word == 'jest' and group == 'y'")["count"].item() == 1


def test_distinctive_words_need_two_groups_and_frequent_words():
    texts = pd.Series(["fine", "fine"])
    assert distinctive_words(texts, pd.Series(["a", "a"]), "en", min_count=1).empty
    assert distinctive_words(texts, pd.Series(["a", "b"]), "en", min_count=3).empty


def test_passives_close_to_promoting_by_hand():
    responses = pd.DataFrame({
        "response_id": ["r1", "r2", "r3", "r4", "r5", "r6"],
        "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "responded_at": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01",
                                        "2026-05-01", "2026-06-01"], utc=True),
        "score": [7, 8, 8, 7, 10, 3],
        "comment": ["The price is a bit high", "Delivery was late", "Support slow to answer",
                    "All fine", "Great staff", "Rude staff"],
    })
    tags = tag_themes(responses["comment"], "en")
    result = passives_close_to_promoting(responses, tags)
    assert (result.passives, result.close) == (4, 3)
    assert result.rows["response_id"].tolist() == ["r3", "r2", "r1"]  # 8s first, newest first
    assert result.rows.loc[0, "themes"] == "support;delivery"
    assert result.share == 0.75 and result.ci_low < 0.75 < result.ci_high
    assert dict(zip(result.by_theme["theme"], result.by_theme["passives"], strict=True)) == {
        "delivery": 2, "price": 1, "support": 1}
    narrow = passives_close_to_promoting(responses, tags, fixable=["support", "delivery"])
    assert narrow.rows["response_id"].tolist() == ["r3", "r2"]


def test_inputs_are_not_modified():
    responses = pd.DataFrame({"score": [7, 2], "comment": ["Slow app", "Bad"], "language": ["en", None]})
    before = responses.copy()
    tags = tag_themes(responses["comment"], responses["language"])
    theme_counts(responses, tags)
    passives_close_to_promoting(responses, tags)
    distinctive_words(responses["comment"], responses["score"], responses["language"], min_count=1)
    pd.testing.assert_frame_equal(responses, before)


# --- repeated comments are read once: the same result as a plain reading, row by row ----
def _plain_tags(comments: pd.Series, languages) -> list[tuple]:
    """tag_themes written plainly: every row read on its own, in its language(s)."""
    langs = comment_languages(comments, languages)
    rows = []
    for label, text, language in zip(comments.index, comments, langs, strict=True):
        value = _normalise(text if isinstance(text, str) else "")
        codes = LANGUAGES if language == "und" else (language,)
        found = set().union(*(dictionary(code).themes_of(value, {}) for code in codes))
        rows += [(label, theme, language) for theme in THEMES if theme in found]
    return rows


_POOL = [text for _, text, _ in SENTENCES] + ["", None, "late", "  ", "Доставка опоздала", "drogo"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_POOL), st.sampled_from([None, "en", "pl-PL", "DE", "fr", ""])),
                max_size=30),
       st.randoms(use_true_random=False))
def test_repeated_comments_get_the_themes_of_a_plain_reading(picks, random):
    labels = random.sample(range(1000), len(picks))
    comments = pd.Series([text for text, _ in picks], index=labels, dtype=object)
    languages = [language for _, language in picks]
    tags = tag_themes(comments, languages)
    assert list(tags.itertuples(index=False, name=None)) == _plain_tags(comments, languages)
    assert tags["row"].dtype == comments.index.dtype
    assert tags["theme"].dtype == "string" and tags["language"].dtype == "string"
    assert tags.index.equals(pd.RangeIndex(len(tags)))


def test_phrases_match_whole_words_only():
    extra = {"en": {"parking": ["car park", "car parking*"]}}
    comments = pd.Series(["no car park here", "car parking is awful", "two car parks", "scar park",
                          "the car-park", "car  park", "car", ""])
    found = _themes_by_row(tag_themes(comments, "en", extra))
    # 'car parking': the first phrase stops mid-word, the second one matches there.
    assert [row for row, themes in found.items() if "parking" in themes] == [0, 1, 4, 5]


def test_no_comments_give_an_empty_frame_of_the_usual_columns():
    for comments in (pd.Series([], dtype=object), pd.Series([None, "", "  "], index=[7, 8, 9])):
        tags = tag_themes(comments)
        assert tags.empty and tags.columns.tolist() == ["row", "theme", "language"]
        assert tags.dtypes.astype(str).tolist() == ["int64", "string", "string"]


def test_languages_of_repeated_and_missing_codes():
    comments = pd.Series(["Доставка опоздала"] * 6 + ["fine", "fine"])
    codes = ["pl-PL", None, float("nan"), pd.NA, "", "  ", "EN_gb", "fr"]
    assert comment_languages(comments, codes).tolist() == ["pl", "ru", "ru", "ru", "ru", "ru", "en", "und"]
    texts = ["Доставка опоздала", None, "Доставка опоздала", float("nan"), "", "Die App"]
    assert detect_language(texts).fillna("-").tolist() == ["ru", "-", "ru", "-", "-", "de"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["slow support", "great great staff", "the app", "", "slow app"]),
                          st.sampled_from(["a", "b", None])), max_size=25))
def test_distinctive_words_count_repeated_texts_like_a_plain_count(rows):
    texts = pd.Series([text for text, _ in rows])
    groups = pd.Series([group for _, group in rows], dtype=object)
    stops = dictionary("en").stop_words
    plain: dict[str, Counter] = {}
    for text, group in rows:
        if group is not None:
            plain.setdefault(group, Counter()).update(w for w in text.split() if w not in stops)
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
    picked = example_comments(responses, tag_themes(responses["comment"], "en"), per_category=2)
    # Promoters, passives, detractors; in each, the tagged comments first, the newest first.
    assert picked.to_dict("list") == {
        "comment": ["Lovely app, …@…", "Great staff, write to …@…", "Slow delivery", "ok",
                    "Too expensive, rude staff", "bad"],
        "score": [9, 10, 8, 7, 2, 3],
        "category": ["promoter", "promoter", "passive", "passive", "detractor", "detractor"],
        "themes": [["usability"], ["staff"], ["delivery"], [], ["price", "staff"], []],
    }
    one = example_comments(responses, tag_themes(responses["comment"], "en"), per_category=1)
    assert one["comment"].tolist() == ["Lovely app, …@…", "Slow delivery", "Too expensive, rude staff"]
    assert responses.loc[10, "comment"] == "Great staff, write to ann@x.org"  # input kept


def test_example_comments_without_comments_or_tags():
    responses = _commented()
    untagged = example_comments(responses, pd.DataFrame(columns=["row", "theme"]), per_category=1)
    assert untagged["comment"].tolist() == ["Lovely app, …@…", "ok", "bad"]
    assert untagged["themes"].tolist() == [[], [], []]
    for empty in (responses.iloc[:0], responses.assign(comment=None)):
        picked = example_comments(empty, tag_themes(empty["comment"], "en"))
        assert picked.empty and picked.columns.tolist() == ["comment", "score", "category", "themes"]
        assert picked["themes"].dtype == object
