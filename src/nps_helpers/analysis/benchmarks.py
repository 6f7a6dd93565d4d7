"""Where a client stands: published industry figures, and its percentile among peers.

Industry figures come from ``data/benchmarks.csv``, shipped with the package: one row per
published figure with its region, year, sample size (respondents in the whole study;
blank where the publisher does not say), the category as the publisher named it
(``published_as``), the publisher, the source's title as published, how it was surveyed
(``survey_type``: ``independent_panel``, consumers rating brands they use, or
``own_survey``, a company asking its own customers), a URL and, for the maintainer, where
in the source the figure stands (``notes``). Only figures found in a citable source are
listed; an industry without one gets ``status == 'no_published_figures'``. Figures from
before :data:`CURRENT_FROM` are flagged ``historical``: for most industries no newer one
could be cited here (see ``data/benchmarks.csv``'s notes).

Peers are other clients of the same industry. A client sees only its percentile among
them and coarse aggregates (mean and quartiles, each pooling two or more peers, rounded to
whole points), and only when there are at least ``min_peers`` (5) of them. Peers with
fewer than ``min_n`` responses are left out: their NPS is too uncertain to rank against.

The percentile is a point; a gap of a fraction of a point to a peer would move it. So it
comes with a range that reflects both the client's and the peers' intervals: a peer
counts as surely below (above) the client only when the difference of the two interval
centres exceeds ``z * sqrt(se_client^2 + se_peer^2)``, each standard error read off its
interval as ``(high - low) / 2z`` (a peer given as a bare number has none). The range runs
from the share of peers surely below to 100% minus the share surely above.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..config.params import INDUSTRIES
from ..errors import NpsInputError
from .metrics import NpsResult, z_value

BENCHMARK_COLUMNS = [
    "industry", "region", "year", "nps", "sample_size", "published_as", "source", "url"
]
# Optional in a table of one's own; the shipped one has them all.
DETAIL_COLUMNS = ["publisher", "survey_type", "notes"]
SURVEY_TYPES = ("independent_panel", "own_survey")
CURRENT_FROM = 2018  # older figures are shown as historical
MIN_PEERS = 5


@dataclass(frozen=True)
class IndustryBenchmark:
    """Published NPS figures for one industry, newest first.

    ``status`` is ``ok`` or ``no_published_figures`` (then ``table`` is empty).
    """

    industry: str
    status: str
    table: pd.DataFrame


@dataclass(frozen=True)
class PeerBenchmark:
    """A client's position among its peers; figures are None unless ``status == 'ok'``.

    ``percentile`` is the share of peers below the client (ties count half), 0-100;
    ``percentile_low`` and ``percentile_high`` the range the intervals allow (see the
    module notes). ``peer_mean``, ``q1``, ``median`` and ``q3`` pool at least two peers
    each and are rounded to whole points. ``status == 'too_few_peers'`` when fewer than
    ``min_peers`` peers have at least ``min_n`` responses; ``n_small`` counts the peers
    left out for too few responses.
    """

    status: str
    min_peers: int
    n_peers: int | None = None
    client_nps: float | None = None
    percentile: float | None = None
    peer_mean: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    percentile_low: float | None = None
    percentile_high: float | None = None
    n_small: int = 0


def benchmark_table() -> pd.DataFrame:
    """Every published figure shipped with the package (a copy: change it freely).

    Examples
    --------
    >>> t = benchmark_table()
    >>> t.columns.tolist()[:4], bool(t["source"].str.len().gt(0).all())
    (['industry', 'region', 'year', 'nps'], True)
    """
    return _shipped_table().copy()


def industry_benchmark(industry: str, *, table: pd.DataFrame | None = None) -> IndustryBenchmark:
    """Published NPS figures for ``industry`` (a name from ``params.INDUSTRIES``).

    ``table`` replaces the shipped figures (same columns), e.g. a firm's own licensed data.

    Examples
    --------
    >>> b = industry_benchmark("airlines")
    >>> b.status, b.table[["year", "nps", "published_as"]].to_dict("records")
    ('ok', [{'year': 2023, 'nps': 7.0, 'published_as': 'Airlines'}])
    >>> industry_benchmark("software").status
    'no_published_figures'
    """
    if industry not in INDUSTRIES:
        raise NpsInputError(
            f"industry {industry!r} is not known; use one of {', '.join(INDUSTRIES)}"
        )
    source = _shipped_table() if table is None else _checked(table, "the benchmark table")
    rows = source.loc[source["industry"] == industry, [*BENCHMARK_COLUMNS, *DETAIL_COLUMNS]]
    rows = rows.sort_values(["year", "source"], ascending=[False, True]).reset_index(drop=True)
    rows["historical"] = rows["year"] < CURRENT_FROM
    return IndustryBenchmark(industry, "ok" if len(rows) else "no_published_figures", rows)


def peer_benchmark(
    client_nps: float | NpsResult,
    peers: ArrayLike | pd.DataFrame,
    *,
    min_peers: int = MIN_PEERS,
    exclude: str | None = None,
    min_n: int = 0,
    level: float | None = None,
) -> PeerBenchmark:
    """The client's percentile among peers' NPS, with its range, never showing any single peer's figure.

    ``peers`` is a sequence of peer NPS values, or a frame with a column ``nps`` (and
    ``client_id`` when ``exclude`` names the client itself, so it is not its own peer;
    ``n`` to leave out peers with fewer than ``min_n`` responses; ``ci_low`` and
    ``ci_high`` for their intervals, as :func:`~nps_helpers.analysis.stats.portfolio_stats` gives).
    Peers without a figure (NaN) do not count. Below ``min_peers`` (at least 5) the result
    carries ``status='too_few_peers'`` and no figures at all. ``level`` is the intervals'
    level (default: the client's, else 0.95).

    Examples
    --------
    >>> r = peer_benchmark(30.0, [10.0, 20.0, 25.0, 40.0, 50.0, 60.0])
    >>> r.status, r.n_peers, r.percentile, r.median
    ('ok', 6, 50.0, 32.0)
    >>> peer_benchmark(30.0, [10.0, 20.0, 40.0, 50.0]).status
    'too_few_peers'

    With the client's interval (+30, 14 to 44), the peers at +20, +25 and +40 could be
    either side of it; +10 is surely below, +50 and +60 surely above:

    >>> from nps_helpers.analysis.metrics import nps
    >>> you = nps({"promoters": 50, "passives": 30, "detractors": 20})
    >>> r = peer_benchmark(you, [10.0, 20.0, 25.0, 40.0, 50.0, 60.0])
    >>> r.percentile_low, r.percentile, r.percentile_high
    (16.7, 50.0, 66.7)
    """
    if isinstance(min_peers, bool) or not isinstance(min_peers, int) or min_peers < MIN_PEERS:
        raise NpsInputError(f"min_peers must be a whole number >= {MIN_PEERS}, got {min_peers!r}")
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        raise NpsInputError(f"min_n must be a whole number >= 0, got {min_n!r}")
    own = client_nps.nps if isinstance(client_nps, NpsResult) else client_nps
    if not isinstance(own, (int, float, np.integer, np.floating)) or not -100 <= own <= 100:
        raise NpsInputError(f"the client's NPS must be a number from -100 to 100, got {own!r}")
    if level is None:
        level = client_nps.level if isinstance(client_nps, NpsResult) else 0.95
    z = z_value(level)
    frame, n_small = _peer_frame(peers, exclude, min_n, z)
    if len(frame) < min_peers:
        return PeerBenchmark("too_few_peers", min_peers, n_small=n_small)
    values = frame["nps"].to_numpy()
    below = (values < own).sum() + 0.5 * (values == own).sum()
    centre, se = _centre_and_se(client_nps, z)
    gap = centre - frame["centre"].to_numpy()
    margin = z * np.sqrt(se**2 + frame["se"].to_numpy() ** 2)
    surely_below, surely_above = (gap > margin).sum(), (-gap > margin).sum()
    return PeerBenchmark(
        status="ok",
        min_peers=min_peers,
        n_peers=len(values),
        client_nps=float(own),
        percentile=float(round(100 * below / len(values), 1)),
        peer_mean=float(round(values.mean())),
        q1=_pooled_quantile(values, 0.25),
        median=_pooled_quantile(values, 0.5),
        q3=_pooled_quantile(values, 0.75),
        percentile_low=float(round(100 * surely_below / len(values), 1)),
        percentile_high=float(round(100 * (len(values) - surely_above) / len(values), 1)),
        n_small=n_small,
    )


# --- internals --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _shipped_table() -> pd.DataFrame:
    with resources.files("nps_helpers").joinpath("data/benchmarks.csv").open("rb") as fh:
        table = pd.read_csv(fh, dtype={"sample_size": "Int64"}, keep_default_na=False,
                            na_values={"sample_size": [""]})
    return _checked(table, "data/benchmarks.csv")


def _checked(table: pd.DataFrame, where: str) -> pd.DataFrame:
    """The table with every column (details blank when not given), or an error naming the fix."""
    missing = [c for c in BENCHMARK_COLUMNS if c not in table.columns]
    if missing:
        raise NpsInputError(f"{where} lacks the columns {', '.join(missing)}; add them (see "
                            "nps_helpers.analysis.benchmarks.BENCHMARK_COLUMNS)")
    table = table.assign(**{c: "" for c in DETAIL_COLUMNS if c not in table.columns})
    wrong = ~table["survey_type"].isin(["", *SURVEY_TYPES])
    if wrong.any():
        row = int(wrong.to_numpy().nonzero()[0][0])
        raise NpsInputError(f"{where}: row {row + 2}, column survey_type: "
                            f"{table['survey_type'].iloc[row]!r} is not one of {', '.join(SURVEY_TYPES)}")
    return table[[*BENCHMARK_COLUMNS, *DETAIL_COLUMNS]]


def _peer_frame(peers, exclude: str | None, min_n: int, z: float) -> tuple[pd.DataFrame, int]:
    """Peers with a figure and enough responses, sorted by NPS (nps, centre, se), and how many had too few."""
    if isinstance(peers, pd.DataFrame):
        if "nps" not in peers.columns:
            raise NpsInputError("peers frame needs a column 'nps' (one row per peer client)")
        if exclude is not None:
            if "client_id" not in peers.columns:
                raise NpsInputError("peers frame needs a column 'client_id' to exclude a client")
            peers = peers[peers["client_id"] != exclude]
        if min_n > 0 and "n" not in peers.columns:
            raise NpsInputError("peers frame needs a column 'n' (responses per peer) to apply min_n")
        frame = peers.reindex(columns=["nps", "n", "ci_low", "ci_high"])
    else:
        try:
            values = np.asarray(peers, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise NpsInputError("peer NPS values must be numbers from -100 to 100") from None
        frame = pd.DataFrame({"nps": values, "n": np.nan, "ci_low": np.nan, "ci_high": np.nan})
    try:
        frame = frame.apply(pd.to_numeric).astype(float)
    except (TypeError, ValueError):
        raise NpsInputError("peer NPS values must be numbers from -100 to 100") from None
    frame = frame[frame["nps"].notna()]
    if ((frame["nps"] < -100) | (frame["nps"] > 100)).any():
        raise NpsInputError("peer NPS values must be numbers from -100 to 100")
    small = frame["n"] < min_n
    frame = frame[~small]
    has_interval = frame["ci_low"].notna() & frame["ci_high"].notna()
    frame = frame.assign(
        centre=frame["nps"].where(~has_interval, (frame["ci_low"] + frame["ci_high"]) / 2),
        se=((frame["ci_high"] - frame["ci_low"]) / (2 * z)).where(has_interval, 0.0),
    )
    return frame.sort_values("nps", kind="stable").reset_index(drop=True), int(small.sum())


def _centre_and_se(client: float | NpsResult, z: float) -> tuple[float, float]:
    """The client's interval centre and standard error (none for a bare number)."""
    if isinstance(client, NpsResult) and not np.isnan(client.ci_low):
        return (client.ci_low + client.ci_high) / 2, (client.ci_high - client.ci_low) / (2 * z)
    own = client.nps if isinstance(client, NpsResult) else client
    return float(own), 0.0


def _pooled_quantile(values: np.ndarray, q: float) -> float:
    """A quantile that always averages two or three peers, so it is no one's own figure."""
    pos = q * (len(values) - 1)
    if pos == int(pos):
        i = int(pos)
        pooled = values[max(i - 1, 0) : i + 2]
    else:
        pooled = values[math.floor(pos) : math.ceil(pos) + 1]
    return float(round(pooled.mean()))
