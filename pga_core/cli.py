"""Command-line interface: ``python -m pga_core COMMAND ...``.

Every command reports bad input as one plain line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pga_core.data import DailyData, Workspace
from pga_core.data.readers import read_exports
from pga_core.experiments import (
    ABANDONED,
    COMPLETE,
    CONDITION_LETTERS,
    DEFAULT_CHANGE_PCT,
    METHODS,
    ExperimentPlan,
    PowerReport,
    adherence,
    analyse_experiment,
    calendar_csv,
    calendar_ics,
    outcome_history,
    plan_experiment,
    plan_power,
)
from pga_core.goals import (
    GoalTree,
    LeftOut,
    NodeFit,
    StarterTree,
    TreeFit,
    fit_tree,
    leverage,
    read_tree,
    starter_tree,
    tree_text,
)
from pga_core.sample import generate_person, write_sample
from pga_core.stats import (
    DISCOVERY_Q,
    EFFECT_N_BOOT,
    MIN_DAYS_PER_GROUP,
    behaviour_impact,
    impact_records,
)
from pga_core.views import (
    ALL_DAYS,
    CUSTOM_RANGE,
    DEFAULT_PERIOD_DAYS,
    DEFAULT_TREE_NAME,
    DEFAULT_WEEKS,
    SINCE_A_DATE,
    change_unit,
    comparison_table,
    conditions_from_text,
    days_csv,
    days_in_use,
    days_json,
    experiment_state,
    experiments_table,
    findings,
    fit_from_document,
    fit_json,
    left_out_sentences,
    lever_choices,
    levers_in_words,
    marked_behaviour,
    outcome_choices,
    pairs_for_weeks,
    parse_day,
    plan_day_table,
    plan_lines,
    power_json,
    power_lines,
    power_options,
    progress_lines,
    range_words,
    report_fit,
    report_html,
    result_lines,
    tree_outline,
)
from pga_core.words import EFFECT_DIGITS, lag_words, plural, signed

__all__ = ["add_range_arguments", "add_workspace_argument", "main", "open_workspace"]

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one plain line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    """A command line that does not parse."""


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="python -m pga_core",
        description="Personal Gradient Ascent: import exports, weigh behaviours, fit goal trees.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for register in _COMMANDS:
        register(commands)
    return parser


_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit status."""
    try:
        args = _build_parser().parse_args(argv)
        return int(args.run(args) or 0)
    except (_UsageError, ValueError, TypeError, OSError, KeyError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}".replace("\n", " "), file=sys.stderr)
        return EXIT_BAD_INPUT


# --- shared by the commands that use the workspace ------------------------------------------------
def add_workspace_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--workspace W`` (default: ``$PGA_WORKSPACE``, else ``~/.pga/workspace.sqlite``)."""
    parser.add_argument(
        "--workspace",
        metavar="W",
        default=None,
        help="workspace file (default: $PGA_WORKSPACE, else ~/.pga/workspace.sqlite)",
    )


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The workspace named by ``--workspace``, ``$PGA_WORKSPACE`` or the default, in that order."""
    return Workspace(getattr(args, "workspace", None))


def add_range_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--from DAY`` and ``--to DAY`` (ISO dates, both included; default: all days)."""
    for flag, end in (("--from", "first"), ("--to", "last")):
        parser.add_argument(
            flag,
            dest=f"date_{flag[2:]}",
            metavar="YYYY-MM-DD",
            type=_day,
            default=None,
            help=f"{end} day to use, included (default: the data's {end} day)",
        )


def _day(text: str) -> date:
    """An ISO date from the command line; a usage error (one line, exit 2) otherwise."""
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _days_to_use(args: argparse.Namespace) -> tuple[DailyData, str, Workspace | None]:
    """The exports named as PATHs, read alone (no workspace), or else the workspace's days,
    within ``--from``/``--to`` when the command has them; with where they came from.
    ValueError when there are no days."""
    if args.paths:
        daily, where, workspace = read_exports(args.paths), ", ".join(args.paths), None
    else:
        workspace = open_workspace(args)
        daily, where = workspace.daily(), str(workspace.path)
    if daily.days == 0:
        raise ValueError(
            f"{where}: no days of data; import exports first (python -m pga_core import PATH...) "
            f"or name them after {args.command}"
        )
    first, last = getattr(args, "date_from", None), getattr(args, "date_to", None)
    try:
        in_range = daily.between(first, last)
    except ValueError as error:
        raise ValueError(f"--from/--to: {error}") from error
    if in_range.days == 0:
        raise ValueError(
            f"{where}: no days of data between --from {first or 'the first day'} and --to "
            f"{last or 'the last day'}; the data run {range_words(daily)}"
        )
    return in_range, where, workspace


# --- import ---------------------------------------------------------------------------------------
def _register_import(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="add exports to the workspace",
        description="Add exports (files, folders or zips) to the workspace. Importing the same "
        "files again changes nothing; a newer export updates the days that differ.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="export file, folder or zip")
    add_workspace_argument(parser)
    parser.set_defaults(run=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    summary = workspace.import_sources(args.paths)
    for line in summary.lines():
        print(line)
    log = workspace.imports()
    if len(log):
        first, last = log["first_day"].min(), log["last_day"].max()
        span = f", {first:%Y-%m-%d} to {last:%Y-%m-%d}" if pd.notna(first) else ""
        print(f"workspace {workspace.path}: {len(log)} import{'s' if len(log) != 1 else ''}{span}")
    return 0


# --- sample ---------------------------------------------------------------------------------------
def _register_sample(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "sample",
        help="write a synthetic person's exports",
        description="Write a synthetic person's WHOOP, Apple Health and habit exports, with "
        "planted effects (see data/README.md).",
    )
    parser.add_argument("outdir", metavar="OUTDIR", help="folder to write into")
    parser.add_argument("--days", type=int, default=730, help="number of days (default 730)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(run=_run_sample)


def _run_sample(args: argparse.Namespace) -> int:
    person = generate_person(args.days, seed=args.seed)
    written = write_sample(person, args.outdir)
    last = person.export_day
    print(
        f"sample person (seed {person.seed}): {person.days} days, "
        f"{person.start:%Y-%m-%d} to {last:%Y-%m-%d}"
    )
    for relative, path in written.items():
        print(f"  {relative}  ({path.stat().st_size:,} bytes)")
    alcohol = person.truth["have_any_alcoholic_drinks_pct_change_recovery"]
    print(f"planted: recovery {alcohol:+.1f} % the morning after drinking; see data/README.md")
    return 0


_COMMANDS.extend([_register_import, _register_sample])


# --- fit ------------------------------------------------------------------------------------------
def _register_fit(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "fit",
        help="fit a goal tree, print weights and leverage",
        description="Fit a goal tree (JSON, see data/goals.json) to exports given as PATHs, or to "
        "the workspace's data when none are given (the fit is then saved in the workspace under "
        "the goal file's name). Without --goals, a starter tree is built from the columns the "
        "data hold (see the README) and printed first. Prints each goal's weights with 95 %% "
        "intervals and its walk-forward check, then the levers ranked by their effect on the "
        "top goal.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="export file, folder or zip")
    parser.add_argument(
        "--goals", metavar="FILE", default=None,
        help="goal tree (JSON file); without it, a starter tree is built from the data",
    )  # fmt: skip
    parser.add_argument(
        "--top", metavar="NAME", default=None,
        help="without --goals: the column the starter tree's top goal predicts (default: the "
        "health index when the data have two of its parts)",
    )  # fmt: skip
    parser.add_argument(
        "--save-goals", metavar="FILE", default=None,
        help="write the goal tree that was fitted to FILE (JSON), to edit it",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--boot", type=int, default=200, metavar="N", help="bootstrap resamples (default 200)"
    )
    add_workspace_argument(parser)
    add_range_arguments(parser)
    parser.set_defaults(run=_run_fit)


def _run_fit(args: argparse.Namespace) -> int:
    if args.boot < 0:
        raise ValueError(f"--boot: expected a number of resamples, 0 or more, got {args.boot}")
    if args.goals is not None and args.top is not None:
        raise ValueError(
            "--top: chooses the starter tree's top goal; it cannot be used with --goals"
        )
    tree = _read_goals(Path(args.goals)) if args.goals is not None else None
    daily, where, workspace = _days_to_use(args)
    starter = None
    if tree is None:
        try:
            starter = starter_tree(daily, top=args.top)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from error
        tree = starter.tree
    try:
        result = fit_tree(tree, daily, n_boot=args.boot)
    except ValueError as error:
        raise ValueError(f"{args.goals or where}: {error}") from error
    name = Path(args.goals).stem if args.goals is not None else DEFAULT_TREE_NAME
    if workspace is not None:
        workspace.save_goals(name, tree.to_json())
        workspace.save_fit(name, fit_json(result))
    if args.save_goals is not None:
        _write_goals(Path(args.save_goals), tree)
    if args.json:
        document = fit_json(result, include_state=False)
        if starter is not None:
            document["left_out"] = [_left_out_record(left) for left in starter.left_out]
        print(json.dumps(document, ensure_ascii=False, allow_nan=False))
        return 0
    if starter is not None:
        for line in _starter_report(starter, daily, args.save_goals):
            print(line)
    for line in _fit_report(result, daily):
        print(line)
    if workspace is not None:
        print(f"saved as {name!r} in the workspace {workspace.path}")
    return 0


def _left_out_record(left: LeftOut) -> dict[str, str]:
    """What was left out of the starter tree, as JSON."""
    return {"goal": left.goal, "input": left.expression, "kind": left.kind,
            "message": left.message}  # fmt: skip


def _starter_report(starter: StarterTree, daily: DailyData, saved_to: str | None) -> list[str]:
    """The starter tree in words, what was left out of it, and where it was written."""
    lines = ["starter goal tree built from the columns of the data (no --goals given):"]
    lines.extend(f"  {line}" for line in tree_outline(starter.tree, daily))
    if starter.left_out:
        lines.append("left out:")
        lines.extend(f"  {left.message}" for left in starter.left_out)
    if saved_to is not None:
        lines.append(f"the tree was written to {saved_to} (JSON); edit it and fit it with --goals")
    else:
        lines.append("write it as JSON with --save-goals FILE, edit it, and fit it with --goals")
    lines.append("")
    return lines


def _write_goals(path: Path, tree: GoalTree) -> None:
    """Write the tree as JSON; ValueError naming the file when it cannot be written."""
    try:
        path.write_text(tree_text(tree) + "\n", encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path}: the goal tree cannot be written ({error})") from error


def _read_goals(path: Path) -> GoalTree:
    """The goal tree in a JSON file; ValueError naming the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ValueError(f"{path}: no such goal file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read as a text file ({error})") from error
    return read_tree(text, where=str(path))


def _fit_report(result: TreeFit, daily: DailyData) -> list[str]:
    """The fit as plain-text tables: each goal's weights and check, then the ranked levers."""
    first, last = daily.table.index.min(), daily.table.index.max()
    lines = [
        f"goal tree {result.tree.root.name!r}: {len(result.fits)} of {len(result.tree.nodes)} "
        f"goals fitted on {daily.days:,} days ({first:%Y-%m-%d} to {last:%Y-%m-%d}); "
        f"95 % intervals from {result.settings['n_boot']} block-bootstrap resamples"
    ]
    for fit in result.fits.values():
        lines.extend(["", *_node_report(fit, result)])
    if result.problems:
        lines.extend(["", "not fitted:", *(f"  {p.message}" for p in result.problems)])
    levers = levers_in_words(leverage(result), result)
    root = result.tree.root
    lines.append("")
    if levers.empty:
        lines.append(f"no levers: the top goal {root.name!r} could not be fitted")
        return lines
    lines.append(
        f"levers on {root.target} ({root.name}), ranked by the effect of a sustained change of "
        "one standard deviation (the same change on every day):"
    )
    width = max(len(i) for i in levers["input"])
    for rank, row in enumerate(levers.itertuples(index=False), start=1):
        who = "you control it" if row.controllable else "not directly controllable"
        lines.append(
            f"{rank:>3}. {row.input:<{width}}  per SD {row.per_sd:+9.3g} "
            f"({row.ci_low:+.3g} to {row.ci_high:+.3g})  per unit {row.per_unit:+.3g}  {who}"
        )
        lines.append(f"     {row.sentence}")
    return lines


def _node_report(fit: NodeFit, result: TreeFit) -> list[str]:
    """One goal: what it predicts, its walk-forward check and its weights table."""
    weights = fit.weights_table()
    width = max(len("input"), *(len(i) for i in weights["input"]))
    lines = [
        f"{fit.name} — predicts {fit.target} ({fit.model} model, {fit.n_rows:,} days)",
        f"  {fit.verdict}",
        *(f"  note: {n}" for n in fit.notes),
        *(f"  left out: {n}" for n in left_out_sentences(fit, result)),
        f"  {'input':<{width}}  {'per SD':>9}  {'95 % CI':^21}  {'per unit':>10}",
    ]
    for row in weights.itertuples(index=False):
        interval = f"({row.ci_low:+.3g} to {row.ci_high:+.3g})"
        per_sd, per_unit = f"{row.weight_sd:+9.3g}", f"{row.weight_unit:+10.3g}"
        lines.append(f"  {row.input:<{width}}  {per_sd}  {interval:^21}  {per_unit}")
    return lines


_COMMANDS.append(_register_fit)


# --- impact ---------------------------------------------------------------------------------------
#: Order of the verdicts in the readable impact table.
_VERDICT_ORDER = ("likely effect", "no clear effect", "built in", "not enough data")


def _register_impact(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "impact",
        help="behaviour impact table",
        description="How an outcome differs after days each yes/no behaviour was 'yes' compared "
        "with 'no': the change with its 95 %% interval (block bootstrap), a p-value that "
        "respects day-to-day autocorrelation (rotation test) and Benjamini–Hochberg q-values "
        "over every behaviour tested. Works on the exports given as PATHs (the workspace is "
        "left untouched), or on the workspace's data when none are given.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="export file, folder or zip")
    parser.add_argument(
        "--outcome", required=True, metavar="NAME", help="outcome column, e.g. recovery_score"
    )
    parser.add_argument(
        "--lag", type=int, default=1, metavar="K",
        help="days from the behaviour to the outcome (default 1: the next morning)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--weekday", action="store_true", help="take out the outcome's day-of-week pattern first"
    )
    parser.add_argument(
        "--min-days", type=int, default=MIN_DAYS_PER_GROUP, metavar="N",
        help=f"fewest yes and fewest no days for an answer (default {MIN_DAYS_PER_GROUP})",
    )  # fmt: skip
    parser.add_argument(
        "--boot", type=int, default=EFFECT_N_BOOT, metavar="N",
        help=f"bootstrap resamples for the intervals (default {EFFECT_N_BOOT:,})",
    )  # fmt: skip
    add_workspace_argument(parser)
    add_range_arguments(parser)
    parser.set_defaults(run=_run_impact)


def _run_impact(args: argparse.Namespace) -> int:
    for flag, value, least, what in (
        ("--lag", args.lag, 0, "a number of days, 0 or more"),
        ("--min-days", args.min_days, 1, "a number of days, 1 or more"),
        ("--boot", args.boot, 1, "a number of resamples, 1 or more"),
    ):
        if value < least:
            raise ValueError(f"{flag}: expected {what}, got {value}")
    daily, where, _ = _days_to_use(args)
    if args.outcome not in daily.table.columns:
        choices = ", ".join(outcome_choices(daily)) or "none (no numeric measurements)"
        raise ValueError(f"{where}: no column {args.outcome!r} for --outcome; outcomes: {choices}")
    try:
        table = behaviour_impact(
            daily,
            args.outcome,
            lag=args.lag,
            min_days=args.min_days,
            n_boot=args.boot,
            adjust_weekday=args.weekday,
        )
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from error
    if args.json:
        print(json.dumps(impact_records(table), ensure_ascii=False, allow_nan=False))
        return 0
    for line in _impact_report(table, daily, n_boot=args.boot, min_days=args.min_days):
        print(line)
    return 0


def _impact_order(table: pd.DataFrame) -> pd.DataFrame:
    """Likely effects first, then no clear effect, built in, not enough data; within each,
    the lowest q first, then the largest change."""
    rank = table["verdict"].map({v: i for i, v in enumerate(_VERDICT_ORDER)})
    size = table["pct_change"].abs().fillna(table["difference"].abs())
    ordered = table.assign(_rank=rank, _q=table["q_value"].fillna(2.0), _size=-size)
    return ordered.sort_values(["_rank", "_q", "_size"], kind="stable", na_position="last")


def _impact_report(
    table: pd.DataFrame, daily: DailyData, *, n_boot: int, min_days: int
) -> list[str]:
    """The impact table as plain text: a header, one line per behaviour, the likely effects."""
    outcome = daily.registry[str(table["outcome"].iloc[0])]
    lag = int(table["lag"].iloc[0])
    enough = table["enough_data"].to_numpy(dtype=bool)
    percent = bool(np.isfinite(table.loc[enough, "pct_change"].to_numpy(dtype=float)).all())
    unit = " %" if percent else (f" {outcome.unit}" if outcome.unit else "")
    tested = int(table["tested"].sum())
    first, last = daily.table.index.min(), daily.table.index.max()
    adjusted = (
        ", adjusted for the day of the week" if bool(table["weekday_adjusted"].iloc[0]) else ""
    )
    lines = [
        f"{outcome.label} ({outcome.name}) {lag_words(lag)} after each yes/no behaviour: "
        f"{plural(len(table), 'behaviour')}, {plural(daily.days, 'day')} "
        f"({first:%Y-%m-%d} to {last:%Y-%m-%d})"
        f"{adjusted}",
        f"change = mean after yes vs after no{' in %' if percent else ''}; 95 % intervals from "
        f"{plural(n_boot, 'block-bootstrap resample')}; q = Benjamini–Hochberg over the "
        f"{plural(tested, 'test')}; likely effect at q <= {DISCOVERY_Q:.2f}; "
        f"at least {min_days} yes and {min_days} no days needed",
        "",
    ]
    rows = _impact_order(table)
    width = max(len("behaviour"), *(len(str(n)) for n in rows["behaviour"]))
    lines.append(
        f"{'behaviour':<{width}}  {'yes':>5}  {'no':>5}  {'change':>10}  "
        f"{'95 % interval':<24}  {'q':>6}  verdict"
    )
    for row in rows.to_dict(orient="records"):
        if percent:
            effect, low, high = row["pct_change"], row["ci_low"], row["ci_high"]
        else:
            effect, low, high = row["difference"], row["diff_ci_low"], row["diff_ci_high"]
        # written as the pages write a change; with too few days, a change would be read as a
        # finding: show none
        change, low_text, high_text = (
            signed(v, unit, digits=EFFECT_DIGITS, trim=True) for v in (effect, low, high)
        )
        if not (row["enough_data"] and np.isfinite(effect)):
            change = "-"
        interval = f"({low_text} to {high_text})" if np.isfinite([low, high]).all() else "-"
        q = f"{row['q_value']:.2g}" if np.isfinite(row["q_value"]) else "-"
        lines.append(
            f"{row['behaviour']:<{width}}  {row['n_yes']:>5}  {row['n_no']:>5}  {change:>10}  "
            f"{interval:<24}  {q:>6}  {row['verdict']}"
        )
    likely = rows[rows["verdict"] == "likely effect"]
    if len(likely):
        lines.extend(["", "likely effects:", *(f"  {note}" for note in likely["note"])])
    return lines


_COMMANDS.append(_register_impact)


# --- days -----------------------------------------------------------------------------------------
def _register_days(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "days",
        help="print the daily table (CSV or JSON)",
        description="Print the merged daily table: one row per day, the date and every column. "
        "CSV by default (cells a spreadsheet would run as a formula are quoted); --json adds "
        "each column's label, unit, kind and source. Works on the exports given as PATHs (the "
        "workspace is left untouched), or on the workspace's data when none are given.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="export file, folder or zip")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="print CSV (the default)")
    output.add_argument("--json", action="store_true", help="print JSON")
    add_workspace_argument(parser)
    add_range_arguments(parser)
    parser.set_defaults(run=_run_days)


def _run_days(args: argparse.Namespace) -> int:
    daily, _, _ = _days_to_use(args)
    text = (
        json.dumps(days_json(daily), ensure_ascii=False, allow_nan=False) + "\n"
        if args.json
        else days_csv(daily)
    )
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `days | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes stdout at exit)
    return 0


_COMMANDS.append(_register_days)


# --- report ---------------------------------------------------------------------------------------
def _register_report(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report",
        help="write a report to share (one HTML file)",
        description="Write a self-contained HTML report of the exports given as PATHs (or of the "
        "workspace's data): the overview, the behaviour impact chart and table, the goal tree "
        "and its levers, each with its interval and what it cannot tell. It opens offline in "
        "any browser and loads nothing from elsewhere.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="export file, folder or zip")
    parser.add_argument("--out", required=True, metavar="FILE", help="HTML file to write")
    parser.add_argument(
        "--goals", metavar="FILE", default=None,
        help="goal tree to fit for the report (JSON; default: the default tree)",
    )  # fmt: skip
    parser.add_argument(
        "--boot", type=int, default=EFFECT_N_BOOT, metavar="N",
        help=f"bootstrap resamples for the behaviour intervals (default {EFFECT_N_BOOT:,})",
    )  # fmt: skip
    add_workspace_argument(parser)
    add_range_arguments(parser)
    parser.set_defaults(run=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    if args.boot < 1:
        raise ValueError(f"--boot: expected a number of resamples, 1 or more, got {args.boot}")
    tree = None if args.goals is None else _read_goals(Path(args.goals))
    daily, where, workspace = _days_to_use(args)
    found = findings(daily, n_boot=args.boot)
    fit, note = report_fit(daily, tree=tree)
    if args.date_to is not None:
        choice = CUSTOM_RANGE
    else:
        choice = ALL_DAYS if args.date_from is None else SINCE_A_DATE
    page = report_html(
        daily,
        found,
        label="Your data" if workspace is not None else f"Exports: {where}",
        days=days_in_use(daily, choice),
        fit=fit,
        fit_note=note,
        made_on=date.today(),
        marked=marked_behaviour(found, daily),
    )
    out = Path(args.out)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{out}: the report cannot be written ({error.strerror})") from error
    print(
        f"wrote {out} ({len(page.encode('utf-8')):,} bytes): {range_words(daily)}, "
        f"{plural(found.n_tests, 'test')}, {plural(found.likely_count, 'likely effect')}"
        + ("" if fit is None else f", goal tree {fit.tree.root.name!r}")
    )
    return 0


_COMMANDS.append(_register_report)


# --- experiment -----------------------------------------------------------------------------------
def _register_experiment(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "experiment",
        help="plan, follow and analyse a randomised on/off self-experiment",
        description="Turn a yes/no behaviour or habit into a randomised on/off trial: periods of "
        "a few days in pairs, the order within each pair a coin toss, analysed with a "
        "randomisation test of those coin tosses. Experiments live in the workspace; what you "
        "did each day is read from the behaviour's own column as you import new exports.",
    )
    actions = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    _add_experiment_plan(actions)
    _add_experiment_lookups(actions)
    _add_experiment_changes(actions)


def _add_experiment_plan(actions: argparse._SubParsersAction) -> None:
    plan = actions.add_parser(
        "plan",
        help="plan an experiment, weigh its power and save it",
        description="Plan an experiment on the workspace's data: which column to change, the "
        "two conditions (A, the change tried, against B), how long, and the outcome. Prints "
        "the plan, its power from simulated trials of your own outcome and the calendar, and "
        "saves it in the workspace (unless --dry-run).",
    )
    plan.add_argument("name", metavar="NAME", help="what to call the experiment")
    plan.add_argument("--behaviour", required=True, metavar="COLUMN", help="behaviour or habit")
    plan.add_argument("--outcome", required=True, metavar="COLUMN", help="outcome column")
    plan.add_argument("--on", default=None, metavar="RULE",
                      help="condition A's rule: yes, no, '<= 1', '0' (default yes)")  # fmt: skip
    plan.add_argument("--off", default=None, metavar="RULE",
                      help="condition B's rule (default no)")  # fmt: skip
    plan.add_argument("--on-name", default="", metavar="TEXT", help="condition A's name")
    plan.add_argument("--off-name", default="", metavar="TEXT", help="condition B's name")
    length = plan.add_mutually_exclusive_group()
    length.add_argument("--pairs", type=int, default=None, metavar="N",
                        help="pairs of periods (default: as many as --weeks allow)")  # fmt: skip
    length.add_argument(
        "--weeks", type=float, default=None, metavar="W",
        help=f"how long you can keep it up, in weeks (default {DEFAULT_WEEKS})",
    )  # fmt: skip
    plan.add_argument(
        "--period-days", type=int, default=DEFAULT_PERIOD_DAYS, metavar="D",
        help=f"days per period (default {DEFAULT_PERIOD_DAYS})",
    )  # fmt: skip
    plan.add_argument("--washout-days", type=int, default=0, metavar="D",
                      help="first days of each period not analysed (default 0)")  # fmt: skip
    plan.add_argument("--lag", type=int, default=1, metavar="K",
                      help="days from the behaviour to the outcome (default 1)")  # fmt: skip
    plan.add_argument("--start", default=None, metavar="DATE",
                      help="first day (default: the day after your data's last day)")  # fmt: skip
    plan.add_argument("--seed", type=int, default=None, metavar="S",
                      help="seed of the coin tosses (default: a fresh one, saved)")  # fmt: skip
    plan.add_argument(
        "--change", type=float, default=DEFAULT_CHANGE_PCT, metavar="PCT",
        help=f"change to size the plan for, in %% of the outcome (default {DEFAULT_CHANGE_PCT:g})",
    )  # fmt: skip
    plan.add_argument("--method", choices=METHODS, default=METHODS[0],
                      help="how your outcome is simulated (default ar1)")  # fmt: skip
    plan.add_argument("--csv", default=None, metavar="FILE", help="write the calendar as CSV")
    plan.add_argument("--ics", default=None, metavar="FILE", help="write the calendar (.ics)")
    plan.add_argument("--json", action="store_true", help="print JSON instead of text")
    plan.add_argument("--dry-run", action="store_true", help="do not save the plan")
    add_workspace_argument(plan)
    plan.set_defaults(run=_run_experiment_plan)


def _add_experiment_lookups(actions: argparse._SubParsersAction) -> None:
    listing = actions.add_parser("list", help="the saved experiments")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_workspace_argument(listing)
    listing.set_defaults(run=_run_experiment_list)

    for action, text, run in (
        ("status", "adherence and progress of an experiment", _run_experiment_status),
        ("analyse", "the effect, as planned and as done, with both tests", _run_experiment_analyse),
    ):
        command = actions.add_parser(
            action, help=text, aliases=["analyze"] if action == "analyse" else []
        )
        command.add_argument("name", metavar="NAME", help="the experiment")
        command.add_argument("--json", action="store_true", help="print JSON instead of text")
        add_workspace_argument(command)
        command.set_defaults(run=run)
    analyse = actions.choices["analyse"]
    analyse.add_argument("--goals", default=None, metavar="TREE",
                         help="a goal tree fitted in the workspace, to set its lever beside "
                         "the experiment")  # fmt: skip

    calendar = actions.add_parser("calendar", help="write an experiment's calendar")
    calendar.add_argument("name", metavar="NAME", help="the experiment")
    calendar.add_argument("--csv", default=None, metavar="FILE", help="CSV file (default stdout)")
    calendar.add_argument("--ics", default=None, metavar="FILE", help="iCalendar file (.ics)")
    add_workspace_argument(calendar)
    calendar.set_defaults(run=_run_experiment_calendar)


def _add_experiment_changes(actions: argparse._SubParsersAction) -> None:
    abandon = actions.add_parser("abandon", help="give an experiment up (it stays saved)")
    abandon.add_argument("name", metavar="NAME", help="the experiment")
    add_workspace_argument(abandon)
    abandon.set_defaults(run=_run_experiment_abandon)

    restart = actions.add_parser(
        "restart", help="start an experiment again from a new day, with new coin tosses"
    )
    restart.add_argument("name", metavar="NAME", help="the experiment")
    restart.add_argument("--start", default=None, metavar="DATE",
                         help="first day (default: the day after your data ends)")  # fmt: skip
    restart.add_argument("--seed", type=int, default=None, metavar="S",
                         help="seed of the new coin tosses (default: a fresh one)")  # fmt: skip
    add_workspace_argument(restart)
    restart.set_defaults(run=_run_experiment_restart)


def _workspace_days(args: argparse.Namespace) -> tuple[Workspace, DailyData]:
    workspace = open_workspace(args)
    return workspace, workspace.daily()


def _stored_plan(workspace: Workspace, name: str) -> tuple[ExperimentPlan, str]:
    """The saved experiment's plan and status; ValueError naming the saved ones if none."""
    record = workspace.load_experiment(name)
    try:
        return ExperimentPlan.from_json(record["plan"]), str(record["status"])
    except ValueError as error:
        raise ValueError(f"{workspace.path}: experiment {name!r}: {error}") from error


def _json_out(document: object) -> None:
    print(json.dumps(document, ensure_ascii=False, allow_nan=False))


def _finite(value: object) -> object:
    """A number for JSON: None where it is missing or not finite."""
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    return value


def _write_calendar(plan: ExperimentPlan, csv: str | None, ics: str | None) -> list[str]:
    """Write the calendar files asked for; the lines saying so."""
    written = []
    if csv:
        Path(csv).write_text(calendar_csv(plan), encoding="utf-8")
        written.append(f"calendar written to {csv}")
    if ics:
        Path(ics).write_bytes(calendar_ics(plan).encode("utf-8"))
        written.append(f"calendar written to {ics}")
    return written


def _plan_from_args(args: argparse.Namespace, daily: DailyData) -> ExperimentPlan:
    """The plan the ``experiment plan`` flags ask for, checked against the data."""
    if (args.on is None) != (args.off is None):
        raise ValueError("--on and --off: give both conditions' rules, or neither")
    if args.behaviour not in daily.registry:
        choices = ", ".join(lever_choices(daily)) or "none"
        raise ValueError(
            f"--behaviour {args.behaviour!r}: no such column; behaviours and habits: {choices}"
        )
    conditions = None
    if args.on is not None:
        conditions = conditions_from_text(
            args.on, args.off, on_name=args.on_name, off_name=args.off_name
        )
    pairs = args.pairs
    if pairs is None:
        pairs = pairs_for_weeks(args.weeks or DEFAULT_WEEKS, args.period_days)
    return plan_experiment(
        daily,
        name=args.name,
        behaviour=args.behaviour,
        outcome=args.outcome,
        conditions=conditions,
        pairs=pairs,
        period_days=args.period_days,
        washout_days=args.washout_days,
        lag=args.lag,
        start=args.start,
        seed=args.seed,
    )


def _calendar_records(plan: ExperimentPlan) -> list[dict[str, object]]:
    days = plan.schedule()
    return [
        {"date": f"{day:%Y-%m-%d}", "pair": int(row.pair), "period": int(row.period),
         "condition": CONDITION_LETTERS[int(row.condition)], "do": row.condition_name,
         "outcome_counted": not row.washout}
        for day, row in zip(days.index, days.itertuples(), strict=True)
    ]  # fmt: skip


def _plan_report(plan: ExperimentPlan, report: PowerReport | None, note: str | None) -> list[str]:
    """The plan, its power with the shorter and longer designs, and its calendar, as text."""
    lines = [*plan_lines(plan), ""]
    lines.extend(power_lines(report, plan) if report is not None else [f"power: {note}"])
    options = power_options(report) if report is not None else pd.DataFrame()
    if len(options) > 1:
        lines.extend(["", "shorter or longer, with the same periods:"])
        finds = options.columns[4]
        for row in options.to_dict(orient="records"):
            mark = "  <- this plan" if row["This plan"] else ""
            found = "-" if not np.isfinite(row[finds]) else f"{row[finds]:g}"
            lines.append(
                f"  {row['Pairs']:>3} pairs  {row['Days']:>4} days  "
                f"power {row['Power']:>3.0f} %  {finds.lower()}: {found}{mark}"
            )
    lines.extend(["", "calendar:"])
    for row in plan_day_table(plan).to_dict(orient="records"):
        counted = "" if row["Outcome counted"] else "  (washout: outcome not counted)"
        lines.append(
            f"  {row['Date']}  {row['Day']}  pair {row['Pair']:>2}  {row['Condition']}  "
            f"{row['Do']}{counted}"
        )
    return lines


def _run_experiment_plan(args: argparse.Namespace) -> int:
    workspace, daily = _workspace_days(args)
    if daily.days == 0:
        raise ValueError(
            f"{workspace.path}: no days of data; import exports first (python -m pga_core "
            "import PATH...) so that the plan can be checked against them"
        )
    if not args.dry_run and args.name in workspace.experiment_names():
        raise ValueError(
            f"{workspace.path}: an experiment named {args.name!r} exists; restart it "
            "(python -m pga_core experiment restart NAME) or choose another name"
        )
    plan = _plan_from_args(args, daily)
    report, note = None, None
    try:
        history = outcome_history(daily, plan.outcome, plan.start)
        report = plan_power(history, plan.design, change_pct=args.change, method=args.method)
    except ValueError as error:
        note = str(error)
    if not args.dry_run:
        workspace.save_experiment(plan.name, plan.to_json(), seed=plan.seed)
    written = _write_calendar(plan, args.csv, args.ics)
    if args.json:
        _json_out({
            "plan": plan.to_json(),
            "power": None if report is None else power_json(report),
            "power_note": note,
            "saved": not args.dry_run,
            "calendar": _calendar_records(plan),
        })  # fmt: skip
        return 0
    lines = [*_plan_report(plan, report, note), "", *written]
    if not args.dry_run:
        lines.append(f"saved as {plan.name!r} in the workspace {workspace.path}")
    for line in lines:
        print(line)
    return 0


def _run_experiment_list(args: argparse.Namespace) -> int:
    workspace, daily = _workspace_days(args)
    table = experiments_table(workspace.experiments(), daily)
    if args.json:
        _json_out([
            {key.lower().replace(" ", "_"): str(value) for key, value in row.items()}
            for row in table.to_dict(orient="records")
        ])  # fmt: skip
        return 0
    if table.empty:
        print(
            f"no experiments in {workspace.path}: plan one with python -m pga_core experiment plan"
        )
        return 0
    for row in table.to_dict(orient="records"):
        print(
            f"{row['Experiment']}: {row['Changes']} -> {row['Outcome']}, {row['Start']} to "
            f"{row['End']}, {row['State']} ({row['Days done']} days done)"
        )
    return 0


def _run_experiment_status(args: argparse.Namespace) -> int:
    workspace, daily = _workspace_days(args)
    plan, status = _stored_plan(workspace, args.name)
    progress = adherence(plan, daily)
    if args.json:
        _json_out({"name": plan.name, "status": status,
                   "state": experiment_state(status, progress), **progress.to_json()})  # fmt: skip
        return 0
    lines = [*plan_lines(plan), f"state: {experiment_state(status, progress)}"]
    lines.extend(progress_lines(progress, plan))
    for line in lines:
        print(line)
    return 0


def _comparison_records(table: pd.DataFrame) -> list[dict[str, object]]:
    names = {"Source": "source", "Effect": "difference", "Effect low": "ci_low",
             "Effect high": "ci_high", "Effect (%)": "pct_change", "p": "p_value",
             "Based on": "based_on"}  # fmt: skip
    return [
        {names[key]: _finite(value) for key, value in row.items()}
        for row in table.to_dict(orient="records")
    ]


def _run_experiment_analyse(args: argparse.Namespace) -> int:
    workspace, daily = _workspace_days(args)
    plan, status = _stored_plan(workspace, args.name)
    result = analyse_experiment(plan, daily)
    fit = None
    if args.goals is not None:
        document = workspace.load_fit(args.goals)
        if document is None:
            raise ValueError(f"{workspace.path}: no fit of a goal tree named {args.goals!r}")
        fit = fit_from_document(document)
    comparison = comparison_table(result, daily, fit=fit, tree_name=args.goals or "")
    document = result.to_json()
    if status != ABANDONED:
        workspace.save_experiment_result(
            plan.name, document, status=COMPLETE if result.final else status
        )
    if args.json:
        _json_out({**document, "compared": _comparison_records(comparison)})
        return 0
    lines = [*plan_lines(plan), *progress_lines(result.adherence, plan), ""]
    lines.extend(result_lines(result))
    lines.extend(["", f"beside what was known before (A − B, in {change_unit(plan)}):"])
    for row in comparison.to_dict(orient="records"):
        interval = (
            f" ({signed(row['Effect low'], digits=EFFECT_DIGITS, trim=True)} to "
            f"{signed(row['Effect high'], digits=EFFECT_DIGITS, trim=True)})"
            if np.isfinite([row["Effect low"], row["Effect high"]]).all()
            else ""
        )
        effect = signed(row["Effect"], digits=EFFECT_DIGITS, trim=True)
        lines.append(f"  {row['Source']}: {effect}{interval}; {row['Based on']}")
    for line in lines:
        print(line)
    return 0


def _run_experiment_calendar(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    plan, _ = _stored_plan(workspace, args.name)
    if not args.csv and not args.ics:
        sys.stdout.write(calendar_csv(plan))
        return 0
    for line in _write_calendar(plan, args.csv, args.ics):
        print(line)
    return 0


def _run_experiment_abandon(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    _stored_plan(workspace, args.name)
    workspace.set_experiment_status(args.name, ABANDONED)
    print(f"experiment {args.name!r} abandoned; it stays in {workspace.path} (restart it anytime)")
    return 0


def _run_experiment_restart(args: argparse.Namespace) -> int:
    workspace, daily = _workspace_days(args)
    plan, _ = _stored_plan(workspace, args.name)
    start = args.start
    if start is None:
        if daily.days == 0:
            raise ValueError("--start: the workspace has no days; give the first day")
        start = daily.table.index.max() + pd.Timedelta(days=1)
    try:
        first_day = pd.Timestamp(start)
    except ValueError as error:
        raise ValueError(f"--start: expected a date such as 2024-05-01, got {start!r}") from error
    again = plan.restarted(first_day, seed=args.seed)
    workspace.save_experiment(again.name, again.to_json(), seed=again.seed)
    for line in plan_lines(again):
        print(line)
    print(f"restarted; saved in the workspace {workspace.path}")
    return 0


_COMMANDS.append(_register_experiment)
