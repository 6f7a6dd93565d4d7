"""Coverage of the 95% NPS interval: adjusted Wald (the default), Wald and bootstrap.

For each sample size n in {10, 30, 100, 1000} and each true split of detractors /
passives / promoters in the grid below:

- adjusted Wald and Wald: the *exact* coverage, by enumerating every possible sample
  (all (n+1)(n+2)/2 category counts) with its multinomial probability; the intervals come
  from ``nps_helpers.analysis.metrics.nps_frame``, the same code as ``nps()``. No Monte Carlo error.
- bootstrap: Monte Carlo, ``--reps`` samples per grid point (default 2000), each with
  ``--draws`` percentile-bootstrap resamples (default 1000; ``nps()`` uses 4000). Its
  standard error is printed with it. The adjusted Wald is also simulated on the same
  samples as a check of the simulation against the exact figure.

Usage::

    python bench/bench_coverage.py            # full grid
    python bench/bench_coverage.py --quick    # fewer bootstrap reps

Writes bench/results/coverage.json. Target: the default's coverage between 93.5% and
96.5% at every grid point with n >= 30.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import gammaln

from nps_helpers.analysis.metrics import nps, nps_frame

HERE = Path(__file__).resolve().parent
LEVEL = 0.95
TARGET = (0.935, 0.965)
SIZES = (10, 30, 100, 1000)
# (detractors, passives, promoters): typical splits and the extremes the brief asks for.
GRID = (
    (0.33, 0.34, 0.33),
    (0.20, 0.30, 0.50),
    (0.10, 0.20, 0.70),
    (0.60, 0.30, 0.10),
    (0.10, 0.80, 0.10),
    (0.45, 0.10, 0.45),
    (0.05, 0.05, 0.90),
    (0.90, 0.05, 0.05),
    (0.02, 0.08, 0.90),
    (0.01, 0.04, 0.95),
)


def outcomes(n: int) -> pd.DataFrame:
    """Every possible count vector of n responses."""
    p, d = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = p + d <= n
    p, d = p[keep], d[keep]
    return pd.DataFrame({"promoters": p, "passives": n - p - d, "detractors": d})


def log_pmf(counts: pd.DataFrame, n: int, shares: tuple[float, float, float]) -> np.ndarray:
    d, pa, p = shares
    k = counts[["detractors", "passives", "promoters"]].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(k > 0, k * np.log(np.array([d, pa, p])), 0.0)
    return gammaln(n + 1) - gammaln(k + 1).sum(1) + terms.sum(1)


def exact_coverage(n: int) -> dict[tuple, dict[str, float]]:
    counts = outcomes(n)
    frames = {m: nps_frame(counts, level=LEVEL, method=m) for m in ("adjusted-wald", "wald")}
    result = {}
    for shares in GRID:
        truth = 100 * (shares[2] - shares[0])
        prob = np.exp(log_pmf(counts, n, shares))
        result[shares] = {
            m: float(prob[((f["ci_low"] <= truth) & (truth <= f["ci_high"])).to_numpy()].sum())
            for m, f in frames.items()
        }
    return result


def simulated_coverage(n: int, shares, reps: int, draws: int, rng) -> dict[str, float]:
    """Bootstrap (percentile, multinomial resampling as in nps()) and adjusted Wald."""
    truth = 100 * (shares[2] - shares[0])
    samples = rng.multinomial(n, shares, size=reps)  # columns: detractors, passives, promoters
    observed = samples / n
    boot = rng.multinomial(n, observed, size=(draws, reps))
    scores = 100 * (boot[..., 2] - boot[..., 0]) / n
    low, high = np.quantile(scores, [(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2], axis=0)
    counts = pd.DataFrame(samples[:, ::-1], columns=["promoters", "passives", "detractors"])
    adj = nps_frame(counts, level=LEVEL)
    return {
        "bootstrap": float(((low <= truth) & (truth <= high)).mean()),
        "adjusted-wald-simulated": float(
            ((adj["ci_low"] <= truth) & (truth <= adj["ci_high"])).mean()
        ),
    }


def check_bootstrap_matches_package(rng) -> None:
    """The simulated bootstrap uses nps()'s recipe: same interval up to resampling noise."""
    counts = {"promoters": 50, "passives": 30, "detractors": 20}
    ours = nps(counts, method="bootstrap")
    sample = np.array([[20, 30, 50]])
    boot = rng.multinomial(100, sample / 100, size=(4000, 1))
    scores = 100 * (boot[..., 2] - boot[..., 0]) / 100
    low, high = np.quantile(scores, [0.025, 0.975])
    assert abs(low - ours.ci_low) <= 3 and abs(high - ours.ci_high) <= 3, (low, high, ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000, help="bootstrap samples per point")
    parser.add_argument("--draws", type=int, default=1000, help="resamples per bootstrap")
    parser.add_argument("--quick", action="store_true", help="200 reps, 400 draws")
    parser.add_argument("--seed", type=int, default=20260501)
    args = parser.parse_args()
    reps, draws = (200, 400) if args.quick else (args.reps, args.draws)
    rng = np.random.default_rng(args.seed)
    check_bootstrap_matches_package(rng)

    started = time.perf_counter()
    rows = []
    for n in SIZES:
        exact = exact_coverage(n)
        for shares in GRID:
            sim = simulated_coverage(n, shares, reps, draws, rng)
            rows.append({
                "n": n,
                "detractors": shares[0], "passives": shares[1], "promoters": shares[2],
                "true_nps": round(100 * (shares[2] - shares[0]), 1),
                "adjusted_wald": exact[shares]["adjusted-wald"],
                "wald": exact[shares]["wald"],
                "bootstrap": sim["bootstrap"],
                "bootstrap_se": float(np.sqrt(sim["bootstrap"] * (1 - sim["bootstrap"]) / reps)),
                "adjusted_wald_simulated": sim["adjusted-wald-simulated"],
            })
    seconds = time.perf_counter() - started
    table = pd.DataFrame(rows)

    big = table[table["n"] >= 30]
    inside = big["adjusted_wald"].between(*TARGET)
    misses = big.loc[~inside, ["n", "detractors", "passives", "promoters", "adjusted_wald"]]
    show = table.assign(shares=table[["detractors", "passives", "promoters"]].astype(str).agg("/".join, axis=1))
    pd.set_option("display.width", 140)
    print(
        show[["n", "shares", "true_nps", "adjusted_wald", "wald", "bootstrap", "bootstrap_se",
              "adjusted_wald_simulated"]]
        .to_string(index=False, float_format=lambda v: f"{v:.4f}")
    )
    print(f"\nadjusted Wald and Wald: exact enumeration; bootstrap: {reps} samples x {draws} "
          f"resamples per point ({seconds:.0f} s)")
    print(f"default (adjusted Wald) within {TARGET[0]:.1%}-{TARGET[1]:.1%} at every point with "
          f"n >= 30: {bool(inside.all())}")
    if len(misses):
        print("outside the target:\n" + misses.to_string(index=False))
    print(f"range of the default's coverage for n >= 30: {big['adjusted_wald'].min():.4f} to "
          f"{big['adjusted_wald'].max():.4f}")

    out = HERE / "results" / "coverage.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "level": LEVEL,
        "target": list(TARGET),
        "sizes": list(SIZES),
        "grid": [list(s) for s in GRID],
        "method_notes": {
            "adjusted_wald": "exact: enumeration of all samples with multinomial probabilities",
            "wald": "exact: enumeration of all samples with multinomial probabilities",
            "bootstrap": f"Monte Carlo: {reps} samples x {draws} percentile-bootstrap resamples",
        },
        "seed": args.seed,
        "default_within_target_for_n_ge_30": bool(inside.all()),
        "default_min_n_ge_30": float(big["adjusted_wald"].min()),
        "default_max_n_ge_30": float(big["adjusted_wald"].max()),
        "misses": misses.to_dict("records"),
        "rows": rows,
        "seconds": round(seconds, 1),
        "machine": {"python": platform.python_version(), "processor": platform.processor()},
    }, indent=2))
    print(f"wrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
