"""Report sections that depend on the data: review stars, customer health, segment names,
and the sections (and the method note's sentence) when the data do not allow them."""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nps_helpers.analysis.benchmarks import peer_benchmark
from nps_helpers.analysis.churn import churn_analysis
from nps_helpers.analysis.drivers import relative_weights
from nps_helpers.analysis.health import at_risk_customers, customer_health, health_by_date
from nps_helpers.analysis.health_risk import health_risk, risk_dates
from nps_helpers.analysis.metrics import nps
from nps_helpers.analysis.reviews import stars_vs_nps
from nps_helpers.analysis.trends import nps_by_period, period_change
from nps_helpers.config.params import LANGUAGES, ClientParams, Defaults
from nps_helpers.core.periods import parse_period
from nps_helpers.present.chart import Chart
from nps_helpers.present.i18n import translator
from nps_helpers.present.tables import Table
from nps_helpers.views.comment_sections import show_comments
from nps_helpers.views.customer_sections import show_churn, show_health, write_at_risk_list
from nps_helpers.views.report import AT_RISK_FILE, Report, section
from nps_helpers.views.report_sections import (
    missing_analyses,
    show_benchmarks,
    show_change,
    show_drivers,
    show_method,
    show_reviews,
    show_segments,
    show_trend,
)
from nps_helpers.views.summary_sections import show_summary, summary_findings

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


def customers(n: int = 400, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    started = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    # Newer customers leave more often, so the health score (tenure is part of it) predicts churn.
    leave = np.where(started > pd.Timestamp("2024-06-01", tz="UTC"), 0.45, 0.0)
    gone = pd.Series(pd.Timestamp("2026-02-01", tz="UTC"), index=range(n)).where(rng.random(n) < leave)
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
           tmp_path=None, industry: str = "retail") -> Report:
    history = responses() if history is None else history
    empty = pd.DataFrame()
    return Report(
        client=ClientParams(client_id="acme", display_name="Acme", industry=industry,
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
def test_without_reviews_the_section_is_left_out():
    assert show_reviews(report("en"), nps_by_period(responses())) == []


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
def test_health_not_available_is_left_out_and_the_method_note_says_why(frame, code, tmp_path):
    r = report("en", customers_=frame, tmp_path=tmp_path)
    assert show_health(r) == []
    expected = "health_active" if code == "no_active_customers" else "health"
    assert expected in missing_analyses(r, **results(r))


def test_without_customer_data_no_at_risk_file_is_written(tmp_path):
    assert write_at_risk_list(report(tmp_path=tmp_path)) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_health_shows_counts_trend_and_method_but_no_customer_id(language, tmp_path):
    r = report(language, customers_=customers(), tmp_path=tmp_path)
    parts = show_health(r)
    summary, chart, table, method, check, band_churn = parts
    # The bands calibrated to churn (newer customers leave on 2026-02-01), followed up
    # to the data's end (the last answer), which comes before the period's end.
    end = responses()["responded_at"].max()
    assert end < PERIOD.end
    link = health_risk(customers(), health_by_date(customers(), responses(), None, risk_dates(end)), end=end)
    assert link.status == "ok"
    bands = link.apply(customer_health(customers(), responses(), as_of=PERIOD.end))["band"].value_counts()
    t = r.t
    figures = {b: f"{t.number(bands.get(b, 0))} ({t.percent(bands.get(b, 0) / bands.sum())})"
               for b in ("critical", "at_risk", "healthy")}
    assert summary.markup == f"<p>{t.text('health_summary', n=int(bands.sum()), **figures)}</p>"
    assert isinstance(chart, Chart) and chart.alt.count(": ") >= 4  # one part per quarter end
    assert isinstance(table, Table) and table.html.count("<th scope=\"col\"") == 5
    assert t.number(1.5, 1) in method.markup and t.percent(link.base_rate, 1) in method.markup
    assert t.date(link.checked_at.date()) in check.markup
    assert isinstance(band_churn, Table) and t.label("healthy") in band_churn.html
    assert SECRET not in markup(parts)


def test_health_bands_without_a_link_to_churn_say_so_and_follow_the_score(tmp_path):
    rng = np.random.default_rng(4)
    random_churn = customers().assign(churned_at=pd.Series(pd.Timestamp("2026-02-01", tz="UTC"), index=range(400))
                                      .where(rng.random(400) < 0.1))
    r = report("en", customers_=random_churn, tmp_path=tmp_path)
    assert r.risk_calibration.status == "no_link"
    method = show_health(r)[-1]
    assert r.t.text("health_no_link") in method.markup and r.risk_calibration.band_churn.empty


def test_at_risk_list_goes_to_the_internal_csv(tmp_path):
    r = report("en", customers_=customers(), tmp_path=tmp_path)
    path = write_at_risk_list(r)
    assert path == tmp_path / AT_RISK_FILE
    written = pd.read_csv(path, encoding="utf-8-sig")
    expected = at_risk_customers(r.risk_calibration.apply(customer_health(customers(), responses(), as_of=PERIOD.end)),
                                 customers())
    assert written["customer_id"].tolist() == expected["customer_id"].tolist()
    assert set(written["band"]) <= {"critical", "at_risk"}
    assert written["risk"].is_monotonic_decreasing


def test_health_of_responses_without_customer_ids(tmp_path):
    history = responses().drop(columns="customer_id")
    r = report("en", history=history, customers_=customers(), tmp_path=tmp_path)
    parts = show_health(r)
    assert len(parts) == 6 and "customers were active" in parts[0].markup
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


# --- sections the data do not allow -----------------------------------------------------
def results(r: Report) -> dict:
    """What the report notebook passes to show_method, computed the same way."""
    return {"change": period_change(r.history, r.period), "trend": nps_by_period(r.history),
            "peers": peer_benchmark(nps(r.responses["score"]), []),
            "churn": churn_analysis(r.history, r.customers, r.invitations),
            "drivers": relative_weights(r.responses)}


def scores_only(r: Report) -> Report:
    """The same report with responses holding only ids, dates and scores."""
    keep = ["response_id", "responded_at", "score"]
    return Report(**{**r.__dict__, "history": r.history[keep], "responses": r.responses[keep]})


def test_drivers_state_r_squared_intervals_and_how_priorities_are_named(tmp_path):
    rng = np.random.default_rng(6)
    history = responses()
    speed = rng.integers(1, 6, len(history))
    history = history.assign(driver_speed=speed, driver_price=rng.integers(1, 6, len(history)),
                             score=np.clip(2 * speed - 1 + rng.integers(-1, 2, len(history)), 0, 10))
    r = report("en", history=history, tmp_path=tmp_path)
    result = relative_weights(r.responses)
    parts = show_drivers(r, result)
    text = html.unescape(markup(parts))
    low, high = round(100 * result.r_squared_low), round(100 * result.r_squared_high)
    assert (f"The rating questions together explain {round(100 * result.r_squared)}% of the variation "
            f"in the score (95% interval: {low} to {high}), from {result.n} complete responses.") in text
    assert "from 500 bootstrap resamples" in text and "at least an equal share (50%)" in text
    assert "at least 3.0, the middle of the scale from 1 to 5" in text and "at least 80% of the" in text
    speed_row = result.table.set_index("driver").loc["speed"]
    assert (f"Speed: importance {round(100 * speed_row['share'])}% ({round(100 * speed_row['share_low'])} "
            f"to {round(100 * speed_row['share_high'])})") in text


def test_a_section_without_parts_has_no_heading_either():
    t = translator("sl")
    assert section(t, "drivers", []) == []
    heading, body = section(t, "drivers", [Table("<table></table>")])
    assert heading.markup == '<h2 id="sec-drivers">Ključni dejavniki</h2>' and body.html == "<table></table>"


def test_without_customer_data_churn_drivers_and_comments_are_left_out(tmp_path):
    r = report("en", tmp_path=tmp_path)  # comments are all empty, no rating columns
    assert show_churn(r, churn_analysis(r.history, r.customers, r.invitations)) == []
    assert show_drivers(r, relative_weights(r.responses)) == []
    assert show_comments(r) == []


def test_churn_without_invitations_shows_no_sentence_about_them(tmp_path):
    r = report("en", customers_=customers(), tmp_path=tmp_path)
    result = churn_analysis(r.history, r.customers, r.invitations)
    assert result.status == "ok" and result.responders.empty
    assert r.t.text("no_invitations") not in markup(show_churn(r, result))
    codes = missing_analyses(r, **results(r))
    assert "responders" in codes and "churn" not in codes and "health" not in codes


def test_responses_without_comments_or_segments_need_no_comment_column(tmp_path):
    r = scores_only(report("en", tmp_path=tmp_path))
    assert r.comments.tolist() == [""] * len(r.responses)
    assert show_comments(r) == []
    assert show_segments(r, nps(r.responses["score"])) == []


def test_the_change_and_the_trend_need_more_than_one_month():
    one_wave = responses().assign(responded_at=pd.Timestamp("2026-08-14", tz="UTC"))
    r = report("en", history=one_wave)
    assert show_change(r, period_change(r.history, r.period)) == []
    assert show_trend(r, nps_by_period(r.history)) == []
    assert missing_analyses(r, **results(r))[:2] == ["change", "trend"]
    full = report("en")
    assert len(show_trend(full, nps_by_period(full.history))) == 1
    assert show_change(full, period_change(full.history, full.period))[0].markup.startswith("<p>")


def test_benchmarks_are_left_out_only_without_figures_and_peers():
    r = report("en", industry="software")  # no published figures ship for software
    you = nps(r.responses["score"])
    assert show_benchmarks(r, you, peer_benchmark(you, [])) == []
    five = peer_benchmark(you, [-10.0, 0.0, 10.0, 20.0, 30.0])
    chart, note = show_benchmarks(r, you, five)
    assert "comparable companies" in chart.alt and note.markup == f"<p>{r.t.text('no_published_figures')}</p>"
    assert "benchmarks" not in missing_analyses(r, **{**results(r), "peers": five})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_method_note_names_what_was_left_out_and_the_data_that_would_enable_it(language, tmp_path):
    r = scores_only(report(language, tmp_path=tmp_path))
    codes = ["reviews", "segments", "churn", "responders", "health", "comments", "drivers", "csat", "ces"]
    assert missing_analyses(r, **results(r)) == codes
    t = r.t
    parts = show_method(r, **results(r))
    expected = t.text("missing_data", analyses=t.join(t.text(f"missing_{c}") for c in codes))
    assert parts[-1].markup == paragraph_of(expected)
    # Without comments, the method note does not explain how comments are sorted.
    assert t.text("method_themes") not in markup(parts)
    if language == "en":
        assert expected.startswith("This report leaves out what the data did not allow: ratings on "
                                   "review portals (needs an export of the portals' ratings), ")
        assert expected.endswith(", and CES (needs an effort question rated 1 to 7).")


def test_too_few_ratings_name_the_number_needed(tmp_path):
    rng = np.random.default_rng(4)
    history = responses().assign(driver_price=rng.integers(1, 6, 600).astype(float))
    history.loc[history.index[10:], "driver_price"] = np.nan  # 10 complete rows, 30 needed
    r = report("pl", history=history, tmp_path=tmp_path)
    drivers = relative_weights(r.responses)
    assert drivers.status == "too_few_responses"
    assert "drivers_few" in missing_analyses(r, **{**results(r), "drivers": drivers})
    text = markup(show_method(r, **{**results(r), "drivers": drivers}))
    assert f"co najmniej {drivers.min_n} pełnych odpowiedzi" in text


def test_the_method_note_names_only_what_is_missing(tmp_path):
    r = report("en", customers_=customers(), reviews_=reviews(), tmp_path=tmp_path)
    assert missing_analyses(r, **results(r)) == ["responders", "comments", "drivers", "csat", "ces"]


def paragraph_of(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


# --- comments: themes with praise, complaints and impact ---------------------------------------
LABELS = {("installation", "de"): "Installation", ("price", "de"): "Preis", ("staff", "de"): "Personal"}


@pytest.fixture
def theme_labels(monkeypatch):
    """Theme names as a codeframe would give them (the codeframe's own content is tested in test_text)."""
    calls = []

    def label(code, language, industry=None):
        calls.append((code, language, industry))
        return LABELS.get((code, language), code)

    monkeypatch.setattr("nps_helpers.analysis.codeframes.theme_label", label, raising=False)
    return calls


def commented_report(language: str = "de") -> Report:
    history = responses(seed=4)
    history["comment"] = [f"Kommentar {i}" for i in range(len(history))]
    # The latest complaint of the period: the one the examples show.
    latest = history.index[history["score"] <= 6][0]
    history.loc[latest, ["comment", "responded_at"]] = ["<script>x</script> ruft mich an: ann@example.org",
                                                        PERIOD.end - pd.Timedelta(seconds=1)]
    return report(language, history=history, industry="telecom")


def hand_mentions(frame: pd.DataFrame) -> pd.DataFrame:
    """Detractors complain about installation, passives 7-8 about price, promoters praise staff."""
    score = frame["score"]
    theme = np.select([score <= 6, score <= 8], ["installation", "price"], "staff")
    sentiment = np.where(score >= 9, "positive", "negative")
    return pd.DataFrame({"row": frame.index, "theme": theme, "language": "de", "sentiment": sentiment})


def test_comments_show_praise_and_complaints_impact_and_named_passive_themes(theme_labels):
    r = commented_report()
    mentions = hand_mentions(r.responses)
    parts = show_comments(r, mentions, hand_mentions(r.previous_responses))
    html = markup(parts)
    chart = next(p for p in parts if isinstance(p, Chart))
    assert chart.alt.startswith("Kritik und Lob nach Thema. Installation: Kritik ")
    # The table: the theme costing most first, with impact and share among detractors.
    table = next(p for p in parts if isinstance(p, Table) and "Wirkung auf den NPS" in p.html)
    assert table.html.index("Installation") < table.html.index("Preis")
    # Passives close to promoting: the themes they raise, with counts.
    passives = int(r.responses["score"].between(7, 8).sum())
    assert f"vor allem: Preis ({passives})." in html
    # Examples: escaped, e-mail masked, no customer id.
    assert "&lt;script&gt;" in html and "<script>" not in html and "ann@example.org" not in html
    assert SECRET not in html
    assert {call[2] for call in theme_labels} == {"telecom"}


def test_the_summary_names_the_theme_whose_complaints_cost_most(theme_labels, monkeypatch):
    r = commented_report("en")
    monkeypatch.setattr(Report, "mentions", property(lambda self: hand_mentions(self.responses)))
    monkeypatch.setattr(Report, "previous_mentions",
                        property(lambda self: hand_mentions(self.previous_responses)))
    found = [f for f in summary_findings(r, period_change(r.history, r.period)) if f.section == "comments"]
    assert [(f.code, f.values["theme"]) for f in found] == [("theme_lowers", "installation")]
    assert found[0].n == int((r.responses["score"] <= 6).sum())
    # The sentence gives the loss and its interval as positive points, low to high.
    summary = " ".join(str(getattr(p, "markup", p)) for p in show_summary(r, nps(r.responses["score"]),
                                                                         period_change(r.history, r.period)))
    low, high = sorted((abs(found[0].values["ci_low"]), abs(found[0].values["ci_high"])))
    digits = 1 if high - low < 2 else 0
    assert f"({r.t.interval(low, high, digits)})" in summary and "−" not in summary.split("lower the NPS")[1][:40]


def test_previous_responses_are_the_period_before_from_the_history():
    r = report("en")
    when = r.history["responded_at"]
    before = r.period.previous()
    assert len(r.previous_responses) == int(((when >= before.start) & (when < before.end)).sum())
    assert r.previous_responses.index.tolist() == list(range(len(r.previous_responses)))


@pytest.mark.parametrize(("locale", "expected"), [
    ("en_GB", "The published figures come from independent panels of consumers (United States); this "
              "report asks Acme's own customers (United Kingdom)."),
    ("en_US", "The published figures come from independent panels of consumers; this report asks "
              "Acme's own customers."),
])
def test_published_figures_carry_one_line_on_what_makes_them_not_like_for_like(locale, expected):
    import dataclasses

    r = report("en", industry="retail")
    r = dataclasses.replace(r, client=r.client.model_copy(update={"locale": locale}))
    you = nps(r.responses["score"])
    text = html.unescape(markup(show_benchmarks(r, you, peer_benchmark(you, []))))
    assert expected in text
    assert text.count("rough guide") == 1
