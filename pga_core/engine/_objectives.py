"""The goal models' objectives: each value sits next to its gradient, as pure array functions.

Every ``make_*`` function takes the data once and returns ``fun(theta) -> (value, gradient)`` for
:func:`pga_core.engine.gradient_ascent`. ``theta`` is one parameter vector (p,) or a batch (B, p);
sample weights are (n,) (shared) or (B, n) (one weight vector per problem, e.g. bootstrap counts).
All objectives are *maximised* and use weighted means: ``(1/S) Σ sᵢ ℓᵢ`` with ``S = Σ sᵢ``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike, NDArray
from scipy.special import expit

__all__ = [
    "MLPShapes",
    "RidgeGram",
    "make_logistic",
    "make_logistic_curvature",
    "make_mlp",
    "make_ridge",
    "make_ridge_gram",
    "make_ridge_products",
    "mlp_forward",
    "mlp_input_gradient",
    "ridge_gram",
]

Array = NDArray[np.float64]
Objective = Callable[[Array], tuple[Array, Array]]


def _weight_rows(sample_weight: Array) -> tuple[Array, Array]:
    """Weights as (B, n) rows and their sums (B,)."""
    rows = np.atleast_2d(sample_weight)
    return rows, rows.sum(axis=1)


def _squeeze(value: Array, grad: Array, theta: Array) -> tuple[Array, Array]:
    """Return scalars/1-D arrays when ``theta`` was a single vector."""
    if theta.ndim == 1:
        return value[0], grad[0]
    return value, grad


# --- Ridge: J(w, b) = −(1/2S) Σ sᵢ (yᵢ − xᵢ·w − b)² − (l2/2) ‖w‖², b solved in closed form ---


def make_ridge(X: Array, y: Array, sample_weight: Array, l2: float) -> Objective:
    """Ridge objective on the raw rows, the intercept at its closed-form optimum for each ``w``.

    With ``b(w) = ȳ − x̄·w`` (weighted means) the residuals have weighted mean zero, so the
    gradient in ``w`` is ``(1/S) Σ sᵢ rᵢ xᵢ − l2·w`` (the intercept's own derivative vanishes).
    """
    weights, total = _weight_rows(sample_weight)
    x_mean = weights @ X / total[:, None]
    y_mean = weights @ y / total

    def fun(theta: Array) -> tuple[Array, Array]:
        w = np.atleast_2d(theta)
        intercept = y_mean - np.einsum("bi,bi->b", x_mean, w)
        residual = y - w @ X.T - intercept[:, None]
        weighted = weights * residual
        value = -0.5 * np.einsum("bn,bn->b", weighted, residual) / total
        value -= 0.5 * l2 * np.einsum("bi,bi->b", w, w)
        grad = weighted @ X / total[:, None] - l2 * w
        return _squeeze(value, grad, theta)

    return fun


def make_ridge_products(X: Array, y: Array, sample_weight: Array, l2: float) -> Objective:
    """The ridge objective of many weighted problems from products with the rows, no Gram matrix.

    ``J(w) = −½ (v − 2 cᵀw + wᵀ G w) − (l2/2) ‖w‖²`` with each problem's weighted, centred
    moments: ``G w = Xᵀ(s ∘ X w) − x̄ (x̄·w)`` is formed anew at each evaluation from two products
    of the rows with the B parameter vectors, while the cross moments ``c`` and variance ``v`` are
    computed once. For B problems with d inputs an evaluation costs about 2·B·n·d
    multiplications, where their Gram matrices (:func:`ridge_gram`) cost B·n·d²/2 once: the
    cheaper way when d is large and an ascent needs few evaluations. The rows are first centred
    on their plain means, so that the problems' moments keep their precision. Same value and
    gradient as :func:`make_ridge`.
    """
    weights, total = _weight_rows(sample_weight)
    shares = weights / total[:, None]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    d = X.shape[1]
    # Every problem's first and second moments from one product: Σ s x, Σ s x y, Σ s y, Σ s y².
    moments = shares @ np.column_stack([Xc, Xc * yc[:, None], yc, yc * yc])
    x_mean, y_mean = moments[:, :d], moments[:, -2]
    cross = moments[:, d : 2 * d] - x_mean * y_mean[:, None]
    y_var = moments[:, -1] - y_mean**2

    def fun(theta: Array) -> tuple[Array, Array]:
        w = np.atleast_2d(theta)
        weighted_scores = w @ Xc.T
        weighted_scores *= shares
        gw = weighted_scores @ Xc - x_mean * np.vecdot(x_mean, w)[:, None]
        value = -0.5 * (y_var - 2 * np.vecdot(cross, w) + np.vecdot(w, gw))
        value -= 0.5 * l2 * np.vecdot(w, w)
        grad = cross - gw - l2 * w
        return _squeeze(value, grad, theta)

    return fun


@dataclass(frozen=True)
class RidgeGram:
    """Weighted, centred sufficient statistics of B ridge problems (all divided by S).

    ``gram`` (B, d, d) = Xcᵀ diag(s) Xc / S, ``cross`` (B, d) = Xcᵀ (s ∘ yc) / S and
    ``y_var`` (B,) = Σ sᵢ ycᵢ² / S, centred on the weighted means ``x_mean`` (B, d) and
    ``y_mean`` (B,).
    """

    gram: Array
    cross: Array
    y_var: Array
    x_mean: Array
    y_mean: Array


def ridge_gram(X: Array, y: Array, sample_weight: Array) -> RidgeGram:
    """The centred Gram statistics of one weighted problem (n,) or of one per weight row (B, n).

    One problem is centred exactly in two passes. For many weight rows (bootstrap resamples) the
    data are first centred on their plain means, then all rows' moments come from one matrix
    product of the weights with the products of every pair of columns (the upper triangle only).
    """
    weights, total = _weight_rows(sample_weight)
    if len(weights) == 1:
        x_mean = weights[0] @ X / total[0]
        y_mean = weights[0] @ y / total[0]
        Xc, yc = X - x_mean, y - y_mean
        share = weights[0] / total[0]
        if np.all(share == share[0]):  # equal weights: no weighted copy of the rows is needed
            gram = (Xc.T @ Xc) * share[0]  # Zᵀ Z: numpy computes one triangle
        else:
            rooted = Xc * np.sqrt(share)[:, None]
            gram = rooted.T @ rooted
        return RidgeGram(
            gram=gram[None],
            cross=(Xc.T @ (share * yc))[None],
            y_var=np.array([weights[0] @ (yc * yc) / total[0]]),
            x_mean=x_mean[None],
            y_mean=np.array([y_mean]),
        )
    d = X.shape[1]
    x_shift, y_shift = X.mean(axis=0), y.mean()
    moments = weights @ _pair_products(X - x_shift, y - y_shift) / total[:, None]
    n_upper = d * (d + 1) // 2
    x_first = moments[:, n_upper + d : n_upper + 2 * d]
    y_first, y_second = moments[:, -2], moments[:, -1]
    gram = np.take(moments, _upper_positions(d), axis=1)
    gram -= np.einsum("bi,bj->bij", x_first, x_first)
    return RidgeGram(
        gram=gram,
        cross=moments[:, n_upper : n_upper + d] - x_first * y_first[:, None],
        y_var=y_second - y_first**2,
        x_mean=x_first + x_shift,
        y_mean=y_first + y_shift,
    )


def _upper_positions(d: int) -> NDArray[np.intp]:
    """Where entry (i, j) of a symmetric d×d matrix sits in its row-major upper triangle."""
    upper_i, upper_j = np.triu_indices(d)
    positions = np.empty((d, d), dtype=np.intp)
    positions[upper_i, upper_j] = positions[upper_j, upper_i] = np.arange(upper_i.size)
    return positions


def _pair_products(Xc: Array, yc: Array) -> Array:
    """Per row: xᵢxⱼ for i ≤ j (row-major upper triangle), xᵢy, xᵢ, y and y², shape (n, T).

    Built column by column in Fortran order, where each column is one contiguous write.
    """
    n, d = Xc.shape
    n_upper = d * (d + 1) // 2
    out = np.empty((n, n_upper + 2 * d + 2), order="F")
    columns = np.asfortranarray(Xc)
    start = 0
    for i in range(d):
        np.multiply(columns[:, i:], columns[:, i : i + 1], out=out[:, start : start + d - i])
        start += d - i
    np.multiply(columns, yc[:, None], out=out[:, start : start + d])
    out[:, start + d : start + 2 * d] = columns
    out[:, -2] = yc
    out[:, -1] = yc * yc
    return out


def make_ridge_gram(stats: RidgeGram, l2: float) -> Objective:
    """The ridge objective computed from the d×d Gram statistics alone (no pass over the rows).

    ``J(w) = −½ (y_var − 2 crossᵀw + wᵀ gram w) − (l2/2) ‖w‖²``; the negative Hessian is the
    constant ``gram + l2·I``. One set of statistics serves any number of ``w``; B sets take B.
    """

    def fun(theta: Array) -> tuple[Array, Array]:
        w = np.atleast_2d(theta)
        gw = (stats.gram @ w[:, :, None])[:, :, 0]
        value = -0.5 * (stats.y_var - 2 * (w * stats.cross).sum(axis=1) + (w * gw).sum(axis=1))
        value -= 0.5 * l2 * (w * w).sum(axis=1)
        grad = stats.cross - gw - l2 * w
        return _squeeze(value, grad, theta)

    return fun


# --- Logistic: J(w, b) = (1/S) Σ sᵢ [yᵢ zᵢ − log(1 + e^zᵢ)] − (l2/2) ‖w‖², z = x·w + b --------


def _scores(X: Array, t: Array) -> Array:
    """``z = X w + b`` for each parameter row ``[w, b]`` of ``t`` (B, d+1): shape (B, n)."""
    return t[:, :-1] @ X.T + t[:, -1:]  # row-major (B, n), as the weights it meets are


def make_logistic(X: Array, y: Array, sample_weight: Array, l2: float) -> Objective:
    """Weighted mean log-likelihood of a logistic model; ``theta = [w (d), b]``, y in {0, 1}."""
    weights, total = _weight_rows(sample_weight)
    shares = weights / total[:, None]
    y_centred = y - 0.5

    def fun(theta: Array) -> tuple[Array, Array]:
        t = np.atleast_2d(theta)
        w = t[:, :-1]
        z = _scores(X, t)
        # log(1 + e^z) = max(z, 0) + log(1 + e^−|z|), stably for either sign of z.
        loglik = np.abs(z)
        np.negative(loglik, out=loglik)
        np.exp(loglik, out=loglik)
        np.log1p(loglik, out=loglik)
        loglik += np.maximum(z, 0.0)
        np.subtract(y * z, loglik, out=loglik)
        value = np.vecdot(shares, loglik) - 0.5 * l2 * np.vecdot(w, w)
        # y − σ(z) = (y − ½) − ½ tanh(z/2), with no exponential to overflow.
        residual = np.multiply(z, 0.5, out=loglik)
        np.tanh(residual, out=residual)
        residual *= -0.5
        residual += y_centred
        residual *= shares
        grad = np.empty_like(t)
        grad[:, :-1] = residual @ X - l2 * w
        grad[:, -1] = residual.sum(axis=1)
        return _squeeze(value, grad, theta)

    return fun


def make_logistic_curvature(
    X: Array, sample_weight: Array, l2: float, *, gram_dtype: DTypeLike = np.float64
) -> Callable[[Array], Array]:
    """Negative Hessian of :func:`make_logistic`'s objective: ``theta`` (B, d+1) → (B, d+1, d+1).

    ``(1/S) X₁ᵀ diag(sᵢ pᵢ (1 − pᵢ)) X₁ + l2`` on the weights' diagonal, X₁ = [X, 1].
    ``gram_dtype=np.float32`` forms the inputs' block in single precision, about twice as fast:
    enough for a curvature that only preconditions the steps (the objective and its gradient,
    and so the optimum, stay in double precision).
    """
    weights, total = _weight_rows(sample_weight)
    d = X.shape[1]
    penalty = np.diag(np.r_[np.full(d, l2), 0.0])
    equal_weights = (weights == weights[:, :1]).all(axis=1)

    def curvature(theta: Array) -> Array:
        t = np.atleast_2d(theta)
        # p (1 − p) = e^−|z| / (1 + e^−|z|)², stably for either sign of z; with no weights on the
        # inputs (as at the start) every row has the same z, the intercept.
        at_intercept = not t[:, :-1].any()
        tail = np.exp(-np.abs(t[:, -1:] if at_intercept else _scores(X, t)))
        scale = weights * (tail / ((1.0 + tail) ** 2 * total[:, None]))
        equal = equal_weights & at_intercept
        grams = [_intercept_gram(X, *row, gram_dtype) for row in zip(scale, equal, strict=True)]
        return np.stack(grams) + penalty

    return curvature


def _intercept_gram(X: Array, scale: Array, equal: bool, gram_dtype: DTypeLike) -> Array:
    """``[X, 1]ᵀ diag(scale) [X, 1]`` (d+1, d+1) for non-negative ``scale`` (n,).

    The inputs' block is a Zᵀ Z product in ``gram_dtype``, of which numpy computes one triangle;
    with ``equal`` scales (e.g. at a start where every probability is the base rate) Z is X.
    """
    d = X.shape[1]
    gram = np.empty((d + 1, d + 1))
    rooted = (X if equal else X * np.sqrt(scale)[:, None]).astype(gram_dtype, copy=False)
    gram[:d, :d] = rooted.T @ rooted
    if equal:
        gram[:d, :d] *= scale[0]
    gram[d, :d] = gram[:d, d] = scale @ X
    gram[d, d] = scale.sum()
    return gram


# --- One-hidden-layer perceptron: tanh hidden units, linear (or sigmoid) output ----------------


@dataclass(frozen=True)
class MLPShapes:
    """Where each weight lives in the flat parameter vector of a (d → h → 1) perceptron."""

    n_features: int
    hidden: int

    @property
    def size(self) -> int:
        """Number of parameters: W1 (d·h), b1 (h), w2 (h), b2 (1)."""
        return self.n_features * self.hidden + 2 * self.hidden + 1

    def unpack(self, theta: Array) -> tuple[Array, Array, Array, Array]:
        """Views (B, d, h), (B, h), (B, h), (B,) of a batch of flat vectors (B, size)."""
        d, h = self.n_features, self.hidden
        W1 = theta[:, : d * h].reshape(-1, d, h)
        b1 = theta[:, d * h : d * h + h]
        w2 = theta[:, d * h + h : d * h + 2 * h]
        b2 = theta[:, -1]
        return W1, b1, w2, b2


def mlp_forward(theta: Array, X: Array, shapes: MLPShapes) -> tuple[Array, Array]:
    """Hidden activations (B, n, h) and output scores (B, n) for a batch of parameter vectors."""
    W1, b1, w2, b2 = shapes.unpack(np.atleast_2d(theta))
    hidden = np.tanh(X @ W1 + b1[:, None, :])
    score = (hidden @ w2[:, :, None])[:, :, 0] + b2[:, None]
    return hidden, score


def make_mlp(
    X: Array, y: Array, sample_weight: Array, l2: float, shapes: MLPShapes, *, classify: bool
) -> Objective:
    """Perceptron objective: −(1/2S) Σ sᵢ rᵢ² (regression) or the mean log-likelihood of a sigmoid
    output (classification), minus ``(l2/2)(‖W1‖² + ‖w2‖²)`` (biases are not penalised)."""
    weights, total = _weight_rows(sample_weight)
    d, h = shapes.n_features, shapes.hidden

    def fun(theta: Array) -> tuple[Array, Array]:
        t = np.atleast_2d(theta)
        W1, _, w2, _ = shapes.unpack(t)
        hidden, score = mlp_forward(t, X, shapes)
        if classify:
            value = np.einsum("bn,bn->b", weights, y * score - np.logaddexp(0.0, score))
            d_score = weights * (y - expit(score)) / total[:, None]
        else:
            residual = y - score
            value = -0.5 * np.einsum("bn,bn->b", weights, residual * residual)
            d_score = weights * residual / total[:, None]
        value = value / total - 0.5 * l2 * (
            np.einsum("bij,bij->b", W1, W1) + np.einsum("bi,bi->b", w2, w2)
        )
        d_pre = d_score[:, :, None] * w2[:, None, :] * (1.0 - hidden * hidden)  # (B, n, h)
        grad = np.empty_like(t)
        grad[:, : d * h] = (X.T @ d_pre - l2 * W1).reshape(len(t), -1)
        grad[:, d * h : d * h + h] = d_pre.sum(axis=1)
        grad[:, d * h + h : d * h + 2 * h] = (d_score[:, None, :] @ hidden)[:, 0] - l2 * w2
        grad[:, -1] = d_score.sum(axis=1)
        return _squeeze(value, grad, theta)

    return fun


def mlp_input_gradient(theta: Array, X: Array, shapes: MLPShapes, *, classify: bool) -> Array:
    """∂prediction/∂input for each row, shape (n, d); the prediction is the probability of the
    positive class for a classifier and the output itself for a regressor. ``theta`` is (size,)."""
    t = np.atleast_2d(theta)
    W1, _, w2, _ = shapes.unpack(t)
    hidden, score = mlp_forward(t, X, shapes)
    d_out = (1.0 - hidden[0] ** 2) * w2[0]  # (n, h)
    grad = d_out @ W1[0].T
    if classify:
        p = expit(score[0])
        grad *= (p * (1.0 - p))[:, None]
    return grad
