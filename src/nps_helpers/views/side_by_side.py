"""Every client side by side, pure functions over frames and results: the league table, periods,
published benchmarks, churn and health summaries, engagement and data quality."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.benchmarks import industry_benchmark
from ..analysis.churn import ChurnResult
from ..analysis.experience import (
    FatigueResult,
    Share,
)
from ..analysis.health import BANDS, HealthCheck
from ..analysis.metrics import (
    CATEGORIES,
    NpsResult,
    check_counts,
    nps,
    nps_difference_frame,
    nps_frame,
    z_value,
)
from ..errors import NpsInputError

COUNTS = ["promoters", "passives", "detractors"]

SHARES = ["promoter_share", "passive_share", "detractor_share"]

LEAGUE_COLUMNS = [
    "rank", "client_id", "group", "industry", "n", *COUNTS, *SHARES, "nps", "ci_low", "ci_high",
    "difference", "p_value", "significant", "flag", "small_n", "suppressed",
]

POSITIONS = ("above_published", "within_published", "below_published", "no_published_figures",
             "unknown_industry", "withheld")


# --- the whole portfolio (pure) ---------------------------------------------------------
def league_table(
    stats: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    min_n: int = 30,
    suppress_n: int = 10,
    level: float = 0.95,
) -> pd.DataFrame:
    """Every client's NPS with its interval, best first, against the rest of the portfolio.

    ``stats`` holds category counts per client (``client_id``, ``promoters``, ``passives``,
    ``detractors``), as :func:`~nps_helpers.analysis.stats.portfolio_stats` gives them (rows of
    one client are summed, so per-period stats give the whole window). ``clients`` is
    :func:`client_directory`: every client it lists gets a row, with ``n == 0`` when it
    has no responses. Columns: ``LEAGUE_COLUMNS``. ``group`` is the client's display name
    (the column the house charts and tables read); ``difference`` is the client's NPS
    minus that of every other response in the portfolio, with its ``p_value`` and
    ``significant``. ``flag`` is 'ok', 'small' (``n < min_n``), 'suppressed'
    (``n < suppress_n``: figures withheld, as in a client's report) or 'no_responses'.
    ``rank`` ties share the better rank; withheld clients have none and come last.

    Examples
    --------
    >>> stats = pd.DataFrame({"client_id": ["a", "b", "c"], "promoters": [60, 10, 2],
    ...     "passives": [20, 10, 1], "detractors": [20, 30, 1]})
    >>> clients = pd.DataFrame({"client_id": ["a", "b", "c", "d"], "display_name": ["A", "B", "C", "D"],
    ...     "industry": ["banking"] * 4})
    >>> t = league_table(stats, clients)
    >>> t[["rank", "group", "n", "nps", "flag"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'rank': 1, 'group': 'A', 'n': 100, 'nps': 40.0, 'flag': 'ok'},
     {'rank': 2, 'group': 'B', 'n': 50, 'nps': -40.0, 'flag': 'ok'},
     {'rank': None, 'group': 'C', 'n': 4, 'nps': nan, 'flag': 'suppressed'},
     {'rank': None, 'group': 'D', 'n': 0, 'nps': nan, 'flag': 'no_responses'}]
    """
    check_counts(min_n=min_n, suppress_n=suppress_n)
    z_value(level)
    _need(stats, ["client_id", *COUNTS], "league_table (stats)")
    _need(clients, ["client_id", "display_name", "industry"], "league_table (clients)")
    counts = stats.groupby("client_id", as_index=False)[COUNTS].sum()
    frame = clients[["client_id", "display_name", "industry"]].merge(counts, on="client_id", how="outer")
    frame["group"] = frame["display_name"].fillna(frame["client_id"])
    frame[COUNTS] = frame[COUNTS].fillna(0).astype("int64")
    table = nps_frame(frame.drop(columns="display_name"), level=level)
    n = table["n"]
    table["flag"] = np.select([n == 0, n < suppress_n, n < min_n], ["no_responses", "suppressed", "small"], "ok")
    table["suppressed"] = n < suppress_n
    table["small_n"] = table["flag"] == "small"
    rest = table[COUNTS].sum() - table[COUNTS]
    table = table.join(nps_difference_frame(table[COUNTS], rest, level=level)[
        ["difference", "p_value", "significant"]])
    shown = ~table["suppressed"]
    figures = [*SHARES, "nps", "ci_low", "ci_high", "difference", "p_value"]
    table[figures] = table[figures].where(shown)
    table["significant"] = table["significant"] & shown
    table["rank"] = table["nps"].rank(ascending=False, method="min").astype("Int64")
    table = table.sort_values(["suppressed", "nps", "n", "client_id"],
                              ascending=[True, False, False, True], na_position="last")
    return table[LEAGUE_COLUMNS].reset_index(drop=True)


def pooled_nps(stats: pd.DataFrame, *, level: float = 0.95) -> NpsResult:
    """NPS of every response in ``stats`` together (the portfolio's own figure).

    Examples
    --------
    >>> r = pooled_nps(pd.DataFrame({"promoters": [60, 10], "passives": [20, 10],
    ...     "detractors": [20, 30]}))
    >>> r.n, round(r.nps, 1)
    (150, 13.3)
    """
    _need(stats, COUNTS, "pooled_nps")
    return nps({c: int(stats[c].sum()) for c in COUNTS}, level=level)


def period_table(
    stats: pd.DataFrame,
    clients: pd.DataFrame,
    *,
    value: str = "nps",
    suppress_n: int = 10,
) -> pd.DataFrame:
    """One row per client (display name), one column per period: NPS, or another column.

    ``stats`` as :func:`~nps_helpers.analysis.stats.portfolio_stats` with ``by`` set (``client_id``,
    ``period``, ``n`` and ``value``). Figures from fewer than ``suppress_n`` responses
    are left blank (NaN); counts (``value='n'``) are always shown. Every client of
    ``clients`` has a row; periods run oldest first.

    Examples
    --------
    >>> stats = pd.DataFrame({"client_id": ["a", "a", "b"], "period": ["2026-Q1", "2026-Q2", "2026-Q2"],
    ...     "n": [50, 40, 5], "nps": [10.0, 12.5, 60.0]})
    >>> clients = pd.DataFrame({"client_id": ["a", "b"], "display_name": ["Acme", "Bolt"]})
    >>> period_table(stats, clients).to_dict("index")
    {'Acme': {'2026-Q1': 10.0, '2026-Q2': 12.5}, 'Bolt': {'2026-Q1': nan, '2026-Q2': nan}}
    """
    _need(stats, ["client_id", "period", "n", value], "period_table (stats)")
    _need(clients, ["client_id", "display_name"], "period_table (clients)")
    names = dict(zip(clients["client_id"], clients["display_name"], strict=True))
    figures = stats[value] if value == "n" else stats[value].where(stats["n"] >= suppress_n)
    data = pd.DataFrame({"client": stats["client_id"].map(names).fillna(stats["client_id"]),
                         "period": stats["period"], "value": figures})
    wide = data.pivot_table(index="client", columns="period", values="value", aggfunc="first",
                            dropna=False)
    rows = sorted(set(names.values()) | set(data["client"]))
    wide = wide.reindex(index=rows, columns=sorted(data["period"].unique()))
    wide.index.name, wide.columns.name = "client", "period"
    return wide


def benchmark_spread(league: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each client's NPS against the published figures for its industry.

    ``league`` is :func:`league_table`; ``published`` replaces the shipped figures (as
    :func:`~nps_helpers.analysis.benchmarks.industry_benchmark` takes them). Per client: its NPS
    and interval, how many figures are published (``published``), their range
    (``published_low``, ``published_high``), the newest one (``latest_year``,
    ``latest_nps``, ``latest_source``, ``latest_region``), ``vs_latest`` (client minus
    newest) and ``position``, one of ``POSITIONS``: above or below the published range
    when the client's whole interval is, else within. Sorted by industry, best first.

    Examples
    --------
    >>> league = pd.DataFrame({"client_id": ["a", "b"], "group": ["A", "B"],
    ...     "industry": ["airlines", "software"], "n": [900, 80], "nps": [30.0, 5.0],
    ...     "ci_low": [25.0, -10.0], "ci_high": [35.0, 20.0], "suppressed": [False, False]})
    >>> benchmark_spread(league)[["group", "latest_nps", "vs_latest", "position"]].to_dict("records")
    [{'group': 'A', 'latest_nps': 7.0, 'vs_latest': 23.0, 'position': 'above_published'}, {'group': 'B', 'latest_nps': nan, 'vs_latest': nan, 'position': 'no_published_figures'}]
    """
    _need(league, ["client_id", "group", "industry", "n", "nps", "ci_low", "ci_high", "suppressed"],
          "benchmark_spread")
    industries = sorted(league["industry"].dropna().unique())
    figures = pd.DataFrame([_published(i, published) for i in industries],
                           columns=["industry", "published", "published_low", "published_high",
                                    "latest_year", "latest_nps", "latest_source", "latest_region"])
    spread = league[["client_id", "group", "industry", "n", "nps", "ci_low", "ci_high", "suppressed"]].merge(
        figures, on="industry", how="left")
    spread = spread.astype({"published": "Float64", "latest_year": "Int64"})
    spread["published"] = spread["published"].fillna(0).astype("int64")
    spread["vs_latest"] = (spread["nps"] - spread["latest_nps"]).where(~spread["suppressed"])
    spread["position"] = np.select(
        [spread["suppressed"], spread["industry"].isna(), spread["published"] == 0,
         spread["ci_low"] > spread["published_high"], spread["ci_high"] < spread["published_low"]],
        ["withheld", "unknown_industry", "no_published_figures", "above_published", "below_published"],
        "within_published",
    )
    spread = spread.sort_values(["industry", "suppressed", "nps", "client_id"],
                                ascending=[True, True, False, True], na_position="last")
    return spread.drop(columns="suppressed").reset_index(drop=True)


def industry_spread(spread: pd.DataFrame) -> pd.DataFrame:
    """Per industry: how the clients' NPS spread against the published range.

    ``spread`` is :func:`benchmark_spread`. Columns: ``industry``, ``clients`` (with
    figures shown), ``nps_low``, ``nps_median``, ``nps_high`` (over those clients), the
    published range and newest figure, and how many clients sit above, within and below it.

    Examples
    --------
    >>> spread = pd.DataFrame({"industry": ["airlines"] * 3, "nps": [30.0, 10.0, float("nan")],
    ...     "published": [1] * 3, "published_low": [7.0] * 3, "published_high": [7.0] * 3,
    ...     "latest_nps": [7.0] * 3, "position": ["above_published", "within_published", "withheld"]})
    >>> industry_spread(spread)[["clients", "nps_median", "above", "within", "below"]].to_dict("records")
    [{'clients': 2, 'nps_median': 20.0, 'above': 1, 'within': 1, 'below': 0}]
    """
    _need(spread, ["industry", "nps", "published", "published_low", "published_high", "latest_nps",
                   "position"], "industry_spread")
    data = spread.assign(
        above=spread["position"] == "above_published",
        within=spread["position"] == "within_published",
        below=spread["position"] == "below_published",
    )
    table = data.groupby("industry", sort=True).agg(
        clients=("nps", "count"), nps_low=("nps", "min"), nps_median=("nps", "median"),
        nps_high=("nps", "max"), published=("published", "first"),
        published_low=("published_low", "first"), published_high=("published_high", "first"),
        latest_nps=("latest_nps", "first"), above=("above", "sum"), within=("within", "sum"),
        below=("below", "sum"),
    )
    return table.reset_index()


def churn_summary(results: Mapping[str, ChurnResult]) -> pd.DataFrame:
    """One row per client: does its NPS predict churn? (verdict, odds ratio per point, p).

    ``results`` maps client ids to :func:`~nps_helpers.analysis.churn.churn_analysis` results.
    Columns: ``client_id``, ``status``, ``reason``, ``horizon_days``, ``as_of``,
    ``customers``, ``events`` (churners within the horizon), ``verdict`` (missing when
    not available), ``odds_ratio`` per score point with ``ci_low``/``ci_high``,
    ``p_value`` (Wald) and ``lr_p_value`` (the test the verdict rests on), churn rates of
    detractors, passives and promoters, ``logrank_p_value`` of the retention curves, and
    responders minus non-responders (``responder_difference`` with interval and p).

    Examples
    --------
    >>> from nps_helpers.analysis.churn import ChurnResult
    >>> churn_summary({"acme": ChurnResult("not_available", "no_customers", 180)})[
    ...     ["client_id", "status", "reason", "verdict"]].to_dict("records")
    [{'client_id': 'acme', 'status': 'not_available', 'reason': 'no_customers', 'verdict': None}]
    """
    return pd.DataFrame([_churn_row(cid, r) for cid, r in results.items()],
                        columns=_CHURN_COLUMNS).astype({"verdict": "string", "reason": "string"})


def health_summary(checks: Mapping[str, HealthCheck | None], *, level: float = 0.95) -> pd.DataFrame:
    """One row per client: how well the health score ranked later churners (ROC AUC).

    ``checks`` maps client ids to :func:`holdout_health_check` results (None: no customer
    data). Columns: ``client_id``, ``status``, ``as_of`` (when scored), ``horizon_days``,
    ``customers``, ``churned``, ``auc`` with its interval (:func:`auc_interval`) and the
    churn rate of each band (``rate_critical``, ``rate_at_risk``, ``rate_healthy``).

    Examples
    --------
    >>> band_churn = pd.DataFrame({"band": ["critical", "at_risk", "healthy"],
    ...     "customers": [100, 300, 600], "churned": [30, 30, 12], "rate": [0.3, 0.1, 0.02]})
    >>> check = HealthCheck("ok", pd.Timestamp("2026-07-01", tz="UTC"), 90, 1000, 72, 0.75, band_churn)
    >>> row = health_summary({"acme": check, "bolt": None}).round(3).to_dict("records")
    >>> row[0]["auc"], row[0]["rate_critical"], row[1]["status"]
    (0.75, 0.3, 'no_customers')
    """
    rows: list[dict[str, object]] = []
    for cid, check in checks.items():
        if check is None:
            rows.append({"client_id": cid, "status": "no_customers"})
            continue
        rates = check.band_churn.set_index("band")["rate"].reindex(list(BANDS))
        low, high = auc_interval(check.auc, check.churned, check.customers - check.churned, level=level)
        rows.append({
            "client_id": cid, "status": check.status, "as_of": check.as_of,
            "horizon_days": check.horizon_days, "customers": check.customers,
            "churned": check.churned, "auc": check.auc, "auc_ci_low": low, "auc_ci_high": high,
            **{f"rate_{band}": float(rates[band]) for band in BANDS},
        })
    columns = ["client_id", "status", "as_of", "horizon_days", "customers", "churned", "auc",
               "auc_ci_low", "auc_ci_high", *[f"rate_{band}" for band in BANDS]]
    return pd.DataFrame(rows, columns=columns).astype({"customers": "Int64", "churned": "Int64",
                                                       "horizon_days": "Int64"})


def auc_interval(auc: float, positives: int, negatives: int, *, level: float = 0.95) -> tuple[float, float]:
    """Interval of a ROC AUC by Hanley and McNeil's (1982) standard error, clipped to 0..1.

    ``positives`` are the churners, ``negatives`` the stayers. NaN when the AUC is.

    Examples
    --------
    >>> [round(x, 3) for x in auc_interval(0.8, 50, 200)]
    [0.723, 0.877]
    """
    z = z_value(level)
    if np.isnan(auc) or positives < 1 or negatives < 1:
        return float("nan"), float("nan")
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (positives - 1) * (q1 - auc**2)
           + (negatives - 1) * (q2 - auc**2)) / (positives * negatives)
    half = z * np.sqrt(max(var, 0.0))
    return float(max(auc - half, 0.0)), float(min(auc + half, 1.0))


def engagement_summary(
    fatigue: Mapping[str, FatigueResult], response: Mapping[str, Share]
) -> pd.DataFrame:
    """Per client: surveys per customer a year, the over-surveyed share, the response rate.

    ``fatigue`` and ``response`` map client ids to
    :func:`~nps_helpers.analysis.experience.survey_fatigue` and
    :func:`~nps_helpers.analysis.experience.response_rate` results. Columns: ``client_id``,
    ``surveys_per_year`` (mean per invited customer), ``max_per_year``,
    ``over_limit_share`` (customers above the limit), ``fatigue_flag`` (the mean is
    above it), ``response_rate`` with ``rr_ci_low``/``rr_ci_high``; NaN where the client
    has no invitations.

    Examples
    --------
    >>> from nps_helpers.analysis.experience import FatigueResult, Share
    >>> f = FatigueResult("ok", 4, 5.0, 8, 3, 4, True, pd.DataFrame())
    >>> r = Share("ok", 20, 5, 0.25, 0.11, 0.47)
    >>> engagement_summary({"acme": f}, {"acme": r})[
    ...     ["over_limit_share", "fatigue_flag", "response_rate"]].to_dict("records")
    [{'over_limit_share': 0.75, 'fatigue_flag': True, 'response_rate': 0.25}]
    """
    rows = []
    for cid in dict.fromkeys([*fatigue, *response]):
        f, r = fatigue.get(cid), response.get(cid)
        if f is not None and f.status != "ok":
            f = None
        rows.append({
            "client_id": cid,
            "surveys_per_year": f.mean_per_year if f is not None else np.nan,
            "max_per_year": f.max_per_year if f is not None else pd.NA,
            "over_limit_share": f.over_limit / f.customers if f is not None else np.nan,
            "fatigue_flag": f.flagged if f is not None else pd.NA,
            "response_rate": r.share if r is not None else np.nan,
            "rr_ci_low": r.ci_low if r is not None else np.nan,
            "rr_ci_high": r.ci_high if r is not None else np.nan,
        })
    columns = ["client_id", "surveys_per_year", "max_per_year", "over_limit_share", "fatigue_flag",
               "response_rate", "rr_ci_low", "rr_ci_high"]
    return pd.DataFrame(rows, columns=columns).astype({"max_per_year": "Int64", "fatigue_flag": "boolean"})


def ingest_totals(
    logs: Mapping[str, Sequence[Mapping]], rejects: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """Per client: what the response ingests read and did with it, and rejects by reason.

    ``logs`` maps client ids to :meth:`~nps_helpers.io.store.Store.ingest_log` records (runs
    into other tables are left out); ``rejects`` to :meth:`~nps_helpers.io.store.Store.read_rejects`.
    Columns: ``client_id``, ``ingest_runs``, ``read``, ``stored``, ``duplicates``,
    ``unanswered`` (missing when nothing was ever ingested, e.g. the demo store),
    ``rejected`` and one ``rejected_<reason>`` column per reason found.

    Examples
    --------
    >>> logs = {"acme": [{"table": "responses", "read": 5, "stored": 3, "duplicates": 1,
    ...     "unanswered": 1, "rejected": {"score_out_of_range": 0}}], "bolt": []}
    >>> rejects = {"acme": pd.DataFrame({"reason": ["score_out_of_range", "bad_date"]}),
    ...     "bolt": pd.DataFrame({"reason": []})}
    >>> ingest_totals(logs, rejects).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'client_id': 'acme', 'ingest_runs': 1, 'read': 5, 'stored': 3, 'duplicates': 1, 'unanswered': 1,
      'rejected': 2, 'rejected_bad_date': 1, 'rejected_score_out_of_range': 1},
     {'client_id': 'bolt', 'ingest_runs': 0, 'read': None, 'stored': None, 'duplicates': None,
      'unanswered': None, 'rejected': 0, 'rejected_bad_date': 0, 'rejected_score_out_of_range': 0}]
    """
    sums = ["read", "stored", "duplicates", "unanswered"]
    rows = []
    for cid in dict.fromkeys([*logs, *rejects]):
        runs = [r for r in logs.get(cid, ()) if r.get("table", "responses") == "responses"]
        reasons = rejects.get(cid)
        counts = (reasons["reason"].value_counts() if reasons is not None and len(reasons)
                  else pd.Series(dtype="int64"))
        rows.append({
            "client_id": cid, "ingest_runs": len(runs),
            **{k: sum(int(r.get(k, 0)) for r in runs) if runs else pd.NA for k in sums},
            "rejected": int(counts.sum()),
            **{f"rejected_{reason}": int(n) for reason, n in counts.items()},
        })
    table = pd.DataFrame(rows, columns=["client_id", "ingest_runs", *sums, "rejected"])
    extra = pd.DataFrame(rows).filter(like="rejected_")
    table = table.join(extra[sorted(extra.columns)].fillna(0).astype("int64"))
    return table.astype({k: "Int64" for k in sums})


def data_quality(*frames: pd.DataFrame) -> pd.DataFrame:
    """Per-client frames joined side by side on ``client_id`` (the data-quality view).

    Typically :func:`table_counts`, :func:`ingest_summary`, :func:`engagement_summary`
    and ``CustomerChecks.sample``; every client of any frame gets a row.

    Examples
    --------
    >>> a = pd.DataFrame({"client_id": ["x", "y"], "responses": [10, 20]})
    >>> b = pd.DataFrame({"client_id": ["x"], "rejected": [2]})
    >>> data_quality(a, b).to_dict("records")
    [{'client_id': 'x', 'responses': 10, 'rejected': 2.0}, {'client_id': 'y', 'responses': 20, 'rejected': nan}]
    """
    if not frames:
        raise NpsInputError("data_quality needs at least one per-client frame")
    joined = frames[0]
    for i, frame in enumerate(frames):
        _need(frame, ["client_id"], f"data_quality (frame {i + 1})")
        if i:
            joined = joined.merge(frame, on="client_id", how="outer", suffixes=("", f"_{i + 1}"))
    return joined.sort_values("client_id").reset_index(drop=True)


# --- internals --------------------------------------------------------------------------
_CHURN_COLUMNS = [
    "client_id", "status", "reason", "horizon_days", "as_of", "customers", "events", "verdict",
    "odds_ratio", "ci_low", "ci_high", "p_value", "lr_p_value",
    *[f"rate_{c}" for c in CATEGORIES], "logrank_p_value",
    "responder_difference", "responder_ci_low", "responder_ci_high", "responder_p_value",
]


def _churn_row(cid: str, result: ChurnResult) -> dict:
    row: dict = {"client_id": cid, "status": result.status, "reason": result.reason,
                 "horizon_days": result.horizon_days}
    if result.status != "ok":
        return row
    rates = result.rates.set_index("category")
    score = result.association[result.association["term"] == "score"] if len(result.association) else None
    row.update(as_of=result.as_of, customers=int(rates["customers"].sum()), events=result.events,
               verdict=result.verdict, logrank_p_value=result.logrank_p_value,
               **{f"rate_{c}": float(rates["rate"].get(c, np.nan)) for c in CATEGORIES})
    if score is not None and len(score):
        first = score.iloc[0]
        row.update(odds_ratio=first["odds_ratio"], ci_low=first["ci_low"], ci_high=first["ci_high"],
                   p_value=first["p_value"], lr_p_value=first["lr_p_value"])
    d = result.responder_difference
    if d is not None:
        row.update(responder_difference=d.difference, responder_ci_low=d.ci_low,
                   responder_ci_high=d.ci_high, responder_p_value=d.p_value)
    return row


def _published(industry: str, table: pd.DataFrame | None) -> dict:
    bench = industry_benchmark(industry, table=table)
    if bench.status != "ok":
        return {"industry": industry, "published": 0}
    latest = bench.table.iloc[0]
    return {"industry": industry, "published": len(bench.table),
            "published_low": float(bench.table["nps"].min()),
            "published_high": float(bench.table["nps"].max()),
            "latest_year": int(latest["year"]), "latest_nps": float(latest["nps"]),
            "latest_source": str(latest["source"]), "latest_region": str(latest["region"])}


def _need(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise NpsInputError(
            f"{where}: the frame lacks column(s) {', '.join(missing)}; see the function's docstring"
        )
