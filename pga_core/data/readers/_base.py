"""What every reader promises, and what reading an export gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pga_core.data._daily import DailyData
from pga_core.data.readers._files import ExportFile

__all__ = ["ReadResult"]


class Reader(Protocol):
    """A reader module (``pga_core.data.readers.whoop`` and its siblings) has these three names."""

    FORMAT: str
    """Short format name stored with each import: ``whoop``, ``apple_health``, ``oura``, ``csv``."""

    def claims(self, file: ExportFile, head: bytes) -> bool:
        """Whether ``file`` (whose first bytes are ``head``) belongs to this format."""
        ...

    def read(self, files: list[ExportFile]) -> DailyData:
        """Read all files of one export that this format claimed; raise ValueError on bad input.

        A value or record that is only implausible is left out, never a reason to raise: readers
        screen through ``_plausible.ValueNotes`` and add its lines to the table's warnings.
        """
        ...


@dataclass(frozen=True)
class ReadResult:
    """One format's share of what was handed over: its files and the daily table read from them."""

    format: str
    files: tuple[ExportFile, ...]
    daily: DailyData
