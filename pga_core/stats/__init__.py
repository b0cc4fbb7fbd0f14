"""Behaviour statistics: what an outcome does after yes and no days, and after more of a habit.

- ``_impact``: :func:`behaviour_impact`, :func:`lag_scan` and tests run together.
- ``_paired_days``: one behaviour against the outcome, its block bootstrap and rotation test.
- ``_verdicts``: Benjamini–Hochberg q-values and each row's verdict.
- ``_inputs``: default resample counts, input checks, the weekday adjustment, per-test random
  generators, circular pairs.
- ``_correlations``: :func:`lagged_correlations` with rotation-test p-values.
- ``_habits``: :func:`habit_effects`, numeric habits fitted jointly by our gradient ascent.
"""

from pga_core.stats._correlations import (
    MIN_PAIRS_FOR_CORRELATION,
    LaggedCorrelations,
    lagged_correlations,
)
from pga_core.stats._habits import (
    HABIT_COLUMNS,
    MIN_DAYS_PER_HABIT_INPUT,
    SPARSE_HABIT_SHARE,
    habit_effects,
)
from pga_core.stats._impact import (
    DEFAULT_LAGS,
    IMPACT_COLUMNS,
    MIN_DAYS_PER_GROUP,
    ImpactRequest,
    adjust_together,
    behaviour_impact,
    impact_records,
    impact_tests,
    lag_scan,
)
from pga_core.stats._inputs import (
    EFFECT_N_BOOT,
    EFFECT_N_PERM,
    check_column,
    check_days,
    check_lag,
    check_n_perm,
    check_settings,
    draw_base_seed,
    is_circular,
    outcome_on_calendar,
    rng_for_test,
    weekday_adjusted,
)
from pga_core.stats._paired_days import (
    PairedDays,
    RotationResult,
    bootstrap_effects,
    influence_series,
    rotation_test,
)
from pga_core.stats._verdicts import (
    DISCOVERY_Q,
    FEW_STRETCHES,
    bh_q_values,
    with_verdicts,
)

__all__ = [
    "DEFAULT_LAGS",
    "DISCOVERY_Q",
    "EFFECT_N_BOOT",
    "EFFECT_N_PERM",
    "FEW_STRETCHES",
    "HABIT_COLUMNS",
    "IMPACT_COLUMNS",
    "MIN_DAYS_PER_GROUP",
    "MIN_DAYS_PER_HABIT_INPUT",
    "MIN_PAIRS_FOR_CORRELATION",
    "SPARSE_HABIT_SHARE",
    "ImpactRequest",
    "LaggedCorrelations",
    "PairedDays",
    "RotationResult",
    "adjust_together",
    "behaviour_impact",
    "bh_q_values",
    "bootstrap_effects",
    "check_column",
    "check_days",
    "check_lag",
    "check_n_perm",
    "check_settings",
    "draw_base_seed",
    "habit_effects",
    "impact_records",
    "impact_tests",
    "influence_series",
    "is_circular",
    "lag_scan",
    "lagged_correlations",
    "outcome_on_calendar",
    "rng_for_test",
    "rotation_test",
    "weekday_adjusted",
    "with_verdicts",
]
