"""Readers for wearable and habit exports, each turning files into a daily table.

- ``_files``: what a person hands over (paths, folders, zips, uploads) as :class:`ExportFile`,
  and the one text and CSV layer every reader reads through.
- ``_base``: what every reader module promises (:class:`Reader`) and gives back
  (:class:`ReadResult`).
- ``_detect``: :func:`read_exports` and :func:`read_sources`, detection by content.
- One public module per format, in the order they claim a file: :mod:`.whoop`,
  :mod:`.apple_health`, :mod:`.oura`, :mod:`.generic_csv` (the fallback).
"""

from pga_core.data.readers._base import (
    Reader,
    ReadResult,
)
from pga_core.data.readers._detect import (
    FORMAT_DESCRIPTIONS,
    FORMAT_NAMES,
    READERS,
    Progress,
    detect_format,
    read_exports,
    read_sources,
)
from pga_core.data.readers._files import (
    CsvRows,
    ExportFile,
    Source,
    collect_files,
    decode_text,
    head_text,
    looks_binary,
    read_csv_rows,
    read_text,
    sniff_separator,
)

__all__ = [
    "FORMAT_DESCRIPTIONS",
    "FORMAT_NAMES",
    "READERS",
    "CsvRows",
    "ExportFile",
    "Progress",
    "ReadResult",
    "Reader",
    "Source",
    "collect_files",
    "decode_text",
    "detect_format",
    "head_text",
    "looks_binary",
    "read_csv_rows",
    "read_exports",
    "read_sources",
    "read_text",
    "sniff_separator",
]
