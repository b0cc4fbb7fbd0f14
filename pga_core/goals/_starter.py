"""A starter goal tree built from the columns a person's data hold, by a stated rule.

The default tree (``data/goals.json``) names the sample person's columns; a person with only a
WHOOP strap has no VO₂ max, no body fat and no habit sheet, and a person with only an Apple Watch
has no recovery score. :func:`starter_tree` builds a tree from what the data do hold:

1. **The top goal** is the health index (:data:`~pga_core.goals.HEALTH_INDEX`: recovery,
   heart-rate variability, resting heart rate, sleep and VO₂ max, those present) when the data
   have two of its parts; else the first of :data:`TOP_FALLBACKS` the data have; else the
   measurement with the most days. A column may be asked for instead (``top``).
2. **Its inputs**, in this order: every yes/no behaviour and every habit the evening before
   (``@lag1``: a journal answer or a habit is dated by the day it happened, the goal by the next
   morning) — except the habits a sub-goal below takes —, sleep (``asleep_min``), the day strain
   the day before (``day_strain@lag1``), and one measure of long-term fitness: VO₂ max, mean of
   7 days (``vo2_max@mean7``); without VO₂ max, the day strain, mean of 28 days
   (``day_strain@mean28``: the training load a WHOOP reports); without either, the training load
   over 28 days (``zone5_min@sum28``, else ``workout_min@sum28``).
3. **Sub-goals** where the data have them: *Day strain* ← the day's training (workout minutes,
   minutes in each heart-rate zone, workouts), so that training is weighed both by the strain it
   costs tomorrow and by the fitness it builds (through VO₂ max, or the 28-day strain); *VO₂ max*
   ← the training load over 28 days, resting heart rate and body fat (mean of 28 days); *Zone-5
   time* (or *Workout time*) ← the habits and yes/no answers of a habit sheet, the same day,
   under the goal that takes the training load (VO₂ max, else Day strain, else the top goal).
   Each habit enters the tree once.
4. **Each goal keeps only inputs its days can support**: an input with too few days, one that
   never changes, or a yes/no answer given fewer than :data:`MIN_EACH_ANSWER` times either way is
   left out; the others are added in order of how many days they cover, each only while the days
   with the goal and all its inputs stay at least the largest of :data:`MIN_STARTER_DAYS`, ten
   per input and :data:`MIN_STARTER_SHARE` of the goal's own days — so two questions answered in
   different years cannot empty a goal: the second one is left out, with the reason. Last, inputs
   that are (nearly) linear combinations of the others (workout minutes, the sum of the zone
   minutes) are left out (:func:`pga_core.engine.collinear_columns`). A sub-goal left without
   inputs goes; its column stays an input of its parent.

Everything left out is listed (:class:`LeftOut`) with one plain sentence saying why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pga_core.data import DailyData, feature_frame, parse_feature
from pga_core.engine import collinear_columns
from pga_core.goals._health import HEALTH_INDEX, with_health_index
from pga_core.goals._tree import GoalNode, GoalTree, _min_rows
from pga_core.words import combination_words, feature_words

__all__ = [
    "MIN_EACH_ANSWER",
    "MIN_STARTER_DAYS",
    "MIN_STARTER_SHARE",
    "STARTER_NAME",
    "STARTER_SUPPORT",
    "TOP_FALLBACKS",
    "LeftOut",
    "StarterTree",
    "Support",
    "input_words",
    "keep_supported",
    "starter_tree",
]

#: The top goal's name.
STARTER_NAME = "Overall health"
#: A goal of the starter tree keeps at least this many days with its target and all its inputs,
#: and at least this share of the days its target has a value.
MIN_STARTER_DAYS = 90
MIN_STARTER_SHARE = 1 / 3
#: A column is proposed as an input or a goal when it has at least this many values.
MIN_PROPOSED_DAYS = 30
#: A yes/no input needs at least this many yes days and this many no days.
MIN_EACH_ANSWER = 5
#: The top goal when there is no health index, the first present.
TOP_FALLBACKS: tuple[str, ...] = (
    "recovery_score", "readiness_score", "sleep_performance", "sleep_score", "hrv_rmssd",
    "hrv_sdnn", "resting_hr", "vo2_max",
)  # fmt: skip
SLEEP = "asleep_min"
STRAIN = "day_strain"
VO2_MAX = "vo2_max"
#: The day's training, the inputs of the Day strain goal.
TRAINING: tuple[str, ...] = (
    "workout_min", "zone1_min", "zone2_min", "zone3_min", "zone4_min", "zone5_min",
    "workout_count",
)  # fmt: skip
#: The training load over LOAD_DAYS: the first of these present.
LOADS: tuple[str, ...] = ("zone5_min", "workout_min")
LOAD_DAYS = 28
#: VO₂ max's other inputs, those present.
VO2_INPUTS: tuple[str, ...] = ("resting_hr", "body_fat_pct@mean28")
#: Where a habit sheet's columns come from.
SHEET_SOURCE = "csv"
#: Days of the lag that takes a behaviour or habit "the evening before".
EVENING_BEFORE = 1


@dataclass(frozen=True)
class LeftOut:
    """An input (or sub-goal) the data cannot support, and why.

    Attributes
    ----------
    goal : the goal it would have been an input (or a sub-goal) of.
    expression : the input's feature expression (a sub-goal's target for a sub-goal).
    kind : ``too_few_days``, ``constant``, ``one_sided`` (a yes/no answer nearly always the
        same), ``no_overlap`` (too few days together with the inputs already kept),
        ``collinear`` (a combination of other inputs) or ``sub_goal`` (a sub-goal left without
        inputs).
    message : one plain sentence, naming the input by its label.
    others : the inputs it clashes with (``no_overlap``, ``collinear``), as expressions.
    """

    goal: str
    expression: str
    kind: str
    message: str
    others: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class StarterTree:
    """A starter tree and what was left out of it (see the module docstring for the rule)."""

    tree: GoalTree
    left_out: tuple[LeftOut, ...]


def input_words(expression: str, labels: Mapping[str, str]) -> str:
    """An input by its column's label and its transform in words.

    Parameters
    ----------
    expression : a feature expression (``have_any_alcoholic_drinks@lag1``).
    labels : column → label (a registry's labels, or a fit's ``variables``' labels); a column
        without one is named as written.

    Returns
    -------
    str
        ``Have any alcoholic drinks? (the day before)``, ``VO₂ max, mean of 7 days``,
        ``Time in HR zone 5 over 28 days`` (see :func:`pga_core.words.feature_words`).
    """
    feature = parse_feature(expression)
    return feature_words(labels.get(feature.name, feature.name), feature.transform, feature.k)


def _words(expression: str, daily: DailyData) -> str:
    """An input of ``daily`` in words."""
    return input_words(expression, {n: v.label for n, v in daily.registry.items()})


# --- the rule -----------------------------------------------------------------------------------
def _has(daily: DailyData, column: str) -> bool:
    """Whether the data have ``column`` with enough days to be worth proposing (whether its
    goal's days support it is :func:`keep_supported`'s question)."""
    return column in daily.table.columns and int(daily.table[column].count()) >= MIN_PROPOSED_DAYS


def _top_target(daily: DailyData, top: str | None) -> str:
    if top is not None:
        if top not in daily.table.columns:
            parse_feature(top, daily.table.columns)  # the unknown-column message
            raise ValueError(f"the top goal must be a column name, got {top!r}")
        return top
    if HEALTH_INDEX in daily.table.columns:
        return HEALTH_INDEX
    for column in TOP_FALLBACKS:
        if _has(daily, column):
            return column
    measured = [n for n in daily.names("metric") if _has(daily, n)]
    if not measured:
        held = ", ".join(daily.names()[:5]) or "nothing"
        raise ValueError(
            "no starter goal tree: the data hold no measurement with at least "
            f"{MIN_PROPOSED_DAYS} days to be a goal (they hold {held}); import a wearable's "
            "export (WHOOP, Apple Health, Oura) or a sheet with a measurement such as weight"
        )
    return max(measured, key=lambda n: int(daily.table[n].count()))


@dataclass(frozen=True)
class _Plan:
    """Which sub-goals the data allow, and the columns each takes."""

    strain: tuple[str, ...]  # Day strain's inputs (empty: no Day strain goal)
    load: str | None  # the training-load column, if any
    sheet: tuple[str, ...]  # the load goal's inputs (empty: no load goal)
    vo2: bool  # whether there is a VO₂ max goal


def _plan(daily: DailyData, top: str) -> _Plan:
    load = next((c for c in LOADS if _has(daily, c) and c != top), None)
    sheet = tuple(
        name
        for name, v in daily.registry.items()
        if v.source == SHEET_SOURCE and v.controllable and _has(daily, name) and name != top
    )
    has_strain = _has(daily, STRAIN) and top != STRAIN
    strain = tuple(
        c for c in TRAINING if has_strain and _has(daily, c) and c != top and c not in sheet
    )
    vo2 = _has(daily, VO2_MAX) and top != VO2_MAX
    load_goal = load is not None and bool(sheet)
    if load_goal and vo2:  # the load is VO₂ max's sub-goal: it cannot also be strain's input
        strain = tuple(c for c in strain if c != load)
    return _Plan(strain=strain, load=load, sheet=sheet if load_goal else (), vo2=vo2)


def _top_inputs(daily: DailyData, top: str, plan: _Plan) -> list[str]:
    taken = {*plan.strain, *plan.sheet, top}
    if plan.load is not None and plan.sheet:
        taken.add(plan.load)
    inputs = [
        f"{name}@lag{EVENING_BEFORE}"
        for kind in ("behaviour", "habit")
        for name in daily.names(kind)
        if name not in taken and _has(daily, name)
    ]
    if _has(daily, SLEEP) and top != SLEEP:
        inputs.append(SLEEP)
    if _has(daily, STRAIN) and top != STRAIN:
        inputs.append(f"{STRAIN}@lag{EVENING_BEFORE}")
    if plan.vo2:
        inputs.append(f"{VO2_MAX}@mean7")
    elif plan.strain:
        inputs.append(f"{STRAIN}@mean{LOAD_DAYS}")
    elif plan.load is not None:
        inputs.append(f"{plan.load}@sum{LOAD_DAYS}")
    return inputs


@dataclass(frozen=True)
class _Spec:
    """A goal the rule proposes, before the data have their say."""

    name: str
    target: str
    inputs: tuple[str, ...]
    children: dict[str, _Spec]  # by the column of the input each models


def _specs(daily: DailyData, target: str) -> _Spec:
    """The proposed tree (rules 1–3 of the module docstring)."""
    plan = _plan(daily, target)
    load_goal = None
    if plan.load is not None and plan.sheet:
        name = "Zone-5 time" if plan.load == "zone5_min" else "Workout time"
        load_goal = _Spec(name, plan.load, plan.sheet, {})
    below = {plan.load: load_goal} if load_goal is not None and plan.load is not None else {}
    children: dict[str, _Spec] = {}
    if plan.strain:  # without VO₂ max, the training load goal feeds the day strain
        under = {} if plan.vo2 else {k: v for k, v in below.items() if k in plan.strain}
        children[STRAIN] = _Spec("Day strain", STRAIN, plan.strain, under)
    if plan.vo2:
        load_input = [f"{plan.load}@sum{LOAD_DAYS}"] if plan.load is not None else []
        vo2_inputs = (*load_input, *(e for e in VO2_INPUTS if _has(daily, parse_feature(e).name)))
        children[VO2_MAX] = _Spec("VO₂ max", VO2_MAX, vo2_inputs, below)
    elif not plan.strain and load_goal is not None and plan.load is not None:
        children[plan.load] = load_goal  # the load over 28 days is an input of the top goal
    return _Spec(STARTER_NAME, target, tuple(_top_inputs(daily, target, plan)), children)


def starter_tree(daily: DailyData, *, top: str | None = None) -> StarterTree:
    """A goal tree built from the columns ``daily`` holds (the rule: the module docstring).

    Parameters
    ----------
    daily : the day table (the health index is added when two of its parts are there).
    top : the column to use as the top goal instead of the rule's choice (``recovery_score``,
        or :data:`~pga_core.goals.HEALTH_INDEX`).

    Returns
    -------
    StarterTree
        The tree, every goal of which the data can fit, and what was left out and why.

    Raises
    ------
    ValueError
        When the data hold no measurement to make a goal of, ``top`` is not a column, or not even
        the top goal keeps an input (the message says why).
    """
    daily = with_health_index(daily)
    target = _top_target(daily, top)
    left: list[LeftOut] = []
    root = _grow(_specs(daily, target), daily, left, ())
    if root is None:
        why = f": {left[0].message}" if left else ""
        raise ValueError(f"no starter goal tree{why}")
    return StarterTree(GoalTree(root), tuple(left))


def _grow(
    spec: _Spec, daily: DailyData, left: list[LeftOut], ancestors: tuple[str, ...]
) -> GoalNode | None:
    """One goal with the inputs its days support, and its sub-goals; None without inputs."""
    above = (*ancestors, spec.target)
    usable = [e for e in spec.inputs if parse_feature(e).name not in above]
    modelled = {e for e in usable if parse_feature(e).name in spec.children}
    kept, dropped = keep_supported(spec.name, spec.target, usable, daily, modelled=modelled)
    left.extend(dropped)
    if not kept:
        return None
    nodes = []
    grown: set[str] = set()
    for expression in kept:
        column = parse_feature(expression).name
        sub = spec.children.get(column)
        if sub is None or column in grown:  # one sub-goal may model several inputs
            continue
        grown.add(column)
        child = _grow(sub, daily, left, above)
        if child is None:
            left.append(LeftOut(
                spec.name, sub.target, "sub_goal",
                f"the sub-goal {sub.name!r} was left out: none of its inputs has enough days "
                f"with {_words(sub.target, daily)}; {_words(expression, daily)} "
                f"stays an input of {spec.name!r}",
            ))  # fmt: skip
            continue
        nodes.append(child)
    return GoalNode(name=spec.name, target=spec.target, inputs=tuple(kept), children=tuple(nodes))


# --- which inputs the days support ----------------------------------------------------------------
@dataclass(frozen=True)
class Support:
    """How much a goal's days must support each of its inputs.

    Attributes
    ----------
    min_days : fewest days with the goal and all its inputs (never fewer than a fit needs:
        ten per input, at least thirty).
    min_share : and at least this share of the days the goal's target has a value.
    min_each : fewest yes days and no days of a yes/no input (0: not checked).
    combinations : whether inputs that are (nearly) combinations of the others are left out.
    """

    min_days: int
    min_share: float
    min_each: int
    combinations: bool

    def needed(self, target_days: int, n_inputs: int) -> int:
        """Fewest complete days a goal with ``n_inputs`` inputs keeps."""
        share = int(np.ceil(self.min_share * target_days))
        return max(self.min_days, _min_rows(n_inputs), share)


#: What the starter tree asks of each input (rule 4 of the module docstring).
STARTER_SUPPORT = Support(MIN_STARTER_DAYS, MIN_STARTER_SHARE, MIN_EACH_ANSWER, True)


def keep_supported(
    goal: str,
    target: str,
    inputs: Sequence[str],
    daily: DailyData,
    *,
    modelled: set[str] | frozenset[str] = frozenset(),
    support: Support = STARTER_SUPPORT,
) -> tuple[list[str], list[LeftOut]]:
    """The inputs of one goal that its days can support, and the others with the reason.

    Parameters
    ----------
    goal, target : the goal's name and the column it predicts (must be in ``daily``).
    inputs : feature expressions whose columns are in ``daily``.
    daily : the day table.
    modelled : inputs a sub-goal models: never left out as a combination of the others.
    support : what each input must meet (:data:`STARTER_SUPPORT`: rule 4 of the module
        docstring).

    Returns
    -------
    (kept, left_out)
        ``kept`` in the order given; ``left_out`` each with its reason.
    """
    frame = feature_frame(daily, [target, *inputs])
    has_target = frame[target].notna()
    target_days = int(has_target.sum())
    left: list[LeftOut] = []
    candidates = []
    for expression in dict.fromkeys(inputs):
        problem = _alone(goal, target, expression, frame, has_target, daily, support)
        if problem is None:
            candidates.append(expression)
        else:
            left.append(problem)
    coverage = {e: int((has_target & frame[e].notna()).sum()) for e in candidates}
    together = has_target
    kept: list[str] = []
    for expression in sorted(candidates, key=lambda e: -coverage[e]):
        joined = together & frame[expression].notna()
        needed = support.needed(target_days, len(kept) + 1)
        if int(joined.sum()) >= needed:
            together, kept = joined, [*kept, expression]
        else:
            left.append(_no_overlap(goal, expression, kept, frame, together, joined, needed, daily))
    kept = [e for e in candidates if e in kept]  # back to the order given
    if support.combinations:
        kept, collinear = _without_combinations(goal, kept, frame[together], modelled, daily)
        left.extend(collinear)
    return kept, left


def _alone(
    goal: str,
    target: str,
    expression: str,
    frame: pd.DataFrame,
    has_target: pd.Series,
    daily: DailyData,
    support: Support,
) -> LeftOut | None:
    """Why an input cannot be used even on its own (None: it can)."""
    values = frame.loc[has_target, expression].dropna()
    words = _words(expression, daily)
    needed = support.needed(int(has_target.sum()), 1)
    if len(values) < needed:
        return LeftOut(
            goal, expression, "too_few_days",
            f"{words} was left out of {goal!r}: it has a value on {len(values)} of the "
            f"{int(has_target.sum())} days with {_words(target, daily)}, at least "
            f"{needed} needed",
        )  # fmt: skip
    if values.nunique() < 2:
        return LeftOut(
            goal, expression, "constant",
            f"{words} was left out of {goal!r}: it is {values.iloc[0]:g} on every day, so its "
            "effect cannot be learned",
        )  # fmt: skip
    variable = daily.registry.get(parse_feature(expression).name)
    if variable is not None and variable.kind == "behaviour" and support.min_each:
        yes, no = int((values == 1).sum()), int((values == 0).sum())
        if min(yes, no) < support.min_each:
            rare = "yes" if yes < no else "no"
            return LeftOut(
                goal, expression, "one_sided",
                f"{words} was left out of {goal!r}: it was answered {rare} on only "
                f"{min(yes, no)} day{'s' if min(yes, no) != 1 else ''} (at least "
                f"{support.min_each} yes and {support.min_each} no days needed)",
            )  # fmt: skip
    return None


def _period(column: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a column has a value."""
    days = column.dropna().index
    return days.min(), days.max()


def _no_overlap(
    goal: str,
    expression: str,
    kept: list[str],
    frame: pd.DataFrame,
    together: pd.Series,
    joined: pd.Series,
    needed: int,
    daily: DailyData,
) -> LeftOut:
    """An input that would leave too few complete days, naming the input it overlaps least."""
    words = _words(expression, daily)
    mine = frame[expression].notna()
    overlaps = {e: int((mine & frame[e].notna()).sum()) for e in kept}
    worst = min(overlaps, key=lambda e: overlaps[e]) if overlaps else None
    if worst is not None and overlaps[worst] < needed:
        return LeftOut(
            goal, expression, "no_overlap",
            f"{words} was left out of {goal!r}: {_clash(worst, expression, overlaps[worst], daily)}"
            f", and a goal needs at least {needed} days with every one of its inputs",
            (worst,),
        )  # fmt: skip
    return LeftOut(
        goal, expression, "no_overlap",
        f"{words} was left out of {goal!r}: with it, {int(joined.sum())} days would have the "
        f"goal and every input (at least {needed} needed; {int(together.sum())} without it)",
        tuple(kept),
    )  # fmt: skip


def _clash(kept: str, expression: str, together: int, daily: DailyData) -> str:
    """How two inputs fail to overlap: answered in different years or periods, or seldom together
    (their columns' own days: when the questions were answered, not the lagged days)."""
    first, last = _period(daily.table[parse_feature(expression).name])
    kept_first, kept_last = _period(daily.table[parse_feature(kept).name])
    what = (
        "answered"
        if _is_behaviour(kept, daily) and _is_behaviour(expression, daily)
        else ("recorded")
    )
    both = f"{_words(kept, daily)} and {_words(expression, daily)} were {what}"
    if last < kept_first or kept_last < first:
        mine = set(range(first.year, last.year + 1))
        theirs = set(range(kept_first.year, kept_last.year + 1))
        if not mine & theirs:
            return f"{both} in different years ({_years(theirs)} and {_years(mine)})"
        return (
            f"{both} in different periods ({kept_first:%Y-%m-%d} to {kept_last:%Y-%m-%d} and "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d})"
        )
    return f"{both} together on only {together} day{'s' if together != 1 else ''}"


def _years(years: set[int]) -> str:
    """A set of consecutive years as ``2023`` or ``2021–2023``."""
    return str(min(years)) if len(years) == 1 else f"{min(years)}–{max(years)}"


def _is_behaviour(expression: str, daily: DailyData) -> bool:
    variable = daily.registry.get(parse_feature(expression).name)
    return variable is not None and variable.kind == "behaviour"


def _without_combinations(
    goal: str,
    kept: list[str],
    rows: pd.DataFrame,
    modelled: set[str] | frozenset[str],
    daily: DailyData,
) -> tuple[list[str], list[LeftOut]]:
    """The kept inputs less those that are (nearly) linear combinations of the others."""
    if len(kept) < 2:
        return kept, []
    X = rows[kept].to_numpy(dtype=np.float64)
    check = collinear_columns(X, keep=[i for i, e in enumerate(kept) if e in modelled])
    left = []
    for j in check.redundant:
        partners = [kept[i] for i in check.explained_by[j]]
        left.append(LeftOut(
            goal, kept[j], "collinear",
            _combination_sentence(goal, kept[j], partners, check.r2[j], daily), tuple(partners),
        ))  # fmt: skip
    return [e for i, e in enumerate(kept) if i not in check.redundant], left


def _combination_sentence(
    goal: str, expression: str, partners: Sequence[str], r2: float, daily: DailyData
) -> str:
    """Why an input that is a combination of others was left out of ``goal``, in words."""
    named = [_words(p, daily) for p in partners]
    return combination_words(_words(expression, daily), named, r2, repr(goal))
