"""ingest.py and the `ingest` command: accounting, dedupe, rejects, all-or-nothing, the CLI."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError
from nps_helpers.ingest import IngestReport, ingest_files
from nps_helpers.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A cp1250, semicolon-delimited export with Polish headers, D.M.YYYY dates and bad rows.
POLISH_HEADER = "Identyfikator;Data wypełnienia;Ocena (0-10);Komentarz;Województwo;Cena (1-5)"
POLISH_ROWS = [
    # (cells, reason it is rejected or None)
    ("P-001;5.3.2021 14:05;10;Świetna obsługa, dziękuję!;mazowieckie;5", None),
    ("P-002;15.3.2021 9:00;7,0;Może być;śląskie;", None),
    ("P-003;1.4.2021;7,5;Pół na pół;małopolskie;3", "score_not_whole"),
    ("P-004;2.4.2021 8:30;11;Za dużo;pomorskie;4", "score_out_of_range"),
    ("P-005;3.4.2021;dziesięć;Słownie;łódzkie;4", "score_not_a_number"),
    ("P-006;4.4.2021;;Bez oceny;lubelskie;2", "score_missing"),
    ("P-007;31.2.2021;9;Zła data;opolskie;4", "date_unreadable"),
    ("P-008;1.1.2099;9;Z przyszłości;lubuskie;4", "date_in_future"),
    ("P-009;5.4.2021;8;Brak ceny;podlaskie;sześć", "driver_cena_not_a_number"),
    ("P-010;6.4.2021;3", "wrong_field_count"),
    ("P-011;28.3.2021 2:30;0;Źle, bardzo źle; zmiana czasu;podkarpackie;1", "wrong_field_count"),
    ("P-012;28.3.2021 3:30;0;Źle, bardzo źle;podkarpackie;1", None),
    ("P-001;5.3.2021 14:05;10;Świetna obsługa, dziękuję!;mazowieckie;5", None),  # the same row again
]


def write_polish(folder: Path, name: str = "ankieta_nps.csv") -> Path:
    path = folder / name
    lines = [POLISH_HEADER, *(cells for cells, _ in POLISH_ROWS)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1250"))
    return path


def test_polish_cp1250_export_with_mapping_accounts_for_every_row(tmp_path):
    path = write_polish(tmp_path)
    store = Store(tmp_path / "store")
    (report,) = ingest_files([path], client_id="bank-pl", mapping=FIXTURES / "polish_cp1250.yaml", store=store)

    expected_rejects = [(i + 2, reason) for i, (_, reason) in enumerate(POLISH_ROWS) if reason]
    reasons: dict[str, int] = {}
    for _, reason in expected_rejects:
        reasons[reason] = reasons.get(reason, 0) + 1
    assert report.read == len(POLISH_ROWS) == 13
    assert (report.stored, report.duplicates, report.unanswered) == (3, 1, 0)
    assert report.rejected == reasons
    assert report.read == report.stored + report.duplicates + report.unanswered + sum(report.rejected.values())

    rejects = store.read_rejects("bank-pl")
    assert [(int(r), why) for r, why in zip(rejects["source_row"], rejects["reason"], strict=True)] == expected_rejects
    assert set(rejects["source_file"]) == {"ankieta_nps.csv"}
    by_row = rejects.set_index("source_row")
    assert by_row.loc["4", ["column", "value"]].tolist() == ["Ocena (0-10)", "7,5"]
    assert by_row.loc["8", ["column", "value"]].tolist() == ["Data wypełnienia", "31.2.2021"]
    assert by_row.loc["10", ["column", "value"]].tolist() == ["Cena (1-5)", "sześć"]
    assert by_row.loc["11", ["column", "value"]].tolist() == ["(row)", "P-010;6.4.2021;3"]

    got = store.read("responses", "bank-pl").set_index("response_id")
    assert got.index.tolist() == ["P-001", "P-002", "P-012"]
    assert got["score"].tolist() == [10, 7, 0]
    assert got.loc["P-001", "comment"] == "Świetna obsługa, dziękuję!"
    assert got["region"].tolist() == ["mazowieckie", "śląskie", "podkarpackie"]
    assert got.loc["P-001", "driver_cena"] == 5 and pd.isna(got.loc["P-002", "driver_cena"])
    # Local Warsaw time: CET in March before the switch, CEST after it.
    assert got["responded_at"].tolist() == [
        pd.Timestamp("2021-03-05 13:05", tz="UTC"),
        pd.Timestamp("2021-03-15 08:00", tz="UTC"),
        pd.Timestamp("2021-03-28 01:30", tz="UTC"),
    ]
    assert got["source_row"].tolist() == [2, 3, 13]


def test_polish_export_dates_are_detected_without_date_format(tmp_path):
    path = write_polish(tmp_path)
    mapping = tmp_path / "map.yaml"
    text = (FIXTURES / "polish_cp1250.yaml").read_text(encoding="utf-8")
    mapping.write_text(text.replace("date_format: day-first\n", ""), encoding="utf-8")
    (report,) = ingest_files([path], client_id="bank-pl", mapping=mapping, store=tmp_path / "store")
    assert report.stored == 3 and report.rejected["date_unreadable"] == 1


def test_reingest_adds_nothing_and_keeps_one_copy_of_each_reject(tmp_path):
    path = write_polish(tmp_path)
    store = Store(tmp_path / "store")
    mapping = FIXTURES / "polish_cp1250.yaml"
    first = ingest_files([path], client_id="pl", mapping=mapping, store=store)[0]
    rejects_before = store.read_rejects("pl")
    second = ingest_files([path], client_id="pl", mapping=mapping, store=store)[0]
    assert (second.stored, second.duplicates) == (0, first.stored + first.duplicates)
    assert second.rejected == first.rejected
    pd.testing.assert_frame_equal(store.read_rejects("pl"), rejects_before)
    assert len(store.read("responses", "pl")) == first.stored
    assert [r["stored"] for r in store.ingest_log("pl")] == [3, 0]


def test_the_same_rows_under_another_file_name_are_duplicates(tmp_path):
    (tmp_path / "a.csv").write_text("Date,NPS,Comment\n2021-01-01,9,ok\n2021-01-02,3,slow\n")
    (tmp_path / "b.csv").write_text("Date,NPS,Comment\n2021-01-02,3,slow\n2021-01-03,10,\n")
    first, second = ingest_files([tmp_path / "a.csv", tmp_path / "b.csv"], client_id="c", store=tmp_path / "s")
    assert (first.stored, second.stored, second.duplicates) == (2, 1, 1)


def test_a_file_that_cannot_be_read_stops_the_batch_before_any_write(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("Date,NPS\n2021-01-01,9\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Rating\n2021-01-01,great\n")
    store = Store(tmp_path / "store")
    with pytest.raises(NpsInputError, match=r"^bad\.csv, row 1: no column holds 0-10 answers"):
        ingest_files([good, bad], client_id="acme", store=store)
    assert not store.has("responses", "acme")
    assert not store.rejects_path("acme").exists() and store.ingest_log("acme") == []


def test_report_identity_is_enforced():
    with pytest.raises(AssertionError, match="rows unaccounted for"):
        IngestReport("x.csv", read=3, stored=1, duplicates=0, unanswered=0, rejected={"score_missing": 1})
    report = IngestReport("x.csv", read=4, stored=1, duplicates=1, unanswered=1, rejected={"b": 1})
    assert report.summary() == "x.csv: read 4, stored 1, duplicates 1, unanswered 1, rejected 1 (b 1)"


def test_log_and_source_file_hold_no_path(tmp_path):
    folder = tmp_path / "private" / "exports"
    folder.mkdir(parents=True)
    path = folder / "nps.csv"
    path.write_text("Date,NPS\n2021-01-01,9\n")
    store = Store(tmp_path / "store")
    (report,) = ingest_files([str(path)], client_id="acme", store=store)
    assert report.file == "nps.csv"
    assert store.read("responses", "acme")["source_file"].tolist() == ["nps.csv"]
    (log,) = store.ingest_log("acme")
    assert {k: log[k] for k in ("file", "read", "stored", "duplicates", "unanswered", "rejected", "format")} == {
        "file": "nps.csv", "read": 1, "stored": 1, "duplicates": 0, "unanswered": 0, "rejected": {}, "format": "auto",
    }
    assert "private" not in json.dumps(log)
    assert dt.datetime.fromisoformat(log["at"]).tzinfo is not None


def test_clients_are_kept_apart(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text("Date,NPS\n2021-01-01,9\n")
    store = Store(tmp_path / "store")
    ingest_files([path], client_id="one", store=store)
    (again,) = ingest_files([path], client_id="two", store=store)
    assert again.stored == 1 and store.clients() == ["one", "two"]


def test_bad_client_id_is_refused_before_reading(tmp_path):
    with pytest.raises(NpsInputError, match="client id '../x'"):
        ingest_files([tmp_path / "missing.csv"], client_id="../x", store=tmp_path / "s")


# --- the command line ------------------------------------------------------------------------


def test_cli_prints_one_line_per_file(tmp_path):
    path = write_polish(tmp_path)
    result = CliRunner().invoke(
        app,
        ["ingest", str(path), "--client", "pl", "--mapping", str(FIXTURES / "polish_cp1250.yaml"), "--store", str(tmp_path / "s")],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ankieta_nps.csv: read 13, stored 3, duplicates 1, unanswered 0, rejected 9 (date_in_future 1, "
        "date_unreadable 1, driver_cena_not_a_number 1, score_missing 1, score_not_a_number 1, "
        "score_not_whole 1, score_out_of_range 1, wrong_field_count 2)"
    ]


def test_cli_unreadable_file_exits_non_zero_with_one_line(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("Date,NPS\n01/02/2021,9\n03/04/2021,8\n")
    result = CliRunner().invoke(app, ["ingest", str(path), "--client", "acme", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line == (
        "error: dates.csv, row 2, column 'Date': '01/02/2021' reads as day-first and as month-first; "
        "set date_format: day-first or month-first in the mapping file"
    )
    assert not (tmp_path / "s" / "responses").exists()


def test_cli_format_option_chooses_the_adapter(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Timestamp,Would you recommend us?\n2021-03-01 10:00:00,9\n")
    result = CliRunner().invoke(
        app, ["ingest", str(path), "--client", "acme", "--format", "google-forms", "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 0 and "stored 1" in result.stdout


@pytest.mark.parametrize("text, mapping, zone", [
    ("id,date,nps\n1,2021-07-01 10:00,9\n", "timezone: Europe/Warsaw\n", "Europe/Warsaw"),
    ("id,date,nps\n1,2021-07-01 10:00,9\n", None, "UTC"),  # naive, read as UTC: that is the zone
    ("id,date,nps\n1,2021-07-01T10:00:00+02:00,9\n2,2021-07-02T10:00:00Z,7\n", "timezone: Europe/Warsaw\n", None),
])
def test_the_log_records_the_zone_naive_times_were_read_in(tmp_path, text, mapping, zone):
    path = tmp_path / "nps.csv"
    path.write_text(text)
    map_file = None
    if mapping:
        map_file = tmp_path / "map.yaml"
        map_file.write_text(mapping)
    store = Store(tmp_path / "store")
    ingest_files([path], client_id="acme", mapping=map_file, store=store)
    (log,) = store.ingest_log("acme")
    assert log["timezone"] == zone
