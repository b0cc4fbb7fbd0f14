"""A fitted goal tree for people: its document, which fit to show, scores and weights in words.

A fit's document (:func:`fit_json`, what ``python -m pga_core fit --json`` prints) is
:meth:`TreeFit.to_json` with the levers, in numbers and in words, after the goals. A fit saved in
the workspace is that document plus a ``data`` entry saying which imports it was fitted on and
when, so that a later visit can tell whether the data changed since. Nothing here imports
Streamlit; the pages only place what these functions return.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from pga_core.engine import CI_LEVEL
from pga_core.goals import GoalTree, NodeFit, TreeFit, input_words, json_number, leverage
from pga_core.views._goal_editor import DEFAULT_TREE_NAME
from pga_core.views._gradient import levers_in_words
from pga_core.words import combination_words, signed

__all__ = [
    "DATA_KEY",
    "SCORE_HELP",
    "SD_HELP",
    "WALK_FORWARD_HELP",
    "Score",
    "choose_fit",
    "fit_document",
    "fit_from_document",
    "fit_headline",
    "fit_json",
    "fit_matches",
    "fitted_imports",
    "input_label",
    "labelled_weights",
    "left_out_sentences",
    "score_summary",
    "score_text",
    "weights_display",
]

#: One-line explanations of the words a fit's results use, where they appear.
SD_HELP = (
    "SD (standard deviation): how far the input usually is from its average, over every day it "
    "has a value — the same basis for weights and levers on every page."
)
WALK_FORWARD_HELP = (
    "Walk-forward: trained on earlier days only, then tested on later days it never saw, as a "
    "forecast would be."
)
SCORE_HELP: dict[str, str] = {
    "r²": "r²: the share of the day-to-day variation predicted on days the model was not "
    "trained on (walk-forward); 0 is no better than the average, below 0 worse.",
    "log-loss": "Log-loss: how surprised the model is by the yes/no answers on days it was not "
    "trained on (walk-forward); lower is better.",
}
#: Where a saved fit records the data it was fitted on.
DATA_KEY = "data"
DAY_FORMAT = "%Y-%m-%d"
#: An r² below this shows as "less than 1 %" rather than a rounded "0 %".
HALF_PERCENT = 0.005


#: The fields of each lever in a fit's document, in order.
_LEVER_FIELDS = (
    "input", "label", "unit", "kind", "controllable", "per_unit", "per_sd", "ci_low", "ci_high",
    "unit_ci_low", "unit_ci_high", "sd", "typical", "observed_min", "observed_max", "goals",
    "note", "trade", "sentence",
)  # fmt: skip


# --- the fit's document -------------------------------------------------------------------------
def fit_json(tree_fit: TreeFit, *, include_state: bool = True) -> dict[str, Any]:
    """The fit's document: ``{"nodes": [...], "leverage": [...], "problems": [...]}`` as in the
    ``fit --json`` contract, and with ``include_state`` what :meth:`TreeFit.from_json` needs.

    Parameters
    ----------
    tree_fit : the fit.
    include_state : whether to add the tree, its variables, the settings and each goal's model
        state (:meth:`TreeFit.to_json`).

    Returns
    -------
    dict
        :meth:`TreeFit.to_json` with ``leverage`` after ``nodes``: one object per lever, ranked,
        with the contract's fields and more (from :func:`pga_core.goals.leverage` and
        :func:`levers_in_words`); numbers that are missing or not finite are null.
    """
    document = tree_fit.to_json(include_state=include_state)
    levers = levers_in_words(leverage(tree_fit), tree_fit)
    records = levers.loc[:, list(_LEVER_FIELDS)].to_dict(orient="records")
    return {
        "nodes": document.pop("nodes"),
        "leverage": [
            {k: json_number(v) if isinstance(v, float) else v for k, v in row.items()}
            for row in records
        ],
        **document,
    }


# --- which fit ----------------------------------------------------------------------------------
def fit_document(
    tree_fit: TreeFit, *, imports: Sequence[int], fitted_at: datetime | None = None
) -> dict[str, Any]:
    """The fit as saved in the workspace: :func:`fit_json` (with the state needed to show it
    again) and ``data``: ``{"imports": [...], "fitted_at": "…"}``.

    Parameters
    ----------
    tree_fit : the fit.
    imports : the workspace's import ids the data came from (its revision).
    fitted_at : when (now if None), stored in UTC.
    """
    moment = (fitted_at or datetime.now(UTC)).astimezone(UTC)
    document = fit_json(tree_fit)
    document[DATA_KEY] = {
        "imports": [int(i) for i in imports],
        "fitted_at": moment.isoformat(timespec="seconds"),
    }
    return document


def fit_from_document(document: dict[str, Any]) -> TreeFit:
    """A fit back from its saved document (no refitting).

    Raises
    ------
    ValueError
        The document holds no model state, or is not a fit (fit the tree again).
    """
    try:
        return TreeFit.from_json(document)
    except (KeyError, TypeError) as error:
        raise ValueError(
            f"the saved fit result cannot be read (missing or malformed {error}); fit the tree "
            "again"
        ) from error


def fitted_imports(document: dict[str, Any]) -> tuple[int, ...] | None:
    """The import ids a saved fit was fitted on; None when it does not say (e.g. the CLI's)."""
    data = document.get(DATA_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("imports"), list):
        return None
    return tuple(int(i) for i in data["imports"])


def fit_matches(tree_fit: TreeFit, tree: GoalTree) -> bool:
    """Whether ``tree_fit`` is a fit of ``tree`` as it is now (not an older version of it)."""
    return tree_fit.tree.to_json() == tree.to_json()


def choose_fit(names: Sequence[str], preferred: str | None = None) -> str | None:
    """Which of the trees with a fit to show: ``preferred`` (the last one fitted or edited) if
    it has a fit, else the default tree's, else the first name; None when there is no fit."""
    if preferred is not None and preferred in names:
        return preferred
    if DEFAULT_TREE_NAME in names:
        return DEFAULT_TREE_NAME
    return names[0] if names else None


def fit_headline(tree_fit: TreeFit) -> str:
    """One sentence on what was fitted: goals, days and intervals."""
    total, fitted = len(tree_fit.tree.nodes), len(tree_fit.fits)
    root = tree_fit.root
    goals = f"{fitted} of {total} goals fitted" if total > 1 else "The goal was fitted"
    if root is not None and len(root.dates):
        days = (
            f"; the top goal on {root.n_rows:,} days ({root.dates.min():{DAY_FORMAT}} to "
            f"{root.dates.max():{DAY_FORMAT}})"
        )
    else:
        days = "; the top goal could not be fitted"
    settings = tree_fit.settings
    n_boot = int(settings.get("n_boot", 0))
    intervals = (
        f"{100 * CI_LEVEL:g} % intervals from {n_boot} block-bootstrap resamples (blocks of "
        f"{int(settings.get('block', 0))} days)"
        if n_boot
        else "no intervals (no bootstrap resamples)"
    )
    return f"{goals}{days}. {intervals[0].upper()}{intervals[1:]}."


# --- one goal -----------------------------------------------------------------------------------
def input_label(expression: str, tree_fit: TreeFit) -> str:
    """An input of a fitted tree by its column's label and its transform in words
    (``Have any alcoholic drinks? (the day before)``)."""
    labels = {name: str(info.get("label", name)) for name, info in tree_fit.variables.items()}
    return input_words(expression, labels)


def left_out_sentences(node_fit: NodeFit, tree_fit: TreeFit) -> list[str]:
    """Why each input left out of a goal's fit as a combination of the others was left out,
    and what that means for the weights of those that explain it."""
    return [
        combination_words(
            input_label(c.input, tree_fit),
            [input_label(e, tree_fit) for e in c.explained_by],
            c.r2,
            f"the fit of {node_fit.name!r}",
        )
        + "; it has no weight of its own, and theirs carry its share"
        for c in node_fit.left_out
    ]


@dataclass(frozen=True)
class Score:
    """A goal's walk-forward check beside predicting the training mean.

    Attributes
    ----------
    name : ``r²`` (higher is better) or ``log-loss`` (lower is better).
    model, baseline : the model's score and the mean's, on days neither was trained on (None
        when the days are too few to check).
    beats : whether the model beats the mean (None: unknown).
    tested_days : days that were predicted without being trained on.
    sentence : the comparison in plain words.
    """

    name: str
    model: float | None
    baseline: float | None
    beats: bool | None
    tested_days: int
    sentence: str


def score_summary(node_fit: NodeFit, label: str | None = None) -> Score:
    """A goal's out-of-sample score beside the predict-the-mean baseline, in plain words.

    Parameters
    ----------
    node_fit : the fitted goal.
    label : what the goal predicts, as people call it (default: the target column).
    """
    what = label or node_fit.target
    tested = int(np.isfinite(node_fit.predicted_oos).sum())
    name = "r²" if node_fit.score_name == "r2" else "log-loss"
    model, baseline, beats = node_fit.score_oos, node_fit.score_baseline, node_fit.beats_baseline
    if beats is None or model is None or baseline is None:
        sentence = (
            f"Too few days ({node_fit.n_rows:,}) to test this goal on days it was not trained "
            "on: treat its weights with extra care."
        )
        return Score(name, None, None, None, tested, sentence)
    folds = node_fit.n_splits
    where = f"On the {tested:,} days it was not trained on (walk-forward, {folds} folds)"
    if node_fit.score_name == "r2":
        if model <= 0:
            share = "none"
        elif model < HALF_PERCENT:
            share = "less than 1 %"
        else:
            share = f"{100 * model:.0f} %"
        explained = f"explains {share} of the day-to-day variation in {what}"
        compared = (
            f"{where}, the model {explained} (r² {score_text(model)}); predicting the training "
            f"average scores r² {score_text(baseline)}."
        )
    else:
        compared = (
            f"{where}, the model's log-loss for {what} is {score_text(model)} (lower is "
            f"better); predicting the share of yes days from training scores "
            f"{score_text(baseline)}."
        )
    verdict = (
        " It beats the mean."
        if beats
        else " It does not beat the mean: its weights describe the past, not a pattern to rely on."
    )
    return Score(name, float(model), float(baseline), bool(beats), tested, compared + verdict)


def labelled_weights(node_fit: NodeFit, tree_fit: TreeFit) -> pd.DataFrame:
    """:meth:`NodeFit.weights_table` with ``label``: each input in words (for the chart)."""
    table = node_fit.weights_table()
    table["label"] = [input_label(e, tree_fit) for e in table["input"]]
    return table


def weights_display(node_fit: NodeFit, tree_fit: TreeFit | None = None) -> pd.DataFrame:
    """A goal's weights for people, one row per input, largest standardised weight first.

    Parameters
    ----------
    node_fit : the fitted goal.
    tree_fit : its tree's fit, to name inputs in words (without it, by their expressions).

    Returns
    -------
    DataFrame with columns ``Input`` (in words with ``tree_fit``, else the expression), ``Per
    SD`` (change of the goal's prediction when the input is one standard deviation higher —
    its SD over every day it has a value —, signed text), ``95 % interval``, ``Per unit`` (per
    unit of the input), ``95 % interval (per unit)``, ``Direction``: ``raises`` or ``lowers``
    when the interval excludes 0, else ``unclear``; and ``Expression`` (as the tree writes it).
    """
    table = node_fit.weights_table()
    order = table["weight_sd"].abs().sort_values(ascending=False, kind="stable").index
    table = table.loc[order]
    rows = []
    for row in table.itertuples(index=False):
        if row.ci_low > 0:
            direction = "raises"
        elif row.ci_high < 0:
            direction = "lowers"
        else:
            direction = "unclear (the interval spans 0)"
        rows.append({
            "Input": input_label(row.input, tree_fit) if tree_fit is not None else row.input,
            "Per SD": signed(row.weight_sd),
            "95 % interval": _interval(row.ci_low, row.ci_high),
            "Per unit": signed(row.weight_unit),
            "95 % interval (per unit)": _interval(row.unit_ci_low, row.unit_ci_high),
            "Direction": direction,
            "Expression": row.input,
        })  # fmt: skip
    columns = ["Input", "Per SD", "95 % interval", "Per unit", "95 % interval (per unit)",
               "Direction", "Expression"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def score_text(value: float | None) -> str:
    """A score to three decimals with a true minus sign (``0.175``, ``−0.019``)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.3f}".replace("-", "−")


def _interval(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    return f"{signed(low)} to {signed(high)}"
