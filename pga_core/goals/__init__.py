"""Goal trees: nested goal models, fitted by our gradient ascent, and the personal gradient.

- ``_tree``: :class:`GoalTree` / :class:`GoalNode` as written (read with :func:`read_tree`,
  :func:`default_tree`), validation, :func:`fit_tree` and the fitted tree (:class:`TreeFit`,
  whose :class:`FittedGoal` holds its fitted sub-goals).
- ``_fit``: one fitted goal (:class:`NodeFit`): weights, bootstrap intervals, walk-forward score.
- ``_gradient``: :func:`leverage` (the chain rule through the fitted tree) and :func:`what_if`.
- ``_health``: the health index (:data:`HEALTH_INDEX`), a top goal that means overall health.
- ``_starter``: :func:`starter_tree`, a tree built from the columns a person's data hold.
- ``_repair``: :func:`repair_tree`, a tree without the inputs and sub-goals the data lack.
"""

from pga_core.goals._fit import (
    N_SPLITS,
    PERCEPTRON_L2,
    Combination,
    NodeFit,
    fit_node,
    json_number,
)
from pga_core.goals._gradient import (
    DAYS_PER_WEEK,
    lever_routes,
    leverage,
    what_if,
)
from pga_core.goals._health import (
    HEALTH_INDEX,
    HEALTH_PARTS,
    MIN_PART_DAYS,
    MIN_PART_SHARE,
    MIN_PARTS,
    HealthPart,
    health_parts,
    with_health_index,
)
from pga_core.goals._repair import (
    FIT_SUPPORT,
    Repair,
    repair_tree,
)
from pga_core.goals._starter import (
    MIN_EACH_ANSWER,
    MIN_STARTER_DAYS,
    MIN_STARTER_SHARE,
    STARTER_NAME,
    STARTER_SUPPORT,
    TOP_FALLBACKS,
    LeftOut,
    StarterTree,
    Support,
    input_words,
    keep_supported,
    starter_tree,
)
from pga_core.goals._tree import (
    DEFAULT_GOALS_FILE,
    MODELS,
    FittedGoal,
    GoalNode,
    GoalTree,
    Problem,
    TreeFit,
    default_tree,
    fit_tree,
    read_tree,
    tree_text,
)

__all__ = [
    "DAYS_PER_WEEK",
    "DEFAULT_GOALS_FILE",
    "FIT_SUPPORT",
    "HEALTH_INDEX",
    "HEALTH_PARTS",
    "MIN_EACH_ANSWER",
    "MIN_PARTS",
    "MIN_PART_DAYS",
    "MIN_PART_SHARE",
    "MIN_STARTER_DAYS",
    "MIN_STARTER_SHARE",
    "MODELS",
    "N_SPLITS",
    "PERCEPTRON_L2",
    "STARTER_NAME",
    "STARTER_SUPPORT",
    "TOP_FALLBACKS",
    "Combination",
    "FittedGoal",
    "GoalNode",
    "GoalTree",
    "HealthPart",
    "LeftOut",
    "NodeFit",
    "Problem",
    "Repair",
    "StarterTree",
    "Support",
    "TreeFit",
    "default_tree",
    "fit_node",
    "fit_tree",
    "health_parts",
    "input_words",
    "json_number",
    "keep_supported",
    "lever_routes",
    "leverage",
    "read_tree",
    "repair_tree",
    "starter_tree",
    "tree_text",
    "what_if",
    "with_health_index",
]
