"""NPS per period or segment for one client, straight from the store (the ``stats`` command)."""
from __future__ import annotations

import os

import pandas as pd

from .errors import NpsInputError
from .metrics import categorize, nps_frame
from .periods import period_labels
from .schema import segment_columns
from .store import Store, load_responses

STAT_KEYS = ("n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high")


def client_stats(
    client_id: str,
    *,
    by: str = "month",
    start: str | None = None,
    end: str | None = None,
    store: str | os.PathLike | Store | None = None,
) -> pd.DataFrame:
    """One row per group with n, category counts, NPS and its 95% interval.

    Examples
    --------
    >>> import tempfile
    >>> s = Store(tempfile.mkdtemp())
    >>> _ = s.merge("responses", "acme", pd.DataFrame({"response_id": ["1", "2", "3"],
    ...     "score": [10, 9, 2], "responded_at": pd.to_datetime(
    ...         ["2026-01-02", "2026-01-20", "2026-02-01"], utc=True)}))
    >>> client_stats("acme", by="month", store=s)[["group", "n", "nps"]].to_dict("records")
    [{'group': '2026-01', 'n': 2, 'nps': 100.0}, {'group': '2026-02', 'n': 1, 'nps': -100.0}]
    """
    responses = load_responses(client_id, start=start, end=end, store=store)
    return group_stats(responses, by=by)


def group_stats(responses: pd.DataFrame, *, by: str = "month") -> pd.DataFrame:
    """NPS per calendar period ('month', 'quarter', 'year') or per segment column.

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [10, 0, 8], "region": ["EU", "EU", "US"]})
    >>> group_stats(frame, by="region")[["group", "n", "nps"]].to_dict("records")
    [{'group': 'EU', 'n': 2, 'nps': 0.0}, {'group': 'US', 'n': 1, 'nps': 0.0}]
    """
    if by in ("month", "quarter", "year"):
        groups = period_labels(responses["responded_at"], by)
    elif by in responses.columns and by in segment_columns(responses):
        groups = responses[by].fillna("(blank)").astype("str")
    else:
        options = ", ".join(["month", "quarter", "year", *segment_columns(responses)])
        raise NpsInputError(f"cannot group by {by!r}: choose one of {options}")
    cats = categorize(responses["score"])
    counts = (
        pd.crosstab(groups.to_numpy(), cats.to_numpy())
        .reindex(columns=["promoter", "passive", "detractor"], fill_value=0)
        .rename(columns={"promoter": "promoters", "passive": "passives", "detractor": "detractors"})
    )
    counts.index.name = "group"
    counts.columns.name = None
    table = nps_frame(counts.reset_index())
    return table[["group", *STAT_KEYS]]
