"""Review-portal exports into the store (adapters/reviews.py, ingest_files(table="reviews"), the CLI)."""
from __future__ import annotations

import hashlib

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from nps_helpers.adapters.mapping import ExportMapping
from nps_helpers.adapters.reviews import ReviewMapping, load_review_mapping, read_reviews
from nps_helpers.analysis.reviews import stars_by_month
from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError, NpsParamsError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store

BAD_ROWS = (
    "id,platform,date,stars,text\n"
    "a1,Google,2026-01-05 10:00,5,Great\n"          # row 2: stored
    "a2,Google,2026-01-06,\"4,0\",Good\n"           # row 3: stored as 4
    "a3,Google,2026-01-07,4.5,Half\n"               # row 4: stars_not_whole
    "a4,Trustpilot,2026-01-08,0,Zero\n"             # row 5: stars_out_of_range
    "a5,Trustpilot,2026-01-09,6,Six\n"              # row 6: stars_out_of_range
    "a6,Trustpilot,2026-01-10,five,Words\n"         # row 7: stars_not_a_number
    "a7,Trustpilot,2026-01-11,,Blank\n"             # row 8: stars_missing
    "a8,Trustpilot,2026-02-30,3,No such day\n"      # row 9: date_unreadable
    "a9,,2026-01-12,3,No platform\n"                # row 10: platform_missing
    "a10,Google,2999-01-01,3,Future\n"              # row 11: date_in_future
    "a11,Google,2026-01-13\n"                       # row 12: wrong_field_count
    "a1,Google,2026-01-05 10:00,5,Great\n"          # row 13: duplicate of row 2
    ",Trustpilot,2026-01-14,2,\n"                   # row 14: stored with a hashed id
)
EXPECTED_REJECTS = [
    ["4", "stars", "4.5", "stars_not_whole"],
    ["5", "stars", "0", "stars_out_of_range"],
    ["6", "stars", "6", "stars_out_of_range"],
    ["7", "stars", "five", "stars_not_a_number"],
    ["8", "stars", "", "stars_missing"],
    ["9", "date", "2026-02-30", "date_unreadable"],
    ["10", "platform", "", "platform_missing"],
    ["11", "date", "2999-01-01", "date_in_future"],
    ["12", "(row)", "a11,Google,2026-01-13", "wrong_field_count"],
]


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store")


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_bad_rows_land_in_rejects_with_their_reasons(tmp_path, store):
    path = _write(tmp_path / "reviews.csv", BAD_ROWS)
    [report] = ingest_files([path], client_id="acme", store=store, table="reviews")
    rejects = store.read_rejects("acme")
    assert rejects[["source_row", "column", "value", "reason"]].values.tolist() == EXPECTED_REJECTS
    assert set(rejects["source_file"]) == {"reviews.csv"}
    assert (report.read, report.stored, report.duplicates, report.unanswered) == (13, 3, 1, 0)
    assert report.read == report.stored + report.duplicates + report.unanswered + report.rejected_total
    assert report.rejected == {"stars_not_whole": 1, "stars_out_of_range": 2, "stars_not_a_number": 1,
                               "stars_missing": 1, "date_unreadable": 1, "platform_missing": 1,
                               "date_in_future": 1, "wrong_field_count": 1}
    stored = store.read("reviews", "acme").sort_values("source_row", ignore_index=True)
    assert stored["source_row"].tolist() == [2, 3, 14]
    assert stored["stars"].tolist() == [5, 4, 2]
    assert stored["platform"].tolist() == ["google", "google", "trustpilot"]
    assert stored["reviewed_at"].tolist() == pd.to_datetime(
        ["2026-01-05 10:00", "2026-01-06", "2026-01-14"], utc=True, format="ISO8601").tolist()
    assert stored["text"].tolist()[:2] == ["Great", "Good"] and pd.isna(stored["text"].iloc[2])
    assert stored["review_id"].tolist()[:2] == ["google:a1", "google:a2"]
    assert stored["review_id"].iloc[2].startswith("trustpilot:") and len(stored["review_id"].iloc[2]) == len("trustpilot:") + 32
    assert store.ingest_log("acme")[-1]["table"] == "reviews"


def test_reingest_adds_nothing(tmp_path, store):
    path = _write(tmp_path / "reviews.csv", BAD_ROWS)
    [first] = ingest_files([path], client_id="acme", store=store, table="reviews")
    stored, rejects = store.read("reviews", "acme"), store.read_rejects("acme")
    [again] = ingest_files([path], client_id="acme", store=store, table="reviews")
    assert (again.stored, again.duplicates) == (0, first.stored + first.duplicates)
    assert again.rejected == first.rejected
    pd.testing.assert_frame_equal(store.read("reviews", "acme"), stored)
    pd.testing.assert_frame_equal(store.read_rejects("acme"), rejects)


def test_cp1250_semicolon_export_goes_through_the_shared_sniffing(tmp_path, store):
    text = "Identyfikator;Data;Ocena;Opinia\n1;05.01.2026 14:30;4,0;Świetna obsługa, szybko\n2;25.01.2026;2;Źle zażółcona gęślą jaźń\n"
    path = _write(tmp_path / "opinie.csv", text, "cp1250")
    mapping = tmp_path / "reviews.yaml"
    mapping.write_text(
        "columns: {review_id: Identyfikator, reviewed_at: Data, stars: Ocena, text: Opinia}\n"
        "platform: Google\ntimezone: Europe/Warsaw\n"
    )
    [report] = ingest_files([path], client_id="acme", store=store, table="reviews", mapping=mapping)
    assert (report.read, report.stored, report.rejected_total) == (2, 2, 0)
    stored = store.read("reviews", "acme")
    assert stored["text"].tolist() == ["Świetna obsługa, szybko", "Źle zażółcona gęślą jaźń"]
    assert stored["review_id"].tolist() == ["google:1", "google:2"]
    # Day-first (25.01 tells), and local Warsaw time (UTC+1 in January) stored in UTC.
    assert stored["reviewed_at"].tolist() == pd.to_datetime(["2026-01-05 13:30", "2026-01-24 23:00"], utc=True).tolist()


def test_workbook_with_a_mapping_and_the_platform_as_a_constant(tmp_path, store):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Review ID", "Posted", "Rating", "Body"])
    sheet.append(["x1", pd.Timestamp("2026-03-02 09:15").to_pydatetime(), 5, "Lovely"])
    sheet.append(["x2", pd.Timestamp("2026-03-03").to_pydatetime(), 4.5, "Hm"])
    book.save(tmp_path / "reviews.xlsx")
    mapping = ReviewMapping(columns={"review_id": "Review ID", "reviewed_at": "Posted", "stars": "Rating", "text": "Body"},
                            platform="Trustpilot")
    [report] = ingest_files([tmp_path / "reviews.xlsx"], client_id="acme", store=store, table="reviews", mapping=mapping)
    assert (report.stored, report.rejected) == (1, {"stars_not_whole": 1})
    assert store.read_rejects("acme")[["source_row", "column", "value"]].values.tolist() == [["3", "Rating", "4.5"]]
    assert store.read("reviews", "acme")[["review_id", "platform", "stars"]].values.tolist() == [["trustpilot:x1", "trustpilot", 5]]


def test_columns_found_by_name_without_a_mapping(tmp_path):
    path = _write(tmp_path / "export.csv", "Date,Platform,Rating,Review\n2026-01-05,Google Maps,3,ok\n")
    batch = read_reviews(path)
    assert batch.responses[["platform", "stars", "text"]].values.tolist() == [["google_maps", 3, "ok"]]
    row = "2026-01-05\x1fGoogle Maps\x1f3\x1fok\x1fgoogle_maps"
    assert batch.responses["review_id"].iloc[0] == "google_maps:" + hashlib.md5(row.encode()).hexdigest()


def test_same_row_on_two_platforms_keeps_two_ids(tmp_path, store):
    path = _write(tmp_path / "r.csv", "date,stars,text\n2026-01-05,5,Great\n")
    for portal in ("google", "trustpilot"):
        [report] = ingest_files([path], client_id="acme", store=store, table="reviews", mapping=ReviewMapping(platform=portal))
        assert report.stored == 1
    assert sorted(store.read("reviews", "acme")["platform"]) == ["google", "trustpilot"]


def test_a_file_that_cannot_be_read_leaves_the_store_as_it_was(tmp_path, store):
    good = _write(tmp_path / "good.csv", "date,platform,stars\n2026-01-05,google,5\n")
    no_stars = _write(tmp_path / "nostars.csv", "date,platform,words\n2026-01-05,google,nice\n")
    with pytest.raises(NpsInputError, match=r"nostars.csv, row 1: no stars column found.*columns: \{stars: Rating\}"):
        ingest_files([good, no_stars], client_id="acme", store=store, table="reviews")
    assert not store.has("reviews", "acme") and store.read_rejects("acme").empty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,stars\n2026-01-05,5\n", "no platform column found"),
        ("date,platform,stars\n2026-13-45,google,5\nyesterday,google,4\n", r"row 2, column 'date': '2026-13-45' is not a date"),
        ("date,platform,stars\n03/04/2026,google,5\n", "reads as day-first or month-first"),
    ],
)
def test_unusable_files_name_the_problem_and_the_fix(tmp_path, text, message):
    with pytest.raises(NpsInputError, match=message):
        read_reviews(_write(tmp_path / "r.csv", text))


def test_mapping_naming_a_missing_column_lists_the_columns(tmp_path):
    path = _write(tmp_path / "r.csv", "date,platform,stars\n2026-01-05,google,5\n")
    with pytest.raises(NpsInputError, match=r"columns.stars names 'Ocena'.*'date', 'platform', 'stars'"):
        read_reviews(path, ReviewMapping(columns={"stars": "Ocena"}))


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("columns: {score: Q1}\n", "columns.score"),
        ("segments: {region: Region}\n", "segments"),
        ("platform: google\ncolumns: {platform: Source}\n", "platform"),
        ("platform: '--'\n", "platform"),
        ("encoding: klingon\n", "encoding"),
    ],
)
def test_bad_review_mappings_name_the_key(tmp_path, yaml_text, key):
    path = tmp_path / "reviews.yaml"
    path.write_text(yaml_text)
    with pytest.raises(NpsParamsError, match=rf"reviews.yaml, key '{key}'"):
        load_review_mapping(path)


def test_survey_formats_and_mappings_are_refused_for_reviews(tmp_path, store):
    path = _write(tmp_path / "r.csv", "date,platform,stars\n2026-01-05,google,5\n")
    with pytest.raises(NpsInputError, match="leave out --format"):
        ingest_files([path], client_id="acme", store=store, table="reviews", fmt="qualtrics")
    with pytest.raises(NpsInputError, match="survey mapping"):
        ingest_files([path], client_id="acme", store=store, table="reviews", mapping=ExportMapping())
    with pytest.raises(NpsInputError, match="responses or reviews"):
        ingest_files([path], client_id="acme", store=store, table="customers")


def test_cli_ingests_reviews_and_the_analysis_reads_them(tmp_path):
    path = _write(tmp_path / "reviews.csv", BAD_ROWS)
    mapping = tmp_path / "reviews.yaml"
    mapping.write_text("columns: {review_id: id, reviewed_at: date, stars: stars, text: text, platform: platform}\n")
    args = ["ingest", str(path), "--client", "acme", "--table", "reviews", "--mapping", str(mapping),
            "--store", str(tmp_path / "store")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("reviews.csv: read 13, stored 3, duplicates 1, unanswered 0, rejected 9 (")
    monthly = stars_by_month(Store(tmp_path / "store").read("reviews", "acme"))
    assert monthly[["platform", "period", "n", "stars"]].values.tolist() == [["google", "2026-01", 2, 4.5], ["trustpilot", "2026-01", 1, 2.0]]
