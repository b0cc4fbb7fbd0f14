"""The gradient-ascent routine on problems with known maximisers."""

import numpy as np
import pytest

from pga_core.engine import DivergenceError, check_gradient, gradient_ascent


def concave_quadratic(A: np.ndarray, b: np.ndarray):
    """f(x) = bᵀx − ½ xᵀAx, maximised at A⁻¹b; works for x (d,) and (B, d)."""

    def fun(x):
        Ax = x @ A
        return x @ b - 0.5 * np.sum(x * Ax, axis=-1), b - Ax

    return fun


def ill_conditioned(d: int, condition: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return (Q * np.geomspace(1.0, condition, d)) @ Q.T


def negative_rosenbrock(x):
    """−Rosenbrock: maximum 0 at (1, 1); a curved, badly scaled valley."""
    a, b = x[..., 0], x[..., 1]
    value = -((1 - a) ** 2 + 100 * (b - a * a) ** 2)
    grad = np.stack([2 * (1 - a) + 400 * a * (b - a * a), -200 * (b - a * a)], axis=-1)
    return value, grad


@pytest.mark.parametrize("condition", [1.0, 1e2, 1e4])
def test_accelerated_ascent_finds_the_maximiser_of_a_quadratic(condition):
    A = ill_conditioned(8, condition, seed=1)
    b = np.random.default_rng(2).normal(size=8)
    result = gradient_ascent(concave_quadratic(A, b), np.zeros(8), max_iter=20000, tol=1e-12)
    expected = np.linalg.solve(A, b)
    best = 0.5 * b @ expected
    assert result.converged
    # Without a preconditioner the gap estimate can be low by up to the condition number.
    assert (best - result.value) / best <= 1e-12 * condition
    np.testing.assert_allclose(result.x, expected, atol=1e-6 * condition)
    assert np.all(np.diff(result.history) >= 0)
    assert len(result.history) == result.n_iter + 1


def test_exact_newton_preconditioner_converges_in_one_step():
    A = ill_conditioned(6, 1e6, seed=3)
    b = np.arange(6.0)
    P = np.linalg.inv(A)
    result = gradient_ascent(concave_quadratic(A, b), np.zeros(6), precondition=lambda _: P)
    assert result.converged
    assert result.n_iter == 1
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), rtol=1e-8)


def test_quasi_newton_memory_on_top_of_a_preconditioner_solves_an_ill_conditioned_quadratic():
    A = ill_conditioned(12, 1e5, seed=7)
    b = np.ones(12)
    rough = np.diag(1.0 / np.diag(A))  # only the diagonal of the curvature
    fun = concave_quadratic(A, b)
    result = gradient_ascent(fun, np.zeros(12), precondition=rough, memory=12, max_iter=5000)
    plain = gradient_ascent(fun, np.zeros(12), max_iter=5000)
    assert result.converged
    assert result.n_iter < plain.n_iter / 4  # scipy's L-BFGS-B needs about as many as ours
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), rtol=1e-3, atol=1e-3)


def test_quasi_newton_memory_solves_a_curved_valley():
    result = gradient_ascent(negative_rosenbrock, np.array([-1.2, 1.0]), memory=8, max_iter=500)
    assert result.converged
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-4)
    assert np.all(np.diff(result.history) >= 0)


def test_batch_gives_each_problem_its_own_answer_as_if_solved_alone():
    A = ill_conditioned(5, 1e3, seed=4)
    rng = np.random.default_rng(5)
    B = rng.normal(size=(7, 5))

    def batch_fun(x):  # problem i maximises b_iᵀx − ½ xᵀAx
        Ax = x @ A
        return np.sum(x * B, axis=1) - 0.5 * np.sum(x * Ax, axis=1), B - Ax

    batch = gradient_ascent(batch_fun, np.zeros((7, 5)), max_iter=5000)
    assert batch.x.shape == (7, 5)
    assert batch.history.shape[0] == 7
    for i in range(7):
        alone = gradient_ascent(concave_quadratic(A, B[i]), np.zeros(5), max_iter=5000)
        np.testing.assert_allclose(batch.x[i], alone.x, rtol=1e-12, atol=1e-12)
        assert batch.n_iter[i] == alone.n_iter
        np.testing.assert_allclose(batch.history[i, : alone.n_iter + 1], alone.history)


def test_stopping_rule_bounds_the_objective_gap():
    A = ill_conditioned(10, 1e3, seed=6)
    b = np.ones(10)
    best = 0.5 * b @ np.linalg.solve(A, b)
    for tol in (1e-6, 1e-10):
        result = gradient_ascent(
            concave_quadratic(A, b), np.zeros(10), precondition=np.linalg.inv(A), tol=tol
        )
        assert (best - result.value) / abs(best) <= tol


def test_absurd_fixed_step_is_reported_as_divergence():
    A = np.diag([1.0, 10.0])
    with pytest.raises(DivergenceError, match="fixed step 1000"):
        gradient_ascent(concave_quadratic(A, np.ones(2)), np.zeros(2), step=1e3, max_iter=1000)


def test_moderately_too_large_fixed_step_is_reported_as_divergence():
    A = np.diag([1.0, 10.0])
    with pytest.raises(DivergenceError, match="diverged"):
        gradient_ascent(concave_quadratic(A, np.ones(2)), np.zeros(2), step=0.25, max_iter=1000)


def test_wrong_gradient_is_detected_by_the_line_search():
    def wrong(x):
        return -np.sum(x * x), 2 * x + 1.0  # the true gradient is −2x

    with pytest.raises(DivergenceError, match=r"gradient .* may be wrong"):
        gradient_ascent(wrong, np.ones(3), max_iter=50)


def test_unbounded_objective_is_reported():
    with pytest.raises(DivergenceError, match=r"bounded above|grew beyond"):
        gradient_ascent(lambda x: (np.sum(x), np.ones_like(x)), np.zeros(2), max_iter=2000)


def test_non_finite_start_and_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match="not finite at the starting point"):
        gradient_ascent(lambda x: (np.nan, x), np.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        gradient_ascent(lambda x: (0.0, x), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="not a callable"):
        gradient_ascent(lambda x: (0.0, x), np.zeros(2), memory=3, precondition=lambda x: np.eye(2))


def test_check_gradient_matches_central_differences():
    x = np.array([0.3, -0.7])
    analytic, numeric = check_gradient(negative_rosenbrock, x)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6)
