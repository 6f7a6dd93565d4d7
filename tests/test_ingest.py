"""ingest.py and the `ingest` command: accounting, dedupe, rejects, all-or-nothing, the CLI."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from nps_helpers.adapters.mapping import ExportMapping
from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError
from nps_helpers.io.ingest import IngestReport, ingest_files
from nps_helpers.io.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A cp1250, semicolon-delimited export with Polish headers, D.M.YYYY dates and bad rows.
POLISH_HEADER = "Identyfikator;Data wypełnienia;Ocena (0-10);Komentarz;Województwo;Cena (1-5)"
POLISH_ROWS = [
    # (cells, reason it is rejected, 'unanswered' for a blank score, or None)
    ("P-001;5.3.2021 14:05;10;Świetna obsługa, dziękuję!;mazowieckie;5", None),
    ("P-002;15.3.2021 9:00;7,0;Może być;śląskie;", None),
    ("P-003;1.4.2021;7,5;Pół na pół;małopolskie;3", "score_not_whole"),
    ("P-004;2.4.2021 8:30;11;Za dużo;pomorskie;4", "score_out_of_range"),
    ("P-005;3.4.2021;dziesięć;Słownie;łódzkie;4", "score_not_a_number"),
    ("P-006;4.4.2021;;Bez oceny;lubelskie;2", "unanswered"),
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

    expected_rejects = [(i + 2, reason) for i, (_, reason) in enumerate(POLISH_ROWS) if reason not in (None, "unanswered")]
    reasons: dict[str, int] = {}
    for _, reason in expected_rejects:
        reasons[reason] = reasons.get(reason, 0) + 1
    assert report.read == len(POLISH_ROWS) == 13
    assert (report.stored, report.duplicates, report.unanswered) == (3, 1, 1)
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


def test_the_same_customer_answer_under_another_file_name_is_a_duplicate(tmp_path):
    (tmp_path / "a.csv").write_text("Date,Customer,NPS,Comment\n2021-01-01,c1,9,ok\n2021-01-02,c2,3,slow\n")
    (tmp_path / "b.csv").write_text("Date,Customer,NPS,Comment\n2021-01-02,c2,3,slow\n2021-01-03,c3,10,\n")
    first, second = ingest_files([tmp_path / "a.csv", tmp_path / "b.csv"], client_id="c", store=tmp_path / "s")
    assert (first.stored, second.stored, second.duplicates) == (2, 1, 1)


def test_rows_without_any_id_in_two_different_files_are_different_responses(tmp_path):
    # Nothing tells whether the 3 of 2021-01-02 in b.csv is the person of a.csv: rows
    # without a response or customer id are told apart by their file.
    (tmp_path / "a.csv").write_text("Date,NPS,Comment\n2021-01-01,9,ok\n2021-01-02,3,slow\n")
    (tmp_path / "b.csv").write_text("Date,NPS,Comment\n2021-01-02,3,slow\n2021-01-03,10,\n")
    first, second = ingest_files([tmp_path / "a.csv", tmp_path / "b.csv"], client_id="c", store=tmp_path / "s")
    assert (first.stored, second.stored, second.duplicates) == (2, 2, 0)


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
        "ankieta_nps.csv: read 13, stored 3, duplicates 1, unanswered 1, rejected 8 (date_in_future 1, "
        "date_unreadable 1, driver_cena_not_a_number 1, score_not_a_number 1, "
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


# --- files read wrongly are refused whole ----------------------------------------------------


def test_a_file_with_no_valid_row_is_refused_and_nothing_is_written(tmp_path):
    import openpyxl

    good = tmp_path / "good.csv"
    good.write_text("Date,NPS\n2021-01-01,9\n")
    us = tmp_path / "us_export.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Date", "How likely are you to recommend us?"])
    for day, score in ((5, 9), (6, 3), (7, 10)):
        book.active.append([f"1/{day}/1921", score])
    book.save(us)
    store = Store(tmp_path / "store")
    message = (
        "us_export.xlsx: no valid row: 3 of 3 rows rejected as date_too_old (row 2, column 'Date': '1/5/1921'); "
        "a date before 1980 is usually a two-digit year read wrong: set date_format in the mapping file "
        "(such as '%m/%d/%y'); nothing was stored"
    )
    with pytest.raises(NpsInputError) as err:
        ingest_files([good, us], client_id="acme", store=store, mapping=ExportMapping(date_format="month-first"))
    assert str(err.value) == message
    assert not store.has("responses", "acme") and not store.rejects_path("acme").exists()
    assert store.ingest_log("acme") == []
    (tmp_path / "us.yaml").write_text("date_format: month-first\n")
    result = CliRunner().invoke(
        app, ["ingest", str(us), "--client", "acme", "--mapping", str(tmp_path / "us.yaml"), "--store", str(store.root)]
    )
    assert result.exit_code == 2 and result.stderr.splitlines() == [f"error: {message}"]
    assert not store.root.exists() or not any(store.root.rglob("*.parquet"))


def test_one_reason_rejecting_more_than_half_the_rows_is_refused(tmp_path):
    rows = ["2021-01-01,9", "2099-01-02,8", "2099-01-03,7", "2099-01-04,6", "2021-01-05,10"]
    path = tmp_path / "future.csv"
    path.write_text("Date,NPS\n" + "\n".join(rows) + "\n")
    with pytest.raises(NpsInputError) as err:
        ingest_files([path], client_id="acme", store=tmp_path / "s")
    assert str(err.value) == (
        "future.csv: 3 of 5 rows rejected as date_in_future (row 3, column 'Date': '2099-01-02'); the dates may be "
        "day-first or month-first the other way: set date_format in the mapping file; nothing was stored"
    )
    # Half the rows is not more than half: stored, the rest rejected.
    path.write_text("Date,NPS\n" + "\n".join([*rows[:3], rows[4]]) + "\n")
    (report,) = ingest_files([path], client_id="acme", store=tmp_path / "s")
    assert (report.stored, report.rejected) == (2, {"date_in_future": 2})


def test_a_reingest_where_every_row_is_a_duplicate_is_not_an_error(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text("Date,NPS\n2021-01-01,9\n")
    ingest_files([path], client_id="acme", store=tmp_path / "s")
    (again,) = ingest_files([path], client_id="acme", store=tmp_path / "s")
    assert (again.stored, again.duplicates) == (0, 1)


# --- --replace, remove, clients --------------------------------------------------------------

WAVE = "Date,NPS,Clinic\n2021-03-01,9,North\n2021-03-01,9,South\n2021-03-02,3,North\n2021-03-03,eleven,South\n"


def invoke(*args: str) -> list[str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_replace_rereads_a_file_with_a_segment_and_keeps_rejects_and_log_consistent(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("segments: {clinic: Clinic}\n")
    store = str(tmp_path / "s")
    assert invoke("ingest", str(path), "--client", "vet", "--store", store) == [
        "wave.csv: read 4, stored 3, duplicates 0, unanswered 0, rejected 1 (score_not_a_number 1)",
        "  1 row repeats another row of this file: kept as separate responses",
        "  not stored: 'Clinic' — add it under segments: to keep it (then ingest again with --replace)",
    ]
    assert invoke("ingest", str(path), "--client", "vet", "--mapping", str(mapping), "--replace", "--store", store) == [
        "wave.csv: read 4, stored 3, duplicates 0, unanswered 0, rejected 1 (score_not_a_number 1)",
        "  replaced 3 rows read before from wave.csv",
        "  1 row repeats another row of this file: kept as separate responses",
    ]
    got = Store(store).read("responses", "vet")
    assert got["clinic"].tolist() == ["North", "South", "North"] and got["score"].tolist() == [9, 9, 3]
    assert Store(store).read_rejects("vet")["source_row"].tolist() == ["5"]
    assert [(r["file"], r["stored"], r["replaced"]) for r in Store(store).ingest_log("vet")] == [("wave.csv", 3, 3)]


def test_replace_with_nothing_to_replace_says_so(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    lines = invoke("ingest", str(path), "--client", "vet", "--replace", "--store", str(tmp_path / "s"))
    assert lines[0].startswith("wave.csv: read 4, stored 3")
    assert lines[-1] == "  nothing replaced: no file named wave.csv or with the same content was read before"


def test_a_newer_export_under_the_same_name_without_ids_suggests_replace(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text("Date,NPS\n2021-03-01,9\n2021-03-02,3\n")
    store = str(tmp_path / "s")
    invoke("ingest", str(path), "--client", "vet", "--store", store)
    path.write_text("Date,NPS\n2021-03-01,9\n2021-03-02,3\n2021-03-03,10\n")
    assert invoke("ingest", str(path), "--client", "vet", "--store", store) == [
        "wave.csv: read 3, stored 3, duplicates 0, unanswered 0, rejected 0",
        "  a file named wave.csv with other rows was read before; if this is the same survey, "
        "ingest it again with --replace so its rows are not counted twice",
    ]
    assert invoke("ingest", str(path), "--client", "vet", "--replace", "--store", store) == [
        "wave.csv: read 3, stored 3, duplicates 0, unanswered 0, rejected 0",
        "  replaced 5 rows read before from wave.csv",
    ]
    assert len(Store(store).read("responses", "vet")) == 3


def test_remove_one_file_then_the_client_and_list_clients(tmp_path):
    store = str(tmp_path / "s")
    (tmp_path / "wave.csv").write_text(WAVE)
    (tmp_path / "later.csv").write_text("Date,NPS\n2021-04-01,10\n2021-04-02,x\n2021-04-03,8\n")
    (tmp_path / "other.csv").write_text("Date,NPS\n2020-01-01,0\n")
    invoke("ingest", str(tmp_path / "wave.csv"), str(tmp_path / "later.csv"), "--client", "vet", "--store", store)
    invoke("ingest", str(tmp_path / "other.csv"), "--client", "zoo", "--store", store)
    at = {c: Store(store).ingest_log(c)[-1]["at"] for c in ("vet", "zoo")}
    assert invoke("clients", "--store", store) == [
        f"vet: 5 responses, 2021-03-01 to 2021-04-03, files: later.csv, wave.csv, last ingest {at['vet']}",
        f"zoo: 1 response, 2020-01-01 to 2020-01-01, files: other.csv, last ingest {at['zoo']}",
    ]
    assert invoke("remove", "--client", "vet", "--file", "wave.csv", "--store", store) == [
        "removed wave.csv from vet: 3 responses, 1 reject, 1 ingest record"
    ]
    left = Store(store)
    assert left.read("responses", "vet")["source_file"].unique().tolist() == ["later.csv"]
    assert left.read_rejects("vet")["source_file"].tolist() == ["later.csv"]
    assert [r["file"] for r in left.ingest_log("vet")] == ["later.csv"]
    assert invoke("remove", "--client", "vet", "--store", store) == ["removed client vet: 2 responses, 1 reject, 1 ingest record"]
    assert left.clients() == ["zoo"] and not left.rejects_path("vet").exists() and left.ingest_log("vet") == []
    assert invoke("clients", "--store", store)[0].startswith("zoo: 1 response,")
    # Nothing left to remove: one line naming what there is, exit code 2.
    result = CliRunner().invoke(app, ["remove", "--client", "zoo", "--file", "wave.csv", "--store", store])
    assert result.exit_code == 2 and result.stderr.splitlines() == [
        "error: client 'zoo' has no rows from a file named 'wave.csv' (its files: 'other.csv'); "
        "give the name as nps-report clients prints it"
    ]
    result = CliRunner().invoke(app, ["remove", "--client", "vet", "--store", store])
    assert result.exit_code == 2 and result.stderr.startswith("error: no data for client 'vet'")


def test_a_store_from_before_row_identity_is_told_to_replace(tmp_path):
    # A store written when id-less rows were identified by a hash of all their cells:
    # its log lines have no fingerprint, and reading the file now gives other ids.
    path = tmp_path / "wave.csv"
    path.write_text("Date,NPS\n2021-03-01,9\n2021-03-02,3\n")
    store = Store(tmp_path / "s")
    store.merge("responses", "vet", pd.DataFrame({
        "response_id": ["old1", "old2"], "score": pd.array([9, 3], dtype="int8"),
        "responded_at": pd.to_datetime(["2021-03-01", "2021-03-02"], utc=True), "source_file": ["wave.csv"] * 2,
    }))
    store.log_ingest("vet", {"file": "wave.csv", "read": 2, "stored": 2, "table": "responses"})
    (report,) = ingest_files([path], client_id="vet", store=store)
    assert report.advice() == [
        "wave.csv was read before by an older version, which identified rows without an id otherwise; "
        "if this is the same survey, ingest it again with --replace so its rows are not counted twice"
    ]
    (again,) = ingest_files([path], client_id="vet", store=store, replace=True)
    assert (again.stored, again.replaced, again.replaced_files) == (2, 4, ("wave.csv",))
    assert len(store.read("responses", "vet")) == 2


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
