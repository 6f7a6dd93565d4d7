"""Clients whose exports hold only some of the data, rendered with the real report notebook.

A client whose store has dates and scores gets a finished report: the sections its data
do not allow are left out of the report and of its contents, the method note names them
with the data that would enable each, and the follow-up lists go by response id and date
when there are no customer ids. Each render runs a kernel, so the module renders once.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from nps_helpers.adapters.mapping import ExportMapping
from nps_helpers.io.ingest import ingest_files
from nps_helpers.present.i18n import translator
from nps_helpers.render.batch import render_batch

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026-Q3"
IN_PERIOD = pd.Timestamp("2026-07-01")
CLIENTS = {
    # client id: (report language, export has comments)
    "scores-only": ("pl", False),
    "comments-only": ("en", True),
}
COMMENTS = ["Far too expensive for what it is", "Support never answers the phone", "",
            "Delivery came two days late", "Friendly staff, great service", "Fine"]
# Sentences that would make a section say only that it cannot be shown.
NOT_AVAILABLE = ("no_reviews", "no_customers", "no_customer_ids", "no_invitations", "no_health_data",
                 "no_comments", "no_driver_ratings", "no_previous_period")
LEFT_OUT = ("reviews", "segments", "churn", "health", "comments", "drivers", "csat_ces")


def export(seed: int, *, comments: bool) -> pd.DataFrame:
    """A year of answers: an id, a day and a score per row (and a comment when asked)."""
    rng = np.random.default_rng(seed)
    n = 240
    days = pd.Timestamp("2025-10-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    frame = pd.DataFrame({"id": [f"R-{seed}-{k:03d}" for k in range(n)],
                          "date": days.strftime("%Y-%m-%d"), "score": rng.integers(0, 11, n)})
    if comments:
        frame["comment"] = [COMMENTS[k % len(COMMENTS)] for k in range(n)]
    return frame


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("missing")
    (root / "params" / "clients").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "defaults.yaml", root / "params")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "client_report.ipynb", root / "notebooks")
    exports = {}
    for seed, (cid, (language, comments)) in enumerate(CLIENTS.items(), start=1):
        (root / "params" / "clients" / f"{cid}.yaml").write_text(yaml.safe_dump(
            {"client_id": cid, "display_name": cid.title(), "industry": "retail", "language": language}))
        frame = export(seed, comments=comments)
        path = root / f"{cid}.csv"
        frame.to_csv(path, index=False)
        columns = {"response_id": "id", "responded_at": "date", "score": "score"}
        if comments:
            columns["comment"] = "comment"
        [report] = ingest_files([path], client_id=cid, store=root / "store",
                                mapping=ExportMapping(columns=columns))
        assert report.stored == len(frame)
        exports[cid] = frame
    result = render_batch(clients=list(CLIENTS), period=PERIOD, params_dir=root / "params",
                          store=root / "store", out=root / "out", workers=2, progress=False)
    return result, root / "out" / "adhoc" / PERIOD, exports


def page(folder: Path, cid: str) -> BeautifulSoup:
    return BeautifulSoup((folder / f"{cid}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_client_with_dates_and_scores_renders_and_the_batch_exits_0(rendered):
    result, folder, _ = rendered
    assert result.exit_code == 0, result.summary()
    assert {r.client_id: r.status for r in result.results} == dict.fromkeys(CLIENTS, "ok")
    assert all((folder / f"{cid}.html").exists() for cid in CLIENTS)


@pytest.mark.parametrize(("cid", "shown", "missing"), [
    ("scores-only", ["summary", "category_split", "change", "trend", "benchmarks", "about_nps"],
     ["reviews", "segments", "churn", "responders", "health", "comments", "drivers", "csat", "ces"]),
    ("comments-only", ["summary", "category_split", "change", "trend", "benchmarks", "comments",
                       "about_nps"],
     ["reviews", "segments", "churn", "responders", "health", "drivers", "csat", "ces"]),
])
def test_sections_without_data_are_left_out_and_the_method_note_names_them(rendered, cid, shown, missing):
    _, folder, _ = rendered
    soup, t = page(folder, cid), translator(CLIENTS[cid][0])
    body = soup.find("main") or soup.body
    assert [h.get_text() for h in body.find_all("h2")] == [t.label(code) for code in shown]
    # The contents list holds exactly the headings there are, and none of the left-out ones.
    headings = [h.get_text() for h in body.find_all(["h2", "h3"])]
    assert [a.get_text(strip=True) for a in soup.nav.find_all("a")] == headings
    for code in LEFT_OUT:
        if code not in shown:
            assert t.label(code) not in headings
    text = soup.get_text(" ")
    for code in NOT_AVAILABLE:
        assert t.text(code) not in text, code
    sentence = t.text("missing_data", analyses=t.join(t.text(f"missing_{code}") for code in missing))
    assert sentence in [p.get_text() for p in soup.find_all("p")]


def test_the_method_sentence_reads_in_the_clients_language(rendered):
    _, folder, _ = rendered
    text = page(folder, "scores-only").get_text(" ")
    assert "Raport pomija to, na co nie pozwoliły dane: oceny w serwisach z opiniami" in text
    assert "kondycja klientów (wymaga danych klientów z datami rozpoczęcia współpracy)" in text


@pytest.mark.parametrize("cid", list(CLIENTS))
def test_followup_lists_without_customer_ids_go_by_response_id_and_date(rendered, cid):
    _, folder, exports = rendered
    frame = exports[cid]
    answered = pd.to_datetime(frame["date"])
    period = frame[answered >= IN_PERIOD].set_index("id")
    bands = {"promoters_to_ask": (9, 10), "passives_to_nudge": (7, 8), "detractors_to_call": (0, 6)}
    for name, (low, high) in bands.items():
        with open(folder / "_internal" / cid / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        header = ["response_id", "responded_at", "score"] + (["themes", "comment"] if CLIENTS[cid][1] else [])
        assert list(rows[0]) == header
        expected = period[period["score"].between(low, high)]
        assert sorted(r["response_id"] for r in rows) == sorted(expected.index)
        for r in rows:
            assert r["responded_at"].startswith(expected.at[r["response_id"], "date"])
            assert int(r["score"]) == expected.at[r["response_id"], "score"]
        # Most recent first; detractors to call by priority: lowest score, then most recent.
        order = [(int(r["score"]) if name == "detractors_to_call" else 0, r["responded_at"]) for r in rows]
        newest_first = sorted(order, key=lambda o: o[1], reverse=True)
        assert order == sorted(newest_first, key=lambda o: o[0])
