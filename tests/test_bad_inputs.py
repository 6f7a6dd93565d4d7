"""The bad-input catalogue: each case gives a one-line error or lands in rejects, and
read = stored + duplicates + unanswered + rejected holds for every one."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nps_helpers.adapters.mapping import ExportMapping
from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError, NpsStoreError
from nps_helpers.io.ingest import IngestReport, ingest_files
from nps_helpers.io.store import Store, load_responses

GOOD = "Date,How likely are you to recommend us?,Comment\n2021-03-01,9,fine\n2021-03-02,6,slow\n2021-03-03,10,great\n"


def ingest(tmp_path: Path, name: str, content: bytes | str, **kw) -> IngestReport:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    (report,) = ingest_files([path], client_id="acme", store=tmp_path / "store", **kw)
    assert report.read == report.stored + report.duplicates + report.unanswered + sum(report.rejected.values())
    return report


def refused(tmp_path: Path, name: str, content: bytes | str, **kw) -> str:
    """The one-line error for a file that cannot be read; nothing may be written."""
    with pytest.raises(NpsInputError) as err:
        ingest(tmp_path, name, content, **kw)
    message = str(err.value)
    assert "\n" not in message and message.startswith(name)
    assert not Store(tmp_path / "store").has("responses", "acme")
    return message


# --- files that cannot be read at all -------------------------------------------------------


def test_empty_and_blank_files(tmp_path):
    assert "is empty" in refused(tmp_path, "empty.csv", b"")
    assert "is empty" in refused(tmp_path, "blank.csv", "\r\n  \n\t\n")
    assert "is empty" in refused(tmp_path, "bom.csv", b"\xef\xbb\xbf")


def test_header_only_file_names_the_first_data_row(tmp_path):
    message = refused(tmp_path, "header.csv", "Date,NPS\n")
    assert message.startswith("header.csv, row 2: no responses in the file")
    assert refused(tmp_path, "header_blank_rows.csv", "Date,NPS\n,\n,\n").startswith("header_blank_rows.csv, row 2")


# pyarrow cannot hand a row that is not UTF-8 to its bad-row callback; it reports that as an
# unraisable exception, then fails the parse, which is what the test is about.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_wrong_declared_encoding(tmp_path):
    content = "Data;Polecisz nas?\n1.2.2021;9\n".encode("cp1251", errors="replace") + "Жжж".encode("cp1251")
    message = refused(tmp_path, "ru.csv", content, mapping=ExportMapping(encoding="utf-8"))
    assert "not valid utf-8" in message and "encoding" in message


def test_binary_junk_is_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    refused(tmp_path, "picture.csv", png)


def test_no_nps_column(tmp_path):
    message = refused(tmp_path, "other.csv", "Date,Rating\n2021-03-01,great\n")
    assert "no column holds 0-10 answers" in message
    assert "no column holds 0-10 answers" in refused(tmp_path, "words.csv", "Date,NPS\n2021-03-01,eleven\n")


def test_mixed_day_first_and_month_first_dates(tmp_path):
    message = refused(tmp_path, "mixed.csv", "Date,NPS\n25/12/2021,9\n12/25/2021,8\n")
    assert message.startswith("mixed.csv, row 2, column 'Date': day-first '25/12/2021' and month-first '12/25/2021' (row 3) are mixed")


def test_xlsx_with_several_sheets_needs_a_sheet_name(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "2021"
    book.active.append(["Date", "NPS"])
    book.active.append(["2021-03-01", 9])
    other = book.create_sheet("2022")
    other.append(["Date", "NPS"])
    other.append(["2022-03-01", 3])
    book.save(path)
    content = path.read_bytes()
    message = refused(tmp_path, "book.xlsx", content)
    assert "several sheets with data ('2021', '2022')" in message and "sheet:" in message
    assert "no sheet '2023'" in refused(tmp_path, "book.xlsx", content, mapping=ExportMapping(sheet="2023"))
    report = ingest(tmp_path, "book.xlsx", content, mapping=ExportMapping(sheet="2022"))
    assert (report.read, report.stored) == (1, 1)


def test_corrupt_parquet_and_xlsx(tmp_path):
    table = pa.table({"date": ["2021-03-01"], "nps": [9]})
    pq.write_table(table, tmp_path / "ok.parquet")
    whole = (tmp_path / "ok.parquet").read_bytes()
    assert "not a readable Parquet file" in refused(tmp_path, "cut.parquet", whole[: len(whole) // 2])
    assert "not a readable Parquet file" in refused(tmp_path, "junk.parquet", b"PAR1" + b"\x00" * 64)
    assert "not a readable XLSX workbook" in refused(tmp_path, "junk.xlsx", b"PK\x03\x04" + b"\x00" * 64)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("broken.json", '[{"date": "2021-03-01", "nps": 9}', "not valid JSON"),
        ("scalar.json", "42", "expected a list of response objects"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "JSON"),
    ],
)
def test_unreadable_json(tmp_path, name, content, words):
    assert words in refused(tmp_path, name, content)


def test_missing_file(tmp_path):
    with pytest.raises(NpsInputError, match=r"^nowhere\.csv: file not found"):
        ingest_files([tmp_path / "nowhere.csv"], client_id="acme", store=tmp_path / "store")


def test_cli_refusal_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "header.csv").write_text("Date,NPS\n")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "header.csv"), "--client", "acme", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1


# --- files that read, with their bad rows in rejects ----------------------------------------


def test_scores_out_of_range_and_not_numeric(tmp_path):
    report = ingest(tmp_path, "scores.csv", "Date,NPS\n2021-03-01,11\n2021-03-02,-1\n2021-03-03,n/a\n2021-03-04,7,5\n2021-03-05,\"7,5\"\n2021-03-06,8\n2021-03-07,ten\n")
    # 'n/a' is no answer: counted as unanswered, not rejected.
    assert (report.stored, report.unanswered) == (1, 1)
    assert report.rejected == {"score_out_of_range": 2, "score_not_a_number": 1, "wrong_field_count": 1, "score_not_whole": 1}


def test_mixed_delimiters_reject_the_rows_that_do_not_split(tmp_path):
    report = ingest(tmp_path, "delims.csv", "Date;NPS;Comment\n2021-03-01;9;ok\n2021-03-02,8,ok\n2021-03-03;7;ok\n2021-03-04\t6\tok\n")
    assert (report.read, report.stored, report.rejected) == (4, 2, {"wrong_field_count": 2})
    rows = Store(tmp_path / "store").read_rejects("acme")["source_row"].tolist()
    assert rows == ["3", "5"]


def test_mixed_date_formats_that_agree_on_the_order_all_read(tmp_path):
    report = ingest(tmp_path, "dates.csv", "Date,NPS\n2021-03-01 10:00,9\n13/03/2021,8\n2021-03-14T08:00:00Z,7\n14.3.2021 9:15,6\n")
    assert (report.stored, report.rejected) == (4, {})


def test_future_and_implausibly_old_dates(tmp_path):
    # A two-digit year reads by Excel's pivot: '21' is 2021, '79' is 1979 (before 1980: too old).
    report = ingest(tmp_path, "when.csv", "Date,NPS\n2099-01-01,9\n1.2.79,8\n2021-03-01,7\n1.2.21,6\n", mapping=ExportMapping(date_format="day-first"))
    assert report.stored == 2 and report.rejected == {"date_in_future": 1, "date_too_old": 1}


def test_duplicated_file_in_one_call(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text(GOOD)
    first, second = ingest_files([path, path], client_id="acme", store=tmp_path / "store")
    assert (first.stored, second.stored, second.duplicates) == (3, 0, 3)


def test_identical_rows_inside_one_file_without_ids_are_all_kept(tmp_path):
    report = ingest(tmp_path, "dups.csv", GOOD + "2021-03-01,9,fine\n")
    assert (report.read, report.stored, report.duplicates, report.repeats) == (4, 4, 0, 1)


def test_duplicate_rows_inside_one_file_with_ids(tmp_path):
    report = ingest(tmp_path, "ids.csv", "Id,Date,NPS\n1,2021-03-01,9\n2,2021-03-02,6\n1,2021-03-01,9\n")
    assert (report.read, report.stored, report.duplicates, report.repeats) == (3, 2, 1, 0)
    customers = "Customer,Date,NPS\nc1,2021-03-01,9\nc2,2021-03-01,9\nc1,2021-03-01,9\n"
    report = ingest(tmp_path, "customers.csv", customers)
    assert (report.read, report.stored, report.duplicates, report.repeats) == (3, 2, 1, 0)


@pytest.mark.parametrize("cut", [-1, -5, -9])
def test_truncated_files_keep_every_complete_row(tmp_path, cut):
    data = GOOD.encode()[:cut]
    report = ingest(tmp_path, "cut.csv", data)
    assert report.read == 3 and report.stored >= 2


def test_truncated_inside_a_utf8_character(tmp_path):
    data = (GOOD + "2021-03-04,8,zażółć").encode()[:-1]
    report = ingest(tmp_path, "cut_utf8.csv", data)
    assert (report.read, report.stored) == (4, 4)
    assert load_responses("acme", store=tmp_path / "store")["comment"].tolist()[-1].startswith("za")


def test_truncated_inside_a_quoted_field(tmp_path):
    report = ingest(tmp_path, "cut_quote.csv", GOOD + '2021-03-04,8,"never closed')
    assert report.read == 4 and report.stored + sum(report.rejected.values()) == 4


def test_nul_bytes_and_duplicate_headers(tmp_path):
    report = ingest(tmp_path, "nul.csv", "Date,NPS,NPS\n2021-03-01,9,x\x00y\n2021-03-02,8,\x00\n")
    assert report.stored == 2


def test_zero_row_client_gets_a_clear_store_error(tmp_path):
    # A file with no valid row is refused whole, so the client has no responses.
    message = refused(tmp_path, "allbad.csv", "Date,NPS\n2021-03-01,eleven\n2021-03-02,\n", mapping=ExportMapping(columns={"score": "NPS"}))
    assert message == (
        "allbad.csv: no valid row: 1 of 2 rows rejected as score_not_a_number (row 2, column 'NPS': 'eleven'); "
        "check that columns: score: in the mapping file names the 0-10 NPS question; nothing was stored"
    )
    with pytest.raises(NpsStoreError, match="no responses for client 'acme'"):
        load_responses("acme", store=tmp_path / "store")
    result = CliRunner().invoke(app, ["stats", "--client", "acme", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1


def test_client_with_one_response(tmp_path):
    report = ingest(tmp_path, "one.csv", "Date,NPS\n2021-03-01,9\n")
    assert report.stored == 1
    result = CliRunner().invoke(app, ["stats", "--client", "acme", "--json", "--by", "year", "--store", str(tmp_path / "store")])
    (row,) = json.loads(result.stdout)
    assert (row["group"], row["n"], row["promoters"], row["nps"]) == ("2021", 1, 1, 100.0)


def test_unanswered_qualtrics_rows_are_counted_not_rejected(tmp_path):
    content = (
        "RecordedDate,ResponseId,Q1,Q1_NPS_GROUP\nRecorded,Response ID,Recommend?,Group\n"
        '"{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID1_NPS_GROUP""}"\n'
        "2021-03-01 10:00:00,R_1,,\n2021-03-01 11:00:00,R_2,,\n2021-03-01 12:00:00,R_3,12,\n2021-03-01 13:00:00,R_4,9,3\n"
    )
    report = ingest(tmp_path, "q.csv", content)
    assert (report.read, report.stored, report.unanswered, report.rejected) == (4, 1, 2, {"score_out_of_range": 1})
