"""Goal trees: nested goal models, fitted by our gradient ascent, and the personal gradient.

- ``_tree``: :class:`GoalTree` / :class:`GoalNode` as written (read with :func:`read_tree`,
  :func:`default_tree`), validation, :func:`fit_tree` and the fitted tree (:class:`TreeFit`,
  whose :class:`FittedGoal` holds its fitted sub-goals).
- ``_fit``: one fitted goal (:class:`NodeFit`): weights, bootstrap intervals, walk-forward score.
- ``_gradient``: :func:`leverage` (the chain rule through the fitted tree) and :func:`what_if`.
"""

from pga_core.goals._fit import (
    N_SPLITS,
    PERCEPTRON_L2,
    NodeFit,
    fit_node,
    json_number,
)
from pga_core.goals._gradient import (
    DAYS_PER_WEEK,
    leverage,
    what_if,
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
    "MODELS",
    "N_SPLITS",
    "PERCEPTRON_L2",
    "FittedGoal",
    "GoalNode",
    "GoalTree",
    "NodeFit",
    "Problem",
    "TreeFit",
    "default_tree",
    "fit_node",
    "fit_tree",
    "json_number",
    "leverage",
    "read_tree",
    "tree_text",
    "what_if",
]
