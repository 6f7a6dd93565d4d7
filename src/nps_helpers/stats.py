"""NPS per period or segment straight from the store: one client (the ``stats`` command),
or every client at once with the counting done inside DuckDB (``portfolio_stats``)."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import pandas as pd

from .errors import NpsInputError
from .metrics import categorize, nps_frame
from .periods import in_zone, period_labels
from .schema import DEFAULT_TIMEZONE, check_client_id, check_timezone, segment_columns
from .store import Store, _connect, _quote, load_responses, query_frame
from .timezones import client_timezone

STAT_KEYS = ("n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high")
# Period labels in SQL, the same as periods.period_labels: over each client's local time.
_LOCAL = "timezone(z.zone, r.responded_at)"
_SQL_PERIOD = {
    "month": f"strftime({_LOCAL}, '%Y-%m')",
    "quarter": f"CAST(year({_LOCAL}) AS VARCHAR) || '-Q' || CAST(quarter({_LOCAL}) AS VARCHAR)",
    "year": f"CAST(year({_LOCAL}) AS VARCHAR)",
}


def client_stats(
    client_id: str,
    *,
    by: str = "month",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    store: str | os.PathLike | Store | None = None,
    params_dir: str | os.PathLike = "params",
    tz: str | None = None,
) -> pd.DataFrame:
    """One row per group with n, category counts, NPS and its 95% interval.

    Periods and the dates ``start`` (inclusive) and ``end`` (exclusive) are in the
    client's zone: ``tz``, else :func:`~nps_helpers.timezones.client_timezone` of
    ``params_dir`` and the store.

    Examples
    --------
    >>> import tempfile
    >>> s = Store(tempfile.mkdtemp())
    >>> _ = s.merge("responses", "acme", pd.DataFrame({"response_id": ["1", "2", "3"],
    ...     "score": [10, 9, 2], "responded_at": pd.to_datetime(
    ...         ["2026-01-02 09:00", "2026-01-20 09:00", "2026-01-31 23:30"], utc=True)}))
    >>> client_stats("acme", by="month", store=s, tz="UTC")[["group", "n", "nps"]].round(1).to_dict("records")
    [{'group': '2026-01', 'n': 3, 'nps': 33.3}]
    >>> client_stats("acme", by="month", store=s, tz="Europe/Warsaw")[["group", "n", "nps"]].to_dict("records")
    [{'group': '2026-01', 'n': 2, 'nps': 100.0}, {'group': '2026-02', 'n': 1, 'nps': -100.0}]
    """
    if tz is None:
        tz = client_timezone(client_id, params_dir=params_dir, store=store)
    bounds = {k: None if v is None else in_zone(v, tz) for k, v in (("start", start), ("end", end))}
    responses = load_responses(client_id, store=store, **bounds)
    return group_stats(responses, by=by, tz=tz)


def group_stats(responses: pd.DataFrame, *, by: str = "month", tz: str = DEFAULT_TIMEZONE) -> pd.DataFrame:
    """NPS per calendar period ('month', 'quarter', 'year') of zone ``tz``, or per segment column.

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [10, 0, 8], "region": ["EU", "EU", "US"]})
    >>> group_stats(frame, by="region")[["group", "n", "nps"]].to_dict("records")
    [{'group': 'EU', 'n': 2, 'nps': 0.0}, {'group': 'US', 'n': 1, 'nps': 0.0}]
    """
    if by in ("month", "quarter", "year"):
        groups = period_labels(responses["responded_at"], by, tz=tz)
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


def portfolio_stats(
    store: str | os.PathLike | Store | None = None,
    *,
    by: str | None = "month",
    clients: Sequence[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    level: float = 0.95,
    timezones: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """NPS per client and period over the whole store, counted inside DuckDB.

    ``by`` is 'month', 'quarter', 'year' or None (one row per client, e.g. for
    :func:`~nps_helpers.benchmarks.peer_benchmark`). ``clients`` limits the clients read
    (only their partitions are opened). ``timezones`` maps a client to the zone its
    periods are cut in (:func:`~nps_helpers.timezones.client_timezone`; UTC for a client
    it leaves out). ``start``/``end`` bound ``responded_at`` (end exclusive): a
    timezone-aware bound is one instant for every client, a date or naive time is a wall
    time in each client's zone. Only the category counts leave DuckDB; intervals come from
    :func:`~nps_helpers.metrics.nps_frame`. An empty store gives an empty table.

    Examples
    --------
    >>> import tempfile
    >>> s = Store(tempfile.mkdtemp())
    >>> for client, scores in (("acme", [10, 9, 2]), ("bolt", [8, 0])):
    ...     _ = s.merge("responses", client, pd.DataFrame({"response_id": ["1", "2", "3"][:len(scores)],
    ...         "score": scores, "responded_at": pd.to_datetime(["2026-01-02"] * len(scores), utc=True)}))
    >>> portfolio_stats(s)[["client_id", "period", "n", "nps"]].round(1).to_dict("records")
    [{'client_id': 'acme', 'period': '2026-01', 'n': 3, 'nps': 33.3}, {'client_id': 'bolt', 'period': '2026-01', 'n': 2, 'nps': -50.0}]
    >>> portfolio_stats(s, by="year", start="2026-01-02 02:00", timezones={"bolt": "Asia/Tokyo"})[
    ...     ["client_id", "period", "n"]].to_dict("records")
    [{'client_id': 'bolt', 'period': '2026', 'n': 2}]
    """
    if by is not None and by not in _SQL_PERIOD:
        raise NpsInputError(f"portfolio_stats groups by month, quarter, year or None, not {by!r}")
    st = store if isinstance(store, Store) else Store(store)
    wanted = st.clients() if clients is None else [check_client_id(c) for c in clients]
    present = set(st.clients())
    keys = ["client_id"] + ([] if by is None else ["period"])
    if not present.intersection(wanted):
        empty = pd.DataFrame({k: pd.Series(dtype="str") for k in keys})
        return nps_frame(empty.assign(promoters=0, passives=0, detractors=0), level=level)[
            [*keys, *STAT_KEYS]
        ]
    read = [c for c in wanted if c in present]
    zones = [check_timezone((timezones or {}).get(c, DEFAULT_TIMEZONE)) for c in read]
    where, args = _local_filter(start, end, first=4)
    period = "" if by is None else f", {_SQL_PERIOD[by]} AS period"
    query = f"""
        WITH z AS (SELECT unnest($2::VARCHAR[]) AS client_id, unnest($3::VARCHAR[]) AS zone)
        SELECT r.client_id{period},
               count_if(score >= 9) AS promoters,
               count_if(score BETWEEN 7 AND 8) AS passives,
               count_if(score <= 6) AS detractors
        FROM read_parquet($1, hive_partitioning = true, hive_types = {{'client_id': VARCHAR}},
                          union_by_name = true) AS r
        JOIN z ON r.client_id = z.client_id{where}
        GROUP BY ALL
        ORDER BY ALL
    """
    files = [str(st.partition("responses", c)) for c in read]
    with _connect() as con:
        counts = query_frame(con, query, [files, read, zones, *args])
    return nps_frame(counts, level=level)[[*keys, *STAT_KEYS]]


def _local_filter(start, end, *, first: int) -> tuple[str, list]:
    """WHERE on ``r.responded_at``: aware bounds as instants, naive ones in each ``z.zone``."""
    clauses, args = [], []
    for bound, op in ((start, ">="), (end, "<")):
        if bound is None:
            continue
        ts = pd.Timestamp(bound)
        place = f"${first + len(args)}"
        if ts.tzinfo is None:
            clauses.append(f"r.{_quote('responded_at')} {op} timezone(z.zone, {place}::TIMESTAMP)")
        else:
            clauses.append(f"r.{_quote('responded_at')} {op} {place}::TIMESTAMPTZ")
            ts = ts.tz_convert("UTC")
        args.append(ts.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args
