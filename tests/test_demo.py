"""Demo data: deterministic, the right shape, and true to what each profile claims."""
from __future__ import annotations

import hashlib
import re
from importlib import resources

import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from nps_helpers.analysis.metrics import nps_difference
from nps_helpers.cli import app
from nps_helpers.config.params import INDUSTRIES, load_client
from nps_helpers.core.periods import parse_period
from nps_helpers.demo import (
    COMMENT_LANGUAGES,
    CURATED,
    DEMO_INDUSTRIES,
    END,
    INDUSTRY_THEMES,
    START,
    comment_bank,
    demo_profiles,
    write_demo_store,
)
from nps_helpers.demo.phrases import PHRASES, fragments
from nps_helpers.demo.profiles import DRIVER_THEMES, EVENT_LABELS
from nps_helpers.demo.write import allocate
from nps_helpers.errors import NpsInputError
from nps_helpers.io.store import Store

TOTAL = 60_000
PROFILES = {p.client_id: p for p in CURATED}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    summary = write_demo_store(root / "store", responses=TOTAL, params_dir=root / "params")
    return Store(root / "store"), root / "params", summary


def _digests(root) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.parquet"))
    }


def test_same_seed_gives_same_bytes_and_another_seed_does_not(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        write_demo_store(tmp_path / name, seed=seed, clients=3, responses=1_500)
    a, b, c = (_digests(tmp_path / n) for n in "abc")
    assert a == b and len(a) >= 9
    assert a.keys() == c.keys() and a != c


def test_counts_are_exact_and_sizes_varied(demo):
    store, _, summary = demo
    counts = store.sql("SELECT client_id, count(*) AS n FROM {responses} GROUP BY 1").set_index("client_id")["n"]
    assert counts.sum() == TOTAL and len(counts) == 12
    assert counts.min() < 0.1 * counts.median()  # a small client for small-n handling
    assert f"responses {TOTAL:,}" in summary and "12 clients" in summary


@given(st.integers(0, 10_000), st.lists(st.floats(0.001, 10), min_size=1, max_size=30))
def test_allocate_is_exact_and_respects_the_minimum(extra, weights):
    total = 5 * len(weights) + extra
    counts = allocate(total, weights, minimum=5)
    assert counts.sum() == total and counts.min() >= 5


def test_window_is_fixed_and_latest_quarter_is_2026_q3(demo):
    store, _, _ = demo
    for cid in store.clients():
        times = store.read("responses", cid, columns=["responded_at"])["responded_at"]
        assert times.min() >= START and times.max() < END
        assert parse_period("latest-quarter", data_end=times.max()).label == "2026-Q3"


def test_schema_and_dtypes(demo):
    store, _, _ = demo
    r = store.read("responses", "kestrel-bank")
    assert str(r["score"].dtype) == "int8" and r["score"].between(0, 10).all()
    assert str(r["responded_at"].dt.tz) == "UTC"
    assert r["response_id"].is_unique and r["response_id"].str.fullmatch(r"R\d{7}").all()
    assert 0.02 < r["customer_id"].isna().mean() < 0.1
    assert r["customer_id"].dropna().str.fullmatch(r"C\d{6}").all()
    assert 0.4 <= r["comment"].notna().mean() <= 0.6
    assert (r["comment"].isna() == r["language"].isna()).all()
    assert r["csat"].between(1, 5).all() and r["ces"].between(1, 7).all()
    drivers = [c for c in r.columns if c.startswith("driver_")]
    assert 4 <= len(drivers) <= 6 and all(str(r[c].dtype) == "int8" and r[c].between(1, 10).all() for c in drivers)
    assert {"region", "plan", "touchpoint"} <= set(r.columns)
    plain = store.read("responses", "ladoga-bank")
    assert "ces" not in plain and not any(c.startswith("driver_") for c in plain.columns)

    c = store.read("customers", "kestrel-bank")
    assert list(c.columns) == ["client_id", "customer_id", "started_at", "churned_at", "revenue", "plan", "region"]
    assert c["customer_id"].is_unique and (c["revenue"] > 0).all()
    gone = c.dropna(subset=["churned_at"])
    assert 0 < len(gone) < len(c) and (gone["started_at"] < gone["churned_at"]).all()
    assert set(r["customer_id"].dropna()) <= set(c["customer_id"])

    inv = store.read("invitations", "kestrel-bank")
    assert not inv.duplicated(["customer_id", "invited_at"]).any()
    assert len(inv) > 2 * r["customer_id"].notna().sum()  # non-responders exist

    rv = store.read("reviews", "kestrel-bank")
    assert set(rv["platform"]) == {"google", "trustpilot"} and rv["stars"].between(1, 5).all()
    assert rv["review_id"].is_unique and 0.5 < rv["text"].notna().mean() < 0.9
    assert not store.has("reviews", "ladoga-bank")


def test_industries_languages_and_comment_languages(demo):
    store, _, _ = demo
    profiles = demo_profiles(12)
    assert len({p.industry for p in profiles}) >= 4 and {p.industry for p in profiles} <= set(INDUSTRIES)
    langs = pd.Series([p.language for p in profiles]).value_counts().to_dict()
    assert langs == {"en": 4, "pl": 2, "sl": 2, "ru": 2, "de": 2}
    for p in profiles[:10]:
        lang = store.read("responses", p.client_id, columns=["language"])["language"].dropna()
        assert (lang == p.language).mean() > 0.8
        if p.language != "en":
            assert 0.05 < (lang == "en").mean() < 0.2
    ru = store.read("responses", "ladoga-bank", columns=["comment", "language"]).dropna()
    assert ru.loc[ru["language"] == "ru", "comment"].str.contains(r"[а-яё]", regex=True).all()


def _churn_after_response(store: Store, client_id: str, horizon_days: int = 180) -> pd.DataFrame:
    """Score and churn within the horizon, for each response that has the full follow-up."""
    r = store.read("responses", client_id, columns=["customer_id", "responded_at", "score"]).dropna()
    c = store.read("customers", client_id, columns=["customer_id", "churned_at"])
    m = r.merge(c, on="customer_id")
    horizon = pd.Timedelta(days=horizon_days)
    m = m[m["responded_at"] < END - horizon]
    churned = m["churned_at"].notna() & (m["churned_at"] < m["responded_at"] + horizon)
    return pd.DataFrame({"score": m["score"].to_numpy(), "churned": churned.to_numpy()})


def test_churn_follows_score_where_the_profile_says_so(demo):
    store, _, _ = demo
    assert PROFILES["kestrel-bank"].churn_link == "strong" and PROFILES["brightwave-mobile"].churn_link == "none"
    strong = _churn_after_response(store, "kestrel-bank")
    none = _churn_after_response(store, "brightwave-mobile")
    for frame, check in ((strong, lambda p: p < 1e-4), (none, lambda p: p > 0.05)):
        gone = frame["churned"]
        assert gone.sum() > 100
        assert check(stats.mannwhitneyu(frame.loc[gone, "score"], frame.loc[~gone, "score"]).pvalue)
    category = pd.cut(strong["score"], [-1, 6, 10], labels=["detractor", "other"])
    rate = strong.groupby(category, observed=True)["churned"].mean()
    assert rate["detractor"] > 1.5 * rate["other"]


def test_responders_churn_less_than_non_responders(demo):
    store, _, _ = demo
    c = store.read("customers", "wislany-bank")
    invited = store.read("invitations", "wislany-bank")["customer_id"].unique()
    answered = store.read("responses", "wislany-bank")["customer_id"].dropna().unique()
    c = c[c["customer_id"].isin(invited)]
    responder = c["customer_id"].isin(answered)
    table = pd.crosstab(responder, c["churned_at"].notna())
    assert stats.chi2_contingency(table).pvalue < 1e-3
    assert c.loc[responder, "churned_at"].notna().mean() < c.loc[~responder, "churned_at"].notna().mean()


def test_scores_are_driven_by_the_driver_ratings(demo):
    store, _, _ = demo
    r = store.read("responses", "falanet-telekom")
    drivers = ["driver_price", "driver_reliability", "driver_support", "driver_ease"]
    fit = sm.OLS(r["score"].astype(float), sm.add_constant(r[drivers].astype(float))).fit()
    assert fit.rsquared > 0.2 and (fit.pvalues[drivers] < 1e-3).all()
    # The profile weighs price four times as much as ease.
    assert fit.params["driver_price"] > fit.params["driver_ease"]


def test_an_event_shifts_the_score(demo):
    store, _, _ = demo
    event = PROFILES["kestrel-bank"].events[1]
    assert event.shift < 0
    r = store.read("responses", "kestrel-bank", columns=["responded_at", "score"])
    at = pd.Timestamp(event.date, tz="UTC")
    before = r.loc[r["responded_at"].between(at - pd.Timedelta(days=182), at, inclusive="left"), "score"]
    after = r.loc[r["responded_at"].between(at, at + pd.Timedelta(days=182), inclusive="left"), "score"]
    diff = nps_difference(after, before)
    assert diff.difference < 0 and diff.significant


def test_segments_have_real_differences_and_tiny_groups(demo):
    store, _, _ = demo
    r = store.read("responses", "kestrel-bank", columns=["score", "touchpoint", "region"])
    promoters = r["score"] >= 9
    table = pd.crosstab(r["touchpoint"], promoters)
    assert stats.chi2_contingency(table).pvalue < 1e-3
    small = store.read("responses", "northgate-insurance", columns=["region", "touchpoint"])
    assert small["region"].value_counts().min() < 10 or small["touchpoint"].value_counts().min() < 10


def test_params_files_are_valid_client_params(demo):
    _, params_dir, _ = demo
    files = sorted((params_dir / "clients").glob("*.yaml"))
    assert len(files) == 12
    for profile in demo_profiles(12):
        params = load_client(profile.client_id, params_dir)
        assert params.display_name == profile.display_name and params.language == profile.language
        assert 1 <= len(params.events) <= 3 and params.segments == ["region", "plan", "touchpoint"]
    assert "Bank Wiślany S.A." in (params_dir / "clients" / "wislany-bank.yaml").read_text(encoding="utf-8")


def test_comment_bank_is_large_native_and_tagged_with_its_industry_themes():
    letters = {"pl": "ąćęłńóśźż", "sl": "čšž", "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "de": "äöüß"}
    for lang in COMMENT_LANGUAGES:
        assert comment_bank(lang)["comment"].nunique() >= 2_000
        for industry, codes in INDUSTRY_THEMES.items():
            bank = comment_bank(lang, industry)
            assert set(bank["main_theme"]) == set(codes) and bank["comment"].is_unique
            text = " ".join(bank["comment"]).lower()
            assert lang == "en" or set(letters[lang]) & set(text)
            # Every theme code of the industry (and only those) has its own fragments, several
            # per sentiment, none shared between two themes.
            assert set(PHRASES[lang][industry]) | set(PHRASES[lang]["common"]) >= set(codes)
            assert set(PHRASES[lang][industry]) <= set(codes)
            cells = {(t, s): fragments(lang, industry, t, s) for t in codes for s in ("neg", "mixed", "pos")}
            assert min(len(f) for f in cells.values()) >= 3, (lang, industry)
            by_theme = {t: [f for (code, _), frags in cells.items() if code == t for f in frags] for t in codes}
            for comment, themes in zip(bank["comment"], bank["themes"], strict=True):
                found = {t for t, frags in by_theme.items() if any(f in comment for f in frags)}
                assert found == set(themes), comment
            assert 0.3 < (bank["themes"].str.len() == 2).mean() < 0.7  # some comments name two themes
    assert not re.search(r"@", " ".join(comment_bank()["comment"]))


def test_industries_write_about_their_own_themes():
    en = comment_bank("en")
    said = {i: " ".join(en.loc[en["industry"] == i, "comment"]) for i in DEMO_INDUSTRIES}
    # A bank's customers speak of fees and branches, never parcels; a telecom's of engineers.
    assert "branch" in said["banking"] and "parcel" not in said["banking"]
    assert "engineer" in said["telecom"] and "Delivery" not in said["telecom"]
    assert "claim" in said["insurance"] and "parcel" in said["ecommerce"]
    # Praise by negation: a positive comment may say what did not go wrong.
    pos = en[(en["industry"] == "banking") & (en["sentiment"] == "pos")]
    assert pos["comment"].str.contains("No problems with the app").any()


def test_store_comments_come_from_the_clients_industry(demo):
    store, _, _ = demo
    bank = comment_bank()
    for profile in demo_profiles(12):
        own = set(bank.loc[bank["industry"] == profile.industry, "comment"])
        comments = store.read("responses", profile.client_id, columns=["comment"])["comment"].dropna()
        assert len(comments) > 0 and set(comments) <= own, profile.client_id
    themes = bank.drop_duplicates("comment").set_index("comment")["main_theme"]
    r = store.read("responses", "kestrel-bank", columns=["comment"])["comment"].dropna()
    assert set(themes[r]) == set(INDUSTRY_THEMES["banking"])


def test_events_and_drawn_clients_use_their_industry_codes():
    for profile in demo_profiles(40, seed=3):
        assert profile.industry in DEMO_INDUSTRIES
        assert all(e.theme in INDUSTRY_THEMES[profile.industry] for e in profile.events), profile.client_id
    codes = {c for themes in INDUSTRY_THEMES.values() for c in themes}
    assert all(set(labels) == codes for labels in EVENT_LABELS.values())
    assert all(set(d.values()) <= set(INDUSTRY_THEMES[i]) for i, d in DRIVER_THEMES.items())
    assert PROFILES["kestrel-bank"].event_labels == ["New mobile app", "New account fees"]


@pytest.mark.parametrize("industry", DEMO_INDUSTRIES)
def test_demo_themes_are_the_industry_codeframe(industry):
    path = resources.files("nps_helpers") / "themes" / f"{industry}.yaml"
    if not path.is_file():
        pytest.skip(f"no codeframe {industry}.yaml in this checkout yet")
    assert tuple(yaml.safe_load(path.read_text(encoding="utf-8"))["themes"]) == INDUSTRY_THEMES[industry]


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(NpsInputError, match="at least 1 client"):
        write_demo_store(tmp_path, clients=0)
    with pytest.raises(NpsInputError, match="need at least 200"):
        write_demo_store(tmp_path, clients=10, responses=100)
    with pytest.raises(NpsInputError, match="seed"):
        write_demo_store(tmp_path, seed=-1)
    with pytest.raises(NpsInputError, match="no demo comments"):
        comment_bank("fr")
    with pytest.raises(NpsInputError, match="no demo comments for industry 'airlines'"):
        comment_bank("en", "airlines")


def test_scale_flags_draw_more_clients_and_leave_others_alone(tmp_path):
    store = Store(tmp_path)
    other = pd.DataFrame({"response_id": ["x"], "score": [7]})
    store.replace("responses", "someone-else", other)
    stale = store.partition("reviews", "falanet-telekom")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    result = CliRunner().invoke(
        app, ["demo-data", "--out", str(tmp_path), "--clients", "30", "--responses", "3000", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "30 clients" in result.output and "responses 3,000" in result.output
    assert len(store.clients()) == 31 and "client-030" in store.clients()
    assert store.read("responses", "someone-else")["response_id"].tolist() == ["x"]
    assert not stale.exists()
    names = [p.display_name for p in demo_profiles(30, seed=5)]
    assert len(set(names)) == 30
