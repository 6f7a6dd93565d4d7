"""The store: per-client partitions, atomic writes, dedupe, time filters, rejects."""
from __future__ import annotations

import pandas as pd
import pytest

from nps_helpers.errors import NpsInputError, NpsStoreError
from nps_helpers.store import Store, load_responses, resolve_store


def _responses(ids, scores, dates):
    return pd.DataFrame(
        {
            "response_id": ids,
            "score": pd.array(scores, dtype="int8"),
            "responded_at": pd.to_datetime(dates, utc=True),
            "comment": [f"c{i}" for i in ids],
        }
    )


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store")


def test_merge_dedupes_against_store_and_within_frame(store):
    first = _responses(["1", "2", "2"], [9, 3, 3], ["2026-01-01"] * 3)
    assert store.merge("responses", "acme", first).added == 2
    again = _responses(["2", "3"], [3, 10], ["2026-01-02"] * 2)
    result = store.merge("responses", "acme", again)
    assert (result.added, result.duplicates) == (1, 1)
    assert sorted(store.read("responses", "acme")["response_id"]) == ["1", "2", "3"]


def test_read_filters_half_open_window_and_keeps_utc(store):
    store.merge(
        "responses", "acme",
        _responses(["a", "b", "c"], [1, 2, 3], ["2026-01-31 23:59:00", "2026-02-01 00:00:00", "2026-03-01 00:00:00"]),
    )
    got = load_responses("acme", start="2026-02-01", end="2026-03-01", store=store)
    assert got["response_id"].tolist() == ["b"]
    assert str(got["responded_at"].dt.tz) == "UTC"
    assert got["client_id"].unique().tolist() == ["acme"]


def test_read_opens_only_the_clients_own_partition(store):
    store.merge("responses", "acme", _responses(["1"], [9], ["2026-01-01"]))
    store.merge("responses", "other", _responses(["1"], [0], ["2026-01-01"]))
    # A broken neighbour must not matter: nothing but acme's file is read.
    store.partition("responses", "other").write_bytes(b"not parquet")
    assert store.read("responses", "acme")["score"].tolist() == [9]


def test_failed_write_leaves_previous_partition_intact(store, monkeypatch):
    store.merge("responses", "acme", _responses(["1"], [9], ["2026-01-01"]))
    before = store.partition("responses", "acme").read_bytes()

    def crash(self, path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash)
    with pytest.raises(OSError):
        store.merge("responses", "acme", _responses(["2"], [1], ["2026-01-02"]))
    assert store.partition("responses", "acme").read_bytes() == before


def test_missing_client_is_a_clear_store_error(store):
    with pytest.raises(NpsStoreError, match="nps-report ingest"):
        store.read("responses", "nobody")
    assert store.read("customers", "nobody").empty


def test_unsafe_client_ids_are_refused(store):
    for bad in ["../etc", "a/b", "", "x" * 65, ".hidden"]:
        with pytest.raises(NpsInputError):
            store.partition("responses", bad)


def test_rejects_accumulate_without_repeating(store):
    rows = pd.DataFrame(
        {"source_file": ["f.csv"], "source_row": ["4"], "column": ["score"], "value": ["11"],
         "reason": ["score out of range 0-10"]}
    )
    store.add_rejects("acme", rows)
    store.add_rejects("acme", rows)
    assert len(store.read_rejects("acme")) == 1


def test_ingest_log_and_sql_over_all_clients(store):
    store.merge("responses", "a", _responses(["1", "2"], [10, 0], ["2026-01-01"] * 2))
    store.merge("responses", "b", _responses(["1"], [8], ["2026-01-01"]))
    store.log_ingest("a", {"read": 2, "stored": 2})
    assert store.ingest_log("a") == [{"read": 2, "stored": 2}]
    counts = store.sql("SELECT client_id, count(*) AS n FROM {responses} GROUP BY 1 ORDER BY 1")
    assert counts.to_dict("records") == [{"client_id": "a", "n": 2}, {"client_id": "b", "n": 1}]


def test_store_root_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("NPS_STORE", str(tmp_path))
    assert resolve_store() == tmp_path
    assert resolve_store("elsewhere").name == "elsewhere"
