"""The real exports in ../shared/realdata (see SOURCES.md there), against hand counts.

Every expected figure is counted here with the csv module and datetime, independently of
the adapters; the files are read in place and never copied into the repository.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import random
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from nps_helpers.adapters import detect_format, read_export
from nps_helpers.adapters.detect import plan_for
from nps_helpers.adapters.generic import read_table
from nps_helpers.adapters.mapping import load_mapping
from nps_helpers.adapters.raw import RawTable
from nps_helpers.adapters.validate import validate_rows
from nps_helpers.cli import app
from nps_helpers.errors import NpsInputError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real survey exports not found at {REAL} (shared/ must sit beside the repo)"
)

TIMESERIES = REAL / "NPStimeseries.csv"
BT = REAL / "bt_telecom_nps_verbatims.csv"
MIRO = REAL / "miro_nps.csv"
SUDZILLA = REAL / "sudzilla_survey_input_01.csv"
QUALTRICS = REAL / "qualtrics_sample.csv"
SUDZILLA_QUESTIONS = [
    "On a scale of 0-10, how would you rate Sudzilla?",
    "On a scale of 0-10, how would you rate the opening keynote?",
    "On a scale of 0-10, how would you rate the closing keynote?",
]


def read_rows(path: Path, header_rows: int = 1) -> tuple[list[list[str]], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[:header_rows], rows[header_rows:]


def category(score: int) -> str:
    return "promoters" if score >= 9 else "passives" if score >= 7 else "detractors"


def hand_stats(rows: list[tuple[str, int]]) -> list[dict]:
    """Per group: n and category counts, and NPS from them, counted directly."""
    out = []
    for group in sorted({g for g, _ in rows}):
        counts = Counter(category(s) for g, s in rows if g == group)
        n = sum(counts.values())
        out.append(
            {
                "group": group,
                "n": n,
                "promoters": counts["promoters"],
                "passives": counts["passives"],
                "detractors": counts["detractors"],
                "nps": 100 * (counts["promoters"] - counts["detractors"]) / n,
            }
        )
    return out


def cli_stats(store: Path, client: str, by: str) -> list[dict]:
    result = CliRunner().invoke(app, ["stats", "--client", client, "--by", by, "--json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return [{k: r[k] for k in ("group", "n", "promoters", "passives", "detractors", "nps")} for r in json.loads(result.stdout)]


def assert_stats_equal(got: list[dict], expected: list[dict]) -> None:
    assert [g["group"] for g in got] == [e["group"] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert {k: g[k] for k in ("n", "promoters", "passives", "detractors")} == {
            k: e[k] for k in ("n", "promoters", "passives", "detractors")
        }
        assert g["nps"] == pytest.approx(e["nps"])


# --- NPStimeseries.csv: generic CSV, column NPS, DD/MM/YYYY, CRLF ------------------------


def test_timeseries_ingests_by_cli_and_stats_match_a_hand_count(tmp_path):
    header, rows = read_rows(TIMESERIES)
    assert header[0] == ["ID", "Market", "Survey date", "Customer Name", "Month", "Quarter", "NPS"]
    assert TIMESERIES.read_bytes().count(b"\r\n") == len(rows)  # CRLF line ends, none after the last row
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["ingest", str(TIMESERIES), "--client", "fin", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"NPStimeseries.csv: read {len(rows)}, stored {len(rows)}, duplicates 0, unanswered 0, rejected 0",
        "  not stored: 'Customer Name', 'Month', 'Quarter' — add them under segments: to keep them "
        "(then ingest again with --replace)",
    ]
    by_month = [(dt.datetime.strptime(r[2], "%d/%m/%Y").strftime("%Y-%m"), int(r[6])) for r in rows]
    assert_stats_equal(cli_stats(store, "fin", "month"), hand_stats(by_month))
    assert_stats_equal(cli_stats(store, "fin", "market"), hand_stats([(r[1], int(r[6])) for r in rows]))


def test_timeseries_rows_keep_their_id_date_and_spreadsheet_row(tmp_path):
    _, rows = read_rows(TIMESERIES)
    batch = read_export(TIMESERIES)
    assert detect_format(TIMESERIES) == "generic"
    got = batch.responses.set_index("response_id")
    assert got.index.tolist() == [r[0] for r in rows]
    assert got["source_row"].tolist() == list(range(2, len(rows) + 2))
    assert got["score"].tolist() == [int(r[6]) for r in rows]
    assert got["responded_at"].dt.strftime("%d/%m/%Y").tolist() == [r[2] for r in rows]
    assert got["market"].tolist() == [r[1] for r in rows]
    assert set(got["source_file"]) == {"NPStimeseries.csv"}


def test_timeseries_reingest_changes_nothing(tmp_path):
    _, rows = read_rows(TIMESERIES)
    store = Store(tmp_path / "store")
    ingest_files([TIMESERIES], client_id="fin", store=store)
    before = store.partition("responses", "fin").read_bytes()
    (again,) = ingest_files([TIMESERIES], client_id="fin", store=store)
    assert (again.read, again.stored, again.duplicates) == (len(rows), 0, len(rows))
    assert store.partition("responses", "fin").read_bytes() == before


# --- sudzilla: Google-Sheets form, three 0-10 questions, none worded like NPS ----------------


def test_sudzilla_without_mapping_lists_the_three_candidates():
    assert detect_format(SUDZILLA) == "google-forms"
    with pytest.raises(NpsInputError) as err:
        read_export(SUDZILLA)
    message = str(err.value)
    assert message.startswith("sudzilla_survey_input_01.csv, row 1: no column is worded like the NPS question")
    for question in SUDZILLA_QUESTIONS:
        assert repr(question) in message
    assert "columns: {score: <column>}" in message and "\n" not in message


def test_sudzilla_dates_alone_cannot_tell_day_from_month():
    mapping = load_mapping(FIXTURES / "sudzilla.yaml").model_copy(update={"date_format": None})
    with pytest.raises(NpsInputError, match=r"row 2, column 'Timestamp': '11/1/2019 8:51:12' reads as day-first and as month-first; set date_format"):
        read_export(SUDZILLA, mapping=mapping)


def test_sudzilla_with_mapping_matches_a_hand_count(tmp_path):
    _, rows = read_rows(SUDZILLA)
    store = tmp_path / "store"
    (report,) = ingest_files([SUDZILLA], client_id="sud", mapping=FIXTURES / "sudzilla.yaml", store=store)
    assert (report.read, report.stored, report.rejected) == (len(rows), len(rows), {})
    got = Store(store).read("responses", "sud")
    assert got["score"].tolist() == [int(r[1]) for r in rows]
    assert got["comment"].fillna("").tolist() == [r[2].strip() for r in rows]
    assert got["responded_at"].tolist() == [
        dt.datetime.strptime(r[0], "%m/%d/%Y %H:%M:%S").replace(tzinfo=dt.UTC) for r in rows
    ]
    # No response or customer id: each row is identified by its place in the file.
    ids = got["response_id"].tolist()
    assert len(set(ids)) == len(rows) and all(len(i) == 32 for i in ids)
    repeats = len(rows) - len({(r[0], r[1], r[2].strip()) for r in rows})
    assert report.repeats == repeats
    hand = hand_stats([(dt.datetime.strptime(r[0], "%m/%d/%Y %H:%M:%S").strftime("%Y-%m"), int(r[1])) for r in rows])
    assert_stats_equal(cli_stats(store, "sud", "month"), hand)


# --- qualtrics_sample.csv: three header rows, no NPS question ------------------------------


def test_qualtrics_sample_without_mapping_lists_its_only_candidate():
    assert detect_format(QUALTRICS) == "qualtrics"
    with pytest.raises(NpsInputError, match=r"^qualtrics_sample\.csv, row 1: .*columns with 0-10 answers: 'Q1';"):
        read_export(QUALTRICS)


def test_qualtrics_sample_with_mapping_matches_a_hand_count(tmp_path):
    header, rows = read_rows(QUALTRICS, header_rows=3)
    assert len(header) == 3 and len(rows) == 1
    record = dict(zip(header[0], rows[0], strict=True))
    store = tmp_path / "store"
    (report,) = ingest_files([QUALTRICS], client_id="q", mapping=FIXTURES / "qualtrics_sample.yaml", store=store)
    assert (report.read, report.stored, report.unanswered, report.rejected) == (1, 1, 0, {})
    got = Store(store).read("responses", "q").iloc[0]
    assert got["response_id"] == record["ResponseId"]
    assert got["score"] == int(record["Q1"])
    assert got["comment"] == record["Q2"]
    assert got["language"] == record["UserLanguage"]
    assert got["responded_at"] == dt.datetime.strptime(record["RecordedDate"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    assert got["source_row"] == 4
    # Its metadata (IPAddress, Progress, Location...) is no segment: not named as left out.
    assert "IPAddress" in header[0] and report.not_stored == ()
    assert_stats_equal(cli_stats(store, "q", "year"), hand_stats([("2017", int(record["Q1"]))]))


# --- bt_telecom_nps_verbatims.csv: NPS_SCORE by name, 32 blank scores --------------------

BT = REAL / "bt_telecom_nps_verbatims.csv"
SCALE_ENDS = (  # how SurveyMonkey and Google Forms label the ends of the scale, by language
    ("0 - Not at all likely", "10 - Extremely likely"),
    ("0 – Zdecydowanie nie polecę", "10 – Zdecydowanie polecę"),
    ("0 (Sploh ni verjetno)", "10 (Zelo verjetno)"),
    ("Совсем маловероятно 0", "Очень вероятно 10"),
    ("0 = Äußerst unwahrscheinlich", "Äußerst wahrscheinlich 10"),
)


def test_bt_telecom_is_read_without_a_mapping_and_blank_scores_are_unanswered():
    _, rows = read_rows(BT)
    scored = [r for r in rows if r[3].strip()]
    assert (len(rows), len(scored)) == (2385, 2353)
    batch = read_export(BT)
    assert (batch.read, len(batch.responses), batch.unanswered, len(batch.rejects)) == (2385, 2353, 32, 0)
    got = batch.responses
    assert got["score"].tolist() == [int(r[3]) for r in scored]
    assert got["comment"].fillna("").tolist() == [r[4].strip() for r in scored]
    assert got["responded_at"].tolist() == [dt.datetime.strptime(r[0], "%d/%m/%Y %H:%M").replace(tzinfo=dt.UTC) for r in scored]


def test_bt_telecom_with_mapping_matches_a_hand_count(tmp_path):
    _, rows = read_rows(BT)
    scored = [r for r in rows if r[3].strip()]
    store = tmp_path / "store"
    (report,) = ingest_files([BT], client_id="bt", mapping=FIXTURES / "bt_telecom.yaml", store=store)
    assert (report.read, report.stored, report.duplicates, report.unanswered, report.rejected) == (2385, 2353, 0, 32, {})
    by_stage = hand_stats([(r[1], int(r[3])) for r in scored])
    assert [(s["group"], s["n"], round(s["nps"], 2)) for s in by_stage] == [
        ("Equipment Received", 231, -56.71), ("First Payment", 1130, -29.29), ("Order", 962, -9.98), ("Service in Use", 30, -76.67),
    ]
    assert_stats_equal(cli_stats(store, "bt", "survey_sub_type"), by_stage)


def test_bt_telecom_with_labelled_scale_ends_loses_no_row(tmp_path):
    # The same answers as an export that labels the ends of the scale: 764 zeros and 528 tens.
    header, rows = read_rows(BT)
    ends = [r for r in rows if r[3] in ("0", "10")]
    assert len(ends) == 1292
    variant = tmp_path / "bt_labelled.csv"
    with open(variant, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header[0])
        for k, r in enumerate(rows):
            low, high = SCALE_ENDS[k % len(SCALE_ENDS)]
            out.writerow([*r[:3], {"0": low, "10": high}.get(r[3], r[3]), *r[4:]])
    (report,) = ingest_files([variant], client_id="bt", mapping=FIXTURES / "bt_telecom.yaml", store=tmp_path / "store")
    assert (report.read, report.stored, report.unanswered, report.rejected) == (2385, 2353, 32, {})
    got = Store(tmp_path / "store").read("responses", "bt")
    assert sorted(got["score"].tolist()) == sorted(int(r[3]) for r in rows if r[3].strip())


# --- botanic_nps_fr.csv and miro_nps.csv: no date; their columns are still found ---------------


def with_wave_date(path: Path) -> RawTable:
    """The file as read, with a 'date' column for the survey wave (neither file has one)."""
    raw = read_table(path)
    return dataclasses.replace(raw, data=raw.data.append_column("date", pa.array(["2021-06-30"] * raw.data.num_rows)))


def test_botanic_na_scores_are_unanswered_and_explication_is_the_comment():
    path = REAL / "botanic_nps_fr.csv"
    with open(path, newline="", encoding="latin-1") as fh:
        nps = [r[2] for r in list(csv.reader(fh))[1:]]
    assert (len(nps), nps.count("NA")) == (13954, 342)
    raw = with_wave_date(path)
    plan = plan_for(raw)
    assert (plan.score, plan.comment, plan.responded_at) == ("nps", "explication", "date")
    batch = validate_rows(raw, plan)
    assert (batch.read, len(batch.responses), batch.unanswered, len(batch.rejects)) == (13954, 13612, 342, 0)
    counts = Counter(category(int(s)) for s in nps if s != "NA")
    assert (counts["promoters"], counts["passives"], counts["detractors"]) == (8465, 3953, 1194)
    assert Counter(category(s) for s in batch.responses["score"]) == counts


def test_miro_nps_score_and_text_columns_are_found():
    path = REAL / "miro_nps.csv"
    raw = with_wave_date(path)
    plan = plan_for(raw)
    assert (plan.score, plan.comment, plan.customer_id) == ("NPS_Score", "text", "user_id")
    batch = validate_rows(raw, plan)
    header, rows = read_rows(path)
    assert (batch.read, len(batch.responses), batch.unanswered) == (441, 441, 0)
    assert batch.responses["score"].tolist() == [int(r[2]) for r in rows]
# --- botanic_nps_fr.csv: Windows-1252 with cells typed in DOS (cp850), no date -------------


BOTANIC = REAL / "botanic_nps_fr.csv"
CARPENTRYCON = REAL / "carpentrycon_2020_feedback.csv"
# Each accented letter as Windows-1252/Latin-1 writes it and as DOS (cp850) does.
LETTERS = {"é": (b"\xe9", b"\x82"), "è": (b"\xe8", b"\x8a"), "ç": (b"\xe7", b"\x87"), "à": (b"\xe0", b"\x85")}


def test_botanic_comments_read_with_their_accents_and_the_wave_date(tmp_path):
    with open(BOTANIC, newline="", encoding="latin-1") as fh:  # Latin-1: one character per byte
        header, *rows = list(csv.reader(fh))
    assert len(rows) == 13954  # the hand count in SOURCES.md
    cells = [r[header.index("explication")].encode("latin-1") for r in rows]
    dos_cells = sum(any(0x80 <= x < 0xA0 for x in c) for c in cells)
    scored = [c for c, r in zip(cells, rows, strict=True) if r[header.index("nps")] != "NA"]
    expected = {ch: sum(c.count(a) + c.count(b) for c in scored) for ch, (a, b) in LETTERS.items()}

    mapping = tmp_path / "botanic.yaml"
    mapping.write_text("columns: {score: nps, comment: explication}\n")
    store = tmp_path / "store"
    result = CliRunner().invoke(
        app, ["ingest", str(BOTANIC), "--client", "bot", "--mapping", str(mapping), "--date", "2014-06-30", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[0]
    # 13,612 scored, the 342 'NA' are no answer (SOURCES.md).
    assert line.startswith("botanic_nps_fr.csv: read 13954, stored 13612, duplicates 0, unanswered 342, rejected 0; ")
    assert line.endswith(" cells re-decoded from cp850; responded_at given as 2014-06-30 for every row")
    repaired = int(line.split("; ")[1].split()[0])
    assert 0 < repaired <= dos_cells

    got = Store(store).read("responses", "bot")
    rejects = Store(store).read_rejects("bot")
    assert rejects.empty  # 'NA' is no answer: counted unanswered, not rejected
    stored = dict(zip(got["source_row"], got["comment"].fillna(""), strict=True))
    text = "".join(stored.values())
    # é, è, ç, à: each byte that writes one, in either code page, is that letter in the store,
    # but for one lone 0x82 after four spaces at the end of row 1979, in no word: kept as '‚'.
    assert cells[1979 - 2].endswith(b"technocrate?    \x82")
    assert {ch: text.count(ch) for ch in LETTERS} == dict(expected, é=expected["é"] - 1)
    assert [row for row, c in stored.items() if "\u201a" in c] == [1979]
    assert not any("\x80" <= ch <= "\x9f" for c in stored.values() for ch in c)
    assert stored[5].startswith("j'ai acheté une vigne vierge qui ne se développe pasé jela ramène demain au magasin pour échange.")
    assert set(got["responded_at"]) == {pd.Timestamp("2014-06-30 12:00", tz="UTC")} and got["date_given"].all()


def test_carpentrycon_without_dates_ingests_with_the_wave_date(tmp_path):
    header, rows = read_rows(CARPENTRYCON)
    store = tmp_path / "store"
    (report,) = ingest_files([CARPENTRYCON], client_id="cc", store=store, date="2020-07-15")
    assert (report.read, report.stored, report.rejected) == (124, 124, {})
    hand = hand_stats([("2020", int(r[header[0].index("nps")])) for r in rows])
    assert hand[0]["n"] == 124 and (hand[0]["promoters"], hand[0]["passives"], hand[0]["detractors"]) == (84, 33, 7)
    assert_stats_equal(cli_stats(store, "cc", "year"), hand)
# --- bt_telecom: a wave export without ids, with day-only dates -----------------------------


BT_MAPPING = "columns: {score: NPS_SCORE, responded_at: CUSTOMER_RESPONSE_DATE}\ndate_format: day-first\n"


def bt_wave(folder: Path, name: str = "bt_wave.csv", *, extra: bool = False, shuffle: bool = False) -> tuple[Path, list[list[str]]]:
    """The BT file as a wave export: day-only dates, no comment, no id, no blank score
    (blanks are another matter); ``extra`` adds a column, ``shuffle`` reorders the rows."""
    (header,), rows = read_rows(BT)
    keep = [header.index(c) for c in ("CUSTOMER_RESPONSE_DATE", "SURVEY_SUB_TYPE", "NPS_RATING", "NPS_SCORE", "Qtr")]
    wave = [[r[i] for i in keep] for r in rows if r[header.index("NPS_SCORE")].strip()]
    for r in wave:
        r[0] = r[0].split()[0]
    if shuffle:
        random.Random(12).shuffle(wave)
    names = [header[i] for i in keep]
    if extra:
        names, wave = [*names, "Survey channel"], [[*r, "email"] for r in wave]
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([names, *wave])
    return path, wave


def cli(*args: str) -> list[str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_bt_wave_without_ids_keeps_every_row_and_reingests_add_nothing(tmp_path):
    path, wave = bt_wave(tmp_path)
    store = str(tmp_path / "store")
    (tmp_path / "bt.yaml").write_text(BT_MAPPING)
    ingest = ["ingest", "--client", "bt", "--mapping", str(tmp_path / "bt.yaml"), "--store", store]
    n = len(wave)
    assert n == 2353
    # Hand count: rows whose (day, score) another row of the file already has; the old
    # row hash (over every cell) took 997 of them for duplicates.
    repeats = n - len({(r[0], r[3]) for r in wave})
    assert repeats == 1424 and n - len({tuple(r) for r in wave}) == 997
    assert cli(*ingest, str(path)) == [
        f"bt_wave.csv: read {n}, stored {n}, duplicates 0, unanswered 0, rejected 0",
        f"  {repeats} rows repeat another row of this file: kept as separate responses",
        "  not stored: 'SURVEY_SUB_TYPE', 'NPS_RATING', 'Qtr' — add them under segments: to keep them "
        "(then ingest again with --replace)",
    ]
    hand = [(dt.datetime.strptime(r[0], "%d/%m/%Y").strftime("%Y-%m"), int(r[3])) for r in wave]
    assert_stats_equal(cli_stats(Path(store), "bt", "month"), hand_stats(hand))
    (overall,) = hand_stats([("all", s) for _, s in hand])
    assert (overall["n"], overall["promoters"], overall["passives"], overall["detractors"]) == (2353, 690, 392, 1271)
    assert round(overall["nps"], 2) == -24.69

    before = Store(store).partition("responses", "bt").read_bytes()
    assert cli(*ingest, str(path))[0] == f"bt_wave.csv: read {n}, stored 0, duplicates {n}, unanswered 0, rejected 0"
    # A re-export: another name, one more column, the rows in another order.
    again, _ = bt_wave(tmp_path, "bt_wave_reexport.csv", extra=True, shuffle=True)
    lines = cli(*ingest, str(again))
    assert lines[0] == f"bt_wave_reexport.csv: read {n}, stored 0, duplicates {n}, unanswered 0, rejected 0"
    assert "'Survey channel'" in lines[-1]
    assert Store(store).partition("responses", "bt").read_bytes() == before


def test_bt_wave_replace_with_a_mapping_that_adds_a_segment(tmp_path):
    path, wave = bt_wave(tmp_path)
    store = str(tmp_path / "store")
    (tmp_path / "bt.yaml").write_text(BT_MAPPING)
    (tmp_path / "bt_stage.yaml").write_text(BT_MAPPING + "segments: {stage: SURVEY_SUB_TYPE}\n")
    cli("ingest", str(path), "--client", "bt", "--mapping", str(tmp_path / "bt.yaml"), "--store", store)
    # Without --replace the better mapping adds nothing: every row is a duplicate.
    plain = cli("ingest", str(path), "--client", "bt", "--mapping", str(tmp_path / "bt_stage.yaml"), "--store", store)
    assert plain[0] == "bt_wave.csv: read 2353, stored 0, duplicates 2353, unanswered 0, rejected 0"
    assert "stage" not in Store(store).read("responses", "bt")
    # The re-export (another name, same content) is matched by its fingerprint.
    again, _ = bt_wave(tmp_path, "bt_wave_reexport.csv", extra=True, shuffle=True)
    lines = cli("ingest", str(again), "--client", "bt", "--mapping", str(tmp_path / "bt_stage.yaml"), "--replace", "--store", store)
    assert lines[:2] == [
        "bt_wave_reexport.csv: read 2353, stored 2353, duplicates 0, unanswered 0, rejected 0",
        "  replaced 2353 rows read before from bt_wave.csv",
    ]
    got = Store(store).read("responses", "bt")
    assert len(got) == 2353 and set(got["source_file"]) == {"bt_wave_reexport.csv"}
    assert got["stage"].notna().all()
    by_stage = hand_stats([(r[1], int(r[3])) for r in wave])
    assert [(g["group"], g["n"], round(g["nps"], 2)) for g in by_stage] == [
        ("Equipment Received", 231, -56.71), ("First Payment", 1130, -29.29), ("Order", 962, -9.98), ("Service in Use", 30, -76.67),
    ]
    assert_stats_equal(cli_stats(Path(store), "bt", "stage"), by_stage)
    log = Store(store).ingest_log("bt")
    assert [(r["file"], r["stored"], r["replaced"]) for r in log] == [("bt_wave_reexport.csv", 2353, 2353)]
    assert log[0]["fingerprint"] and log[0]["replaced_files"] == ["bt_wave.csv"]
    days = sorted(dt.datetime.strptime(r[0], "%d/%m/%Y").date().isoformat() for r in wave)
    assert cli("clients", "--store", store) == [
        f"bt: 2353 responses, {days[0]} to {days[-1]}, files: bt_wave_reexport.csv, last ingest {log[0]['at']}"
    ]
    assert cli("remove", "--client", "bt", "--file", "bt_wave_reexport.csv", "--store", store) == [
        "removed bt_wave_reexport.csv from bt: 2353 responses, 0 rejects, 1 ingest record"
    ]
    assert cli("clients", "--store", store) == [f"no clients in store {store}: ingest an export first (nps-report ingest FILE --client ID)"]


# --- miro_nps.csv: a customer id, exact repeats ----------------------------------------------


def test_miro_with_customer_ids_drops_exact_repeats_only(tmp_path):
    header, rows = read_rows(MIRO)
    assert header[0] == ["user_id", "text", "NPS_Score"]
    # The file has no date: this variant gives the whole wave one day.
    path = tmp_path / "miro_wave.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Date", *header[0]], *(["2021-06-30", *r] for r in rows)])
    (tmp_path / "miro.yaml").write_text("columns: {score: NPS_Score, comment: text}\n")
    store = tmp_path / "store"
    (report,) = ingest_files([path], client_id="miro", mapping=tmp_path / "miro.yaml", store=store)
    unique = list(dict.fromkeys((r[0], r[1].strip(), int(r[2])) for r in rows))
    assert (len(rows), len(unique)) == (441, 426)
    assert (report.read, report.stored, report.duplicates, report.repeats) == (441, 426, 15, 0)
    assert_stats_equal(cli_stats(store, "miro", "year"), hand_stats([("2021", s) for _, _, s in unique]))
    assert round(hand_stats([("all", s) for _, _, s in unique])[0]["nps"], 2) == 60.80
