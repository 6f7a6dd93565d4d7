"""Stats from the store: one client per period or segment, and the whole portfolio in DuckDB."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nps_helpers.errors import NpsInputError
from nps_helpers.metrics import nps
from nps_helpers.periods import period_labels
from nps_helpers.stats import client_stats, group_stats, portfolio_stats
from nps_helpers.store import Store

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
