"""Personal Gradient Ascent: the engine behind the dashboard (never imports Streamlit).

The public names below are loaded on first use, so that importing one part of the engine (say,
a reader) does not pull in the rest (scikit-learn, the statistics, the goal trees).
"""

from __future__ import annotations

from importlib import import_module

_PUBLIC = {
    "pga_core.ascent": ("AscentResult", "DivergenceError", "gradient_ascent"),
    "pga_core.correlations": ("lagged_correlations",),
    "pga_core.daily": ("DailyData", "Variable", "merge_daily"),
    "pga_core.effects": (
        "ImpactRequest",
        "behaviour_impact",
        "impact_records",
        "impact_tests",
        "lag_scan",
    ),
    "pga_core.features": ("parse_feature", "sustained_factor"),
    "pga_core.goals": ("GoalNode", "GoalTree", "TreeFit", "fit_tree"),
    "pga_core.habits": ("habit_effects",),
    "pga_core.personal_gradient": ("leverage", "what_if"),
    "pga_core.models": (
        "LinearGoalModel",
        "LogisticGoalModel",
        "PerceptronGoalClassifier",
        "PerceptronGoalModel",
        "block_bootstrap_counts",
        "bootstrap_coefs",
    ),
    "pga_core.sample": ("SamplePerson", "generate_person", "write_sample"),
    "pga_core.sources": ("ReadResult", "detect_format", "read_exports", "read_sources"),
    "pga_core.store": ("ImportSummary", "Workspace"),
}
_MODULE_OF = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> object:
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'pga_core' has no attribute {name!r}")
    value = getattr(import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
