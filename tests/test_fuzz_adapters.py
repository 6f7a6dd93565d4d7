"""Fuzzing the adapters: any bytes either ingest (every row accounted for, the store whole
and readable) or raise the package's NpsInputError, and a refused file writes nothing.

A short run is part of the default suite; the long one is behind ``-m slow``.
"""
from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nps_helpers.adapters import FORMATS
from nps_helpers.errors import NpsInputError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store

SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".xlsx", ".parquet", "")
CSV_SEED = (
    b"Respondent ID,Date,How likely are you to recommend us?,Why?,Region\r\n"
    b'1,2021-03-01 10:00,9,"Fast, friendly",EU\r\n'
    b"2,13/03/2021,7,ok,US\r\n"
    b'3,2021-03-03,"7,5","multi\nline",EU\r\n'
    b"4,2021-03-04,,empty,\r\n"
)
QUALTRICS_SEED = (
    b"RecordedDate,ResponseId,Q1,Q1_NPS_GROUP\r\nRecorded,Response ID,Recommend?,Group\r\n"
    b'"{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""x""}"\r\n'
    b"2021-03-01 10:00:00,R_1,9,3\r\n2021-03-01 11:00:00,R_2,,\r\n"
)
JSON_SEED = json.dumps(
    [{"id": "1", "person": "p", "survey_type": "nps", "score": 9, "comment": None, "created_at": 1614556800,
      "person_properties": {"Plan": "Pro"}}]
).encode()


def _xlsx_seed() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Date", "NPS"])
    book.active.append(["2021-03-01", 9])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _parquet_seed() -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"date": ["2021-03-01"], "nps": [9]}), out)
    return out.getvalue()


SEEDS = (CSV_SEED, QUALTRICS_SEED, JSON_SEED, _xlsx_seed(), _parquet_seed())


@st.composite
def mutated(draw) -> bytes:
    """A valid export with bytes inserted, deleted, overwritten or cut off."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "flip", "cut"]))
        if action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12) | st.sampled_from([b",", b";", b'"', b"\r\n", b"\t", b"\x00"]))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
    return bytes(data)


CONTENT = st.one_of(
    st.binary(max_size=600),
    mutated(),
    st.text(max_size=300).map(str.encode),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=12,
    ).map(lambda v: json.dumps(v).encode()),
)


def ingest_or_refuse(content: bytes, suffix: str, fmt: str) -> str:
    """Ingest one fuzzed file into a fresh store and check what the store holds after."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"fuzz{suffix}"
        path.write_bytes(content)
        store = Store(folder / "store")
        try:
            (report,) = ingest_files([path], client_id="fuzz", fmt=fmt, store=store)
        except NpsInputError as err:
            assert "\n" not in str(err)
            assert not store.has("responses", "fuzz") and not store.rejects_path("fuzz").exists()
            assert store.ingest_log("fuzz") == []
            return "refused"
        assert report.read == report.stored + report.duplicates + report.unanswered + sum(report.rejected.values())
        stored = pd.read_parquet(store.partition("responses", "fuzz")) if report.stored else pd.DataFrame()
        assert len(stored) == report.stored
        assert len(store.read_rejects("fuzz")) == sum(report.rejected.values())
        assert not list((folder / "store").rglob("*.tmp"))
        return "ingested"


# Half the cases are damaged real-looking exports read as the tool would (so that many get
# past the reader into validation and the store); half are anything under any name and format.
CASES = st.one_of(
    st.tuples(mutated(), st.just(".csv"), st.just("auto")),
    st.tuples(CONTENT, st.sampled_from(SUFFIXES), st.sampled_from(FORMATS)),
)
# pyarrow cannot hand a row that is not UTF-8 to its bad-row callback and reports that as an
# unraisable exception before failing the parse; the parse failure is what is checked.
quiet = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@quiet
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CASES)
def test_fuzzed_files_ingest_or_raise_an_input_error(case):
    event(ingest_or_refuse(*case))


@quiet
@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CASES)
def test_fuzzed_files_long_run(case):
    event(ingest_or_refuse(*case))


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_every_seed_ingests_before_it_is_mutated(seed):
    suffix = (".csv", ".csv", ".json", ".xlsx", ".parquet")[seed]
    assert ingest_or_refuse(SEEDS[seed], suffix, "auto") == "ingested"
