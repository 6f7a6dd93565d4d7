"""Comment language, theme tagging per language, distinctive words, passives close to promoting."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.errors import NpsInputError, NpsParamsError
from nps_helpers.text import (
    LANGUAGES,
    THEMES,
    comment_languages,
    detect_language,
    dictionary,
    distinctive_words,
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
