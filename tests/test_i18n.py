"""Report language: catalogue completeness, plural forms, Babel formats, codes to sentences."""
from __future__ import annotations

import datetime as dt
import gettext
import io
import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.analysis import churn, drivers, health, reviews
from nps_helpers.analysis.metrics import nps
from nps_helpers.analysis.theme_impact import SHARE_VERDICTS
from nps_helpers.analysis.trends import period_change
from nps_helpers.config.params import LANGUAGES
from nps_helpers.errors import NpsInputError
from nps_helpers.present.i18n import MINUS, Translator, catalogue_path, translator
from nps_helpers.present.messages import LABELS, PLATFORMS, SENTENCES

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "count": (1, 2), "Nn_": (1, 2)}
# Words that are the same in every language; a message made only of these, numbers,
# placeholders and punctuation has nothing to translate.
COGNATES = {"NPS", "CSAT", "CES"}
# Messages that are spelt the same in English and in that language ('Region' is the word
# a Polish or German analyst writes), so an equal translation is not a missing one.
SAME_WORD = {("pl", "Region"), ("de", "Region"), ("de", "Status")}
# Template calls the Python extractor cannot see: gettext("...") / _("...") in Jinja.
TEMPLATE_CALL = re.compile(r"""(?:\bgettext|\b_)\(\s*(["'])(.+?)\1\s*\)""")
CODE_CALL = re.compile(r"""\.(label|text)\(\s*["']([a-z_]+)["']""")
PLURAL_INDEX = {
    "pl": {"one": 0, "few": 1, "many": 2},
    "ru": {"one": 0, "few": 1, "many": 2},
    "sl": {"one": 0, "two": 1, "few": 2, "other": 3},
    "de": {"one": 0, "other": 1},
    "en": {"one": 0, "other": 1},
}


def _sources() -> list[tuple[str, str]]:
    """(where, Python source) of the package, the notebooks' code cells, and templates."""
    found = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "src").rglob("*.py"))]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        # IPython magics and shell escapes are not Python.
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        found.append((str(nb.relative_to(ROOT)), code))
    return found


def _templates() -> list[tuple[str, str]]:
    folder = ROOT / "src" / "nps_helpers" / "render" / "templates"
    return [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
            for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".j2", ".html", ".tpl")]


def used_messages() -> dict[str | tuple[str, str], str]:
    """Every msgid the code, notebooks and templates use, with one place it is used."""
    used: dict[str | tuple[str, str], str] = {}
    for where, source in _sources():
        for lineno, message, _, _ in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS):
            used.setdefault(message, f"{where}:{lineno}")
    for where, source in _templates():
        for match in TEMPLATE_CALL.finditer(source):
            used.setdefault(match[2], where)
    return used


def used_codes() -> dict[str, tuple[str, str]]:
    """Literal codes passed to t.label(...) / t.text(...) anywhere, with their kind."""
    found = {}
    for where, source in [*_sources(), *_templates()]:
        for kind, code in CODE_CALL.findall(source):
            found[code] = (kind, where)
    return found


def catalogue(language: str):
    with open(catalogue_path(language), "rb") as fh:
        return read_po(fh, locale=language)


def nothing_to_translate(msgid: str) -> bool:
    words = re.sub(r"\{\w+\}", "", msgid)
    return not any(w for w in re.findall(r"[^\W\d_]+", words) if w not in COGNATES)


def fields(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


# --- catalogues ------------------------------------------------------------------------
def test_extraction_finds_the_messages_of_the_package():
    used = used_messages()
    assert "Promoters" in used and ("{n} response", "{n} responses") in used
    assert "NPS by month" in used  # marked with N_ in a table of titles
    assert len(used) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_used_message_is_in_the_catalogue(language):
    ids = {m.id for m in catalogue(language) if m.id}
    missing = {msg: where for msg, where in used_messages().items() if msg not in ids}
    assert not missing, f"{catalogue_path(language)} lacks: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_stale_or_fuzzy_messages(language):
    used = set(used_messages())
    for message in catalogue(language):
        if message.id:
            assert message.id in used, f"{language}: {message.id!r} is no longer used"
            assert not message.fuzzy, f"{language}: {message.id!r} is fuzzy"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_no_message_is_left_empty_or_in_english(language):
    cat = catalogue(language)
    for message in cat:
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id
            forms = message.string
            assert len(forms) == cat.num_plurals, f"{language}: {singular!r} needs {cat.num_plurals} forms"
            for form in forms:
                assert form.strip(), f"{language}: a plural form of {singular!r} is empty"
                assert nothing_to_translate(plural) or form not in (singular, plural), (
                    f"{language}: {singular!r} is left in English")
        else:
            assert message.string.strip(), f"{language}: {message.id!r} has no translation"
            assert (nothing_to_translate(message.id) or (language, message.id) in SAME_WORD
                    or message.string != message.id), (
                f"{language}: {message.id!r} is left in English")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    for message in catalogue(language):
        if not message.id:
            continue
        if message.pluralizable:
            wanted = fields(message.id[1])
            forms = message.string
        else:
            wanted, forms = fields(message.id), [message.string]
        for form in forms:
            assert fields(form) == wanted, f"{language}: {message.id!r} -> {form!r}"
            form.format(**dict.fromkeys(wanted, "x"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_header_agrees_with_cldr(language):
    """The catalogue's Plural-Forms expression against Babel's CLDR rules, n = 0..1000."""
    cat = catalogue(language)
    choose = gettext.c2py(cat.plural_expr)
    rule = Locale.parse(language).plural_form
    index = PLURAL_INDEX[language]
    assert cat.num_plurals == len(set(index.values()))
    assert all(choose(n) == index[rule(n)] for n in range(1001))


def test_every_code_the_analysis_returns_has_words():
    assert set(churn.VERDICTS) <= set(SENTENCES)
    assert {"no_customers", "no_churn_column", "no_customer_ids", "no_linked_responses"} <= set(SENTENCES)
    assert {"significant_increase", "significant_decrease", "no_significant_change",
            "no_previous_period", "no_responses"} <= set(SENTENCES)
    assert {"too_few_responses", "no_driver_ratings"} <= set(SENTENCES)
    assert set(drivers.QUADRANTS) <= set(LABELS)
    assert set(SHARE_VERDICTS) <= set(LABELS)
    assert {"promoter", "passive", "detractor", "responder", "non_responder"} <= set(LABELS)
    assert set(reviews.VERDICTS) | {"too_few_months", "no_reviews", "no_responses",
                                    "no_variation"} <= set(SENTENCES)
    assert set(health.BANDS) <= set(LABELS)
    # The stars table names each verdict and each reason briefly.
    assert set(reviews.VERDICTS) | {"too_few_months", "no_reviews", "no_responses",
                                    "no_variation"} <= set(LABELS)
    assert {"no_health_data", "no_start_dates", "no_active_customers", "health_summary",
            "health_explained"} <= set(SENTENCES)


def test_codes_used_in_code_notebooks_and_templates_exist():
    for code, (kind, where) in used_codes().items():
        registry = LABELS if kind == "label" else SENTENCES
        assert code in registry, f"{where}: t.{kind}({code!r}) has no entry in i18n"


# --- plural forms ------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["1 odpowiedź", "2 odpowiedzi", "5 odpowiedzi", "22 odpowiedzi", "25 odpowiedzi"]),
    ("ru", ["1 ответ", "2 ответа", "5 ответов", "22 ответа", "25 ответов"]),
    ("sl", ["1 odgovor", "2 odgovora", "5 odgovorov", "22 odgovorov", "25 odgovorov"]),
    ("de", ["1 Antwort", "2 Antworten", "5 Antworten", "22 Antworten", "25 Antworten"]),
    ("en", ["1 response", "2 responses", "5 responses", "22 responses", "25 responses"]),
])
def test_responses_for_1_2_5_22_25(language, expected):
    assert [translator(language).responses(n) for n in (1, 2, 5, 22, 25)] == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["1 klient", "2 klientów", "5 klientów", "22 klientów", "25 klientów"]),
    ("ru", ["1 клиент", "2 клиента", "5 клиентов", "22 клиента", "25 клиентов"]),
])
def test_customers_for_1_2_5_22_25(language, expected):
    t = translator(language)
    assert [t.count("{n} customer", "{n} customers", n) for n in (1, 2, 5, 22, 25)] == expected


def test_polish_and_russian_three_forms_in_a_sentence():
    pl, ru = translator("pl"), translator("ru")
    rise = [pl.text("significant_increase", n=n, previous="I kw. 2026", before="+1", now="+2") for n in (1, 2, 5, 22, 25)]
    assert [re.search(r"o \d+ (\w+)", s)[1] for s in rise] == [
        "punkt", "punkty", "punktów", "punkty", "punktów"]
    days = [ru.count("Customers who left within {n} day", "Customers who left within {n} days", n)
            for n in (1, 2, 5, 21, 22, 25)]
    assert [d.split()[-1] for d in days] == ["дня", "дней", "дней", "дня", "дней", "дней"]


def test_slovenian_four_forms():
    t = translator("sl")
    got = [t.responses(n) for n in (1, 2, 3, 4, 5, 11, 101, 102, 103, 111)]
    assert got == ["1 odgovor", "2 odgovora", "3 odgovori", "4 odgovori", "5 odgovorov",
                   "11 odgovorov", "101 odgovor", "102 odgovora", "103 odgovori", "111 odgovorov"]
    needed = [t.text("too_few_responses", n=n, have=0).split(" vsaj ")[0].split()[-1]
              for n in (1, 2, 3, 5)]
    assert needed == ["potreben", "potrebna", "potrebni", "potrebnih"]


def test_russian_teens_take_the_many_form():
    t = translator("ru")
    assert [t.responses(n) for n in (11, 12, 14, 111, 21, 101)] == [
        "11 ответов", "12 ответов", "14 ответов", "111 ответов", "21 ответ", "101 ответ"]


def test_plural_count_uses_the_localized_number():
    # CLDR's minimum grouping digits: Polish groups from five digits on.
    assert translator("pl").responses(1250) == "1250 odpowiedzi"
    assert translator("pl").responses(12_250) == "12\xa0250 odpowiedzi"
    assert translator("de").responses(1250) == "1.250 Antworten"


# --- numbers, dates, typography --------------------------------------------------------
@pytest.mark.parametrize(("language", "number", "percent"), [
    ("en", "12,345.7", "23.5%"),
    ("de", "12.345,7", "23,5\xa0%"),
    ("pl", "12\xa0345,7", "23,5%"),
    ("ru", "12\xa0345,7", "23,5\xa0%"),
    ("sl", "12.345,7", "23,5\xa0%"),
])
def test_numbers_and_percentages_in_the_locale_format(language, number, percent):
    t = translator(language)
    assert t.number(12345.67, 1) == number
    assert t.percent(0.2346, 1) == percent


@pytest.mark.parametrize("language", LANGUAGES)
def test_nps_has_a_sign_and_a_true_minus(language):
    t = translator(language)
    assert t.nps(23.4) == "+23"
    assert t.nps(-5.2) == f"{MINUS}5"
    assert t.nps(0.3) == t.nps(-0.3) == "0"
    assert t.number(-1234, 0).startswith(MINUS)


@given(st.floats(-100, 100, allow_nan=False))
def test_nps_sign_matches_the_rounded_value(value):
    shown = translator("de").nps(value)
    magnitude = int(shown.lstrip("+" + MINUS))
    assert magnitude == round(abs(value)) or abs(abs(value) - magnitude) <= 0.5
    assert "-" not in shown
    assert shown.startswith("+") == (magnitude > 0 and value > 0)
    assert shown.startswith(MINUS) == (magnitude > 0 and value < 0)


@given(st.floats(-1e7, 1e7, allow_nan=False), st.integers(0, 3))
def test_numbers_read_back_to_the_value(value, digits):
    for language in LANGUAGES:
        t = translator(language)
        shown = t.number(value, digits)
        symbols = t.locale.number_symbols["latn"]
        plain = (shown.replace(symbols["group"], "").replace(symbols["decimal"], ".")
                 .replace(MINUS, "-"))
        assert abs(float(plain) - value) <= 0.5 * 10**-digits + 1e-9 * abs(value)


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_missing_numbers_show_a_dash(missing):
    t = translator("en")
    assert t.number(missing) == t.percent(missing) == t.nps(missing) == "\u2014"
    assert t.nps_interval(missing, 1, 2) == "\u2014"


# A custom range (end exclusive) reads as its first and last day, as CLDR writes an interval.
@pytest.mark.parametrize(("language", "march", "quarter", "interval", "custom"), [
    ("en", "March 2026", "Q1 2026", "+23 (18 to 28)", "Jan 1\u2009\u2013\u2009Feb 14, 2026"),
    ("pl", "marzec 2026", "I kw. 2026", "+23 (od 18 do 28)", "1 stycznia\u2009\u2013\u200914 lutego 2026"),
    ("sl", "marec 2026", "1. čet. 2026", "+23 (od 18 do 28)", "1. jan.\u201314. feb. 2026"),
    ("ru", "март 2026\u202fг.", "1-й кв. 2026\u202fг.", "+23 (от 18 до 28)",
     "1 янв. \u2014 14 февр. 2026\u202fг."),
    ("de", "März 2026", "Q1 2026", "+23 (18 bis 28)", "1. Jan.\u2009\u2013\u200914. Feb. 2026"),
])
def test_periods_and_intervals_in_the_language(language, march, quarter, interval, custom):
    t = translator(language)
    assert t.period("2026-03") == march
    assert t.period("2026-Q1", short=True) == quarter
    assert t.period("2026") == "2026"
    assert t.period("2026-01-01..2026-02-15") == custom
    assert t.nps_interval(23.2, 18.1, 28.4) == interval


def test_dates_have_month_names_in_the_language():
    day = dt.date(2026, 10, 5)
    got = {lang: translator(lang).date(day) for lang in LANGUAGES}
    assert got["en"] == "October 5, 2026"
    assert got["pl"] == "5 października 2026"
    assert got["sl"] == "5. oktobra 2026"  # the genitive after a day number
    assert got["de"] == "5. Oktober 2026"
    assert got["ru"].startswith("5 октября 2026")


def test_quotes_follow_each_language():
    assert [translator(lang).quote("x") for lang in LANGUAGES] == [
        "\u201cx\u201d", "\u201ex\u201d", "\u201ex\u201c", "\u00abx\u00bb", "\u201ex\u201c"]


# --- codes, sentences, errors ------------------------------------------------------------
def test_headline_and_category_names():
    result = nps({"promoters": 60, "passives": 20, "detractors": 20})
    assert translator("ru").headline(result) == (
        "NPS +40 (доверительный интервал 95\xa0%: от 23 до 54), 100 ответов")
    assert [translator("pl").label(c) for c in ("promoter", "passive", "detractor")] == [
        "Promotorzy", "Neutralni", "Krytycy"]


def test_verdicts_become_sentences():
    t = translator("de")
    assert t.text("no_association").startswith("In den Daten zeigt sich kein signifikanter")
    assert translator("en").text("no_association") == (
        "There is no significant association between the score and churn in this client's data.")


def _responses(current: int, previous: int) -> pd.DataFrame:
    return pd.DataFrame({
        "score": [10] * current + [0] * (100 - current) + [10] * previous + [0] * (100 - previous),
        "responded_at": pd.to_datetime(["2026-08-01"] * 100 + ["2026-05-01"] * 100, utc=True)})


def test_change_sentences_follow_the_verdict():
    en = translator("en")
    assert en.change(period_change(_responses(60, 40), "2026-Q3")) == (
        "NPS rose by 40 points since Q2 2026, from \u221220 to +20; the rise is statistically "
        "significant.")
    assert en.change(period_change(_responses(40, 60), "2026-Q3")).startswith("NPS fell by 40 points")
    same = en.change(period_change(_responses(50, 49), "2026-Q3"))
    assert same == ("The change since Q2 2026, from \u22122 to 0 (+2), is not statistically "
                    "significant: chance alone could produce it.")
    only_now = _responses(50, 50).iloc[:100]
    assert en.change(period_change(only_now, "2026-Q3")) == en.text("no_previous_period")


def test_a_change_that_whole_numbers_would_hide_reads_with_one_decimal():
    # NPS 18.6 before and 19.4 now: '+19 to +19 (+1)' would read as no change.
    def period(promoters: int, detractors: int, day: str) -> pd.DataFrame:
        scores = [10] * promoters + [0] * detractors + [8] * (1000 - promoters - detractors)
        return pd.DataFrame({"score": scores, "responded_at": pd.to_datetime([day] * 1000, utc=True)})

    frame = pd.concat([period(400, 206, "2026-08-01"), period(400, 214, "2026-05-01")])
    assert translator("en").change(period_change(frame, "2026-Q3")) == (
        "The change since Q2 2026, from +18.6 to +19.4 (+0.8), is not statistically significant: "
        "chance alone could produce it.")
    # The change is that of the values shown (19.16 - 18.64 = 0.52 reads +0.6, not +0.5).

    def period_10k(net: int, day: str) -> pd.DataFrame:
        scores = [10] * (4000 + net) + [0] * 4000 + [8] * (2000 - net)
        return pd.DataFrame({"score": scores, "responded_at": pd.to_datetime([day] * 10000, utc=True)})

    frame = pd.concat([period_10k(1916, "2026-08-01"), period_10k(1864, "2026-05-01")])
    assert "from +18.6 to +19.2 (+0.6)" in translator("en").change(period_change(frame, "2026-Q3"))


def test_topics_translate_default_themes_and_keep_a_clients_own():
    t = translator("ru")
    assert t.topic("price") == t.topic("driver_price") == "Цена"
    assert t.topic("Parkplatz") == "Parkplatz"
    assert t.topic("driver_wait_time") == "wait time"
    # Group values are data: only customer-group codes are translated, not headings.
    assert t.name("detractor") == "Критики"
    assert t.name("report_title") == "report_title"


@pytest.mark.parametrize("column", ["region", "plan", "touchpoint", "channel", "country", "market",
                                    "product", "segment"])
def test_common_segment_columns_are_named_in_every_language(column):
    names = {lang: translator(lang).topic(column) for lang in LANGUAGES}
    assert names["en"] == column.capitalize()
    for lang, name in names.items():
        assert name != column, f"{lang}: segment column {column!r} shows raw"
        assert name != names["en"] or (lang, names["en"]) in SAME_WORD or lang == "en", (
            f"{lang}: {column!r} is left in English")


def _months(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2026-01-10", periods=n, freq="MS", tz="UTC")


def _stars_against(scores: list[int], stars: list[int]) -> reviews.StarsNps:
    when = _months(len(scores))
    return reviews.stars_vs_nps(
        pd.DataFrame({"platform": "google", "reviewed_at": when, "stars": stars}),
        pd.DataFrame({"responded_at": when, "score": scores}))


def test_stars_sentence_gives_the_verdict_r_and_its_interval():
    result = _stars_against([0, 3, 8, 7, 9, 10, 10, 2], [1, 2, 3, 3, 4, 5, 5, 1])
    assert result.status == "ok"
    t = translator("de")
    sentence = t.stars_nps(result)
    assert sentence.startswith(t.text(result.verdict) + " Korrelation")
    assert f"r = {t.number(result.r, 2)} (Konfidenzintervall 95\xa0%: " in sentence
    assert t.interval(result.ci_low, result.ci_high, 2) in sentence
    assert "über 8 Monate. Jeder Monat zählt nach der Zahl seiner Bewertungen" in sentence
    assert sentence.endswith(f"so viel wie {t.number(result.n_eff, 1)} voneinander unabhängige.")


@pytest.mark.parametrize(("language", "months", "word"), [
    ("pl", 1, "miesiąca"), ("pl", 2, "miesięcy"), ("pl", 22, "miesięcy"),
    ("ru", 1, "месяц"), ("ru", 2, "месяца"), ("ru", 5, "месяцев"), ("ru", 22, "месяца"),
    ("sl", 1, "meseca"), ("sl", 2, "mesecev"), ("sl", 5, "mesecev"),
])
def test_months_of_the_correlation_take_the_plural_form(language, months, word):
    sentence = translator(language).text("stars_nps_r", n=months, r="0", level="95%",
                                         interval="0 – 1")
    assert sentence.rstrip(".").split()[-1] == word


def test_stars_sentence_says_why_there_is_no_r():
    few = _stars_against([0, 5, 10], [1, 3, 5])
    assert few.status == "too_few_months"
    assert translator("pl").stars_nps(few) == translator("pl").text("too_few_months", n=6)
    assert "меньше 5 — слишком мало" in translator("ru").stars_nps(few, min_months=5)
    flat = _stars_against([0, 5, 10, 0, 5, 10, 7], [4] * 7)
    assert translator("en").stars_nps(flat) == translator("en").text("no_variation")


def test_platform_names():
    t = translator("sl")
    assert [t.platform(p) for p in ("google", "TRUSTPILOT", "app_store", "all", "Bolha")] == [
        "Google", "Trustpilot", "App Store", "Vsi portali", "Bolha"]
    assert translator("ru").platform("yandex") == "Яндекс"
    assert all(name.strip() for name in PLATFORMS.values())


@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["aktywny był 1 klient", "aktywnych było 2 klientów", "aktywnych było 5 klientów",
            "aktywnych było 22 klientów", "aktywnych było 25 klientów"]),
    ("ru", ["был активен 1 клиент", "было активно 2 клиента", "было активно 5 клиентов",
            "было активно 22 клиента", "было активно 25 клиентов"]),
])
def test_health_summary_plural_forms(language, expected):
    t = translator(language)
    got = [t.text("health_summary", n=n, critical="x", at_risk="y", healthy="z") for n in
           (1, 2, 5, 22, 25)]
    assert [e in g for e, g in zip(expected, got, strict=True)] == [True] * 5


def test_unknown_language_code_and_missing_value_are_clear_errors():
    with pytest.raises(NpsInputError, match="choose one of en, pl, sl, ru, de"):
        Translator("fr")
    t = translator("en")
    with pytest.raises(NpsInputError, match="no label for code 'nope'"):
        t.label("nope")
    with pytest.raises(NpsInputError, match="no sentence for code 'nope'"):
        t.text("nope")
    with pytest.raises(NpsInputError, match="needs the value 'previous'"):
        t.text("no_significant_change", change="+1")


def test_translator_is_cached_per_language():
    assert translator("pl") is translator("pl")
    assert translator("pl") is not translator("ru")


def test_a_client_locale_drives_dates_and_numbers_not_words():
    import datetime as dt

    from nps_helpers.present.i18n import client_translator

    uk = client_translator("en", "en_GB")
    assert uk.date(dt.date(2026, 7, 1)) == "1 July 2026" and uk.gettext("Contents") == "Contents"
    assert client_translator("en", None).date(dt.date(2026, 7, 1)) == "July 1, 2026"
    assert client_translator("de", "de_CH").number(12345) == "12'345"  # CLDR de_CH: an apostrophe
    assert client_translator("pl", "en_GB").date(dt.date(2026, 7, 1)) == "1 lipca 2026"
    assert translator("sl").gettext("Generated on {date}").format(
        date=translator("sl").date(dt.date(2026, 12, 4))).endswith("4. decembra 2026")


def test_slovenian_months_after_a_day_are_genitive_and_uk_dates_are_day_first():
    assert translator("sl").date(dt.date(2026, 7, 1)) == "1. julija 2026"
    assert translator("sl").text("generated_on", date=translator("sl").date(dt.date(2026, 12, 4))) == (
        "Izdelano 4. decembra 2026")
    assert translator("sl").period("2026-07") == "julij 2026"  # a month alone stays nominative
    assert translator("en", "en_GB").date(dt.date(2026, 7, 1)) == "1 July 2026"


@pytest.mark.parametrize(("language", "four", "five"), [
    ("en", "2,459", "12,459"), ("de", "2.459", "12.459"), ("sl", "2.459", "12.459"),
    ("ru", "2\xa0459", "12\xa0459"),
    ("pl", "2459", "12\xa0459"),  # CLDR pl minimumGroupingDigits 2
])
def test_minimum_grouping_digits_follow_cldr(language, four, five):
    t = translator(language)
    assert (t.number(2459), t.number(12459), t.number(-2459)) == (four, five, MINUS + four)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_industry_terms_have_a_word_for_every_industry(language):
    from nps_helpers.config.params import INDUSTRIES
    from nps_helpers.present.messages import INDUSTRY_TERMS

    entries = {(m.context, m.id): m.string for m in catalogue(language) if m.context}
    for code in INDUSTRY_TERMS:
        for industry in INDUSTRIES:
            word = entries.get((industry, LABELS[code]), "")
            assert word.strip() and word != LABELS[code], (
                f"{catalogue_path(language)}: msgctxt {industry!r} msgid {LABELS[code]!r} needs a word")
    assert {context for context, _ in entries} <= set(INDUSTRIES), "msgctxt must be an industry"


@pytest.mark.parametrize(("language", "bank_support", "telecom_plan", "retail_plan"), [
    ("de", "Kundenservice", "Tarif", "Kundenstatus"),
    ("pl", "Obsługa klienta", "Taryfa", "Status klienta"),
    ("ru", "Обслуживание клиентов", "Тариф", "Уровень лояльности"),
])
def test_support_and_plan_read_in_the_industrys_words(language, bank_support, telecom_plan, retail_plan):
    from nps_helpers.present.i18n import client_translator

    bank = client_translator(language, None, "banking")
    telecom = client_translator(language, None, "telecom")
    retail = client_translator(language, None, "retail")
    assert bank.label("support") == bank.topic("driver_support") == bank_support
    assert telecom.topic("plan") == telecom_plan and retail.topic("plan") == retail_plan
    assert bank.topic("plan") not in (telecom_plan, "Technischer Support")
    # Only the industry's words change; the rest of the catalogue is the language's.
    assert bank.label("price") == translator(language).label("price")
    assert translator(language, industry="software").label("support") != bank_support


def test_german_report_words_are_what_a_cx_manager_writes():
    t = translator("de", industry="banking")
    words = [t.label("health"), t.label("support"), t.text("no_health_data"), t.gettext("Health")]
    assert not any("Gesundheit" in w or "Technischer Support" in w for w in words)
    assert t.label("health") == "Customer Health Score"


def test_a_locale_that_cldr_does_not_know_is_refused_with_the_fix():
    from pydantic import ValidationError

    from nps_helpers.config.params import ClientParams

    assert ClientParams(client_id="a", display_name="A", industry="banking", locale="en-GB").locale == "en_GB"
    with pytest.raises(ValidationError, match="not a CLDR locale: write language_COUNTRY, e.g. en_GB"):
        ClientParams(client_id="a", display_name="A", industry="banking", locale="xx_YY")


@pytest.mark.parametrize(("locale", "paper"), [
    ("en_US", "letter"), ("en_CA", "letter"), ("fr_CA", "letter"), ("es_MX", "letter"), ("en", "letter"),
    ("en_GB", "a4"), ("de_AT", "a4"), ("sl", "a4"), ("pl_PL", "a4"), ("ru", "a4"), ("en_AU", "a4"),
])
def test_paper_follows_the_locale_territory_as_cldr_says(locale, paper):
    from nps_helpers.config.params import paper_size

    assert paper_size(locale) == paper


def test_a_client_may_ask_for_its_paper_and_only_a4_or_letter():
    from pydantic import ValidationError

    from nps_helpers.config.params import ClientParams

    assert ClientParams(client_id="a", display_name="A", industry="banking", paper="letter").paper == "letter"
    with pytest.raises(ValidationError, match="'a4' or 'letter'"):
        ClientParams(client_id="a", display_name="A", industry="banking", paper="legal")
