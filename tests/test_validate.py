"""adapters/validate.py and sniff.date_order: scores, ratings, timestamps, row hashes, row identity, row checks."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections import Counter
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.adapters.dates import AmbiguousDates, naive_zone, parse_datetimes
from nps_helpers.adapters.raw import RawTable
from nps_helpers.adapters.sniff import date_order
from nps_helpers.adapters.validate import (
    Plan,
    parse_numbers,
    parse_scores,
    parse_whole,
    row_hash,
    row_identity,
    validate_rows,
)
from nps_helpers.errors import NpsInputError

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


NUMBER = r"-?[0-9]+(?:[.,][0-9]+)?"
# A label, then a number, then a label; no other digit; a label kept apart from the number
# by a character that is neither a letter nor a digit (nor a minus sign before the number).
LABELLED = re.compile(rf"(?:[^0-9]*[^\w-]|[^0-9]*_)?({NUMBER})(?:[\W_][^0-9]*)?")


NO_ANSWER_FORMS = {"NA", "na", "Na", "N/A", "n/a", "N/a", "#N/A", "#n/a", "NaN", "nan", "NAN", "Nan",
                   "NULL", "null", "Null", "None", "none", "NONE"}


def reference_score(text: str) -> tuple[int | None, str | None]:
    """An independent reading of one score cell, with Python's re and Decimal instead of
    Arrow kernels."""
    t = text.strip(" \t")
    if t == "" or t in NO_ANSWER_FORMS:
        return None, "score_missing"
    labelled = LABELLED.fullmatch(t)
    if labelled and any(c.isalpha() for c in t):
        t = labelled.group(1)
    if len(t) > 24 or not re.fullmatch(NUMBER, t):
        return None, "score_not_a_number"
    value = Decimal(t.replace(",", "."))
    if value != value.to_integral_value():
        return None, "score_not_whole"
    if not 0 <= value <= 10:
        return None, "score_out_of_range"
    return int(value), None


# --- scores -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "reason"),
    [
        ("7", 7, None),
        ("7.0", 7, None),
        ("7,0", 7, None),
        (" 7 ", 7, None),
        ("10,00", 10, None),
        ("0", 0, None),
        ("-0", 0, None),
        ("7,5", None, "score_not_whole"),
        ("10.5", None, "score_not_whole"),
        ("11", None, "score_out_of_range"),
        ("-1", None, "score_out_of_range"),
        ("99999999999999999999", None, "score_out_of_range"),
        ("ten", None, "score_not_a_number"),
        ("7.", None, "score_not_a_number"),
        ("1e1", None, "score_not_a_number"),
        ("", None, "score_missing"),
        ("   ", None, "score_missing"),
        ("NA", None, "score_missing"),
        ("NaN", None, "score_missing"),
        ("N/A", None, "score_missing"),
        ("10 - Extremely likely", 10, None),
        ("0 - Not at all likely", 0, None),
        ("10 (Extremely likely)", 10, None),
        ("Extremely likely 10", 10, None),
        ("Not at all likely - 0", 0, None),
        ("10 – Zdecydowanie polecam", 10, None),
        ("0 - Zelo malo verjetno", 0, None),
        ("10 — Очень вероятно", 10, None),
        ("Äußerst wahrscheinlich: 10", 10, None),
        ("9,0 = sehr wahrscheinlich", 9, None),
        ("7,5 - ziemlich", None, "score_not_whole"),
        ("11 - Extremely likely", None, "score_out_of_range"),
        ("-1 - Not at all likely", None, "score_out_of_range"),
        ("Extremely likely", None, "score_not_a_number"),
        ("10/10 Extremely likely", None, "score_not_a_number"),
        ("0 - 10", None, "score_not_a_number"),
        ("Q7", None, "score_not_a_number"),
        ("7pts", None, "score_not_a_number"),
    ],
)
def test_score_examples_from_the_brief(text, value, reason):
    parsed = parse_scores([text])
    assert parsed.values.to_pylist() == [value]
    assert parsed.reasons.to_pylist() == [reason]
    assert reference_score(text) == (value, reason)


def test_plain_scores_take_the_fast_path_and_keep_int8():
    parsed = parse_scores([str(k) for k in range(11)])
    assert parsed.values.type == pa.int8()
    assert parsed.values.to_pylist() == list(range(11))
    assert parsed.reasons.null_count == 11


def test_scores_accept_arrow_and_null_cells():
    parsed = parse_scores(pa.chunked_array([["9", None], ["3"]]))
    assert parsed.values.to_pylist() == [9, None, 3]
    assert parsed.reasons.to_pylist() == [None, "score_missing", None]


LABELS = ("Extremely likely", "Nie polecę", "Zelo verjetno", "Очень вероятно", "Äußerst", "e")
CELL = st.one_of(
    st.text(alphabet="0123456789.,- \tabe()_", max_size=10),
    st.builds(lambda n, sep, label, first: f"{label}{sep}{n}" if first else f"{n}{sep}{label}",
              st.one_of(st.integers(-2, 12).map(str), st.sampled_from(["7,5", "10.0", "ten", "1e1"])),
              st.sampled_from([" - ", " – ", " ", ": ", " (", "-", "_", "="]), st.sampled_from(LABELS), st.booleans()),
    st.sampled_from(["NA", "nan", "N/A", "#N/A", "NULL", "None"]),
    st.integers(-20, 30).map(str),
    st.builds(lambda i, sep, zeros: f"{i}{sep}{'0' * zeros}", st.integers(0, 12), st.sampled_from(".,"), st.integers(1, 4)),
    st.decimals(-15, 15, places=2).map(lambda d: str(d).replace(".", ",")),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELL, min_size=1, max_size=30))
def test_scores_match_an_independent_decimal_reading(cells):
    parsed = parse_scores(cells)
    expected = [reference_score(c) for c in cells]
    assert parsed.values.to_pylist() == [v for v, _ in expected]
    assert parsed.reasons.to_pylist() == [r for _, r in expected]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10), st.sampled_from(["", ".0", ",0", ".000", ",00"]), st.text(" \t", max_size=3))
def test_any_written_form_of_a_whole_score_reads_as_itself(score, tail, pad):
    assert parse_scores([f"{pad}{score}{tail}{pad}"]).values.to_pylist() == [score]


def test_labelled_ratings_and_no_answer_placeholders():
    parsed = parse_whole(["5 - Very satisfied", "Very dissatisfied 1", "NA", "6 - Delighted", "#N/A"], low=1, high=5, name="csat")
    assert parsed.values.to_pylist() == [5, 1, None, None, None]
    assert parsed.reasons.to_pylist() == [None, None, "csat_missing", "csat_out_of_range", "csat_missing"]
    assert parse_numbers(["NA", "nan", "4,5"], name="driver_x").reasons.to_pylist() == ["driver_x_missing", "driver_x_missing", None]


def test_labelled_scores_count_exactly_in_several_languages():
    # A SurveyMonkey-like column: the ends of the scale labelled, the middle bare.
    ends = {
        "en": ("0 - Not at all likely", "10 - Extremely likely"),
        "pl": ("0 – Zdecydowanie nie polecę", "10 – Zdecydowanie polecę"),
        "sl": ("0 (Sploh ne bi priporočil)", "10 (Zagotovo bi priporočil)"),
        "ru": ("Совсем маловероятно 0", "Очень вероятно 10"),
        "de": ("0 = Äußerst unwahrscheinlich", "10 = Äußerst wahrscheinlich"),
    }
    cells = [cell for low, high in ends.values() for cell in (low, high, "7", "8", "")]
    bad = ["7,5 - Ziemlich", "11 - Extremely likely", "ten", "Extremely likely", "N/A"]
    parsed = parse_scores(cells + bad)
    assert parsed.values.to_pylist() == [0, 10, 7, 8, None] * 5 + [None] * 5
    assert parsed.reasons.to_pylist() == [None] * 4 + ["score_missing"] + [None] * 4 + ["score_missing"] + [None] * 4 + [
        "score_missing"
    ] + [None] * 4 + ["score_missing"] + [None] * 4 + ["score_missing"] + [
        "score_not_whole", "score_out_of_range", "score_not_a_number", "score_not_a_number", "score_missing",
    ]


def test_ratings_use_their_own_range_and_name():
    parsed = parse_whole(["1", "7", "8", "x"], low=1, high=7, name="ces")
    assert parsed.values.to_pylist() == [1, 7, None, None]
    assert parsed.reasons.to_pylist() == [None, None, "ces_out_of_range", "ces_not_a_number"]


def test_driver_numbers_take_comma_or_point():
    parsed = parse_numbers(["3,5", "4.25", "", "x"], name="driver_price")
    assert parsed.values.to_pylist() == [3.5, 4.25, None, None]
    assert parsed.reasons.to_pylist() == [None, None, "driver_price_missing", "driver_price_not_a_number"]


# --- timestamps -------------------------------------------------------------------------


def utc(*args, zone="UTC"):
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


def stamps(parsed):
    return [None if v is None else v.astimezone(dt.UTC) for v in parsed.values.to_pylist()]


def test_iso_times_without_offset_are_read_in_the_mapping_timezone():
    parsed = parse_datetimes(["2021-07-01 10:00:00", "2021-01-15T08:30:00", "2021-07-01"], timezone="Europe/Warsaw", now=NOW)
    assert stamps(parsed) == [
        utc(2021, 7, 1, 10, zone="Europe/Warsaw"),
        utc(2021, 1, 15, 8, 30, zone="Europe/Warsaw"),
        utc(2021, 7, 1, zone="Europe/Warsaw"),
    ]


def test_offsets_win_over_the_timezone_and_mixed_columns_still_parse():
    parsed = parse_datetimes(
        ["2021-07-01T10:00:00Z", "2021-07-01 10:00:00+02:00", "2021-07-01 10:00:00"], timezone="Europe/Berlin", now=NOW
    )
    assert stamps(parsed) == [utc(2021, 7, 1, 10), utc(2021, 7, 1, 8), utc(2021, 7, 1, 10, zone="Europe/Berlin")]


@pytest.mark.parametrize(
    ("values", "date_format", "zone"),
    [
        (["2021-07-01T10:00:00Z", "2021-07-01 10:00:00.5+02:00", "2021-07-01T10:00+0200", ""], None, None),
        (["2021/04/01 3:03:41 PM GMT+2", "2021/04/13 3:03:41 AM GMT", "2021-04-13 03:03 UTC"], None, None),
        (["2021-07-01T10:00:00Z", "2021-07-01 10:00:00"], None, "Europe/Berlin"),
        (["2021-07-01", "2021-07-02"], None, "Europe/Berlin"),  # a date alone is local too
        (["1.2.2021 8:05", ""], "day-first", "Europe/Berlin"),
        (["1614556800"], "unix", None),  # Unix seconds are instants
        (["", " "], None, None),  # nothing to read
    ],
)
def test_naive_zone_is_the_timezone_only_when_some_time_has_no_offset(values, date_format, zone):
    assert naive_zone(values, date_format=date_format, timezone="Europe/Berlin") == zone


def test_the_batch_records_the_zone_naive_times_were_read_in():
    rows = np.array([2, 3])
    naive = RawTable("a.csv", pa.table({"when": ["2021-01-05 10:00", "2021-01-06T10:00Z"], "nps": ["9", "7"]}), rows)
    offsets = RawTable("b.csv", pa.table({"when": ["2021-01-05T10:00Z", "2021-01-06T10:00Z"], "nps": ["9", "7"]}), rows)
    plan = Plan(score="nps", responded_at="when", timezone="Asia/Tokyo")
    assert validate_rows(naive, plan, now=NOW).timezone == "Asia/Tokyo"
    assert validate_rows(offsets, plan, now=NOW).timezone is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["25/12/2021", "01/02/2021"], [utc(2021, 12, 25), utc(2021, 2, 1)]),
        (["12/25/2021", "01/02/2021"], [utc(2021, 12, 25), utc(2021, 1, 2)]),
        (["1.2.2021 8:05", "13.2.2021 18:05:09"], [utc(2021, 2, 1, 8, 5), utc(2021, 2, 13, 18, 5, 9)]),
        (["11/01/2019 08:51:12 AM", "11/13/2019 12:00:00 PM"], [utc(2019, 11, 1, 8, 51, 12), utc(2019, 11, 13, 12)]),
        (["2021/04/01 3:03:41 PM GMT+2", "2021/04/13 3:03:41 AM GMT"], [utc(2021, 4, 1, 13, 3, 41), utc(2021, 4, 13, 3, 3, 41)]),
        (["2021-03-05 10:00", "13-03-2021"], [utc(2021, 3, 5, 10), utc(2021, 3, 13)]),
    ],
)
def test_day_or_month_first_is_detected_from_the_data(values, expected):
    assert stamps(parse_datetimes(values, now=NOW)) == expected


def test_ambiguous_dates_raise_with_the_first_ambiguous_value():
    with pytest.raises(AmbiguousDates) as err:
        parse_datetimes(["2021-05-01", "03/04/2021", "04/03/2021"], now=NOW)
    assert (err.value.at, err.value.other) == (1, None)


def test_mixed_orders_raise_with_one_example_of_each():
    with pytest.raises(AmbiguousDates) as err:
        parse_datetimes(["25/12/2021", "12/25/2021"], now=NOW)
    assert (err.value.at, err.value.other) == (0, 1)


def test_an_explicit_order_settles_ambiguous_dates():
    day = parse_datetimes(["03/04/2021"], date_format="day-first", now=NOW)
    month = parse_datetimes(["03/04/2021"], date_format="month-first", now=NOW)
    assert stamps(day) == [utc(2021, 4, 3)] and stamps(month) == [utc(2021, 3, 4)]


def test_strptime_pattern_and_unix_seconds():
    pattern = parse_datetimes(["05.03.21 14:00", "junk"], date_format="%d.%m.%y %H:%M", now=NOW)
    assert stamps(pattern) == [utc(2021, 3, 5, 14), None]
    assert pattern.reasons.to_pylist() == [None, "date_unreadable"]
    unix = parse_datetimes(["1614556800", "1e300", ""], date_format="unix", now=NOW)
    assert stamps(unix) == [utc(2021, 3, 1), None, None]
    assert unix.reasons.to_pylist() == [None, "date_unreadable", "date_missing"]


def test_a_bad_pattern_is_an_input_error():
    with pytest.raises(NpsInputError, match="date_format"):
        parse_datetimes(["2021"], date_format="%Q")


def test_date_reasons():
    parsed = parse_datetimes(
        ["", "31/02/2021", "epoch", "1.2.0021", "2026-06-03", "2026-06-01 20:00"], date_format="day-first", now=NOW
    )
    assert parsed.reasons.to_pylist() == [
        "date_missing", "date_unreadable", "date_unreadable", "date_too_old", "date_in_future", None,
    ]


def test_two_digit_years_read_by_excels_pivot():
    # 00-29 are 2000-2029, 30-99 are 1930-1999; 1930 is before 1980, so too old.
    later = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    parsed = parse_datetimes(["9/8/18 3:42", "1/2/29", "1/2/30", "12/31/99 23:59", "1/2/00"], date_format="month-first", now=later)
    assert stamps(parsed) == [utc(2018, 9, 8, 3, 42), utc(2029, 1, 2), None, utc(1999, 12, 31, 23, 59), utc(2000, 1, 2)]
    assert parsed.reasons.to_pylist() == [None, None, "date_too_old", None, None]
    day_first = parse_datetimes(["09.08.18 15:42", "31-12-05", "1/2/2018"], date_format="day-first", now=NOW)
    assert stamps(day_first) == [utc(2018, 8, 9, 15, 42), utc(2005, 12, 31), utc(2018, 2, 1)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["9/8/18 3:42", "12/25/18 1:00"], [utc(2018, 9, 8, 3, 42), utc(2018, 12, 25, 1)]),
        (["9/8/18 3:42", "25/12/18 1:00"], [utc(2018, 8, 9, 3, 42), utc(2018, 12, 25, 1)]),
        (["9/8/18 3:42 PM", "9/13/2018"], [utc(2018, 9, 8, 15, 42), utc(2018, 9, 13)]),
    ],
)
def test_day_or_month_first_is_detected_with_two_digit_years(values, expected):
    assert stamps(parse_datetimes(values, now=NOW)) == expected


def test_two_digit_years_alone_may_still_be_ambiguous():
    with pytest.raises(AmbiguousDates) as err:
        parse_datetimes(["9/8/18 3:42", "1/2/18"], now=NOW)
    assert err.value.at == 0


def test_a_strptime_pattern_keeps_its_own_two_digit_year():
    # The pattern's %y is DuckDB's (pivot 69): the text is handed to it as written.
    parsed = parse_datetimes(["05.03.50"], date_format="%d.%m.%y", now=dt.datetime(2060, 1, 1, tzinfo=dt.UTC))
    assert stamps(parsed) == [utc(2050, 3, 5)] and parsed.reasons.to_pylist() == [None]


def test_an_excel_us_export_with_two_digit_years_is_all_read():
    rows = 889
    when = [dt.datetime(2018, 1, 1) + dt.timedelta(minutes=487 * k) for k in range(rows)]
    text = [f"{w.month}/{w.day}/{w.year % 100} {w.hour}:{w.minute:02d}" for w in when]
    raw = _raw({"Date": text, "Likelihood to recommend": [str(k % 11) for k in range(rows)]})
    batch = validate_rows(raw, Plan(score="Likelihood to recommend", responded_at="Date"), now=NOW)
    assert (len(batch.responses), batch.unanswered, len(batch.rejects)) == (rows, 0, 0)
    assert batch.responses["responded_at"].tolist() == [w.replace(tzinfo=dt.UTC) for w in when]


def test_date_order_evidence():
    assert date_order(["13/01/2021", "01/01/2021"]).order == "day-first"
    assert date_order(["01/13/2021"]).order == "month-first"
    found = date_order(["2021-01-01", "05/06/2021"])
    assert (found.order, found.ambiguous_at) == (None, 1)
    assert date_order(["07/07/2021"]).ambiguous_at is None


# --- row hash and row checks ---------------------------------------------------------


def test_row_hash_is_md5_of_cells_and_ignores_nothing_but_the_file():
    table = pa.table({"a": ["1", "2"], "b": ["x", "y"]})
    expected = [hashlib.md5("\x1f".join(r).encode()).hexdigest() for r in [("1", "x"), ("2", "y")]]
    assert row_hash(table).to_pylist() == expected
    assert row_hash(pa.table({"other": ["1"], "name": ["x"]})).to_pylist() == expected[:1]


def _raw(columns: dict[str, list[str]]) -> RawTable:
    n = len(next(iter(columns.values())))
    return RawTable("s.csv", pa.table(columns), np.arange(2, n + 2))


def test_first_bad_value_decides_the_reason_and_counts_add_up():
    raw = _raw(
        {
            "when": ["2021-01-01", "2021-01-02", "bad", "bad", "2021-01-03", "2021-01-04"],
            "nps": ["9", "x", "8", "", "7", "6"],
            "csat": ["5", "5", "5", "5", "9", ""],
        }
    )
    batch = validate_rows(raw, Plan(score="nps", responded_at="when", csat="csat", blank_score="reject"), now=NOW)
    assert batch.rejects[["source_row", "column", "value", "reason"]].values.tolist() == [
        [3, "nps", "x", "score_not_a_number"],
        [4, "when", "bad", "date_unreadable"],
        [5, "nps", "", "score_missing"],
        [6, "csat", "9", "csat_out_of_range"],
    ]
    assert batch.responses["source_row"].tolist() == [2, 7]
    assert batch.responses["csat"].tolist()[0] == 5 and batch.responses["csat"].isna().tolist() == [False, True]
    assert batch.read == len(batch.responses) + batch.unanswered + len(batch.rejects)


def test_blank_score_is_unanswered_unless_the_plan_rejects_it():
    raw = _raw({"when": ["2021-01-01"] * 6, "nps": ["9", "", "12", "NA", " N/A ", "NaN"]})
    counted = validate_rows(raw, Plan(score="nps", responded_at="when"), now=NOW)
    assert (len(counted.responses), counted.unanswered, counted.rejects["reason"].tolist()) == (1, 4, ["score_out_of_range"])
    rejected = validate_rows(raw, Plan(score="nps", responded_at="when", blank_score="reject"), now=NOW)
    assert rejected.unanswered == 0
    assert rejected.rejects[["value", "reason"]].values.tolist() == [
        ["", "score_missing"], ["12", "score_out_of_range"], ["NA", "score_missing"], [" N/A ", "score_missing"],
        ["NaN", "score_missing"],
    ]


def test_canonical_columns_types_and_ids():
    raw = _raw(
        {
            "id": ["r1", " "],
            "when": ["2021-01-01 10:00", "2021-01-02 11:00"],
            "nps": ["10", "0"],
            "why": ["  great ", ""],
            "Region": ["EU ", ""],
            "price": ["4,5", ""],
        }
    )
    plan = Plan(score="nps", responded_at="when", response_id="id", comment="why", segments={"region": "Region"},
                drivers={"price": "price"})
    out = validate_rows(raw, plan, now=NOW).responses
    assert out.columns.tolist() == [
        "response_id", "responded_at", "score", "comment", "driver_price", "region", "source_file", "source_row",
        "date_given",
    ]
    assert out["date_given"].tolist() == [False, False]
    assert str(out["score"].dtype) == "int8" and str(out["responded_at"].dtype) == "datetime64[us, UTC]"
    # A row whose tool id is blank (and has no customer id) is identified by its place in the file.
    second = (None, None, dt.datetime(2021, 1, 2, 11, tzinfo=dt.UTC), 0, None)
    expected = reference_ids([("r1", None, dt.datetime(2021, 1, 1, 10, tzinfo=dt.UTC), 10, "great"), second])
    assert out["response_id"].tolist() == expected == ["r1", expected[1]] and len(expected[1]) == 32
    assert out["comment"].tolist()[0] == "great" and out["comment"].isna().tolist() == [False, True]
    assert out["region"].tolist()[0] == "EU" and out["region"].isna().tolist() == [False, True]
    assert out["driver_price"].tolist()[0] == 4.5


def test_all_dates_unreadable_is_an_error_naming_row_and_column():
    raw = _raw({"when": ["yesterday", "today"], "nps": ["9", "8"]})
    with pytest.raises(NpsInputError, match=r"s\.csv, row 2, column 'when': 'yesterday' .* date_format"):
        validate_rows(raw, Plan(score="nps", responded_at="when"), now=NOW)


def test_ambiguous_dates_error_names_the_row_and_asks_for_date_format():
    raw = _raw({"when": ["2021-05-05", "01/02/2021", "03/04/2021"], "nps": ["9", "8", "7"]})
    with pytest.raises(NpsInputError, match=r"^s\.csv, row 3, column 'when': '01/02/2021' reads as day-first and as month-first; set date_format"):
        validate_rows(raw, Plan(score="nps", responded_at="when"), now=NOW)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["9", "10", "0", "7,0", "", "x", "11", "7,5"]),
            st.sampled_from(["2021-01-05", "2021-01-05 10:00", "", "nope", "2031-01-01"]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.sampled_from(["reject", "unanswered"]),
)
def test_every_row_is_stored_unanswered_or_rejected_exactly_once(rows, blank):
    raw = _raw({"when": [d for _, d in rows] + ["2021-01-06"], "nps": [s for s, _ in rows] + ["9"]})
    batch = validate_rows(raw, Plan(score="nps", responded_at="when", blank_score=blank), now=NOW)
    assert batch.read == len(batch.responses) + batch.unanswered + len(batch.rejects)
    seen = sorted([*batch.responses["source_row"], *batch.rejects["source_row"]])
    assert len(seen) == len(set(seen)) == batch.read - batch.unanswered


def test_mixed_date_orders_error_names_both_rows():
    raw = _raw({"when": ["25/12/2021", "12/25/2021"], "nps": ["9", "8"]})
    with pytest.raises(NpsInputError, match=r"^s\.csv, row 2, column 'when': day-first '25/12/2021' and month-first '12/25/2021' \(row 3\) are mixed"):
        validate_rows(raw, Plan(score="nps", responded_at="when"), now=NOW)


# --- row identity ------------------------------------------------------------------------------


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def reference_ids(rows: list[tuple]) -> list[str]:
    """The documented identity scheme, rebuilt with hashlib from (response id, customer id,
    time, score, comment) tuples: pins the ids, which must never change (stores hold them)."""

    def content(customer, when, score, comment) -> str:
        micros = "" if when is None else str(int(when.timestamp()) * 1_000_000 + when.microsecond)
        return _md5("\x1f".join([customer or "", micros, str(score), comment or ""]))

    keys = [rid if rid is not None else content(*rest) for rid, *rest in rows]
    halves = [hashlib.md5(k.encode()).digest() for k in keys]
    high = sum(int.from_bytes(d[8:], "little") for d in halves)
    low = sum(int.from_bytes(d[:8], "little") for d in halves)
    fingerprint = _md5(f"{len(keys)}:{high}:{low}")
    seen: Counter[str] = Counter()
    ids = []
    for (rid, customer, *_), key in zip(rows, keys, strict=True):
        if rid is None and customer is None:
            seen[key] += 1
            ids.append(_md5("\x1f".join([fingerprint, key, str(seen[key])])))
        else:
            ids.append(key)
    return ids


def _identity_table(rows: list[tuple]) -> pa.Table:
    rid, customer, when, score, comment = zip(*rows, strict=True)
    return pa.table({
        "response_id": pa.array(rid, pa.string()),
        "customer_id": pa.array(customer, pa.string()),
        "responded_at": pa.array(when, pa.timestamp("us", "UTC")),
        "score": pa.array(score, pa.int8()),
        "comment": pa.array(comment, pa.string()),
    })


DAY = dt.datetime(2018, 1, 5, tzinfo=dt.UTC)
MIXED = [
    (None, None, DAY, 9, None),
    (None, None, DAY, 9, None),  # the same answer again: another person
    (None, None, DAY, 9, "ok"),
    ("R7", None, DAY, 3, None),
    (None, "c1", DAY, 10, "great"),
    (None, "c1", DAY, 10, "great"),  # the same customer's same answer: one response
    (None, None, DAY + dt.timedelta(microseconds=1), 9, None),
]


def test_row_identity_matches_the_documented_scheme():
    got = row_identity(_identity_table(MIXED))
    assert got.ids.to_pylist() == reference_ids(MIXED)
    assert (got.placed, got.repeats) == (4, 1)
    ids = got.ids.to_pylist()
    assert ids[3] == "R7" and ids[4] == ids[5] and len(set(ids)) == 6


def test_row_identity_ignores_row_order_and_is_stable_per_content():
    order = [6, 3, 1, 5, 0, 4, 2]
    again = row_identity(_identity_table([MIXED[i] for i in order]))
    first = row_identity(_identity_table(MIXED))
    assert sorted(again.ids.to_pylist()) == sorted(first.ids.to_pylist())
    assert again.fingerprint == first.fingerprint
    # One more row is another file: every row without an id gets a new id.
    other = row_identity(_identity_table([*MIXED, (None, None, DAY, 0, None)]))
    assert other.fingerprint != first.fingerprint
    assert other.ids.to_pylist()[3:6] == first.ids.to_pylist()[3:6]
    assert not set(other.ids.to_pylist()[:3]) & set(first.ids.to_pylist())


def test_row_identity_with_every_response_id_given_is_those_ids():
    rows = [("a", None, DAY, 9, None), ("b", "c", DAY, 0, "x")]
    got = row_identity(_identity_table(rows))
    assert got.ids.to_pylist() == ["a", "b"] == reference_ids(rows)
    assert (got.placed, got.repeats) == (0, 0)
    assert got.fingerprint == row_identity(_identity_table(rows[::-1])).fingerprint


def test_ids_use_mapped_columns_only_and_unused_columns_are_named():
    cells = {"when": ["2021-01-05", "2021-01-05", "2021-01-06"], "nps": ["9", "9", "3"], "why": ["", "", "slow"]}
    plan = Plan(score="nps", responded_at="when", comment="why")
    plain = validate_rows(_raw(cells), plan, now=NOW)
    extra = validate_rows(_raw({"Clinic region": ["N", "S", "N"], **cells, "blank": ["", " ", ""]}), plan, now=NOW)
    assert plain.responses["response_id"].tolist() == extra.responses["response_id"].tolist()
    assert len(set(plain.responses["response_id"])) == 3
    assert (plain.fingerprint, plain.placed, plain.repeats) == (extra.fingerprint, 3, 1)
    assert (plain.unused, extra.unused) == ((), ("Clinic region",))
    # A segment is not part of a row's identity either: a mapping that adds one keeps the ids.
    region = validate_rows(_raw({"Clinic region": ["N", "S", "N"], **cells}), Plan(
        score="nps", responded_at="when", comment="why", segments={"region": "Clinic region"}), now=NOW)
    assert region.responses["response_id"].tolist() == plain.responses["response_id"].tolist()
    assert region.unused == ()
