"""Power of a design from the person's own outcome: how long to find a change, what a length finds.

The person's own history of the outcome gives its day-to-day spread and memory. Trials of the
design are simulated on outcomes drawn like it — an AR(1) series with the history's mean,
spread and lag-1 autocorrelation (``ar1``), or the history's own deviations from its mean
re-drawn in moving blocks (``resample``, which keeps longer memory and the shape of the
distribution) — each with its own coin tosses, and analysed with the same randomisation test
as the real experiment (:mod:`pga_core.experiments._randomisation`). No formula that takes
days as independent.

Every simulated trial is drawn once *without* an effect. Because the randomisation interval
moves with a constant effect (adding δ to every pair difference shifts the interval by δ), the
test rejects under an effect δ exactly when δ lies outside the null trial's interval turned
around — so one set of simulated intervals gives the power for every effect size at once, and
the smallest change found with 80 % power is an order statistic of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import signal

from pga_core.data import DailyData
from pga_core.engine import block_length
from pga_core.experiments._plan import Design
from pga_core.experiments._randomisation import (
    SIGNIFICANCE,
    order_signs,
    randomisation_interval,
)

__all__ = [
    "DEFAULT_CHANGE_PCT",
    "MAX_POWER_PAIRS",
    "METHODS",
    "MIN_HISTORY_DAYS",
    "MIN_PAIRS_FOR_SIGNIFICANCE",
    "N_SIMULATIONS",
    "TARGET_POWER",
    "OutcomeModel",
    "PowerReport",
    "design_power",
    "null_differences",
    "outcome_history",
    "outcome_model",
    "plan_power",
    "simulated_intervals",
]

#: The change a plan is sized for unless the person says otherwise (percent of the mean).
DEFAULT_CHANGE_PCT = 10.0
#: The power a plan is sized for.
TARGET_POWER = 0.8
#: Simulated trials per design: the power is known to about ±2 points.
N_SIMULATIONS = 400
#: Orders each simulated trial's test draws when it has more than ``POWER_MAX_EXHAUSTIVE``
#: pairs (its p-value then moves in steps of 0.1 %, fine enough to count rejections at 5 %).
N_POWER_ORDERS = 1_000
POWER_MAX_EXHAUSTIVE = 10
#: Fewest days of the outcome before the experiment to say anything about power.
MIN_HISTORY_DAYS = 28
#: Fewest consecutive-day pairs to estimate the autocorrelation (else it is taken as 0).
MIN_LAG_PAIRS = 10
#: Designs up to this many pairs are weighed (more when the plan itself has more).
MAX_POWER_PAIRS = 30
#: The autocorrelation is kept inside ±this, so the simulated series stays stationary.
MAX_ABS_PHI = 0.98
#: The outcome models, as named in plans and on the command line.
METHODS = ("ar1", "resample")


def _min_pairs() -> int:
    """Fewest pairs whose smallest p-value, 2 / 2^K, is at most :data:`SIGNIFICANCE`."""
    return math.ceil(math.log2(2 / SIGNIFICANCE))


#: With fewer pairs than this no result can be significant, whatever the effect.
MIN_PAIRS_FOR_SIGNIFICANCE = _min_pairs()


@dataclass(frozen=True)
class OutcomeModel:
    """How the person's outcome moves from day to day, learnt from their history.

    Attributes
    ----------
    method : ``ar1`` or ``resample``.
    mean, sd : of the history's days with a value (outcome units).
    phi : lag-1 autocorrelation over consecutive days with a value (0 with too few).
    days : days of history with a value.
    residuals : those days' values minus ``mean``, in time order (``resample`` draws them).
    block : block length (days) of the ``resample`` draws (Politis–White).
    """

    method: str
    mean: float
    sd: float
    phi: float
    days: int
    residuals: np.ndarray
    block: int

    def simulate(self, n_sim: int, n_days: int, rng: np.random.Generator) -> np.ndarray:
        """Outcome deviations from the mean for ``n_sim`` trials, shape (n_sim, n_days)."""
        if self.method == "ar1":
            shocks = rng.standard_normal((n_sim, n_days)) * self.sd
            shocks[:, 1:] *= math.sqrt(1.0 - self.phi**2)
            # x[t] = φ·x[t−1] + e[t], started at a draw of the stationary distribution
            return signal.lfilter([1.0], [1.0, -self.phi], shocks, axis=1)
        blocks = -(-n_days // self.block)
        starts = rng.integers(0, self.residuals.size - self.block + 1, size=(n_sim, blocks))
        index = (starts[:, :, None] + np.arange(self.block)).reshape(n_sim, -1)[:, :n_days]
        return self.residuals[index]


def outcome_history(daily: DailyData, outcome: str, before: pd.Timestamp) -> pd.Series:
    """The outcome on every calendar day of the data before ``before`` (NaN where not logged):
    what :func:`plan_power` learns from. Empty when the data has no such column or days."""
    calendar = daily.calendar()
    if outcome not in calendar:
        return pd.Series(dtype=np.float64, index=pd.DatetimeIndex([], name="date"))
    return calendar.loc[calendar.index < pd.Timestamp(before), outcome]


def outcome_model(history: pd.Series, *, method: str = "ar1") -> OutcomeModel:
    """Learn how the outcome moves from its history.

    Parameters
    ----------
    history : the outcome by calendar day before the experiment (a ``DatetimeIndex``; NaN or
        missing days where not logged).
    method : ``ar1`` (default) or ``resample``.

    Raises
    ------
    ValueError
        Fewer than :data:`MIN_HISTORY_DAYS` days with a value, no variation, or an unknown
        method.
    """
    if method not in METHODS:
        raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    if len(history) and isinstance(history.index, pd.DatetimeIndex):
        days = pd.date_range(history.index.min(), history.index.max(), freq="D")
        history = history.reindex(days)
    values = history.to_numpy(dtype=np.float64)
    present = values[np.isfinite(values)]
    if present.size < MIN_HISTORY_DAYS:
        raise ValueError(
            f"power: {present.size} day(s) of the outcome before the experiment; at least "
            f"{MIN_HISTORY_DAYS} are needed to learn how it varies from day to day"
        )
    mean, sd = float(present.mean()), float(present.std(ddof=1))
    if sd == 0:
        raise ValueError("power: the outcome never changed before the experiment")
    centred = values - mean
    both = np.isfinite(centred[:-1]) & np.isfinite(centred[1:])
    phi = 0.0
    if np.count_nonzero(both) >= MIN_LAG_PAIRS:
        phi = float(np.corrcoef(centred[:-1][both], centred[1:][both])[0, 1])
        phi = float(np.clip(np.nan_to_num(phi), -MAX_ABS_PHI, MAX_ABS_PHI))
    residuals = present - mean
    block = block_length(residuals) if method == "resample" else 1
    return OutcomeModel(method, mean, sd, phi, int(present.size), residuals, int(block))


def null_differences(
    model: OutcomeModel,
    design: Design,
    *,
    n_sim: int = N_SIMULATIONS,
    random_state: int | None = 0,
) -> np.ndarray:
    """Pair differences (A − B) of simulated trials of the design without any effect.

    Each trial draws the outcome from ``model`` over the design's days and its own coin toss
    per pair; a pair's difference is the mean of its A period's analysed days minus its B
    period's. The first K columns are the trials of the same design with K pairs (common
    random numbers, so that power rises smoothly with the length).

    Returns
    -------
    array, shape (n_sim, design.pairs)
    """
    rng = np.random.default_rng(random_state)
    noise = model.simulate(n_sim, design.days, rng)
    halves = noise.reshape(n_sim, design.pairs, 2, design.period_days)
    means = halves[..., design.washout_days :].mean(axis=-1)
    a_first = rng.integers(0, 2, size=(n_sim, design.pairs)) == 0  # the design's coin tosses
    return np.where(a_first, 1.0, -1.0) * (means[..., 0] - means[..., 1])


def simulated_intervals(
    differences: np.ndarray, *, random_state: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Each simulated trial's randomisation interval, shape (n_sim,) each.

    Up to :data:`POWER_MAX_EXHAUSTIVE` pairs every order is used, as the analysis does; with
    more, :data:`N_POWER_ORDERS` drawn orders (the analysis uses every order up to 12 pairs
    and 10,000 drawn ones beyond: the same test, read more finely).
    """
    signs = order_signs(
        differences.shape[1],
        n_draws=N_POWER_ORDERS,
        max_exhaustive=POWER_MAX_EXHAUSTIVE,
        random_state=random_state,
    )
    return randomisation_interval(differences, signs)


def design_power(low: np.ndarray, high: np.ndarray, change: float | np.ndarray) -> np.ndarray:
    """Power to find a constant change, from the simulated null trials' intervals.

    A trial with change δ rejects "no effect" when 0 is outside its interval, which is the null
    trial's interval shifted by δ. Changes up and down are averaged (the test is two-sided).

    Parameters
    ----------
    low, high : arrays, shape (n_sim,) — from :func:`simulated_intervals`.
    change : the change(s) in outcome units, scalar or shape (c,).

    Returns
    -------
    array, shape of ``change``: the share of trials that reject.
    """
    delta = np.abs(np.asarray(change, dtype=np.float64))[..., None]
    up = (delta > -low) | (delta < -high)
    down = (delta < low) | (delta > high)
    return 0.5 * (up.mean(axis=-1) + down.mean(axis=-1))


def _detectable(low: np.ndarray, high: np.ndarray, power: float) -> float:
    """The smallest change (units) found with at least ``power``; inf when none is."""
    ends = np.concatenate([-low, high, low, -high])
    candidates = np.unique(ends[np.isfinite(ends) & (ends > 0)])
    if candidates.size == 0:
        return math.inf
    # power rises just past each interval end, so each candidate is weighed a hair above it
    reached = design_power(low, high, candidates * (1 + 1e-9)) >= power
    return float(candidates[np.argmax(reached)]) if reached.any() else math.inf


@dataclass(frozen=True)
class PowerReport:
    """What a design can find, on simulated trials of the person's own outcome.

    Attributes
    ----------
    model : the outcome model the trials were simulated from.
    design : the design weighed.
    change : the change it was sized for, in outcome units; ``change_pct`` in percent of the
        mean (NaN when given in units for an outcome that is not a positive quantity).
    power : the share of simulated trials of ``design`` that found ``change``.
    detectable : the smallest change ``design`` finds with :data:`TARGET_POWER` (units; inf
        when none); ``detectable_pct`` the same in percent of the mean.
    pairs_needed : fewest pairs (of the same periods) that find ``change`` with
        :data:`TARGET_POWER`; None when even ``options``' longest design does not.
    options : DataFrame, one row per design weighed, by number of pairs: every one from the
        fewest that can be significant (:data:`MIN_PAIRS_FOR_SIGNIFICANCE`, or the plan's if
        fewer) up to the plan's, then those a bisection weighed to find ``pairs_needed`` when
        the plan is too short: ``pairs, days, power, detectable, detectable_pct``.
    n_sim : simulated trials per design.
    """

    model: OutcomeModel
    design: Design
    change: float
    change_pct: float
    power: float
    detectable: float
    detectable_pct: float
    pairs_needed: int | None
    options: pd.DataFrame
    n_sim: int

    @property
    def days_needed(self) -> int | None:
        """Days of the design with :attr:`pairs_needed` pairs."""
        if self.pairs_needed is None:
            return None
        return self.design.with_pairs(self.pairs_needed).days


def plan_power(
    history: pd.Series,
    design: Design,
    *,
    change_pct: float | None = DEFAULT_CHANGE_PCT,
    change: float | None = None,
    power: float = TARGET_POWER,
    method: str = "ar1",
    n_sim: int = N_SIMULATIONS,
    max_pairs: int = MAX_POWER_PAIRS,
    random_state: int | None = 0,
) -> PowerReport:
    """How likely the design is to find a change, how long it would need, what it can find.

    Parameters
    ----------
    history : the outcome by day before the experiment (see :func:`outcome_model`).
    design : the design to weigh.
    change_pct : the change to find, in percent of the outcome's mean (default 10 %).
    change : the change to find in outcome units instead (overrides ``change_pct``).
    power : the power asked for (default 80 %).
    method : outcome model, ``ar1`` or ``resample``.
    n_sim : simulated trials per design.
    max_pairs : the longest design weighed has this many pairs (or the design's, if more).
    random_state : seed of the simulation.

    Returns
    -------
    PowerReport

    Raises
    ------
    ValueError
        Too little history (:func:`outcome_model`), no change given, or a percentage of an
        outcome whose mean is not positive.
    """
    if not 0 < power < 1:
        raise ValueError(f"power: expected a share between 0 and 1, got {power}")
    if n_sim < 1:
        raise ValueError(f"n_sim: expected 1 or more simulated trials, got {n_sim}")
    model = outcome_model(history, method=method)
    if change is None:
        if change_pct is None:
            raise ValueError("power: give the change to find, in percent or in units")
        if model.mean <= 0:
            raise ValueError(
                "power: the outcome's mean is not positive, so a change in percent means "
                "nothing; give the change in the outcome's units"
            )
        change = model.mean * float(change_pct) / 100.0
    change = abs(float(change))
    to_pct = 100.0 / model.mean if model.mean > 0 else math.nan
    longest = design.with_pairs(max(design.pairs, max_pairs))
    differences = null_differences(model, longest, n_sim=n_sim, random_state=random_state)

    def weigh(pairs: int) -> dict[str, float]:
        if pairs < MIN_PAIRS_FOR_SIGNIFICANCE:
            found, detectable = 0.0, math.inf
        else:
            low, high = simulated_intervals(differences[:, :pairs], random_state=pairs)
            found = float(design_power(low, high, change))
            detectable = _detectable(low, high, power)
        return {
            "pairs": pairs,
            "days": design.with_pairs(pairs).days,
            "power": found,
            "detectable": detectable,
            "detectable_pct": detectable * to_pct,
        }

    shortest = min(design.pairs, MIN_PAIRS_FOR_SIGNIFICANCE)
    weighed = {pairs: weigh(pairs) for pairs in range(shortest, design.pairs + 1)}
    needed = next((p for p, row in weighed.items() if row["power"] >= power), None)
    if needed is None and longest.pairs > design.pairs:
        # longer designs are searched by bisection: with common random numbers the power rises
        # with the length, and weighing every length up to 30 pairs would take seconds
        weighed[longest.pairs] = weigh(longest.pairs)
        if weighed[longest.pairs]["power"] >= power:
            below, needed = design.pairs, longest.pairs
            while needed - below > 1:
                middle = (below + needed) // 2
                weighed[middle] = weigh(middle)
                if weighed[middle]["power"] >= power:
                    needed = middle
                else:
                    below = middle
    options = pd.DataFrame([weighed[p] for p in sorted(weighed)])
    chosen = weighed[design.pairs]
    return PowerReport(
        model=model,
        design=design,
        change=change,
        change_pct=change * to_pct,
        power=float(chosen["power"]),
        detectable=float(chosen["detectable"]),
        detectable_pct=float(chosen["detectable_pct"]),
        pairs_needed=needed,
        options=options,
        n_sim=n_sim,
    )
