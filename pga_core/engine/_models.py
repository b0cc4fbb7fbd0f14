"""Goal models: scikit-learn estimators trained by our own gradient ascent, and bootstrap refits.

Each model states the objective it maximises (see :mod:`pga_core.engine`), supports
``sample_weight`` (integer weights act exactly like repeated rows) and reports ``coef_``,
``intercept_``, ``n_iter_``, ``converged_`` and ``objective_history_``. ``input_gradient(X)`` gives
∂prediction/∂input per row, which the goal tree chains from node to node.
"""

from __future__ import annotations

import math
import warnings
from abc import abstractmethod
from numbers import Integral, Real
from typing import ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import lapack
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from pga_core.engine._ascent import AscentResult, gradient_ascent
from pga_core.engine._objectives import (
    MLPShapes,
    make_logistic,
    make_logistic_curvature,
    make_mlp,
    make_ridge_gram,
    make_ridge_products,
    mlp_forward,
    mlp_input_gradient,
    ridge_gram,
)
from pga_core.engine._resampling import block_bootstrap_counts

__all__ = [
    "LinearGoalModel",
    "LogisticGoalModel",
    "PerceptronGoalClassifier",
    "PerceptronGoalModel",
    "bootstrap_coefs",
]

Array = NDArray[np.float64]

#: Eigenvalues of a curvature matrix below this fraction of the largest are floored when the
#: matrix is too ill-conditioned for a Cholesky factorisation.
EIGEN_FLOOR = 1e-12
#: A logistic fit with fewer inputs than this takes Newton steps (a Hessian per step is cheap),
#: and ridge bootstrap refits factorise every resample's Gram matrix; with more inputs both take
#: quasi-Newton steps from one shared inverse Hessian.
NEWTON_MAX_FEATURES = 20
#: Steps remembered by quasi-Newton ascents.
CURVATURE_MEMORY = 10
#: Scale of the random first weights of a perceptron, relative to 1/sqrt(fan-in).
INIT_SCALE = 1.0


class _GoalModel(BaseEstimator):
    """What every goal model shares: validation, the fit/refit flow, convergence reporting."""

    _parameter_constraints: ClassVar[dict] = {
        "l2": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
    }
    _is_classifier = False

    # -- the part each model supplies ------------------------------------------------------------

    @abstractmethod
    def _solve(self, X: Array, y: Array, weights: Array, start: Array | None) -> AscentResult:
        """Maximise the objective for each weight row (B, n); returns a batched result."""

    @abstractmethod
    def _set_params_from(self, theta: Array, X: Array, y: Array, weights: Array) -> None:
        """Store the learned attributes for one parameter vector."""

    @abstractmethod
    def _effects(self, theta: Array, X: Array, weights: Array) -> Array:
        """Per-input effect (coef_ or mean input gradient) for each of B parameter rows: (B, d)."""

    # -- shared flow -----------------------------------------------------------------------------

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Fit the model.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features) — finite numbers, at least 2 rows.
        y : array-like, shape (n_samples,) — finite numbers (regressors) or two classes.
        sample_weight : array-like, shape (n_samples,), optional — non-negative, not all zero.

        Returns
        -------
        self
        """
        self._validate_params()
        X, y_fit, weights = self._validate_fit_input(X, y, sample_weight)
        result = self._solve(X, y_fit, weights[None, :], None)
        theta = result.x[0]
        self._set_params_from(theta, X, y_fit, weights)
        self.theta_ = theta
        # A batch result (here of one problem): its fields are arrays (B,), not scalars.
        self.n_iter_ = int(np.asarray(result.n_iter)[0])
        self.converged_ = bool(np.asarray(result.converged)[0])
        self.objective_history_ = result.history[0, : self.n_iter_ + 1].copy()
        if not self.converged_:
            warnings.warn(
                f"{type(self).__name__} did not converge in max_iter={self.max_iter} iterations; "
                "the weights may be off. Raise max_iter or check the inputs' scale.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _validate_fit_input(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None
    ) -> tuple[Array, Array, Array]:
        X, y = validate_data(
            self,
            X,
            y,
            dtype=np.float64 if not self._is_classifier else None,
            ensure_min_samples=2,
            y_numeric=not self._is_classifier,
        )
        X = np.asarray(X, dtype=np.float64)
        weights = _check_weights(sample_weight, len(X))
        if self._is_classifier:
            y_fit = self._encode_two_classes(y, weights)
        else:
            y_fit = np.asarray(y, dtype=np.float64)
        return X, y_fit, weights

    def _check_X(self, X: ArrayLike) -> Array:
        check_is_fitted(self)
        return np.asarray(validate_data(self, X, reset=False, dtype=np.float64), dtype=np.float64)

    def _warm_or_fit(self, X: Array, y: Array, weights: Array) -> Array:
        """The full-data optimum, the starting point of bootstrap refits."""
        return self._solve(X, y, weights[None, :], None).x[0]


class _TwoClasses:
    """Marks a goal model as a two-class classifier (scikit-learn skips its multi-class checks)."""

    _is_classifier = True

    def _encode_two_classes(self, y: NDArray, weights: Array) -> Array:
        """Store ``classes_`` and return y as 0.0/1.0; exactly two classes must carry weight."""
        self.classes_ = np.unique(y)
        if self.classes_.dtype.kind == "f" and np.any(self.classes_ != np.round(self.classes_)):
            raise ValueError(
                "Unknown label type: continuous. A classifier needs class labels in y "
                "(such as 0/1 or yes/no), not measurements"
            )
        if len(self.classes_) > 2:
            raise ValueError(
                "Only binary classification is supported: "
                f"{type(self).__name__} needs two classes in y, got {len(self.classes_)}: "
                f"{list(self.classes_)[:5]}"
            )
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs two classes in y, got only one class: "
                f"{self.classes_[0]!r}"
            )
        positive = (y == self.classes_[1]).astype(np.float64)
        for label, in_class in ((self.classes_[0], 1.0 - positive), (self.classes_[1], positive)):
            if weights @ in_class == 0:
                raise ValueError(
                    f"{type(self).__name__} needs two classes in y, but only one class has rows "
                    f"with positive weight ({label!r} has none)"
                )
        return positive

    def __sklearn_tags__(self):
        # A mixin: the estimator after it in the MRO has the tags, which mypy cannot see here.
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        tags.classifier_tags.multi_class = False
        return tags


def _check_weights(sample_weight: ArrayLike | None, n_samples: int) -> Array:
    """Sample weights as a float array (n,): finite, non-negative, not all zero."""
    if sample_weight is None:
        return np.ones(n_samples)
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.ndim == 0:
        weights = np.full(n_samples, float(weights))
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},) like the rows of X, got {weights.shape}"
        )
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight contains NaN or infinity")
    if (weights < 0).any():
        raise ValueError(
            f"sample_weight must not be negative; {int((weights < 0).sum())} weight(s) are"
        )
    if weights.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one row needs a positive weight")
    return weights


def _inverse_spd(H: Array) -> Array:
    """Inverse of a symmetric positive (semi)definite matrix, with eigenvalues floored if needed."""
    factor, info = lapack.dpotrf(H, lower=True)
    if info == 0:
        inverse, info = lapack.dpotri(factor, lower=True)
    if info == 0:
        return np.tril(inverse) + np.tril(inverse, -1).T  # LAPACK fills the lower triangle
    values, vectors = np.linalg.eigh(H)
    floor = max(values.max(), 1.0) * EIGEN_FLOOR
    return (vectors / np.maximum(values, floor)) @ vectors.T


def _inverse_spd_batch(H: Array) -> Array:
    """Inverses of a batch of SPD matrices (B, p, p)."""
    if len(H) == 1:
        return _inverse_spd(H[0])[None]
    try:
        L = np.linalg.cholesky(H)
        L_inv = np.linalg.inv(L)
        return np.swapaxes(L_inv, -1, -2) @ L_inv
    except np.linalg.LinAlgError:
        return np.stack([_inverse_spd(h) for h in H])


class LinearGoalModel(RegressorMixin, _GoalModel):
    """Ridge regression trained by gradient ascent.

    Maximises ``J(w, b) = −(1/(2S)) Σ sᵢ (yᵢ − xᵢ·w − b)² − (l2/2) ‖w‖²`` (b not penalised): the
    optimum of ``sklearn.linear_model.Ridge(alpha=S·l2)`` with the same sample weights. The
    intercept is solved in closed form; fits work on the d×d Gram matrix with the exact Newton
    preconditioner. Bootstrap refits get their Gram matrices from one matrix product and start at
    the full-data optimum; with many inputs they take quasi-Newton steps from its inverse Hessian.

    Parameters
    ----------
    l2 : float, default 1e-3 — L2 penalty per unit of total weight.
    max_iter : int, default 100 — iteration budget.
    tol : float, default 1e-10 — estimated relative objective gap at which to stop.
    """

    def __init__(self, *, l2: float = 1e-3, max_iter: int = 100, tol: float = 1e-10) -> None:
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol

    def _solve(self, X: Array, y: Array, weights: Array, start: Array | None) -> AscentResult:
        eye = np.eye(X.shape[1])
        if start is None or X.shape[1] < NEWTON_MAX_FEATURES:
            # Each problem's Gram matrix and exact inverse Hessian: one Newton step to the optimum.
            stats = ridge_gram(X, y, weights)
            x0 = np.zeros_like(stats.cross) if start is None else np.tile(start, (len(weights), 1))
            return gradient_ascent(
                make_ridge_gram(stats, self.l2),
                x0,
                precondition=_inverse_spd_batch(stats.gram + self.l2 * eye),
                accelerate=False,
                max_iter=self.max_iter,
                tol=self.tol,
            )
        # Bootstrap refits with many inputs: B Gram matrices would cost more than the few
        # evaluations on the rows that quasi-Newton steps need, starting at the full-data optimum
        # from its inverse Hessian.
        full = ridge_gram(X, y, np.ones(len(X)))
        return gradient_ascent(
            make_ridge_products(X, y, weights, self.l2),
            np.tile(start, (len(weights), 1)),
            precondition=_inverse_spd(full.gram[0] + self.l2 * eye),
            memory=CURVATURE_MEMORY,
            max_iter=self.max_iter,
            tol=self.tol,
        )

    def _set_params_from(self, theta: Array, X: Array, y: Array, weights: Array) -> None:
        self.coef_ = theta.copy()
        total = weights.sum()
        self.intercept_ = float((weights @ y) / total - (weights @ X / total) @ theta)

    def _effects(self, theta: Array, X: Array, weights: Array) -> Array:
        return theta

    def predict(self, X: ArrayLike) -> Array:
        """Predicted outcome, shape (n_samples,)."""
        return self._check_X(X) @ self.coef_ + self.intercept_

    def input_gradient(self, X: ArrayLike) -> Array:
        """∂prediction/∂input, shape (n_samples, n_features): ``coef_`` on every row."""
        return np.tile(self.coef_, (len(self._check_X(X)), 1))


class LogisticGoalModel(_TwoClasses, ClassifierMixin, _GoalModel):
    """Logistic regression (two classes) trained by gradient ascent.

    Maximises the weighted mean log-likelihood ``(1/S) Σ sᵢ ℓᵢ − (l2/2) ‖w‖²``: the optimum of
    ``sklearn.linear_model.LogisticRegression(C=1/(S·l2))``. With few inputs every step is a
    Newton step (our own Hessian); with many, steps are quasi-Newton from the exact Hessian at the
    start. Bootstrap refits start from the full-data optimum and share its Hessian.

    Parameters
    ----------
    l2 : float, default 1e-3.
    max_iter : int, default 100.
    tol : float, default 1e-10 — estimated relative objective gap at which to stop.
    """

    def __init__(self, *, l2: float = 1e-3, max_iter: int = 100, tol: float = 1e-10) -> None:
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol

    def _solve(self, X: Array, y: Array, weights: Array, start: Array | None) -> AscentResult:
        fun = make_logistic(X, y, weights, self.l2)
        fresh = start is None
        if start is None:
            start = np.zeros(X.shape[1] + 1)
            rate = min(max((weights[0] @ y) / weights[0].sum(), 1e-6), 1 - 1e-6)
            start[-1] = math.log(rate / (1 - rate))
        x0 = np.tile(start, (len(weights), 1))
        reference = weights if len(weights) == 1 else np.ones((1, len(X)))
        if len(weights) == 1 and X.shape[1] < NEWTON_MAX_FEATURES:
            curvature = make_logistic_curvature(X, reference, self.l2)
            # Few inputs: the exact Hessian costs about one evaluation, so take Newton steps.
            return gradient_ascent(
                fun,
                x0,
                precondition=lambda theta: _inverse_spd_batch(curvature(theta)),
                max_iter=self.max_iter,
                tol=self.tol,
            )
        # Otherwise one exact curvature at the start, refined by quasi-Newton updates. Bootstrap
        # refits start at the full-data optimum, whose curvature serves every resample. It only
        # preconditions, so single precision will do for the Gram matrix of a fit's start.
        curvature = make_logistic_curvature(
            X, reference, self.l2, gram_dtype=np.float32 if fresh else np.float64
        )
        return gradient_ascent(
            fun,
            x0,
            precondition=_inverse_spd(curvature(start)[0]),
            memory=CURVATURE_MEMORY,
            max_iter=self.max_iter,
            tol=self.tol,
        )

    def _set_params_from(self, theta: Array, X: Array, y: Array, weights: Array) -> None:
        self.coef_ = theta[:-1].copy()
        self.intercept_ = float(theta[-1])

    def _effects(self, theta: Array, X: Array, weights: Array) -> Array:
        return theta[:, :-1]

    def decision_function(self, X: ArrayLike) -> Array:
        """Log-odds of the second class, shape (n_samples,)."""
        return self._check_X(X) @ self.coef_ + self.intercept_

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities, shape (n_samples, 2), columns in the order of ``classes_``."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: ArrayLike) -> NDArray:
        """The more probable class for each row, shape (n_samples,)."""
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]

    def input_gradient(self, X: ArrayLike) -> Array:
        """∂P(second class)/∂input, shape (n_samples, n_features): ``p (1 − p) coef_``."""
        p = expit(self.decision_function(X))
        return (p * (1.0 - p))[:, None] * self.coef_


class _Perceptron(_GoalModel):
    """One hidden tanh layer; the output is linear (regression) or a sigmoid (classification)."""

    _parameter_constraints: ClassVar[dict] = {
        **_GoalModel._parameter_constraints,
        "hidden": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        hidden: int = 8,
        l2: float = 1e-4,
        n_init: int = 4,
        max_iter: int = 3000,
        tol: float = 1e-10,
        random_state: int | None = None,
    ) -> None:
        self.hidden = hidden
        self.l2 = l2
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _shapes(self, n_features: int) -> MLPShapes:
        return MLPShapes(n_features, self.hidden)

    def _initial(self, X: Array, y: Array, weights: Array) -> Array:
        """``n_init`` random starting points (n_init, size), seeded by ``random_state``."""
        shapes = self._shapes(X.shape[1])
        rng = np.random.default_rng(self.random_state)
        theta = np.zeros((self.n_init, shapes.size))
        W1, b1, w2, b2 = shapes.unpack(theta)
        W1[:] = rng.normal(0.0, INIT_SCALE / np.sqrt(X.shape[1]), W1.shape)
        b1[:] = rng.normal(0.0, 0.5, b1.shape)
        w2[:] = rng.normal(0.0, INIT_SCALE / np.sqrt(self.hidden), w2.shape)
        mean = float(weights @ y / weights.sum())
        b2[:] = logit(np.clip(mean, 1e-6, 1 - 1e-6)) if self._is_classifier else mean
        return theta

    def _solve(self, X: Array, y: Array, weights: Array, start: Array | None) -> AscentResult:
        shapes = self._shapes(X.shape[1])
        fun = make_mlp(X, y, weights, self.l2, shapes, classify=self._is_classifier)
        if start is not None:
            return gradient_ascent(
                fun,
                np.tile(start, (len(weights), 1)),
                memory=CURVATURE_MEMORY,
                max_iter=self.max_iter,
                tol=self.tol,
            )
        # One problem: several random starts advance together; the best one is kept.
        starts = self._initial(X, y, weights[0])
        fun_many = make_mlp(
            X,
            y,
            np.repeat(weights, len(starts), axis=0),
            self.l2,
            shapes,
            classify=self._is_classifier,
        )
        result = gradient_ascent(
            fun_many, starts, memory=CURVATURE_MEMORY, max_iter=self.max_iter, tol=self.tol
        )
        best = int(np.argmax(result.value))
        return AscentResult(
            result.x[best : best + 1],
            np.asarray(result.value)[best : best + 1],
            np.asarray(result.grad_norm)[best : best + 1],
            np.asarray(result.n_iter)[best : best + 1],
            np.asarray(result.converged)[best : best + 1],
            result.history[best : best + 1],
        )

    def _set_params_from(self, theta: Array, X: Array, y: Array, weights: Array) -> None:
        W1, b1, w2, b2 = self._shapes(X.shape[1]).unpack(theta[None, :])
        self.hidden_weights_, self.hidden_bias_ = W1[0].copy(), b1[0].copy()
        self.output_weights_, self.intercept_ = w2[0].copy(), float(b2[0])
        self.coef_ = self._effects(theta[None, :], X, weights[None, :])[0]

    def _effects(self, theta: Array, X: Array, weights: Array) -> Array:
        shapes = self._shapes(X.shape[1])
        effects = np.empty((len(theta), X.shape[1]))
        for b, (t, w) in enumerate(
            zip(theta, np.broadcast_to(weights, (len(theta), len(X))), strict=True)
        ):
            grad = mlp_input_gradient(t, X, shapes, classify=self._is_classifier)
            effects[b] = w @ grad / w.sum()
        return effects

    def _score(self, X: ArrayLike) -> Array:
        X = self._check_X(X)
        return mlp_forward(self.theta_, X, self._shapes(X.shape[1]))[1][0]

    def input_gradient(self, X: ArrayLike) -> Array:
        """∂prediction/∂input per row, shape (n_samples, n_features) (for a classifier, of the
        probability of the second class)."""
        X = self._check_X(X)
        return mlp_input_gradient(
            self.theta_, X, self._shapes(X.shape[1]), classify=self._is_classifier
        )


class PerceptronGoalModel(RegressorMixin, _Perceptron):
    """A one-hidden-layer perceptron regressor (tanh units, linear output).

    Maximises ``−(1/(2S)) Σ sᵢ rᵢ² − (l2/2)(‖W1‖² + ‖w2‖²)`` from ``n_init`` random starts
    advanced together, keeping the best. ``coef_`` is the average marginal effect of each input
    (the weighted mean of :meth:`input_gradient` over the training rows); the raw weights are in
    ``hidden_weights_``, ``hidden_bias_``, ``output_weights_`` and ``intercept_``.
    """

    def predict(self, X: ArrayLike) -> Array:
        """Predicted outcome, shape (n_samples,)."""
        return self._score(X)


class PerceptronGoalClassifier(_TwoClasses, ClassifierMixin, _Perceptron):
    """A one-hidden-layer perceptron classifier (tanh units, sigmoid output, two classes).

    Maximises the weighted mean log-likelihood minus ``(l2/2)(‖W1‖² + ‖w2‖²)``; otherwise as
    :class:`PerceptronGoalModel`. It learns XOR, which a plain sigmoid network started badly and
    trained with a fixed step famously does not.
    """

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities, shape (n_samples, 2), columns in the order of ``classes_``."""
        p = expit(self._score(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: ArrayLike) -> NDArray:
        """The more probable class for each row, shape (n_samples,)."""
        positive = self._score(X) > 0
        return self.classes_[positive.astype(int)]


def bootstrap_coefs(
    model: _GoalModel,
    X: ArrayLike,
    y: ArrayLike,
    *,
    n_boot: int = 200,
    block: int = 7,
    random_state: int | None = 0,
    counts: NDArray | None = None,
) -> Array:
    """Per-input effects refitted on block-bootstrap resamples, all in one batched ascent.

    Each resample is expressed as integer row weights
    (:func:`~pga_core.engine.block_bootstrap_counts`: the circular block bootstrap), which give
    exactly the fit on the resampled rows. All refits start from the full-data optimum.

    Parameters
    ----------
    model : one of the goal models (it is cloned, not changed).
    X : array-like, shape (n_samples, n_features); y : array-like, shape (n_samples,).
    n_boot, block, random_state : resampling settings (rows are taken to be consecutive days).
    counts : array (n_boot, n_samples), optional — resample weights to use instead of drawing
        them (e.g. one draw shared by several models for joint intervals).

    Returns
    -------
    array, shape (n_boot, n_features) — ``coef_`` of each refit (the average marginal effect
    for perceptrons).
    """
    estimator = clone(model)
    estimator._validate_params()
    X_fit, y_fit, weights = estimator._validate_fit_input(X, y, None)
    if counts is None:
        counts = block_bootstrap_counts(len(X_fit), n_boot, block, random_state)
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] != len(X_fit):
        raise ValueError(f"counts must have shape (n_boot, {len(X_fit)}), got {counts.shape}")
    start = estimator._warm_or_fit(X_fit, y_fit, weights)
    result = estimator._solve(X_fit, y_fit, counts, start)
    if not np.all(result.converged):
        warnings.warn(
            f"{int((~result.converged).sum())} of {len(counts)} bootstrap refits did not "
            "converge; their spread may be understated",
            ConvergenceWarning,
            stacklevel=2,
        )
    return estimator._effects(result.x, X_fit, counts)
