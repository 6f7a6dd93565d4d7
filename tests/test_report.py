"""Report sections that depend on the data: review stars, customer health, segment names."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nps_helpers.health import at_risk_customers, customer_health
from nps_helpers.i18n import translator
from nps_helpers.metrics import nps
from nps_helpers.params import LANGUAGES, ClientParams, Defaults
from nps_helpers.periods import parse_period
from nps_helpers.plots import Chart
from nps_helpers.report import (
    AT_RISK_FILE,
    Report,
    show_health,
    show_reviews,
    show_segments,
    write_at_risk_list,
)
from nps_helpers.reviews import stars_vs_nps
from nps_helpers.tables import Table
from nps_helpers.trends import nps_by_period

PERIOD = parse_period("2026-Q3")
START = pd.Timestamp("2025-10-01", tz="UTC")  # the history: four quarters up to the period
SECRET = "CUST-7Q-"  # every customer id starts with it; none may reach the report


def responses(seed: int = 1, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, (PERIOD.end - START).days, n)
    return pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)],
        "customer_id": [f"{SECRET}{i % 150:04d}" for i in range(n)],
        "responded_at": START + pd.to_timedelta(days, unit="D"),
        "score": rng.integers(0, 11, n),
        "comment": "",
        "region": rng.choice(["north", "south"], n),
    })


def customers(n: int = 150, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    started = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    gone = pd.Series(pd.Timestamp("2026-02-01", tz="UTC"), index=range(n)).where(rng.random(n) < 0.1)
    return pd.DataFrame({"customer_id": [f"{SECRET}{i:04d}" for i in range(n)], "started_at": started,
                         "churned_at": gone, "plan": rng.choice(["basic", "plus"], n),
                         "revenue": rng.gamma(2.0, 100.0, n).round(2)})


def reviews(months: int = 12, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    starts = pd.date_range(START, periods=months, freq="MS")
    rows = [{"platform": platform, "reviewed_at": start + pd.Timedelta(days=int(d)),
             "stars": int(s), "text": f"review by {SECRET}0001"}
            for platform in ("google", "trustpilot") for start in starts
            for d, s in zip(rng.integers(0, 27, 4), rng.integers(1, 6, 4), strict=True)]
    return pd.DataFrame(rows)


def report(language: str = "en", *, history=None, customers_=None, reviews_=None,
           tmp_path=None) -> Report:
    history = responses() if history is None else history
    empty = pd.DataFrame()
    return Report(
        client=ClientParams(client_id="acme", display_name="Acme", industry="retail",
                            language=language, segments=["region", "branch_code"]),
        defaults=Defaults(), t=translator(language), period=PERIOD,
        responses=history[history["responded_at"] >= PERIOD.start].reset_index(drop=True),
        history=history, customers=empty if customers_ is None else customers_,
        invitations=empty, reviews=empty if reviews_ is None else reviews_,
        internal_dir=tmp_path if tmp_path is not None else Path("unused"),
    )


def markup(parts: list) -> str:
    """Everything the parts would put into the report's HTML, alt texts included."""
    return "".join(p.to_html() if isinstance(p, Chart) else p._repr_html_() for p in parts)


# --- review stars ------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_without_reviews_one_sentence_says_so(language):
    parts = show_reviews(report(language), nps_by_period(responses()))
    assert [p.markup for p in parts] == [f"<p>{translator(language).text('no_reviews')}</p>"]


def test_reviews_show_the_verdict_chart_and_platform_table():
    r = report("de", reviews_=reviews())
    parts = show_reviews(r, nps_by_period(r.history))
    sentence, chart, table = parts
    expected = stars_vs_nps(reviews(), r.history)
    assert sentence.markup == f"<p>{r.t.stars_nps(expected)}</p>"
    assert expected.months == 12 and "über 12 Monate" in sentence.markup
    assert isinstance(chart, Chart) and "Google: 48 Bewertungen" in chart.alt
    assert isinstance(table, Table) and "Alle Portale" in table.html
    assert SECRET not in markup(parts)


def test_one_platform_needs_no_comparison_table():
    one = reviews().query("platform == 'google'")
    parts = show_reviews(report("en", reviews_=one), nps_by_period(responses()))
    assert [type(p).__name__ for p in parts] == ["Html", "Chart"]


def test_reviews_outside_the_reports_24_months_are_not_counted():
    inside = reviews()
    late = inside.assign(reviewed_at=inside["reviewed_at"] + pd.DateOffset(years=2))
    early = inside.assign(reviewed_at=inside["reviewed_at"] - pd.DateOffset(years=3))
    r = report("en", reviews_=pd.concat([early, inside, late], ignore_index=True))
    chart = show_reviews(r, nps_by_period(r.history))[1]
    assert "Google: 48 reviews" in chart.alt


def test_few_months_of_reviews_say_too_few_months():
    r = report("pl", reviews_=reviews(months=4))
    parts = show_reviews(r, nps_by_period(r.history))
    assert parts[0].markup == f"<p>{r.t.text('too_few_months', n=6)}</p>"
    assert "r = " not in markup(parts)


def test_reviews_without_any_survey_month_say_so():
    r = report("en", reviews_=reviews())
    parts = show_reviews(r, pd.DataFrame())
    assert len(parts) == 1 and parts[0].markup.startswith("<p>")


# --- customer health ---------------------------------------------------------------------
@pytest.mark.parametrize(("frame", "code"), [
    (None, "no_health_data"),
    (customers().drop(columns="started_at"), "no_start_dates"),
    (customers().assign(started_at=pd.NaT), "no_start_dates"),
    (customers().assign(started_at=pd.Timestamp("2027-01-01", tz="UTC")), "no_active_customers"),
])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_health_not_available_is_one_sentence(frame, code, language, tmp_path):
    r = report(language, customers_=frame, tmp_path=tmp_path)
    assert [p.markup for p in show_health(r)] == [f"<p>{r.t.text(code)}</p>"]


def test_without_customer_data_no_at_risk_file_is_written(tmp_path):
    assert write_at_risk_list(report(tmp_path=tmp_path)) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_health_shows_counts_trend_and_method_but_no_customer_id(language, tmp_path):
    r = report(language, customers_=customers(), tmp_path=tmp_path)
    parts = show_health(r)
    summary, chart, table, method = parts
    bands = customer_health(customers(), responses(), as_of=PERIOD.end)["band"].value_counts()
    t = r.t
    figures = {b: f"{t.number(bands.get(b, 0))} ({t.percent(bands.get(b, 0) / bands.sum())})"
               for b in ("critical", "at_risk", "healthy")}
    assert summary.markup == f"<p>{t.text('health_summary', n=int(bands.sum()), **figures)}</p>"
    assert isinstance(chart, Chart) and chart.alt.count(": ") >= 4  # one part per quarter end
    assert isinstance(table, Table) and table.html.count("<th scope=\"col\"") == 5
    assert "60" in method.markup and "40" in method.markup
    assert SECRET not in markup(parts)


def test_at_risk_list_goes_to_the_internal_csv(tmp_path):
    r = report("en", customers_=customers(), tmp_path=tmp_path)
    path = write_at_risk_list(r)
    assert path == tmp_path / AT_RISK_FILE
    written = pd.read_csv(path, encoding="utf-8-sig")
    expected = at_risk_customers(customer_health(customers(), responses(), as_of=PERIOD.end),
                                 customers())
    assert written["customer_id"].tolist() == expected["customer_id"].tolist()
    assert set(written["band"]) <= {"critical", "at_risk"}
    assert written["score"].is_monotonic_increasing


def test_health_of_responses_without_customer_ids(tmp_path):
    history = responses().drop(columns="customer_id")
    r = report("en", history=history, customers_=customers(), tmp_path=tmp_path)
    parts = show_health(r)
    assert len(parts) == 4 and "customers were active" in parts[0].markup
    assert write_at_risk_list(r).exists()


def test_sections_leave_the_callers_frames_alone(tmp_path):
    history, book, stars = responses(), customers(), reviews()
    copies = [history.copy(), book.copy(), stars.copy()]
    r = report("en", history=history, customers_=book, reviews_=stars, tmp_path=tmp_path)
    show_reviews(r, nps_by_period(history))
    show_health(r)
    write_at_risk_list(r)
    for frame, copy in zip((history, book, stars), copies, strict=True):
        pd.testing.assert_frame_equal(frame, copy)


# --- segments ----------------------------------------------------------------------------
def test_segment_headings_name_the_column_in_the_language():
    r = report("pl")
    parts = show_segments(r, nps(r.responses["score"]))
    assert parts[0].markup == "<h3>Region</h3>"
    assert parts[1].alt.startswith("NPS według segmentów: Region.")
    assert '<th scope="col">Region</th>' in parts[2].html
    ru = show_segments(report("ru"), nps(r.responses["score"]))
    assert ru[0].markup == "<h3>Регион</h3>"
