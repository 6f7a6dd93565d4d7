"""Ingest of a generated generic CSV against DuckDB's own read_csv of the same file.

Each side runs in its own fresh subprocess (so its peak RSS is its own, and the parent
stays small: a child's high-water mark includes the image it was forked from), three
times; the table shows medians. Every ingest run writes to a new, empty store. Usage::

    python bench/bench_ingest.py              # 1M rows
    python bench/bench_ingest.py --rows 200000
    python bench/bench_ingest.py --quick      # 20k rows, one repeat per side

Writes bench/results/ingest.json. Target: our ingest within 3x DuckDB's time.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 3.0
COMMENTS = (
    "Great service, fast answer",
    "Too slow; and expensive",
    "",
    "Bardzo dobra obsługa",
    "Zelo prijazno osebje",
    "Не рекомендую",
    'Said "maybe"',
    "Gut, aber teuer",
)


def make_csv(path: Path, rows: int, *, with_id: bool = True, seed: int = 1) -> None:
    """A generic NPS export: id, customer, ISO time, 0-10 score, comment, two segments."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 2 * 365 * 86400, rows), unit="s")
    frame = pd.DataFrame(
        {
            "response_id": [f"R{i:08d}" for i in range(rows)],
            "customer_id": rng.integers(0, rows // 5 + 1, rows).astype(str),
            "submitted_at": times.strftime("%Y-%m-%d %H:%M:%S"),
            "How likely are you to recommend us? (0-10)": rng.integers(0, 11, rows),
            "comment": np.array(COMMENTS)[rng.integers(0, len(COMMENTS), rows)],
            "region": np.array(["EU", "US", "APAC"])[rng.integers(0, 3, rows)],
            "plan": np.array(["basic", "pro", "enterprise"])[rng.integers(0, 3, rows)],
        }
    )
    if not with_id:
        frame = frame.drop(columns=["response_id"])
    frame.to_csv(path, index=False)


def child(side: str, csv_path: str, store: str) -> None:
    """Run one side once and print its own timing as JSON (imports are not timed)."""
    if side == "duckdb":
        import duckdb

        con = duckdb.connect()
        start = time.perf_counter()
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
        rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    else:
        from nps_helpers.io.ingest import ingest_files

        start = time.perf_counter()
        (report,) = ingest_files([csv_path], client_id="bench", store=store)
        rows = report.stored
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))


def run_side(side: str, csv_path: Path, store: Path) -> dict:
    """Time one side in a fresh subprocess; peak RSS comes from the kernel via wait4."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", side, str(csv_path), str(store)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{side} run failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


SIDES = (
    ("duckdb read_csv", "duckdb", "generic.csv"),
    ("nps ingest (id column)", "ours", "generic.csv"),
    ("nps ingest (no id: row hash)", "ours", "generic_no_id.csv"),
)


def measure(workdir: Path, repeats: int, rows: int) -> list[dict]:
    """Every side once per round, rounds repeated, so a busy spell on the machine hits all
    sides alike; each ingest run gets a new, empty store."""
    runs: dict[str, list[dict]] = {label: [] for label, _, _ in SIDES}
    for k in range(repeats):
        for label, side, name in SIDES:
            run = run_side(side, workdir / name, workdir / f"store-{k}-{Path(name).stem}-{side}")
            assert run["rows"] == rows, f"{label}: {run['rows']} rows stored, expected {rows}"
            runs[label].append(run)
    results = []
    for label, done in runs.items():
        seconds = statistics.median(r["seconds"] for r in done)
        results.append(
            {
                "label": label,
                "seconds": seconds,
                "rows_per_second": rows / seconds,
                "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in done),
                "runs": [round(r["seconds"], 3) for r in done],
            }
        )
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="20k rows, one repeat")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "ingest.json")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "CSV", "STORE"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=3, metavar=("CSV", "ROWS", "WITH_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return {}
    if args.make:
        make_csv(Path(args.make[0]), int(args.make[1]), with_id=args.make[2] == "1")
        return {}
    rows, repeats = (20_000, 1) if args.quick else (args.rows, args.repeats)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        workdir = Path(tmp)
        with_id, no_id = workdir / SIDES[0][2], workdir / SIDES[2][2]
        for path, flag in ((with_id, "1"), (no_id, "0")):
            subprocess.run([sys.executable, __file__, "--make", str(path), str(rows), flag], check=True)
        size_mb = with_id.stat().st_size / 2**20
        load_before = os.getloadavg()[0]
        results = measure(workdir, repeats, rows)
    base = results[0]["seconds"]
    for r in results:
        r["ratio_to_duckdb"] = r["seconds"] / base
    summary = {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "repeats": repeats,
        "target_ratio": TARGET_RATIO,
        "target_met": results[1]["ratio_to_duckdb"] <= TARGET_RATIO,
        "results": results,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": load_before,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    print(f"ingest of {rows:,} rows ({size_mb:.0f} MB CSV), median of {repeats} (load average {load_before:.1f})")
    print(f"{'side':32} {'seconds':>8} {'rows/s':>12} {'peak RSS MB':>12} {'x DuckDB':>9}")
    for r in results:
        print(
            f"{r['label']:32} {r['seconds']:8.2f} {r['rows_per_second']:12,.0f} "
            f"{r['peak_rss_mb']:12.0f} {r['ratio_to_duckdb']:9.2f}"
        )
    print(f"target: within {TARGET_RATIO}x of DuckDB -> {'met' if summary['target_met'] else 'NOT met'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1) + "\n")
    return summary


if __name__ == "__main__":
    main()
