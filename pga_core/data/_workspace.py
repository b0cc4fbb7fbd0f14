"""Workspace: a person's imports, goal trees and fit results in one local SQLite file.

Every import keeps its own values, so nothing is ever overwritten: the daily table is merged on
demand from all imports (sources by ``SOURCE_PRIORITY``, the latest import first within a source),
and removing an import gives exactly the table one would have had without it. Imports run in one
transaction: either everything handed over is recorded, or nothing is. Values are stored as REAL,
registries, goal trees and fit results as JSON text — never pickled, so a workspace is always safe
to open. Health data is for its owner only: new folders are made 0700, the file 0600 before SQLite
first opens it (the journal SQLite writes beside it takes the file's mode), and a file that others
may read is made 0600 before anything is written into it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pga_core.data._daily import SOURCE_PRIORITY, DailyData, Variable, merge_daily
from pga_core.data.readers import ExportFile, Progress, ReadResult, Source, no_progress

__all__ = [
    "DEFAULT_WORKSPACE",
    "WORKSPACE_ENV",
    "FormatImport",
    "ImportSummary",
    "Workspace",
    "default_workspace_path",
]

#: Where the workspace lives unless a path or ``$PGA_WORKSPACE`` says otherwise.
DEFAULT_WORKSPACE = Path("~/.pga/workspace.sqlite")
WORKSPACE_ENV = "PGA_WORKSPACE"
SCHEMA_VERSION = 1
#: How long a writer waits for another writer to finish before giving up (seconds); read at
#: each connection, so it can be lowered (tests do).
BUSY_TIMEOUT_S = 30.0
HASH_CHUNK_BYTES = 1 << 20
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
#: Permission bits of the group and of others.
_SHARED_BITS = 0o077
#: SQLite's result code for "another connection holds the lock" (extended codes add high bits).
_PRIMARY_CODE_MASK = 0xFF
#: Share of an import's progress bar given to reading the files (the rest is saving them).
READ_SHARE = 0.8
_DAY_FORMAT = "%Y-%m-%d"

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE imports (
    import_id INTEGER PRIMARY KEY AUTOINCREMENT,
    format TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    days INTEGER NOT NULL,
    first_day TEXT,
    last_day TEXT,
    days_added INTEGER NOT NULL,
    days_updated INTEGER NOT NULL,
    warnings TEXT NOT NULL
);
CREATE INDEX imports_by_fingerprint ON imports (format, fingerprint);
CREATE TABLE import_files (
    import_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (import_id, position)
);
CREATE TABLE variables (
    import_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    higher_is_better INTEGER,
    components TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    PRIMARY KEY (import_id, name)
);
CREATE TABLE import_days (
    import_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (import_id, day)
) WITHOUT ROWID;
CREATE TABLE daily_values (
    import_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    day TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (import_id, name, day)
) WITHOUT ROWID;
CREATE TABLE goals (name TEXT PRIMARY KEY, tree_json TEXT NOT NULL, saved_at TEXT NOT NULL);
CREATE TABLE fits (name TEXT PRIMARY KEY, result_json TEXT NOT NULL, saved_at TEXT NOT NULL);
"""
_IMPORT_TABLES = ("daily_values", "import_days", "variables", "import_files", "imports")
#: Self-experiments: each plan, its seed, status and latest result (JSON text). Added to every
#: workspace when it is opened (new ones and those made before experiments existed), and never
#: touched by imports, so experiments survive re-imports and removals.
_EXPERIMENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    plan_json TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,
    result_json TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


def default_workspace_path() -> Path:
    """``$PGA_WORKSPACE`` if set, else ``~/.pga/workspace.sqlite``."""
    return Path(os.environ.get(WORKSPACE_ENV) or DEFAULT_WORKSPACE).expanduser()


@dataclass(frozen=True)
class FormatImport:
    """What happened to one format's files in an import.

    Attributes
    ----------
    format : ``whoop``, ``apple_health``, ``oura``, ``csv``.
    files : the files' names as handed over.
    import_id : the new import's id, or None when these exact files were imported before.
    days : days in the files' daily table.
    days_added : days that had no value from this source before.
    days_updated : days whose values from this source changed (the latest import wins).
    already_imported_on : the local date of the earlier import of the same files, if any.
    warnings : the reader's notes about the data.
    """

    format: str
    files: tuple[str, ...]
    import_id: int | None
    days: int
    days_added: int
    days_updated: int
    already_imported_on: str | None = None
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """One plain line: ``whoop: 730 days added, 0 updated (4 files)``."""
        files = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        if self.already_imported_on is not None:
            return f"{self.format}: already imported on {self.already_imported_on} ({files})"
        return (
            f"{self.format}: {self.days_added} day{'s' if self.days_added != 1 else ''} added, "
            f"{self.days_updated} updated ({files})"
        )


@dataclass(frozen=True)
class ImportSummary:
    """The outcome of one import call, per format."""

    imports: tuple[FormatImport, ...]

    @property
    def days_added(self) -> int:
        """Days added over all formats."""
        return sum(i.days_added for i in self.imports)

    @property
    def days_updated(self) -> int:
        """Days updated over all formats."""
        return sum(i.days_updated for i in self.imports)

    @property
    def changed(self) -> bool:
        """Whether anything new was recorded."""
        return any(i.import_id is not None for i in self.imports)

    def lines(self) -> list[str]:
        """Plain text, one line per format and one per warning."""
        out = []
        for item in self.imports:
            out.append(item.describe())
            out.extend(f"  warning: {w}" for w in item.warnings)
        return out


class Workspace:
    """The person's local store: one SQLite file.

    Parameters
    ----------
    path : the workspace file; None means ``$PGA_WORKSPACE`` or ``~/.pga/workspace.sqlite``.
        Missing parent folders are created (0700); a new file (0600) gets the schema.

    Raises
    ------
    ValueError
        The file or its folder cannot be created, the file is not an SQLite database, is another
        program's database, or was written by a newer version of this program; or another
        program holds the workspace's lock for longer than ``BUSY_TIMEOUT_S`` (any method then
        says the workspace is busy).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_workspace_path()
        if self.path.is_dir():
            raise ValueError(f"{self.path}: is a folder; expected a workspace file")
        try:
            _make_private_folders(self.path.parent)
            _make_private_file(self.path)
        except OSError as error:
            raise ValueError(
                f"{self.path}: cannot create the workspace ({error.strerror or error}); "
                "choose another path"
            ) from error
        self._open_or_create()
        self._add_experiments_table()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # --- connection and schema --------------------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection in autocommit mode; transactions are begun explicitly."""
        try:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as error:
            raise ValueError(f"{self.path}: cannot open the workspace ({error})") from error
        with closing(connection):
            yield connection

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises.

        A lock held by another connection for longer than ``BUSY_TIMEOUT_S`` is a ValueError
        saying the workspace is busy; nothing is then changed.
        """
        if write:
            self._keep_private()
        try:
            with self._connect() as connection:
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield connection
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
                # A COMMIT that times out leaves the transaction open: closing rolls it back.
                connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if (getattr(error, "sqlite_errorcode", 0) & _PRIMARY_CODE_MASK) != sqlite3.SQLITE_BUSY:
                raise
            raise ValueError(
                f"the workspace {self.path} is busy: another import or the dashboard is writing "
                "to it; try again when it finishes"
            ) from error

    def _keep_private(self) -> None:
        """Before health data goes in: a file others may read becomes the owner's only."""
        try:
            if self.path.stat().st_mode & _SHARED_BITS:
                self.path.chmod(PRIVATE_FILE_MODE)
        except OSError as error:
            raise ValueError(
                f"{self.path}: cannot make the workspace readable by its owner only "
                f"({error.strerror or error}); nothing was written"
            ) from error

    def _open_or_create(self) -> None:
        try:
            with self._transaction(write=False) as connection:
                tables, version = _schema(connection)
            if not tables:
                # Two processes may both find the file empty (two tabs at first start): under
                # the write lock only the first creates the schema, the others then find it.
                with self._transaction(write=True) as connection:
                    tables, version = _schema(connection)
                    if not tables:
                        _create_schema(connection)
                        return
        except sqlite3.DatabaseError as error:
            raise ValueError(
                f"{self.path}: not a workspace file (SQLite says: {error}); "
                "choose another path or move this file away"
            ) from error
        if version is None:
            raise ValueError(
                f"{self.path}: an SQLite database, but not a workspace of this program "
                "(no schema_version table); choose another path"
            )
        if version > SCHEMA_VERSION:
            raise ValueError(
                f"{self.path}: written by a newer version of this program (workspace schema "
                f"{version}, this version reads up to {SCHEMA_VERSION}); please upgrade"
            )

    # --- imports ----------------------------------------------------------------------------------
    def import_sources(
        self,
        sources: Iterable[Source],
        *,
        imported_at: datetime | None = None,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Read exports (paths, folders, zips, ``(name, bytes)`` uploads) and import them.

        Every file is read and checked before anything is written: one bad file among several
        raises ValueError and leaves the workspace unchanged. ``progress(fraction, message)``,
        if given, hears how far the import is (reading, then saving), ending at 1.0.
        """
        from pga_core.data.readers import read_sources

        report = progress or no_progress
        results = read_sources(
            list(sources), progress=lambda fraction, text: report(READ_SHARE * fraction, text)
        )
        return self.import_results(
            results,
            imported_at=imported_at,
            progress=lambda fraction, text: report(READ_SHARE + (1 - READ_SHARE) * fraction, text),
        )

    def import_results(
        self,
        results: Sequence[ReadResult],
        *,
        imported_at: datetime | None = None,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Record what readers produced, in one transaction.

        Parameters
        ----------
        results : one :class:`ReadResult` per format (its files and daily table).
        imported_at : when (default now); stored in UTC.
        progress : called as ``progress(fraction, message)`` before saving each format and
            with 1.0 once everything is committed.

        Returns
        -------
        ImportSummary
            Per format: days added and updated, or "already imported on <date>" when the same
            files (by content) were imported before — then nothing is recorded for them.
        """
        results = list(results)
        for position, result in enumerate(results):
            if not isinstance(result, ReadResult):
                raise TypeError(
                    f"import_results: item {position} is a {type(result).__name__}, "
                    "expected a ReadResult"
                )
            if not result.files:
                raise ValueError(
                    f"import_results: item {position} ({result.format}) names no files; "
                    "an import records the files it came from"
                )
        hashes = [[_hash_file(f) for f in result.files] for result in results]
        when = (imported_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        report = progress or no_progress
        outcomes = []
        with self._transaction(write=True) as connection:
            for step, (result, file_hashes) in enumerate(zip(results, hashes, strict=True)):
                report(step / len(results), f"Saving the {result.format} import")
                outcomes.append(_record_import(connection, result, file_hashes, when))
        report(1.0, "Saved")
        return ImportSummary(tuple(outcomes))

    def remove_import(self, import_id: int) -> None:
        """Forget one import and its values; the daily table becomes what it was without it."""
        with self._transaction(write=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM imports WHERE import_id = ?", (int(import_id),)
            ).fetchone()
            if found is None:
                raise ValueError(f"{self.path}: no import with id {import_id}")
            for table in _IMPORT_TABLES:
                connection.execute(f"DELETE FROM {table} WHERE import_id = ?", (int(import_id),))

    def imports(self) -> pd.DataFrame:
        """The import log, oldest first.

        Columns: ``import_id, imported_at`` (UTC), ``format, files, sha256`` (``; ``-separated,
        in the same order), ``days, first_day, last_day, days_added, days_updated``.
        """
        with self._transaction(write=False) as connection:
            rows = connection.execute(
                "SELECT import_id, imported_at, format, days, first_day, last_day, days_added, "
                "days_updated FROM imports ORDER BY import_id"
            ).fetchall()
            files = connection.execute(
                "SELECT import_id, name, sha256 FROM import_files ORDER BY import_id, position"
            ).fetchall()
        names: dict[int, list[str]] = {}
        sums: dict[int, list[str]] = {}
        for import_id, name, sha in files:
            names.setdefault(import_id, []).append(name)
            sums.setdefault(import_id, []).append(sha)
        return pd.DataFrame(
            [
                {
                    "import_id": r[0],
                    "imported_at": pd.Timestamp(r[1]),
                    "format": r[2],
                    "files": "; ".join(names.get(r[0], [])),
                    "sha256": "; ".join(sums.get(r[0], [])),
                    "days": r[3],
                    "first_day": pd.Timestamp(r[4]) if r[4] else pd.NaT,
                    "last_day": pd.Timestamp(r[5]) if r[5] else pd.NaT,
                    "days_added": r[6],
                    "days_updated": r[7],
                }
                for r in rows
            ],
            columns=[
                "import_id", "imported_at", "format", "files", "sha256", "days", "first_day",
                "last_day", "days_added", "days_updated",
            ],
        )  # fmt: skip

    @property
    def is_empty(self) -> bool:
        """Whether nothing has been imported yet."""
        with self._transaction(write=False) as connection:
            return connection.execute("SELECT 1 FROM imports LIMIT 1").fetchone() is None

    def daily(self) -> DailyData:
        """The daily table merged over all imports.

        Within a source the latest import wins day by day; sources are merged by
        :data:`pga_core.data.SOURCE_PRIORITY` with :func:`pga_core.data.merge_daily`, which
        reports where they disagree.
        """
        with self._transaction(write=False) as connection:
            formats = [r[0] for r in connection.execute("SELECT DISTINCT format FROM imports")]
            parts = [_source_daily(connection, f) for f in _by_priority(formats)]
        return merge_daily(parts)

    # --- goal trees and fit results ---------------------------------------------------------------
    def save_goals(self, name: str, tree_json: dict[str, Any]) -> None:
        """Save (or replace) a goal tree under ``name``, as JSON text."""
        self._save_json("goals", "tree_json", name, tree_json)

    def load_goals(self, name: str) -> dict[str, Any]:
        """The goal tree saved under ``name``; ValueError naming the saved ones if there is none."""
        found = self._load_json("goals", "tree_json", name)
        if found is None:
            saved = ", ".join(self.goal_names()) or "none"
            raise ValueError(f"{self.path}: no goal tree named {name!r} (saved: {saved})")
        return found

    def goal_names(self) -> list[str]:
        """Names of the saved goal trees, sorted."""
        with self._transaction(write=False) as connection:
            return [r[0] for r in connection.execute("SELECT name FROM goals ORDER BY name")]

    def delete_goals(self, name: str) -> None:
        """Delete the goal tree saved under ``name`` and its fit result; ValueError if none."""
        with self._transaction(write=True) as connection:
            deleted = connection.execute("DELETE FROM goals WHERE name = ?", (name,)).rowcount
            connection.execute("DELETE FROM fits WHERE name = ?", (name,))
        if not deleted:
            raise ValueError(f"{self.path}: no goal tree named {name!r} to delete")

    def save_fit(self, name: str, result_json: dict[str, Any]) -> None:
        """Save (or replace) the fit result of the goal tree ``name``, as JSON text."""
        self._save_json("fits", "result_json", name, result_json)

    def load_fit(self, name: str) -> dict[str, Any] | None:
        """The fit result saved for ``name``, or None."""
        return self._load_json("fits", "result_json", name)

    def _save_json(self, table: str, column: str, name: str, document: dict[str, Any]) -> None:
        what = "goal tree" if table == "goals" else "fit result"
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{what} name: expected a non-empty text, got {name!r}")
        if not isinstance(document, dict):
            raise TypeError(f"{what} {name!r}: expected a dict, got {type(document).__name__}")
        try:
            text = json.dumps(document, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{what} {name!r}: cannot be saved as JSON ({error})") from error
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction(write=True) as connection:
            connection.execute(
                f"INSERT INTO {table} (name, {column}, saved_at) VALUES (?, ?, ?) "
                f"ON CONFLICT (name) DO UPDATE SET {column} = excluded.{column}, "
                "saved_at = excluded.saved_at",
                (name, text, now),
            )

    def _load_json(self, table: str, column: str, name: str) -> dict[str, Any] | None:
        with self._transaction(write=False) as connection:
            row = connection.execute(
                f"SELECT {column} FROM {table} WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    # --- self-experiments -------------------------------------------------------------------------
    def _add_experiments_table(self) -> None:
        """Give a workspace without the experiments table one; nothing else changes."""
        with self._transaction(write=False) as connection:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'experiments'"
            ).fetchone()
        if found is None:
            with self._transaction(write=True) as connection:
                connection.execute(_EXPERIMENTS_SCHEMA)

    def save_experiment(
        self, name: str, plan_json: dict[str, Any], *, seed: int, status: str = "active"
    ) -> None:
        """Save an experiment's plan under ``name``, or replace it (a restart).

        A replaced plan keeps its creation time; its status becomes ``status`` and its stored
        result is cleared (it belonged to the old plan).
        """
        text = _experiment_text(name, "plan", plan_json)
        _check_status(name, status)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction(write=True) as connection:
            connection.execute(
                "INSERT INTO experiments (name, plan_json, seed, status, result_json, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET plan_json = excluded.plan_json, "
                "seed = excluded.seed, status = excluded.status, result_json = NULL, "
                "updated_at = excluded.updated_at",
                (name, text, int(seed), status, now, now),
            )

    def experiments(self) -> list[dict[str, Any]]:
        """Every saved experiment, oldest first (see :meth:`load_experiment` for the fields)."""
        with self._transaction(write=False) as connection:
            rows = connection.execute(
                f"SELECT {_EXPERIMENT_FIELDS} FROM experiments ORDER BY experiment_id"
            ).fetchall()
        return [_experiment_record(row) for row in rows]

    def experiment_names(self) -> list[str]:
        """Names of the saved experiments, oldest first."""
        return [record["name"] for record in self.experiments()]

    def load_experiment(self, name: str) -> dict[str, Any]:
        """The experiment saved under ``name``.

        Returns
        -------
        dict
            ``id, name, plan`` (the plan's JSON document), ``seed, status``, ``result`` (the
            latest result's document, or None), ``created_at, updated_at`` (UTC, ISO 8601).

        Raises
        ------
        ValueError
            No experiment has that name (the message lists the saved ones).
        """
        with self._transaction(write=False) as connection:
            row = connection.execute(
                f"SELECT {_EXPERIMENT_FIELDS} FROM experiments WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            raise ValueError(self._no_experiment(name))
        return _experiment_record(row)

    def set_experiment_status(self, name: str, status: str) -> None:
        """Change an experiment's status (``active``, ``abandoned``, ``complete``, …)."""
        _check_status(name, status)
        self._update_experiment(name, "status = ?", (status,))

    def save_experiment_result(
        self, name: str, result_json: dict[str, Any] | None, *, status: str | None = None
    ) -> None:
        """Store an experiment's latest result (None clears it), and its status if given."""
        text = None if result_json is None else _experiment_text(name, "result", result_json)
        if status is None:
            self._update_experiment(name, "result_json = ?", (text,))
            return
        _check_status(name, status)
        self._update_experiment(name, "result_json = ?, status = ?", (text, status))

    def delete_experiment(self, name: str) -> None:
        """Forget an experiment; ValueError if there is none of that name."""
        with self._transaction(write=True) as connection:
            deleted = connection.execute("DELETE FROM experiments WHERE name = ?", (name,)).rowcount
        if not deleted:
            raise ValueError(self._no_experiment(name))

    def _update_experiment(self, name: str, assignments: str, values: tuple[Any, ...]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction(write=True) as connection:
            changed = connection.execute(
                f"UPDATE experiments SET {assignments}, updated_at = ? WHERE name = ?",
                (*values, now, name),
            ).rowcount
        if not changed:
            raise ValueError(self._no_experiment(name))

    def _no_experiment(self, name: str) -> str:
        saved = ", ".join(repr(n) for n in self.experiment_names()) or "none"
        return f"{self.path}: no experiment named {name!r} (saved: {saved})"


# --- experiment internals -------------------------------------------------------------------------
_EXPERIMENT_FIELDS = (
    "experiment_id, name, plan_json, seed, status, result_json, created_at, updated_at"
)


def _experiment_text(name: str, what: str, document: dict[str, Any]) -> str:
    """An experiment's plan or result as JSON text; ValueError naming what cannot be saved."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"experiment name: expected a non-empty text, got {name!r}")
    if not isinstance(document, dict):
        raise TypeError(
            f"experiment {name!r}: expected the {what} as a dict, got {type(document).__name__}"
        )
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"experiment {name!r}: the {what} cannot be saved as JSON ({error})"
        ) from error


def _check_status(name: str, status: str) -> None:
    if not isinstance(status, str) or not status.strip():
        raise ValueError(f"experiment {name!r}: expected a status text, got {status!r}")


def _experiment_record(row: tuple[Any, ...]) -> dict[str, Any]:
    experiment_id, name, plan, seed, status, result, created, updated = row
    return {
        "id": experiment_id,
        "name": name,
        "plan": json.loads(plan),
        "seed": seed,
        "status": status,
        "result": None if result is None else json.loads(result),
        "created_at": created,
        "updated_at": updated,
    }


# --- files and schema -----------------------------------------------------------------------------
def _make_private_folders(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each readable by its owner only; folders that
    exist are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=PRIVATE_FOLDER_MODE)
        except FileExistsError:
            if not new.is_dir():
                raise
            # another process made it at the same moment: fine


def _make_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, unless it exists (SQLite reads an empty
    file as an empty database)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)


def _schema(connection: sqlite3.Connection) -> tuple[set[str], int | None]:
    """The tables of the database, and the workspace schema version if it has one."""
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    if "schema_version" not in tables:
        return tables, None
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    return tables, None if row is None else int(row[0])


def _create_schema(connection: sqlite3.Connection) -> None:
    """The workspace's tables, in the caller's write transaction."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)
    connection.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))


# --- import internals -----------------------------------------------------------------------------
def _hash_file(file: ExportFile) -> tuple[str, str, int]:
    """(name, sha256, size) of one file, streamed."""
    digest = hashlib.sha256()
    size = 0
    try:
        with file.open() as stream:
            while chunk := stream.read(HASH_CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise ValueError(f"{file.name}: cannot be read ({error})") from error
    return file.name, digest.hexdigest(), size


def _fingerprint(file_hashes: list[tuple[str, str, int]]) -> str:
    """One hash for a set of files, independent of their names and order."""
    return hashlib.sha256("\n".join(sorted(h for _, h, _ in file_hashes)).encode()).hexdigest()


def _record_import(
    connection: sqlite3.Connection,
    result: ReadResult,
    file_hashes: list[tuple[str, str, int]],
    when: str,
) -> FormatImport:
    """Insert one format's import, unless the same files were imported before."""
    names = tuple(name for name, _, _ in file_hashes)
    fingerprint = _fingerprint(file_hashes)
    table = result.daily.table
    earlier = connection.execute(
        "SELECT imported_at FROM imports WHERE format = ? AND fingerprint = ? "
        "ORDER BY import_id LIMIT 1",
        (result.format, fingerprint),
    ).fetchone()
    if earlier is not None:
        local_day = datetime.fromisoformat(earlier[0]).astimezone().date().isoformat()
        return FormatImport(result.format, names, None, len(table), 0, 0, local_day)
    before = _source_daily(connection, result.format).table
    after = _combine_newest_first([table, before])
    added, updated = _count_changes(before, after)
    days = table.index
    cursor = connection.execute(
        "INSERT INTO imports (format, imported_at, fingerprint, days, first_day, last_day, "
        "days_added, days_updated, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            result.format,
            when,
            fingerprint,
            len(days),
            days.min().strftime(_DAY_FORMAT) if len(days) else None,
            days.max().strftime(_DAY_FORMAT) if len(days) else None,
            added,
            updated,
            json.dumps(list(result.daily.warnings), ensure_ascii=False),
        ),
    )
    import_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    connection.executemany(
        "INSERT INTO import_files VALUES (?, ?, ?, ?, ?)",
        [(import_id, i, name, sha, size) for i, (name, sha, size) in enumerate(file_hashes)],
    )
    _insert_registry(connection, import_id, result.daily.registry)
    _insert_values(connection, import_id, table)
    return FormatImport(
        result.format, names, import_id, len(days), added, updated, None,
        tuple(result.daily.warnings),
    )  # fmt: skip


def _insert_registry(
    connection: sqlite3.Connection, import_id: int, registry: dict[str, Variable]
) -> None:
    connection.executemany(
        "INSERT INTO variables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                import_id, position, v.name, v.label, v.unit, v.kind, v.source,
                None if v.higher_is_better is None else int(v.higher_is_better),
                json.dumps(list(v.components)), v.aggregation,
            )
            for position, v in enumerate(registry.values())
        ],
    )  # fmt: skip


def _insert_values(connection: sqlite3.Connection, import_id: int, table: pd.DataFrame) -> None:
    """The import's days, and its non-missing values as (name, day, value) rows."""
    days = table.index.strftime(_DAY_FORMAT).tolist()
    connection.executemany("INSERT INTO import_days VALUES (?, ?)", [(import_id, d) for d in days])
    # Column by column, so rows arrive in primary-key order (name, day): SQLite inserts faster.
    values = table.to_numpy(dtype=np.float64).T
    present = ~np.isnan(values)
    cols, rows = np.nonzero(present)
    names = np.asarray(table.columns, dtype=object)[cols].tolist()
    connection.executemany(
        "INSERT INTO daily_values VALUES (?, ?, ?, ?)",
        zip(
            itertools.repeat(import_id, len(names)),
            names,
            np.asarray(days, dtype=object)[rows].tolist(),
            values[present].tolist(),
            strict=True,
        ),
    )


def _import_daily(connection: sqlite3.Connection, import_id: int) -> DailyData:
    """One import's daily table, exactly as it was handed over."""
    registry = {}
    for row in connection.execute(
        "SELECT name, label, unit, kind, source, higher_is_better, components, aggregation "
        "FROM variables WHERE import_id = ? ORDER BY position",
        (import_id,),
    ):
        name, label, unit, kind, source, better, components, aggregation = row
        registry[name] = Variable(
            name=name,
            label=label,
            unit=unit,
            kind=kind,
            source=source,
            higher_is_better=None if better is None else bool(better),
            components=tuple(json.loads(components)),
            aggregation=aggregation,
        )
    days = [r[0] for r in connection.execute(
        "SELECT day FROM import_days WHERE import_id = ? ORDER BY day", (import_id,)
    )]  # fmt: skip
    row_of = {day: i for i, day in enumerate(days)}
    column_of = {name: j for j, name in enumerate(registry)}
    values = np.full((len(days), len(registry)), np.nan)
    for day, name, value in connection.execute(
        "SELECT day, name, value FROM daily_values WHERE import_id = ?", (import_id,)
    ):
        values[row_of[day], column_of[name]] = value
    index = pd.DatetimeIndex(pd.to_datetime(days, format=_DAY_FORMAT), name="date")
    table = pd.DataFrame(values, index=index, columns=list(registry))
    (warnings_text,) = connection.execute(
        "SELECT warnings FROM imports WHERE import_id = ?", (import_id,)
    ).fetchone()
    return DailyData(table, registry, json.loads(warnings_text))


def _source_daily(connection: sqlite3.Connection, format_name: str) -> DailyData:
    """All imports of one format combined day by day, the latest import winning."""
    ids = [r[0] for r in connection.execute(
        "SELECT import_id FROM imports WHERE format = ? ORDER BY import_id DESC", (format_name,)
    )]  # fmt: skip
    parts = [_import_daily(connection, i) for i in ids]
    if not parts:
        return DailyData.empty()
    registry: dict[str, Variable] = {}
    warnings: list[str] = []
    for part in parts:
        for name, variable in part.registry.items():
            registry.setdefault(name, variable)
        warnings.extend(w for w in part.warnings if w not in warnings)
    table = _combine_newest_first([p.table for p in parts])
    return DailyData(table[list(registry)], registry, warnings)


def _combine_newest_first(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Day by day and variable by variable, the first table with a value wins."""
    combined = tables[0]
    for table in tables[1:]:
        combined = combined.combine_first(table)
    return combined


def _count_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[int, int]:
    """Days that gained their first value, and days whose values changed."""
    columns = after.columns.union(before.columns)
    old = before.reindex(index=after.index, columns=columns)
    new = after.reindex(columns=columns)
    had_value = old.notna().any(axis=1)
    same = (old == new) | (old.isna() & new.isna())
    changed = ~same.all(axis=1)
    has_value = new.notna().any(axis=1)
    return int((~had_value & has_value).sum()), int((had_value & changed).sum())


def _by_priority(formats: Iterable[str]) -> list[str]:
    """Formats in ``SOURCE_PRIORITY`` order; unknown ones after, alphabetically."""
    rank = {name: i for i, name in enumerate(SOURCE_PRIORITY)}
    return sorted(formats, key=lambda f: (rank.get(f, len(rank)), f))
