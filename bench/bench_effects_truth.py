"""Does behaviour_impact tell the truth? False findings, interval coverage and power, simulated.

Run from the repository root::

    python -m bench.bench_effects_truth            # the full run (about an hour on one core)
    python -m bench.bench_effects_truth --quick    # a smaller run (a few minutes)
    python -m bench.bench_effects_truth --only null --people 1000

1. False findings: 20 null habits (persistent Markov chains) against an AR(1) outcome; the share
   of people with ANY finding at q < 0.10 must be at most 10 %. Beside it: a per-day Welch
   t-test with Benjamini–Hochberg, on the same data.
2. Coverage: a planted multiplicative effect; the share of people whose 95 % interval holds the
   true percent change (target 93–97 %).
3. Power: the share of people in whom a planted −24 % effect is found, by history length.
4. The sample generator's people (pga_core.sample): coverage and discovery of the planted
   alcohol effect, and false findings among the journal questions that have no effect.
5. Numeric habits: coverage of habit_effects' per-unit intervals for planted slopes.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd
from scipy import stats

from bench.effects_simulation import (
    OUTCOME,
    SLEEP_EFFECT,
    STRAIN_EFFECT,
    simulate_habits,
    simulate_person,
)
from pga_core.engine import percentile_interval
from pga_core.sample import generate_person
from pga_core.stats import (
    DISCOVERY_Q,
    PairedDays,
    behaviour_impact,
    bootstrap_effects,
    habit_effects,
    rotation_test,
)

PHIS = (0.0, 0.4, 0.6, 0.8)
N_BEHAVIOURS = 20
HISTORY_DAYS = 730
POWER_DAYS = (60, 120, 365, 730)
COVERAGE_DAYS = (120, 365, 730)
POWER_PHI = 0.6
PLANTED_EFFECT = -0.24
#: The planted habit in the power study: drinking on 30 % of days, in runs of 2 days on average.
POWER_SHARE_YES = 0.3
POWER_MEAN_RUN = 2.0
SEED = 20240601


def naive_any_finding(daily, names: list[str]) -> bool:
    """Per-day Welch t-test of next-day outcome after yes vs no days, BH over the habits."""
    table = daily.table
    later = table[OUTCOME].shift(-1)
    p_values = []
    for name in names:
        paired = pd.DataFrame({"b": table[name], "y": later}).dropna()
        yes, no = paired.loc[paired.b == 1, "y"], paired.loc[paired.b == 0, "y"]
        if min(len(yes), len(no)) >= 5:
            p_values.append(stats.ttest_ind(yes, no, equal_var=False).pvalue)
    if not p_values:
        return False
    return bool((stats.false_discovery_control(p_values) < DISCOVERY_Q).any())


def share_with_interval(hits: int, total: int) -> str:
    """'8.4 % (6.2–11.2)': a share with its 95 % Wilson interval."""
    z = stats.norm.ppf(0.975)
    share = hits / total
    centre = (share + z**2 / (2 * total)) / (1 + z**2 / total)
    half = z * math.sqrt(share * (1 - share) / total + z**2 / (4 * total**2)) / (1 + z**2 / total)
    return f"{100 * share:.1f} % ({100 * (centre - half):.1f}–{100 * (centre + half):.1f})"


def null_study(people: int, n_boot: int) -> None:
    """False findings among null habits, ours beside a naive per-day t-test."""
    print(f"\n1. False findings: {N_BEHAVIOURS} null habits, {HISTORY_DAYS} days, {people} people")
    print("   share of people with ANY finding at q < 0.10 (95 % interval); must be ≤ 10 %")
    print(f"   {'phi':>4}  {'behaviour_impact':>26}  {'naive Welch t + BH':>26}  seconds")
    rng = np.random.default_rng(SEED)
    for phi in PHIS:
        ours = naive = 0
        start = time.perf_counter()
        for _ in range(people):
            person = simulate_person(HISTORY_DAYS, phi=phi, n_behaviours=N_BEHAVIOURS, rng=rng)
            table = behaviour_impact(
                person.daily, OUTCOME, n_boot=n_boot, random_state=int(rng.integers(2**31))
            )
            ours += bool((table["q_value"] < DISCOVERY_Q).any())
            naive += naive_any_finding(person.daily, list(table["behaviour"]))
        seconds = time.perf_counter() - start
        print(
            f"   {phi:>4}  {share_with_interval(ours, people):>26}  "
            f"{share_with_interval(naive, people):>26}  {seconds:7.0f}"
        )


def separate_intervals(person, row) -> tuple[tuple[float, float], tuple[float, float]]:
    """The block-bootstrap and rotation percent-change intervals that the union is made of."""
    table = person.daily.table
    days = PairedDays.from_series(table["b01"].to_numpy()[:-1], table[OUTCOME].to_numpy()[1:])
    rng = np.random.default_rng(0)
    block = int(row["block_days"])
    _, pcts = bootstrap_effects(days, block, 1000, rng)
    rotation = rotation_test(days, row["mean_yes"], row["mean_no"], None, rng)
    return percentile_interval(pcts), rotation.pct_interval


def coverage_study(people: int, n_boot: int) -> None:
    """Share of people whose interval holds the planted effect."""
    planted = f"{100 * PLANTED_EFFECT:+.0f} %"
    print(f"\n2. Coverage of the 95 % interval, planted {planted}, {people} people per row")
    print("   habit share of yes days (10–60 %) and mean run (2–30 days) drawn at random;")
    print("   target 93–97 %. The reported interval is the union of a block-bootstrap and a")
    print("   rotation interval; each alone is shown on the right.")
    print(
        f"   {'days':>5} {'phi':>4}  {'pct_change':>20}  {'difference':>20}  block"
        f"  {'bootstrap alone':>15}  {'rotation alone':>14}"
    )
    rng = np.random.default_rng(SEED + 1)
    for n_days in COVERAGE_DAYS:
        for phi in PHIS:
            hits = {"pct": 0, "diff": 0, "boot": 0, "rot": 0}
            total = 0
            blocks = []
            for _ in range(people):
                person = simulate_person(
                    n_days, phi=phi, n_behaviours=1, effect=PLANTED_EFFECT, rng=rng
                )
                row = behaviour_impact(
                    person.daily, OUTCOME, n_boot=n_boot, random_state=int(rng.integers(2**31))
                ).iloc[0]
                if not row["enough_data"]:
                    continue
                total += 1
                truth = person.true_pct_change
                hits["pct"] += row["ci_low"] <= truth <= row["ci_high"]
                hits["diff"] += row["diff_ci_low"] <= person.true_difference <= row["diff_ci_high"]
                boot, rot = separate_intervals(person, row)
                hits["boot"] += boot[0] <= truth <= boot[1]
                hits["rot"] += rot[0] <= truth <= rot[1]
                blocks.append(row["block_days"])
            print(
                f"   {n_days:>5} {phi:>4}  {share_with_interval(hits['pct'], total):>20}  "
                f"{share_with_interval(hits['diff'], total):>20}  {np.median(blocks):>5.0f}"
                f"  {100 * hits['boot'] / total:>13.1f} %  {100 * hits['rot'] / total:>12.1f} %"
            )


def power_study(people: int, n_boot: int) -> None:
    """Share of people in whom the planted effect is found, by history length."""
    print(
        f"\n3. Power: planted {100 * PLANTED_EFFECT:+.0f} % (habit on {POWER_SHARE_YES:.0%} of "
        f"days, runs of {POWER_MEAN_RUN:g} days), outcome phi = {POWER_PHI}, {people} people"
    )
    print("   share found at q < 0.10: tested alone, and among 20 habits (19 null)")
    print(f"   {'days':>5}  {'alone':>24}  {'among 20':>24}")
    rng = np.random.default_rng(SEED + 2)
    for n_days in POWER_DAYS:
        alone = among = 0
        for _ in range(people):
            person = simulate_person(
                n_days,
                phi=POWER_PHI,
                n_behaviours=N_BEHAVIOURS,
                effect=PLANTED_EFFECT,
                planted_share=POWER_SHARE_YES,
                planted_run=POWER_MEAN_RUN,
                rng=rng,
            )
            table = behaviour_impact(
                person.daily, OUTCOME, n_boot=n_boot, random_state=int(rng.integers(2**31))
            ).set_index("behaviour")
            among += bool(table.loc["b01", "q_value"] < DISCOVERY_Q)
            alone += bool(table.loc["b01", "p_value"] < DISCOVERY_Q)
        print(
            f"   {n_days:>5}  {share_with_interval(alone, people):>24}  "
            f"{share_with_interval(among, people):>24}"
        )


def sample_people_study(people: int, n_boot: int) -> None:
    """The bundled sample generator's people: alcohol's planted effect and the null questions."""
    alcohol = "have_any_alcoholic_drinks"
    print(f"\n4. Sample people (pga_core.sample.generate_person, 730 days), {people} people")
    covered = found = any_null = total = 0
    false_share = 0.0
    start = time.perf_counter()
    for seed in range(people):
        person = generate_person(HISTORY_DAYS, seed=SEED + seed)
        table = behaviour_impact(person.daily, OUTCOME, n_boot=n_boot, random_state=seed).set_index(
            "behaviour"
        )
        if not table.loc[alcohol, "enough_data"]:
            continue
        total += 1
        truth = person.truth[f"{alcohol}_pct_change_recovery"]
        covered += table.loc[alcohol, "ci_low"] <= truth <= table.loc[alcohol, "ci_high"]
        found += bool(table.loc[alcohol, "q_value"] < DISCOVERY_Q)
        nulls = [
            name for name in table.index if person.truth.get(f"{name}_pct_change_recovery") == 0.0
        ]
        false_found = int((table.loc[nulls, "q_value"] < DISCOVERY_Q).sum())
        any_null += false_found > 0
        false_share += false_found / max(int((table["q_value"] < DISCOVERY_Q).sum()), 1)
    seconds = time.perf_counter() - start
    print(
        f"   alcohol ({truth:+.0f} %) interval covers truth  {share_with_interval(covered, total)}"
    )
    print(f"   alcohol found at q < 0.10                 {share_with_interval(found, total)}")
    print(f"   any no-effect question found at q < 0.10  {share_with_interval(any_null, total)}")
    print(
        f"   false discovery rate (mean share of findings that are no-effect questions; "
        f"BH promises ≤ 10 %): {100 * false_share / total:.1f} %  ({seconds:.0f} s)"
    )


def habits_study(people: int, n_boot: int) -> None:
    """Coverage of habit_effects' per-unit intervals (joint fit, block bootstrap alone)."""
    print(
        f"\n5. Numeric habits: coverage of the per-unit 95 % intervals (joint fit), {people} "
        "people per row"
    )
    print(f"   {'days':>5} {'phi':>4}  {'sleep (+5 / h)':>20}  {'strain (−1 / point)':>20}  block")
    rng = np.random.default_rng(SEED + 3)
    for n_days in (365, HISTORY_DAYS):
        for phi in PHIS:
            sleep_hits = strain_hits = 0
            blocks = []
            for _ in range(people):
                daily = simulate_habits(n_days, phi=phi, rng=rng)
                table = habit_effects(
                    daily, OUTCOME, n_boot=n_boot, random_state=int(rng.integers(2**31))
                ).set_index("habit")
                low, high = table.loc["sleep_hours", ["per_unit_ci_low", "per_unit_ci_high"]]
                sleep_hits += low <= SLEEP_EFFECT <= high
                low, high = table.loc["day_strain", ["per_unit_ci_low", "per_unit_ci_high"]]
                strain_hits += low <= STRAIN_EFFECT <= high
                blocks.append(table["block_days"].iloc[0])
            print(
                f"   {n_days:>5} {phi:>4}  {share_with_interval(sleep_hits, people):>20}  "
                f"{share_with_interval(strain_hits, people):>20}  {np.median(blocks):>5.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer simulated people")
    parser.add_argument("--people", type=int, help="people per setting (overrides the default)")
    studies = ("null", "coverage", "power", "sample", "habits")
    parser.add_argument("--only", choices=studies, action="append", help="run only this study")
    args = parser.parse_args()
    studies = args.only or studies
    people = {"null": 500, "coverage": 400, "power": 300, "sample": 300, "habits": 300}
    if args.quick:
        people = {"null": 100, "coverage": 80, "power": 60, "sample": 40, "habits": 60}
    if args.people:
        people = dict.fromkeys(people, args.people)
    # p-values come from rotations alone, so the false-finding and power studies keep the
    # bootstrap small; the coverage study gets the default 1,000 resamples.
    if "null" in studies:
        null_study(people["null"], n_boot=50)
    if "coverage" in studies:
        coverage_study(people["coverage"], n_boot=1000)
    if "power" in studies:
        power_study(people["power"], n_boot=50)
    if "sample" in studies:
        sample_people_study(people["sample"], n_boot=1000)
    if "habits" in studies:
        habits_study(people["habits"], n_boot=1000)


if __name__ == "__main__":
    main()
