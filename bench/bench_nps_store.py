"""NPS by client x month over a large store: our API against hand-written DuckDB SQL.

Builds a demo store (``nps_helpers.demo.write_demo_store``) in a temporary folder, then
times, in the same process and alternating, ``stats.portfolio_stats(store, by="month")``
and one hand-written DuckDB query that does the same: counts per client and month, NPS
and its adjusted Wald interval, over the same Parquet files. Both results are checked to
agree. Usage::

    python bench/bench_nps_store.py                      # 10M responses, 40 clients
    python bench/bench_nps_store.py --responses 2000000
    python bench/bench_nps_store.py --quick              # 200k responses, 3 repeats
    python bench/bench_nps_store.py --store DIR          # reuse (or keep) a store in DIR

Writes bench/results/nps_store.json. Target: our API within 2x of the SQL (median times).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from nps_helpers.analysis.metrics import z_value
from nps_helpers.analysis.stats import portfolio_stats
from nps_helpers.demo.write import write_demo_store
from nps_helpers.io.store import Store

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 2.0

SQL = """
WITH counts AS (
    SELECT client_id,
           strftime(responded_at, '%Y-%m') AS period,
           count_if(score >= 9) AS promoters,
           count_if(score BETWEEN 7 AND 8) AS passives,
           count_if(score <= 6) AS detractors,
           count(score) AS n
    FROM read_parquet('{glob}', hive_partitioning = true,
                      hive_types = {{'client_id': VARCHAR}}, union_by_name = true)
    GROUP BY ALL
), adjusted AS (
    SELECT *, (promoters + 0.75) / (n + 3) AS p, (detractors + 0.75) / (n + 3) AS d FROM counts
)
SELECT client_id, period, n, promoters, passives, detractors,
       100.0 * (promoters - detractors) / n AS nps,
       100 * greatest(-1, (p - d) - {z} * sqrt((p + d - (p - d) ^ 2) / (n + 3))) AS ci_low,
       100 * least(1, (p - d) + {z} * sqrt((p + d - (p - d) ^ 2) / (n + 3))) AS ci_high
FROM adjusted
ORDER BY client_id, period
"""


def ours(store: Store) -> pd.DataFrame:
    return portfolio_stats(store, by="month")


def hand_sql(store: Store) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(SQL.format(glob=store.glob("responses"), z=z_value(0.95))).df()
    finally:
        con.close()


def timed(fn, store: Store) -> tuple[float, pd.DataFrame]:
    started = time.perf_counter()
    result = fn(store)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="200k responses, 3 repeats")
    parser.add_argument("--store", type=Path, help="store folder to reuse or keep (default: temporary)")
    args = parser.parse_args()
    responses, repeats = (200_000, 3) if args.quick else (args.responses, args.repeats)

    root = args.store or Path(tempfile.mkdtemp(prefix="nps-bench-"))
    store = Store(root)
    try:
        stored = store.sql("SELECT count(*) AS n FROM {responses}")["n"].iloc[0] if store.clients() else 0
        build_seconds = None
        if stored != responses:
            started = time.perf_counter()
            write_demo_store(root, clients=args.clients, responses=responses)
            build_seconds = time.perf_counter() - started
        size = sum(f.stat().st_size for f in (root / "responses").rglob("*.parquet"))

        # Warm the file cache and check both sides agree before timing.
        _, a = timed(ours, store)
        _, b = timed(hand_sql, store)
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b[a.columns].reset_index(drop=True), check_dtype=False
        )
        assert int(a["n"].sum()) == responses

        times = {"ours": [], "sql": []}
        for i in range(repeats):
            order = (("ours", ours), ("sql", hand_sql)) if i % 2 == 0 else (("sql", hand_sql), ("ours", ours))
            for name, fn in order:
                times[name].append(timed(fn, store)[0])
        med = {k: statistics.median(v) for k, v in times.items()}
        ratio = med["ours"] / med["sql"]

        print(f"store: {responses:,} responses, {len(store.clients())} clients, "
              f"{size / 1e6:.0f} MB of Parquet, {len(a)} client x month rows"
              + (f" (built in {build_seconds:.0f} s)" if build_seconds else " (reused)"))
        print(f"{'':18}{'median s':>10}{'min s':>9}{'max s':>9}")
        for name, label in (("ours", "portfolio_stats"), ("sql", "hand-written SQL")):
            print(f"{label:18}{med[name]:>10.3f}{min(times[name]):>9.3f}{max(times[name]):>9.3f}")
        print(f"ratio ours / SQL: {ratio:.2f} (target <= {TARGET_RATIO}): "
              f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}")

        out = HERE / "results" / "nps_store.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "responses": responses,
            "clients": len(store.clients()),
            "groups": len(a),
            "parquet_mb": round(size / 1e6, 1),
            "repeats": repeats,
            "seconds": {k: [round(t, 4) for t in v] for k, v in times.items()},
            "median_seconds": {k: round(v, 4) for k, v in med.items()},
            "ratio": round(ratio, 3),
            "target_ratio": TARGET_RATIO,
            "met": bool(ratio <= TARGET_RATIO),
            "build_seconds": None if build_seconds is None else round(build_seconds, 1),
            "machine": {
                "python": platform.python_version(),
                "duckdb": duckdb.__version__,
                "cpus": os.cpu_count(),
                "numpy": np.__version__,
            },
        }, indent=2))
        print(f"wrote {out.relative_to(HERE.parent)}")
    finally:
        if args.store is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
