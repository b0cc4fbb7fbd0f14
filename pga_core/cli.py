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
    DEFAULT_TREE_NAME,
    SINCE_A_DATE,
    days_csv,
    days_in_use,
    days_json,
    findings,
    fit_json,
    left_out_sentences,
    levers_in_words,
    marked_behaviour,
    outcome_choices,
    parse_day,
    range_words,
    report_fit,
    report_html,
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
