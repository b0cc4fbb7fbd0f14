"""Command-line interface: ``python -m pga_core COMMAND ...``.

Every command reports bad input as one plain line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import pandas as pd

from pga_core.sample import generate_person, write_sample
from pga_core.store import Workspace

__all__ = ["add_workspace_argument", "main", "open_workspace"]

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one plain line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    """A command line that does not parse."""


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m pga_core", description=__doc__.splitlines()[0])
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
