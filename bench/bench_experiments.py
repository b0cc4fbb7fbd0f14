"""Do self-experiments tell the truth? False positives, power against the promise, coverage, speed.

Run from the repository root::

    python -m bench.bench_experiments            # the full run (about 6 minutes on one core)
    python -m bench.bench_experiments --quick    # a smaller run (a couple of minutes)

Simulated people with an AR(1) outcome (mean 60, sd 10, φ = 0 / 0.5 / 0.8) and half a year of
history follow the plan of :func:`pga_core.experiments.plan_experiment` — 8 pairs of 4-day
periods of a yes/no behaviour, the orders from each person's own seed — and their data goes
through :func:`pga_core.experiments.analyse_experiment` exactly as an import would.

1. False positives: no effect at all. The share of people whose randomisation test gives
   p ≤ 0.05; with 8 pairs the test's own level is 6 / 128 = 4.7 %, whatever φ. Beside it the
   paired t-test on the period means (``scipy.stats.ttest_rel``) on the same people.
2. Power against the promise: a planted change of 10 % of the mean on the morning after each
   A day. The power :func:`pga_core.experiments.plan_power` promised from each person's
   history (both outcome models), averaged, beside the share of those people whose experiment
   then found it.
3. Coverage: the share of those people whose 95 % interval holds the planted change.
4. Speed: ``plan_power`` per call (400 simulated trials, every shorter design and the search
   for the length needed), BLAS pinned to one thread.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd
from scipy import signal
from threadpoolctl import threadpool_limits

from pga_core.data import DailyData, Variable
from pga_core.experiments import (
    SIGNIFICANCE,
    ExperimentPlan,
    analyse_experiment,
    outcome_history,
    plan_experiment,
    plan_power,
)

PHIS = (0.0, 0.5, 0.8)
MEAN, SD = 60.0, 10.0
HISTORY_DAYS = 180
PAIRS, PERIOD_DAYS = 8, 4
CHANGE_PCT = 10.0
OUTCOME, BEHAVIOUR = "recovery_score", "drank"
START = pd.Timestamp("2024-06-03")
SEED = 20240603
#: The randomisation test's own level with 8 pairs: p-values are multiples of 2 / 2⁸.
DESIGN_LEVEL = math.floor(SIGNIFICANCE * 2**PAIRS / 2) * 2 / 2**PAIRS


def ar1(rng: np.random.Generator, n_days: int, phi: float) -> np.ndarray:
    """A stationary AR(1) series, mean 0, standard deviation :data:`SD`."""
    shocks = rng.normal(0.0, SD * math.sqrt(1 - phi**2), n_days)
    shocks[0] = rng.normal(0.0, SD)
    return signal.lfilter([1.0], [1.0, -phi], shocks)


def registry() -> dict[str, Variable]:
    return {
        OUTCOME: Variable(OUTCOME, "Recovery score", "%"),
        BEHAVIOUR: Variable(BEHAVIOUR, "Drank?", kind="behaviour"),
    }


def history_of(rng: np.random.Generator, phi: float) -> tuple[np.ndarray, np.ndarray]:
    """The outcome over the history and the plan's days (and one more), and the history's
    behaviour (drinking on 40 % of days)."""
    outcome = MEAN + ar1(rng, HISTORY_DAYS + 2 * PAIRS * PERIOD_DAYS + 1, phi)
    return outcome, (rng.random(HISTORY_DAYS) < 0.4).astype(float)


def person(seed: int, phi: float, change: float) -> tuple[ExperimentPlan, DailyData]:
    """One simulated person: history, then the plan kept on every day; the morning after an A
    (yes) day is higher by ``change``."""
    rng = np.random.default_rng(seed)
    outcome, before = history_of(rng, phi)
    first = START - pd.Timedelta(days=HISTORY_DAYS)
    days = pd.date_range(first, periods=outcome.size, name="date")
    history = DailyData(
        pd.DataFrame(
            {OUTCOME: outcome[:HISTORY_DAYS], BEHAVIOUR: before}, index=days[:HISTORY_DAYS]
        ),
        registry(),
    )
    # the coin tosses come from their own seed: drawn from the outcome's stream, they would
    # not be independent of the outcome, and no test could be valid
    coin_seed = int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])
    plan = plan_experiment(
        history, name="trial", behaviour=BEHAVIOUR, outcome=OUTCOME, pairs=PAIRS,
        period_days=PERIOD_DAYS, start=START, seed=coin_seed,
    )  # fmt: skip
    did = (plan.schedule()["condition"].to_numpy() == 0).astype(float)
    behaviour = np.concatenate([before, did, [np.nan]])
    outcome = outcome.copy()
    outcome[1:] += change * np.nan_to_num(behaviour[:-1])
    table = pd.DataFrame({OUTCOME: outcome, BEHAVIOUR: behaviour}, index=days)
    return plan, DailyData(table, registry())


def null_rates(phi: float, people: int) -> tuple[float, float]:
    """Shares of people without an effect found by the randomisation test and the t-test."""
    found = np.zeros((people, 2), dtype=bool)
    for i in range(people):
        plan, daily = person(SEED + i, phi, 0.0)
        planned = analyse_experiment(plan, daily).as_planned
        found[i] = planned.p_value <= SIGNIFICANCE, planned.t_p_value <= SIGNIFICANCE
    return float(found[:, 0].mean()), float(found[:, 1].mean())


def planted(phi: float, people: int) -> dict[str, float]:
    """Promised power (both models), realised power and coverage with a planted 10 % change."""
    change = MEAN * CHANGE_PCT / 100
    promised = {"ar1": [], "resample": []}
    found, covered, seconds = [], [], []
    for i in range(people):
        plan, daily = person(SEED + 100_000 + i, phi, change)
        history = outcome_history(daily, OUTCOME, plan.start)
        for method in promised:
            began = time.perf_counter()
            report = plan_power(history, plan.design, change_pct=CHANGE_PCT, method=method,
                                random_state=i)  # fmt: skip
            seconds.append(time.perf_counter() - began)
            promised[method].append(report.power)
        estimate = analyse_experiment(plan, daily).as_planned
        found.append(estimate.p_value <= SIGNIFICANCE)
        covered.append(estimate.ci_low <= change <= estimate.ci_high)
    return {
        "promised_ar1": float(np.mean(promised["ar1"])),
        "promised_resample": float(np.mean(promised["resample"])),
        "found": float(np.mean(found)),
        "covered": float(np.mean(covered)),
        "seconds": float(np.median(seconds)),
        "seconds_max": float(np.max(seconds)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer people (a smaller run)")
    parser.add_argument("--null-people", type=int, default=None)
    parser.add_argument("--planted-people", type=int, default=None)
    args = parser.parse_args()
    null_people = args.null_people or (200 if args.quick else 2000)
    planted_people = args.planted_people or (60 if args.quick else 400)
    rows: dict[str, dict[float, str]] = {}
    began = time.perf_counter()
    with threadpool_limits(1):
        for phi in PHIS:
            randomisation, t_test = null_rates(phi, null_people)
            result = planted(phi, planted_people)
            for label, value in (
                (f"false positives, randomisation test (the design's level "
                 f"{DESIGN_LEVEL * 100:.1f} %), "
                 f"{null_people} people", f"{randomisation:.1%}"),
                ("false positives, paired t-test on the period means", f"{t_test:.1%}"),
                (f"power promised by the plan (AR(1) model), mean of {planted_people} people",
                 f"{result['promised_ar1']:.1%}"),
                ("power promised by the plan (block-resampled history)",
                 f"{result['promised_resample']:.1%}"),
                ("power realised: experiments that found the planted 10 %",
                 f"{result['found']:.1%}"),
                ("95 % interval holds the planted change", f"{result['covered']:.1%}"),
                ("plan_power seconds per call, median (max)",
                 f"{result['seconds']:.2f} ({result['seconds_max']:.2f})"),
            ):  # fmt: skip
                rows.setdefault(label, {})[phi] = value.replace("%", " %")
            print(f"φ = {phi}: done after {time.perf_counter() - began:.0f} s", flush=True)
    header = "| | " + " | ".join(f"φ = {phi:g}" for phi in PHIS) + " |"
    print()
    print(header)
    print("|---|" + "---:|" * len(PHIS))
    for label, values in rows.items():
        print(f"| {label} | " + " | ".join(values[phi] for phi in PHIS) + " |")


if __name__ == "__main__":
    main()
