"""Personal Gradient Ascent: the engine behind the dashboard (never imports Streamlit)."""

from pga_core.ascent import AscentResult, DivergenceError, gradient_ascent
from pga_core.daily import DailyData, Variable, merge_daily
from pga_core.effects import (
    ImpactRequest,
    behaviour_impact,
    habit_effects,
    impact_records,
    impact_tests,
    lag_scan,
    lagged_correlations,
)
from pga_core.features import parse_feature, sustained_factor
from pga_core.goals import GoalNode, GoalTree, TreeFit, fit_tree, leverage, what_if
from pga_core.models import (
    LinearGoalModel,
    LogisticGoalModel,
    PerceptronGoalClassifier,
    PerceptronGoalModel,
    block_bootstrap_counts,
    bootstrap_coefs,
)
from pga_core.sample import SamplePerson, generate_person, write_sample
from pga_core.sources import ReadResult, detect_format, read_exports, read_sources
from pga_core.store import ImportSummary, Workspace

__all__ = [
    "AscentResult",
    "DailyData",
    "DivergenceError",
    "GoalNode",
    "GoalTree",
    "ImpactRequest",
    "ImportSummary",
    "LinearGoalModel",
    "LogisticGoalModel",
    "PerceptronGoalClassifier",
    "PerceptronGoalModel",
    "ReadResult",
    "SamplePerson",
    "TreeFit",
    "Variable",
    "Workspace",
    "behaviour_impact",
    "block_bootstrap_counts",
    "bootstrap_coefs",
    "detect_format",
    "fit_tree",
    "generate_person",
    "gradient_ascent",
    "habit_effects",
    "impact_records",
    "impact_tests",
    "lag_scan",
    "lagged_correlations",
    "leverage",
    "merge_daily",
    "parse_feature",
    "read_exports",
    "read_sources",
    "sustained_factor",
    "what_if",
    "write_sample",
]
