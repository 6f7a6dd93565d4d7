"""theme_impact: praise, complaints, impact on NPS and detractors' share, on hand-made mentions."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from nps_helpers.analysis.metrics import nps_difference
from nps_helpers.analysis.theme_impact import IMPACT_COLUMNS, theme_examples, theme_impact


def mentions(rows, themes, sentiments) -> pd.DataFrame:
    n = len(rows)
    return pd.DataFrame({"row": list(rows), "theme": themes if isinstance(themes, list) else [themes] * n,
                         "language": ["en"] * n,
                         "sentiment": sentiments if isinstance(sentiments, list) else [sentiments] * n})


def responses(scores, commented=None) -> pd.DataFrame:
    comments = ["x"] * len(scores) if commented is None else ["x" if c else "" for c in commented]
    return pd.DataFrame({"score": scores, "comment": comments})


def nps_of(scores) -> float:
    s = np.asarray(scores)
    return 100 * ((s >= 9).mean() - (s <= 6).mean())


def test_impact_is_nps_minus_nps_without_the_complainers_by_hand():
    # 40 detractors complain about installation, 10 promoters praise it, 70 others say nothing of it.
    scores = [2] * 40 + [10] * 10 + [9] * 50 + [7] * 20
    m = mentions(range(50), "installation", ["negative"] * 40 + ["positive"] * 10)
    row = theme_impact(responses(scores), m).iloc[0]
    assert (row["mentions"], row["praise"], row["complaints"], row["neutral"]) == (50, 10, 40, 0)
    assert row["impact"] == pytest.approx(nps_of(scores) - nps_of(scores[40:]))
    # Independently: the two-sample test of the complainers' scores against the others'.
    d = nps_difference(scores[:40], scores[40:])
    assert row["p_value"] == pytest.approx(d.p_value)
    assert row["ci_low"] == pytest.approx(40 / 120 * d.ci_low)
    assert row["ci_high"] == pytest.approx(40 / 120 * d.ci_high)
    assert row["impact"] == pytest.approx(40 / 120 * d.difference)
    assert bool(row["significant"]) and not row["small_n"]


def test_praise_does_not_count_against_a_theme():
    scores = [10] * 40 + [0] * 40
    m = mentions(range(40), "staff", "positive")
    row = theme_impact(responses(scores), m).iloc[0]
    assert row["impact"] == 0 and row["complaints"] == 0 and not row["significant"]
    assert np.isnan(row["p_value"])


def test_impact_test_agrees_with_a_permutation_test():
    rng = np.random.default_rng(7)
    scores = np.concatenate([rng.choice([0, 3, 6, 7, 8, 9, 10], 60, p=[.1, .1, .1, .15, .15, .2, .2]),
                             rng.choice([0, 3, 6, 7, 8, 9, 10], 240, p=[.05, .05, .1, .2, .2, .2, .2])])
    m = mentions(range(60), "price", "negative")
    row = theme_impact(responses(scores.tolist()), m).iloc[0]
    observed = nps_of(scores[:60]) - nps_of(scores[60:])
    draws = np.array([(lambda s: nps_of(s[:60]) - nps_of(s[60:]))(rng.permutation(scores))
                      for _ in range(4000)])
    permutation_p = float((np.abs(draws) >= abs(observed) - 1e-9).mean())
    assert 0.01 < row["p_value"] < 0.5  # a case where the two can be compared
    assert row["p_value"] == pytest.approx(permutation_p, abs=0.03)  # 4000 draws: SE about 0.006


def test_detractor_share_change_is_the_two_proportion_test_holm_corrected():
    # Now: 50 commenting detractors, 30 name support, 5 name price. Before: 60, 12 and 6.
    now = responses([0] * 50 + [10] * 10)
    before = responses([0] * 60 + [10] * 10)
    m_now = mentions([*range(30), *range(30, 35)], ["support"] * 30 + ["price"] * 5, "negative")
    m_before = mentions([*range(12), *range(12, 18)], ["support"] * 12 + ["price"] * 6, "negative")
    table = theme_impact(now, m_now, previous=before, previous_mentions=m_before).set_index("theme")
    assert table.at["support", "detractor_share"] == pytest.approx(30 / 50)
    assert table.at["support", "previous_detractor_share"] == pytest.approx(12 / 60)
    p_support = proportions_ztest([30, 12], [50, 60])[1]
    p_price = proportions_ztest([5, 6], [50, 60])[1]
    assert table.at["support", "share_p_value"] == pytest.approx(p_support)
    assert table.at["price", "share_p_value"] == pytest.approx(p_price)
    # Holm with two tests: the smaller p doubled, the larger no smaller than that.
    assert table.at["support", "share_p_adjusted"] == pytest.approx(2 * p_support)
    assert table.at["price", "share_p_adjusted"] == pytest.approx(max(2 * p_support, p_price))
    assert table.at["support", "share_verdict"] == "rose"
    assert table.at["price", "share_verdict"] == "no_significant_change"


def test_a_theme_only_named_before_is_listed_with_its_fall():
    now = responses([0] * 40)
    before = responses([0] * 40)
    m_before = mentions(range(30), "billing", "negative")
    table = theme_impact(now, mentions([], "billing", "negative"), previous=before,
                         previous_mentions=m_before)
    row = table.iloc[0]
    assert (row["theme"], row["mentions"], row["detractor_share"], row["share_verdict"]) == (
        "billing", 0, 0.0, "fell")


def test_shares_count_only_detractors_who_commented():
    scores = [0] * 20
    m = mentions(range(5), "price", "negative")
    row = theme_impact(responses(scores, commented=[True] * 10 + [False] * 10), m).iloc[0]
    assert row["detractor_comments"] == 10 and row["detractor_share"] == pytest.approx(0.5)
    assert row["share_verdict"] == "no_previous_period"


def test_small_themes_are_marked_and_never_significant():
    scores = [0] * 20 + [10] * 200
    m = mentions(range(20), "price", "negative")
    row = theme_impact(responses(scores), m, min_n=30).iloc[0]
    assert row["small_n"] and not row["significant"] and np.isnan(row["p_adjusted"])
    assert theme_impact(responses(scores), m, min_n=20).iloc[0]["significant"]


def test_repeated_and_foreign_rows_are_counted_once_or_not_at_all():
    scores = [0, 0, 10]
    m = mentions([0, 0, 1, 2, 99], "price", ["negative", "negative", "neutral", "positive", "negative"])
    row = theme_impact(responses(scores), m).iloc[0]
    assert (row["mentions"], row["complaints"], row["neutral"], row["praise"]) == (3, 1, 1, 1)


def test_themes_are_ordered_by_impact_largest_loss_first():
    scores = [0] * 30 + [0] * 10 + [10] * 60
    m = mentions(range(40), ["price"] * 10 + ["support"] * 30, "negative")
    assert theme_impact(responses(scores), m)["theme"].tolist() == ["support", "price"]


def test_no_mentions_give_an_empty_table_with_the_columns():
    table = theme_impact(responses([0, 10]), mentions([], "price", "negative"))
    assert table.empty and list(table.columns) == IMPACT_COLUMNS


def test_a_comment_naming_every_theme_is_not_the_example_of_each():
    everything = "Install took a month, the line drops, billing wrong, support useless, " * 3
    responses = pd.DataFrame({
        "score": [0, 1, 2, 9],
        "comment": [everything, "The engineer never came", "Bill was wrong twice", "Install was quick"],
        "responded_at": pd.to_datetime(["2026-03-01", "2026-01-01", "2026-01-02", "2026-01-03"], utc=True)})
    themes = ["installation", "connection", "billing", "support"]
    mentions = pd.DataFrame({
        "row": [0, 0, 0, 0, 1, 2, 3], "theme": themes + ["installation", "billing", "installation"],
        "language": "en", "sentiment": ["negative"] * 6 + ["positive"]})
    examples = theme_examples(responses, mentions, themes)
    complaint = examples[examples["sentiment"] == "negative"].set_index("theme")["comment"]
    # By hand: the specific comments win for installation and billing; the long one is used
    # once, for the first theme that has nothing else (connection), and support has only it.
    assert complaint.to_dict() == {"installation": "The engineer never came", "connection": everything.strip(),
                                   "billing": "Bill was wrong twice", "support": everything.strip()}
    assert examples[examples["sentiment"] == "positive"]["comment"].tolist() == ["Install was quick"]
