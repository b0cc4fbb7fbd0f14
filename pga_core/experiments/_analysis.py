"""The analysis of an experiment: its effect, interval and tests, as planned and as done.

Each complete pair gives one difference: the mean outcome of its A period minus that of its B
period (analysed days only: washout days are left out, and so are days without an outcome). The
effect is the mean of those differences, in the outcome's units and as a percentage of the B
periods' mean. Its p-value and 95 % interval come from the randomisation test of the design's
own coin tosses (:mod:`pga_core.experiments._randomisation`), valid by design; beside it, the
simpler paired t-test on the period means (``scipy.stats.ttest_rel``), which assumes that the
pairs' differences are independent draws from a normal distribution.

*As planned* (intention to treat) uses every complete pair with an outcome in both periods, by
the condition each period was given — what the randomisation protects. *As done* (per
protocol) keeps only the pairs where both periods were kept (:data:`KEPT_SHARE`): closer to the
effect of the change itself, but no longer protected by the coin tosses, since periods that
were hard to keep may differ in other ways.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pga_core.data import DailyData
from pga_core.engine import CI_LEVEL
from pga_core.experiments._plan import ExperimentPlan
from pga_core.experiments._randomisation import (
    MAX_EXHAUSTIVE_PAIRS,
    N_ORDERS_DRAWN,
    order_signs,
    randomisation_interval,
    randomisation_p,
)
from pga_core.experiments._tracking import Adherence, adherence, period_table

__all__ = [
    "RESULT_VERSION",
    "Estimate",
    "ExperimentResult",
    "analyse_experiment",
    "estimate_effect",
]

#: Version of the result's JSON document.
RESULT_VERSION = 1
#: The two analyses, by their key in the result's JSON.
ANALYSES = ("as_planned", "as_done")
#: Fewest pairs for the paired t-test (it needs a spread of the differences).
MIN_PAIRS_FOR_T = 2


@dataclass(frozen=True)
class Estimate:
    """One analysis of an experiment (as planned or as done).

    Attributes
    ----------
    pairs : the pair numbers analysed (1-based), in order.
    differences : per analysed pair, mean outcome in A minus in B.
    mean_a, mean_b : mean over the analysed pairs of the A and of the B periods' means.
    difference : the effect, A − B, in the outcome's units (the mean of ``differences``).
    pct_change : the effect in percent of ``mean_b``; NaN when the outcome is not a positive
        quantity (a percentage would mean nothing).
    ci_low, ci_high : the randomisation interval (:data:`~pga_core.engine.CI_LEVEL`) of the
        effect in units; ±inf when too few pairs bound it, NaN without pairs.
    pct_ci_low, pct_ci_high : the same in percent of ``mean_b``.
    p_value : the randomisation test's two-sided p-value.
    orders : how many orders it compared the observed one with (itself included).
    all_orders : True when those were every possible order.
    t_p_value, t_ci_low, t_ci_high : the paired t-test on the period means and its interval;
        NaN with fewer than two pairs or no spread.
    """

    pairs: tuple[int, ...]
    differences: tuple[float, ...]
    mean_a: float
    mean_b: float
    difference: float
    pct_change: float
    ci_low: float
    ci_high: float
    pct_ci_low: float
    pct_ci_high: float
    p_value: float
    orders: int
    all_orders: bool
    t_p_value: float
    t_ci_low: float
    t_ci_high: float

    @property
    def n_pairs(self) -> int:
        """How many pairs were analysed."""
        return len(self.pairs)

    @property
    def bounded(self) -> bool:
        """Whether the randomisation interval has finite ends."""
        return math.isfinite(self.ci_low) and math.isfinite(self.ci_high)

    def to_json(self) -> dict[str, Any]:
        """Plain numbers; ``null`` where a value is missing or unbounded."""
        return {
            "pairs": len(self.pairs),
            "pair_differences": [
                {"pair": p, "difference": _json_number(d)}
                for p, d in zip(self.pairs, self.differences, strict=True)
            ],
            "mean_a": _json_number(self.mean_a),
            "mean_b": _json_number(self.mean_b),
            "difference": _json_number(self.difference),
            "pct_change": _json_number(self.pct_change),
            "ci_low": _json_number(self.ci_low),
            "ci_high": _json_number(self.ci_high),
            "pct_ci_low": _json_number(self.pct_ci_low),
            "pct_ci_high": _json_number(self.pct_ci_high),
            "interval_bounded": self.bounded,
            "p_value": _json_number(self.p_value),
            "orders": self.orders,
            "all_orders": self.all_orders,
            "paired_t_p_value": _json_number(self.t_p_value),
            "paired_t_ci_low": _json_number(self.t_ci_low),
            "paired_t_ci_high": _json_number(self.t_ci_high),
        }


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def estimate_effect(
    pairs: np.ndarray,
    means_a: np.ndarray,
    means_b: np.ndarray,
    *,
    percent: bool = True,
    n_draws: int = N_ORDERS_DRAWN,
    random_state: int | None = 0,
) -> Estimate:
    """The effect of A over B from each pair's period means, with both tests.

    Parameters
    ----------
    pairs : array of int, shape (K,) — the pairs' numbers.
    means_a, means_b : arrays, shape (K,) — each pair's mean outcome in its A and B period.
    percent : whether the outcome is a positive quantity, so the effect has a percentage.
    n_draws, random_state : orders drawn by the randomisation test when K >
        :data:`MAX_EXHAUSTIVE_PAIRS` (otherwise every order is used and they do not matter).

    Returns
    -------
    Estimate
    """
    a = np.asarray(means_a, dtype=np.float64)
    b = np.asarray(means_b, dtype=np.float64)
    differences = a - b
    k = differences.size
    if k == 0:
        nan = math.nan
        return Estimate((), (), nan, nan, nan, nan, nan, nan, nan, nan, nan, 0, True, nan, nan, nan)
    signs = order_signs(k, n_draws=n_draws, random_state=random_state)
    low, high = (float(x[0]) for x in randomisation_interval(differences, signs))
    p_value = float(randomisation_p(differences, signs)[0])
    mean_a, mean_b = float(a.mean()), float(b.mean())
    difference = float(differences.mean())
    scale = 100.0 / mean_b if percent and mean_b > 0 else math.nan
    t_p, t_low, t_high = _paired_t(a, b)
    return Estimate(
        pairs=tuple(int(p) for p in pairs),
        differences=tuple(float(d) for d in differences),
        mean_a=mean_a,
        mean_b=mean_b,
        difference=difference,
        pct_change=difference * scale,
        ci_low=low,
        ci_high=high,
        pct_ci_low=low * scale,
        pct_ci_high=high * scale,
        p_value=p_value,
        orders=int(signs.shape[0]),
        all_orders=k <= MAX_EXHAUSTIVE_PAIRS,
        t_p_value=t_p,
        t_ci_low=t_low,
        t_ci_high=t_high,
    )


def _paired_t(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """p-value and interval of ``scipy.stats.ttest_rel(a, b)``; NaN when it has no answer."""
    differences = a - b
    if differences.size < MIN_PAIRS_FOR_T or np.ptp(differences) == 0:
        return math.nan, math.nan, math.nan
    test = stats.ttest_rel(a, b)
    interval = test.confidence_interval(confidence_level=CI_LEVEL)
    return float(test.pvalue), float(interval.low), float(interval.high)


@dataclass(frozen=True)
class ExperimentResult:
    """An experiment analysed on the data imported so far.

    Attributes
    ----------
    plan : the experiment.
    adherence : how it went (:class:`Adherence`).
    as_planned : intention to treat: every complete pair with outcomes in both periods.
    as_done : per protocol: those of them whose both periods were kept.
    periods : :func:`period_table` — one row per period.
    """

    plan: ExperimentPlan
    adherence: Adherence
    as_planned: Estimate
    as_done: Estimate
    periods: pd.DataFrame

    @property
    def final(self) -> bool:
        """Whether every pair is complete, so the result will not change with more data."""
        return self.adherence.state == "finished"

    def estimates(self) -> Mapping[str, Estimate]:
        """``{"as_planned": …, "as_done": …}``."""
        return {"as_planned": self.as_planned, "as_done": self.as_done}

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON document: what was tested, how it went, both analyses."""
        plan = self.plan
        return {
            "version": RESULT_VERSION,
            "name": plan.name,
            "behaviour": plan.behaviour,
            "outcome": plan.outcome,
            "lag": int(plan.lag),
            "conditions": [c.name for c in plan.conditions],
            "seed": int(plan.seed),
            "final": self.final,
            "adherence": self.adherence.to_json(),
            **{key: estimate.to_json() for key, estimate in self.estimates().items()},
        }


def analyse_experiment(
    plan: ExperimentPlan, daily: DailyData, *, n_draws: int = N_ORDERS_DRAWN
) -> ExperimentResult:
    """Analyse an experiment on the data imported so far, as planned and as done.

    Only complete pairs count (every analysed day's outcome is due); a pair whose A or B
    period has no outcome on any analysed day is left out. Before the last pair is complete the
    result is an interim look: it can change, and stopping on a good-looking interim result
    makes false findings more likely.

    Parameters
    ----------
    plan : the experiment.
    daily : the person's data.
    n_draws : orders drawn by the randomisation test when there are more than
        :data:`MAX_EXHAUSTIVE_PAIRS` pairs (drawn from the plan's seed, so the analysis of the
        same data always gives the same p-value).

    Returns
    -------
    ExperimentResult
    """
    periods = period_table(plan, daily)
    a, b = (periods[periods["condition"] == c].set_index("pair") for c in (0, 1))
    usable = a["complete"] & b["complete"] & (a["outcome_days"] > 0) & (b["outcome_days"] > 0)
    kept = usable & a["kept"] & b["kept"]
    values = daily.table[plan.outcome] if plan.outcome in daily.table else pd.Series(dtype=float)
    percent = bool(values.dropna().ge(0).all())

    def estimate(rows: pd.Series) -> Estimate:
        pairs = rows.index[rows.to_numpy()]
        return estimate_effect(
            pairs.to_numpy(),
            a.loc[pairs, "outcome_mean"].to_numpy(),
            b.loc[pairs, "outcome_mean"].to_numpy(),
            percent=percent,
            n_draws=n_draws,
            random_state=plan.seed,
        )

    return ExperimentResult(
        plan=plan,
        adherence=adherence(plan, daily),
        as_planned=estimate(usable),
        as_done=estimate(kept),
        periods=periods,
    )
