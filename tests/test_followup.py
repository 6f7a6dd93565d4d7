"""Follow-up lists and the formula-safe, atomic CSV writer."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.analysis.codeframes import Codeframe
from nps_helpers.analysis.text import tag_themes, theme_mentions
from nps_helpers.errors import NpsInputError
from nps_helpers.views.followup import (
    FORMULA_STARTS,
    LISTS,
    followup_lists,
    neutralise_formulas,
    write_csv,
    write_followup_lists,
)

# Client keywords on an empty codeframe for the theme codes the report names (tests carry their
# own themes: the industry codeframes change as agencies tune them).
EXTRA = {"en": {"price": ["expensive"], "support": ["support", "complaint"], "billing": ["billing"],
                "staff": ["staff"], "delivery": ["delivery"]}}


def _tags(comments):
    return theme_mentions(tag_themes(comments, "en", EXTRA, industry=Codeframe("none", (), {}, {})))


def _responses():
    return pd.DataFrame({
        "response_id": [f"r{i}" for i in range(8)],
        "customer_id": ["a", "a", "b", "c", "d", None, "e", "f"],
        "responded_at": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-02-01", "2026-02-15",
                                        "2026-01-20", "2026-03-05", "2026-03-02", "2025-06-01"],
                                       utc=True),
        "score": [10, 3, 9, 8, 1, 0, 10, 2],
        "comment": ["Love it", "Billing error, rude staff", "Great", "Slow delivery",
                    "=cmd|' /C calc'!A0", "Anonymous and angry", "Top", "Old complaint"],
        "region": ["EU"] * 8,
    })


def test_each_customer_lands_in_the_list_of_their_latest_response():
    lists = followup_lists(_responses())
    assert set(lists) == set(LISTS)
    # a moved from promoter to detractor; the anonymous response cannot be followed up.
    # Detractors by priority: lowest score first.
    assert lists["detractors_to_call"]["customer_id"].tolist() == ["d", "f", "a"]
    assert lists["promoters_to_ask"]["customer_id"].tolist() == ["e", "b"]
    assert lists["passives_to_nudge"]["customer_id"].tolist() == ["c"]
    assert lists["detractors_to_call"].loc[2, "comment"] == "Billing error, rude staff"
    assert "region" not in lists["promoters_to_ask"].columns


def test_since_and_churned_customers_narrow_the_lists():
    customers = pd.DataFrame({"customer_id": ["d", "e"],
                              "churned_at": pd.to_datetime(["2026-02-01", None], utc=True)})
    lists = followup_lists(_responses(), customers=customers, since="2026-01-01")
    assert lists["detractors_to_call"]["customer_id"].tolist() == ["a"]
    assert lists["promoters_to_ask"]["customer_id"].tolist() == ["e", "b"]


def test_themes_are_joined_per_response():
    responses = _responses()
    tags = _tags(responses["comment"])
    call = followup_lists(responses, tags)["detractors_to_call"].set_index("customer_id")
    assert call.loc["a", "themes"] == "billing;staff"
    assert call.loc["f", "themes"] == "support"
    assert call.loc["d", "themes"] == ""


def test_missing_columns_are_errors_and_input_is_not_modified():
    responses = _responses()
    before = responses.copy()
    followup_lists(responses)
    pd.testing.assert_frame_equal(responses, before)
    # Without customer ids the lists go by response id (see the test below), so it must be there.
    with pytest.raises(NpsInputError, match="'response_id'"):
        followup_lists(responses.drop(columns=["customer_id", "response_id"]))
    with pytest.raises(NpsInputError, match="'score'"):
        followup_lists(responses.drop(columns="score"))


@pytest.mark.parametrize("without", ["no column", "no id at all"])
def test_without_customer_ids_every_response_is_listed_by_its_id_and_date(without, tmp_path):
    responses = _responses()
    responses = (responses.drop(columns="customer_id") if without == "no column"
                 else responses.assign(customer_id=None))
    customers = pd.DataFrame({"customer_id": ["d"], "churned_at": pd.to_datetime(["2026-02-01"], utc=True)})
    lists = followup_lists(responses, _tags(responses["comment"]), customers=customers,
                           since="2026-01-01")
    # Most recent first (detractors lowest score first); r7 answered before `since`;
    # nothing to churn-check without ids.
    assert lists["promoters_to_ask"]["response_id"].tolist() == ["r6", "r2", "r0"]
    assert lists["passives_to_nudge"]["response_id"].tolist() == ["r3"]
    assert lists["detractors_to_call"]["response_id"].tolist() == ["r5", "r4", "r1"]
    call = lists["detractors_to_call"]
    assert call.columns.tolist() == ["response_id", "responded_at", "score", "themes", "comment"]
    assert call["responded_at"].tolist() == list(pd.to_datetime(["2026-03-05", "2026-01-20", "2026-03-01"], utc=True))
    assert call.set_index("response_id").loc["r1", "themes"] == "billing;staff"
    paths = write_followup_lists(lists, tmp_path)
    rows = list(csv.reader(io.StringIO(paths["detractors_to_call"].read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["response_id", "responded_at", "score", "themes", "comment"]
    assert rows[1][:3] == ["r5", "2026-03-05T00:00:00+0000", "0"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised(start):
    frame = pd.DataFrame({"comment": [f"{start}SUM(A1)", "fine = ok"], "score": [-1, 5]})
    out = neutralise_formulas(frame)
    assert out["comment"].tolist() == [f"'{start}SUM(A1)", "fine = ok"]
    assert out["score"].tolist() == [-1, 5]  # numbers are not formulas
    assert frame.loc[0, "comment"] == f"{start}SUM(A1)"


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=10))
def test_neutralised_cells_never_start_a_formula_and_keep_their_text(values):
    out = neutralise_formulas(pd.DataFrame({"c": pd.Series(values, dtype=object)}))["c"].tolist()
    for before, after in zip(values, out, strict=True):
        if isinstance(before, str) and before.startswith(FORMULA_STARTS):
            assert after == "'" + before
        else:
            assert after == before or (before is None and pd.isna(after))


def test_write_csv_has_a_bom_round_trips_unicode_and_leaves_no_temp_files(tmp_path):
    frame = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3"],
        "responded_at": pd.to_datetime(["2026-03-01 10:00", "2026-03-02 00:00", "2026-03-03 00:00"], utc=True),
        "comment": ["Zażółć gęślą jaźń, čšž", "Доставка опоздала", "@SUM(1)"],
    })
    target = tmp_path / "out" / "list.csv"
    write_csv(frame, target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["customer_id", "responded_at", "comment"]
    assert rows[1] == ["c1", "2026-03-01T10:00:00+0000", "Zażółć gęślą jaźń, čšž"]
    assert rows[2][2] == "Доставка опоздала" and rows[3][2] == "'@SUM(1)"
    write_csv(frame.head(1), target)  # overwrite in place
    assert len(pd.read_csv(target, encoding="utf-8-sig")) == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["list.csv"]


def test_write_followup_lists_names_files_after_the_lists(tmp_path):
    paths = write_followup_lists(followup_lists(_responses()), tmp_path)
    assert {p.name for p in paths.values()} == {f"{name}.csv" for name in LISTS}
    call = pd.read_csv(paths["detractors_to_call"], encoding="utf-8-sig")
    assert call["comment"].tolist()[0] == "'=cmd|' /C calc'!A0"


_TEXT_DTYPES = ["str", "string[python]", "string[pyarrow]", pd.StringDtype("python", na_value=np.nan)]


@pytest.mark.parametrize("dtype", [*_TEXT_DTYPES, object, "category"])
def test_text_columns_of_every_dtype_are_neutralised(dtype):
    frame = pd.DataFrame({"c": pd.array(["=1+1", "ok", None, "\tx", "'=x", "a=b", ""], dtype=dtype),
                          "n": [1, -2, 3, 4, 5, 6, 7]}, index=[3, 3, 1, 0, 9, 9, 2])
    before = frame.copy()
    out = neutralise_formulas(frame)
    got = ["<NA>" if pd.isna(v) else v for v in out["c"]]
    assert got == ["'=1+1", "ok", "<NA>", "'\tx", "'=x", "a=b", ""]
    assert out.index.equals(frame.index) and out["n"].tolist() == [1, -2, 3, 4, 5, 6, 7]
    if dtype in _TEXT_DTYPES:
        assert out["c"].dtype == frame["c"].dtype
    pd.testing.assert_frame_equal(frame, before)


def test_a_text_column_without_formulas_is_left_as_it_is():
    frame = pd.DataFrame({"c": pd.array(["a", None, "b"], dtype="string")})
    pd.testing.assert_frame_equal(neutralise_formulas(frame), frame)


def test_write_csv_bytes_of_text_columns_by_hand(tmp_path):
    frame = pd.DataFrame({"c": pd.array(["=1", None, "a,b", "-"], dtype="string"),
                          "s": pd.Series(["x", "+y", None, "@"], dtype="str"), "n": [1, 2, 3, 4]})
    raw = write_csv(frame, tmp_path / "t.csv").read_bytes()
    assert raw == b"\xef\xbb\xbfc,s,n\r\n'=1,x,1\r\n,'+y,2\r\n\"a,b\",,3\r\n'-,'@,4\r\n"


def test_churned_ids_match_whatever_their_type():
    responses = pd.DataFrame({"customer_id": [1, 2, 3], "score": [10, 9, 2],
                              "responded_at": pd.to_datetime(["2026-01-01"] * 3, utc=True)})
    customers = pd.DataFrame({"customer_id": pd.array(["1", "3", None], dtype="string"),
                              "churned_at": pd.to_datetime(["2026-02-01", "2026-02-01", "2026-02-01"], utc=True)})
    lists = followup_lists(responses, customers=customers)
    assert lists["promoters_to_ask"]["customer_id"].tolist() == [2]
    assert lists["detractors_to_call"].empty


def test_themes_come_from_the_latest_response_in_the_order_of_the_tags():
    responses = _responses()
    # a's latest response is row 1; the tags are in no particular order.
    tags = pd.DataFrame({"row": [1, 0, 4, 1, 1], "theme": ["staff", "price", "support", "billing", "staff"]})
    call = followup_lists(responses, tags)["detractors_to_call"].set_index("customer_id")
    assert call["themes"].to_dict() == {"a": "staff;billing;staff", "d": "support", "f": ""}
    assert followup_lists(responses, tags.iloc[:0])["promoters_to_ask"]["themes"].tolist() == ["", ""]


def _period_answers():
    """Answers of one quarter (and one before it) with customers' plan and revenue."""
    rows = [  # customer, date, score, comment, region, plan at answer time
        ("c1", "2026-07-05", 5, "Too expensive", "North", "Old"),
        ("c1", "2026-08-01", 2, "Support never answers", "North", "Old"),
        ("c1", "2026-09-01", 4, "Billing error and rude staff", "South", "Old"),
        ("c2", "2026-08-15", 4, "", "East", "Old"),
        ("c3", "2026-09-10", 4, "Too expensive", "West", "Old"),
        ("c4", "2026-07-20", 4, "", "North", "Old"),
        ("c5", "2026-08-02", 0, "Never again", "East", "Old"),
        ("c6", "2026-07-30", 4, "", "South", "Old"),  # no customer record: revenue unknown
        ("c7", "2026-06-20", 1, "", "North", "Old"),  # before the period ...
        ("c7", "2026-07-21", 10, "", "North", "Old"),  # ... and now a promoter
        ("c8", "2026-08-08", 3, "", "West", "Old"),  # churned
        ("c9", "2026-06-01", 2, "", "West", "Old"),  # only before the period
        (None, "2026-08-09", 1, "", "West", "Old"),  # anonymous
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "responded_at", "score", "comment", "region", "plan"])
    frame["responded_at"] = pd.to_datetime(frame["responded_at"], utc=True)
    frame.insert(1, "response_id", [f"r{i}" for i in range(len(frame))])
    frame["language"] = "en"
    customers = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c5", "c7", "c8"],
        "plan": ["Gold", "Basic", "Basic", "Gold", "Basic", "Gold", "Basic"],
        "revenue": [100.0, 500.0, 500.0, 900.0, 10.0, 50.0, 999.0],
        "churned_at": pd.to_datetime([None, None, None, None, None, None, "2026-09-01"], utc=True),
    })
    return frame, customers


def test_detractors_to_call_fold_each_customer_and_come_in_priority_order():
    from nps_helpers.present.i18n import translator

    answers, customers = _period_answers()
    tags = _tags(answers["comment"])
    call = followup_lists(answers, tags, customers=customers, since="2026-07-01",
                          segments=["region", "plan"], t=translator("de"), industry="telecom")["detractors_to_call"]
    assert call.columns.tolist() == ["customer_id", "response_id", "responded_at", "score", "answers_in_period",
                                     "region", "plan", "revenue", "themes", "comment", "language"]
    # Score ascending; then revenue descending (unknown last); then the newest first.
    assert call["customer_id"].tolist() == ["c5", "c4", "c3", "c2", "c1", "c6"]
    c1 = call.set_index("customer_id").loc["c1"]
    # Three detractor answers fold into one row: the latest, its region, the customer's plan now.
    assert (c1["response_id"], c1["score"], c1["answers_in_period"]) == ("r2", 4, 3)
    assert (c1["region"], c1["plan"], c1["revenue"]) == ("South", "Gold", 100.0)
    assert c1["themes"] == "Rechnung und Abrechnung; Mitarbeiter"  # billing, staff as a German telecom report names them
    assert call.set_index("customer_id").loc["c3", "themes"] == "Preis und Leistung"
    assert call["answers_in_period"].tolist() == [1, 1, 1, 1, 3, 1]
    # c6 has no customer record: plan and revenue unknown (the plan column is the customers' one).
    assert call.loc[5, ["plan", "revenue"]].isna().all()


def test_detractors_without_customer_ids_stay_one_row_per_response():
    answers, customers = _period_answers()
    anonymous = answers.drop(columns="customer_id")
    call = followup_lists(anonymous, customers=customers, since="2026-07-01",
                          segments=["region"])["detractors_to_call"]
    assert call.columns.tolist() == ["response_id", "responded_at", "score", "region", "comment", "language"]
    # Every detractor answer of the period (c1's three, churned c8's, the anonymous one), no
    # churn check without ids: lowest score first, then the newest.
    assert call["response_id"].tolist() == ["r6", "r12", "r1", "r10", "r4", "r2", "r3", "r7", "r5", "r0"]
