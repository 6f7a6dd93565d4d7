"""Internal views for the agency's analysts: every client side by side, one client's churn in depth.

Nothing here belongs in a client's report: these frames put client names and figures side
by side. Two layers, kept apart:

- **Pure functions** over frames and results, no I/O: the portfolio's :func:`league_table`,
  :func:`pooled_nps`, :func:`period_table`, :func:`benchmark_spread`,
  :func:`industry_spread`, :func:`churn_summary`, :func:`health_summary`,
  :func:`auc_interval`, :func:`engagement_summary`, :func:`ingest_totals`,
  :func:`data_quality` (one client in depth: :mod:`nps_helpers.views.churn_depth`).
- **Store readers** at the edge (last section): :func:`open_portfolio`,
  :func:`client_directory`, :func:`table_counts`, :func:`ingest_summary`,
  :func:`read_customer_sample`, :func:`customer_checks`.

Scale: NPS is counted inside DuckDB (:func:`~nps_helpers.analysis.stats.portfolio_stats`), row
counts come from Parquet metadata, and the per-customer analyses (churn, health score,
survey fatigue, response rate) read one client at a time and at most ``max_customers`` of
its customers: a fixed sample by a hash of the customer id, or all of them when the
client has fewer. Memory therefore stays flat however many responses the store holds.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis.churn import ChurnResult, churn_analysis
from ..analysis.experience import (
    FatigueResult,
    Share,
    response_rate,
    survey_fatigue,
    to_utc,
)
from ..analysis.health import HealthCheck
from ..analysis.metrics import check_counts
from ..config.params import ClientParams, Defaults, client_ids, load_client, load_defaults
from ..config.project import find_project
from ..core.periods import HISTORY_MONTHS, Period, window
from ..core.schema import check_client_id
from ..errors import NpsStoreError
from ..io.store import TIME_COLUMN, Store, connect, query_frame, resolve_store
from ..io.timezones import client_timezone
from .churn_depth import HEALTH_HORIZON_DAYS, holdout_health_check
from .side_by_side import ingest_totals

MAX_CUSTOMERS = 50_000
TABLES = tuple(TIME_COLUMN)
_HASH_RANGE = 2**64  # DuckDB's hash() is a UBIGINT


# --- store readers (the edge) -----------------------------------------------------------
@dataclass(frozen=True)
class Portfolio:
    """Every client of a store for one period: params, directory, report language, thresholds.

    ``period`` is cut in defaults.yaml's zone; each client's figures are counted in its own
    zone (``timezones``, by :func:`~nps_helpers.io.timezones.client_timezone`), so pass
    ``start``/``end``/``history_start`` (wall times) with ``timezones`` to
    :func:`~nps_helpers.analysis.stats.portfolio_stats`.
    """

    store: Store
    defaults: Defaults
    language: str  # for the notebook's translator (nps_helpers.translator)
    period: Period
    clients: pd.DataFrame
    client_params: Mapping[str, ClientParams | None]
    timezones: Mapping[str, str] = field(default_factory=dict)

    @property
    def level(self) -> float:
        """Confidence level of every interval."""
        return self.defaults.level

    @property
    def min_n(self) -> int:
        """Clients below this n in the period are flagged."""
        return self.defaults.min_n

    @property
    def suppress_n(self) -> int:
        """Clients below this n in the period have their figures withheld."""
        return self.defaults.suppress_n

    @property
    def start(self) -> pd.Timestamp:
        """First day of the period, as a wall time each client's zone places."""
        return self.period.start.tz_localize(None)

    @property
    def end(self) -> pd.Timestamp:
        """Day after the period, as a wall time each client's zone places."""
        return self.period.end.tz_localize(None)

    @property
    def history_start(self) -> pd.Timestamp:
        """Start of the history shown per quarter (24 months before the period's end), a wall time."""
        return self.end - pd.DateOffset(months=HISTORY_MONTHS)

    @property
    def client_ids(self) -> list[str]:
        """Every client of the portfolio, sorted."""
        return self.clients["client_id"].tolist()


def open_portfolio(
    store: str | os.PathLike | None,
    params_dir: str | os.PathLike | None,
    period_start: str,
    period_end: str,
    *,
    period_label: str | None = None,
    language: str = "en",
) -> Portfolio:
    """Every client of the store (and of ``params_dir``) for ``[period_start, period_end)``.

    Reads only params and the store's folder listing. An empty or missing store raises
    :class:`~nps_helpers.errors.NpsStoreError` saying how to fill it. ``params_dir`` None:
    the params of the project found from the working folder
    (:func:`~nps_helpers.config.project.find_project`); ``store`` None: the store defaults.yaml names.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.demo import write_demo_store
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = write_demo_store(root / "store", clients=2, responses=400, params_dir=root / "params")
    >>> p = open_portfolio(root / "store", root / "params", "2026-07-01", "2026-10-01", period_label="2026-Q3")
    >>> p.period.label, p.client_ids
    ('2026-Q3', ['brightwave-mobile', 'kestrel-bank'])
    """
    params_dir = Path(params_dir) if params_dir is not None else find_project() / "params"
    defaults = load_defaults(params_dir)
    st = Store(resolve_store(store, project=params_dir.parent, configured=defaults.store))
    stored = st.clients()
    if not stored:
        raise NpsStoreError(
            f"no responses in store {st.root}: ingest an export first (nps-report ingest FILE "
            "--client ID) or make the demo store (nps-report demo-data)"
        )
    ids = sorted(set(stored) | set(client_ids(params_dir)))
    params = {cid: _client_or_none(cid, params_dir) for cid in ids}
    zones = {cid: client_timezone(cid, params_dir=params_dir, store=st) for cid in ids}
    return Portfolio(store=st, defaults=defaults, language=language,
                     period=window(period_start, period_end, period_label, tz=defaults.timezone),
                     clients=client_directory(params), client_params=params, timezones=zones)


def client_directory(params: Mapping[str, ClientParams | None]) -> pd.DataFrame:
    """Client id, display name, industry and language per client (the id when no params).

    Examples
    --------
    >>> c = ClientParams(client_id="acme", display_name="Acme Ltd", industry="retail")
    >>> client_directory({"acme": c, "bolt": None}).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'client_id': 'acme', 'display_name': 'Acme Ltd', 'industry': 'retail', 'language': None},
     {'client_id': 'bolt', 'display_name': 'bolt', 'industry': nan, 'language': None}]
    """
    rows = [{"client_id": cid, "display_name": p.display_name if p else cid,
             "industry": p.industry if p else None, "language": p.language if p else None}
            for cid, p in params.items()]
    return pd.DataFrame(rows, columns=["client_id", "display_name", "industry", "language"])


def table_counts(store: Store, clients: Sequence[str]) -> pd.DataFrame:
    """Rows stored per client in each table, read from the Parquet footers (no data scan).

    Examples
    --------
    >>> import tempfile
    >>> s = Store(tempfile.mkdtemp())
    >>> _ = s.merge("responses", "acme", pd.DataFrame({"response_id": ["1", "2"], "score": [9, 3]}))
    >>> table_counts(s, ["acme"]).to_dict("records")
    [{'client_id': 'acme', 'responses': 2, 'customers': 0, 'invitations': 0, 'reviews': 0}]
    """
    ids = [check_client_id(c) for c in clients]
    table = pd.DataFrame({"client_id": ids})
    with connect() as con:
        for name in TABLES:
            files = {str(store.partition(name, c)): c for c in ids if store.has(name, c)}
            rows = (query_frame(con, "SELECT file_name, num_rows FROM parquet_file_metadata($1)",
                                [list(files)]) if files else pd.DataFrame(columns=["file_name", "num_rows"]))
            per_client = rows["num_rows"].groupby(rows["file_name"].map(files)).sum()
            table[name] = table["client_id"].map(per_client).fillna(0).astype("int64")
    return table


def ingest_summary(store: Store, clients: Sequence[str]) -> pd.DataFrame:
    """:func:`ingest_totals` of each client's ingest log and rejects file.

    Examples
    --------
    >>> import tempfile
    >>> ingest_summary(Store(tempfile.mkdtemp()), ["acme"])[["client_id", "ingest_runs", "rejected"]].to_dict("records")
    [{'client_id': 'acme', 'ingest_runs': 0, 'rejected': 0}]
    """
    return ingest_totals({c: store.ingest_log(c) for c in clients},
                         {c: store.read_rejects(c) for c in clients})


@dataclass(frozen=True)
class CustomerSample:
    """One client's customers (all, or a hash sample of them) with their responses and invitations.

    ``responses`` hold only ``customer_id``, ``responded_at`` and ``score`` of responses
    with a customer id. ``share`` is the sampled fraction of the client's ``customers``
    (1.0: all). ``data_end`` is the latest date in any of the client's tables, whole.
    """

    client_id: str
    responses: pd.DataFrame
    customers: pd.DataFrame
    invitations: pd.DataFrame
    total_customers: int
    share: float
    data_end: pd.Timestamp | None


def read_customer_sample(
    store: Store, client_id: str, *, max_customers: int = MAX_CUSTOMERS
) -> CustomerSample:
    """Read one client's customer-level data, at most ``max_customers`` customers of it.

    Customers are kept when ``hash(customer_id)`` falls in the lowest ``share`` of the
    hash range, the same rule in every table, so a customer comes with all of their
    responses and invitations or not at all, and the same store gives the same sample.
    Filtering and column selection happen inside DuckDB.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.demo import write_demo_store
    >>> root = tempfile.mkdtemp()
    >>> _ = write_demo_store(root, clients=1, responses=2000)
    >>> s = read_customer_sample(Store(root), "kestrel-bank", max_customers=500)
    >>> s.share < 1, abs(len(s.customers) - 500) < 100
    (True, True)
    """
    check_counts(max_customers=max_customers)
    paths = {t: store.partition(t, client_id) for t in TABLES}
    have = {t: p.exists() for t, p in paths.items()}
    with connect() as con:
        def scan(table: str, select: str, where: str = "TRUE", args: Sequence = ()) -> pd.DataFrame:
            return query_frame(
                con, f"SELECT {select} FROM read_parquet($1, hive_partitioning = false) WHERE {where}",
                [str(paths[table]), *args])

        total = int(scan("customers", "count(*) AS n").iloc[0, 0]) if have["customers"] else 0
        if not total and have["responses"]:
            total = int(scan("responses", "count(DISTINCT customer_id) AS n").iloc[0, 0])
        share = min(1.0, max_customers / total) if total else 1.0
        keep = "customer_id IS NOT NULL" + ("" if share >= 1 else " AND hash(customer_id) < $2")
        args = [] if share >= 1 else [int(share * _HASH_RANGE)]
        frames = {
            "responses": scan("responses", "customer_id, responded_at, score", keep, args)
            if have["responses"] else pd.DataFrame(),
            "customers": scan("customers", "*", keep, args) if have["customers"] else pd.DataFrame(),
            "invitations": scan("invitations", "customer_id, invited_at", keep, args)
            if have["invitations"] else pd.DataFrame(),
        }
        ends = [scan("responses", "max(responded_at)")] if have["responses"] else []
        if have["customers"]:
            ends.append(scan("customers", "greatest(max(started_at), max(churned_at))"))
        if have["invitations"]:
            ends.append(scan("invitations", "max(invited_at)"))
    stamps = [to_utc(e.iloc[0, 0]) for e in ends if pd.notna(e.iloc[0, 0])]
    return CustomerSample(client_id, frames["responses"], frames["customers"], frames["invitations"],
                          total, share, max(stamps) if stamps else None)


@dataclass(frozen=True)
class CustomerChecks:
    """Per-client results of the customer-level checks (see :func:`customer_checks`)."""

    churn: dict[str, ChurnResult]
    health: dict[str, HealthCheck | None]
    fatigue: dict[str, FatigueResult]
    response: dict[str, Share]
    sample: pd.DataFrame


def customer_checks(
    portfolio: Portfolio,
    *,
    churn_horizon_days: int | None = None,
    health_horizon_days: int = HEALTH_HORIZON_DAYS,
    max_customers: int = MAX_CUSTOMERS,
) -> CustomerChecks:
    """Churn linkage, health-score check, survey fatigue and response rate of every client.

    One client at a time, from :func:`read_customer_sample`: churn within
    ``churn_horizon_days`` (default: the project default) at the client's data end;
    the health score scored ``health_horizon_days`` before it (:func:`holdout_health_check`);
    fatigue over the year up to it. ``sample`` says per client how many customers the
    figures rest on (``customers_used``), which ``share`` of them that is, and the
    ``data_end``.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.demo import write_demo_store
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = write_demo_store(root / "store", clients=1, responses=600, params_dir=root / "params")
    >>> p = open_portfolio(root / "store", root / "params", "2026-07-01", "2026-10-01")
    >>> checks = customer_checks(p)
    >>> list(checks.churn), checks.sample["share"].tolist()
    (['kestrel-bank'], [1.0])
    """
    horizon = churn_horizon_days or portfolio.defaults.churn_horizon_days
    churn, health, fatigue, response, sample = {}, {}, {}, {}, []
    for cid in portfolio.client_ids:
        s = read_customer_sample(portfolio.store, cid, max_customers=max_customers)
        churn[cid] = churn_analysis(s.responses, s.customers, s.invitations, horizon_days=horizon,
                                    as_of=s.data_end, level=portfolio.level)
        health[cid] = (holdout_health_check(s.customers, s.responses, s.invitations, data_end=s.data_end,
                                            horizon_days=health_horizon_days,
                                            client=portfolio.client_params.get(cid))
                       if s.data_end is not None else None)
        fatigue[cid] = survey_fatigue(s.invitations, as_of=s.data_end)
        response[cid] = response_rate(s.invitations, s.responses, level=portfolio.level)
        sample.append({"client_id": cid, "customers_used": len(s.customers), "share": s.share,
                       "data_end": s.data_end})
    return CustomerChecks(churn, health, fatigue, response,
                          pd.DataFrame(sample, columns=["client_id", "customers_used", "share", "data_end"]))


def _client_or_none(client_id: str, params_dir: str | os.PathLike) -> ClientParams | None:
    # A client with data but no params file is still shown, under its id.
    if not (Path(params_dir) / "clients" / f"{check_client_id(client_id)}.yaml").exists():
        return None
    return load_client(client_id, params_dir)


