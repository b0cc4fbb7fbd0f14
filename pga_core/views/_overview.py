"""What the Overview page shows: what matters most for this person, on one screen.

Their outcomes over time with the days of one behaviour marked, the strongest findings across
those outcomes (every behaviour tested against every outcome, corrected as one family), the top
levers of a fitted goal tree, and what to import next to learn more. Everything returns plain
values, DataFrames and Altair charts; nothing here imports Streamlit. Names people chose stay
data: callers show them as text, table cells or chart values, or escape them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from pga_core.data import DailyData
from pga_core.goals import TreeFit, leverage
from pga_core.stats import EFFECT_N_BOOT, adjust_together, behaviour_impact
from pga_core.views._behaviours import impact_view, outcome_choices
from pga_core.views._gradient import lever_lines, levers_in_words
from pga_core.words import plural

__all__ = [
    "FINDINGS_SHOWN",
    "OVERVIEW_OUTCOMES",
    "TOP_LEVERS",
    "Findings",
    "behaviour_days",
    "findings",
    "import_suggestions",
    "marked_behaviour",
    "outcome_chart",
    "outcome_series",
    "overview_outcomes",
    "top_lever_lines",
]

#: The outcomes the overview follows, in this order, when the data has them.
OVERVIEW_OUTCOMES: tuple[str, ...] = (
    "recovery_score",
    "hrv_rmssd",
    "hrv_sdnn",
    "resting_hr",
    "sleep_performance",
    "asleep_min",
)
#: Findings listed, and levers named, on the overview.
FINDINGS_SHOWN = 5
TOP_LEVERS = 3
#: Days from a behaviour to the outcome it is weighed against: the next morning.
NEXT_MORNING = 1
#: The smoothed line of an outcome: the mean of the last week's days with a value (at least
#: half of them), so that a trend shows through day-to-day noise.
SMOOTHING_DAYS = 7
SMOOTHING_MIN_DAYS = 4
#: A year of history: with many behaviours tested at once, about what a large effect needs
#: before it is found reliably (README, "What it needs").
YEAR_OF_DAYS = 365
_LIKELY = "likely effect"
LINE_COLOUR = "#2166ac"
MARK_COLOUR = "#e08214"
MARK_OPACITY = 0.35
CHART_HEIGHT = 150


# --- which outcomes -----------------------------------------------------------------------------
def overview_outcomes(daily: DailyData) -> list[str]:
    """The outcomes to follow: those of :data:`OVERVIEW_OUTCOMES` the data can weigh, in that
    order; without any of them, the Behaviours page's default outcome (or none)."""
    choices = outcome_choices(daily)
    chosen = [name for name in OVERVIEW_OUTCOMES if name in choices]
    return chosen or choices[:1]


# --- the strongest findings ---------------------------------------------------------------------
@dataclass(frozen=True)
class Findings:
    """Every behaviour weighed against every overview outcome, corrected as one family.

    Attributes
    ----------
    table : the impact rows of all outcomes (columns of
        :func:`~pga_core.stats.behaviour_impact`, with q-values and verdicts over all of them)
        and ``explanation``, the Behaviours page's sentences; outcomes in order, behaviours in
        table order.
    outcomes : the outcomes weighed.
    n_tests : the tests in the family behind the q-values.
    reason : why nothing could be weighed (empty when something was).
    """

    table: pd.DataFrame
    outcomes: tuple[str, ...]
    n_tests: int
    reason: str = ""

    def strongest(self, limit: int = FINDINGS_SHOWN) -> pd.DataFrame:
        """The tested rows, likely effects first, then by q and by size: at most ``limit``."""
        table = self.table
        if table.empty:
            return table
        tested = table[table["tested"].astype(bool)]
        size = tested["pct_change"].abs().fillna(tested["difference"].abs())
        ranked = tested.assign(
            _unlikely=tested["verdict"] != _LIKELY, _q=tested["q_value"].fillna(2.0), _size=-size
        ).sort_values(["_unlikely", "_q", "_size"], kind="stable")
        return ranked.drop(columns=["_unlikely", "_q", "_size"]).head(limit)

    def sentences(self, limit: int = FINDINGS_SHOWN) -> list[str]:
        """One sentence per strongest finding, with its interval, counts and q-value."""
        return [_sentence(note) for note in self.strongest(limit)["note"]]

    @property
    def likely_count(self) -> int:
        """How many rows are likely effects (q ≤ 0.10 over the whole family)."""
        return int((self.table["verdict"] == _LIKELY).sum()) if not self.table.empty else 0

    def for_outcome(self, outcome: str) -> pd.DataFrame:
        """The rows of one outcome, in table order (an impact table with the family's q)."""
        return self.table[self.table["outcome"] == outcome].reset_index(drop=True)


def findings(
    daily: DailyData,
    outcomes: Sequence[str] | None = None,
    *,
    lag: int = NEXT_MORNING,
    n_boot: int = EFFECT_N_BOOT,
    random_state: int = 0,
) -> Findings:
    """Weigh every yes/no behaviour against each outcome and correct all the tests together.

    Parameters
    ----------
    daily : the days in use.
    outcomes : default :func:`overview_outcomes`.
    lag : days from the behaviour to the outcome (1: the next morning).
    n_boot, random_state : as in :func:`~pga_core.stats.behaviour_impact`; each row's numbers
        are the Behaviours page's for the same outcome and lag (only q-values count more tests).

    Returns
    -------
    Findings
        Empty, with the reason, when there are no behaviours or no outcomes to weigh.
    """
    chosen = tuple(overview_outcomes(daily) if outcomes is None else outcomes)
    if not daily.names("behaviour"):
        return _none(chosen, "no yes/no behaviours (journal questions, habit ticks) to weigh")
    if not chosen:
        return _none(chosen, "no outcome with enough days to weigh behaviours against")
    try:
        tables = [
            behaviour_impact(daily, o, lag=lag, n_boot=n_boot, random_state=random_state)
            for o in chosen
        ]
    except ValueError as error:
        return _none(chosen, str(error))
    together = adjust_together(*tables)
    n_tests = int(sum(int(t["tested"].sum()) for t in together))
    explained = [_with_explanations(t, daily, n_tests) for t in together]
    return Findings(pd.concat(explained, ignore_index=True), chosen, n_tests)


def _none(outcomes: tuple[str, ...], reason: str) -> Findings:
    """No findings, and why."""
    return Findings(pd.DataFrame(columns=["outcome", "note", "verdict"]), outcomes, 0, reason)


def _with_explanations(table: pd.DataFrame, daily: DailyData, n_tests: int) -> pd.DataFrame:
    """An impact table with the Behaviours page's plain sentence of each row."""
    view = impact_view(table, daily, n_tests=n_tests)
    return table.assign(explanation=[view.explanation(b) for b in table["behaviour"]])


def _sentence(note: str) -> str:
    """A verdict note as a sentence of its own: capital first letter, full stop."""
    return f"{note[:1].upper()}{note[1:]}."


def marked_behaviour(found: Findings, daily: DailyData) -> str | None:
    """The behaviour marked on the outcome charts first: the strongest finding's, else the
    behaviour with the most yes days; None without behaviours."""
    strongest = found.strongest(1)
    if not strongest.empty:
        return str(strongest["behaviour"].iloc[0])
    names = daily.names("behaviour")
    if not names:
        return None
    yes_days = daily.table[names].eq(1.0).sum()
    return str(yes_days.idxmax())


# --- outcomes over time ---------------------------------------------------------------------------
def behaviour_days(daily: DailyData, behaviour: str) -> pd.DatetimeIndex:
    """The days a yes/no behaviour was ``yes``."""
    if behaviour not in daily.registry:
        raise ValueError(f"no behaviour named {behaviour!r}")
    column = daily.table[behaviour]
    return pd.DatetimeIndex(column.index[column.eq(1.0)], name="date")


def outcome_series(daily: DailyData, outcome: str) -> pd.DataFrame:
    """One outcome day by day on the calendar: ``date, value`` and ``smoothed`` (the mean of
    the last :data:`SMOOTHING_DAYS` days that have a value, given at least
    :data:`SMOOTHING_MIN_DAYS`); days without a value are left out."""
    values = daily.calendar()[outcome]
    smoothed = values.rolling(SMOOTHING_DAYS, min_periods=SMOOTHING_MIN_DAYS).mean()
    frame = pd.DataFrame({"date": values.index, "value": values.to_numpy(), "smoothed": smoothed})
    return frame[frame["value"].notna()].reset_index(drop=True)


def outcome_chart(daily: DailyData, outcome: str, behaviour: str | None = None) -> alt.LayerChart:
    """One outcome over time: each day (thin), the week's mean (thick), and a faint vertical
    line on every day the ``behaviour`` was yes. Follows the container's width.

    The outcome's unit is the axis title; its label and the behaviour's (which a person may
    have written) are the page's to show as text.
    """
    series = outcome_series(daily, outcome)
    unit = daily.registry[outcome].unit
    x = alt.X("date:T", title=None)
    y = alt.Y("value:Q", title=unit or None, scale=alt.Scale(zero=False))
    base = alt.Chart(series)
    daily_line = base.mark_line(color=LINE_COLOUR, strokeWidth=1, opacity=0.45).encode(
        x=x, y=y, tooltip=[alt.Tooltip("date:T", title="day"), alt.Tooltip("value:Q", format=".3g")]
    )
    smooth_line = base.mark_line(color=LINE_COLOUR, strokeWidth=2.5).encode(
        x=x, y=alt.Y("smoothed:Q", title=unit or None)
    )
    layers: list[alt.Chart] = []
    if behaviour is not None:
        days = pd.DataFrame({"date": behaviour_days(daily, behaviour)})
        days = days[days["date"].between(series["date"].min(), series["date"].max())]
        layers.append(
            alt.Chart(days)
            .mark_rule(color=MARK_COLOUR, opacity=MARK_OPACITY)
            .encode(x=alt.X("date:T", title=None))
        )
    return alt.LayerChart(layer=[*layers, daily_line, smooth_line]).properties(
        width="container", height=CHART_HEIGHT
    )


# --- levers -------------------------------------------------------------------------------------
def top_lever_lines(tree_fit: TreeFit, limit: int = TOP_LEVERS) -> list[str]:
    """The sentences of the levers a person controls, best ranked first, at most ``limit``
    (empty when the top goal could not be fitted or nothing is controllable)."""
    if tree_fit.root is None:
        return []
    levers = levers_in_words(leverage(tree_fit), tree_fit)
    return lever_lines(levers, controllable=True)[:limit]


# --- what to import next --------------------------------------------------------------------------
#: What adds a kind of data that the overview uses, when the data lacks all of its columns.
_SUGGESTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("recovery_score", "hrv_rmssd", "hrv_sdnn", "resting_hr"),
        "No recovery, HRV or resting heart rate: a WHOOP, Oura or Apple Watch export adds them.",
    ),
    (
        ("asleep_min", "sleep_performance"),
        "No sleep: a WHOOP, Oura or Apple Watch export adds the time you slept.",
    ),
    (("vo2_max",), "No VO₂ max: an Apple Watch export adds it."),
    (
        ("zone5_min",),
        "No time in heart-rate zones: a WHOOP export's workouts add minutes per zone.",
    ),
)


def import_suggestions(daily: DailyData, *, is_sample: bool = False) -> list[str]:
    """What to import next to learn more, one sentence each (empty: nothing obvious is missing).

    Parameters
    ----------
    daily : the days in use.
    is_sample : the sample person is shown (the first suggestion is then the person's own data).
    """
    lines = []
    if is_sample:
        lines.append(
            "This is the sample person: import your own exports on the Data page to see your "
            "own overview."
        )
    if not daily.names("behaviour") and not daily.names("habit"):
        outcomes = overview_outcomes(daily)
        what = daily.registry[outcomes[0]].label if outcomes else "your outcomes"
        lines.append(
            "No habit or journal data: import a habit app or a daily CSV (or answer WHOOP's "
            f"journal) to see what moves {what}."
        )
    present = {name for name in daily.registry if daily.table[name].notna().any()}
    lines.extend(line for names, line in _SUGGESTIONS if present.isdisjoint(names))
    if 0 < daily.days < YEAR_OF_DAYS:
        lines.append(
            f"{plural(daily.days, 'day')} so far: with many behaviours weighed at once, it takes "
            "about a year of history to find even a large effect reliably. Keep logging."
        )
    return lines
