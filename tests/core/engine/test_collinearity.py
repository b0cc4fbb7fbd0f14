"""Collinear inputs: variance inflation against a direct reference, and what is left out."""

from __future__ import annotations

import numpy as np
import pytest

from pga_core.engine import VIF_LIMIT, collinear_columns, variance_inflation


def reference_vif(X):
    """1 / (1 − r²) of each column regressed on the others (with an intercept), by lstsq."""
    n, d = X.shape
    out = []
    for j in range(d):
        others = np.column_stack([np.ones(n), np.delete(X, j, axis=1)])
        fitted = others @ np.linalg.lstsq(others, X[:, j], rcond=None)[0]
        residual = X[:, j] - fitted
        r2 = 1 - residual @ residual / np.sum((X[:, j] - X[:, j].mean()) ** 2)
        out.append(1 / (1 - r2))
    return np.array(out)


@pytest.fixture
def zones():
    rng = np.random.default_rng(0)
    parts = rng.gamma(2.0, 5.0, size=(400, 5))
    return parts, rng.normal(size=400)


def test_variance_inflation_matches_regressions_on_the_others():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(300, 3))
    X = np.column_stack([base, base @ [0.5, -0.2, 0.1] + rng.normal(0, 0.3, 300)]) * [1, 10, 3, 7]
    np.testing.assert_allclose(variance_inflation(X), reference_vif(X), rtol=1e-9)


def test_an_exact_sum_is_found_and_the_sum_is_what_goes(zones):
    parts, noise = zones
    workout = parts.sum(axis=1)  # workout minutes: exactly the sum of the zone minutes
    X = np.column_stack([parts[:, :2], workout, parts[:, 2:], noise])
    check = collinear_columns(X)
    assert np.isinf(check.vif[:6]).all()
    assert check.vif[6] == pytest.approx(reference_vif(X[:, [0, 1, 3, 4, 5, 6]])[-1], rel=1e-6)
    assert np.isinf(check.condition)
    assert check.redundant == (2,)
    assert check.kept == (0, 1, 3, 4, 5, 6)
    assert set(check.explained_by[2]) == {0, 1, 3, 4, 5}  # the zones, not the noise
    assert check.r2[2] == pytest.approx(1.0)
    assert check.collinear
    assert (variance_inflation(X[:, list(check.kept)]) < VIF_LIMIT).all()


def test_a_near_combination_goes_and_unrelated_inputs_stay():
    rng = np.random.default_rng(2)
    a, b, c = rng.normal(size=(3, 500))
    near = 2 * a - b + rng.normal(0, 0.05, 500)
    check = collinear_columns(np.column_stack([a, b, c, near]))
    assert len(check.redundant) == 1
    assert check.redundant[0] in (0, 1, 3)
    assert 2 not in check.explained_by[check.redundant[0]]
    assert 0.99 < check.r2[check.redundant[0]] < 1
    fine = collinear_columns(np.column_stack([a, b, c]))
    assert fine.redundant == ()
    assert not fine.collinear
    assert fine.condition == pytest.approx(np.sqrt(np.linalg.cond(np.corrcoef([a, b, c]))))


def test_kept_inputs_are_never_left_out_and_a_constant_one_is(zones):
    parts, _ = zones
    X = np.column_stack([parts, parts.sum(axis=1)])
    check = collinear_columns(X, keep=[5])
    assert 5 not in check.redundant
    assert len(check.redundant) == 1
    constant = collinear_columns(np.column_stack([parts[:, :2], np.full(400, 3.0)]))
    assert constant.redundant == (2,)
    assert constant.r2[2] == 1.0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="expected a 2-d array"):
        collinear_columns(np.zeros(5))
    with pytest.raises(ValueError, match="VIF limit must be above 1"):
        collinear_columns(np.zeros((5, 2)), limit=1)
