"""What a person hands us: paths, folders, zips or uploaded bytes, as a flat list of ExportFile.

Zips are read in place (never unpacked to disk) and checked first: member names that point
outside the archive and members that decompress suspiciously far (zip bombs) are refused.
This is also the one text and CSV layer every CSV reader goes through:

- a file's bytes become text (:func:`read_text`: UTF-8, UTF-16 or Windows-1252, never binary,
  never larger than a CSV export can be);
- CSV text becomes rows of strings numbered as a person counts them (:func:`read_csv_rows`), with
  the separator its header row uses (:func:`sniff_separator`); :func:`read_csv_file` does all three;
- a file's first bytes give its first rows for recognising its format (:func:`head_rows`);
- a header cell becomes a key for lenient matching (:func:`header_key`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import numpy as np
import pandas as pd

__all__ = ["ExportFile", "Source", "collect_files"]

#: A member that expands more than this many times over, and to more than
#: ``ZIP_BOMB_MIN_BYTES``, is treated as a zip bomb. Real exports compress 5–30×.
ZIP_BOMB_RATIO = 200
ZIP_BOMB_MIN_BYTES = 50 * 2**20
#: Largest total a zip may expand to (the largest real Apple Health exports are a few GB).
ZIP_MAX_TOTAL_BYTES = 32 * 2**30
ZIP_MAX_MEMBERS = 100_000
#: Files that operating systems add to archives and folders; never an export.
_JUNK_PARTS = ("__MACOSX", ".DS_Store", "Thumbs.db")
#: Bytes read from the start of a file to recognise its format.
HEAD_BYTES = 65536
#: Largest text file read into memory (a 5-year WHOOP journal is about 5 MB).
MAX_TEXT_BYTES = 256 * 2**20
#: Longest line of a CSV file; longer lines mean the file is not a table (or not split in lines).
MAX_LINE_BYTES = 2**20
#: Most columns a CSV table may have.
MAX_COLUMNS = 2000
#: Bytes of a CSV scanned at a time for its line ends and separators (bounds the memory used).
SCAN_BLOCK_BYTES = 4 * 2**20
#: Rows of another length than the header (blank lines) the fast path looks at one by one;
#: with more, the file is read row by row to name the faulty one.
MAX_IRREGULAR_ROWS = 10_000
#: Share of control characters (other than tab and line ends) above which bytes are binary.
BINARY_CONTROL_SHARE = 0.01
#: Separators a CSV may use, in order of preference when the header row has as many of each.
SEPARATORS = (",", ";", "\t")
#: Cells that mean "not recorded" in spreadsheets and trackers (compared in lower case).
MISSING_TOKENS = frozenset({"na", "n/a", "#n/a", "nan", "null", "none", "-", "--"})
#: The header row, for sniffing its separator: the first line that is not empty.
_FIRST_LINE = re.compile(r"[^\r\n]+")
#: The words of a header cell once accents are folded to ASCII and letters made lower case.
_HEADER_WORD = re.compile(r"[a-z0-9]+")
_CONTROL_BYTES = bytes([*range(9), 11, 12, *range(14, 32), 127])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)

Source = str | Path | tuple[str, bytes]


@dataclass(frozen=True)
class ExportFile:
    """One file of an export, wherever it lives (on disk, in a zip, in memory).

    Attributes
    ----------
    name : how the person knows it: ``sleeps.csv``, or ``my_whoop.zip/sleeps.csv`` for a member.
    size : uncompressed size in bytes.
    opener : returns a fresh binary stream positioned at the start; the caller closes it.
    """

    name: str
    size: int
    opener: Callable[[], BinaryIO]

    @property
    def basename(self) -> str:
        """The file's own name without folders (``sleeps.csv``)."""
        return PurePosixPath(self.name.replace("\\", "/")).name

    def open(self) -> BinaryIO:
        """A fresh binary stream of the file's bytes."""
        return self.opener()

    def head(self, n_bytes: int = HEAD_BYTES) -> bytes:
        """The first ``n_bytes`` bytes (for format detection)."""
        with self.open() as stream:
            return stream.read(n_bytes)


def collect_files(sources: Iterable[Source]) -> list[ExportFile]:
    """Expand paths, folders, zips and ``(name, bytes)`` uploads into a flat list of files.

    Raises
    ------
    ValueError
        A path that does not exist, an empty folder, an unreadable or unsafe zip.
    """
    files: list[ExportFile] = []
    for source in sources:
        if isinstance(source, tuple):
            name, data = source
            files.extend(_from_bytes(str(name), bytes(data)))
        else:
            files.extend(_from_path(Path(source)))
    return files


def _from_path(path: Path) -> list[ExportFile]:
    """Files behind one path: the file itself, a zip's members, or a folder's files."""
    if path.is_dir():
        found = [
            p
            for p in sorted(path.rglob("*"))
            if p.is_file() and not _is_junk(str(p.relative_to(path)))
        ]
        if not found:
            raise ValueError(f"{path}: the folder holds no files")
        return [f for p in found for f in _from_path(p)]
    if not path.is_file():
        raise ValueError(f"{path}: no such file or folder")
    if zipfile.is_zipfile(path):
        return _zip_members(str(path), lambda: zipfile.ZipFile(path))
    return [ExportFile(str(path), path.stat().st_size, lambda: path.open("rb"))]


def _from_bytes(name: str, data: bytes) -> list[ExportFile]:
    """Files behind one upload: the upload itself or, for a zip, its members."""
    if data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data)):
        return _zip_members(name, lambda: zipfile.ZipFile(io.BytesIO(data)))
    return [ExportFile(name, len(data), lambda: io.BytesIO(data))]


def _zip_members(zip_name: str, open_zip: Callable[[], zipfile.ZipFile]) -> list[ExportFile]:
    """The safe, non-junk members of a zip, each readable without unpacking the archive."""
    try:
        with open_zip() as archive:
            infos = [i for i in archive.infolist() if not i.is_dir() and not _is_junk(i.filename)]
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{zip_name}: not a readable zip archive ({error})") from error
    _check_zip_safety(zip_name, infos)
    if not infos:
        raise ValueError(f"{zip_name}: the zip archive holds no files")
    shared = _SharedArchive(open_zip)
    return [_zip_member(zip_name, shared, info) for info in infos]


def _zip_member(zip_name: str, shared: _SharedArchive, info: zipfile.ZipInfo) -> ExportFile:
    def opener() -> BinaryIO:
        return shared.open(info)

    return ExportFile(f"{zip_name}/{info.filename}", info.file_size, opener)


class _SharedArchive:
    """One open archive serving all its members' streams.

    Opening a zip parses its whole directory; doing that once per member made exports with
    thousands of files (Apple Health's workout routes) quadratic. The archive is opened on first
    use and closed when its last member file is garbage-collected.
    """

    def __init__(self, open_zip: Callable[[], zipfile.ZipFile]) -> None:
        self._open_zip = open_zip
        self._archive: zipfile.ZipFile | None = None
        self._lock = threading.Lock()

    def open(self, info: zipfile.ZipInfo) -> BinaryIO:
        with self._lock:
            if self._archive is None:
                self._archive = self._open_zip()
            return self._archive.open(info)  # type: ignore[return-value]

    def __del__(self) -> None:
        if self._archive is not None:
            self._archive.close()


def _check_zip_safety(zip_name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse path traversal, zip bombs and archives too large to be an export."""
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ValueError(f"{zip_name}: {len(infos):,} files is more than an export holds")
    total = 0
    for info in infos:
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in info.filename[:3]:
            raise ValueError(
                f"{zip_name}: member {info.filename!r} points outside the archive; "
                "refusing to read this zip"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_BOMB_MIN_BYTES and ratio > ZIP_BOMB_RATIO:
            raise ValueError(
                f"{zip_name}: member {info.filename!r} would expand {ratio:,.0f} times over to "
                f"{info.file_size / 2**20:,.0f} MB; this looks like a zip bomb, refusing to read it"
            )
        total += info.file_size
    if total > ZIP_MAX_TOTAL_BYTES:
        raise ValueError(
            f"{zip_name}: expands to {total / 2**30:,.1f} GB, more than the "
            f"{ZIP_MAX_TOTAL_BYTES / 2**30:.0f} GB an export can be"
        )


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p in _JUNK_PARTS or p.startswith("._") for p in parts)


def looks_binary(head: bytes) -> bool:
    """Whether a file's first bytes are binary data rather than text (UTF-16 counts as text)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _OTHER_BYTES))
    return controls > BINARY_CONTROL_SHARE * max(len(head), 1)


def head_text(file: ExportFile, head: bytes) -> str | None:
    """The complete lines among a file's first bytes, decoded leniently (for recognising formats).

    Returns None for an empty or binary file, or when not even the first line fits in ``head``.
    """
    if not head.strip() or looks_binary(head):
        return None
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = head.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    if len(head) < file.size:
        cut = text.rfind("\n")
        if cut < 0:
            return None
        text = text[:cut]
    return text.lstrip("\ufeff")


def head_rows(file: ExportFile, head: bytes, *, max_rows: int = 1) -> list[list[str]]:
    """The first non-blank CSV rows among a file's first bytes (for recognising its format).

    Parameters
    ----------
    file : the file (its size tells whether ``head`` holds all of it).
    head : the file's first bytes.
    max_rows : how many rows to return at most, the header row included.

    Returns
    -------
    list of rows, each a list of cells, split by the separator the first row uses; empty when
    ``head`` holds no complete line of text (see :func:`head_text`) or its quoting is broken.
    """
    text = head_text(file, head)
    if text is None:
        return []
    lines = [line for line in text.splitlines() if line.strip()][:max_rows]
    if not lines:
        return []
    try:
        return list(csv.reader(lines, delimiter=sniff_separator(lines[0])))
    except csv.Error:
        return []


def decode_text(name: str, data: bytes) -> tuple[str, list[str]]:
    """Decode a text file's bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252.

    Parameters
    ----------
    name : the file's name, for messages.
    data : the file's bytes.

    Returns
    -------
    text : the decoded text without a byte-order mark.
    warnings : a note when the file was not UTF-8 and was read as Windows-1252 (Latin-1).

    Raises
    ------
    ValueError
        Binary data, or bytes that are neither UTF-8 nor Windows-1252 text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{name}: starts like UTF-16 text but byte {error.start:,} is not; "
                "save it again as CSV UTF-8"
            ) from error
    if looks_binary(data[:HEAD_BYTES]):
        raise ValueError(f"{name}: holds binary data, not text; expected a CSV or XML export")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{name}: byte 0x{data[error.start]:02x} at position {error.start:,} is neither "
                "UTF-8 nor Windows-1252 (Latin-1) text; save the file as CSV UTF-8"
            ) from error
        position = utf8_error.start
        return text, [
            f"{name}: not UTF-8 (byte {position:,}); read it as Windows-1252 (Latin-1) text — "
            "check accented letters, or save the file as CSV UTF-8"
        ]


def read_text(
    file: ExportFile, *, max_bytes: int = MAX_TEXT_BYTES, max_line_bytes: int = MAX_LINE_BYTES
) -> tuple[str, list[str]]:
    """Read a whole text file (a CSV) into memory, refusing what cannot be a CSV export.

    Parameters
    ----------
    file : the file.
    max_bytes : largest file size accepted, in bytes.
    max_line_bytes : longest line accepted, in bytes.

    Returns
    -------
    text, warnings : as :func:`decode_text`.

    Raises
    ------
    ValueError
        An empty, too large, binary or undecodable file, or a line longer than ``max_line_bytes``.
    """
    if file.size > max_bytes:
        raise ValueError(
            f"{file.name}: {file.size / 2**20:,.0f} MB is larger than the "
            f"{max_bytes / 2**20:,.0f} MB a CSV export can be"
        )
    with file.open() as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{file.name}: larger than the {max_bytes / 2**20:,.0f} MB a CSV can be")
    if not data.strip():
        raise ValueError(f"{file.name}: the file is empty")
    _check_line_lengths(file.name, data, max_line_bytes)
    return decode_text(file.name, data)


def _check_line_lengths(name: str, data: bytes, max_line_bytes: int) -> None:
    """Refuse a file with a line longer than ``max_line_bytes`` (vectorised, no decoding)."""
    if len(data) <= max_line_bytes:
        return
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    bounds = np.concatenate(([-1], ends, [len(data)]))
    lengths = np.diff(bounds) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > max_line_bytes:
        raise ValueError(
            f"{name}: line {longest + 1:,} is {lengths[longest] / 2**20:,.1f} MB long; a CSV line "
            f"is at most {max_line_bytes / 2**20:,.0f} MB — this does not look like a CSV export"
        )


def sniff_separator(header_line: str) -> str:
    """The separator a CSV uses: whichever of ``,`` ``;`` tab the header row holds most of."""
    counts = [header_line.count(sep) for sep in SEPARATORS]
    return SEPARATORS[int(np.argmax(counts))]


def header_key(header: str, *, ignore: Collection[str] = (), joiner: str = "_") -> str:
    """A header cell as a key for lenient matching: its words, folded to lower-case ASCII.

    Accents become plain letters (``Pontuação`` → ``pontuacao``); case, spaces, punctuation,
    brackets, symbols such as ``%`` and ``°`` and a stray byte-order mark do not count. So
    ``" Temperature Deviation (°C) "`` is ``temperature_deviation_c`` and ``recovery_score_%``
    is ``recovery_score``.

    Parameters
    ----------
    header : the header cell as written.
    ignore : words left out (a reader's unit words, so ``Max HR (bpm)`` matches ``max_hr``).
    joiner : put between the words; ``""`` also matches ``SleepPerformance`` to
        ``Sleep performance``.
    """
    ascii_text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii")
    words = _HEADER_WORD.findall(ascii_text.lower())
    return joiner.join(word for word in words if word not in ignore)


@dataclass(frozen=True)
class CsvRows:
    """A CSV file split into its header and data rows, every value a string.

    Attributes
    ----------
    header : the header row's cells, as written (a UTF-8 BOM already removed).
    cells : DataFrame, shape (n_rows, n_columns), ``str`` values (object dtype, not stripped);
        columns ``0 … n_columns-1``;
        index: each row's number as a person counts rows in the file (the header is row 1).
        Blank rows are left out.
    sep : the separator the rows were split by (``,`` ``;`` or tab).
    """

    header: list[str]
    cells: pd.DataFrame
    sep: str


def read_csv_rows(name: str, text: str, *, sep: str = ",", allow_empty: bool = False) -> CsvRows:
    """Split CSV text into a header and rows; check every row has as many values as the header.

    Parameters
    ----------
    name : the file's name, for messages.
    text : the decoded file.
    sep : the separator (see :func:`sniff_separator`).
    allow_empty : return a table without rows for a file that has only a header, instead of
        raising.

    Raises
    ------
    ValueError
        Broken quoting (a file cut off inside a quoted value), a row with more or fewer values than
        the header (a final short row: the file was cut off mid-row), a header line that is not a
        table header, or no rows besides the header (``no data rows``).
    """
    first_end = text.find("\n")
    if (len(text) if first_end < 0 else first_end) > MAX_LINE_BYTES:
        raise ValueError(f"{name}: the first line is too long to be the header row of a table")
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends
    split = _split_regular(text, sep)
    header, cells = split if split is not None else _split_exact(name, text, sep)
    if cells.empty and not allow_empty:
        raise ValueError(f"{name}: no data rows, only the header; expected one row per day")
    return CsvRows(header=header, cells=cells, sep=sep)


def read_csv_file(file: ExportFile, *, allow_empty: bool = False) -> tuple[CsvRows, list[str]]:
    """Read a CSV file into rows: :func:`read_text`, then :func:`read_csv_rows` with the separator
    its header row uses (:func:`sniff_separator`).

    Parameters
    ----------
    file : the file.
    allow_empty : accept a file that has only a header row (its ``cells`` are then empty).

    Returns
    -------
    rows : the header and the data rows.
    warnings : notes on how the file was decoded (see :func:`decode_text`).

    Raises
    ------
    ValueError
        As :func:`read_text` and :func:`read_csv_rows`, naming the file (and the row).
    """
    text, warnings = read_text(file)
    first_line = _FIRST_LINE.search(text)
    sep = sniff_separator(first_line.group() if first_line else "")
    return read_csv_rows(file.name, text, sep=sep, allow_empty=allow_empty), warnings


def _split_regular(text: str, sep: str) -> tuple[list[str], pd.DataFrame] | None:
    """Header and rows read by pandas, when a vectorised count shows every row is regular.

    Counting separators and line ends outside double quotes (by the parity of the quotes before
    them) gives each row's number of values without parsing. When every row that is not blank
    has as many as the header, pandas' fast parser reads the file; otherwise (or on any doubt)
    this returns None and :func:`_split_exact` finds and names the faulty row.

    Memory stays a small multiple of the file: the bytes are scanned in blocks of
    ``SCAN_BLOCK_BYTES`` (one number per row is kept), and pandas keeps its strings in Arrow.
    """
    encoded = text.encode("utf-8")
    data = np.frombuffer(encoded, dtype=np.uint8)
    if data.size == 0:
        return None
    ends, open_quote = _line_ends(data)
    if open_quote:
        return None
    starts = np.concatenate((np.zeros(1, dtype=np.int32), ends + 1))
    stops = np.concatenate((ends, np.array([data.size], dtype=np.int32)))
    if starts[-1] == data.size:  # the final line end closes the last row
        starts, stops = starts[:-1], stops[:-1]
    counts = _values_per_row(data, starts, stops, sep)
    odd = np.flatnonzero(counts != counts[0])
    if odd.size > MAX_IRREGULAR_ROWS or counts[0] > MAX_COLUMNS:
        return None
    if _is_blank(data, starts[0], stops[0], sep):
        return None
    if not all(_is_blank(data, starts[i], stops[i], sep) for i in odd):
        return None
    # Arrow's reader builds its strings without a Python object per cell (a third of the memory)
    # but skips empty lines; with those, or without pyarrow, pandas' own C reader is used.
    engines = ("pyarrow", "c") if odd.size == 0 else ("c",)
    table = next((t for t in (_parsed(encoded, sep, e) for e in engines) if t is not None), None)
    if table is None or len(table) != starts.size or table.shape[1] != counts[0]:
        return None
    header = table.iloc[0].tolist()
    body = table.iloc[1:]
    # A row of empty cells (a spreadsheet's blank row) is left out; rows are ruled out column by
    # column, so only the few candidates are looked at past the first column.
    blank = np.flatnonzero(body[0].str.strip().eq("").to_numpy(dtype=bool))
    for column in body.columns[1:]:
        if not blank.size:
            break
        blank = blank[body[column].iloc[blank].str.strip().eq("").to_numpy(dtype=bool)]
    kept = np.ones(len(body), dtype=bool)
    kept[blank] = False
    cells = body.loc[kept] if blank.size else body
    cells.index = np.flatnonzero(kept) + 2
    return header, cells


def _parsed(encoded: bytes, sep: str, engine: str) -> pd.DataFrame | None:
    """Every cell as text (empty cells as ``""``), by one of pandas' readers; None if it fails."""
    options = {"na_filter": False, "skip_blank_lines": False} if engine == "c" else {}
    try:
        return pd.read_csv(
            io.BytesIO(encoded),
            encoding="utf-8",
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            engine=engine,
            **options,
        )
    except (pd.errors.ParserError, ValueError, ImportError):
        return None


def _line_ends(data: np.ndarray) -> tuple[np.ndarray, bool]:
    """Positions of the line ends outside double quotes, and whether a quote is left open."""
    found = []
    inside = False  # whether the block starts inside a quoted value
    for begin in range(0, data.size, SCAN_BLOCK_BYTES):
        block = data[begin : begin + SCAN_BLOCK_BYTES]
        quoted = np.bitwise_xor.accumulate(block == ord('"'))
        if inside:
            np.logical_not(quoted, out=quoted)
        inside = bool(quoted[-1])
        line_end = block == ord("\n")
        line_end &= ~quoted
        # int32 halves the memory of files with short lines (a CSV is far below 2 GB).
        found.append((np.flatnonzero(line_end) + begin).astype(np.int32))
    return np.concatenate(found), inside


def _values_per_row(
    data: np.ndarray, starts: np.ndarray, stops: np.ndarray, sep: str
) -> np.ndarray:
    """How many values each row has: its separators outside quotes, plus one.

    Rows are taken a block of about ``SCAN_BLOCK_BYTES`` at a time; a row starts outside quotes,
    so each block's quoting is known from its own bytes.
    """
    counts = np.empty(starts.size, dtype=np.int32)
    first = 0
    while first < starts.size:
        last = max(first + 1, int(np.searchsorted(starts, starts[first] + SCAN_BLOCK_BYTES)))
        begin = starts[first]
        block = data[begin : min(stops[last - 1] + 1, data.size)]
        separator = block == ord(sep)
        separator &= ~np.bitwise_xor.accumulate(block == ord('"'))
        # Each row's segment runs to the next row's start (its line end included): never empty.
        counts[first:last] = np.add.reduceat(separator, starts[first:last] - begin, dtype=np.int64)
        first = last
    return counts + 1


def _is_blank(data: np.ndarray, start: int, stop: int, sep: str) -> bool:
    """Whether ``data[start:stop]`` holds nothing but separators, quotes and white space."""
    filler = np.frombuffer(f' \t\r\n"{sep}'.encode(), dtype=np.uint8)
    return bool(np.isin(data[start:stop], filler).all())


def _split_exact(name: str, text: str, sep: str) -> tuple[list[str], pd.DataFrame]:
    """Header and rows read by the csv module, naming the first row that is not regular."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        if "field limit" in str(error):  # the csv module's own limit on one value (128 KB)
            raise ValueError(
                f"{name}: line {reader.line_num:,} holds a value longer than "
                f"{csv.field_size_limit() // 1024:,} KB; a table's cells are short — this does "
                "not look like an export, or a quote is not closed"
            ) from error
        raise ValueError(
            f"{name}: line {reader.line_num:,}: {error}; the file looks cut off or its quoting is "
            "broken (a value with a separator or line break must be in double quotes)"
        ) from error
    counts = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    # Lines of spaces and rows of empty cells (a spreadsheet's blank rows) count as blank lines.
    content = np.fromiter(
        map(len, map(str.strip, map("".join, records))), dtype=np.int64, count=len(records)
    )
    counts[(counts == 1) & (content == 0)] = 0
    filled = np.flatnonzero(counts > 0)
    if filled.size == 0:
        raise ValueError(f"{name}: the file is empty")
    header = records[filled[0]]
    if len(header) > MAX_COLUMNS:
        raise ValueError(
            f"{name}: the header row has {len(header):,} columns, more than the {MAX_COLUMNS:,} a "
            "daily table can have"
        )
    body = filled[1:]
    _check_row_lengths(name, counts, body, len(header), len(records))
    body = body[content[body] > 0]
    cells = pd.DataFrame(
        [records[i] for i in body], index=body + 1, columns=range(len(header)), dtype=str
    )
    return header, cells


def _check_row_lengths(
    name: str, counts: np.ndarray, body: np.ndarray, n_header: int, n_records: int
) -> None:
    """Refuse rows with more or fewer values than the header, naming the first such row."""
    wrong = body[counts[body] != n_header]
    if wrong.size == 0:
        return
    index = int(wrong[0])
    row, found = index + 1, int(counts[index])
    if found < n_header and index == n_records - 1:
        raise ValueError(
            f"{name}: row {row:,} (the last) has {found} of the {n_header} values the header "
            "names; the file looks cut off mid-row — export it again"
        )
    hint = "check the separator and quoting" if found > n_header else "is a value missing?"
    values = "value" if found == 1 else "values"
    raise ValueError(
        f"{name}: row {row:,} has {found} {values} but the header has {n_header}; {hint}"
    )
