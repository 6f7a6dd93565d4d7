"""Segments: NPS per group, difference from the rest, small-n flags and what is withheld."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import NpsInputError
from nps_helpers.metrics import nps, nps_difference
from nps_helpers.segments import nps_by_segment, nps_by_segments

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
    # Against the rest = the other group: +40 points, p = 0.0032 (see test_metrics).
    assert t.loc["North", "difference"] == pytest.approx(40.0)
    assert t.loc["South", "difference"] == pytest.approx(-40.0)
    assert t.loc["North", "p_value"] == pytest.approx(0.00319, abs=1e-5)
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
    t = nps_by_segment(frame, "region").set_index("group")
    assert t["flag"].to_dict() == {
        "a": "suppressed", "b": "suppressed_secondary", "c": "small", "d": "ok", "e": "ok"
    }
    assert t["suppressed"].to_dict() == {"a": True, "b": True, "c": False, "d": False, "e": False}
    assert t["small_n"].to_dict() == {"a": False, "b": False, "c": True, "d": False, "e": False}


def test_withheld_groups_keep_only_name_and_flag():
    frame = _frame({"big": [10] * 50 + [0] * 20, "mid": [8] * 40, "tiny": [0, 0, 10]})
    t = nps_by_segment(frame, "region").set_index("group")
    assert t.loc["tiny", WITHHELD].isna().all()
    assert not t.loc["tiny", "significant"]
    # 'tiny' alone would be total minus the others, so the smallest shown group goes too.
    assert t.loc["mid", "flag"] == "suppressed_secondary"
    assert t.loc["mid", WITHHELD].isna().all()
    # 'big' is compared with no shown group: nothing to compare with.
    assert t.loc["big", "n"] == 70
    assert np.isnan(t.loc["big", "difference"])


def test_no_secondary_when_the_withheld_groups_reach_suppress_n_together():
    frame = _frame({"x": [9] * 6, "y": [3] * 5, "z": [10] * 40, "w": [0] * 40})
    t = nps_by_segment(frame, "region").set_index("group")
    assert t["flag"].to_dict() == {"w": "ok", "x": "suppressed", "y": "suppressed", "z": "ok"}
    # 'z' is compared with 'w' only: the withheld groups never enter the rest.
    assert t.loc["z", "difference"] == pytest.approx(nps_difference([10] * 40, [0] * 40).difference)


def test_all_groups_small_are_all_withheld():
    t = nps_by_segment(_frame({"a": [9] * 3, "b": [0] * 4}), "region")
    assert t["suppressed"].all()
    assert t[WITHHELD].isna().all().all()


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
    withheld = set(t.loc[t["suppressed"], "group"])
    changed = frame.copy()
    changed.loc[changed["region"].isin(withheld), "score"] = replacement
    again = nps_by_segment(changed, "region")
    pd.testing.assert_frame_equal(t, again)
    hidden = sum(len(groups[g]) for g in withheld)
    if withheld and len(withheld) < len(groups):
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
