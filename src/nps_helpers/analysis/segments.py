"""NPS by segment (region, plan, touchpoint...), each group against the rest, small-n rules.

A group below ``min_n`` responses is flagged ``small``; below ``suppress_n`` it is
withheld: its n, counts and figures are not shown. Withholding one group alone would not
hide it, because the client's total minus the groups shown gives it back; so while the
withheld groups hold fewer than ``suppress_n`` responses together, the smallest shown
group is withheld too (secondary suppression).

When two or more groups are withheld they are pooled into one row, "Other (k groups)",
placed last (``group`` is None, ``pooled`` = k, ``members`` = their names), and that row
is an ordinary group: n, counts, NPS, interval, difference from the rest and flags by its
own n. Pooling discloses nothing new: the pool's counts are the total minus the shown
groups, which the report gave away already, and no member can be recovered from it, since
the pool holds at least two groups and their split is shown nowhere. One group below
``suppress_n`` with the smallest shown group withheld to protect it pool into
"Other (2 groups)": neither can be worked out, as only their sum is known. The secondary
rule keeps withholding until the withheld groups hold ``suppress_n`` responses, so the pool
is below ``suppress_n`` only when every group is withheld; it is then withheld as one row.
A single withheld group (the column has only that group) stays a row of its own. A group
is compared with the other *shown* groups pooled, never with withheld ones.

A group below ``min_n`` gets no "significantly higher/lower" marker. The markers of one
report's segment tables are one family of tests: :func:`holm_markers` corrects them
together (Holm), over every group tested in every segment column.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from ..core.schema import segment_columns
from ..errors import NpsInputError
from .metrics import categorize, check_counts, nps_difference_frame, nps_frame, z_value

COUNTS = ["promoters", "passives", "detractors"]
FIGURES = ["nps", "ci_low", "ci_high", "difference", "p_value"]
SEGMENT_COLUMNS = [
    "group", "n", *COUNTS, "nps", "ci_low", "ci_high", "difference", "p_value",
    "significant", "flag", "small_n", "suppressed", "pooled", "members",
]
NOT_STATED = "not_stated"  # group code for responses with no value in the segment column


def nps_by_segment(
    responses: pd.DataFrame,
    column: str,
    *,
    min_n: int = 30,
    suppress_n: int = 10,
    level: float = 0.95,
) -> pd.DataFrame:
    """NPS of each group of ``column`` with its interval and its difference from the rest.

    One row per group: ``group``, ``n``, the three counts, ``nps``, ``ci_low``,
    ``ci_high``, ``difference`` (this group minus the other shown groups pooled),
    ``p_value``, ``significant`` (uncorrected; never below ``min_n``), ``flag`` ('ok', 'small', 'suppressed',
    'suppressed_secondary') and the booleans ``small_n`` and ``suppressed`` that the
    tables and charts read, ``pooled`` (how many groups a pooled row holds, else 0) and
    ``members`` (their names, else empty). Two or more withheld groups are pooled into one
    last row with ``group`` None; a withheld row keeps only its name and flag. Responses
    with no value form the group ``not_stated``.

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [10] * 40 + [0] * 20 + [9] * 12 + [3] * 20 + [8] * 19,
    ...     "region": ["North"] * 60 + ["South"] * 32 + ["West"] * 14 + ["East"] * 5})
    >>> t = nps_by_segment(frame, "region")
    >>> t[["group", "n", "flag", "pooled"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'group': 'North', 'n': 60, 'flag': 'ok', 'pooled': 0},
     {'group': 'South', 'n': 32, 'flag': 'ok', 'pooled': 0},
     {'group': None, 'n': 19, 'flag': 'small', 'pooled': 2}]
    >>> t["members"].iloc[-1]
    ('East', 'West')
    >>> t.loc[t["group"] == "North", ["n", "nps"]].round(1).to_dict("records")
    [{'n': 60, 'nps': 33.3}]
    """
    z_value(level)
    check_counts(min_n=min_n, suppress_n=suppress_n)
    if column not in responses.columns:
        options = ", ".join(segment_columns(responses)) or "none found"
        raise NpsInputError(f"no segment column {column!r} in the responses; segment columns: {options}")
    if column == "score" or "score" not in responses.columns:
        raise NpsInputError("nps_by_segment needs a score column and a different column to group by")
    groups = responses[column].astype("object").where(responses[column].notna(), NOT_STATED)
    codes = categorize(responses["score"]).cat.codes
    counts = (
        pd.crosstab(groups.astype("str").to_numpy(), codes.to_numpy())
        .reindex(columns=[2, 1, 0], fill_value=0)
        .set_axis(COUNTS, axis=1)
        .rename_axis(index="group", columns=None)
        .reset_index()
    )
    counts, withheld = _pool(counts, suppress_n)
    table = nps_frame(counts, level=level)
    table["flag"] = np.select(
        [withheld == 2, withheld == 1, table["n"] < min_n],
        ["suppressed_secondary", "suppressed", "small"],
        "ok",
    )
    table["suppressed"] = withheld > 0
    table["small_n"] = table["flag"] == "small"
    table = table.join(_against_rest(table, level))
    table["significant"] &= table["flag"] == "ok"
    shown = ~table["suppressed"]
    for name in ["n", *COUNTS]:
        table[name] = table[name].astype("Int64").where(shown)
    table[FIGURES] = table[FIGURES].where(shown)
    return table[SEGMENT_COLUMNS]


def nps_by_segments(
    responses: pd.DataFrame,
    columns: Sequence[str] | None = None,
    **options,
) -> pd.DataFrame:
    """:func:`nps_by_segment` for several columns at once, stacked with a ``segment`` column.

    ``columns`` defaults to every segment column of the responses; ``options`` go to
    :func:`nps_by_segment` (``min_n``, ``suppress_n``, ``level``).

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [10, 0] * 30, "region": ["N", "S"] * 30,
    ...     "plan": ["basic"] * 60})
    >>> nps_by_segments(frame)[["segment", "group", "n"]].to_dict("records")
    [{'segment': 'region', 'group': 'N', 'n': 30}, {'segment': 'region', 'group': 'S', 'n': 30}, {'segment': 'plan', 'group': 'basic', 'n': 60}]
    """
    columns = segment_columns(responses) if columns is None else list(columns)
    parts = [nps_by_segment(responses, c, **options).assign(segment=c) for c in columns]
    if not parts:
        return pd.DataFrame(columns=["segment", *SEGMENT_COLUMNS])
    stacked = pd.concat(parts, ignore_index=True)
    return stacked[["segment", *SEGMENT_COLUMNS]]


def holm_markers(frames: Sequence[pd.DataFrame], *, level: float = 0.95) -> list[pd.DataFrame]:
    """The segment tables of one report with their markers corrected together (Holm).

    ``frames`` are :func:`nps_by_segment` tables, one per segment column. The family is
    every group with ``flag`` 'ok' and a p-value, across all the frames; groups below
    ``min_n`` and withheld ones are not tested. Returns copies with ``p_adjusted`` (Holm's
    adjusted p-value, NaN outside the family) and ``significant`` set from it at
    ``1 - level``.

    Examples
    --------
    >>> a = pd.DataFrame({"flag": ["ok", "ok", "small"], "p_value": [0.01, 0.04, 0.001],
    ...                   "significant": [True, True, False]})
    >>> b = pd.DataFrame({"flag": ["ok"], "p_value": [0.03], "significant": [True]})
    >>> fixed = holm_markers([a, b])
    >>> fixed[0][["p_adjusted", "significant"]].round(2).to_dict("list")
    {'p_adjusted': [0.03, 0.06, nan], 'significant': [True, False, False]}
    >>> fixed[1]["significant"].tolist()
    [False]
    """
    z_value(level)
    tested = [(f["flag"] == "ok") & f["p_value"].notna() for f in frames]
    p_values = np.concatenate([f.loc[m, "p_value"].to_numpy(dtype=float)
                               for f, m in zip(frames, tested, strict=True)] or [np.empty(0)])
    adjusted = (multipletests(p_values, alpha=1 - level, method="holm")[1] if len(p_values)
                else p_values)
    out, start = [], 0
    for frame, mask in zip(frames, tested, strict=True):
        stop = start + int(mask.sum())
        p_adj = pd.Series(np.nan, index=frame.index)
        p_adj[mask] = adjusted[start:stop]
        out.append(frame.assign(p_adjusted=p_adj, significant=(p_adj < 1 - level).to_numpy()))
        start = stop
    return out


def _pool(counts: pd.DataFrame, suppress_n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The groups with two or more withheld ones pooled into a last row, and who is withheld."""
    n = counts[COUNTS].sum(axis=1).to_numpy()
    withheld = _withheld(n, suppress_n)
    counts = counts.assign(pooled=0, members=[()] * len(counts))
    pool = withheld > 0
    if pool.sum() < 2:
        return counts, withheld
    row = {"group": None, **counts.loc[pool, COUNTS].sum().to_dict(),
           "pooled": int(pool.sum()), "members": tuple(counts.loc[pool, "group"])}
    pooled = pd.concat([counts[~pool], pd.DataFrame([row])], ignore_index=True)
    return pooled, np.append(withheld[~pool], int(n[pool].sum() < suppress_n))


def _withheld(n: np.ndarray, suppress_n: int) -> np.ndarray:
    """0 shown, 1 withheld for its own size, 2 withheld so a smaller group stays hidden."""
    state = np.where(n < suppress_n, 1, 0)
    for i in np.argsort(n, kind="stable"):
        hidden = n[state > 0].sum()
        if hidden == 0 or hidden >= suppress_n or state.all():
            break
        if state[i] == 0:
            state[i] = 2
    return state


def _against_rest(table: pd.DataFrame, level: float) -> pd.DataFrame:
    """difference, p_value, significant: each shown group against the other shown ones."""
    shown = ~table["suppressed"]
    own = table[COUNTS].where(shown, 0)
    # Withheld groups compare zero counts with zero, which gives NaN figures.
    rest = (own.sum() - own).where(shown, 0)
    return nps_difference_frame(own, rest, level=level)[["difference", "p_value", "significant"]]
