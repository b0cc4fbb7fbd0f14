"""Fitting the default goal tree: our batched gradient ascent against a loop of scikit-learn fits.

On five years of the sample person (``generate_person(1825)``) the default tree
(``data/goals.json``: three linear goals) is fitted with 200 bootstrap resamples per goal:

1. ``pga_core.goals.fit_tree`` — features, one batched ascent per goal for its 200 refits,
   walk-forward check, leverage;
2. the same work with scikit-learn: the same features, then per goal ``StandardScaler`` +
   ``Ridge(alpha=S·l2)`` on the full data, one ``Ridge`` per resample (the same resample
   weights), one per walk-forward fold (``TimeSeriesSplit``), and the same chain-rule products.

BLAS is pinned to one thread (threadpoolctl). The machine may be shared and loaded, so both wall
and CPU (process) times are printed, as medians over ``--repeat`` runs; the target is a median
wall time under 2 s for ours. The weights and leverage intervals of both are compared as a check.

    python -m bench.bench_goals --repeat 7
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from pga_core.data import feature_frame, parse_feature
from pga_core.engine import block_bootstrap_counts
from pga_core.goals import N_SPLITS, GoalTree, fit_tree, leverage
from pga_core.sample import generate_person

GOALS = Path(__file__).resolve().parents[1] / "data" / "goals.json"
DAYS = 1825
N_BOOT = 200
BLOCK = 7
L2 = 1e-3
TARGET_SECONDS = 2.0


def reference_fit(tree: GoalTree, daily) -> dict[str, np.ndarray]:
    """The default tree's levers (estimate and draws per column) by a loop of Ridge fits."""
    expressions = [e for n in tree.nodes for e in (n.target, *n.inputs)]
    frame = feature_frame(daily, expressions)
    counts = block_bootstrap_counts(len(frame), N_BOOT, BLOCK, 0)
    effects = {}
    for node in tree.nodes:
        data = frame[[node.target, *node.inputs]]
        complete = data.notna().all(axis=1).to_numpy()
        X = data.loc[complete, list(node.inputs)].to_numpy()
        y = data.loc[complete, node.target].to_numpy()
        scaler = StandardScaler().fit(X)
        Z = scaler.transform(X)
        draws = [Ridge(alpha=len(y) * L2).fit(Z, y).coef_]
        for weights in counts[:, complete]:
            ridge = Ridge(alpha=weights.sum() * L2).fit(Z, y, sample_weight=weights)
            draws.append(ridge.coef_)
        gap = max(parse_feature(e).reach for e in node.inputs)
        for train, test in TimeSeriesSplit(n_splits=N_SPLITS, gap=gap).split(X):
            fold_scaler = StandardScaler().fit(X[train])
            fold = Ridge(alpha=len(train) * L2).fit(fold_scaler.transform(X[train]), y[train])
            fold.predict(fold_scaler.transform(X[test]))
        effects[node.name] = np.array(draws) / scaler.scale_
    return _chain(tree.root, effects)


def _chain(node, effects) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for j, expression in enumerate(node.inputs):
        feature = parse_feature(expression)
        path = effects[node.name][:, j] * feature.sustained_factor
        child = node.child_for(feature.name)
        below = {feature.name: 1.0} if child is None else _chain(child, effects)
        for column, value in below.items():
            out[column] = out.get(column, 0.0) + path * value
    return out


def timed(function, repeat: int) -> tuple[list[float], list[float], object]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each (default 7)")
    args = parser.parse_args()
    person = generate_person(DAYS, seed=0)
    tree = GoalTree.from_json(json.loads(GOALS.read_text(encoding="utf-8")))
    with threadpool_limits(limits=1):
        ours_wall, ours_cpu, fit = timed(
            lambda: fit_tree(tree, person.daily, n_boot=N_BOOT, block=BLOCK), args.repeat
        )
        ref_wall, ref_cpu, reference = timed(lambda: reference_fit(tree, person.daily), args.repeat)
        lever_wall, _, levers = timed(lambda: leverage(fit), args.repeat)

    print(f"default goal tree on {DAYS} days, {N_BOOT} bootstrap resamples per goal, 1 thread")
    for node in fit.fits.values():
        print(f"  {node.name}: {node.n_rows} days, {len(node.inputs)} inputs")
    print(f"{'':32}{'wall median':>12}{'cpu median':>12}")
    for label, walls, cpus in (
        ("pga_core fit_tree", ours_wall, ours_cpu),
        ("scikit-learn Ridge loop", ref_wall, ref_cpu),
    ):
        print(f"{label:32}{statistics.median(walls):11.3f}s{statistics.median(cpus):11.3f}s")
    ratio_wall = statistics.median(ref_wall) / statistics.median(ours_wall)
    ratio_cpu = statistics.median(ref_cpu) / statistics.median(ours_cpu)
    print(f"scikit-learn loop / ours: {ratio_wall:.1f}× wall, {ratio_cpu:.1f}× cpu")
    print(f"leverage table from the fit: {statistics.median(lever_wall) * 1000:.1f} ms")
    target = "met" if statistics.median(ours_wall) < TARGET_SECONDS else "NOT met"
    print(f"target: median wall time under {TARGET_SECONDS:.0f} s — {target}")

    worst = 0.0
    for row in levers.itertuples():
        values = reference[row.input]
        low, high = np.percentile(values[1:], [2.5, 97.5])
        scale = max(abs(row.unit_ci_high - row.unit_ci_low), 1e-12)
        for ours, theirs in ((row.per_unit, values[0]), (row.unit_ci_low, low),
                             (row.unit_ci_high, high)):  # fmt: skip
            worst = max(worst, abs(ours - theirs) / scale)
    print(f"levers vs scikit-learn: largest difference {worst:.1e} of the interval width")


if __name__ == "__main__":
    main()
