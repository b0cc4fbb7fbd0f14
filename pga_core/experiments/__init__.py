"""Self-experiments: a lever turned into a randomised on/off trial, and its honest result.

- ``_conditions``: the two conditions (A, B) and the rule on the column that says a day kept to
  one (:class:`Condition`, :class:`Rule`).
- ``_plan``: :func:`plan_experiment` — a randomised block design in pairs of periods, the order
  within each pair a coin toss from a stored seed (:class:`ExperimentPlan`, :class:`Design`).
- ``_calendar``: the plan's calendar as CSV and as an RFC 5545 ``.ics`` file.
- ``_randomisation``: the randomisation test of the design's own coin tosses and the interval
  that inverts it (valid by design, whatever the autocorrelation).
- ``_power``: power from the person's own outcome, by simulated trials analysed with that test.
- ``_tracking``: adherence and progress read from the imported data.
- ``_analysis``: :func:`analyse_experiment` — the effect as planned and as done.

Sits beside the behaviour statistics and the goal trees: imports the data, the engine and the
words, never them.
"""

from pga_core.experiments._analysis import (
    RESULT_VERSION,
    Estimate,
    ExperimentResult,
    analyse_experiment,
    estimate_effect,
)
from pga_core.experiments._calendar import (
    CALENDAR_COLUMNS,
    calendar_csv,
    calendar_ics,
    day_instruction,
    ics_escape,
    ics_fold,
)
from pga_core.experiments._conditions import (
    OPERATORS,
    Condition,
    Rule,
    yes_no_conditions,
)
from pga_core.experiments._plan import (
    ABANDONED,
    ACTIVE,
    COMPLETE,
    CONDITION_LETTERS,
    MAX_LAG,
    MAX_PERIOD_DAYS,
    PLAN_VERSION,
    Design,
    ExperimentPlan,
    draw_orders,
    new_seed,
    plan_experiment,
)
from pga_core.experiments._power import (
    DEFAULT_CHANGE_PCT,
    MAX_POWER_PAIRS,
    METHODS,
    MIN_HISTORY_DAYS,
    MIN_PAIRS_FOR_SIGNIFICANCE,
    N_SIMULATIONS,
    TARGET_POWER,
    OutcomeModel,
    PowerReport,
    design_power,
    null_differences,
    outcome_history,
    outcome_model,
    plan_power,
    simulated_intervals,
)
from pga_core.experiments._randomisation import (
    MAX_EXHAUSTIVE_PAIRS,
    N_ORDERS_DRAWN,
    SIGNIFICANCE,
    order_signs,
    randomisation_interval,
    randomisation_p,
)
from pga_core.experiments._tracking import (
    DAY_STATUSES,
    KEPT_SHARE,
    Adherence,
    adherence,
    adherence_days,
    period_table,
)

__all__ = [
    "ABANDONED",
    "ACTIVE",
    "CALENDAR_COLUMNS",
    "COMPLETE",
    "CONDITION_LETTERS",
    "DAY_STATUSES",
    "DEFAULT_CHANGE_PCT",
    "KEPT_SHARE",
    "MAX_EXHAUSTIVE_PAIRS",
    "MAX_LAG",
    "MAX_PERIOD_DAYS",
    "MAX_POWER_PAIRS",
    "METHODS",
    "MIN_HISTORY_DAYS",
    "MIN_PAIRS_FOR_SIGNIFICANCE",
    "N_ORDERS_DRAWN",
    "N_SIMULATIONS",
    "OPERATORS",
    "PLAN_VERSION",
    "RESULT_VERSION",
    "SIGNIFICANCE",
    "TARGET_POWER",
    "Adherence",
    "Condition",
    "Design",
    "Estimate",
    "ExperimentPlan",
    "ExperimentResult",
    "OutcomeModel",
    "PowerReport",
    "Rule",
    "adherence",
    "adherence_days",
    "analyse_experiment",
    "calendar_csv",
    "calendar_ics",
    "day_instruction",
    "design_power",
    "draw_orders",
    "estimate_effect",
    "ics_escape",
    "ics_fold",
    "new_seed",
    "null_differences",
    "order_signs",
    "outcome_history",
    "outcome_model",
    "period_table",
    "plan_experiment",
    "plan_power",
    "randomisation_interval",
    "randomisation_p",
    "simulated_intervals",
    "yes_no_conditions",
]
