"""How fast is the Behaviours page? behaviour_impact beside a plain loop of the same statistics.

Run from the repository root::

    python -m bench.bench_effects_speed            # 5 repeats (the loop runs once)
    python -m bench.bench_effects_speed --repeats 3

Five years (1,825 days) and 30 yes/no behaviours, 1,000 bootstrap resamples and 1,000 rotations
per behaviour. The reference computes the same numbers the straightforward way — one resample
and one rotation at a time, with the same random draws — and the bench prints how far apart
they are.
Also timed: the rest of the page (an 8-lag scan and a 10-variable correlation heat-map).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from scipy import stats

from bench.effects_simulation import OUTCOME, simulate_person
from pga_core.data import DailyData, Variable
from pga_core.engine import TIE_RTOL, block_length, bootstrap_starts, rotation_shifts
from pga_core.stats import (
    PairedDays,
    adjust_together,
    behaviour_impact,
    draw_base_seed,
    influence_series,
    lag_scan,
    lagged_correlations,
    rng_for_test,
)

N_DAYS = 1825
N_BEHAVIOURS = 30
N_BOOT = 1000
N_PERM = 1000
N_METRICS = 9
SEED = 7


def page_data() -> DailyData:
    """Five years of a simulated person with 30 behaviours and 9 more daily metrics."""
    rng = np.random.default_rng(SEED)
    person = simulate_person(
        N_DAYS, phi=0.6, n_behaviours=N_BEHAVIOURS, effect=-0.24, planted_run=2.0, rng=rng
    )
    table = person.daily.table.copy()
    registry = dict(person.daily.registry)
    for i in range(N_METRICS):
        name = f"metric_{i}"
        table[name] = np.cumsum(rng.normal(size=N_DAYS)) + rng.normal(0, 3, N_DAYS)
        registry[name] = Variable(name, f"metric {i}")
    return DailyData(table, registry)


def loop_reference(daily: DailyData, names: list[str], seed: int) -> pd.DataFrame:
    """The same statistics one behaviour, one resample and one rotation at a time."""
    base = draw_base_seed(seed)
    table = daily.table.asfreq("D")
    later = table[OUTCOME].shift(-1).to_numpy()
    rows = []
    for name in names:
        rng = rng_for_test(base, name, OUTCOME, 1)
        behaviour = table[name].to_numpy()
        complete = np.flatnonzero(~np.isnan(behaviour) & ~np.isnan(later))
        span = slice(complete[0], complete[-1] + 1)
        b, y = behaviour[span], later[span]
        n_days = len(b)
        yes, no = y[(b == 1) & ~np.isnan(y)], y[(b == 0) & ~np.isnan(y)]
        # Same block length and the same draws as the product; the arithmetic is the loop's own.
        days = PairedDays.from_series(behaviour, later)
        block = block_length(influence_series(days, yes.mean(), no.mean()))
        starts = bootstrap_starts(n_days, block, N_BOOT, rng)
        pcts = []
        for draw in starts:
            index = np.concatenate([np.arange(s, s + block) for s in draw])[:n_days] % n_days
            rb, ry = b[index], y[index]
            mean_yes = np.nanmean(np.where(rb == 1, ry, np.nan))
            mean_no = np.nanmean(np.where(rb == 0, ry, np.nan))
            pcts.append((mean_yes - mean_no) / mean_no * 100)
        boot_low, boot_high = np.percentile(pcts, [2.5, 97.5])
        # Rotations: the test, and the effects chance gives with the estimated effect removed.
        ratio = yes.mean() / no.mean()
        without_effect = np.where(b == 1, y / ratio, y)
        shifts = rotation_shifts(n_days, N_PERM, rng)
        observed = abs(stats.ttest_ind(yes, no, equal_var=False).statistic)
        extreme = 0
        chance = []
        for shift in shifts:
            rolled = np.roll(b, shift)
            rolled_yes = y[(rolled == 1) & ~np.isnan(y)]
            rolled_no = y[(rolled == 0) & ~np.isnan(y)]
            t = stats.ttest_ind(rolled_yes, rolled_no, equal_var=False).statistic
            extreme += abs(t) >= observed * (1 - TIE_RTOL)
            chance_yes = np.nanmean(np.where(rolled == 1, without_effect, np.nan))
            chance_no = np.nanmean(np.where(rolled == 0, without_effect, np.nan))
            chance.append(np.log(chance_yes / chance_no))
        chance_low, chance_high = np.percentile(chance, [2.5, 97.5])
        rotation_low = 100 * (ratio * np.exp(-chance_high) - 1)
        rotation_high = 100 * (ratio * np.exp(-chance_low) - 1)
        rows.append(
            {
                "behaviour": name,
                "pct_change": (yes.mean() - no.mean()) / no.mean() * 100,
                "ci_low": min(boot_low, rotation_low),
                "ci_high": max(boot_high, rotation_high),
                "p_value": (1 + extreme) / (1 + len(shifts)),
            }
        )
    reference = pd.DataFrame(rows)
    reference["q_value"] = stats.false_discovery_control(reference["p_value"])
    return reference


def timed(function, repeats: int) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    daily = page_data()
    behaviours = daily.names("behaviour")
    metrics = [OUTCOME, *[f"metric_{i}" for i in range(N_METRICS)]]

    def impact() -> pd.DataFrame:
        return behaviour_impact(daily, OUTCOME, n_boot=N_BOOT, n_perm=N_PERM, random_state=SEED)

    def page() -> None:
        table = impact()
        scan = lag_scan(daily, OUTCOME, "b01", n_boot=N_BOOT, n_perm=N_PERM)
        heat = lagged_correlations(daily, metrics, lag=1, n_perm=N_PERM)
        adjust_together(table, scan, heat.table)

    impact_time, table = timed(impact, args.repeats)
    page_time, _ = timed(page, args.repeats)
    start = time.perf_counter()
    reference = loop_reference(daily, behaviours, SEED)
    loop_time = time.perf_counter() - start

    print(
        f"{N_DAYS} days, {N_BEHAVIOURS} behaviours, {N_BOOT} bootstrap resamples and "
        f"{N_PERM} rotations each"
    )
    print(f"  behaviour_impact (median of {args.repeats}): {impact_time:8.3f} s")
    print(f"  loop reference (same statistics, 1 run):  {loop_time:8.3f} s")
    print(f"  speed-up:                                  {loop_time / impact_time:8.1f} x")
    print(
        f"  whole Behaviours page (impact + 8-lag scan + {len(metrics)}-variable lag-1 "
        f"correlations), median: {page_time:.3f} s  (target < 2 s)"
    )
    ours = table.set_index("behaviour").loc[reference["behaviour"]]
    for column in ("pct_change", "ci_low", "ci_high", "p_value", "q_value"):
        gap = np.max(np.abs(ours[column].to_numpy() - reference[column].to_numpy()))
        print(f"  largest difference from the loop in {column:<10}: {gap:.2e}")


if __name__ == "__main__":
    main()
