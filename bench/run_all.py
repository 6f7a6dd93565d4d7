"""Run every benchmark in bench/ (each bench_*.py, in name order) with its defaults.

Each script prints its own table and writes bench/results/<name>.json; this runner lets
their output through, then prints one line per script (exit code, minutes). A failing
script does not stop the others; the exit code is non-zero when any failed. Usage::

    python bench/run_all.py            # full runs (the render bench alone takes a while)
    python bench/run_all.py --quick    # passes --quick to every script (CI smoke run)
    python bench/run_all.py render     # only scripts whose name contains 'render'
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def bench_scripts(folder: Path = HERE, only: Sequence[str] = ()) -> list[Path]:
    """The bench_*.py scripts of ``folder`` in name order, those matching ``only`` if given.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("bench_render.py", "bench_ingest.py", "run_all.py", "bench_notes.md"):
    ...     _ = (d / name).write_text("")
    >>> [p.name for p in bench_scripts(d)], [p.name for p in bench_scripts(d, ["render"])]
    (['bench_ingest.py', 'bench_render.py'], ['bench_render.py'])
    """
    scripts = sorted(folder.glob("bench_*.py"))
    return [p for p in scripts if not only or any(word in p.stem for word in only)]


def main(argv: list[str] | None = None) -> int:
    """Run the scripts one after another; return 0 when all succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="run only scripts whose name contains one of these")
    parser.add_argument("--quick", action="store_true", help="pass --quick to every script")
    args = parser.parse_args(argv)
    scripts = bench_scripts(HERE, args.only)
    if not scripts:
        parser.error(f"no bench/bench_*.py script matches {args.only}")
    done: list[tuple[str, int, float]] = []
    for script in scripts:
        command = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        print(f"\n=== {script.name}{' --quick' if args.quick else ''}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(command, cwd=HERE.parent)
        done.append((script.name, code, time.perf_counter() - start))
    print("\n=== summary (results in bench/results/)")
    for name, code, seconds in done:
        print(f"{name:28} {'ok' if code == 0 else f'FAILED (exit {code})':>18} {seconds / 60:8.1f} min")
    return 1 if any(code for _, code, _ in done) else 0


if __name__ == "__main__":
    sys.exit(main())
