"""Stats from the store: one client per period or segment, and the whole portfolio in DuckDB."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nps_helpers.analysis.metrics import nps
from nps_helpers.analysis.stats import client_stats, group_stats, portfolio_stats
from nps_helpers.core.periods import period_labels
from nps_helpers.errors import NpsInputError
from nps_helpers.io.store import Store

STATS = ["n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high"]


def _responses(n: int, seed: int, *, region: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 400 * 86400, n)
    frame = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)],
        "score": rng.integers(0, 11, n).astype("int8"),
        "responded_at": pd.Timestamp("2025-06-01", tz="UTC") + pd.to_timedelta(seconds, unit="s"),
    })
    if region:
        frame["region"] = pd.array(rng.choice(["EU", "US"], n), dtype="str")
    return frame


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "store")
    s.merge("responses", "acme", _responses(300, 1))
    s.merge("responses", "bolt", _responses(200, 2, region=False))
    s.merge("responses", "cora", _responses(50, 3))
    return s


@pytest.mark.parametrize("by", ["month", "quarter", "year"])
def test_portfolio_matches_each_clients_own_stats(store, by):
    table = portfolio_stats(store, by=by)
    assert table.columns.tolist() == ["client_id", "period", *STATS]
    for client in ("acme", "bolt", "cora"):
        own = client_stats(client, by=by, store=store).rename(columns={"group": "period"})
        mine = table[table["client_id"] == client].drop(columns="client_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, own, check_dtype=False)


def test_labels_and_counts_by_an_independent_pandas_count(store):
    frame = store.read("responses", "acme")
    labels = period_labels(frame["responded_at"], "quarter")
    by_hand = frame.assign(period=labels).groupby("period")["score"].agg(
        promoters=lambda s: int((s >= 9).sum()), detractors=lambda s: int((s <= 6).sum()), n="size"
    )
    got = portfolio_stats(store, by="quarter", clients=["acme"]).set_index("period")
    assert got[["promoters", "detractors", "n"]].to_dict() == by_hand.to_dict()


def test_one_row_per_client_and_the_interval(store):
    table = portfolio_stats(store, by=None).set_index("client_id")
    assert table.index.tolist() == ["acme", "bolt", "cora"]
    for client in table.index:
        r = nps(store.read("responses", client)["score"])
        got = table.loc[client]
        assert got["n"] == r.n
        assert (got["nps"], got["ci_low"], got["ci_high"]) == pytest.approx((r.nps, r.ci_low, r.ci_high))


def test_clients_and_time_window(store):
    only = portfolio_stats(store, by=None, clients=["bolt", "cora", "ghost"])
    assert only["client_id"].tolist() == ["bolt", "cora"]
    window = portfolio_stats(store, by="month", start="2025-07-01", end="2025-08-01")
    assert set(window["period"]) == {"2025-07"}
    for client, n in window.set_index("client_id")["n"].items():
        stamps = store.read("responses", client)["responded_at"]
        assert n == ((stamps >= "2025-07-01") & (stamps < "2025-08-01")).sum()


def test_utc_month_boundary(tmp_path):
    s = Store(tmp_path / "s")
    s.merge("responses", "acme", pd.DataFrame({
        "response_id": ["a", "b"], "score": [10, 0],
        "responded_at": [pd.Timestamp("2026-03-31 23:30", tz="America/New_York"),
                         pd.Timestamp("2026-03-31 23:30", tz="UTC")],
    }))
    table = portfolio_stats(s)
    assert table[["period", "n"]].to_dict("records") == [
        {"period": "2026-03", "n": 1}, {"period": "2026-04", "n": 1}
    ]


def test_empty_store_gives_an_empty_table(tmp_path):
    table = portfolio_stats(Store(tmp_path / "none"))
    assert table.empty
    assert table.columns.tolist() == ["client_id", "period", *STATS]
    assert portfolio_stats(Store(tmp_path / "none"), by=None).columns.tolist() == ["client_id", *STATS]


def test_bad_arguments(store):
    with pytest.raises(NpsInputError, match="month, quarter, year or None"):
        portfolio_stats(store, by="week")
    with pytest.raises(NpsInputError, match="client id"):
        portfolio_stats(store, clients=["../etc"])
    with pytest.raises(NpsInputError, match="level must be"):
        portfolio_stats(store, level=2)


def test_group_stats_by_segment_and_period():
    frame = pd.DataFrame({
        "score": [10, 0, 8, 9],
        "region": pd.array(["EU", "EU", None, "US"], dtype="str"),
        "responded_at": pd.to_datetime(["2026-01-01", "2026-01-31", "2026-02-01", "2026-02-28"], utc=True),
    })
    regions = group_stats(frame, by="region").set_index("group")
    assert regions["n"].to_dict() == {"(blank)": 1, "EU": 2, "US": 1}
    assert regions.loc["EU", "nps"] == 0.0
    months = group_stats(frame, by="month").set_index("group")
    assert months["nps"].to_dict() == {"2026-01": 0.0, "2026-02": 50.0}
    with pytest.raises(NpsInputError, match="cannot group by 'plan'"):
        group_stats(frame, by="plan")


# --- the client's time zone ----------------------------------------------------------
def _edge_store(tmp_path) -> Store:
    """Two clients with the same responses at 22:30 UTC on 30 June (00:30 on 1 July in
    Warsaw) and 03:30 UTC on 1 July (23:30 on 30 June in New York)."""
    s = Store(tmp_path / "edge")
    frame = pd.DataFrame({"response_id": ["a", "b"], "score": [10, 0],
                          "responded_at": pd.to_datetime(["2026-06-30 22:30", "2026-07-01 03:30"], utc=True)})
    for cid in ("wawa", "nyc"):
        s.merge("responses", cid, frame)
    return s


def test_portfolio_counts_each_client_in_its_own_zone(tmp_path):
    s = _edge_store(tmp_path)
    zones = {"wawa": "Europe/Warsaw", "nyc": "America/New_York"}
    table = portfolio_stats(s, by="month", timezones=zones)
    assert table[["client_id", "period", "n", "nps"]].values.tolist() == [
        ["nyc", "2026-06", 2, 0.0], ["wawa", "2026-07", 2, 0.0]]
    quarters = portfolio_stats(s, by="quarter", timezones={"wawa": "Europe/Warsaw"})
    # A client the mapping leaves out is counted in UTC.
    assert quarters[["client_id", "period", "n"]].values.tolist() == [
        ["nyc", "2026-Q2", 1], ["nyc", "2026-Q3", 1], ["wawa", "2026-Q3", 2]]
    for cid, zone in zones.items():
        own = client_stats(cid, by="month", store=s, tz=zone)
        mine = table[table["client_id"] == cid].drop(columns="client_id").rename(columns={"period": "group"})
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), own, check_dtype=False)


def test_naive_bounds_are_local_to_each_client_aware_ones_are_one_instant(tmp_path):
    s = _edge_store(tmp_path)
    zones = {"wawa": "Europe/Warsaw", "nyc": "America/New_York"}
    july = portfolio_stats(s, by=None, start="2026-07-01", end="2026-08-01", timezones=zones)
    assert july.set_index("client_id")["n"].to_dict() == {"wawa": 2}
    instant = pd.Timestamp("2026-07-01", tz="UTC")
    same = portfolio_stats(s, by=None, start=instant, timezones=zones)
    assert same.set_index("client_id")["n"].to_dict() == {"nyc": 1, "wawa": 1}


def test_client_stats_bounds_and_groups_follow_tz(tmp_path):
    s = _edge_store(tmp_path)
    assert client_stats("wawa", by="month", store=s, tz="Europe/Warsaw")["group"].tolist() == ["2026-07"]
    assert client_stats("wawa", by="month", store=s, tz="UTC")["group"].tolist() == ["2026-06", "2026-07"]
    assert client_stats("nyc", by="year", start="2026-07-01", store=s, tz="America/New_York").empty
    june = client_stats("nyc", by="month", end="2026-07-01", store=s, tz="America/New_York")
    assert june[["group", "n"]].values.tolist() == [["2026-06", 2]]


def test_group_stats_by_period_in_a_zone_and_bad_zones(tmp_path):
    frame = pd.DataFrame({"score": [10, 0], "responded_at": pd.to_datetime(
        ["2026-06-30 22:30", "2026-07-01 03:30"], utc=True)})
    assert group_stats(frame, by="quarter", tz="Europe/Warsaw")[["group", "n"]].values.tolist() == [["2026-Q3", 2]]
    with pytest.raises(NpsInputError, match="unknown time zone 'Warsaw'"):
        group_stats(frame, by="month", tz="Warsaw")
    with pytest.raises(NpsInputError, match="unknown time zone 'Moscow'"):
        portfolio_stats(_edge_store(tmp_path), timezones={"nyc": "Moscow"})


# --- flags and --suppress (stats --json) ---------------------------------------------------
def _months_store(tmp_path) -> Store:
    """acme: January 40 responses, February 7 (a -43 month), March 20."""
    scores = {"2026-01-15": [10] * 25 + [8] * 5 + [0] * 10, "2026-02-15": [10] * 2 + [0] * 5,
              "2026-03-15": [9] * 12 + [7] * 4 + [3] * 4}
    rows = [(day, s) for day, values in scores.items() for s in values]
    s = Store(tmp_path / "store")
    s.merge("responses", "acme", pd.DataFrame({
        "response_id": [f"r{i}" for i in range(len(rows))], "score": [v for _, v in rows],
        "responded_at": pd.to_datetime([d for d, _ in rows], utc=True)}))
    return s


def _cli_json(tmp_path, *extra: str) -> list[dict]:
    import json

    from typer.testing import CliRunner

    from nps_helpers.cli import app
    result = CliRunner().invoke(app, ["stats", "--client", "acme", "--json", "--store",
                                      str(tmp_path / "store"), "--params", str(tmp_path / "params"),
                                      *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_stats_json_flags_each_row_and_suppress_withholds_as_the_report_does(tmp_path):
    _months_store(tmp_path)
    rows = _cli_json(tmp_path)
    assert [(r["group"], r["n"], r["flag"]) for r in rows] == [
        ("2026-01", 40, "ok"), ("2026-02", 7, "suppressed"), ("2026-03", 20, "low_n")]
    assert rows[1]["nps"] == pytest.approx(100 * (2 - 5) / 7)  # shown without --suppress
    withheld = _cli_json(tmp_path, "--suppress")
    assert withheld[1] == {"group": "2026-02", "n": 7, "promoters": None, "passives": None,
                           "detractors": None, "nps": None, "ci_low": None, "ci_high": None,
                           "flag": "suppressed"}
    assert withheld[0] == rows[0] and withheld[2] == rows[2]
    assert isinstance(withheld[0]["promoters"], int) and withheld[0]["promoters"] == 25


def test_stats_flags_follow_the_clients_params(tmp_path):
    _months_store(tmp_path)
    (tmp_path / "params" / "clients").mkdir(parents=True)
    (tmp_path / "params" / "defaults.yaml").write_text("suppress_n: 25\n")
    (tmp_path / "params" / "clients" / "acme.yaml").write_text(
        "client_id: acme\ndisplay_name: Acme\nindustry: retail\nmin_n: 50\n")
    rows = _cli_json(tmp_path, "--suppress")
    assert [r["flag"] for r in rows] == ["low_n", "suppressed", "suppressed"]
    assert [r["nps"] is None for r in rows] == [False, True, True]


def test_flag_rows_by_hand_keeps_the_callers_table():
    from nps_helpers.analysis.stats import flag_rows
    table = pd.DataFrame({"group": ["a", "b", "c", "d"], "n": [9, 10, 29, 30],
                          "nps": [1.0, 2.0, 3.0, 4.0]})
    assert flag_rows(table)["flag"].tolist() == ["suppressed", "low_n", "low_n", "ok"]
    assert flag_rows(table, suppress=True)["nps"].tolist() == [None, 2.0, 3.0, 4.0]
    assert "flag" not in table.columns
