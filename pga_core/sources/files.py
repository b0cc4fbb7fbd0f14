"""What a person hands us: paths, folders, zips or uploaded bytes, as a flat list of ExportFile.

Zips are read in place (never unpacked to disk) and checked first: member names that point
outside the archive and members that decompress suspiciously far (zip bombs) are refused.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

__all__ = ["ExportFile", "collect_files"]

#: A member that expands more than this many times over, and to more than
#: ``ZIP_BOMB_MIN_BYTES``, is treated as a zip bomb. Real exports compress 5–30×.
ZIP_BOMB_RATIO = 200
ZIP_BOMB_MIN_BYTES = 50 * 2**20
#: Largest total a zip may expand to (the largest real Apple Health exports are a few GB).
ZIP_MAX_TOTAL_BYTES = 32 * 2**30
ZIP_MAX_MEMBERS = 100_000
#: Files that operating systems add to archives and folders; never an export.
_JUNK_PARTS = ("__MACOSX", ".DS_Store", "Thumbs.db")

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

    def head(self, n_bytes: int = 65536) -> bytes:
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
        found = [p for p in sorted(path.rglob("*")) if p.is_file() and not _is_junk(str(p))]
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
    return [_zip_member(zip_name, open_zip, info) for info in infos]


def _zip_member(
    zip_name: str, open_zip: Callable[[], zipfile.ZipFile], info: zipfile.ZipInfo
) -> ExportFile:
    def opener() -> BinaryIO:
        archive = open_zip()
        return _ClosingMember(archive, archive.open(info))

    return ExportFile(f"{zip_name}/{info.filename}", info.file_size, opener)


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


class _ClosingMember(io.BufferedIOBase):
    """A zip member stream that also closes its archive when closed."""

    def __init__(self, archive: zipfile.ZipFile, member: BinaryIO) -> None:
        super().__init__()
        self._archive = archive
        self._member = member

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._member.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._member.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._member.close()
            self._archive.close()
        super().close()
