"""Each adapter on generated edge cases; format detection; wording detection; mapping files."""
from __future__ import annotations

import codecs
import datetime as dt
import json

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nps_helpers.adapters import detect_format, read_export
from nps_helpers.adapters.mapping import ExportMapping, load_mapping
from nps_helpers.errors import NpsInputError, NpsParamsError


def utc(*args) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(*args), tz="UTC")


def records(batch, *cols):
    """Rows as dicts, with missing values as None (pandas holds them as NaN)."""
    frame = batch.responses[list(cols)].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def export(folder, name: str, text: str):
    path = folder / name
    path.write_text(text)
    return path


def accounted(batch) -> bool:
    return batch.read == len(batch.responses) + batch.unanswered + len(batch.rejects)


# --- SurveyMonkey ------------------------------------------------------------------------

SURVEYMONKEY = (
    'Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,'
    '"How likely is it that you would recommend Acme to a friend or colleague?",'
    '"What is the main reason for your score?\n(one line, please)",Which products do you use?,\n'
    ",,,,,,,,,Response,Open-Ended Response,Bank,Insurance\n"
    '11001,400,03/14/2021 10:00:00 AM,03/14/2021 10:05:00 AM,1.2.3.4,a@x.eu,,,,9,"Great, fast\nand ""friendly""",Bank,\n'
    '11002,400,03/15/2021 10:00:00 AM,03/15/2021 10:05:00 PM,,,,,,"7,5",meh,,Insurance\n'
    "11003,400,03/16/2021 10:00:00 AM,03/16/2021 10:05:00 PM,,,,,,10,,Bank,Insurance\n"
)


def test_surveymonkey_two_header_rows_and_multiline_answers(tmp_path):
    path = export(tmp_path, "sm.csv", SURVEYMONKEY)
    assert detect_format(path) == "surveymonkey"
    batch = read_export(path)
    assert (batch.read, len(batch.responses), batch.unanswered) == (3, 2, 0)
    assert records(batch, "response_id", "customer_id", "score", "comment", "source_row") == [
        {"response_id": "11001", "customer_id": "a@x.eu", "score": 9, "comment": 'Great, fast\nand "friendly"', "source_row": 3},
        {"response_id": "11003", "customer_id": None, "score": 10, "comment": None, "source_row": 5},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 3, 14, 10, 5), utc(2021, 3, 16, 22, 5)]
    assert batch.rejects[["source_row", "value", "reason"]].values.tolist() == [[4, "7,5", "score_not_whole"]]


def test_surveymonkey_with_one_header_row_loses_no_response(tmp_path):
    path = export(tmp_path, "sm1.csv", "Respondent ID,Collector ID,End Date,Would you recommend us?\n7,1,2021-03-01,9\n8,1,2021-03-02,10\n")
    assert records(read_export(path), "response_id", "source_row") == [
        {"response_id": "7", "source_row": 2}, {"response_id": "8", "source_row": 3},
    ]


def test_surveymonkey_names_multi_column_questions_by_answer(tmp_path):
    path = export(tmp_path, "sm.csv", SURVEYMONKEY)
    mapping = ExportMapping(segments={"bank": "Which products do you use? - Bank"})
    batch = read_export(path, mapping=mapping)
    assert batch.responses["bank"].tolist()[0] == "Bank" and batch.responses["bank"].isna().sum() == 0


def test_surveymonkey_labelled_scores_are_read_and_bad_ones_keep_their_reason(tmp_path):
    # SurveyMonkey labels the ends of the scale: '0 - Not at all likely', '10 - Extremely likely'.
    scores = ["10 - Extremely likely", "0 - Not at all likely", "7", "10 (Extremely likely)", "Extremely likely 10",
              "", "7,5", "11", "ten", "N/A"]
    lines = [
        "Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would recommend us to a friend?,Why?",
        ",,,,Response,Open-Ended Response",
        *(f"{900 + k},1,03/{k + 10}/2021 10:00:00 AM,03/{k + 10}/2021 10:05:00 AM,{s if ',' not in s else chr(34) + s + chr(34)},c{k}"
          for k, s in enumerate(scores)),
    ]
    path = export(tmp_path, "sm.csv", "\n".join(lines) + "\n")
    batch = read_export(path)
    assert accounted(batch) and (batch.read, len(batch.responses), batch.unanswered) == (10, 5, 2)
    assert batch.responses["score"].tolist() == [10, 0, 7, 10, 10]
    assert batch.rejects[["source_row", "value", "reason"]].values.tolist() == [
        [9, "7,5", "score_not_whole"], [10, "11", "score_out_of_range"], [11, "ten", "score_not_a_number"],
    ]


# --- Delighted ---------------------------------------------------------------------------

DELIGHTED = [
    {"id": "101", "person": "p1", "survey_type": "nps", "score": 9, "comment": None, "permalink": "x",
     "created_at": 1614556800, "updated_at": 1614556900, "person_properties": {"Plan": "Pro", "Region": "EU"},
     "notes": [], "tags": ["vip"], "additional_answers": []},
    {"id": "102", "person": {"id": "p2", "email": "b@y.eu"}, "survey_type": "nps", "score": 3,
     "comment": "Slow support", "created_at": 1614643200, "person_properties": None, "notes": [], "tags": []},
    {"id": "103", "person": "p3", "survey_type": "csat", "score": 4, "comment": None, "created_at": 1614643300,
     "person_properties": None},
    {"id": "104", "person": "p4", "survey_type": "nps", "score": None, "comment": "no score", "created_at": 1614643400,
     "person_properties": {}},
]


def test_delighted_json_with_unix_times_null_comments_and_properties(tmp_path):
    path = export(tmp_path, "delighted.json", json.dumps(DELIGHTED))
    assert detect_format(path) == "delighted"
    batch = read_export(path)
    assert accounted(batch) and batch.read == 4
    out = batch.responses
    assert out["response_id"].tolist() == ["101", "102"]
    assert out["score"].tolist() == [9, 3]
    assert out["responded_at"].tolist() == [utc(2021, 3, 1), utc(2021, 3, 2)]
    assert out["comment"].isna().tolist() == [True, False]
    assert out["plan"].tolist()[0] == "Pro" and out["region"].tolist()[0] == "EU"
    assert out["plan"].isna().tolist() == [False, True]
    assert batch.rejects[["source_row", "reason"]].values.tolist() == [[3, "not_nps_survey"], [4, "score_missing"]]


# --- Typeform ----------------------------------------------------------------------------


def _answer(ref, kind, field_type, value):
    return {"field": {"id": f"id_{ref}", "type": field_type, "ref": ref}, "type": kind, kind: value}


TYPEFORM = {
    "total_items": 3,
    "page_count": 1,
    "items": [
        {"landing_id": "l1", "token": "tok1", "landed_at": "2021-03-01T09:59:00Z", "submitted_at": "2021-03-01T10:00:00Z",
         "hidden": {"customer_id": "c1", "plan": "pro"}, "metadata": {"platform": "other"},
         "answers": [_answer("nps_q", "number", "nps", 10), _answer("why", "text", "long_text", "Fast"),
                     _answer("uses", "choices", "multiple_choice", {"labels": ["App", "Web"]})]},
        {"landing_id": "l2", "token": "tok2", "landed_at": "2021-03-02T11:00:00Z", "submitted_at": "2021-03-02T11:01:00+01:00",
         "hidden": {"customer_id": "c2", "plan": "basic"}, "answers": [_answer("nps_q", "number", "nps", 4)]},
        {"landing_id": "l3", "token": "tok3", "submitted_at": "2021-03-03T12:00:00Z", "hidden": {},
         "answers": [_answer("why", "text", "long_text", "skipped the score")]},
    ],
}


def test_typeform_answers_by_field_ref_with_hidden_fields(tmp_path):
    path = export(tmp_path, "typeform.json", json.dumps(TYPEFORM))
    assert detect_format(path) == "typeform"
    batch = read_export(path)
    assert accounted(batch) and batch.read == 3
    assert records(batch, "response_id", "customer_id", "score", "plan") == [
        {"response_id": "tok1", "customer_id": "c1", "score": 10, "plan": "pro"},
        {"response_id": "tok2", "customer_id": "c2", "score": 4, "plan": "basic"},
    ]
    assert batch.responses["comment"].tolist()[0] == "Fast"
    assert batch.responses["responded_at"].tolist() == [utc(2021, 3, 1, 10), utc(2021, 3, 2, 10, 1)]
    # The third respondent skipped the NPS question: unanswered, not rejected.
    assert batch.unanswered == 1 and batch.rejects.empty


def test_typeform_mapping_may_name_a_field_by_its_id(tmp_path):
    path = export(tmp_path, "typeform.json", json.dumps(TYPEFORM))
    batch = read_export(path, mapping=ExportMapping(columns={"score": "id_nps_q", "comment": "id_why"}))
    assert batch.responses["score"].tolist() == [10, 4]


# --- Google Forms ------------------------------------------------------------------------


def test_google_forms_labelled_scores_and_two_digit_years(tmp_path):
    # A Google Sheet saved by Excel: M/D/YY H:MM, scale ends labelled in the answer.
    path = export(
        tmp_path, "form.csv",
        "Timestamp,¿Qué tan probable es que nos recomiendes?,¿Por qué?\n"
        "9/8/18 3:42,10 - Muy probable,rápido\n"
        "9/13/18 17:05,0 - Nada probable,lento\n"
        "10/1/18 9:00,,\n"
        "10/2/18 9:00,6,\n",
    )
    assert detect_format(path) == "google-forms"
    batch = read_export(path)
    assert records(batch, "score", "comment") == [
        {"score": 10, "comment": "rápido"}, {"score": 0, "comment": "lento"}, {"score": 6, "comment": None},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2018, 9, 8, 3, 42), utc(2018, 9, 13, 17, 5), utc(2018, 10, 2, 9)]
    assert (batch.unanswered, len(batch.rejects)) == (1, 0)


def test_google_forms_csv_with_us_timestamps(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text(
        "Timestamp,Email Address,How likely are you to recommend us to a friend?,Why?\r\n"
        "3/14/2021 9:05:00,a@x.eu,10,Love it\r\n"
        "3/1/2021 17:45:10,,6,\r\n"
        "3/2/2021 8:00:00,c@x.eu,11,typo\r\n"
    )
    assert detect_format(path) == "google-forms"
    batch = read_export(path)
    assert records(batch, "customer_id", "score", "comment", "source_row")[0] == {
        "customer_id": "a@x.eu", "score": 10, "comment": "Love it", "source_row": 2,
    }
    assert batch.responses["responded_at"].tolist() == [utc(2021, 3, 14, 9, 5), utc(2021, 3, 1, 17, 45, 10)]
    assert batch.rejects[["source_row", "reason"]].values.tolist() == [[4, "score_out_of_range"]]
    # No tool id: a stable hash of the row, the same on every read.
    assert batch.responses["response_id"].str.fullmatch(r"[0-9a-f]{32}").all()
    assert read_export(path).responses["response_id"].tolist() == batch.responses["response_id"].tolist()


# --- Qualtrics ---------------------------------------------------------------------------

QUALTRICS = (
    "StartDate,EndDate,RecordedDate,ResponseId,ExternalReference,UserLanguage,Q1,Q5,Q5_NPS_GROUP,Q6\n"
    "Start Date,End Date,Recorded Date,Response ID,External Data Reference,User Language,"
    "How satisfied are you (0-10)?,How likely are you to recommend us?,How likely are you to recommend us? - Group,Why?\n"
    + ",".join(f'"{{""ImportId"":""{i}""}}"' for i in
               ["startDate", "endDate", "recordedDate", "_recordId", "externalDataReference", "userLanguage",
                "QID1", "QID5", "QID5_NPS_GROUP", "QID6_TEXT"]) + "\n"
    "2021-03-01 10:00:00,2021-03-01 10:05:00,2021-03-01 10:05:01,R_a,cust-1,PL,8,9,3,Dobrze\n"
    "2021-03-02 10:00:00,2021-03-02 10:05:00,2021-03-02 10:05:01,R_b,,EN,5,,,\n"
    "2021-03-03 10:00:00,2021-03-03 10:05:00,2021-03-03 10:05:01,R_c,cust-3,DE,9,x,,\n"
)


def test_qualtrics_score_through_its_nps_group_sibling_and_blank_is_unanswered(tmp_path):
    path = export(tmp_path, "q.csv", QUALTRICS)
    assert detect_format(path) == "qualtrics"
    batch = read_export(path, mapping=ExportMapping(timezone="Europe/Warsaw"))
    assert (batch.read, len(batch.responses), batch.unanswered, len(batch.rejects)) == (3, 1, 1, 1)
    assert records(batch, "response_id", "customer_id", "language", "score", "comment", "source_row") == [
        {"response_id": "R_a", "customer_id": "cust-1", "language": "PL", "score": 9, "comment": "Dobrze", "source_row": 4}
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 3, 1, 9, 5, 1)]
    assert batch.rejects[["source_row", "column", "reason"]].values.tolist() == [[6, "Q5", "score_not_a_number"]]


def _qualtrics_with_zones(start_zone: str, recorded_zone: str) -> str:
    ids = [f'"{{""ImportId"":""startDate"",""timeZone"":""{start_zone}""}}"',
           f'"{{""ImportId"":""recordedDate"",""timeZone"":""{recorded_zone}""}}"',
           '"{""ImportId"":""_recordId""}"', '"{""ImportId"":""QID5""}"', '"{""ImportId"":""QID5_NPS_GROUP""}"']
    return ("StartDate,RecordedDate,ResponseId,Q5,Q5_NPS_GROUP\n"
            "Start Date,Recorded Date,Response ID,How likely are you to recommend us?,Group\n"
            + ",".join(ids) + "\n"
            "2021-06-30 23:30:00,2021-07-01 00:30:00,R_a,9,3\n")


def test_qualtrics_reads_naive_times_in_the_timezone_of_its_importid_row(tmp_path):
    # RecordedDate is the response time; its own zone counts, not StartDate's.
    path = export(tmp_path, "q.csv", _qualtrics_with_zones("America/Denver", "Europe/Warsaw"))
    batch = read_export(path)
    assert batch.responses["responded_at"].tolist() == [utc(2021, 6, 30, 22, 30)]
    assert batch.timezone == "Europe/Warsaw"
    # 'Z' is how Qualtrics writes UTC.
    batch = read_export(export(tmp_path, "z.csv", _qualtrics_with_zones("Z", "Z")))
    assert batch.responses["responded_at"].tolist() == [utc(2021, 7, 1, 0, 30)] and batch.timezone == "UTC"


def test_a_mappings_timezone_wins_over_the_importid_row(tmp_path):
    path = export(tmp_path, "q.csv", _qualtrics_with_zones("Z", "Europe/Warsaw"))
    batch = read_export(path, mapping=ExportMapping(timezone="America/New_York"))
    assert batch.responses["responded_at"].tolist() == [utc(2021, 7, 1, 4, 30)]
    assert batch.timezone == "America/New_York"
    # A mapping that sets other keys leaves the export's zone in force.
    batch = read_export(path, mapping=ExportMapping(columns={"response_id": "ResponseId"}))
    assert batch.timezone == "Europe/Warsaw"


def test_qualtrics_without_a_timezone_reads_in_the_mappings_default(tmp_path):
    batch = read_export(export(tmp_path, "q.csv", QUALTRICS))
    assert batch.timezone == "UTC" and batch.responses["responded_at"].tolist() == [utc(2021, 3, 1, 10, 5, 1)]


def test_an_unknown_importid_timezone_names_the_row_column_and_fix(tmp_path):
    path = export(tmp_path, "q.csv", _qualtrics_with_zones("Z", "Mountain Time"))
    with pytest.raises(NpsInputError, match=r"q\.csv, row 3, column 'RecordedDate': time zone 'Mountain Time' .*timezone: in the mapping"):
        read_export(path)


def test_qualtrics_mapping_may_name_the_question_text(tmp_path):
    path = export(tmp_path, "q.csv", QUALTRICS)
    batch = read_export(path, mapping=ExportMapping(columns={"score": "How satisfied are you (0-10)?"}))
    assert batch.responses["score"].tolist() == [8, 5, 9] and batch.unanswered == 0


def test_qualtrics_columns_with_one_header_row_lose_no_data_row(tmp_path):
    path = export(tmp_path, "one.csv", "ResponseId,StartDate,Q1_NPS\nR_1,2020-01-01 10:00:00,9\nR_2,2020-01-02 10:00:00,3\n")
    assert detect_format(path) == "qualtrics"
    batch = read_export(path, mapping=ExportMapping(columns={"score": "Q1_NPS", "responded_at": "StartDate"}))
    assert records(batch, "response_id", "source_row") == [{"response_id": "R_1", "source_row": 2}, {"response_id": "R_2", "source_row": 3}]


def test_qualtrics_legacy_two_header_rows(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text(
        "ResponseID,StartDate,EndDate,Q1\n"
        "Response ID,Start Date,End Date,How likely is it that you would recommend us?\n"
        "R_1,2020-01-01 10:00:00,2020-01-01 10:01:00,10\n"
    )
    batch = read_export(path)
    assert records(batch, "response_id", "score", "source_row") == [{"response_id": "R_1", "score": 10, "source_row": 3}]


# --- generic: XLSX, TSV, Parquet, JSON ----------------------------------------------------


def test_generic_xlsx_typed_cells_and_excel_row_numbers(tmp_path):
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Responses"
    sheet.append(["Response ID", "Date", "How likely are you to recommend us?", "Comment", "Region"])
    sheet.append(["a1", dt.datetime(2021, 5, 3, 14, 30), 10, "Świetnie", "PL"])
    sheet.append([None, None, None, None, None])
    sheet.append(["a2", dt.datetime(2021, 5, 4, 9, 0), 7.0, None, "SI"])
    sheet.append(["a3", dt.datetime(2021, 5, 5, 9, 0), "ten", "?", "DE"])
    book.create_sheet("Notes")
    book.save(path)
    assert detect_format(path) == "generic"
    batch = read_export(path)
    assert records(batch, "response_id", "score", "comment", "region", "source_row") == [
        {"response_id": "a1", "score": 10, "comment": "Świetnie", "region": "PL", "source_row": 2},
        {"response_id": "a2", "score": 7, "comment": None, "region": "SI", "source_row": 4},
    ]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 5, 3, 14, 30), utc(2021, 5, 4, 9)]
    assert batch.rejects[["source_row", "value", "reason"]].values.tolist() == [[5, "ten", "score_not_a_number"]]


def test_generic_tsv_in_slovenian(tmp_path):
    path = export(tmp_path, "anketa.tsv", "Datum\tKako verjetno bi nas priporočili prijatelju?\tKomentar\n1.3.2021\t9\tOdlično\n13.3.2021\t2\tPočasi\n")
    batch = read_export(path)
    assert records(batch, "score", "comment") == [{"score": 9, "comment": "Odlično"}, {"score": 2, "comment": "Počasi"}]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 3, 1), utc(2021, 3, 13)]


def test_generic_parquet_with_typed_columns(tmp_path):
    path = tmp_path / "export.parquet"
    table = pa.table(
        {
            "id": ["p1", "p2", "p3"],
            "created_at": pa.array([dt.datetime(2021, 6, 1, 8), dt.datetime(2021, 6, 2, 9), None], pa.timestamp("us", "UTC")),
            "nps": pa.array([10, None, 3], pa.int64()),
            "plan": pa.array(["pro", "basic", "pro"]).dictionary_encode(),
        }
    )
    pq.write_table(table, path)
    batch = read_export(path)
    assert records(batch, "response_id", "score", "plan") == [{"response_id": "p1", "score": 10, "plan": "pro"}]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 6, 1, 8)]
    assert batch.unanswered == 1 and batch.rejects[["source_row", "reason"]].values.tolist() == [[3, "date_missing"]]


@pytest.mark.parametrize("lines", [False, True])
def test_generic_json_records_and_json_lines_in_german(tmp_path, lines):
    rows = [
        {"Datum": "2021-03-01T10:00:00Z", "Wie wahrscheinlich würden Sie uns weiterempfehlen?": 8, "Warum?": "Gut", "extra": {"a": 1}},
        {"Datum": "2021-03-02T10:00:00Z", "Wie wahrscheinlich würden Sie uns weiterempfehlen?": "7,0", "Warum?": None},
    ]
    path = tmp_path / ("x.jsonl" if lines else "x.json")
    path.write_text("\n".join(json.dumps(r) for r in rows) if lines else json.dumps({"responses": rows}))
    batch = read_export(path)
    assert records(batch, "score", "comment", "source_row") == [
        {"score": 8, "comment": "Gut", "source_row": 1}, {"score": 7, "comment": None, "source_row": 2},
    ]


# --- encodings and delimiters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "header", "comment"),
    [
        ("utf-8", codecs.BOM_UTF8, "Jak chętnie polecisz nas znajomym?", "Świetna obsługa"),
        ("utf-16", b"", "Jak chętnie polecisz nas znajomym?", "Świetna obsługa"),
        ("utf-16-le", b"", "Wie wahrscheinlich würden Sie uns weiterempfehlen?", "Größe"),
        ("cp1250", b"", "Jak chętnie polecisz nas znajomym?", "Żółć gęślą jaźń"),
        ("cp1251", b"", "Насколько вероятно, что вы порекомендуете нас?", "Очень хорошо"),
    ],
)
def test_encodings_are_detected(tmp_path, encoding, prefix, header, comment):
    text = f"Data;{header};Komentarz\r\n01.02.2021;9;{comment}\r\n15.02.2021;10;{comment}\r\n"
    path = tmp_path / "enc.csv"
    path.write_bytes(prefix + text.encode(encoding))
    batch = read_export(path)
    assert batch.responses["score"].tolist() == [9, 10]
    assert batch.responses["comment"].tolist() == [comment, comment]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 2, 1), utc(2021, 2, 15)]


def test_mapping_encoding_and_delimiter_override_detection(tmp_path):
    path = tmp_path / "pipe.txt"
    path.write_bytes("data|ocena|uwagi\n2021-01-05|9|źle? nie\n".encode("cp1250"))
    batch = read_export(path, mapping=ExportMapping(encoding="cp1250", delimiter="|", columns={"score": "ocena"}))
    assert records(batch, "score", "comment") == [{"score": 9, "comment": "źle? nie"}]


# --- wording detection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "How likely are you to recommend us to a friend?",
        "Jak prawdopodobne jest, że polecisz nas znajomemu?",
        "Kako verjetno je, da bi nas priporočili prijatelju?",
        "Насколько вероятно, что вы порекомендуете нас другу?",
        "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?",
        "NPS",
        "¿Qué tan probable es que recomiendes nuestra tienda a un amigo?",
        "¿Con qué probabilidad recomendaría nuestra empresa?",
        "Qual a probabilidade de você recomendar a nossa loja a um amigo?",
        "Em uma escala de 0 a 10, o quanto você indicaria a nossa empresa?",
        "Quelle est la probabilité que vous recommandiez notre magasin à un ami ?",
        "Quanto è probabile che consiglieresti il nostro negozio a un amico?",
        "Con quale probabilità raccomanderesti il nostro servizio?",
        "Hoe waarschijnlijk is het dat u ons zou aanbevelen aan een vriend?",
        "Hoe waarschijnlijk is het dat je ons zou aanraden?",
    ],
)
def test_nps_question_is_found_by_its_wording(tmp_path, question):
    path = tmp_path / "x.csv"
    frame = pd.DataFrame({"date": ["2021-01-01", "2021-01-02"], "Age band (0-10)": ["3", "4"], question: ["9", "0"]})
    frame.to_csv(path, index=False)
    assert read_export(path).responses["score"].tolist() == [9, 0]


@pytest.mark.parametrize(
    "name", ["NPS_Score", "NPS_SCORE", "nps score", "npsScore", "NPSScore", "LTR", "Likelihood to recommend (0-10)",
             "Recommend (0-10)", "nps-2024"],
)
def test_common_score_column_names_are_found(tmp_path, name):
    frame = pd.DataFrame({"date": ["2021-01-01", "2021-01-02"], "Age band (0-10)": ["3", "4"], name: ["9", "0"],
                          "Snapshot": ["1", "2"]})
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    batch = read_export(path)
    assert batch.responses["score"].tolist() == [9, 0]


def test_names_that_only_contain_ltr_or_nps_are_not_the_question(tmp_path):
    path = export(tmp_path, "x.csv", "date,Ultra score,SnpsCount\n2021-01-01,9,8\n")
    with pytest.raises(NpsInputError, match=r"no column is worded like the NPS question.*'Ultra score', 'SnpsCount'"):
        read_export(path)


def test_a_second_recommend_question_in_another_language_is_listed_not_taken(tmp_path):
    path = export(
        tmp_path, "x.csv",
        "fecha,¿Recomendarías nuestra app?,¿Recomendarías nuestra tienda?,Comentario\n2021-01-01,9,8,bien\n",
    )
    with pytest.raises(NpsInputError, match=r"^x\.csv, row 1: several columns could be the NPS question \('¿Recomendarías nuestra app\?', '¿Recomendarías nuestra tienda\?'\); name the NPS question"):
        read_export(path)
    mapped = read_export(path, mapping=ExportMapping(columns={"score": "¿Recomendarías nuestra tienda?"}))
    assert records(mapped, "score", "comment") == [{"score": 8, "comment": "bien"}]


@pytest.mark.parametrize(
    ("date", "comment"),
    [
        ("Fecha", "Comentario"), ("Fecha de respuesta", "¿Por qué?"), ("Data", "Motivo"), ("Data", "Por que?"),
        ("Date", "explication"), ("Horodatage", "Pourquoi ?"), ("Data", "Perché?"), ("Datum", "Waarom?"),
        ("Datum", "Opmerking"), ("Marca temporal", "Commentaire"), ("CUSTOMER_RESPONSE_DATE", "text"),
        ("SubmittedAt", "Verbatim"),
    ],
)
def test_date_and_comment_columns_are_found_in_other_languages(tmp_path, date, comment):
    frame = pd.DataFrame({"id": ["a", "b"], comment: ["bien", "mal"], date: ["2021-01-01", "2021-01-02"], "NPS": ["9", "2"]})
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    batch = read_export(path)
    assert records(batch, "score", "comment") == [{"score": 9, "comment": "bien"}, {"score": 2, "comment": "mal"}]
    assert batch.responses["responded_at"].tolist() == [utc(2021, 1, 1), utc(2021, 1, 2)]


def test_a_text_entry_column_is_not_the_comment_but_a_text_column_is(tmp_path):
    path = export(tmp_path, "x.csv", "date,NPS,Q3_4_TEXT,text\n2021-01-01,9,other plan,fast\n")
    assert records(read_export(path), "score", "comment") == [{"score": 9, "comment": "fast"}]


def test_several_worded_questions_are_listed(tmp_path):
    path = export(tmp_path, "x.csv", "date,Would you recommend our app?,Would you recommend our shop?\n2021-01-01,9,8\n")
    with pytest.raises(NpsInputError, match=r"^x\.csv, row 1: several columns could be the NPS question \('Would you recommend our app\?', 'Would you recommend our shop\?'\)"):
        read_export(path)


def test_unknown_mapped_column_lists_the_columns(tmp_path):
    path = export(tmp_path, "x.csv", "date,nps\n2021-01-01,9\n")
    with pytest.raises(NpsInputError, match=r"columns\.score names 'Ocena', which is not a column of this file; its columns are 'date', 'nps'"):
        read_export(path, mapping=ExportMapping(columns={"score": "Ocena"}))


def test_no_date_column_asks_for_a_mapping(tmp_path):
    path = export(tmp_path, "x.csv", "nps,comment\n9,ok\n")
    with pytest.raises(NpsInputError, match=r"no date column found.*columns: \{responded_at"):
        read_export(path)


# --- mapping files ----------------------------------------------------------------------------


def test_load_mapping_reads_every_key(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(
        "columns: {response_id: Id, responded_at: Data, score: 'Ocena (0-10)', comment: Uwagi, customer_id: Klient,"
        " csat: CSAT, ces: CES}\n"
        "segments: {region: Region}\ndrivers: {price: Cena}\ndate_format: '%d.%m.%Y'\n"
        "encoding: CP1250\ndelimiter: tab\ntimezone: Europe/Warsaw\nsheet: Dane\n"
    )
    mapping = load_mapping(path)
    assert mapping.columns.score == "Ocena (0-10)" and mapping.columns.ces == "CES"
    assert (mapping.encoding, mapping.delimiter, mapping.timezone, mapping.sheet) == ("cp1250", "\t", "Europe/Warsaw", "Dane")
    assert dict(mapping.segments) == {"region": "Region"} and dict(mapping.drivers) == {"price": "Cena"}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("colums: {score: Q1}\n", "colums"),
        ("columns: {scor: Q1}\n", "columns.scor"),
        ("date_format: dd-mm\n", "date_format"),
        ("timezone: Mars/Base\n", "timezone"),
        ("encoding: klingon\n", "encoding"),
        ("delimiter: ';;'\n", "delimiter"),
        ("segments: {'Region Name': Region}\n", "segments"),
    ],
)
def test_bad_mapping_names_file_and_key(tmp_path, text, key):
    path = export(tmp_path, "map.yaml", text)
    with pytest.raises(NpsParamsError, match=rf"^map\.yaml, key '{key}"):
        load_mapping(path)


def test_unknown_format_is_an_input_error(tmp_path):
    path = export(tmp_path, "x.csv", "date,nps\n2021-01-01,9\n")
    with pytest.raises(NpsInputError, match="unknown format 'medallia'"):
        read_export(path, fmt="medallia")
