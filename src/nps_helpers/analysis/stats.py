"""NPS per period or segment straight from the store: one client (the ``stats`` command),
or every client at once with the counting done inside DuckDB (``portfolio_stats``).

:func:`flag_rows` flags each row by the report's small-n rules (``ok``, ``low_n``,
``suppressed``) and can withhold the figures of suppressed rows as the report does.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import pandas as pd

from ..config.params import Defaults, load_client, load_defaults
from ..core.periods import Freq, in_zone, period_labels
from ..core.schema import DEFAULT_TIMEZONE, check_client_id, check_timezone, segment_columns
from ..errors import NpsInputError
from ..io.store import Store, connect, load_responses, query_frame, quote_identifier
from ..io.timezones import client_timezone
from .metrics import categorize, nps_frame

STAT_KEYS = ("n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high")
FLAGS = ("ok", "low_n", "suppressed")
# What a withheld row does not show: its counts would give its NPS back.
WITHHELD = ["promoters", "passives", "detractors", "nps", "ci_low", "ci_high"]
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
    client's zone: ``tz``, else :func:`~nps_helpers.io.timezones.client_timezone` of
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
        # The test above makes ``by`` a Freq; mypy does not narrow a str by ``in``.
        groups = period_labels(responses["responded_at"], cast(Freq, by), tz=tz)
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


def flag_rows(
    table: pd.DataFrame,
    *,
    min_n: int = Defaults.model_fields["min_n"].default,
    suppress_n: int = Defaults.model_fields["suppress_n"].default,
    suppress: bool = False,
) -> pd.DataFrame:
    """The table with a ``flag`` per row: ``suppressed`` (n below ``suppress_n``), ``low_n``
    (below ``min_n``) or ``ok``; with ``suppress``, a suppressed row's counts, NPS and
    interval are withheld (None), as the report withholds them. ``n`` stays shown.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b", "c"], "n": [4, 20, 40], "promoters": [2, 10, 20],
    ...     "passives": [1, 5, 10], "detractors": [1, 5, 10], "nps": [25.0, 25.0, 25.0],
    ...     "ci_low": [-40.0, 0.0, 8.0], "ci_high": [80.0, 48.0, 40.0]})
    >>> flag_rows(t)["flag"].tolist()
    ['suppressed', 'low_n', 'ok']
    >>> flag_rows(t, suppress=True).to_dict("records")[0]  # doctest: +NORMALIZE_WHITESPACE
    {'group': 'a', 'n': 4, 'promoters': None, 'passives': None, 'detractors': None,
     'nps': None, 'ci_low': None, 'ci_high': None, 'flag': 'suppressed'}
    """
    n = table["n"]
    flag = pd.Series("ok", index=table.index).mask(n < min_n, "low_n").mask(n < suppress_n, "suppressed")
    out = table.assign(flag=flag)
    if suppress:
        withheld = [c for c in WITHHELD if c in out.columns]
        out[withheld] = out[withheld].astype(object).mask(flag == "suppressed", None)
    return out


def client_thresholds(client_id: str, params_dir: str | os.PathLike = "params") -> tuple[int, int]:
    """``(min_n, suppress_n)`` of a client as its report uses them: its params, else defaults.yaml.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> client_thresholds("acme", root)
    (30, 10)
    >>> _ = (root / "clients").mkdir()
    >>> _ = (root / "clients" / "acme.yaml").write_text(
    ...     "client_id: acme\\ndisplay_name: Acme\\nindustry: retail\\nmin_n: 50\\n")
    >>> _ = (root / "defaults.yaml").write_text("suppress_n: 5\\n")
    >>> client_thresholds("acme", root)
    (50, 5)
    """
    defaults = load_defaults(params_dir)
    path = Path(params_dir) / "clients" / f"{check_client_id(client_id)}.yaml"
    client = load_client(client_id, params_dir) if path.exists() else None
    return ((client and client.min_n) or defaults.min_n,
            (client and client.suppress_n) or defaults.suppress_n)


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
    :func:`~nps_helpers.analysis.benchmarks.peer_benchmark`). ``clients`` limits the clients read
    (only their partitions are opened). ``timezones`` maps a client to the zone its
    periods are cut in (:func:`~nps_helpers.io.timezones.client_timezone`; UTC for a client
    it leaves out). ``start``/``end`` bound ``responded_at`` (end exclusive): a
    timezone-aware bound is one instant for every client, a date or naive time is a wall
    time in each client's zone. Only the category counts leave DuckDB; intervals come from
    :func:`~nps_helpers.analysis.metrics.nps_frame`. An empty store gives an empty table.

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
    with connect() as con:
        counts = query_frame(con, query, [files, read, zones, *args])
    return nps_frame(counts, level=level)[[*keys, *STAT_KEYS]]


def _local_filter(start, end, *, first: int) -> tuple[str, list]:
    """WHERE on ``r.responded_at``: aware bounds as instants, naive ones in each ``z.zone``."""
    clauses: list[str] = []
    args: list[str] = []
    for bound, op in ((start, ">="), (end, "<")):
        if bound is None:
            continue
        ts = pd.Timestamp(bound)
        place = f"${first + len(args)}"
        if ts.tzinfo is None:
            clauses.append(f"r.{quote_identifier('responded_at')} {op} timezone(z.zone, {place}::TIMESTAMP)")
        else:
            clauses.append(f"r.{quote_identifier('responded_at')} {op} {place}::TIMESTAMPTZ")
            ts = ts.tz_convert("UTC")
        args.append(ts.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args
