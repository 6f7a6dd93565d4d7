"""Shapes of real clients' files: code pages (and cells typed in DOS), files without dates
(a survey wave dated by the user), header rows below a title."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from nps_helpers.adapters import read_export
from nps_helpers.adapters.mapping import ExportMapping, load_mapping
from nps_helpers.adapters.sniff import detect_encoding
from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store

HEADER = "Date;How likely are you to recommend us?;Comment"


def write(folder: Path, name: str, lines: list[bytes]) -> Path:
    path = folder / name
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def comments(batch) -> list[str]:
    return batch.responses.sort_values("source_row")["comment"].tolist()


# --- code pages ------------------------------------------------------------------------------

WESTERN = [
    "Prix £100, très bien",
    "Größe passt, schöne Grüße",
    "Café à côté, déjà vu",
    "L’accueil était “parfait”… 15€ – merci",
    "Señor, ¿qué tal? Ça va",
]


def test_windows_1252_pound_and_accents_decode_to_the_exact_text(tmp_path):
    rows = [f"2021-03-0{i + 1};9;{text}".encode("cp1252") for i, text in enumerate(WESTERN)]
    path = write(tmp_path, "west.csv", [HEADER.encode("cp1252"), *rows])
    assert detect_encoding(path.read_bytes()) == "cp1252"
    batch = read_export(path)
    assert comments(batch) == WESTERN
    assert batch.notes == ()  # nothing typed in DOS: no cell is read again


@pytest.mark.parametrize("declared", ["cp1252", "latin-1"])
def test_declared_western_encodings_read_the_same(tmp_path, declared):
    rows = [f"2021-03-0{i + 1};9;{text}".encode("cp1252") for i, text in enumerate(WESTERN)]
    path = write(tmp_path, "west.csv", [HEADER.encode("cp1252"), *rows])
    assert comments(read_export(path, mapping=ExportMapping(encoding=declared))) == WESTERN


@pytest.mark.parametrize(
    ("encoding", "header", "texts"),
    [
        ("cp1251", "Дата;Насколько вероятно, что вы порекомендуете нас?;Комментарий",
         ["«Отлично» — быстро", "Цена высокая…", "Заказ № 5 – хорошо"]),
        ("cp1250", "Data;Jak chętnie polecisz nas znajomym?;Komentarz",
         ["„Świetna” obsługa – polecam", "Żółć gęślą jaźń", "Szybko…"]),
    ],
)
def test_cyrillic_and_central_european_code_pages_still_decode(tmp_path, encoding, header, texts):
    rows = [f"2021-03-0{i + 1};9;{text}".encode(encoding) for i, text in enumerate(texts)]
    path = write(tmp_path, "x.csv", [header.encode(encoding), *rows])
    assert detect_encoding(path.read_bytes()) == encoding
    batch = read_export(path)
    assert comments(batch) == texts and batch.notes == ()


# Each comment with the code page it was typed in. The cp850 ones hold DOS bytes 0x80-0x9F
# (É 0x90, é 0x82, ç 0x87, à 0x85, è 0x8A), which Windows-1252 reads as punctuation.
MIXED = [
    ("Très bien, café à côté", "cp1252"),
    ("Équipe très aimable", "cp850"),
    ("L’accueil était “parfait”…", "cp1252"),
    ("Déçu, caisse fermée", "cp850"),
    ("Prix 15€ – correct", "cp1252"),
    ("Reçu à temps", "cp850"),
    ("Größe passt", "cp1252"),
    ("Très cher", "cp850"),
]


def test_mixed_windows_and_dos_cells_are_each_repaired_and_counted(tmp_path):
    rows = [f"2021-04-{i + 1:02d};8;{text}".encode(page) for i, (text, page) in enumerate(MIXED)]
    path = write(tmp_path, "mixed.csv", [HEADER.encode(), *rows])
    (report,) = ingest_files([path], client_id="fr", store=tmp_path / "store")
    assert report.summary() == "mixed.csv: read 8, stored 8, duplicates 0, unanswered 0, rejected 0; 4 cells re-decoded from cp850"
    got = Store(tmp_path / "store").read("responses", "fr").sort_values("source_row")
    assert got["comment"].tolist() == [text for text, _ in MIXED]
    assert Store(tmp_path / "store").ingest_log("fr")[0]["notes"] == ["4 cells re-decoded from cp850"]


# --- files without dates ---------------------------------------------------------------------

WAVE = "id,How likely are you to recommend us?,Comment\n1,9,great\n2,4,slow\n3,10,\n"


def test_a_file_without_dates_is_refused_with_both_fixes_named(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    with pytest.raises(NpsInputError) as err:
        read_export(path)
    message = str(err.value)
    assert message.startswith("wave.csv, row 1: no date column found")
    assert "--date YYYY-MM-DD" in message and "columns: {responded_at: <column>}" in message
    assert "{responded_at: {value: YYYY-MM-DD}}" in message and "\n" not in message


def _check_wave(store: Path) -> None:
    got = Store(store).read("responses", "wave").sort_values("source_row")
    # Midday of the given date in the mapping's zone (UTC here): the same day in any zone within 12 hours.
    assert got["responded_at"].tolist() == [pd.Timestamp("2020-06-30 12:00", tz="UTC")] * 3
    assert got["date_given"].tolist() == [True, True, True]
    assert got["score"].tolist() == [9, 4, 10]


def test_date_option_dates_every_row_and_records_it_as_given(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["ingest", str(path), "--client", "wave", "--date", "2020-06-30", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "wave.csv: read 3, stored 3, duplicates 0, unanswered 0, rejected 0; responded_at given as 2020-06-30 for every row"
    )
    _check_wave(store)
    assert Store(store).ingest_log("wave")[0]["notes"] == ["responded_at given as 2020-06-30 for every row"]


def test_mapping_value_form_dates_every_row(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  responded_at: {value: 2020-06-30}\n")
    assert load_mapping(mapping).columns.responded_at.value == dt.date(2020, 6, 30)
    (report,) = ingest_files([path], client_id="wave", mapping=mapping, store=tmp_path / "store")
    assert report.notes == ("responded_at given as 2020-06-30 for every row",)
    _check_wave(tmp_path / "store")


def test_given_date_in_a_timezone_is_midday_there(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    batch = read_export(path, mapping=ExportMapping(columns={"responded_at": {"value": "2020-06-30"}}, timezone="Europe/Warsaw"))
    assert set(batch.responses["responded_at"]) == {pd.Timestamp("2020-06-30 10:00", tz="UTC")}


def test_a_read_date_is_recorded_as_read(tmp_path):
    path = tmp_path / "dated.csv"
    path.write_text("Date,NPS\n2021-01-01,9\n")
    assert read_export(path).responses["date_given"].tolist() == [False]


@pytest.mark.parametrize(
    ("date", "error"),
    [("30/06/2020", "--date '30/06/2020' is not a date; write it as YYYY-MM-DD"),
     ("2099-01-01", "wave.csv: the date given for every row, 2099-01-01, is in the future"),
     ("1970-01-01", "wave.csv: the date given for every row, 1970-01-01, is before 1980")],
)
def test_bad_given_dates_are_refused(tmp_path, date, error):
    path = tmp_path / "wave.csv"
    path.write_text(WAVE)
    with pytest.raises(NpsInputError, match="^" + error.replace("(", r"\(")):
        ingest_files([path], client_id="wave", store=tmp_path / "store", date=date)
    assert not Store(tmp_path / "store").has("responses", "wave")


# --- header rows -----------------------------------------------------------------------------


def test_csv_title_line_above_the_header_keeps_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "titled.csv"
    path.write_text("Customer survey export - June 2021\n\nDate,How likely are you to recommend us?,Comment\n"
                    "2021-06-01,9,ok\n2021-06-02,11,too high\n2021-06-03,3,bad\n")
    batch = read_export(path)
    assert batch.read == 3
    assert batch.responses[["source_row", "score", "comment"]].to_dict("records") == [
        {"source_row": 4, "score": 9, "comment": "ok"}, {"source_row": 6, "score": 3, "comment": "bad"},
    ]
    assert batch.rejects[["source_row", "reason"]].to_dict("records") == [{"source_row": 5, "reason": "score_out_of_range"}]


def _titled_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NPS survey, Q2 2021 (exported 2021-07-01)"])
    sheet.append([])
    sheet.append(["Response ID", "Submitted", "How likely are you to recommend us?", "Why?"])
    sheet.append(["r1", dt.datetime(2021, 5, 3, 9, 30), 10, "Fast"])
    sheet.append([])
    sheet.append(["r2", dt.datetime(2021, 5, 4, 14, 0), 6, "Slow"])
    sheet.append(["r3", dt.datetime(2021, 5, 5, 8, 0), "ten", ""])
    book.save(path)
    return path


def test_xlsx_with_a_title_and_a_blank_row_above_the_header_ingests(tmp_path):
    path = _titled_workbook(tmp_path / "titled.xlsx")
    (report,) = ingest_files([path], client_id="x", store=tmp_path / "store")
    assert (report.read, report.stored, report.rejected) == (3, 2, {"score_not_a_number": 1})
    got = Store(tmp_path / "store").read("responses", "x").sort_values("source_row")
    assert got[["response_id", "source_row", "score", "comment"]].to_dict("records") == [
        {"response_id": "r1", "source_row": 4, "score": 10, "comment": "Fast"},
        {"response_id": "r2", "source_row": 6, "score": 6, "comment": "Slow"},
    ]
    assert got["responded_at"].tolist() == [pd.Timestamp("2021-05-03 09:30", tz="UTC"), pd.Timestamp("2021-05-04 14:00", tz="UTC")]
    assert Store(tmp_path / "store").read_rejects("x")[["source_row", "column"]].to_dict("records") == [
        {"source_row": "7", "column": "How likely are you to recommend us?"}
    ]


def test_header_row_in_the_mapping_and_the_error_that_names_the_row_taken(tmp_path):
    # Two rows of names: the first is taken as the header, which is wrong here.
    path = tmp_path / "two.csv"
    path.write_text("Survey,Export,Wave\nDate,How likely are you to recommend us?,Comment\n2021-06-01,9,ok\n2021-06-02,7,fine\n")
    with pytest.raises(NpsInputError) as err:
        read_export(path)
    assert str(err.value).endswith(
        "(row 1 was taken as the header; if it is another row, set header_row in the mapping file)"
    )
    batch = read_export(path, mapping=ExportMapping(header_row=2))
    assert batch.responses[["source_row", "score"]].to_dict("records") == [
        {"source_row": 3, "score": 9}, {"source_row": 4, "score": 7},
    ]
    workbook = _titled_workbook(tmp_path / "titled.xlsx")
    assert read_export(workbook, mapping=ExportMapping(header_row=3)).responses["source_row"].tolist() == [4, 6]
    with pytest.raises(NpsInputError, match=r"row 1 was taken as the header"):
        read_export(workbook, mapping=ExportMapping(header_row=1))
    with pytest.raises(NpsInputError, match=r"^titled\.xlsx, sheet 'Sheet', row 2: header_row names an empty row"):
        read_export(workbook, mapping=ExportMapping(header_row=2))


def test_header_row_must_be_a_positive_row_number(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("header_row: 0\n")
    with pytest.raises(Exception, match="header_row"):
        load_mapping(mapping)
