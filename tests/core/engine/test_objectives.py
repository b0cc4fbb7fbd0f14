"""Every objective's gradient against central finite differences, single and batched."""

import numpy as np
import pytest

from pga_core.engine import (
    MLPShapes,
    check_gradient,
    make_logistic,
    make_logistic_curvature,
    make_mlp,
    make_ridge,
    make_ridge_gram,
    make_ridge_products,
    ridge_gram,
)

RNG = np.random.default_rng(11)
N, D, HIDDEN = 40, 4, 3
X = RNG.normal(size=(N, D))
Y_REAL = X @ RNG.normal(size=D) + RNG.normal(size=N)
Y_BINARY = (Y_REAL > 0).astype(float)
WEIGHTS = RNG.uniform(0.1, 3.0, size=N)
SHAPES = MLPShapes(D, HIDDEN)

OBJECTIVES = {
    "ridge": (make_ridge(X, Y_REAL, WEIGHTS, 0.3), D),
    "ridge_gram": (make_ridge_gram(ridge_gram(X, Y_REAL, WEIGHTS), 0.3), D),
    "ridge_products": (make_ridge_products(X, Y_REAL, WEIGHTS, 0.3), D),
    "logistic": (make_logistic(X, Y_BINARY, WEIGHTS, 0.3), D + 1),
    "mlp_regression": (make_mlp(X, Y_REAL, WEIGHTS, 0.1, SHAPES, classify=False), SHAPES.size),
    "mlp_classifier": (make_mlp(X, Y_BINARY, WEIGHTS, 0.1, SHAPES, classify=True), SHAPES.size),
}


@pytest.mark.parametrize("name", OBJECTIVES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_central_differences(name, seed):
    fun, size = OBJECTIVES[name]
    theta = np.random.default_rng(seed).normal(size=size)
    analytic, numeric = check_gradient(fun, theta)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_batch_evaluation_equals_one_problem_at_a_time(name):
    fun, size = OBJECTIVES[name]
    thetas = np.random.default_rng(3).normal(size=(5, size))
    values, grads = fun(thetas)
    for theta, value, grad in zip(thetas, values, grads, strict=True):
        single_value, single_grad = fun(theta)
        assert value == pytest.approx(single_value, rel=1e-12)
        np.testing.assert_allclose(grad, single_grad, rtol=1e-12, atol=1e-14)


def test_gram_form_equals_the_row_form_of_ridge():
    w = np.random.default_rng(4).normal(size=(3, D))
    by_rows = make_ridge(X, Y_REAL, WEIGHTS, 0.3)(w)
    by_gram = make_ridge_gram(ridge_gram(X, Y_REAL, WEIGHTS), 0.3)(w)
    np.testing.assert_allclose(by_rows[0], by_gram[0], rtol=1e-12)
    np.testing.assert_allclose(by_rows[1], by_gram[1], rtol=1e-10, atol=1e-12)


def gram_form(X_, y_, weights, l2):
    return make_ridge_gram(ridge_gram(X_, y_, weights), l2)


@pytest.mark.parametrize("make", [make_ridge_products, gram_form], ids=["products", "gram"])
def test_moment_forms_of_many_weight_rows_equal_the_row_form(make):
    rows = np.random.default_rng(13).integers(0, 4, size=(6, N)).astype(float)
    rows[:, 0] += 1
    shifted = X + 50.0  # far from zero, as raw inputs can be
    w = np.random.default_rng(14).normal(size=(6, D))
    values, grads = make(shifted, Y_REAL, rows, 0.3)(w)
    for b, row in enumerate(rows):
        value, grad = make_ridge(shifted, Y_REAL, row, 0.3)(w[b])
        assert values[b] == pytest.approx(value, rel=1e-9)
        np.testing.assert_allclose(grads[b], grad, rtol=1e-8, atol=1e-9)


def test_gram_statistics_of_many_weight_rows_equal_one_row_at_a_time():
    rows = np.random.default_rng(12).integers(0, 4, size=(6, N)).astype(float)
    rows[:, 0] += 1
    shifted = X + 50.0  # far from zero, as raw inputs can be
    batch = ridge_gram(shifted, Y_REAL, rows)
    assert batch.gram.shape == (6, D, D)
    for b, row in enumerate(rows):
        alone = ridge_gram(shifted, Y_REAL, row)
        for field in ("gram", "cross", "y_var", "x_mean", "y_mean"):
            np.testing.assert_allclose(
                getattr(batch, field)[b], getattr(alone, field)[0], rtol=1e-9, atol=1e-10
            )


def test_ridge_value_is_the_documented_formula_with_the_best_intercept():
    w = np.random.default_rng(5).normal(size=D)
    total = WEIGHTS.sum()
    intercept = (WEIGHTS @ (Y_REAL - X @ w)) / total  # the best b for this w
    residual = Y_REAL - X @ w - intercept
    expected = -(WEIGHTS @ residual**2) / (2 * total) - 0.15 * w @ w
    assert make_ridge(X, Y_REAL, WEIGHTS, 0.3)(w)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "name", ["ridge", "ridge_products", "logistic", "mlp_regression", "mlp_classifier"]
)
def test_batched_weight_rows_equal_separate_problems(name):
    rows = np.random.default_rng(6).integers(0, 3, size=(4, N)).astype(float)
    rows[:, 0] += 1  # every row keeps some weight
    y = Y_BINARY if name in ("logistic", "mlp_classifier") else Y_REAL
    build = {
        "ridge": lambda s: make_ridge(X, y, s, 0.3),
        "ridge_products": lambda s: make_ridge_products(X, y, s, 0.3),
        "logistic": lambda s: make_logistic(X, y, s, 0.3),
        "mlp_regression": lambda s: make_mlp(X, y, s, 0.1, SHAPES, classify=False),
        "mlp_classifier": lambda s: make_mlp(X, y, s, 0.1, SHAPES, classify=True),
    }[name]
    size = OBJECTIVES[name][1]
    thetas = np.random.default_rng(7).normal(size=(4, size))
    values, grads = build(rows)(thetas)
    for theta, s, value, grad in zip(thetas, rows, values, grads, strict=True):
        alone = build(s)(theta)
        assert value == pytest.approx(alone[0], rel=1e-12)
        np.testing.assert_allclose(grad, alone[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["ridge", "logistic", "mlp_classifier"])
def test_integer_weights_equal_repeated_rows(name):
    counts = np.random.default_rng(8).integers(0, 4, size=N)
    counts[0] = 1
    repeated = np.repeat(np.arange(N), counts)
    y = Y_BINARY if name != "ridge" else Y_REAL
    build = {
        "ridge": lambda X_, y_, s: make_ridge(X_, y_, s, 0.3),
        "logistic": lambda X_, y_, s: make_logistic(X_, y_, s, 0.3),
        "mlp_classifier": lambda X_, y_, s: make_mlp(X_, y_, s, 0.1, SHAPES, classify=True),
    }[name]
    theta = np.random.default_rng(9).normal(size=OBJECTIVES[name][1])
    weighted = build(X, y, counts.astype(float))(theta)
    expanded = build(X[repeated], y[repeated], np.ones(len(repeated)))(theta)
    assert weighted[0] == pytest.approx(expanded[0], rel=1e-12)
    np.testing.assert_allclose(weighted[1], expanded[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("where", "weights"),
    [("anywhere", WEIGHTS), ("at_a_start", WEIGHTS), ("at_a_start", np.ones(N))],
)
def test_logistic_hessian_matches_differences_of_the_gradient(where, weights):
    fun = make_logistic(X, Y_BINARY, weights, 0.3)
    theta = np.random.default_rng(10).normal(size=D + 1)
    if where == "at_a_start":  # no weight on any input: every row has the same probability
        theta[:-1] = 0.0
    eps = 1e-6
    numeric = np.empty((D + 1, D + 1))
    for i in range(D + 1):
        shift = np.zeros(D + 1)
        shift[i] = eps
        numeric[:, i] = -(fun(theta + shift)[1] - fun(theta - shift)[1]) / (2 * eps)
    analytic = make_logistic_curvature(X, weights, 0.3)(theta)[0]
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)
