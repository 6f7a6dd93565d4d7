"""Benchmarks: the shipped published figures, industry lookup, and peer percentiles."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.analysis.benchmarks import (
    BENCHMARK_COLUMNS,
    CURRENT_FROM,
    DETAIL_COLUMNS,
    SURVEY_TYPES,
    benchmark_table,
    industry_benchmark,
    peer_benchmark,
)
from nps_helpers.analysis.metrics import NpsResult, nps
from nps_helpers.config.params import INDUSTRIES
from nps_helpers.errors import NpsInputError

FIGURES = ("n_peers", "client_nps", "percentile", "peer_mean", "q1", "median", "q3")


def test_every_shipped_row_is_cited_and_in_range():
    t = benchmark_table()
    assert t.columns.tolist() == [*BENCHMARK_COLUMNS, *DETAIL_COLUMNS]
    assert len(t) > 0
    assert t["survey_type"].isin(SURVEY_TYPES).all() and t["publisher"].str.len().gt(3).all()
    assert t["notes"].str.len().gt(10).all()  # where in the source each figure stands
    # Titles as published: no notes of ours in them.
    assert not t["source"].str.contains(r"copy|snapshot|as reported|\(", regex=True).any()
    assert set(t["industry"]) <= set(INDUSTRIES)
    assert t["nps"].between(-100, 100).all()
    assert t["year"].between(2000, 2026).all()
    assert t["source"].str.len().gt(15).all() and t["published_as"].str.len().gt(0).all()
    assert t["url"].str.match(r"^https?://[^ ]+$").all()
    assert (t["sample_size"].dropna() > 0).all()
    assert not t.duplicated(subset=["industry", "region", "year", "published_as", "source"]).any()


@pytest.mark.parametrize(
    "industry, year, published_as, value, quote",
    [
        # Temkin 2017 release: "ranged from a high of 43 for auto dealers down to a low of 9
        # for TV & Internet service providers".
        ("telecom", 2017, "TV & Internet service providers", 9, "Temkin 2017"),
        # Temkin 2018 release: "down to a low of 0 for TV/Internet service providers".
        ("telecom", 2018, "TV/Internet service providers", 0, "Temkin 2018"),
        # Temkin 2014 release: "insurance carriers (30)" and "utilities (5)".
        ("insurance", 2014, "Insurance carriers", 30, "Temkin 2014"),
        ("utilities", 2014, "Utilities", 5, "Temkin 2014"),
        # XM Institute 2023: "consumer payments (1), car rentals (3), and airlines (7)".
        ("airlines", 2023, "Airlines", 7, "XM Institute 2023"),
        # XM Institute 2022: "retail received the highest NPS, with an average score of 28.4".
        ("retail", 2022, "Retail", 28.4, "XM Institute 2022"),
    ],
)
def test_rows_match_the_published_text(industry, year, published_as, value, quote):
    t = benchmark_table()
    row = t[(t["industry"] == industry) & (t["year"] == year) & (t["published_as"] == published_as)]
    assert len(row) == 1, quote
    assert row["nps"].iloc[0] == value


def test_industry_benchmark_newest_first():
    b = industry_benchmark("telecom")
    assert b.status == "ok" and b.industry == "telecom"
    assert (b.table["industry"] == "telecom").all()
    assert b.table["year"].is_monotonic_decreasing
    assert b.table.columns.tolist() == [*BENCHMARK_COLUMNS, *DETAIL_COLUMNS, "historical"]
    assert b.table["historical"].tolist() == [y < CURRENT_FROM for y in b.table["year"]]
    assert b.table["historical"].any() and not b.table["historical"].all()


def test_industry_without_figures_is_a_result_not_an_error():
    shipped = set(benchmark_table()["industry"])
    for industry in set(INDUSTRIES) - shipped:
        b = industry_benchmark(industry)
        assert b.status == "no_published_figures"
        assert b.table.empty and b.table.columns.tolist() == [*BENCHMARK_COLUMNS, *DETAIL_COLUMNS, "historical"]


def test_the_returned_table_is_a_copy():
    t = benchmark_table()
    t.loc[:, "nps"] = 0
    first = industry_benchmark("airlines")
    first.table.loc[:, "nps"] = 99
    assert industry_benchmark("airlines").table["nps"].iloc[0] == 7


def test_own_table_replaces_the_shipped_one():
    own = pd.DataFrame([{"industry": "software", "region": "EU", "year": 2025, "nps": 41.0,
                         "sample_size": 800, "published_as": "SaaS", "source": "In-house panel",
                         "url": "https://example.org/panel"}])
    b = industry_benchmark("software", table=own)
    assert b.status == "ok" and b.table["nps"].tolist() == [41.0]
    assert b.table["survey_type"].tolist() == [""]  # details it does not give stay blank
    with pytest.raises(NpsInputError, match="lacks the columns url; add them"):
        industry_benchmark("software", table=own.drop(columns="url"))
    with pytest.raises(NpsInputError, match="row 2, column survey_type: 'panel' is not one of"):
        industry_benchmark("software", table=own.assign(survey_type="panel"))


def test_unknown_industry():
    with pytest.raises(NpsInputError, match="not known; use one of banking"):
        industry_benchmark("fintech")


# --- peers ---------------------------------------------------------------------------------
def test_four_peers_show_nothing():
    r = peer_benchmark(30.0, [10.0, 20.0, 40.0, 50.0])
    assert r.status == "too_few_peers" and r.min_peers == 5
    assert all(getattr(r, f) is None for f in FIGURES)


def test_percentile_and_aggregates_by_hand():
    peers = [0.0, 10.0, 20.0, 30.0, 45.0]
    r = peer_benchmark(20.0, peers)
    assert r.status == "ok" and r.n_peers == 5
    assert r.percentile == 50.0  # two below, one tie counted half: 2.5 of 5
    assert r.peer_mean == 21.0  # 105 / 5
    # Quartile positions 1, 2, 3 of 0..4 pool the peer with its two neighbours.
    assert (r.q1, r.median, r.q3) == (10.0, 20.0, 32.0)  # 30/3, 60/3, 95/3 rounded
    assert peer_benchmark(50.0, peers).percentile == 100.0
    assert peer_benchmark(-5.0, peers).percentile == 0.0


def test_peers_from_a_frame_exclude_the_client_and_skip_missing():
    frame = pd.DataFrame({"client_id": ["me", "a", "b", "c", "d", "e", "f"],
                          "nps": [99.0, 10.0, 20.0, 30.0, 40.0, 50.0, np.nan]})
    r = peer_benchmark(nps([10] * 3 + [0]), frame, exclude="me")
    assert r.n_peers == 5 and r.client_nps == 50.0 and r.percentile == 90.0
    # Without 'e', only four peers have a figure.
    assert peer_benchmark(50.0, frame[frame["client_id"] != "e"], exclude="me").status == (
        "too_few_peers"
    )


def test_peers_below_min_n_are_left_out_and_counted():
    frame = pd.DataFrame({"client_id": list("abcdefg"), "nps": [0.0, 10, 20, 30, 40, 50, -80],
                          "n": [40, 35, 30, 29, 120, 60, 3]})
    r = peer_benchmark(25.0, frame, min_n=30)
    # d (29 responses) and g (3) are left out: 0, 10, 20 below, 40 and 50 above.
    assert (r.status, r.n_peers, r.n_small, r.percentile) == ("ok", 5, 2, 60.0)
    assert r.peer_mean == 24.0  # 120 / 5, without -80 and 30
    assert peer_benchmark(25.0, frame, min_n=31).status == "too_few_peers"
    assert peer_benchmark(25.0, frame, min_n=31).n_small == 3
    assert peer_benchmark(25.0, frame).n_peers == 7
    with pytest.raises(NpsInputError, match="column 'n'"):
        peer_benchmark(25.0, frame.drop(columns="n"), min_n=30)


def _client(centre: float, half: float) -> NpsResult:
    return NpsResult(n=100, promoters=50, passives=30, detractors=20, promoter_share=0.5,
                     passive_share=0.3, detractor_share=0.2, nps=centre, ci_low=centre - half,
                     ci_high=centre + half, method="adjusted_wald")


def test_position_range_from_both_intervals_by_hand():
    # The client: +30 (20 to 40). Margins z * sqrt(se_c^2 + se_p^2) = sqrt(half_c^2 + half_p^2).
    peers = pd.DataFrame({"nps": [10.0, 20.0, 29.8, 35.0, 45.0, 60.0],
                          "half": [5.0, 5.0, 3.0, 1.0, 4.0, 10.0]})
    frame = peers.assign(ci_low=peers["nps"] - peers["half"], ci_high=peers["nps"] + peers["half"],
                         n=100)
    r = peer_benchmark(_client(30.0, 10.0), frame, min_n=30)
    # gap 20 > 11.2: surely below. 10 < 11.2, 0.2 < 10.4, -5 > -10.0: either side.
    # -15 < -10.8 and -30 < -14.1: surely above. 1 below, 2 above of 6.
    assert (r.percentile_low, r.percentile, r.percentile_high) == (16.7, 50.0, 66.7)
    # A 0.2-point move of the client past the peer at +29.8 moves the point, not the range.
    moved = peer_benchmark(_client(29.6, 10.0), frame)
    assert moved.percentile == 33.3
    assert (moved.percentile_low, moved.percentile_high) == (16.7, 66.7)
    # Bare numbers: only the client's interval counts (20 to 40 holds 20, 29.8 and 35).
    bare = peer_benchmark(_client(30.0, 10.0), peers["nps"].tolist())
    assert (bare.percentile_low, bare.percentile_high) == (16.7, 66.7)
    assert peer_benchmark(30.0, peers["nps"].tolist()).percentile_high == 50.0


@given(st.lists(st.integers(-100, 100), min_size=5, max_size=40), st.integers(-100, 100), st.integers(0, 30))
@settings(max_examples=100, deadline=None)
def test_the_point_lies_in_its_range(peers, client, half):
    frame = pd.DataFrame({"nps": [float(v) for v in peers]})
    frame = frame.assign(ci_low=frame["nps"] - 8, ci_high=frame["nps"] + 8)
    r = peer_benchmark(_client(float(client), float(half)), frame)
    assert 0 <= r.percentile_low <= r.percentile <= r.percentile_high <= 100


def test_a_stricter_minimum_is_allowed():
    assert peer_benchmark(0.0, [1, 2, 3, 4, 5, 6], min_peers=8).status == "too_few_peers"


peer_lists = st.lists(st.integers(-100, 100), min_size=5, max_size=40)


@given(peer_lists, st.integers(-100, 100), st.data())
@settings(max_examples=150, deadline=None)
def test_no_aggregate_follows_a_single_peer(peers, client, data):
    values = sorted(float(v) for v in peers)
    k = data.draw(st.integers(0, len(values) - 1))
    low = values[k - 1] if k > 0 else -100.0
    high = values[k + 1] if k < len(values) - 1 else 100.0
    moved = values.copy()
    moved[k] = float(data.draw(st.integers(int(np.ceil(low)), int(np.floor(high)))))
    before, after = peer_benchmark(float(client), values), peer_benchmark(float(client), moved)
    change = abs(moved[k] - values[k])
    for field in ("peer_mean", "q1", "median", "q3"):
        # A pooled figure moves by at most half the change of one peer (plus rounding).
        assert abs(getattr(after, field) - getattr(before, field)) <= change / 2 + 1
    assert 0 <= before.percentile <= 100
    assert before.q1 <= before.median <= before.q3


@pytest.mark.parametrize(
    "args, kwargs, fragment",
    [
        ((30.0, [1] * 6), {"min_peers": 4}, "min_peers must be"),
        ((130.0, [1] * 6), {}, "from -100 to 100"),
        (("30", [1] * 6), {}, "from -100 to 100"),
        ((30.0, [1, 2, 3, 4, 500]), {}, "peer NPS values"),
        ((30.0, ["x"] * 5), {}, "peer NPS values"),
        ((30.0, pd.DataFrame({"score": [1] * 5})), {}, "column 'nps'"),
        ((30.0, pd.DataFrame({"nps": [1] * 5})), {"exclude": "me"}, "column 'client_id'"),
    ],
)
def test_bad_peer_input(args, kwargs, fragment):
    with pytest.raises(NpsInputError, match=fragment):
        peer_benchmark(*args, **kwargs)


def test_peers_straight_from_the_store(tmp_path):
    from nps_helpers.analysis.stats import portfolio_stats
    from nps_helpers.io.store import Store

    store = Store(tmp_path / "store")
    for i, promoters in enumerate([2, 4, 6, 8, 10, 12]):
        scores = [10] * promoters + [0] * (12 - promoters)
        store.merge("responses", f"c{i}", pd.DataFrame({
            "response_id": [str(k) for k in range(12)], "score": scores,
            "responded_at": pd.to_datetime(["2026-02-01"] * 12, utc=True)}))
    table = portfolio_stats(store, by=None)
    mine = table.set_index("client_id").loc["c2", "nps"]  # 6 of 12 promoters: 0
    r = peer_benchmark(mine, table, exclude="c2")
    assert (r.status, r.n_peers, r.percentile) == ("ok", 5, 40.0)  # c0, c1 below of 5
    assert peer_benchmark(mine, table[table["client_id"] != "c5"], exclude="c2").status == (
        "too_few_peers"
    )
