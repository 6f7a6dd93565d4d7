"""Segments: NPS per group, difference from the rest, small-n flags and what is withheld."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.analysis.metrics import nps, nps_difference
from nps_helpers.analysis.segments import nps_by_segment, nps_by_segments
from nps_helpers.errors import NpsInputError

WITHHELD = ["n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high",
            "difference", "p_value"]


def _frame(groups: dict[str, list[int]], column: str = "region") -> pd.DataFrame:
    rows = [(g, s) for g, scores in groups.items() for s in scores]
    return pd.DataFrame({column: [g for g, _ in rows], "score": [s for _, s in rows]})


def test_two_groups_by_hand():
    frame = _frame({"North": [10] * 60 + [0] * 40, "South": [10] * 40 + [0] * 60})
    t = nps_by_segment(frame, "region").set_index("group")
    assert t.loc["North", "nps"] == 20.0 and t.loc["South", "nps"] == -20.0
    assert t.loc["North", "n"] == 100
    # Against the rest = the other group: +40 points; test centred on the adjusted +38.8,
    # p = 0.0042 (see test_metrics).
    assert t.loc["North", "difference"] == pytest.approx(40.0)
    assert t.loc["South", "difference"] == pytest.approx(-40.0)
    assert t.loc["North", "p_value"] == pytest.approx(0.00420, abs=1e-5)
    assert t["significant"].all()
    assert (t["flag"] == "ok").all() and not t["suppressed"].any() and not t["small_n"].any()
    r = nps([10] * 60 + [0] * 40)
    assert (t.loc["North", "ci_low"], t.loc["North", "ci_high"]) == pytest.approx((r.ci_low, r.ci_high))


def test_rest_is_the_other_groups_pooled():
    rng = np.random.default_rng(1)
    scores = {g: rng.integers(0, 11, n).tolist() for g, n in (("A", 80), ("B", 50), ("C", 120))}
    t = nps_by_segment(_frame(scores, "plan"), "plan").set_index("group")
    for g in scores:
        rest = [s for other, values in scores.items() if other != g for s in values]
        expected = nps_difference(scores[g], rest)
        assert t.loc[g, "difference"] == pytest.approx(expected.difference)
        assert t.loc[g, "p_value"] == pytest.approx(expected.p_value)
        assert t.loc[g, "significant"] == expected.significant


def test_flags_at_the_boundaries():
    frame = _frame({"a": [9] * 9, "b": [9] * 10, "c": [9] * 29, "d": [9] * 30, "e": [0] * 300})
    t = nps_by_segment(frame, "region")
    # 'a' (9) is withheld and 'b' (10) with it, so that 'a' is not total minus the rest;
    # the two are pooled into one row of 19, which is small but shown.
    assert t[["group", "n", "flag", "suppressed", "small_n", "pooled"]].to_dict("records") == [
        {"group": "c", "n": 29, "flag": "small", "suppressed": False, "small_n": True, "pooled": 0},
        {"group": "d", "n": 30, "flag": "ok", "suppressed": False, "small_n": False, "pooled": 0},
        {"group": "e", "n": 300, "flag": "ok", "suppressed": False, "small_n": False, "pooled": 0},
        {"group": None, "n": 19, "flag": "small", "suppressed": False, "small_n": True,
         "pooled": 2},
    ]
    assert t["members"].tolist() == [(), (), (), ("a", "b")]


def test_one_small_group_and_the_one_protecting_it_pool_into_other():
    frame = _frame({"big": [10] * 50 + [0] * 20, "mid": [8] * 40, "tiny": [0, 0, 10]})
    t = nps_by_segment(frame, "region")
    # 'tiny' alone would be total minus the others, so the smallest shown group ('mid')
    # is withheld too; the two pool into one row and only their sum is known.
    assert t["group"].tolist() == ["big", None]
    other = t.iloc[1]
    assert (other["pooled"], other["members"], other["flag"]) == (2, ("mid", "tiny"), "ok")
    # By hand: 1 promoter, 40 passives, 2 detractors; NPS = 100 * (1 - 2) / 43.
    assert (other["n"], other["promoters"], other["passives"], other["detractors"]) == (43, 1, 40, 2)
    assert other["nps"] == pytest.approx(-100 / 43)
    expected = nps_difference([8] * 40 + [0, 0, 10], [10] * 50 + [0] * 20)
    assert other["difference"] == pytest.approx(expected.difference)
    assert t.iloc[0]["difference"] == pytest.approx(-expected.difference)
    assert t.iloc[0]["nps"] == pytest.approx(100 * 30 / 70)


def test_withheld_groups_pool_into_one_last_row_counted_by_hand():
    big = {"Austria": [10] * 30 + [7] * 10, "Brazil": [9] * 20 + [0] * 25, "Chile": [6] * 50}
    small = {"Argentina": [10, 10], "Denmark": [0, 8, 9], "Estonia": [3, 4, 10, 10],
             "Zambia": [7, 7, 1]}
    t = nps_by_segment(_frame({**big, **small}), "region")
    assert t["group"].tolist() == ["Austria", "Brazil", "Chile", None]
    other = t.iloc[-1]
    # By hand over the 12 responses: promoters 2 + 1 + 2 + 0 = 5, passives 0 + 1 + 0 + 2 = 3,
    # detractors 0 + 1 + 2 + 1 = 4; NPS = 100 * (5 - 4) / 12 = 8.33.
    assert (other["n"], other["promoters"], other["passives"], other["detractors"]) == (12, 5, 3, 4)
    assert other["nps"] == pytest.approx(100 / 12)
    assert (other["flag"], other["suppressed"], other["small_n"]) == ("small", False, True)
    assert other["members"] == ("Argentina", "Denmark", "Estonia", "Zambia")
    r = nps(sum(small.values(), []))
    assert (other["ci_low"], other["ci_high"]) == pytest.approx((r.ci_low, r.ci_high))
    rest = sum(big.values(), [])
    assert other["difference"] == pytest.approx(nps_difference(sum(small.values(), []), rest).difference)
    # Each large group is compared with the other large ones and the pool.
    chile = nps_difference(big["Chile"], big["Austria"] + big["Brazil"] + sum(small.values(), []))
    assert t.iloc[2]["difference"] == pytest.approx(chile.difference)
    assert t["pooled"].tolist() == [0, 0, 0, 4]


def test_a_group_named_like_the_pooled_row_does_not_clash():
    frame = _frame({"Other (2 groups)": [9] * 20, "x": [0] * 20, "a": [9] * 3, "b": [0] * 8})
    t = nps_by_segment(frame, "region")
    assert t["group"].tolist() == ["Other (2 groups)", "x", None]
    assert t["pooled"].tolist() == [0, 0, 2] and t["n"].tolist() == [20, 20, 11]


def test_no_secondary_when_the_withheld_groups_reach_suppress_n_together():
    frame = _frame({"x": [9] * 6, "y": [3] * 5, "z": [10] * 40, "w": [0] * 40})
    t = nps_by_segment(frame, "region").set_index("group")
    # 'x' and 'y' hold 11 together: pooled, nothing else withheld; 6 promoters, 5 detractors.
    assert t["flag"].to_dict() == {"w": "ok", "z": "ok", None: "small"}
    assert (t.loc[None, "n"], t.loc[None, "nps"]) == (11, pytest.approx(100 / 11))
    # 'z' is compared with 'w' and the pooled row, as with any other shown group.
    rest = [0] * 40 + [9] * 6 + [3] * 5
    assert t.loc["z", "difference"] == pytest.approx(nps_difference([10] * 40, rest).difference)


def test_a_pool_below_suppress_n_stays_withheld_as_one_row():
    t = nps_by_segment(_frame({"a": [9] * 3, "b": [0] * 4, "c": [7, 8]}), "region")
    assert t[["group", "flag", "suppressed", "pooled"]].to_dict("records") == [
        {"group": None, "flag": "suppressed", "suppressed": True, "pooled": 3}]
    assert t["members"].tolist() == [("a", "b", "c")]
    assert t[WITHHELD].isna().all().all()
    assert not t["significant"].any()


def test_a_single_small_group_stays_its_own_withheld_row():
    t = nps_by_segment(_frame({"a": [9] * 3}), "region")
    assert t[["group", "flag", "pooled"]].to_dict("records") == [
        {"group": "a", "flag": "suppressed", "pooled": 0}]
    assert t[WITHHELD].isna().all().all()


def test_no_pooling_when_no_group_is_withheld():
    t = nps_by_segment(_frame({"a": [9] * 10, "b": [0] * 12}), "region")
    assert t["group"].tolist() == ["a", "b"] and t["pooled"].tolist() == [0, 0]
    assert t["members"].tolist() == [(), ()]


groups_strategy = st.dictionaries(
    st.sampled_from(list("ABCDEFG")),
    st.lists(st.integers(0, 10), min_size=1, max_size=45),
    min_size=1,
    max_size=6,
)


@given(groups_strategy, st.integers(0, 10))
@settings(max_examples=80, deadline=None)
def test_withheld_scores_never_change_what_is_shown(groups, replacement):
    frame = _frame(groups)
    t = nps_by_segment(frame, "region")
    pooled = {g for members in t["members"] for g in members}
    withheld = set(t.loc[t["suppressed"] & t["group"].notna(), "group"])
    withheld |= {g for members in t.loc[t["suppressed"], "members"] for g in members}
    changed = frame.copy()
    changed.loc[changed["region"].isin(withheld), "score"] = replacement
    # Moving scores between pooled groups keeps the pool's counts: no member shows through.
    inside = changed["region"].isin(pooled)
    changed.loc[inside, "score"] = changed.loc[inside, "score"].to_numpy()[::-1].copy()
    again = nps_by_segment(changed, "region")
    pd.testing.assert_frame_equal(t, again)
    assert (t["pooled"] != 1).all() and (t["pooled"].iloc[:-1] == 0).all()
    assert t["pooled"].iloc[-1] == len(pooled)
    hidden = sum(len(groups[g]) for g in pooled | withheld)
    if hidden and len(pooled | withheld) < len(groups):
        assert hidden >= 10  # what the total minus the shown groups gives away
    shown = t[~t["suppressed"]]
    assert (shown["n"] >= 10).all()
    assert ((shown["flag"] == "small") == (shown["n"] < 30)).all()
    assert ((shown["nps"] >= -100) & (shown["nps"] <= 100)).all()


def test_missing_values_form_the_not_stated_group_and_numbers_work():
    frame = pd.DataFrame({"score": [10] * 12 + [0] * 12, "tier": [1.0] * 12 + [np.nan] * 12})
    t = nps_by_segment(frame, "tier", suppress_n=5)
    assert t["group"].tolist() == ["1.0", "not_stated"]
    assert t["nps"].tolist() == [100.0, -100.0]


def test_categorical_column_and_index_do_not_matter():
    frame = _frame({"EU": [9] * 12, "US": [0] * 12}).set_axis(range(100, 124))
    frame["region"] = frame["region"].astype("category")
    t = nps_by_segment(frame, "region", suppress_n=5)
    assert t.set_index("group")["nps"].to_dict() == {"EU": 100.0, "US": -100.0}


def test_callers_frame_is_not_modified():
    frame = _frame({"a": [9] * 5, "b": [0] * 40, "c": [7] * 40})
    before = frame.copy()
    nps_by_segment(frame, "region")
    nps_by_segments(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_several_segments_stacked():
    frame = pd.DataFrame({
        "score": [10, 0, 8] * 20,
        "region": ["N", "S", "N"] * 20,
        "plan": pd.array(["basic", "pro", "pro"] * 20, dtype="str"),
        "driver_price": [5] * 60,
    })
    both = nps_by_segments(frame)
    assert both["segment"].unique().tolist() == ["region", "plan"]
    pd.testing.assert_frame_equal(
        both[both["segment"] == "plan"].drop(columns="segment").reset_index(drop=True),
        nps_by_segment(frame, "plan"),
    )
    assert nps_by_segments(frame, ["plan"], min_n=5)["segment"].unique().tolist() == ["plan"]
    assert nps_by_segments(frame[["score"]]).empty


@pytest.mark.parametrize(
    "column, kwargs, fragment",
    [
        ("channel", {}, "no segment column 'channel'.*segment columns: region"),
        ("score", {}, "different column"),
        ("region", {"min_n": 0}, "min_n must be"),
        ("region", {"suppress_n": 2.5}, "suppress_n must be"),
        ("region", {"level": 1.2}, "level must be"),
    ],
)
def test_bad_arguments(column, kwargs, fragment):
    with pytest.raises(NpsInputError, match=fragment):
        nps_by_segment(_frame({"a": [9]}), column, **kwargs)


def test_bad_scores_and_missing_score_column():
    with pytest.raises(NpsInputError, match="not a whole number 0-10"):
        nps_by_segment(_frame({"a": [12]}), "region")
    with pytest.raises(NpsInputError, match="needs a score column"):
        nps_by_segment(pd.DataFrame({"region": ["a"]}), "region")
