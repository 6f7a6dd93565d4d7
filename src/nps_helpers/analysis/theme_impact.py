"""What each comment theme does to the NPS: praise, complaints, impact and detractors' share.

``mentions`` is the tidy frame of :func:`~nps_helpers.analysis.text.theme_mentions`: one row per
(comment, theme) with ``row`` (the response's index label), ``theme``, ``language`` and
``sentiment`` ('positive', 'negative' or 'neutral').

The impact of a theme is the NPS of all responses minus the NPS without the responses
that complain about it (mention it negatively): what the NPS would gain if those
complaints went away with the responses that made them. It equals the complainers' share
of responses times the difference between their NPS and the others', so it is tested as
that difference is, with the adjusted-Wald two-sample test of
:func:`~nps_helpers.analysis.metrics.nps_difference_frame`; its interval is that difference's
interval times the share. The share of commenting detractors naming the theme is
compared with the previous period by the two-proportion test of
:func:`~nps_helpers.analysis.churn.rate_difference`. The themes' tests are one family each
(impact, change of share), corrected together by Holm's method, as the segment markers are.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from ..config.params import Defaults
from .churn import rate_difference
from .metrics import categorize, nps_difference_frame, z_value
from .text import mask_emails

SENTIMENTS = ("positive", "negative", "neutral")
SHARE_VERDICTS = ("rose", "fell", "no_significant_change", "no_previous_period")
IMPACT_COLUMNS = [
    "theme", "mentions", "praise", "complaints", "neutral",
    "impact", "ci_low", "ci_high", "p_value", "p_adjusted", "significant", "small_n",
    "detractors", "detractor_comments", "detractor_share",
    "previous_detractors", "previous_detractor_comments", "previous_detractor_share",
    "share_p_value", "share_p_adjusted", "share_verdict",
]
_COUNTS = ["promoters", "passives", "detractors"]
_COMPLAINING = [f"complaining_{c}" for c in _COUNTS]
MIN_N = Defaults.model_fields["min_n"].default


# An example longer than this is cut in the report; a shorter one that makes the point wins.
EXAMPLE_CHARS = 240


def theme_impact(
    responses: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    previous: pd.DataFrame | None = None,
    previous_mentions: pd.DataFrame | None = None,
    level: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Per theme: mentions, praise, complaints, impact on NPS, detractors' share now and before.

    ``responses`` (``score``, ``comment``) are the period's, ``mentions`` their theme
    mentions; ``previous`` and ``previous_mentions`` the same for the period before (None
    when there is none). Columns:

    - ``mentions``, ``praise``, ``complaints``, ``neutral``: responses naming the theme at
      all, positively, negatively, neutrally (the last three add up to ``mentions`` when a
      comment gives each theme one sentiment, as the tagger does);
    - ``impact`` (NPS points, usually negative), ``ci_low``/``ci_high`` (its interval),
      ``p_value``, ``p_adjusted`` (Holm over the themes), ``significant`` (never for a
      theme with fewer than ``min_n`` mentions: ``small_n``);
    - ``detractors`` of ``detractor_comments`` (detractors who left a comment) name the
      theme: ``detractor_share``; the same ``previous_*`` for the period before;
      ``share_p_value``, ``share_p_adjusted`` (Holm) and ``share_verdict``: 'rose',
      'fell', 'no_significant_change' or 'no_previous_period' (no commenting detractor
      before).

    Themes are ordered by impact, the largest loss first.

    Examples
    --------
    >>> responses = pd.DataFrame({"score": [0, 2, 10, 10], "comment": ["slow", "slow", "", "ok"]})
    >>> mentions = pd.DataFrame({"row": [0, 1, 3], "theme": ["delivery"] * 3,
    ...     "language": ["en"] * 3, "sentiment": ["negative", "negative", "positive"]})
    >>> t = theme_impact(responses, mentions)
    >>> t[["theme", "mentions", "praise", "complaints", "impact", "detractor_share"]].to_dict("records")
    [{'theme': 'delivery', 'mentions': 3, 'praise': 1, 'complaints': 2, 'impact': -100.0, 'detractor_share': 1.0}]
    >>> t.at[0, "share_verdict"], bool(t.at[0, "small_n"])
    ('no_previous_period', True)
    """
    z_value(level)
    now = _theme_counts(responses, mentions)
    before = (_theme_counts(previous, previous_mentions) if previous is not None
              and previous_mentions is not None else None)
    themes = list(dict.fromkeys([*now.index, *([] if before is None else before.index)]))
    if not themes:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in IMPACT_COLUMNS})
    table = now.reindex(themes, fill_value=0)
    codes = categorize(responses["score"]).cat.codes.to_numpy()
    everyone = np.bincount(codes[codes >= 0], minlength=3)[::-1]  # promoters, passives, detractors
    complainers = table[_COMPLAINING].set_axis(_COUNTS, axis=1)
    rest = pd.DataFrame(everyone - complainers.to_numpy(), columns=_COUNTS, index=table.index)
    test = nps_difference_frame(complainers, rest, level=level)
    share = table["complaints"] / everyone.sum()
    all_nps = 100 * (everyone[0] - everyone[2]) / everyone.sum()
    without = 100 * (rest["promoters"] - rest["detractors"]) / rest.sum(axis=1)
    out = table[["mentions", "praise", "complaints", "neutral", "detractors"]].assign(
        impact=all_nps - without, ci_low=share * test["ci_low"], ci_high=share * test["ci_high"],
        p_value=test["p_value"], small_n=table["mentions"] < min_n)
    out["p_adjusted"] = _holm(out["p_value"].where(~out["small_n"]), level)
    out["significant"] = out["p_adjusted"] < 1 - level
    out = out.join(_share_change(table, before, _commenting_detractors(responses),
                                 None if previous is None else _commenting_detractors(previous), level))
    out = out.rename_axis("theme").reset_index()
    out = out.sort_values(["impact", "mentions", "theme"], ascending=[True, False, True], kind="stable")
    return out[IMPACT_COLUMNS].reset_index(drop=True)


def _theme_counts(responses: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Per theme: responses naming it by sentiment, complainers by category, detractors naming it."""
    known = mentions[mentions["row"].isin(responses.index)]
    category = pd.Series(categorize(responses["score"]).astype("string").to_numpy(), index=responses.index)
    pairs = known.drop_duplicates(["row", "theme"])
    by_sentiment = (known.drop_duplicates(["row", "theme", "sentiment"])
                    .pivot_table(index="theme", columns="sentiment", values="row", aggfunc="count")
                    .reindex(columns=list(SENTIMENTS)).fillna(0))
    negative = known[known["sentiment"] == "negative"].drop_duplicates(["row", "theme"])
    by_category = pd.crosstab(negative["theme"], category.loc[negative["row"]].to_numpy()).reindex(
        columns=["promoter", "passive", "detractor"], fill_value=0).set_axis(_COMPLAINING, axis=1)
    detractor_rows = set(category.index[(category == "detractor").to_numpy()])
    table = pd.DataFrame({
        "mentions": pairs.groupby("theme").size(),
        "praise": by_sentiment["positive"], "complaints": by_sentiment["negative"],
        "neutral": by_sentiment["neutral"],
        "detractors": pairs[pairs["row"].isin(detractor_rows)].groupby("theme").size(),
    }).join(by_category)
    table.index = table.index.astype(str)
    return table.fillna(0).astype("int64")


def _commenting_detractors(responses: pd.DataFrame) -> int:
    commented = responses["comment"].astype("string").str.strip().fillna("") != ""
    return int((commented & (categorize(responses["score"]) == "detractor").to_numpy()).sum())


def _share_change(now: pd.DataFrame, before: pd.DataFrame | None, n_now: int, n_before: int | None,
                  level: float) -> pd.DataFrame:
    """Detractors' share naming each theme now and before, and the test of the change."""
    counts_before = (before["detractors"] if before is not None else pd.Series(0, index=now.index)
                     ).reindex(now.index, fill_value=0)
    frame = pd.DataFrame({
        "detractor_comments": n_now,
        "detractor_share": now["detractors"] / n_now if n_now else np.nan,
        "previous_detractors": counts_before,
        "previous_detractor_comments": n_before or 0,
        "previous_detractor_share": counts_before / n_before if n_before else np.nan,
    }, index=now.index)
    tests = [rate_difference(int(a), n_now, int(b), n_before or 0, level=level)
             for a, b in zip(now["detractors"], counts_before, strict=True)]
    frame["share_p_value"] = [np.nan if d is None else d.p_value for d in tests]
    frame["share_p_adjusted"] = _holm(frame["share_p_value"], level)
    rose = frame["detractor_share"] > frame["previous_detractor_share"]
    frame["share_verdict"] = np.select(
        [frame["share_p_value"].isna(), frame["share_p_adjusted"] >= 1 - level, rose],
        ["no_previous_period", "no_significant_change", "rose"], "fell")
    return frame


def _holm(p_values: pd.Series, level: float) -> pd.Series:
    """Holm-adjusted p-values of the non-missing ones (NaN stays NaN)."""
    tested = p_values.notna()
    adjusted = pd.Series(np.nan, index=p_values.index)
    if tested.any():
        adjusted[tested] = multipletests(p_values[tested].to_numpy(dtype=float), alpha=1 - level,
                                         method="holm")[1]
    return adjusted


def theme_examples(responses: pd.DataFrame, mentions: pd.DataFrame, themes: Sequence[str]) -> pd.DataFrame:
    """A complaint and a word of praise for each of ``themes``, where they exist.

    Each example is the comment that speaks most about that theme alone: one not already
    shown for another theme, naming the fewest themes, not overlong, then the most recent;
    so a long comment that names every theme is not the example of each. Columns
    ``theme`` (in the order of ``themes``), ``sentiment`` ('negative' first, then
    'positive'), ``comment`` (e-mail addresses masked) and ``score``: no ids, so the frame
    is safe for a shared report once its text is escaped.

    Examples
    --------
    >>> responses = pd.DataFrame({"score": [2, 10, 9, 1], "comment": ["slow, mail bo@x.org", "quick",
    ...     "fast", "slow and dear"], "responded_at": pd.to_datetime(
    ...     ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"], utc=True)})
    >>> mentions = pd.DataFrame({"row": [0, 1, 2, 3, 3], "theme": ["delivery"] * 4 + ["price"],
    ...     "language": ["en"] * 5, "sentiment": ["negative", "positive", "positive", "negative", "negative"]})
    >>> theme_examples(responses, mentions, ["delivery", "price"]).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'theme': 'delivery', 'sentiment': 'negative', 'comment': 'slow, mail …@…', 'score': 2},
     {'theme': 'delivery', 'sentiment': 'positive', 'comment': 'fast', 'score': 9},
     {'theme': 'price', 'sentiment': 'negative', 'comment': 'slow and dear', 'score': 1}]
    """
    text = responses["comment"].astype("string").str.strip()
    has_text = mentions["row"].isin(responses.index[text.fillna("").ne("").to_numpy()])
    candidates = mentions[has_text & mentions["sentiment"].isin(["negative", "positive"])].drop_duplicates(
        ["row", "theme", "sentiment"])
    breadth = mentions.drop_duplicates(["row", "theme"]).groupby("row").size()
    rows = candidates["row"].to_numpy()
    candidates = candidates.assign(
        themes_named=breadth.reindex(rows).to_numpy(),
        overlong=text.loc[rows].str.len().gt(EXAMPLE_CHARS).to_numpy(),
        at=(responses.loc[rows, "responded_at"].to_numpy() if "responded_at" in responses.columns
            else np.zeros(len(rows))))
    chosen: list[tuple[str, str, object]] = []
    used: set = set()
    for theme in themes:
        for sentiment in ("negative", "positive"):
            pool = candidates[(candidates["theme"] == theme) & (candidates["sentiment"] == sentiment)]
            if pool.empty:
                continue
            pool = pool.assign(seen=pool["row"].isin(used)).sort_values(
                ["seen", "themes_named", "overlong", "at"], ascending=[True, True, True, False], kind="stable")
            row = pool["row"].iloc[0]
            used.add(row)
            chosen.append((theme, sentiment, row))
    picked = [row for _, _, row in chosen]
    comments = mask_emails(text.loc[picked]).to_numpy()
    return pd.DataFrame({"theme": [c[0] for c in chosen], "sentiment": [c[1] for c in chosen],
                         "comment": comments.astype(object),
                         "score": responses.loc[picked, "score"].to_numpy()})
