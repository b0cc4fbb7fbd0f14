"""Personal Gradient Ascent: the engine behind the dashboard (never imports Streamlit)."""

from pga_core.ascent import AscentResult, DivergenceError, gradient_ascent
from pga_core.daily import DailyData, Variable, merge_daily
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
    "ImportSummary",
    "LinearGoalModel",
    "LogisticGoalModel",
    "PerceptronGoalClassifier",
    "PerceptronGoalModel",
    "ReadResult",
    "SamplePerson",
    "Variable",
    "Workspace",
    "block_bootstrap_counts",
    "bootstrap_coefs",
    "detect_format",
    "generate_person",
    "gradient_ascent",
    "merge_daily",
    "read_exports",
    "read_sources",
    "write_sample",
]
