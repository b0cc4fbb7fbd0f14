"""Our gradient ascent against scikit-learn's solvers, from one run, BLAS pinned to one thread.

For each size it prints the median time of
- one ridge fit (relative objective gap ≤ 1e-8) vs ``Ridge(solver="cholesky")``,
- one logistic fit (same gap) vs ``LogisticRegression(solver="lbfgs", tol=1e-10)``,
- 200 moving-block bootstrap refits, batched, vs a Python loop of scikit-learn fits,
with the ratio (ours / reference, the median over repeats timed alternately; targets 1.0, 0.5,
0.25 and 0.5) and the relative objective gap ours reached.

    python -m bench.bench_ascent [--repeats 7] [--boot 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from threadpoolctl import threadpool_limits

from pga_core.engine import (
    LinearGoalModel,
    LogisticGoalModel,
    block_bootstrap_counts,
    bootstrap_coefs,
    make_logistic,
    make_ridge,
)

SIZES = ((365, 10), (1825, 40), (4000, 60))
L2 = 1e-3
BLOCK = 7
MIN_MEASUREMENT_S = 0.05
TARGETS = {
    "ridge fit": 1.0,
    "logistic fit": 0.5,
    "ridge bootstrap": 0.25,
    "logistic bootstrap": 0.5,
}


def synthetic(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standardised, mildly correlated inputs (like lagged features); a numeric and a 0/1 target."""
    rng = np.random.default_rng(seed)
    mixing = np.eye(d) + 0.3 * rng.normal(size=(d, d)) / np.sqrt(d)
    X = rng.normal(size=(n, d)) @ mixing
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w = rng.normal(size=d) / np.sqrt(d)
    y = X @ w + rng.normal(size=n)
    labels = (X @ w + rng.logistic(size=n) > 0).astype(int)
    return X, y, labels


def paired_times(ours, reference, repeats: int) -> tuple[float, float, float, float]:
    """Median seconds per call of ``ours()`` and ``reference()``, timed alternately.

    Each repeat times a loop of one, then of the other (quick calls in loops of at least
    ``MIN_MEASUREMENT_S``), so that a slower or faster spell of the machine hits both alike.
    Returns the two median wall times and the medians of the per-repeat wall and CPU ratios.
    """
    loops = []
    for fn in (ours, reference):
        w0 = time.perf_counter()
        fn()
        loops.append(max(1, int(MIN_MEASUREMENT_S / max(time.perf_counter() - w0, 1e-6))))
    walls: list[list[float]] = [[], []]
    ratios, cpu_ratios = [], []
    for _ in range(repeats):
        cpu = []
        for k, (fn, calls) in enumerate(zip((ours, reference), loops, strict=True)):
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(calls):
                fn()
            walls[k].append((time.perf_counter() - w0) / calls)
            cpu.append((time.process_time() - c0) / calls)
        ratios.append(walls[0][-1] / walls[1][-1])
        cpu_ratios.append(cpu[0] / cpu[1])
    return (
        statistics.median(walls[0]),
        statistics.median(walls[1]),
        statistics.median(ratios),
        statistics.median(cpu_ratios),
    )


def relative_gap(objective, ours: np.ndarray, reference: np.ndarray) -> float:
    best = max(objective(reference)[0], objective(ours)[0])
    return (best - objective(ours)[0]) / abs(best)


def bench_size(n: int, d: int, repeats: int, n_boot: int) -> list[tuple]:
    X, y, labels = synthetic(n, d)
    ones = np.ones(n)
    S = float(n)
    rows = []

    timing = paired_times(
        lambda: LinearGoalModel(l2=L2).fit(X, y),
        lambda: Ridge(alpha=S * L2, solver="cholesky").fit(X, y),
        repeats,
    )
    w_ref = np.linalg.solve(
        (X - X.mean(0)).T @ (X - X.mean(0)) + S * L2 * np.eye(d), (X - X.mean(0)).T @ (y - y.mean())
    )
    gap = relative_gap(make_ridge(X, y, ones, L2), LinearGoalModel(l2=L2).fit(X, y).coef_, w_ref)
    rows.append(("ridge fit", *timing, gap))

    reference = LogisticRegression(C=1 / (S * L2), solver="lbfgs", tol=1e-10, max_iter=10_000)
    timing = paired_times(
        lambda: LogisticGoalModel(l2=L2).fit(X, labels), lambda: reference.fit(X, labels), repeats
    )
    exact = LogisticRegression(C=1 / (S * L2), solver="newton-cholesky", tol=1e-14).fit(X, labels)
    model = LogisticGoalModel(l2=L2).fit(X, labels)
    gap = relative_gap(
        make_logistic(X, labels.astype(float), ones, L2),
        np.r_[model.coef_, model.intercept_],
        np.r_[exact.coef_[0], exact.intercept_],
    )
    rows.append(("logistic fit", *timing, gap))

    counts = block_bootstrap_counts(n, n_boot, BLOCK, random_state=0)
    boot_repeats = max(1, repeats // 3)

    def ridge_loop() -> None:
        for c in counts:
            Ridge(alpha=S * L2, solver="cholesky").fit(X, y, sample_weight=c)

    def logistic_loop() -> None:
        for c in counts:
            LogisticRegression(C=1 / (S * L2), solver="lbfgs", tol=1e-10, max_iter=10_000).fit(
                X, labels, sample_weight=c
            )

    timing = paired_times(
        lambda: bootstrap_coefs(LinearGoalModel(l2=L2), X, y, counts=counts),
        ridge_loop,
        boot_repeats,
    )
    batch = bootstrap_coefs(LinearGoalModel(l2=L2), X, y, counts=counts)
    exact = np.array(
        [LinearGoalModel(l2=L2, tol=1e-15).fit(X, y, sample_weight=c).coef_ for c in counts]
    )
    gap = max(
        relative_gap(make_ridge(X, y, c.astype(float), L2), b, e)
        for c, b, e in zip(counts, batch, exact, strict=True)
    )
    rows.append(("ridge bootstrap", *timing, gap))

    timing = paired_times(
        lambda: bootstrap_coefs(LogisticGoalModel(l2=L2), X, labels, counts=counts),
        logistic_loop,
        boot_repeats,
    )
    rows.append(("logistic bootstrap", *timing, float("nan")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--boot", type=int, default=200)
    args = parser.parse_args()
    header = (
        f"{'(n, d)':>12}  {'task':<19}{'ours ms':>9}{'sklearn ms':>11}{'ratio':>7}{'target':>8}"
        f"{'cpu ratio':>10}{'gap':>10}"
    )
    print(header)
    print("-" * len(header))
    with threadpool_limits(limits=1):
        for n, d in SIZES:
            for task, ours, ref, ratio, cpu_ratio, gap in bench_size(n, d, args.repeats, args.boot):
                gap_text = "" if np.isnan(gap) else f"{gap:.1e}"
                print(
                    f"{f'({n}, {d})':>12}  {task:<19}{ours * 1e3:9.2f}{ref * 1e3:11.2f}"
                    f"{ratio:7.2f}{TARGETS[task]:8.2f}{cpu_ratio:10.2f}{gap_text:>10}"
                )


if __name__ == "__main__":
    main()
