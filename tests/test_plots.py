"""Charts: alt text on every chart, localized text, Cyrillic glyphs, house palette, inputs."""
from __future__ import annotations

import base64
import io
import re
import warnings
from html.parser import HTMLParser

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from nps_helpers.analysis.benchmarks import peer_benchmark
from nps_helpers.analysis.churn import churn_analysis
from nps_helpers.analysis.drivers import relative_weights
from nps_helpers.analysis.metrics import nps
from nps_helpers.analysis.reviews import stars_by_month, stars_vs_nps
from nps_helpers.analysis.segments import nps_by_segment
from nps_helpers.analysis.stats import group_stats
from nps_helpers.analysis.theme_impact import theme_impact
from nps_helpers.analysis.trends import nps_by_period
from nps_helpers.config.params import LANGUAGES
from nps_helpers.demo import CURATED, client_tables
from nps_helpers.errors import NpsInputError
from nps_helpers.present import plots, trend_plots
from nps_helpers.present.chart import kept_figures
from nps_helpers.present.i18n import translator

PNG = b"\x89PNG\r\n\x1a\n"
YOU = nps({"promoters": 50, "passives": 30, "detractors": 20})


def split_frame():
    return pd.DataFrame({"group": ["2026-Q2", "2026-Q3"], "promoters": [50, 60],
                         "passives": [30, 25], "detractors": [20, 15]})


def trend_frame():
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    values = np.array([10.0, 14.0, -3.0, 8.0, 20.0, 12.0])
    return pd.DataFrame({"period": months, "n": [80, 90, 25, 85, 70, 60], "nps": values,
                         "ci_low": values - 10, "ci_high": values + 10})


def segment_frame():
    return pd.DataFrame({"group": ["North", "South", "East"], "n": [120, 45, 6],
                         "nps": [30.0, 5.0, 50.0], "ci_low": [17.0, -18.0, 0.0],
                         "ci_high": [42.0, 27.0, 90.0], "significant": [True, False, False]})


def churn_frame():
    return pd.DataFrame({"category": ["detractor", "passive", "promoter"],
                         "customers": [40, 60, 100], "rate": [0.3, 0.15, 0.08],
                         "ci_low": [0.18, 0.08, 0.04], "ci_high": [0.45, 0.26, 0.15]})


def retention_frame():
    days = np.arange(0, 181, 30)
    return pd.concat([pd.DataFrame({"group": g, "day": days, "survival": np.exp(-k * days)})
                      for g, k in (("promoter", 0.0005), ("detractor", 0.002))])


def driver_frame():
    return pd.DataFrame({"driver": ["speed", "price", "staff"], "share": [0.5, 0.3, 0.2],
                         "share_low": [0.4, 0.2, 0.1], "share_high": [0.6, 0.4, 0.3],
                         "mean": [3.1, 3.9, 4.4],
                         "quadrant": ["concentrate_here", "keep_up", "possible_overkill"]})


def theme_frame():
    return pd.DataFrame({"theme": ["price", "staff", "billing"], "mentions": [40, 35, 8],
                         "complaints": [30, 5, 6], "praise": [8, 30, 0], "neutral": [2, 0, 2],
                         "impact": [-9.4, -1.2, -0.8], "small_n": [False, False, True]})


def review_rows(months: int = 8, seed: int = 5) -> pd.DataFrame:
    """Reviews on two platforms; Trustpilot has months without any (gaps in its line)."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-01", periods=months, freq="MS", tz="UTC")
    per_month = {"google": [6, 5, 0, 7, 4, 6, 5, 8], "trustpilot": [2, 0, 3, 1, 2, 2, 0, 3]}
    rows = []
    for platform, counts in per_month.items():
        for start, k in zip(starts, counts[:months], strict=True):
            rows += [{"platform": platform, "reviewed_at": start + pd.Timedelta(days=int(day)),
                      "stars": int(stars)}
                     for day, stars in zip(rng.integers(0, 27, k), rng.integers(1, 6, k), strict=True)]
    return pd.DataFrame(rows)


def survey_rows(months: int = 8, seed: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-01", periods=months, freq="MS", tz="UTC")
    return pd.DataFrame({"score": rng.integers(0, 11, 40 * months),
                         "responded_at": np.repeat(starts, 40) + pd.Timedelta(days=3)})


def band_frame():
    return pd.DataFrame({
        "as_of": pd.to_datetime(["2026-07-01"] * 3 + ["2026-10-01"] * 3, utc=True),
        "band": ["critical", "at_risk", "healthy"] * 2, "customers": [30, 50, 20, 25, 45, 40],
        "share": [0.3, 0.5, 0.2, 25 / 110, 45 / 110, 40 / 110]})


CHARTS = {
    "category_split": lambda t: plots.category_split(split_frame(), t),
    "trend": lambda t: trend_plots.trend(trend_frame(), t, events=[
        {"date": "2026-03-10", "label": "Новые цены"}, {"date": "2025-01-01", "label": "Too early"}]),
    "segment_forest": lambda t: plots.segment_forest(segment_frame(), t, segment="Регион",
                                                     overall=24.0),
    "benchmark_position": lambda t: plots.benchmark_position(
        pd.DataFrame({"source": ["A", "B"], "year": [2023, 2024], "nps": [21.0, 34.0]}),
        YOU, t, peers=peer_benchmark(YOU, [10.0, 20.0, 25.0, 40.0, 50.0, 60.0, 5.0, 70.0])),
    "churn": lambda t: trend_plots.churn_chart(churn_frame(), t, horizon_days=180),
    "retention": lambda t: trend_plots.retention(retention_frame(), t),
    "driver_matrix": lambda t: plots.driver_matrix(driver_frame(), t),
    "theme_balance": lambda t: plots.theme_balance(theme_frame(), t, industry="telecom"),
    "stars_trend": lambda t: trend_plots.stars_trend(
        nps_by_period(survey_rows()), stars_by_month(review_rows()), t,
        correlation=stars_vs_nps(review_rows(), survey_rows()),
        events=[{"date": "2026-03-10", "label": "Новые цены"}]),
    "health_bands": lambda t: trend_plots.band_trend_chart(band_frame(), t),
}


class ImgParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def rendered(name, language):
    """A chart, with every warning matplotlib raised while drawing it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart = CHARTS[name](translator(language))
    return chart, [str(w.message) for w in caught]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_a_png_with_alt_text_that_reaches_the_html(name):
    chart, _ = rendered(name, "en")
    assert chart.png.startswith(PNG)
    assert (chart.width, chart.height) == (int.from_bytes(chart.png[16:20], "big"),
                                           int.from_bytes(chart.png[20:24], "big"))
    assert len(chart.alt) > 40 and chart.alt.endswith(".")
    data, meta = chart._repr_mimebundle_()
    parser = ImgParser()
    parser.feed(data["text/html"])
    (img,) = parser.images
    assert img["alt"] == chart.alt
    assert img["src"] == chart.data_uri()
    assert base64.b64decode(img["src"].split(",", 1)[1]) == chart.png
    assert (img["width"], img["height"]) == (str(chart.width), str(chart.height))
    assert meta["image/png"]["alt"] == chart.alt == data["text/plain"]
    assert base64.b64decode(data["image/png"]) == chart.png


@pytest.mark.parametrize("name", CHARTS)
def test_cyrillic_charts_draw_every_glyph(name):
    chart, caught = rendered(name, "ru")
    assert not [m for m in caught if "Glyph" in m or "missing from font" in m], caught
    assert any("\u0400" <= ch <= "\u04ff" for ch in chart.alt)


def test_the_glyph_check_would_see_a_missing_glyph():
    """The check above is live: a script DejaVu Sans lacks does warn."""
    frame = segment_frame().assign(group=["漢字", "South", "East"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots.segment_forest(frame, translator("ru"))
    assert any("missing from font" in str(w.message) for w in caught)


@pytest.mark.parametrize("language", ["pl", "sl", "de"])
def test_chart_text_is_in_the_report_language(language):
    t = translator(language)
    chart = plots.category_split(split_frame(), t)
    assert chart.alt.startswith(t.label("category_split"))
    assert t.period("2026-Q3", short=True) in chart.alt
    churn_chart = trend_plots.churn_chart(churn_frame(), t, horizon_days=22)
    assert churn_chart.alt.startswith(
        t.count("Customers who left within {n} day", "Customers who left within {n} days", 22))
    assert t.label("detractor") in churn_chart.alt


def test_alt_text_carries_the_numbers_of_the_chart():
    t = translator("en")
    alt = plots.category_split(split_frame(), t).alt
    assert "Q3 2026: promoters 60%, passives 25%, detractors 15%" in alt
    trend_alt = trend_plots.trend(trend_frame(), t, events=[{"date": "2026-03-10", "label": "Prices"}]).alt
    assert "lowest \u22123 (March 2026), highest +20 (May 2026)" in trend_alt
    assert "Events: Prices (March 10, 2026)" in trend_alt
    forest = plots.segment_forest(segment_frame(), t).alt
    assert "North: NPS +30 (17 to 42), 120 responses" in forest
    assert "East: withheld (fewer than 10 responses)" in forest
    assert "50" not in forest.split("East")[1]  # a withheld group's figures never show


def test_peer_position_is_shown_only_with_enough_peers():
    industry = pd.DataFrame({"source": ["A"], "year": [2024], "nps": [21.0]})
    t = translator("ru")
    shown = plots.benchmark_position(industry, YOU, t, peers=peer_benchmark(YOU, [0.0, 10, 20, 40, 50]))
    # YOU is +30 (14 to 44): 0 and 10 lie surely below, 50 surely above, 20 and 40 either side.
    assert shown.alt.endswith("Выше, чем у 40\xa0%–80\xa0% из 5 сравнимых компаний.")
    hidden = plots.benchmark_position(industry, YOU, t, peers=peer_benchmark(YOU, [0.0, 10, 20, 40]))
    assert "Выше" not in hidden.alt
    # Without intervals (a bare +30 against bare figures) the range is a point.
    alone = plots.benchmark_position(industry.iloc[:0], YOU, t,
                                     peers=peer_benchmark(30.0, [0.0, 10, 20, 40, 50]))
    assert alone.alt.endswith("Выше, чем у 60\xa0% из 5 сравнимых компаний.")


def test_segment_forest_says_why_a_group_is_withheld():
    scores = [10] * 40 + [0] * 20 + [9] * 12 + [3] * 20 + [8] * 19
    frame = pd.DataFrame({"score": scores,
                          "region": ["North"] * 60 + ["South"] * 32 + ["West"] * 14 + ["East"] * 5})
    # East (5) is withheld and West (14) with it; the two read as one pooled row.
    alt = plots.segment_forest(nps_by_segment(frame, "region"), translator("en")).alt
    assert alt.endswith("Other (2 groups): NPS 0 (\u221211 to 11), 19 responses.")
    assert "East" not in alt and "West" not in alt
    hand = pd.DataFrame({"group": ["North", "West", "East"], "n": [60, None, None],
                         "nps": [33.3, None, None], "ci_low": [9.0, None, None],
                         "ci_high": [55.0, None, None], "suppressed": [False, True, True],
                         "flag": ["ok", "suppressed_secondary", "suppressed"]})
    alt = plots.segment_forest(hand, translator("en")).alt
    assert "East: withheld (fewer than 10 responses)" in alt
    assert "West: withheld (protects a smaller group)" in alt
    small = nps_by_segment(pd.DataFrame({"score": [9, 0, 7], "region": ["a", "b", "c"]}), "region")
    alt = plots.segment_forest(small, translator("de")).alt
    assert alt.endswith("Sonstige (3 Gruppen): ausgeblendet (weniger als 10 Antworten).")


def test_trend_takes_the_frame_of_nps_by_period_with_empty_months():
    responses = pd.DataFrame({"score": [10, 9, 3, 10, 8, 0] * 10, "responded_at": pd.to_datetime(
        ["2026-01-05", "2026-01-20", "2026-01-28", "2026-04-02", "2026-04-09", "2026-04-30"] * 10,
        utc=True)})
    frame = nps_by_period(responses)
    assert frame["n"].eq(0).any()
    chart = trend_plots.trend(frame, translator("sl"))
    assert chart.alt.startswith("NPS po mesecih. januar 2026 – april 2026")


def test_charts_take_the_analysis_modules_frames():
    demo = client_tables(CURATED[1], 300, np.random.default_rng(3))
    responses = demo.responses
    result = churn_analysis(responses, demo.customers, demo.invitations)
    t = translator("ru")
    charts = [
        plots.category_split(group_stats(responses, by="quarter"), t),
        trend_plots.trend(nps_by_period(responses, "quarter"), t),
        plots.segment_forest(nps_by_segment(responses, "region"), t),
        trend_plots.churn_chart(result.rates, t, horizon_days=result.horizon_days),
        trend_plots.churn_chart(result.responders, t, by="group", horizon_days=result.horizon_days),
        trend_plots.retention(result.retention, t),
        plots.driver_matrix(relative_weights(responses).table, t),
        plots.theme_balance(theme_impact(responses, pd.DataFrame({
            "row": responses.index, "theme": np.where(responses["score"] <= 6, "price", "staff"),
            "language": "en", "sentiment": np.where(responses["score"] <= 6, "negative", "positive")})), t),
    ]
    assert all(c.png.startswith(PNG) and c.alt for c in charts)
    assert "Ответили на опрос" in charts[4].alt


def test_theme_balance_lists_complaints_praise_and_impact_in_the_frames_order():
    alt = plots.theme_balance(theme_frame(), translator("en"), industry="telecom").alt.split(". ")
    assert alt[0] == "Complaints and praise by theme"
    assert [part.split(":")[0] for part in alt[1:]] == [
        translator("en").theme(code, "telecom") for code in ("price", "staff", "billing")]
    assert alt[1].endswith("complaints 30, praise 8, neutral 2, impact on NPS −9")


def test_theme_balance_leaves_out_themes_nobody_praised_or_blamed():
    frame = pd.concat([theme_frame(), pd.DataFrame({"theme": ["ordering"], "mentions": [3], "complaints": [0],
                                                     "praise": [0], "neutral": [3], "impact": [0.0],
                                                     "small_n": [True]})], ignore_index=True)
    assert len(plots.theme_balance(frame, translator("pl"), industry="telecom").alt.split(". ")) == 4


def test_no_figure_is_left_open_and_the_callers_frame_is_untouched():
    before = plt.get_fignums()
    frame = segment_frame()
    copy = frame.copy()
    plots.segment_forest(frame, translator("de"))
    rendered("trend", "de")
    assert plt.get_fignums() == before == []
    pd.testing.assert_frame_equal(frame, copy)


def test_the_same_chart_gives_the_same_bytes():
    assert CHARTS["trend"](translator("pl")).png == CHARTS["trend"](translator("pl")).png


def test_alt_text_with_markup_is_escaped_in_the_img_tag():
    frame = segment_frame().assign(group=['"><script>alert(1)</script>', "South", "East"])
    chart = plots.segment_forest(frame, translator("en"))
    html = chart.to_html()
    assert "<script>" not in html
    parser = ImgParser()
    parser.feed(html)
    assert parser.images[0]["alt"] == chart.alt
    assert '"><script>alert(1)</script>' in chart.alt


def test_stars_trend_alt_text_has_each_platforms_mean_and_the_correlation():
    reviews, responses = review_rows(), survey_rows()
    t = translator("pl")
    result = stars_vs_nps(reviews, responses)
    chart = trend_plots.stars_trend(nps_by_period(responses), stars_by_month(reviews), t,
                              correlation=result)
    for platform, stars in reviews.groupby("platform")["stars"]:
        # The mean of every review, not of the monthly means.
        assert t.count("{platform}: {n} review, average rating {stars} of 5",
                       "{platform}: {n} reviews, average rating {stars} of 5", len(stars),
                       platform=platform.capitalize(), stars=t.number(stars.mean(), 1)) in chart.alt
    assert t.stars_nps(result) in chart.alt
    assert f"r = {t.number(result.r, 2)}" in chart.alt
    assert chart.alt.startswith("NPS i średnia liczba gwiazdek w opiniach według miesięcy.")


def test_stars_trend_shows_stars_with_nps_on_a_labelled_right_axis_and_counts_below():
    reviews = pd.concat([review_rows(), review_rows().assign(platform="trustpilot", stars=2)])
    with kept_figures() as figures:
        trend_plots.stars_trend(nps_by_period(survey_rows()), stars_by_month(reviews), translator("en"))
    stars_axes, counts, nps_axis = figures[0].axes  # no second copy of the NPS trend chart
    assert stars_axes.get_ylabel() == "Average stars" and stars_axes.get_ylim() == (0.8, 5.2)
    assert nps_axis.get_ylabel() == "NPS (right axis)"
    legend = [text.get_text() for text in stars_axes.get_legend().get_texts()]
    assert legend == ["Google", "Trustpilot", "NPS (right axis)"]  # every platform, most reviews first
    assert counts.get_title(loc="left") == "Reviews per month"
    heights = sorted(bar.get_height() for bar in counts.patches)
    per_month = stars_by_month(reviews).groupby("platform")["n"].apply(sorted)
    assert heights == sorted(v for values in per_month for v in values)  # each platform's count
    nps_line = nps_axis.get_lines()[0].get_ydata()
    assert list(nps_line) == list(nps_by_period(survey_rows())["nps"])


def test_stars_trend_says_when_there_are_too_few_months():
    reviews, responses = review_rows(months=4), survey_rows(months=4)
    result = stars_vs_nps(reviews, responses)
    assert result.status == "too_few_months"
    alt = trend_plots.stars_trend(nps_by_period(responses), stars_by_month(reviews), translator("en"),
                            correlation=result).alt
    assert "Fewer than 6 months have both reviews and survey responses" in alt
    assert "r = " not in alt


def test_stars_trend_shares_the_month_axis_when_reviews_start_later():
    later = review_rows().assign(reviewed_at=lambda f: f["reviewed_at"] + pd.DateOffset(months=3))
    chart = trend_plots.stars_trend(nps_by_period(survey_rows()), stars_by_month(later),
                              translator("de"))
    assert chart.png.startswith(PNG)
    assert "Google: 41 Bewertungen" in chart.alt


def test_health_bands_alt_text_counts_and_shares_per_date():
    alt = trend_plots.band_trend_chart(band_frame(), translator("de")).alt
    assert alt.startswith("Kunden nach Health-Score-Gruppe. 30.06.2026: kritisch 30 (30\xa0%)")
    assert alt.endswith("30.09.2026: kritisch 25 (23\xa0%), gefährdet 45 (41\xa0%), gesund 40 (36\xa0%).")


def test_health_bands_takes_band_trend():
    from nps_helpers.analysis.health import band_trend

    customers = pd.DataFrame({"customer_id": list("abcd"), "churned_at": pd.NaT,
                              "started_at": pd.to_datetime(["2019-01-01", "2025-06-01"] * 2, utc=True)})
    responses = pd.DataFrame({"customer_id": list("abcd"), "score": [10, 9, 2, 0],
                              "responded_at": pd.to_datetime(["2025-12-01"] * 4, utc=True)})
    frame = band_trend(customers, responses, None, ["2025-10-01", "2026-01-01"])
    alt = trend_plots.band_trend_chart(frame, translator("en")).alt
    expected = frame[frame["as_of"] == frame["as_of"].max()].set_index("band")["customers"]
    assert alt.endswith(f"Dec 31, 2025: critical {expected['critical']} "
                        f"({expected['critical'] * 25}%), at risk {expected['at_risk']} "
                        f"({expected['at_risk'] * 25}%), healthy {expected['healthy']} "
                        f"({expected['healthy'] * 25}%).")


@pytest.mark.parametrize("language", LANGUAGES)
def test_legends_stay_inside_the_chart(language):
    """Long legends wrap into rows instead of running off the right edge."""
    frame = segment_frame().assign(n=[120, 45, 12])  # significant, small and plain groups
    chart = plots.segment_forest(frame, translator(language), segment="touchpoint", min_n=30,
                                 suppress_n=10)
    grey = np.asarray(Image.open(io.BytesIO(chart.png)).convert("L"))
    assert grey[:, -4:].min() == 255, "something is drawn at the right edge"


def test_segment_forest_names_the_column_in_the_report_language():
    t = translator("pl")
    assert plots.segment_forest(segment_frame(), t, segment="touchpoint").alt.startswith(
        "NPS według segmentów: Punkt kontaktu.")
    assert plots.segment_forest(segment_frame(), t, segment="branch_name").alt.startswith(
        "NPS według segmentów: branch name.")


# --- palette ---------------------------------------------------------------------------
# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
    "normal": np.eye(3),
}


def _linear(hex_colour):
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(linear, 0, 1)
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 0.008856, np.cbrt(f), 7.787 * f + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _contrast(a, b):
    lum = sorted(0.2126 * x[0] + 0.7152 * x[1] + 0.0722 * x[2] for x in (_linear(a), _linear(b)))
    return (lum[1] + 0.05) / (lum[0] + 0.05)


@pytest.mark.parametrize("palette", ["PALETTE", "BAND_COLOURS"])
@pytest.mark.parametrize("vision", CVD)
def test_category_colours_stay_apart_for_colour_blind_readers(vision, palette):
    matrix = np.asarray(CVD[vision])
    labs = [_lab(matrix @ _linear(h)) for h in getattr(plots, palette).values()]
    distance = min(np.linalg.norm(a - b) for i, a in enumerate(labs) for b in labs[i + 1:])
    assert distance > 25, f"{vision}: {palette} only {distance:.0f} apart in CIELAB"


def test_text_on_category_bars_is_readable():
    for category, colour in plots.PALETTE.items():
        assert _contrast(colour, plots.TEXT_ON[category]) >= 4.5
    for band, colour in plots.BAND_COLOURS.items():
        assert _contrast(colour, plots.TEXT_ON_BAND[band]) >= 4.5


def test_health_bands_cover_the_bands_of_health():
    from nps_helpers.analysis.health import BANDS

    assert tuple(plots.BAND_COLOURS) == BANDS


# --- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "message"), [
    (lambda t: trend_plots.trend(trend_frame().drop(columns="ci_low"), t), "trend: .*lacks column.*ci_low"),
    (lambda t: plots.segment_forest(segment_frame().iloc[:0], t), "no rows"),
    (lambda t: trend_plots.churn_chart(churn_frame().rename(columns={"customers": "n"}), t), "customers"),
    (lambda t: plots.driver_matrix(driver_frame().drop(columns="quadrant"), t), "quadrant"),
    (lambda t: plots.theme_balance(theme_frame().assign(complaints=0, praise=0), t),
     "no comment praises or complains"),
    (lambda t: plots.theme_balance(theme_frame().drop(columns="impact"), t), "theme_balance: .*impact"),
    (lambda t: plots.category_split(pd.DataFrame({"group": ["a"]}), t), "promoters"),
    (lambda t: trend_plots.stars_trend(trend_frame(), stars_by_month(review_rows()).drop(columns="n"), t),
     "stars_trend: .*lacks column.*n"),
    (lambda t: trend_plots.stars_trend(trend_frame().iloc[:0], stars_by_month(review_rows()), t), "no rows"),
    (lambda t: trend_plots.band_trend_chart(band_frame().drop(columns="share"), t), "band_trend_chart: .*share"),
    (lambda t: plots.benchmark_position(pd.DataFrame({"source": [], "nps": []}), YOU, t,
                                        peers=peer_benchmark(YOU, [0.0, 10, 20, 40])), "nothing to draw"),
])
def test_bad_frames_raise_a_clear_error(call, message):
    with pytest.raises(NpsInputError, match=message):
        call(translator("en"))


def test_benchmark_sentence_never_names_the_same_figure_twice():
    t = translator("en")
    one = plots.benchmark_position(pd.DataFrame({"source": ["A", "B"], "nps": [17.0, 17.2]}), YOU, t)
    assert "The published figure for the industry is +17" in one.alt and "range" not in one.alt
    two = plots.benchmark_position(pd.DataFrame({"source": ["A", "B"], "nps": [17.0, 34.0]}), YOU, t)
    assert "range from +17 to +34" in two.alt
    for drawn in (one, two):
        sentence = [p for p in drawn.alt.split(". ") if "published" in p.lower()][0]
        figures = re.findall(r"[+−]?\d+", sentence)
        assert len(figures) == len(set(figures)), sentence


def test_segment_forest_axis_fits_the_intervals_and_the_overall_line():

    frame = pd.DataFrame({"group": ["a", "b"], "nps": [30.0, 45.0], "ci_low": [22.0, 38.0],
                          "ci_high": [38.0, 52.0], "n": [400, 400]})
    with kept_figures() as figures:
        plots.segment_forest(frame, translator("en"), overall=nps([10] * 60 + [0] * 20 + [8] * 20))
    # Intervals 22..52 and the overall +40: floor(22) - 10 = 10, ceil(52) + 10 = 70.
    assert figures[0].axes[0].get_xlim() == (10.0, 70.0)


def test_event_labels_sit_clear_of_the_line_its_band_and_each_other():
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    values = np.array([60.0, -40, 55, -35, 58, -30, 62, -45, 50, -20, 65, -50])
    frame = pd.DataFrame({"period": months, "n": 200, "nps": values,
                          "ci_low": values - 8, "ci_high": values + 8})
    events = [{"date": d, "label": text} for d, text in [
        ("2025-02-03", "Price rise"), ("2025-02-20", "New app released"), ("2025-03-05", "Outage"),
        ("2025-07-01", "Call centre moved"), ("2025-07-10", "Summer offer"),
        ("2025-12-01", "A long label at the very right edge")]]
    with kept_figures() as figures:
        trend_plots.trend(frame, translator("en"), events=events)
    fig = figures[0]
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    labels = [c for c in ax.texts if c.get_text() in {e["label"] for e in events}]
    assert len(labels) == len(events)
    boxes = [label.get_window_extent(renderer) for label in labels]
    for i, box in enumerate(boxes):
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1, labels[i]
        for other in boxes[i + 1:]:
            assert not box.overlaps(other), (labels[i].get_text(), boxes.index(other))
    # The line's points and the top of its band sit below every label.
    x = mdates.date2num(pd.to_datetime([f"{m}-01" for m in months]))
    points = ax.transData.transform(np.column_stack([x, values + 8]))
    lowest_label = min(box.y0 for box in boxes)
    assert points[:, 1].max() < lowest_label
