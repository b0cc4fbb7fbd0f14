"""Readers for wearable and habit exports, each turning files into a daily table.

- ``_files``: what a person hands over (paths, folders, zips, uploads) as :class:`ExportFile`,
  and the one text and CSV layer every CSV reader reads through (decoding, separators, rows,
  header keys).
- ``_base``: what every reader module promises (the ``Reader`` protocol) and what reading gives
  back (:class:`ReadResult`).
- ``_plausible``: what a value may be (:data:`RANGES` per variable, the date window from
  :data:`FIRST_DAY`), and the notes every reader writes on what it left out or clamped.
- ``_detect``: :func:`read_exports` and :func:`read_sources`, detection by content.
- One public module per format, in the order they claim a file: :mod:`.whoop`,
  :mod:`.apple_health`, :mod:`.oura`, :mod:`.loop`, :mod:`.daylio`, :mod:`.bearable`,
  :mod:`.generic_csv` (the fallback). Each module is its reader: ``FORMAT``,
  ``claims(file, head)`` and ``read(files)``.
"""

from pga_core.data.readers._base import ReadResult
from pga_core.data.readers._detect import (
    FORMAT_NAMES,
    Progress,
    detect_format,
    no_progress,
    read_exports,
    read_sources,
)
from pga_core.data.readers._files import ExportFile, Source, collect_files
from pga_core.data.readers._plausible import FIRST_DAY, RANGES, PlausibleRange

__all__ = [
    "FIRST_DAY",
    "FORMAT_NAMES",
    "RANGES",
    "ExportFile",
    "PlausibleRange",
    "Progress",
    "ReadResult",
    "Source",
    "collect_files",
    "detect_format",
    "no_progress",
    "read_exports",
    "read_sources",
]
