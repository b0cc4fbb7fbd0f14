"""One fitted goal: its model, weights with intervals, walk-forward score and JSON form.

A goal of the tree (see :mod:`pga_core.goals`) is fitted on the days where its target and all its
inputs have a value: inputs standardised (``StandardScaler``), one of this project's goal models
(:mod:`pga_core.engine`) chosen by the goal's model and target, its per-input effects refitted on
the moving-block bootstrap resamples shared by the whole tree, and a walk-forward check
(``TimeSeriesSplit``) against predicting the training mean. Inputs that are (nearly) linear
combinations of the others on the goal's days (:func:`pga_core.engine.collinear_columns`) are left
out of its fit first, because "the effect of one, holding the others fixed" is then a number the
data do not determine; the fit records which, and what explains them. :class:`NodeFit` holds
the result and writes it — the goal model's hyper-parameters and learned attributes included — as
JSON (no pickle), so that a saved fit is restored without refitting.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import StandardScaler

from pga_core.data import Feature, max_lag_window, parse_feature
from pga_core.engine import (
    MIN_VALID_RESAMPLE_SHARE,
    Collinearity,
    LinearGoalModel,
    LogisticGoalModel,
    PerceptronGoalClassifier,
    PerceptronGoalModel,
    bootstrap_coefs,
    collinear_columns,
    percentile_interval,
)

__all__ = [
    "N_SPLITS",
    "PERCEPTRON_L2",
    "Combination",
    "NodeFit",
    "fit_node",
    "json_number",
]

Array = NDArray[np.float64]

#: Walk-forward evaluation: at most this many folds, fewer when the days do not allow it, and
#: never a training block shorter than MIN_TRAIN_ROWS (or TRAIN_ROWS_PER_INPUT per input).
N_SPLITS = 5
MIN_SPLITS = 2
MIN_TRAIN_ROWS = 20
TRAIN_ROWS_PER_INPUT = 5
#: Penalty of perceptron goals unless the tree sets one: daily data are noisy and a few hundred
#: days few, and the models' own default (made to learn XOR exactly) lets a perceptron chase the
#: noise — its average input gradients then swing from one resample to the next.
PERCEPTRON_L2 = 1e-2
#: Probabilities are kept this far from 0 and 1 when a log-loss is computed.
PROBABILITY_FLOOR = 1e-12
#: Newton steps (and tolerance) for a bootstrap logistic refit's intercept.
INTERCEPT_NEWTON_STEPS = 50
INTERCEPT_TOLERANCE = 1e-12


_ESTIMATORS = {
    ("linear", False): LinearGoalModel,
    ("logistic", True): LogisticGoalModel,
    ("perceptron", False): PerceptronGoalModel,
    ("perceptron", True): PerceptronGoalClassifier,
}


def _make_estimator(
    model: str, classify: bool, l2: float | None, random_state: int | None
) -> BaseEstimator:
    """A fresh goal model; a linear model on a yes/no target is a linear probability model."""
    estimator = _ESTIMATORS[model, classify]()
    if model == "perceptron":
        estimator.set_params(random_state=random_state, l2=PERCEPTRON_L2)
    if l2 is not None:
        estimator.set_params(l2=l2)
    return estimator


@dataclass(frozen=True)
class Combination:
    """An input left out of a goal's fit as a (near) linear combination of its other inputs.

    Attributes
    ----------
    input : its feature expression.
    explained_by : the kept inputs that explain it most (expressions, largest share first).
    r2 : the share of its variation on the goal's days that the kept inputs explain (1: exact).
    vif : its variance inflation factor among all the goal's inputs (inf: exact).
    """

    input: str
    explained_by: tuple[str, ...]
    r2: float
    vif: float

    def to_json(self) -> dict[str, Any]:
        """``{input, explained_by, r2, vif}`` (a VIF that is infinite is null)."""
        return {"input": self.input, "explained_by": list(self.explained_by),
                "r2": json_number(self.r2), "vif": json_number(self.vif)}  # fmt: skip

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Combination:
        """Back from :meth:`to_json`."""
        vif = document.get("vif")
        return cls(document["input"], tuple(document["explained_by"]),
                   float(document["r2"] if document["r2"] is not None else math.nan),
                   math.inf if vif is None else float(vif))  # fmt: skip


@dataclass(eq=False)
class NodeFit:
    """A fitted goal node: its model, weights with intervals, walk-forward score and rows.

    Attributes
    ----------
    name, target, model : the node, its target column and the model used.
    features : the parsed inputs, in order (d of them).
    classify : whether predictions are the chance of a yes.
    dates : DatetimeIndex (n,) — the days the node was fitted on.
    X : array (n, d) — the inputs on those days, in their own units; y : array (n,).
    mean, scale : arrays (d,) — the standardisation (``StandardScaler``) of the inputs on the
        node's days (what the model is trained on).
    sd : array (d,) — each input's standard deviation over every calendar day it has a value:
        the one "per SD" basis of the product (weights here, levers in
        :func:`~pga_core.goals.leverage`), so that one SD of an input means the same on every
        page, whichever goal it enters.
    estimator : the fitted goal model (on standardised inputs).
    effect_draws : array (B, d) — :attr:`effect` refitted on each bootstrap resample (NaN for
        a resample that leaves the node too few days).
    predicted_oos : array (n,) — walk-forward predictions (NaN on days never in a test block).
    score_name : ``r2`` (higher is better) or ``log_loss`` (lower is better).
    score_oos, score_baseline : the walk-forward score and that of predicting the training
        mean (the share of yes days for a yes/no target); None when the days are too few.
    gap : days left out between each training and test block; n_splits : folds used.
    notes : plain-language remarks (e.g. a model that did not fully converge).
    left_out : the goal's inputs left out of the fit as combinations of the others (their
        effects are in the weights of the inputs that explain them).
    """

    name: str
    target: str
    model: str
    features: list[Feature]
    classify: bool
    dates: pd.DatetimeIndex
    X: Array
    y: Array
    mean: Array
    scale: Array
    estimator: Any
    effect_draws: Array
    predicted_oos: Array
    score_name: str
    score_oos: float | None
    score_baseline: float | None
    gap: int
    n_splits: int
    notes: list[str] = field(default_factory=list)
    left_out: list[Combination] = field(default_factory=list)
    sd: Array | None = None

    def __post_init__(self) -> None:
        if self.sd is None:  # a fit saved before the basis was recorded: its own days
            self.sd = np.asarray(self.scale, dtype=np.float64)

    # -- the shared interface: predict, input gradient, change -------------------------------------
    def predict(self, X: Array) -> Array:
        """Predictions (the chance of a yes for a yes/no target), shape (n,), for inputs (n, d)
        in their own units."""
        standardised = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return _prediction(self.estimator, standardised, self.classify)

    def input_gradient(self, X: Array) -> Array:
        """∂prediction/∂input per unit of each input, shape (n, d)."""
        standardised = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return self.estimator.input_gradient(standardised) / self.scale

    def change(self, delta: Array) -> float:
        """Average of f(x + Δ) − f(x) over the node's days; ``delta`` is (d,) or (n, d)."""
        moved = self.X + np.broadcast_to(delta, self.X.shape)
        return float(np.mean(self.predict(moved) - self.predict(self.X)))

    @property
    def effect(self) -> Array:
        """Average change in the prediction per unit of each input, (d,): the weight of a linear
        node, the mean input gradient over the node's days otherwise."""
        return self.input_gradient(self.X).mean(axis=0)

    @property
    def predicted(self) -> Array:
        """In-sample predictions on the node's days, (n,)."""
        return self.predict(self.X)

    # -- what the pages show -----------------------------------------------------------------------
    @property
    def inputs(self) -> list[str]:
        """The input expressions, in order."""
        return [f.expression for f in self.features]

    @property
    def n_rows(self) -> int:
        """Days the node was fitted on."""
        return len(self.y)

    @property
    def weight_sd(self) -> Array:
        """Average change in the prediction per standard deviation of each input (over every
        day it has a value, :attr:`sd`), (d,)."""
        return self.effect * self.per_sd_basis

    @property
    def per_sd_basis(self) -> Array:
        """The standard deviation "per SD" refers to, (d,): :attr:`sd`."""
        return np.asarray(self.sd if self.sd is not None else self.scale, dtype=np.float64)

    @property
    def beats_baseline(self) -> bool | None:
        """Whether the walk-forward score beats predicting the training mean (None: unknown)."""
        if self.score_oos is None or self.score_baseline is None:
            return None
        if self.score_name == "log_loss":
            return self.score_oos < self.score_baseline
        return self.score_oos > self.score_baseline

    @property
    def verdict(self) -> str:
        """One plain sentence on the out-of-sample check."""
        what = "r²" if self.score_name == "r2" else "log-loss"
        if self.beats_baseline is None:
            return (
                f"Too few days ({self.n_rows}) to check {self.name!r} on days it was not "
                "trained on; treat its weights with extra care."
            )
        scores = f"{what} {self.score_oos:.3f} vs {self.score_baseline:.3f} for the mean"
        if self.beats_baseline:
            return (
                f"{self.name!r} predicts {self.target} on days it was not trained on better "
                f"than its training average does ({scores})."
            )
        return (
            f"{self.name!r} does not predict {self.target} on days it was not trained on any "
            f"better than its training average ({scores}): its weights describe the past, not a "
            "pattern to rely on."
        )

    def intervals(self) -> tuple[Array, Array]:
        """Per-unit effect interval bounds (low, high), each (d,), from the bootstrap draws;
        NaN when fewer than :data:`~pga_core.engine.MIN_VALID_RESAMPLE_SHARE` of them could be
        refitted (:attr:`notes` then says so)."""
        bounds = [percentile_interval(column) for column in np.asarray(self.effect_draws).T]
        low, high = np.array(bounds, dtype=np.float64).reshape(-1, 2).T
        return low, high

    def weights_table(self) -> pd.DataFrame:
        """One row per input: ``input, weight_sd, weight_unit, ci_low, ci_high`` (CI on the
        per-SD scale), ``unit_ci_low, unit_ci_high`` (per unit)."""
        low, high = self.intervals()
        return pd.DataFrame(
            {
                "node": self.name,
                "input": self.inputs,
                "weight_sd": self.weight_sd,
                "weight_unit": self.effect,
                "ci_low": low * self.per_sd_basis,
                "ci_high": high * self.per_sd_basis,
                "unit_ci_low": low,
                "unit_ci_high": high,
            }
        )

    def predictions_table(self) -> pd.DataFrame:
        """One row per day: ``date, actual, predicted, predicted_oos``."""
        return pd.DataFrame(
            {
                "date": self.dates,
                "actual": self.y,
                "predicted": self.predicted,
                "predicted_oos": self.predicted_oos,
            }
        )

    def history_table(self) -> pd.DataFrame:
        """The climb: ``iteration, objective`` of the final fit's gradient ascent."""
        history = np.asarray(self.estimator.objective_history_, dtype=np.float64)
        return pd.DataFrame({"iteration": np.arange(len(history)), "objective": history})

    # -- JSON --------------------------------------------------------------------------------------
    def to_json(self, *, include_state: bool = True) -> dict[str, Any]:
        """The contract's node object (``name, target, model, n_rows, score_oos, score_baseline,
        weights``) plus ``score_name, beats_baseline, verdict, gap_days, n_splits, notes`` and,
        with ``include_state``, what :meth:`from_json` needs under ``state``."""
        weights = self.weights_table().drop(columns="node")
        document: dict[str, Any] = {
            "name": self.name,
            "target": self.target,
            "model": self.model,
            "n_rows": self.n_rows,
            "score_oos": json_number(self.score_oos),
            "score_baseline": json_number(self.score_baseline),
            "weights": [
                {k: (v if k == "input" else json_number(v)) for k, v in row.items()}
                for row in weights.to_dict(orient="records")
            ],
            "score_name": self.score_name,
            "beats_baseline": self.beats_baseline,
            "verdict": self.verdict,
            "gap_days": self.gap,
            "n_splits": self.n_splits,
            "notes": list(self.notes),
            "left_out": [c.to_json() for c in self.left_out],
        }
        if include_state:
            document["state"] = {
                "classify": self.classify,
                "dates": [d.strftime("%Y-%m-%d") for d in self.dates],
                "X": _numbers(self.X),
                "y": _numbers(self.y),
                "mean": _numbers(self.mean),
                "scale": _numbers(self.scale),
                "sd": _numbers(self.per_sd_basis),
                "effect_draws": _numbers(self.effect_draws),
                "predicted_oos": _numbers(self.predicted_oos),
                "estimator": _estimator_state(self.estimator),
            }
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> NodeFit:
        """Restore a node written by :meth:`to_json` with its state (no refitting)."""
        state = document.get("state")
        if state is None:
            raise ValueError(
                f"fit result of goal {document.get('name')!r} holds no model state; "
                "fit the tree again"
            )
        d = len(document["weights"])
        return cls(
            name=document["name"],
            target=document["target"],
            model=document["model"],
            features=[parse_feature(w["input"]) for w in document["weights"]],
            classify=bool(state["classify"]),
            dates=pd.DatetimeIndex(pd.to_datetime(state["dates"]), name="date"),
            X=_array(state["X"]).reshape(-1, d),
            y=_array(state["y"]),
            mean=_array(state["mean"]),
            scale=_array(state["scale"]),
            sd=_array(state["sd"]) if "sd" in state else None,
            estimator=_restore_estimator(document["model"], state),
            effect_draws=_array(state["effect_draws"]).reshape(-1, d),
            predicted_oos=_array(state["predicted_oos"]),
            score_name=document["score_name"],
            score_oos=document["score_oos"],
            score_baseline=document["score_baseline"],
            gap=int(document["gap_days"]),
            n_splits=int(document["n_splits"]),
            notes=list(document.get("notes", [])),
            left_out=[Combination.from_json(c) for c in document.get("left_out", [])],
        )


def fit_node(
    name: str,
    target: str,
    inputs: tuple[str, ...],
    frame: pd.DataFrame,
    counts: NDArray[np.int64],
    *,
    model: str,
    classify: bool,
    l2: float | None,
    random_state: int | None,
    modelled: tuple[str, ...] = (),
) -> NodeFit:
    """Fit one goal on its complete days, with bootstrap draws and a walk-forward check.

    Parameters
    ----------
    name, target, inputs : the goal's name, the column it predicts and its feature expressions.
    frame : DataFrame, shape (n_days, n_columns) — every calendar day of the tree, with the
        target and each input expression as columns.
    counts : array of int, shape (n_boot, n_days) — each bootstrap resample's weight per day,
        shared by the whole tree.
    model : ``linear``, ``logistic`` or ``perceptron``; ``classify`` : whether the target is yes/no.
    l2 : the penalty, None for the model's default; ``random_state`` : the perceptron's seed.
    modelled : inputs a sub-goal models, never left out as combinations of the others.

    Returns
    -------
    NodeFit
        Fitted on the days with the target and all ``inputs``, without the inputs that are
        (nearly) linear combinations of the others there (:attr:`NodeFit.left_out`).
    """
    data = frame[[target, *inputs]]
    complete = data.notna().all(axis=1).to_numpy()
    check = collinear_columns(
        data.loc[complete, list(inputs)].to_numpy(dtype=np.float64),
        keep=[j for j, e in enumerate(inputs) if e in modelled],
    )
    left_out = _combinations(inputs, check)
    inputs = tuple(inputs[j] for j in check.kept)
    X = data.loc[complete, list(inputs)].to_numpy(dtype=np.float64)
    y = data.loc[complete, target].to_numpy(dtype=np.float64)
    estimator = _make_estimator(model, classify, l2, random_state)
    scaler = StandardScaler().fit(X)
    standardised = scaler.transform(X)
    gap = max_lag_window(inputs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(standardised, y)
        draws_sd = _bootstrap_effects(estimator, standardised, y, counts[:, complete], classify)
        oos, score, baseline, n_splits = _walk_forward(estimator, X, y, gap, classify)
    return NodeFit(
        name=name,
        target=target,
        model=model,
        features=[parse_feature(e) for e in inputs],
        classify=classify,
        dates=pd.DatetimeIndex(frame.index[complete], name="date"),
        X=X,
        y=y,
        mean=scaler.mean_,
        scale=scaler.scale_,
        sd=frame[list(inputs)].std().to_numpy(dtype=np.float64),
        estimator=estimator,
        effect_draws=draws_sd / scaler.scale_,
        predicted_oos=oos,
        score_name="log_loss" if classify else "r2",
        score_oos=score,
        score_baseline=baseline,
        gap=gap,
        n_splits=n_splits,
        notes=_convergence_notes(name, caught) + _resample_notes(name, draws_sd, classify),
        left_out=left_out,
    )


def _combinations(inputs: tuple[str, ...], check: Collinearity) -> list[Combination]:
    """The inputs the collinearity check leaves out, with what explains each."""
    return [
        Combination(
            input=inputs[j],
            explained_by=tuple(inputs[i] for i in check.explained_by[j]),
            r2=check.r2[j],
            vif=float(check.vif[j]),
        )
        for j in check.redundant
    ]


def _prediction(estimator: Any, standardised: Array, classify: bool) -> Array:
    """What a goal model predicts: the value, or the chance of a yes. Shape (n,)."""
    if classify:
        return estimator.predict_proba(standardised)[:, 1]
    return estimator.predict(standardised)


def _convergence_notes(name: str, caught: list[warnings.WarningMessage]) -> list[str]:
    """A plain note when some fit did not converge; any other warning is passed on."""
    for each in caught:
        if not issubclass(each.category, ConvergenceWarning):
            warnings.warn_explicit(each.message, each.category, each.filename, each.lineno)
    if not any(issubclass(each.category, ConvergenceWarning) for each in caught):
        return []
    return [
        f"The gradient ascent of {name!r} did not fully converge on every fit; its weights may "
        "be slightly off."
    ]


def _resample_notes(name: str, draws: Array, classify: bool) -> list[str]:
    """A plain note when too few resamples could be refitted for the weights to have intervals."""
    n_boot = len(draws)
    valid = int(np.isfinite(draws).all(axis=1).sum())
    if n_boot == 0 or valid >= MIN_VALID_RESAMPLE_SHARE * n_boot:
        return []
    days = "enough days, yes and no days among them," if classify else "enough days"
    return [
        f"Only {valid} of {n_boot} bootstrap resamples left {name!r} {days} to refit (at least "
        f"{100 * MIN_VALID_RESAMPLE_SHARE:g} % are needed), so its weights have no intervals."
    ]


def _bootstrap_effects(
    estimator: Any, X: Array, y: Array, counts: NDArray[np.int64], classify: bool
) -> Array:
    """Per-input effects (standardised) for each resample, (B, d); NaN where a resample leaves
    too few days (or a single class) to refit."""
    n_boot, d = len(counts), X.shape[1]
    draws = np.full((n_boot, d), np.nan)
    usable = (counts > 0).sum(axis=1) >= d + 2
    if classify:
        usable &= ((counts * y) > 0).any(axis=1) & ((counts * (1.0 - y)) > 0).any(axis=1)
    if not usable.any():
        return draws
    kept = counts[usable]
    coefs = bootstrap_coefs(estimator, X, y, counts=kept)
    if isinstance(estimator, LogisticGoalModel):
        coefs = _logistic_marginal_effects(coefs, X, y, kept.astype(np.float64))
    draws[usable] = coefs
    return draws


def _logistic_marginal_effects(coefs: Array, X: Array, y: Array, counts: Array) -> Array:
    """Average ∂P(yes)/∂input of each logistic refit, (B, d), from its weights (B, d).

    A refit's intercept is not returned by the bootstrap, but it is the unpenalised root of
    Σ cᵢ (yᵢ − σ(xᵢ·w + b)) = 0 given its weights, found here by Newton's method.
    """
    scores = coefs @ X.T
    total = counts.sum(axis=1)
    rate = np.clip(counts @ y / total, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    intercept = logit(rate)
    for _ in range(INTERCEPT_NEWTON_STEPS):
        p = expit(scores + intercept[:, None])
        step = (counts * (y - p)).sum(axis=1) / (counts * p * (1.0 - p)).sum(axis=1)
        intercept += step
        if np.max(np.abs(step)) < INTERCEPT_TOLERANCE:
            break
    p = expit(scores + intercept[:, None])
    slope = (counts * p * (1.0 - p)).sum(axis=1) / total
    return slope[:, None] * coefs


def _walk_forward(
    estimator: Any, X: Array, y: Array, gap: int, classify: bool
) -> tuple[Array, float | None, float | None, int]:
    """Walk-forward predictions, their pooled score and the training-mean baseline's.

    Each fold standardises on its training block, fits, and predicts the test block after
    ``gap`` left-out days. Returns (predictions (n,) with NaN outside test blocks, score,
    baseline score, folds used); the scores are None when no fold fits.
    """
    n, d = X.shape
    predicted = np.full(n, np.nan)
    baseline = np.full(n, np.nan)
    min_train = max(MIN_TRAIN_ROWS, TRAIN_ROWS_PER_INPUT * d)
    splits = range(N_SPLITS, MIN_SPLITS - 1, -1)
    n_splits = next((s for s in splits if n - s * (n // (s + 1)) - gap >= min_train), 0)
    if n_splits == 0:
        return predicted, None, None, 0
    for train, test in TimeSeriesSplit(n_splits=n_splits, gap=gap).split(X):
        if classify and len(np.unique(y[train])) < 2:
            continue
        scaler = StandardScaler().fit(X[train])
        fold = clone(estimator).fit(scaler.transform(X[train]), y[train])
        predicted[test] = _prediction(fold, scaler.transform(X[test]), classify)
        baseline[test] = y[train].mean()
    tested = ~np.isnan(predicted)
    if not tested.any():
        return predicted, None, None, n_splits
    score = _log_loss if classify else _r2
    return (
        predicted,
        score(y[tested], predicted[tested]),
        score(y[tested], baseline[tested]),
        n_splits,
    )


def _r2(actual: Array, predicted: Array) -> float:
    """1 − SSE / SST over the pooled test days (SST around their own mean)."""
    total = np.sum((actual - actual.mean()) ** 2)
    return float(1.0 - np.sum((actual - predicted) ** 2) / total) if total > 0 else math.nan


def _log_loss(actual: Array, probability: Array) -> float:
    """Mean negative log-likelihood (nats) of yes/no outcomes."""
    p = np.clip(probability, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)
    return float(-np.mean(actual * np.log(p) + (1.0 - actual) * np.log1p(-p)))


# --- JSON helpers -------------------------------------------------------------------------------
def json_number(value: Any) -> float | None:
    """A JSON-safe float: None for missing or non-finite values (NaN, infinity)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _numbers(values: Array) -> list:
    """A (nested) list of JSON-safe floats."""
    array = np.asarray(values, dtype=np.float64)
    # None is a valid object cell, though numpy's stubs only take arrays and numbers here.
    return np.where(np.isfinite(array), array, None).tolist()  # type: ignore[call-overload]


def _array(values: Any) -> Array:
    """Back from :func:`_numbers`: None becomes NaN."""
    return np.array(values, dtype=np.float64)


_ESTIMATOR_CLASSES = {cls.__name__: cls for cls in _ESTIMATORS.values()}


def _estimator_state(estimator: Any) -> dict[str, Any]:
    """A goal model's hyper-parameters and learned attributes as JSON."""
    learned = {}
    for key, value in vars(estimator).items():
        if not key.endswith("_"):
            continue
        if isinstance(value, np.ndarray):
            learned[key] = {"array": _numbers(value)}
        elif isinstance(value, np.generic):
            learned[key] = value.item()
        else:
            learned[key] = value
    return {"class": type(estimator).__name__, "params": estimator.get_params(), "learned": learned}


def _restore_estimator(model: str, state: dict[str, Any]) -> Any:
    """A fitted goal model back from :func:`_estimator_state` (only our own model classes)."""
    saved = state["estimator"]
    cls = _ESTIMATOR_CLASSES.get(saved.get("class"))
    if cls is None:
        raise ValueError(
            f"fit result: unknown model class {saved.get('class')!r} for a {model} goal"
        )
    estimator = cls(**saved["params"])
    for key, value in saved["learned"].items():
        setattr(estimator, key, _array(value["array"]) if isinstance(value, dict) else value)
    return estimator
