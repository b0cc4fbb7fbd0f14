"""The personal gradient for people: levers in words, what-if sliders and the top goal's change.

:func:`pga_core.goals.leverage` gives each lever's numbers; :func:`levers_in_words` adds what a
person reads: a note when a goal that could not be fitted leaves a lever's effect incomplete, and
one sentence per lever in the units a person thinks in — a yes/no behaviour on one more or fewer
day a week, a number by a round step close to its standard deviation.

Sliders work in the units a person thinks in: a yes/no behaviour in days per week, a number in
its own unit. Each starts at the person's typical value (rounded to the slider's step) and spans
the range their data has seen. Moving a slider asks :func:`pga_core.goals.what_if` what happens
when the input moves by that much on every day — a yes/no behaviour by one day a week is a change
of 1/7 in its share of yes days — and the answer goes up the tree goal by goal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pga_core.engine import CI_LEVEL
from pga_core.goals import DAYS_PER_WEEK, TreeFit, input_words, lever_routes
from pga_core.words import signed

__all__ = [
    "BEHAVIOUR_STEP",
    "SLIDER_STEPS",
    "RootChange",
    "WhatIfSlider",
    "controllable_overrides",
    "controlled",
    "level_text",
    "lever_lines",
    "levers_in_words",
    "levers_table",
    "root_change",
    "slider_changes",
    "what_if_sliders",
    "what_if_table",
]

#: A number's slider has about this many steps between the lowest and highest values seen.
SLIDER_STEPS = 100
#: A yes/no behaviour's slider moves in half days per week.
BEHAVIOUR_STEP = 0.5
#: Significant figures of a goal's level before and after a change.
LEVEL_DIGITS = 3
#: Changes smaller than this share of a slider's step are no change (float noise).
STEP_TOLERANCE = 1e-9


# --- levers -------------------------------------------------------------------------------------
def levers_in_words(levers: pd.DataFrame, tree_fit: TreeFit) -> pd.DataFrame:
    """The levers with what a person reads about each: ``note``, ``trade`` and ``sentence``.

    Parameters
    ----------
    levers : :func:`pga_core.goals.leverage` of ``tree_fit``.
    tree_fit : the fitted tree (for the top goal's label and unit, why goals were not fitted,
        and the routes by which each lever reaches the top goal).

    Returns
    -------
    DataFrame
        ``levers`` with ``note`` (empty, or why the lever's effect is incomplete: a goal that
        could not be fitted), ``trade`` (empty, or the trade-off when the lever raises the top
        goal by one route and lowers it by another, each clearly: ``through Day strain (the day
        before) it lowers Health index (−1.2), through VO₂ max, mean of 7 days it raises it
        (+3.4)``) and ``sentence`` (the lever in plain words, the note and the trade-off
        included, e.g. ``Have any alcoholic drinks?: yes on one fewer day a week → +2.1 points
        of Recovery score on average (95 % CI +1.6 to +2.4)``).
    """
    worded = levers.copy()
    routes = lever_routes(tree_fit)
    records = levers.to_dict(orient="records")
    notes = [_lever_note(row, tree_fit) for row in records]
    trades = [_trade(row, routes[routes["input"] == row["input"]], tree_fit) for row in records]
    worded["note"] = pd.Series(notes, index=levers.index, dtype=object)
    worded["trade"] = pd.Series(trades, index=levers.index, dtype=object)
    worded["sentence"] = pd.Series(
        [_lever_sentence(row, tree_fit) for row in worded.to_dict(orient="records")],
        index=levers.index,
        dtype=object,
    )
    return worded


def _lever_note(row: Mapping[str, Any], tree_fit: TreeFit) -> str:
    """Why a lever's effect is incomplete because a goal could not be fitted (empty: it is not)."""
    notes = []
    if row["stands_in_for"]:
        goal = row["stands_in_for"]
        notes.append(
            f"the goal {goal!r} that predicts it could not be fitted "
            f"({tree_fit.why_not_fitted(goal)}), so it counts as a lever itself and the "
            "effects of that goal's own inputs are unknown"
        )
    if row["left_out_through"]:
        goal = row["left_out_through"]
        notes.append(
            f"its path through the goal {goal!r} is left out: that goal could not be "
            f"fitted ({tree_fit.why_not_fitted(goal)})"
        )
    return "; ".join(notes)


@dataclass(frozen=True)
class _Step:
    """The change a lever's sentence speaks of: in words, its size in the lever's unit, and
    its sign (+1: more of the lever, −1: less)."""

    words: str
    size: float
    sign: float


def _step(row: Mapping[str, Any], tree_fit: TreeFit) -> _Step:
    """One more (or fewer) yes day a week, or a round step near one SD, the way that helps."""
    root = tree_fit.variables.get(tree_fit.tree.root.target, {})
    good = -1.0 if root.get("higher_is_better") is False else 1.0
    more = row["per_unit"] * good >= 0
    if row["kind"] == "behaviour":
        return _Step(f"yes on one {'more' if more else 'fewer'} day a week",
                     1.0 / DAYS_PER_WEEK, 1.0 if more else -1.0)  # fmt: skip
    size = _nice_step(row["sd"])
    unit = f" {row['unit']}" if row["unit"] else ""
    return _Step(f"{_plain(size)}{unit} {'more' if more else 'less'} every day", size,
                 1.0 if more else -1.0)  # fmt: skip


def _top_scale(tree_fit: TreeFit) -> tuple[float, str]:
    """How a change of the top goal is said: its scale and unit words (``points of …``)."""
    root = tree_fit.variables.get(tree_fit.tree.root.target, {})
    if tree_fit.root is not None and tree_fit.root.classify:
        return 100.0, f"percentage points in the chance of {root.get('label', '')!s}"
    unit = root.get("unit", "")
    return 1.0, f"{'points' if unit in ('', '%') else unit} of {root.get('label', '')}"


def _trade(row: Mapping[str, Any], routes: pd.DataFrame, tree_fit: TreeFit) -> str:
    """The trade-off of a lever whose routes to the top goal pull in opposite directions, each
    clearly (its interval excludes zero); empty when there is none."""
    clear = routes[(routes["unit_ci_low"] > 0) | (routes["unit_ci_high"] < 0)]
    if len(clear) < 2 or not ((clear["per_unit"] > 0).any() and (clear["per_unit"] < 0).any()):
        return ""
    step = _step(row, tree_fit)
    scale, _ = _top_scale(tree_fit)
    labels = {n: str(i.get("label", n)) for n, i in tree_fit.variables.items()}
    top = str(tree_fit.variables.get(tree_fit.tree.root.target, {}).get("label", "the top goal"))
    parts = []
    for route in clear.itertuples(index=False):
        effect = scale * step.sign * step.size * route.per_unit
        verb = "raises" if effect > 0 else "lowers"
        parts.append(f"through {input_words(route.route, labels)} it {verb} {top} "
                     f"({signed(effect)})")  # fmt: skip
    return "a trade-off: " + ", ".join(parts)


def _lever_sentence(row: Mapping[str, Any], tree_fit: TreeFit) -> str:
    """The lever in plain words (the interval's level is :data:`~pga_core.engine.CI_LEVEL`)."""
    step = _step(row, tree_fit)
    per_unit, low, high = row["per_unit"], row["unit_ci_low"], row["unit_ci_high"]
    factor = step.sign * step.size
    effect, bounds = (
        factor * per_unit,
        sorted(_tidy([factor * low, factor * high], effect=factor * per_unit)),
    )
    scale, what = _top_scale(tree_fit)
    text = (
        f"{row['label']}: {step.words} → {signed(scale * effect)} {what} on average "
        f"({100 * CI_LEVEL:g} % CI {signed(scale * bounds[0])} to {signed(scale * bounds[1])})"
    )
    if bounds[0] < 0 < bounds[1]:
        text += "; the data cannot tell this apart from no effect"
    if row.get("trade"):
        text += f"; {row['trade']}"
    if not row["controllable"]:
        text += " — not something you set directly"
    if row["note"]:
        text += f". Note: {row['note']}"
    return text


#: An interval bound this small beside the effect is rounding noise of a zero: said as 0.
NOISE_SHARE = 1e-9


def _tidy(values: list[float], *, effect: float) -> list[float]:
    """``values`` with bounds that are zero up to rounding noise set to exactly zero."""
    size = max(abs(effect), *(abs(v) for v in values if math.isfinite(v)), 0.0)
    return [0.0 if math.isfinite(v) and abs(v) <= NOISE_SHARE * size else v for v in values]


def _nice_step(sd: float) -> float:
    """A round change close to one standard deviation: 1, 2 or 5 times a power of ten."""
    if not np.isfinite(sd) or sd <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(sd))
    return min((1.0, 2.0, 5.0, 10.0), key=lambda m: abs(m * power - sd)) * power


def _plain(value: float) -> str:
    """A number without a needless exponent or trailing zeros (0.5, 50, 0.02)."""
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def controlled(levers: pd.DataFrame) -> list[str]:
    """The levers (their ``input`` columns) marked as the person's to control, in rank order."""
    return [str(c) for c in levers.loc[levers["controllable"].astype(bool), "input"]]


def controllable_overrides(levers: pd.DataFrame, chosen: Iterable[str]) -> dict[str, bool]:
    """Per lever (its ``input`` column), whether the person controls it: exactly the ``chosen``
    ones — for :func:`pga_core.goals.leverage`'s ``controllable``."""
    picked = set(chosen)
    return {str(column): column in picked for column in levers["input"]}


def lever_lines(levers: pd.DataFrame, *, controllable: bool) -> list[str]:
    """The sentences of the levers a person controls (or of those they do not), ranked as
    given, each starting with its rank among all levers (``3. Meditate?: …``); ``levers`` as
    :func:`levers_in_words` gives them."""
    return [
        f"{rank}. {row.sentence}"
        for rank, row in enumerate(levers.itertuples(index=False), start=1)
        if bool(row.controllable) == controllable
    ]


def levers_table(levers: pd.DataFrame) -> pd.DataFrame:
    """The levers for a table: ``Rank, Lever, You control it, Per SD, 95 % interval,
    Per unit, Enters`` (the goals it enters), ``Column`` (its name in the data), numbers as
    signed text."""
    rows = [
        {
            "Rank": rank,
            "Lever": row.label,
            "You control it": "yes" if row.controllable else "no",
            "Per SD": signed(row.per_sd),
            "95 % interval": f"{signed(row.ci_low)} to {signed(row.ci_high)}",
            "Per unit": signed(row.per_unit) + (f" per {row.unit}" if row.unit else ""),
            "Enters": row.goals,
            "Column": row.input,
        }
        for rank, row in enumerate(levers.itertuples(index=False), start=1)
    ]
    columns = ["Rank", "Lever", "You control it", "Per SD", "95 % interval", "Per unit", "Enters",
               "Column"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


# --- what-if sliders ----------------------------------------------------------------------------
@dataclass(frozen=True)
class WhatIfSlider:
    """One what-if slider, in the units a person thinks in.

    Attributes
    ----------
    input : the lever's column (what :func:`pga_core.goals.what_if` changes).
    label : what the slider is called (the variable's label and its unit; may hold user text).
    unit : ``days per week`` for a yes/no behaviour, else the variable's unit (may be empty).
    per_week : whether the slider counts yes days per week.
    min_value, max_value, step : the slider's range and step, in ``unit``.
    start : where it starts: the typical value rounded to the step.
    typical : the typical value itself (the mean of the daily values), in ``unit``.
    number_format : printf-style format showing a value to the step's precision.
    """

    input: str
    label: str
    unit: str
    per_week: bool
    min_value: float
    max_value: float
    step: float
    start: float
    typical: float
    number_format: str

    @property
    def help(self) -> str:
        """What the slider means, in one sentence."""
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"Starts at your typical value (about {self.typical:,.3g}{unit}) rounded to the "
            f"slider's step, and spans the range your data has seen. The prediction is for "
            f"moving from the start to the chosen value and keeping it up every day."
        )

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is a number within the slider's range."""
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and self.min_value <= value <= self.max_value
        )

    def change(self, value: float) -> float:
        """The change of the input's daily value when the slider is at ``value`` (0 at the
        start); for a yes/no behaviour, the change in its share of yes days."""
        moved = float(value) - self.start
        if abs(moved) < STEP_TOLERANCE * self.step:
            return 0.0
        return moved / DAYS_PER_WEEK if self.per_week else moved


def what_if_sliders(levers: pd.DataFrame) -> list[WhatIfSlider]:
    """One slider per controllable lever whose values have been seen to vary, ranked as given.

    Parameters
    ----------
    levers : :func:`pga_core.goals.leverage` (``input, label, unit, kind, controllable,
        typical, observed_min, observed_max``).
    """
    sliders = []
    for row in levers.itertuples(index=False):
        if not row.controllable:
            continue
        low, high, typical = (float(v) for v in (row.observed_min, row.observed_max, row.typical))
        if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(typical)):
            continue
        if high <= low:
            continue
        if row.kind == "behaviour":
            sliders.append(_week_slider(row.input, row.label, typical))
        else:
            sliders.append(_unit_slider(row.input, row.label, row.unit, low, high, typical))
    return sliders


def _week_slider(column: str, label: str, share: float) -> WhatIfSlider:
    """A yes/no behaviour's slider: 0 to 7 days per week."""
    typical = share * DAYS_PER_WEEK
    return WhatIfSlider(
        input=column,
        label=f"{label} (days per week)",
        unit="days per week",
        per_week=True,
        min_value=0.0,
        max_value=float(DAYS_PER_WEEK),
        step=BEHAVIOUR_STEP,
        start=_round_to(typical, BEHAVIOUR_STEP),
        typical=typical,
        number_format="%.1f",
    )


def _unit_slider(
    column: str, label: str, unit: str, low: float, high: float, typical: float
) -> WhatIfSlider:
    """A number's slider over its observed range, in round steps."""
    step = _round_step((high - low) / SLIDER_STEPS)
    lowest = math.floor(low / step) * step
    highest = math.ceil(high / step) * step
    start = min(max(_round_to(typical, step), lowest), highest)
    decimals = max(0, -math.floor(math.log10(step)))
    return WhatIfSlider(
        input=column,
        label=f"{label} ({unit})" if unit else label,
        unit=unit,
        per_week=False,
        min_value=round(lowest, decimals),
        max_value=round(highest, decimals),
        step=step,
        start=round(start, decimals),
        typical=typical,
        number_format=f"%.{decimals}f",
    )


def _round_step(size: float) -> float:
    """The round step (1, 2 or 5 times a power of ten) at or just below ``size``."""
    power = 10.0 ** math.floor(math.log10(size))
    multiple = max(m for m in (1.0, 2.0, 5.0) if m * power <= size * (1 + STEP_TOLERANCE))
    return float(f"{multiple * power:.12g}")


def _round_to(value: float, step: float) -> float:
    """``value`` to the nearest multiple of ``step``."""
    return float(f"{round(value / step) * step:.12g}")


def slider_changes(
    sliders: Sequence[WhatIfSlider], values: Mapping[str, float]
) -> dict[str, tuple[str, float]]:
    """The what-if changes of the sliders moved away from their start.

    Parameters
    ----------
    sliders : the sliders.
    values : per slider's ``input``, its current value (sliders left out are at their start).

    Returns
    -------
    dict
        ``{input: ("delta", change of the daily value)}`` for :func:`pga_core.goals.what_if`.
    """
    changes = {}
    for slider in sliders:
        if slider.input not in values:
            continue
        change = slider.change(values[slider.input])
        if change != 0.0:
            changes[slider.input] = ("delta", change)
    return changes


# --- the top goal's change ----------------------------------------------------------------------
@dataclass(frozen=True)
class RootChange:
    """The top goal's predicted change, for a headline.

    Attributes
    ----------
    label : what the top goal predicts, as people call it (may hold user text).
    value : the change with its unit (``+2.0 points``, ``−3.1 percentage points``).
    sentence : before, after and the change in one sentence.
    change : the change as a number (in the goal's own unit; a chance for a yes/no goal).
    """

    label: str
    value: str
    sentence: str
    change: float


def root_change(table: pd.DataFrame, tree_fit: TreeFit) -> RootChange:
    """The top goal's row of a :func:`pga_core.goals.what_if` table, in words.

    Raises
    ------
    ValueError
        The table has no row for the top goal (it was not fitted).
    """
    root = tree_fit.tree.root
    rows = table[table["node"] == root.name]
    if rows.empty or tree_fit.root is None:
        raise ValueError(f"the top goal {root.name!r} was not fitted; there is nothing to change")
    row = rows.iloc[-1]
    info = tree_fit.variables.get(root.target, {})
    label = str(info.get("label", root.target))
    if tree_fit.root.classify:
        scale, unit, level = 100.0, "percentage points", "chance of a yes"
        before, after = f"{100 * row['before']:.1f} %", f"{100 * row['after']:.1f} %"
    else:
        unit_name = str(info.get("unit", ""))
        scale, unit, level = 1.0, "points" if unit_name in ("", "%") else unit_name, "average"
        before, after = _level(row["before"], unit_name), _level(row["after"], unit_name)
    change = float(row["change"])
    value = f"{signed(scale * change)} {unit}"
    if change == 0:
        sentence = (
            f"{label}: predicted {level} {before}. Move a slider to see what a change would do."
        )
    else:
        sentence = (
            f"{label}: predicted {level} {before} → {after} ({signed(scale * change)} {unit}), "
            "if the fitted relations hold for the change."
        )
    return RootChange(label=label, value=value, sentence=sentence, change=change)


def _level(value: float, unit: str) -> str:
    """A goal's level with its unit (``56.1 %``, ``8.68 min``)."""
    suffix = " %" if unit == "%" else (f" {unit}" if unit else "")
    return f"{level_text(value)}{suffix}"


def level_text(value: float) -> str:
    """A level to three significant figures, keeping its trailing zeros and every digit
    before the point (``58.0``, ``8.68``, ``0.0123``, ``1,234``)."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    decimals = max(0, LEVEL_DIGITS - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def what_if_table(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`pga_core.goals.what_if` table for people: ``Goal, Predicts, Before, After,
    Change`` (numbers as text to three significant figures, the change signed), sub-goals
    first and the top goal last."""
    rows = [
        {
            "Goal": row.node,
            "Predicts": row.label + (f" ({row.unit})" if row.unit else ""),
            "Before": level_text(row.before),
            "After": level_text(row.after),
            "Change": signed(row.change) if np.isfinite(row.change) else "n/a",
        }
        for row in table.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=["Goal", "Predicts", "Before", "After", "Change"])
