"""The gradient-ascent engine: our ascent routine, the goal models it trains, and resampling.

- ``_ascent``: :func:`gradient_ascent`, one problem or a batch advanced together.
- ``_objectives``: each model's objective beside its gradient, as pure array functions.
- ``_models``: the goal models (scikit-learn estimators) and :func:`bootstrap_coefs`.
- ``_resampling``: the one block bootstrap (circular: blocks wrap round the end) and the
  rotations that keep day-to-day autocorrelation, and the one percentile interval every 95 %
  interval in the product is read from.
- ``_collinearity``: inputs that are (nearly) linear combinations of each other (variance
  inflation), to leave out of a joint fit.

Imports nothing else of ours.
"""

from pga_core.engine._ascent import (
    AscentResult,
    DivergenceError,
    check_gradient,
    gradient_ascent,
)
from pga_core.engine._collinearity import (
    PARTNER_SHARE,
    VIF_LIMIT,
    Collinearity,
    collinear_columns,
    variance_inflation,
)
from pga_core.engine._models import (
    LinearGoalModel,
    LogisticGoalModel,
    PerceptronGoalClassifier,
    PerceptronGoalModel,
    bootstrap_coefs,
)
from pga_core.engine._objectives import (
    MLPShapes,
    RidgeGram,
    make_logistic,
    make_logistic_curvature,
    make_mlp,
    make_ridge,
    make_ridge_gram,
    make_ridge_products,
    mlp_forward,
    mlp_input_gradient,
    ridge_gram,
)
from pga_core.engine._resampling import (
    CI_LEVEL,
    MIN_VALID_RESAMPLE_SHARE,
    TIE_RTOL,
    block_bootstrap_counts,
    block_length,
    bootstrap_starts,
    bootstrap_sums,
    circular_cross_sums,
    percentile_interval,
    rotation_p_from_statistics,
    rotation_shifts,
)

__all__ = [
    "CI_LEVEL",
    "MIN_VALID_RESAMPLE_SHARE",
    "PARTNER_SHARE",
    "TIE_RTOL",
    "VIF_LIMIT",
    "AscentResult",
    "Collinearity",
    "DivergenceError",
    "LinearGoalModel",
    "LogisticGoalModel",
    "MLPShapes",
    "PerceptronGoalClassifier",
    "PerceptronGoalModel",
    "RidgeGram",
    "block_bootstrap_counts",
    "block_length",
    "bootstrap_coefs",
    "bootstrap_starts",
    "bootstrap_sums",
    "check_gradient",
    "circular_cross_sums",
    "collinear_columns",
    "gradient_ascent",
    "make_logistic",
    "make_logistic_curvature",
    "make_mlp",
    "make_ridge",
    "make_ridge_gram",
    "make_ridge_products",
    "mlp_forward",
    "mlp_input_gradient",
    "percentile_interval",
    "ridge_gram",
    "rotation_p_from_statistics",
    "rotation_shifts",
    "variance_inflation",
]
