"""The store: per-client partitions, atomic writes, dedupe, time filters, rejects."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nps_helpers.errors import NpsInputError, NpsStoreError
from nps_helpers.io.store import ClientOverview, Store, load_responses, resolve_store


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


def _from(ids, files):
    frame = _responses(ids, [9] * len(ids), ["2026-01-01"] * len(ids))
    frame["source_file"] = files
    return frame


def test_merge_replaces_the_rows_of_the_named_files_in_one_write(store):
    store.merge("responses", "acme", _from(["1", "2", "3"], ["a.csv", "a.csv", "b.csv"]))
    result = store.merge("responses", "acme", _from(["1", "9"], ["a2.csv", "a2.csv"]), replace_files=["a.csv"])
    assert (result.added, result.duplicates, result.replaced) == (2, 0, 2)
    got = store.read("responses", "acme")
    assert sorted(zip(got["response_id"], got["source_file"], strict=True)) == [("1", "a2.csv"), ("3", "b.csv"), ("9", "a2.csv")]
    # Replacing every row with nothing stored leaves no partition behind.
    assert store.merge("responses", "acme", _from([], []), replace_files=["a2.csv", "b.csv"]).replaced == 3
    assert not store.has("responses", "acme")


def test_remove_a_file_from_every_table_with_its_rejects_and_log(store):
    store.merge("responses", "acme", _from(["1", "2"], ["a.csv", "b.csv"]))
    store.merge("reviews", "acme", pd.DataFrame({"review_id": ["g:1"], "stars": [5], "source_file": ["a.csv"]}))
    store.merge("customers", "acme", pd.DataFrame({"customer_id": ["c1"]}))
    rejects = pd.DataFrame({"source_file": ["a.csv", "b.csv"], "source_row": ["3", "4"], "column": ["s", "s"],
                            "value": ["x", "y"], "reason": ["score_not_a_number"] * 2})
    store.add_rejects("acme", rejects)
    for name in ("a.csv", "b.csv"):
        store.log_ingest("acme", {"file": name, "stored": 1})
    removal = store.remove("acme", "a.csv")
    assert removal.summary() == "removed a.csv from acme: 1 response, 1 review, 1 reject, 1 ingest record"
    assert store.read("responses", "acme")["response_id"].tolist() == ["2"]
    assert not store.has("reviews", "acme") and store.has("customers", "acme")
    assert store.read_rejects("acme")["source_file"].tolist() == ["b.csv"]
    assert store.ingest_log("acme") == [{"file": "b.csv", "stored": 1}]
    assert store.files("acme") == ["b.csv"]
    whole = store.remove("acme")
    assert whole.summary() == "removed client acme: 1 response, 1 customer, 1 reject, 1 ingest record"
    assert store.clients() == [] and not store.has("customers", "acme") and store.ingest_log("acme") == []
    with pytest.raises(NpsStoreError, match="no data for client 'acme'"):
        store.remove("acme")


def test_overview_lists_clients_with_counts_dates_files_and_last_ingest(store):
    store.merge("responses", "b", _from(["1", "2"], ["y.csv", "x.csv"]))
    first = _responses(["1"], [3], ["2025-12-31 23:30"])
    first["source_file"] = ["z.csv"]
    store.merge("responses", "a", first)
    store.log_ingest("a", {"file": "z.csv", "at": "2026-01-02T10:00:00+00:00"})
    store.log_ingest("a", {"file": "z.csv", "at": "2026-01-03T10:00:00+00:00"})
    assert store.overview() == [
        ClientOverview("a", 1, "2025-12-31", "2025-12-31", ("z.csv",), "2026-01-03T10:00:00+00:00"),
        ClientOverview("b", 2, "2026-01-01", "2026-01-01", ("x.csv", "y.csv"), None),
    ]


def test_one_function_decides_the_store_root_and_every_caller_honours_nps_store(monkeypatch, tmp_path):
    monkeypatch.delenv("NPS_STORE", raising=False)
    assert resolve_store(project=tmp_path, configured="s") == tmp_path / "s"
    monkeypatch.setenv("NPS_STORE", str(tmp_path / "env"))
    assert resolve_store(project=tmp_path, configured="s") == tmp_path / "env"
    assert resolve_store(tmp_path / "arg", project=tmp_path) == tmp_path / "arg"
    # No other module decides it: nothing else reads $NPS_STORE or joins defaults.store.
    src = Path(__file__).resolve().parents[1] / "src" / "nps_helpers"
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "store.py":
            assert '"NPS_STORE"' not in text and "/ defaults.store" not in text, path
