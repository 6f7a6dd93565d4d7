"""HTML tables: inert text, localized numbers and headers, flags, footnotes, plural forms."""
from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nps_helpers.analysis.benchmarks import industry_benchmark
from nps_helpers.analysis.churn import churn_analysis
from nps_helpers.analysis.drivers import relative_weights
from nps_helpers.analysis.health import band_counts, band_trend, customer_health
from nps_helpers.analysis.reviews import stars_vs_nps_by_platform
from nps_helpers.analysis.segments import nps_by_segment
from nps_helpers.analysis.text import distinctive_words
from nps_helpers.analysis.trends import nps_by_period
from nps_helpers.demo import CURATED, client_tables
from nps_helpers.errors import NpsInputError
from nps_helpers.present import comment_tables, tables
from nps_helpers.present.comment_tables import theme_examples_table, theme_table
from nps_helpers.present.i18n import MINUS, translator
from nps_helpers.present.messages import GROUPS
from nps_helpers.present.tables import LOWER_MARK, SMALL_N_MARK

ALLOWED_TAGS = {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "sup", "br"}
ALLOWED_ATTRS = {"class", "scope", "dir", "colspan"}
VOID = {"br"}
NASTY = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1)) <a href='javascript:alert(1)'>link</a>",
    "**bold** _italic_ # heading\n- list `code`",
    "مرحبا، الخدمة ممتازة جداً",
    "\u202eevil\u202c override",
    "great 👍🏽🚀 service",
    "&amp; &lt;already escaped&gt; &#x3C;",
    "x" * 5000,
]


class Page(HTMLParser):
    """Tags, attributes and cell texts of a table, checking that tags are balanced."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.cells, self.open = [], [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in VOID:
            self.open.append(tag)
        if tag in ("td", "th"):
            self.cells.append("")

    def handle_endtag(self, tag):
        assert self.open.pop() == tag, f"</{tag}> closes the wrong element"

    def handle_data(self, data):
        if {"td", "th"} & set(self.open):
            self.cells[-1] += data


def assert_inert(html: str) -> Page:
    page = Page(html)
    assert not page.open, f"unclosed: {page.open}"
    assert set(page.tags) <= ALLOWED_TAGS, set(page.tags) - ALLOWED_TAGS
    assert {name for name, _ in page.attrs} <= ALLOWED_ATTRS
    return page


def segments(**extra) -> pd.DataFrame:
    frame = pd.DataFrame({"group": ["North", "South", "East"], "n": [1250, 24, 6],
                          "nps": [23.2, -5.4, 50.0], "ci_low": [18.1, -30.0, 0.0],
                          "ci_high": [28.4, 21.0, 90.0]})
    return frame.assign(**extra)


# --- escaping --------------------------------------------------------------------------
def test_hostile_comments_stay_inert_text():
    frame = pd.DataFrame({"comment": NASTY, "score": range(len(NASTY)),
                          "themes": [["price"], "support;delivery", [], None] + [[]] * 5})
    html = comment_tables.comments_table(frame, translator("en"), max_chars=400).html
    page = assert_inert(html)
    texts = page.cells[4::3]  # after the three headers: score, comment, themes per row
    assert texts[:8] == NASTY[:8]
    assert texts[8] == "x" * 400 + "\u2026"
    assert page.cells[5::3][:2] == ["Price", "Support, Delivery"]
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert 'dir="auto"' in html


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.text(max_size=30))
def test_any_text_in_any_cell_stays_text(comment, name):
    # A group named like one of the report's own codes ('passive', 'overall') reads translated.
    assume(name not in GROUPS)
    frame = pd.DataFrame({"comment": [comment], "score": [7]})
    page = assert_inert(comment_tables.comments_table(frame, translator("ru")).html)
    kept = tables.UNSAFE_CHARACTERS.sub("", comment)
    assert page.cells[3] == kept
    seg = assert_inert(tables.nps_table(segments(group=[name, "b", "c"]), translator("pl"),
                                        header=name, caption=name).html)
    assert seg.cells[3] == tables.UNSAFE_CHARACTERS.sub("", name)
    assert seg.cells[0] == (tables.UNSAFE_CHARACTERS.sub("", name) if name else "Grupa")


def test_markup_in_every_user_field_is_escaped():
    evil = "<b onclick=x>"
    frame = pd.DataFrame({"source": [evil], "year": [2024], "region": [evil], "sample_size": [10],
                          "nps": [5.0]})
    assert_inert(tables.benchmark_table(frame, translator("de"), caption=evil).html)
    words = pd.DataFrame({"group": ["promoter"], "word": [evil], "z": [3.0]})
    assert_inert(comment_tables.words_table(words, translator("de")).html)
    drivers = pd.DataFrame({"driver": [evil], "share": [1.0], "mean": [4.0]})
    assert_inert(tables.driver_table(drivers, translator("de")).html)


# --- localisation ----------------------------------------------------------------------
@pytest.mark.parametrize(("language", "n", "interval", "header"), [
    ("en", "1,250", "+23 (18 to 28)", "NPS (95% interval)"),
    ("pl", "1250", "+23 (od 18 do 28)", "NPS (przedział ufności 95%)"),  # CLDR: Polish groups from 5 digits
    ("sl", "1.250", "+23 (od 18 do 28)", "NPS (interval zaupanja 95\xa0%)"),
    ("ru", "1\xa0250", "+23 (от 18 до 28)", "NPS (доверительный интервал 95\xa0%)"),
    ("de", "1.250", "+23 (18 bis 28)", "NPS (Konfidenzintervall 95\xa0%)"),
])
def test_nps_table_numbers_and_headers_in_the_language(language, n, interval, header):
    page = assert_inert(tables.nps_table(segments(), translator(language)).html)
    assert page.cells[2] == header
    assert page.cells[3:6] == ["North", n, interval]
    assert page.cells[8].startswith(f"{MINUS}5 (")


def test_periods_in_the_first_column_read_in_the_language():
    frame = pd.DataFrame({"period": ["2026-03", "2026-04"], "n": [50, 60], "nps": [1.0, 2.0],
                          "ci_low": [0.0, 1.0], "ci_high": [2.0, 3.0]})
    page = Page(tables.nps_table(frame, translator("ru"), label="period", header="Месяц").html)
    assert page.cells[0] == "Месяц"
    assert page.cells[3].startswith("март 2026")


# --- flags, suppression, significance --------------------------------------------------
def test_withheld_groups_show_dashes_and_a_footnote():
    page = Page(tables.nps_table(segments(), translator("en")).html)
    east = page.cells[page.cells.index("East"):][:3]
    assert east == ["East", "6", "\u2014"]
    assert "50" not in "".join(page.cells[page.cells.index("East"):-1])
    notes = page.cells[-1]
    assert "\u2014 Fewer than 10 responses: figures withheld." in notes
    assert "\u2020 Fewer than 30 responses: read with caution." in notes


def test_flags_from_the_frame_win_over_thresholds():
    frame = segments(suppressed=[False, True, False], small_n=[True, False, False])
    page = Page(tables.nps_table(frame, translator("en")).html)
    assert page.cells[page.cells.index("South") + 2] == "\u2014"
    assert page.cells[page.cells.index("North") + 2].endswith("\u2020")
    assert page.cells[page.cells.index("East") + 2] == "+50 (0 to 90)"


def test_secondary_suppression_has_its_own_footnote():
    frame = segments(suppressed=[False, True, True],
                     flag=["ok", "suppressed_secondary", "suppressed"])
    page = Page(tables.nps_table(frame, translator("de")).html)
    assert page.cells[page.cells.index("East") + 1:][:2] == ["6", "\u2014"]
    assert page.cells[page.cells.index("South") + 1:][:2] == ["24", "\u2014"]
    assert "Weniger als 10 Antworten: keine Werte ausgewiesen." in page.cells[-1]
    assert "nicht aus den übrigen errechnen" in page.cells[-1]


@pytest.mark.parametrize(("language", "label", "note"), [
    ("de", "Sonstige (2 Gruppen)", "Sonstige: West und Keine Angabe."),
    ("en", "Other (2 groups)", "Other: West and Not stated."),
])
def test_withheld_groups_read_as_one_pooled_row_named_in_a_footnote(language, label, note):
    scores = [10] * 40 + [0] * 20 + [9] * 12 + [3] * 20 + [8] * 19
    frame = pd.DataFrame({"score": scores,
                          "region": ["North"] * 60 + ["South"] * 32 + ["West"] * 14 + [None] * 5})
    page = Page(tables.nps_table(nps_by_segment(frame, "region"), translator(language)).html)
    rows = page.cells[page.cells.index("North"):-1]
    # The pooled row is last: West's 14 and the 5 not stated, all passives, so NPS 0.
    # Against North and South pooled: 52 promoters, 40 detractors of 92, so 0 - 13.04.
    label_, n, figure, difference = rows[-4:]
    assert (label_, n, difference) == (label, "19", f"{MINUS}13")
    assert figure.startswith("0 (") and figure.endswith("\u2020")
    assert "\u2014" not in rows
    assert note in page.cells[-1]
    assert "keine Werte" not in page.cells[-1] and "withheld" not in page.cells[-1]


def test_pooled_footnote_names_eight_groups_then_how_many_more():
    frame = segments(pooled=[0, 0, 11], members=[(), (), tuple(f"g{k:02}" for k in range(11))])
    notes = Page(tables.nps_table(frame, translator("pl")).html).cells[-1]
    assert "Inne: g00, g01, g02, g03, g04, g05, g06, g07 i jeszcze 3." in notes
    assert Page(tables.nps_table(frame, translator("ru")).html).cells.count("Другие (11 групп)") == 1


def test_no_footnotes_when_nothing_is_flagged():
    frame = segments().iloc[:1]
    assert "<tfoot" not in tables.nps_table(frame, translator("en")).html


@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["1 odpowiedź", "2 odpowiedzi", "5 odpowiedzi", "22 odpowiedzi", "25 odpowiedzi"]),
    ("ru", ["1 ответа", "2 ответов", "5 ответов", "22 ответов", "25 ответов"]),
    ("sl", ["1 odgovor", "2 odgovora", "5 odgovorov", "22 odgovorov", "25 odgovorov"]),
])
def test_footnote_counts_take_the_right_plural_form(language, expected):
    got = []
    for suppress_n in (1, 2, 5, 22, 25):
        frame = segments().assign(n=[suppress_n - 1, 100, 100])
        notes = Page(tables.nps_table(frame, translator(language), suppress_n=suppress_n,
                                      min_n=suppress_n).html).cells[-1]
        got.append(" ".join(notes.split(":")[0].split()[-2:]))
    assert got == expected


def test_significance_markers_and_their_footnote():
    frame = segments(n=[100, 100, 100], difference=[8.0, -12.0, 1.0],
                     significant=[True, True, False])
    page = Page(tables.nps_table(frame, translator("de")).html)
    assert page.cells[page.cells.index("North") + 3] == "+8\u25b2"
    assert page.cells[page.cells.index("South") + 3] == f"{MINUS}12\u25bc"
    assert page.cells[page.cells.index("East") + 3] == "+1"
    assert "signifikant höher" in page.cells[-1]


@given(st.lists(st.integers(0, 200), min_size=1, max_size=20), st.integers(1, 50), st.integers(1, 50))
def test_group_flags_follow_the_thresholds(ns, a, b):
    suppress_n, min_n = min(a, b), max(a, b)
    flags = tables.group_flags(pd.DataFrame({"n": ns}), min_n=min_n, suppress_n=suppress_n)
    n = np.array(ns)
    assert (flags["suppressed"].to_numpy() == (n < suppress_n)).all()
    assert (flags["small_n"].to_numpy() == ((n >= suppress_n) & (n < min_n))).all()


# --- other tables and real module outputs ----------------------------------------------
def test_tables_take_the_analysis_modules_frames():
    demo = client_tables(CURATED[4], 300, np.random.default_rng(7))
    responses = demo.responses
    t = translator("pl")
    segment_page = assert_inert(tables.nps_table(nps_by_segment(responses, "plan"), t).html)
    assert set(responses["plan"]) <= set(segment_page.cells)
    churn = churn_analysis(responses, demo.customers, demo.invitations)
    churn_page = assert_inert(tables.churn_table(churn.rates, t).html)
    assert churn_page.cells[:4] == ["Grupa", "Klienci", "Odeszli", "Odsetek odejść (przedział ufności 95%)"]
    assert churn_page.cells[4] == "Krytycy"
    rate = churn.rates.iloc[0]
    assert churn_page.cells[7] == (f"{round(100 * rate['rate'])}% (od {round(100 * rate['ci_low'])} "
                                   f"do {round(100 * rate['ci_high'])})")
    drivers = relative_weights(responses).table
    driver_page = assert_inert(tables.driver_table(drivers, t).html)
    assert driver_page.cells[4] == t.topic(drivers["driver"].iloc[0])
    cats = pd.Series(np.where(responses["score"] >= 9, "promoter",
                              np.where(responses["score"] >= 7, "passive", "detractor")))
    words = distinctive_words(responses["comment"], cats, responses["language"])
    words_page = assert_inert(comment_tables.words_table(words, t).html)
    assert "Krytycy" in words_page.cells and "Promotorzy" in words_page.cells
    trend_page = assert_inert(tables.nps_table(nps_by_period(responses, "quarter"), t,
                                               label="period").html)
    assert any(cell.startswith("III kw. 2026") for cell in trend_page.cells)  # one quarter style


def test_benchmark_table_optional_columns():
    frame = pd.DataFrame({"source": ["Temkin 2018", "XM Institute"], "year": [2018, 2024],
                          "region": ["US", "Global"], "sample_size": [10000, np.nan],
                          "nps": [-3.0, 12.0]})
    page = assert_inert(tables.benchmark_table(frame, translator("pl")).html)
    assert page.cells == ["Źródło", "Rok", "Region", "Liczebność próby", "NPS",
                          "Temkin 2018", "2018", "Stany Zjednoczone", "10\xa0000", f"{MINUS}3",
                          "XM Institute", "2024", "Global", "\u2014", "+12"]


def test_benchmark_table_takes_the_shipped_figures():
    bench = industry_benchmark("banking")
    page = assert_inert(tables.benchmark_table(bench.table, translator("de")).html)
    # Source, published as, year, region, survey, sample size, NPS
    assert len(page.cells) == 7 * (len(bench.table) + 1)
    row = bench.table.iloc[0]
    assert f"{row['publisher']}: {row['source']}" in page.cells  # the title as published
    assert row["published_as"] in page.cells and "Unabhängiges Panel" in page.cells
    assert "Vereinigte Staaten" in page.cells  # the region's name in the report's language
    assert f"{row['year']} (historisch)" in page.cells  # a 2012 figure is marked


# --- review stars and customer health ----------------------------------------------------
def _reviews_and_responses():
    months = pd.date_range("2026-01-10", periods=8, freq="MS", tz="UTC")
    stars = [1, 2, 2, 3, 4, 4, 5, 5]
    reviews = pd.DataFrame({"platform": ["google"] * 8 + ["yandex"] * 3,
                            "reviewed_at": months.append(months[:3]), "stars": stars + [4, 4, 4]})
    responses = pd.DataFrame({"responded_at": months, "score": [0, 2, 4, 5, 7, 8, 9, 10]})
    return reviews, responses


def test_stars_table_rows_per_platform_in_the_language():
    frame = stars_vs_nps_by_platform(*_reviews_and_responses())
    page = assert_inert(tables.stars_table(frame, translator("ru")).html)
    assert page.cells[:4] == ["Площадка", "Сравнено месяцев",
                              "Корреляция r (доверительный интервал 95\xa0%)", "Звёзды и NPS"]
    pooled = frame.iloc[0]
    r = f"{pooled['r']:.2f}".replace(".", ",")
    low, high = (f"{v:.2f}".replace(".", ",").replace("-", "\u2212") for v in (pooled["ci_low"], pooled["ci_high"]))
    # Both series climb steadily: few effective months, so the interval spans 0.
    assert pooled["verdict"] == "stars_nps_unclear"
    assert page.cells[4:8] == ["Все площадки", "8", f"{r} (от {low} до {high})",
                               translator("ru").label("stars_nps_unclear")]
    assert page.cells[-4:] == ["Яндекс", "3", "\u2014", "Слишком мало месяцев для вывода"]


@pytest.mark.parametrize("verdict", ["stars_follow_nps", "stars_oppose_nps", "stars_nps_unclear",
                                     "too_few_months", "no_variation", "no_reviews", "no_responses"])
def test_every_stars_verdict_has_a_short_name(verdict):
    frame = pd.DataFrame({"platform": ["google"], "verdict": [verdict], "months": [0],
                          "r": [np.nan], "ci_low": [np.nan], "ci_high": [np.nan]})
    for language in ("en", "pl", "sl", "ru", "de"):
        cells = Page(tables.stars_table(frame, translator(language)).html).cells
        assert cells[-1] and cells[-1] != verdict


def test_health_table_counts_shares_and_active_total():
    customers = pd.DataFrame({"customer_id": [f"c{i}" for i in range(8)], "churned_at": pd.NaT,
                              "started_at": pd.to_datetime(["2018-01-01", "2025-09-01"] * 4, utc=True)})
    responses = pd.DataFrame({"customer_id": [f"c{i}" for i in range(8)],
                              "score": [10, 10, 9, 8, 6, 3, 0, 0],
                              "responded_at": pd.to_datetime(["2025-12-01"] * 8, utc=True)})
    frame = band_trend(customers, responses, None, ["2025-10-01", "2026-01-01"])
    page = assert_inert(tables.health_table(frame, translator("en")).html)
    assert page.cells[:3] == ["Health", "Sep 30, 2025", "Dec 31, 2025"]
    bands = customer_health(customers, responses, as_of="2026-01-01")["band"].value_counts()
    for band, label in (("critical", "Critical"), ("at_risk", "At risk"), ("healthy", "Healthy")):
        row = page.cells[page.cells.index(label):][:3]
        count = int(bands.get(band, 0))
        assert row[2] == f"{count} ({round(100 * count / 8)}%)"
    assert page.cells[-3:] == ["Active customers", "8", "8"]


def test_health_table_of_band_counts_alone():
    frame = band_counts(pd.DataFrame({"band": ["healthy"] * 3 + ["critical"]})).assign(
        as_of=pd.Timestamp("2026-04-01", tz="UTC"))
    page = assert_inert(tables.health_table(frame, translator("sl")).html)
    assert page.cells == ["Stanje", "31. mar. 2026", "Kritični", "1 (25\xa0%)", "Ogroženi",
                          "0 (0\xa0%)", "Zdravi", "3 (75\xa0%)", "Aktivne stranke", "4"]


def test_headers_align_with_their_columns():
    frame = pd.DataFrame({"comment": ["fine"], "score": [9], "themes": [["price"]]})
    html = comment_tables.comments_table(frame, translator("en")).html
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert head == ('<thead><tr><th scope="col" class="num">Score</th>'
                    '<th scope="col" class="text">Comment</th>'
                    '<th scope="col" class="text">Themes</th></tr>')


def test_tables_do_not_modify_the_callers_frame():
    frame = segments()
    copy = frame.copy()
    tables.nps_table(frame, translator("en"))
    pd.testing.assert_frame_equal(frame, copy)


@pytest.mark.parametrize(("call", "column"), [
    (lambda t: tables.nps_table(segments().drop(columns="ci_high"), t), "ci_high"),
    (lambda t: tables.churn_table(pd.DataFrame({"category": ["promoter"]}), t), "customers"),
    (lambda t: comment_tables.comments_table(pd.DataFrame({"text": ["x"]}), t), "comment"),
    (lambda t: comment_tables.words_table(pd.DataFrame({"group": ["x"], "word": ["y"]}), t), "z"),
    (lambda t: tables.group_flags(pd.DataFrame({"x": [1]})), "'n'"),
    (lambda t: tables.stars_table(pd.DataFrame({"platform": ["x"], "verdict": ["no_reviews"]}), t),
     "months"),
    (lambda t: tables.health_table(pd.DataFrame({"band": ["healthy"], "customers": [1]}), t),
     "as_of"),
])
def test_missing_columns_are_named(call, column):
    with pytest.raises(NpsInputError, match=column):
        call(translator("en"))


# --- comment themes ----------------------------------------------------------------------
@pytest.fixture
def theme_names(monkeypatch):
    """Theme names as the client's codeframe would give them."""
    names = {"installation": "Instalacja", "price": "Cena"}
    monkeypatch.setattr("nps_helpers.analysis.codeframes.theme_label",
                        lambda code, language, industry=None: names[code], raising=False)


def theme_rows() -> pd.DataFrame:
    return pd.DataFrame({"theme": ["installation", "price"], "mentions": [120, 12], "complaints": [80, 9],
                         "praise": [30, 1], "impact": [-12.4, -1.6], "ci_low": [-18.0, -4.0],
                         "ci_high": [-7.0, 0.5], "significant": [True, False], "small_n": [False, True],
                         "detractor_share": [0.55, 0.06], "previous_detractor_share": [0.3, 0.05],
                         "share_verdict": ["rose", "no_significant_change"]})


def test_theme_table_marks_small_themes_and_tested_impacts(theme_names):
    html = theme_table(theme_rows(), translator("pl"), industry="telecom", min_n=30).html
    rows = html[html.index("<tbody>") + len("<tbody>"):html.index("</tbody>")].split("</tr>")
    assert rows[0].startswith('<tr><th scope="row" class="text" dir="auto">Instalacja</th>')
    assert f'−12 (od −18 do −7)<sup class="nps-flag">{LOWER_MARK}</sup>' in rows[0]
    assert "55%" in rows[0] and "30%" in rows[0] and "Istotny wzrost" in rows[0]
    assert f'12<sup class="nps-flag">{SMALL_N_MARK}</sup>' in rows[1] and LOWER_MARK not in rows[1]
    assert "Mniej niż 30 wzmianek: wynik orientacyjny." in html


def test_a_narrow_impact_interval_gets_one_decimal_not_three_equal_figures(theme_names):
    rows = theme_rows().assign(impact=[-3.62, -1.0], ci_low=[-4.14, -9.0], ci_high=[-3.18, 2.0])
    html = theme_table(rows, translator("en"), industry="telecom", min_n=30).html
    assert "−3.6 (−4.1 to −3.2)" in html and "−1 (−9 to 2)" in html


def test_theme_examples_are_escaped_and_a_missing_side_is_empty(theme_names):
    frame = pd.DataFrame({"theme": ["installation", "installation", "price"],
                          "sentiment": ["negative", "positive", "positive"],
                          "comment": ["<img src=x onerror=alert(1)>", "szybko", "tanio"], "score": [1, 9, 10]})
    html = theme_examples_table(frame, translator("pl"), industry="telecom").html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; (1)" in html
    assert '<th scope="row" class="text" dir="auto">Cena</th><td class="text" dir="auto"></td>' in html


def test_theme_table_needs_the_impact_columns():
    with pytest.raises(NpsInputError, match="theme_table: .*share_verdict"):
        theme_table(theme_rows().drop(columns="share_verdict"), translator("en"))
