"""Goal models against scikit-learn's solvers, closed forms and finite differences."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from pga_core.engine import (
    LinearGoalModel,
    LogisticGoalModel,
    PerceptronGoalClassifier,
    PerceptronGoalModel,
    block_bootstrap_counts,
    bootstrap_coefs,
    make_logistic,
    make_ridge,
)

L2 = 1e-3


def design(n, d, *, seed, correlated=False, constant=False):
    """Standardised-scale inputs; optionally two nearly collinear columns and a constant one."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if correlated:
        X[:, 1] = X[:, 0] + 0.01 * rng.normal(size=n)
        X[:, 2] = 0.5 * X[:, 0] - 0.5 * X[:, 1] + 0.01 * rng.normal(size=n)
    if constant:
        X[:, -1] = 2.5
    w = rng.normal(size=d)
    return X, X @ w + rng.normal(size=n), rng


CASES = {
    "plain": {"n": 365, "d": 10, "seed": 0},
    "correlated": {"n": 365, "d": 10, "seed": 1, "correlated": True},
    "constant_column": {"n": 200, "d": 6, "seed": 2, "constant": True},
    "tall": {"n": 1825, "d": 40, "seed": 3, "correlated": True},
}


def case(name, *, weighted):
    X, y, rng = design(**CASES[name])
    weights = rng.uniform(0.2, 4.0, size=len(X)) if weighted else np.ones(len(X))
    return X, y, weights


def test_correlated_cases_are_ill_conditioned():
    X, _, _ = case("correlated", weighted=False)
    assert np.linalg.cond(np.corrcoef(X, rowvar=False)) > 1e3


def ridge_reference(X, y, weights):
    return Ridge(alpha=weights.sum() * L2, solver="cholesky").fit(X, y, sample_weight=weights)


def logistic_reference(X, y, weights):
    return LogisticRegression(
        C=1 / (weights.sum() * L2), solver="newton-cholesky", tol=1e-14, max_iter=1000
    ).fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_linear_default_tolerance_reaches_a_relative_gap_of_1e8(name, weighted):
    X, y, weights = case(name, weighted=weighted)
    model = LinearGoalModel(l2=L2).fit(X, y, sample_weight=weights)
    # Closed form: (Xcᵀ S Xc + S·l2·I) w = Xcᵀ S yc with weighted centring.
    total = weights.sum()
    Xc = X - weights @ X / total
    yc = y - weights @ y / total
    w_star = np.linalg.solve(
        Xc.T @ (weights[:, None] * Xc) + total * L2 * np.eye(X.shape[1]), Xc.T @ (weights * yc)
    )
    objective = make_ridge(X, y, weights, L2)
    best, ours = objective(w_star)[0], objective(model.coef_)[0]
    assert (best - ours) / abs(best) <= 1e-8
    assert model.converged_


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_default_tolerance_reaches_a_relative_gap_of_1e8(name, weighted):
    X, y, weights = case(name, weighted=weighted)
    labels = (y > np.median(y)).astype(int)
    model = LogisticGoalModel(l2=L2).fit(X, labels, sample_weight=weights)
    reference = logistic_reference(X, labels, weights)
    objective = make_logistic(X, labels.astype(float), weights, L2)
    best = objective(np.r_[reference.coef_[0], reference.intercept_])[0]
    ours = objective(np.r_[model.coef_, model.intercept_])[0]
    assert (best - ours) / abs(best) <= 1e-8


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_tight_tolerance_gives_scikit_learns_coefficients(name, weighted):
    X, y, weights = case(name, weighted=weighted)
    ridge = LinearGoalModel(l2=L2, tol=1e-14).fit(X, y, sample_weight=weights)
    reference = ridge_reference(X, y, weights)
    scale = np.abs(reference.coef_).max()
    np.testing.assert_allclose(ridge.coef_, reference.coef_, atol=1e-6 * scale, rtol=0)
    assert ridge.intercept_ == pytest.approx(reference.intercept_, abs=1e-6 * scale)

    labels = (y > np.median(y)).astype(int)
    logistic = LogisticGoalModel(l2=L2, tol=1e-14).fit(X, labels, sample_weight=weights)
    reference = logistic_reference(X, labels, weights)
    scale = np.abs(reference.coef_).max()
    np.testing.assert_allclose(logistic.coef_, reference.coef_[0], atol=1e-6 * scale, rtol=0)
    assert logistic.intercept_ == pytest.approx(reference.intercept_[0], abs=1e-6 * scale)


@pytest.mark.parametrize("model", [LinearGoalModel(), LogisticGoalModel()])
def test_convex_history_never_decreases_and_refits_are_identical(model):
    X, y, rng = design(300, 8, seed=4, correlated=True)
    target = y if isinstance(model, LinearGoalModel) else (y > 0).astype(int)
    weights = rng.uniform(0.5, 2.0, size=len(X))
    first = model.fit(X, target, sample_weight=weights)
    history, coef = first.objective_history_.copy(), first.coef_.copy()
    assert np.all(np.diff(history) >= 0)
    assert len(history) == first.n_iter_ + 1
    again = model.fit(X, target, sample_weight=weights)
    np.testing.assert_array_equal(again.coef_, coef)
    np.testing.assert_array_equal(again.objective_history_, history)


@pytest.mark.parametrize("model", [LinearGoalModel(), LogisticGoalModel()])
def test_bootstrap_batch_equals_each_resample_fitted_alone(model):
    X, y, _ = design(250, 6, seed=5, correlated=True)
    target = y if isinstance(model, LinearGoalModel) else (y > 0).astype(int)
    counts = block_bootstrap_counts(len(X), 12, block=7, random_state=1)
    batch = bootstrap_coefs(model.set_params(tol=1e-14), X, target, counts=counts)
    assert batch.shape == (12, 6)
    for draw, row in zip(counts, batch, strict=True):
        alone = type(model)(tol=1e-14).fit(X, target, sample_weight=draw).coef_
        np.testing.assert_allclose(row, alone, atol=1e-6 * np.abs(alone).max(), rtol=0)


@pytest.mark.parametrize("model", [LinearGoalModel(), LogisticGoalModel()])
def test_bootstrap_batch_with_many_inputs_equals_each_resample_fitted_alone(model):
    # With many inputs the refits share one inverse Hessian and take quasi-Newton steps.
    X, y, _ = design(300, 24, seed=13, correlated=True)
    target = y if isinstance(model, LinearGoalModel) else (y > 0).astype(int)
    counts = block_bootstrap_counts(len(X), 8, block=7, random_state=4)
    batch = bootstrap_coefs(model.set_params(tol=1e-14), X, target, counts=counts)
    assert batch.shape == (8, 24)
    for draw, row in zip(counts, batch, strict=True):
        alone = type(model)(tol=1e-14).fit(X, target, sample_weight=draw).coef_
        np.testing.assert_allclose(row, alone, atol=1e-6 * np.abs(alone).max(), rtol=0)


def test_bootstrap_weights_act_like_repeated_rows():
    X, y, _ = design(120, 4, seed=6)
    counts = block_bootstrap_counts(len(X), 1, block=5, random_state=2)[0]
    rows = np.repeat(np.arange(len(X)), counts)
    weighted = LinearGoalModel(tol=1e-14).fit(X, y, sample_weight=counts)
    repeated = LinearGoalModel(tol=1e-14).fit(X[rows], y[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-9)


def test_bootstrap_interval_covers_a_planted_slope():
    rng = np.random.default_rng(7)
    n = 730
    x = np.cumsum(rng.normal(size=n)) * 0.1  # a persistent input
    x = (x - x.mean()) / x.std()
    noise = np.zeros(n)
    for t in range(1, n):  # AR(1) noise, as day-to-day data have
        noise[t] = 0.6 * noise[t - 1] + rng.normal()
    y = 1.5 * x + noise
    draws = bootstrap_coefs(LinearGoalModel(), x[:, None], y, n_boot=400, block=14)
    low, high = np.percentile(draws[:, 0], [2.5, 97.5])
    assert low < 1.5 < high
    assert high - low < 1.0


def test_perceptron_classifier_learns_xor_for_almost_every_seed():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    learned = 0
    for seed in range(20):
        p = PerceptronGoalClassifier(hidden=4, random_state=seed).fit(X, y).predict_proba(X)[:, 1]
        learned += bool(np.all(p[[0, 3]] < 0.1) and np.all(p[[1, 2]] > 0.9))
    assert learned >= 19


def test_perceptron_regressor_fits_a_smooth_nonlinear_curve():
    rng = np.random.default_rng(8)
    X = rng.uniform(-2, 2, size=(300, 1))
    y = np.sin(1.5 * X[:, 0]) + 0.05 * rng.normal(size=300)
    model = PerceptronGoalModel(hidden=6, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.98
    assert model.converged_


def numerical_input_gradient(predict, X, eps=1e-6):
    grad = np.empty_like(X)
    for j in range(X.shape[1]):
        shift = np.zeros(X.shape[1])
        shift[j] = eps
        grad[:, j] = (predict(X + shift) - predict(X - shift)) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    ("model", "predict"),
    [
        (LinearGoalModel(), "predict"),
        (LogisticGoalModel(), "predict_proba"),
        (PerceptronGoalModel(hidden=5, random_state=0), "predict"),
        (PerceptronGoalClassifier(hidden=5, random_state=0), "predict_proba"),
    ],
)
def test_input_gradient_matches_finite_differences(model, predict):
    X, y, _ = design(150, 3, seed=9)
    target = y if predict == "predict" else (y > 0).astype(int)
    model.fit(X, target)

    def output(Z):
        out = getattr(model, predict)(Z)
        return out[:, 1] if out.ndim == 2 else out

    np.testing.assert_allclose(
        model.input_gradient(X[:20]), numerical_input_gradient(output, X[:20]), atol=1e-6
    )


def test_perceptron_coef_is_the_average_marginal_effect():
    X, y, _ = design(200, 3, seed=10)
    model = PerceptronGoalModel(hidden=4, random_state=1).fit(X, y)
    np.testing.assert_allclose(model.coef_, model.input_gradient(X).mean(axis=0), rtol=1e-10)


def test_perceptron_bootstrap_agrees_with_ridge_on_a_linear_truth():
    X, _, rng = design(400, 2, seed=11)
    y = 2.0 * X[:, 0] - 1.0 * X[:, 1] + 0.3 * rng.normal(size=400)
    counts = block_bootstrap_counts(len(X), 40, block=7, random_state=0)
    draws = bootstrap_coefs(PerceptronGoalModel(hidden=3, random_state=0), X, y, counts=counts)
    reference = np.array([Ridge(alpha=1e-9).fit(X, y, sample_weight=c).coef_ for c in counts])
    assert draws.shape == (40, 2)
    np.testing.assert_allclose(draws.mean(axis=0), reference.mean(axis=0), atol=0.02)
    # A network is more flexible than a line, so its spread may be wider, but of the same order.
    ratio = draws.std(axis=0) / reference.std(axis=0)
    assert np.all((ratio > 0.5) & (ratio < 2.0))


def test_hitting_max_iter_warns():
    X, y, _ = design(100, 3, seed=12)
    with pytest.warns(ConvergenceWarning, match="did not converge in max_iter=1"):
        LogisticGoalModel(max_iter=1).fit(X, (y > 0).astype(int))
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        PerceptronGoalModel(max_iter=3, random_state=0).fit(X, y)


X_OK = np.arange(12.0).reshape(6, 2)
Y_OK = np.array([0.0, 1, 0, 1, 1, 0])


@pytest.mark.parametrize(
    "model",
    [
        LinearGoalModel(),
        LogisticGoalModel(),
        PerceptronGoalModel(max_iter=5),
        PerceptronGoalClassifier(max_iter=5),
    ],
)
@pytest.mark.parametrize(
    ("X", "y", "weights", "message"),
    [
        (np.where(X_OK == 3, np.nan, X_OK), Y_OK, None, "NaN"),
        (np.where(X_OK == 3, np.inf, X_OK), Y_OK, None, "infinity"),
        (X_OK, np.where(Y_OK == 1, np.nan, Y_OK), None, "NaN"),
        (X_OK[:1], Y_OK[:1], None, "1 sample"),
        (X_OK, Y_OK[:5], None, "inconsistent numbers of samples"),
        (X_OK, Y_OK, -np.ones(6), "must not be negative"),
        (X_OK, Y_OK, np.zeros(6), "sums to zero"),
        (X_OK, Y_OK, np.ones(4), "sample_weight must have shape"),
    ],
)
def test_bad_input_is_a_value_error_that_names_the_problem(model, X, y, weights, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match=message):
            model.fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("model", [LogisticGoalModel(), PerceptronGoalClassifier()])
def test_classifiers_refuse_a_single_class_and_more_than_two(model):
    with pytest.raises(ValueError, match="only one class"):
        model.fit(X_OK, np.zeros(6))
    with pytest.raises(ValueError, match="Only binary classification"):
        model.fit(X_OK, np.array([0, 1, 2, 0, 1, 2]))


def expected_failures(estimator):
    if isinstance(estimator, PerceptronGoalModel):
        # Weights and repeated rows define the same objective (tested in test_objectives), but the
        # objective is not convex: rounding differences between the two runs can end at points a
        # little apart, beyond this check's 1e-7 tolerance on predictions.
        return {"check_sample_weight_equivalence_on_dense_data": "non-convex objective"}
    return {}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [
        LinearGoalModel(),
        LogisticGoalModel(),
        # Smaller networks and budgets keep the conformance checks quick; they test the API.
        PerceptronGoalModel(hidden=3, n_init=1, max_iter=200, random_state=0),
        PerceptronGoalClassifier(hidden=3, n_init=1, max_iter=200, random_state=0),
    ],
    expected_failed_checks=expected_failures,
)
def test_scikit_learn_estimator_contract(estimator, check):
    check(estimator)
