"""A report to share with a coach or a doctor: one self-contained HTML file.

The overview (outcomes over time, the strongest findings, the top levers, what to import next),
the behaviour impact chart and table, the goal tree with its levers, each with its interval, and
what these numbers cannot tell. It opens offline and anywhere: no script, font, style sheet or
image is loaded from elsewhere (the charts are inline SVG drawn by :mod:`._svg`), and every text
that came from a person or an export is HTML-escaped, so a journal question written like
``<b>x</b>`` or ``**x**`` reads exactly as written. A browser's "Print → Save as PDF" makes a
PDF of it (the page has print styles).
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data import DailyData
from pga_core.goals import GoalNode, GoalTree, TreeFit, default_tree, fit_tree, leverage
from pga_core.views._behaviours import (
    LIKELY_HIGHER,
    LIKELY_LOWER,
    describe_variable,
    impact_view,
)
from pga_core.views._charts import DOWN_COLOUR, NEUTRAL_COLOUR, UP_COLOUR
from pga_core.views._data import overview
from pga_core.views._goal_results import fit_headline, score_summary, weights_display
from pga_core.views._gradient import levers_in_words, levers_table
from pga_core.views._overview import (
    FINDINGS_SHOWN,
    Findings,
    behaviour_days,
    import_suggestions,
    outcome_series,
    top_lever_lines,
)
from pga_core.views._svg import IntervalRow, intervals_svg, timeline_svg
from pga_core.words import EFFECT_DIGITS, lag_words, number, plural, signed

__all__ = [
    "BEHAVIOUR_LIMITS",
    "LEVER_LIMITS",
    "REPORT_N_BOOT",
    "report_file_name",
    "report_fit",
    "report_html",
]

#: Bootstrap resamples when the report fits the default tree itself (as the Goals page does).
REPORT_N_BOOT = 200
TITLE = "Personal Gradient Ascent — findings to share"
#: A table cell longer than this is prose and gets a wide column.
PROSE = 80
#: What the behaviour statistics cannot tell (the README's "What it cannot tell you").
BEHAVIOUR_LIMITS: tuple[str, ...] = (
    "Association, not causation. These are patterns in one person's own history. What comes "
    "along with a behaviour (late nights and travel with drinking, rest days with a sauna) "
    "cannot be told apart from it unless it was recorded too.",
    "Built-in relations. Recovery is computed from sleep, HRV and resting heart rate, so a "
    "behaviour that is part of how an outcome is computed is marked “built in” and never "
    "reported as a finding.",
    "No clear effect is not no effect. It means the data cannot tell; the interval shows how "
    "large an effect is still possible.",
    "Many tests at once. Every behaviour was weighed against every outcome; the q-values count "
    "all of those tests, and an effect is called likely only at q ≤ 0.10 — so about one in ten "
    "likely effects may still be chance.",
    "Other delays. Only the outcome the next morning is weighed here; effects that take longer "
    "to show are not.",
)
#: What the levers of a goal tree cannot tell (the README's "What leverage cannot tell you").
LEVER_LIMITS: tuple[str, ...] = (
    "Correlation is not causation. The weights describe how the goals moved together with their "
    "inputs; a lever that only travels with the real cause gets credit it does not deserve.",
    "Sustained change. A lever's effect assumes the change is kept up every day; a one-off "
    "change does far less.",
    "No extrapolation. Effects are learned within the range this person lived; outside it the "
    "answer is a guess.",
    "Slowly drifting measurements (body fat, VO₂ max) can look related by chance over a couple "
    "of years, and their intervals can be too narrow.",
)
_STYLE = """
body{font-family:system-ui,sans-serif;color:#222;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.2rem}
.meta{color:#555}table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;white-space:nowrap}td.t{min-width:24rem}.note{color:#555;font-size:.9rem}
li{margin:.25rem 0}svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}svg,tr{break-inside:avoid}}
"""
_FINDING_COLOURS = {LIKELY_LOWER: DOWN_COLOUR, LIKELY_HIGHER: UP_COLOUR}


def _e(value: object) -> str:
    """Text safe in HTML: ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape(str(value), quote=True)


def report_file_name(made_on: date) -> str:
    """``pga-report-2024-12-31.html``."""
    return f"pga-report-{made_on:%Y-%m-%d}.html"


def report_fit(
    daily: DailyData,
    fit: TreeFit | None = None,
    *,
    tree: GoalTree | None = None,
    n_boot: int = REPORT_N_BOOT,
) -> tuple[TreeFit | None, str]:
    """The goal-tree fit the report shows, and a note on where it comes from.

    Parameters
    ----------
    daily : the days in use.
    fit : a fit made already (on these days); without one, ``tree`` (default: the default
        tree) is fitted now, which takes a second or so.
    tree, n_boot : what to fit when no fit is given, and with how many bootstrap resamples.

    Returns
    -------
    (fit, note)
        ``fit`` is None when no tree could be fitted; ``note`` then says why.
    """
    if fit is not None:
        return fit, ""
    try:
        goal_tree = default_tree() if tree is None else tree
        made = fit_tree(goal_tree, daily, n_boot=n_boot)
    except ValueError as error:
        return None, f"No goal tree could be fitted on these days: {error}"
    return made, (
        f"No goal tree had been fitted on these days, so the tree {made.tree.root.name!r} was "
        f"fitted for this report ({plural(n_boot, 'bootstrap resample')})."
    )


def report_html(
    daily: DailyData,
    found: Findings,
    *,
    label: str,
    days: str,
    fit: TreeFit | None,
    fit_note: str = "",
    made_on: date,
    marked: str | None = None,
) -> str:
    """The whole report as one HTML document.

    Parameters
    ----------
    daily : the days in use (already cut to the date range).
    found : :func:`pga_core.views.findings` of ``daily``.
    label : whose data it is (``Your data``, ``Sample person``).
    days : the days in use in words (:func:`pga_core.views.days_in_use`).
    fit : the goal tree's fit to show (None: the report says there is none, with ``fit_note``).
    fit_note : where the fit comes from, or why there is none.
    made_on : the day the report is made.
    marked : the behaviour whose days the outcome charts mark (None: none marked).

    Returns
    -------
    str
        A complete HTML5 document (UTF-8) that loads nothing from anywhere else.
    """
    sections = [
        _overview_section(daily, found, fit, marked),
        _impact_section(daily, found),
        _goals_section(fit, fit_note),
        _limits_section(),
    ]
    _, sources = overview(daily)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(TITLE)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(TITLE)}</h1>\n"
        f'<p class="meta">{_e(label)}. {_e(days)} {_e(sources)}</p>\n'
        f'<p class="meta">Made on {made_on:%Y-%m-%d} by Personal Gradient Ascent, on the '
        "person's own computer: no data was sent anywhere to make it.</p></header>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


# --- sections -------------------------------------------------------------------------------------
def _overview_section(
    daily: DailyData, found: Findings, fit: TreeFit | None, marked: str | None
) -> str:
    """Outcomes over time, the strongest findings, the top levers, what to import next."""
    parts = ['<section id="overview">', "<h2>Overview</h2>", "<h3>Outcomes over time</h3>"]
    marks = pd.DatetimeIndex([]) if marked is None else behaviour_days(daily, marked)
    if marked is not None:
        parts.append(
            f'<p class="note">Thin line: each day; thick line: the mean of the last 7 days; '
            f"orange lines: the days with {_e(describe_variable(daily, marked))}.</p>"
        )
    for outcome in found.outcomes:
        what = describe_variable(daily, outcome)
        unit = daily.registry[outcome].unit
        parts.append(f"<h4>{_e(what)}</h4>")
        parts.append(
            timeline_svg(
                outcome_series(daily, outcome),
                marks,
                unit=f" {unit}" if unit else "",
                title=f"{what} over time",
            )
        )
    parts.append("<h3>Strongest findings</h3>")
    if found.reason:
        parts.append(f"<p>Nothing could be weighed: {_e(found.reason)}.</p>")
    else:
        parts.append(
            f'<p class="note">{_e(_family_words(found))}</p>'
            + _list(found.sentences(FINDINGS_SHOWN), ordered=True)
        )
    parts.append("<h3>Top levers</h3>")
    lines = [] if fit is None else top_lever_lines(fit)
    parts.append(
        _list(lines, ordered=False)
        if lines
        else "<p>No levers to show: see “Goal tree and levers” below.</p>"
    )
    parts.append("<h3>What to import next</h3>")
    suggestions = import_suggestions(daily)
    parts.append(
        _list(suggestions, ordered=False)
        if suggestions
        else "<p>Nothing obvious is missing from these data.</p>"
    )
    parts.append("</section>")
    return "\n".join(parts)


def _family_words(found: Findings) -> str:
    """How the findings were made, in one sentence."""
    return (
        f"Every yes/no behaviour was weighed against each outcome {lag_words(1)}: "
        f"{plural(found.n_tests, 'test')}, corrected together (Benjamini–Hochberg); "
        f"{plural(found.likely_count, 'likely effect')} at q ≤ 0.10. Likely effects first, "
        "then the clearest of the rest."
    )


def _impact_section(daily: DailyData, found: Findings) -> str:
    """The impact chart and table of the first outcome."""
    parts = ['<section id="behaviours">']
    if found.reason or not found.outcomes:
        parts.append("<h2>Behaviour impact</h2>")
        parts.append(f"<p>Nothing could be weighed: {_e(found.reason or 'no outcomes')}.</p>")
        return "\n".join([*parts, "</section>"])
    outcome = found.outcomes[0]
    view = impact_view(found.for_outcome(outcome), daily, n_tests=found.n_tests)
    what = describe_variable(daily, outcome)
    unit = f" {view.unit}" if view.unit else ""
    parts.append(f"<h2>Behaviour impact on {_e(what)} {_e(lag_words(1))}</h2>")
    parts.append(
        '<p class="note">For each yes/no behaviour: the change in the outcome after “yes” days '
        "compared with “no” days (a bar and a dot), with its 95 % interval (the whisker). "
        "Coloured: likely effects (q ≤ 0.10, counting every test in this report). Grey: no "
        "clear effect, or built in.</p>"
    )
    rows = [
        IntervalRow(
            label=row.row,
            estimate=float(row.effect),
            low=float(row.effect_low),
            high=float(row.effect_high),
            colour=_FINDING_COLOURS.get(row.finding, NEUTRAL_COLOUR),
        )
        for row in view.chart.itertuples(index=False)
    ]
    parts.append(intervals_svg(rows, unit=unit, title=f"Behaviour impact on {what}"))

    def change(value: Any) -> str:
        return signed(float(value), unit, digits=EFFECT_DIGITS, trim=True)

    def level(value: Any) -> str:
        return number(float(value), digits=EFFECT_DIGITS, trim=True)

    def q(value: Any) -> str:
        return number(float(value), digits=2)

    table = view.table.drop(columns=["p"])
    formats = {"Change": change, "Interval low": change, "Interval high": change,
               "Mean after yes": level, "Mean after no": level, "q": q}  # fmt: skip
    parts.append(_table(table, formats))
    parts.append("</section>")
    return "\n".join(parts)


def _goals_section(fit: TreeFit | None, note: str) -> str:
    """The goal tree as fitted, each goal's check and weights, and the ranked levers."""
    parts = ['<section id="goals">', "<h2>Goal tree and levers</h2>"]
    if note:
        parts.append(f'<p class="note">{_e(note)}</p>')
    if fit is None:
        parts.append("<p>No goal tree is fitted, so there are no levers to report.</p>")
        return "\n".join([*parts, "</section>"])
    parts.append(f"<p>{_e(fit_headline(fit))}</p>")
    parts.append(_tree_outline(fit.tree.root, fit))
    parts.extend(f"<p>Not fitted: {_e(problem.message)}</p>" for problem in fit.problems)
    for node_fit in fit.fits.values():
        label = fit.variables.get(node_fit.target, {}).get("label") or node_fit.target
        parts.append(f"<h3>{_e(node_fit.name)} — predicts {_e(label)}</h3>")
        parts.append(f"<p>{_e(score_summary(node_fit, str(label)).sentence)}</p>")
        parts.append(_table(weights_display(node_fit), {}))
    if fit.root is None:
        parts.append("<p>The top goal could not be fitted, so there are no levers.</p>")
        return "\n".join([*parts, "</section>"])
    levers = levers_in_words(leverage(fit), fit)
    parts.append("<h3>Levers, ranked</h3>")
    parts.append(
        '<p class="note">Each lever’s effect on the top goal when it is one standard deviation '
        "higher every day, carried up the tree (the chain rule), with its 95 % interval.</p>"
    )
    rows = [
        IntervalRow(
            label=row.label,
            estimate=float(row.per_sd),
            low=float(row.ci_low),
            high=float(row.ci_high),
            colour=UP_COLOUR if row.per_sd >= 0 else DOWN_COLOUR,
        )
        for row in levers.itertuples(index=False)
    ]
    parts.append(intervals_svg(rows, unit="", title="Levers on the top goal"))
    parts.append(_list(list(levers["sentence"]), ordered=True))
    parts.append(_table(levers_table(levers), {}))
    parts.append("</section>")
    return "\n".join(parts)


def _tree_outline(node: GoalNode, fit: TreeFit) -> str:
    """The tree as nested lists: each goal, what it predicts, and its inputs."""
    fitted = fit.fits.get(node.name)
    state = "fitted" if fitted is not None else "not fitted"
    children = "".join(_tree_outline(child, fit) for child in node.children)
    inputs = ", ".join(node.inputs)
    return (
        f"<ul><li><strong>{_e(node.name)}</strong> predicts {_e(node.target)} ({state}) from "
        f"{_e(inputs)}{children}</li></ul>"
    )


def _limits_section() -> str:
    """What the behaviour statistics and the levers cannot tell."""
    return "\n".join(
        [
            '<section id="limits">',
            "<h2>What this cannot tell you</h2>",
            "<h3>The behaviour findings</h3>",
            _list(BEHAVIOUR_LIMITS, ordered=False),
            "<h3>The levers</h3>",
            _list(LEVER_LIMITS, ordered=False),
            "</section>",
        ]
    )


# --- HTML pieces ----------------------------------------------------------------------------------
def _list(items: Sequence[str], *, ordered: bool) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_e(item)}</li>" for item in items) + f"</{tag}>"


def _table(frame: pd.DataFrame, formats: Mapping[str, Callable[[Any], str]]) -> str:
    """A table with every cell escaped; numbers right-aligned, formatted per column."""
    head = "".join(f"<th>{_e(column)}</th>" for column in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            is_number = isinstance(value, numbers.Number) and not isinstance(value, bool | np.bool_)
            text = formats[column](value) if column in formats else _cell(value)
            css = ' class="n"' if is_number else (' class="t"' if len(text) > PROSE else "")
            cells.append(f"<td{css}>{_e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell(value: Any) -> str:
    """A cell without a format of its own."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return number(float(value), digits=EFFECT_DIGITS, trim=True)
    return "" if value is None else str(value)
