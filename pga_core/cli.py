"""Command-line interface: ``python -m pga_core COMMAND ...``.

Every command reports bad input as one plain line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["main"]

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
