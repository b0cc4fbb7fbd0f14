"""Workspace: atomic, idempotent imports that can be undone exactly, and safe JSON documents."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pga_core.data.readers
from pga_core.data import DailyData, Variable, Workspace, merge_daily
from pga_core.data import _workspace as store
from pga_core.data.readers import ExportFile, ReadResult, collect_files
from pga_core.sample import generate_person, write_sample

REPO = Path(__file__).resolve().parents[3]
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
#: A common umask: without care, new files would be 0644 and new folders 0755.
OPEN_UMASK = 0o022
#: Processes opening one new workspace at once, and how many times the race is run.
RACERS, RACES = 6, 15
#: Seconds a test waits for a lock instead of the real 30.
SHORT_BUSY_TIMEOUT_S = 0.2


def _daily(first: str, values: dict[str, list[float]], source: str = "whoop") -> DailyData:
    days = pd.date_range(first, periods=len(next(iter(values.values()))), freq="D", name="date")
    registry = {
        name: Variable(name, name.replace("_", " "), "%", "metric", source, True, ("x",), "mean")
        for name in values
    }
    return DailyData(pd.DataFrame(values, index=days), registry, [f"{source}: a note"])


def _result(tmp_path: Path, name: str, content: bytes, daily: DailyData, fmt: str = "whoop"):
    path = tmp_path / name
    path.write_bytes(content)
    return ReadResult(fmt, tuple(collect_files([path])), daily)


def _snapshot(workspace: Workspace) -> tuple[pd.DataFrame, dict, list, pd.DataFrame]:
    daily = workspace.daily()
    return daily.table, daily.registry, daily.warnings, workspace.imports()


def _assert_same_snapshot(left, right) -> None:
    pd.testing.assert_frame_equal(left[0], right[0], check_freq=False)
    assert left[1] == right[1]
    assert left[2] == right[2]
    pd.testing.assert_frame_equal(left[3], right[3])


@pytest.fixture
def workspace(tmp_path):
    return Workspace(tmp_path / "ws" / "workspace.sqlite")


@pytest.fixture
def export_a(tmp_path):
    """Ten days of recovery and HRV, with a missing value."""
    values = {
        "recovery_score": [60.0, 61.5, np.nan, 40.0, 55.0, 70.0, 71.0, 72.0, 73.0, 74.0],
        "hrv_rmssd": [50.0, 51.0, 52.0, np.nan, 54.0, 55.0, 56.0, 57.0, 58.0, 1 / 3],
    }
    return _result(tmp_path, "cycles_a.csv", b"export a", _daily("2024-03-01", values))


@pytest.fixture
def export_b(tmp_path):
    """A newer export: days 5-14 of the same person, one changed value on day 7."""
    values = {
        "recovery_score": [55.0, 70.0, 99.0, 72.0, 73.0, 74.0, 80.0, 81.0, 82.0, 83.0],
        "hrv_rmssd": [54.0, 55.0, 56.0, 57.0, 58.0, 1 / 3, 60.0, 61.0, 62.0, 63.0],
    }
    return _result(tmp_path, "cycles_b.csv", b"export b", _daily("2024-03-05", values))


# --- opening -------------------------------------------------------------------------------------
def test_new_workspace_is_empty_and_creates_its_folder(tmp_path):
    workspace = Workspace(tmp_path / "a" / "b" / "workspace.sqlite")
    assert workspace.path.is_file()
    assert workspace.path.stat().st_mode & 0o077 == 0  # health data: owner only
    assert workspace.is_empty
    assert workspace.daily().days == 0
    assert list(workspace.imports().columns) == [
        "import_id", "imported_at", "format", "files", "sha256", "days", "first_day",
        "last_day", "days_added", "days_updated",
    ]  # fmt: skip
    assert len(workspace.imports()) == 0


def test_workspace_path_comes_from_the_environment_or_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PGA_WORKSPACE", raising=False)
    assert Workspace().path == tmp_path / "home" / ".pga" / "workspace.sqlite"
    monkeypatch.setenv("PGA_WORKSPACE", str(tmp_path / "elsewhere.sqlite"))
    assert Workspace().path == tmp_path / "elsewhere.sqlite"
    assert Workspace(tmp_path / "given.sqlite").path == tmp_path / "given.sqlite"


def test_a_file_that_is_not_a_workspace_is_a_clear_error(tmp_path):
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(ValueError, match=r"notes\.sqlite: not a workspace file"):
        Workspace(junk)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE songs (title TEXT)")
    connection.close()
    with pytest.raises(ValueError, match=r"other\.sqlite: an SQLite database, but not a workspace"):
        Workspace(other)
    with pytest.raises(ValueError, match="is a folder"):
        Workspace(tmp_path)


def test_a_workspace_from_a_newer_version_is_refused(workspace):
    with sqlite3.connect(workspace.path) as connection:
        connection.execute("UPDATE schema_version SET version = 99")
    connection.close()
    with pytest.raises(ValueError, match="newer version"):
        Workspace(workspace.path)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """Run the test under umask 022, as most systems do."""
    previous = os.umask(OPEN_UMASK)
    yield
    os.umask(previous)


def test_new_folders_and_the_file_are_private_from_creation(tmp_path, open_umask, monkeypatch):
    modes_when_opened = []
    real_connect = sqlite3.connect

    def connect_and_note_the_mode(path, *args, **kwargs):
        modes_when_opened.append(_mode(Path(path)) if Path(path).exists() else None)
        return real_connect(path, *args, **kwargs)

    monkeypatch.setattr(store.sqlite3, "connect", connect_and_note_the_mode)
    home = tmp_path / "home"
    home.mkdir()
    workspace = Workspace(home / ".pga" / "deeper" / "workspace.sqlite")
    assert _mode(home / ".pga") == 0o700
    assert _mode(home / ".pga" / "deeper") == 0o700
    assert _mode(home) == 0o755  # folders that were there are left as they were
    assert _mode(workspace.path) == 0o600
    # the file was private before SQLite first opened it, not made so afterwards
    assert modes_when_opened
    assert set(modes_when_opened) == {0o600}


def test_an_existing_open_workspace_is_made_private_when_health_data_goes_in(
    tmp_path, open_umask, export_a, export_b
):
    path = tmp_path / "workspace.sqlite"
    Workspace(path)
    path.chmod(0o644)
    Workspace(path)  # opening alone changes nothing
    assert _mode(path) == 0o644
    journal_modes = []

    def note_the_journal(fraction, message):
        journal = path.with_name(path.name + "-journal")
        if journal.exists():
            journal_modes.append(_mode(journal))

    other = ReadResult("csv", export_b.files, _daily("2024-03-01", {"steps": [1.0]}, "csv"))
    Workspace(path).import_results([export_a, other], progress=note_the_journal)
    assert _mode(path) == 0o600
    assert journal_modes == [0o600]  # the journal of the import, written beside the file


def test_a_workspace_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ValueError, match=r"a-file/ws\.sqlite: cannot create the workspace"):
        Workspace(blocker / "ws.sqlite")


def _open_when_all_are_ready(path: Path, start, outcomes) -> None:
    """One racer: wait for the others, open the workspace, report how it went."""
    start.wait()
    try:
        Workspace(path)
    except Exception as error:  # the test reports any failure
        outcomes.put(f"{type(error).__name__}: {error}")
    else:
        outcomes.put("ok")


def test_processes_opening_a_new_workspace_at_once_all_succeed(tmp_path):
    context = multiprocessing.get_context("fork")
    for race in range(RACES):
        path = tmp_path / f"race{race}" / "workspace.sqlite"
        start, outcomes = context.Barrier(RACERS), context.Queue()
        racers = [
            context.Process(target=_open_when_all_are_ready, args=(path, start, outcomes))
            for _ in range(RACERS)
        ]
        for racer in racers:
            racer.start()
        heard = [outcomes.get(timeout=60) for _ in racers]
        for racer in racers:
            racer.join(timeout=60)
        assert heard == ["ok"] * RACERS, f"race {race}: {heard}"
        with closing(sqlite3.connect(path)) as connection:
            assert connection.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
        assert _mode(path) == 0o600


# --- importing -----------------------------------------------------------------------------------
def test_import_keeps_values_registry_and_warnings_exactly(workspace, export_a):
    summary = workspace.import_results([export_a], imported_at=WHEN)
    daily = workspace.daily()
    pd.testing.assert_frame_equal(daily.table, export_a.daily.table, check_freq=False)
    assert daily.registry == export_a.daily.registry
    assert daily.warnings == ["whoop: a note"]
    assert summary.lines() == [
        "whoop: 10 days added, 0 updated (1 file)",
        "  warning: whoop: a note",
    ]
    with sqlite3.connect(workspace.path) as connection:
        kinds = {r[0] for r in connection.execute("SELECT typeof(value) FROM daily_values")}
    connection.close()
    assert kinds == {"real"}
    assert not workspace.is_empty


def test_import_log_records_files_hashes_and_counts(workspace, export_a):
    workspace.import_results([export_a], imported_at=WHEN)
    (row,) = workspace.imports().to_dict("records")
    assert row["format"] == "whoop"
    assert row["files"] == export_a.files[0].name
    assert row["sha256"] == hashlib.sha256(b"export a").hexdigest()
    assert row["imported_at"] == pd.Timestamp(WHEN)
    assert (row["days"], row["days_added"], row["days_updated"]) == (10, 10, 0)
    assert (row["first_day"], row["last_day"]) == (
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-03-10"),
    )


def test_importing_the_same_files_again_changes_nothing(workspace, export_a, tmp_path):
    workspace.import_results([export_a], imported_at=WHEN)
    before = _snapshot(workspace)
    again = workspace.import_results([export_a])
    renamed = _result(tmp_path, "renamed copy.csv", b"export a", export_a.daily)
    copy = workspace.import_results([renamed])
    local_day = WHEN.astimezone().date().isoformat()
    for summary in (again, copy):
        (item,) = summary.imports
        assert item.import_id is None
        assert item.already_imported_on == local_day
        assert not summary.changed
    assert again.lines() == [f"whoop: already imported on {local_day} (1 file)"]
    _assert_same_snapshot(_snapshot(workspace), before)


def test_a_newer_overlapping_export_updates_only_the_days_that_differ(
    workspace, export_a, export_b
):
    workspace.import_results([export_a], imported_at=WHEN)
    (item,) = workspace.import_results([export_b]).imports
    assert (item.days_added, item.days_updated) == (4, 1)
    table = workspace.daily().table
    expected = export_b.daily.table.combine_first(export_a.daily.table)
    pd.testing.assert_frame_equal(table, expected, check_freq=False)
    assert table.loc["2024-03-07", "recovery_score"] == 99.0  # the newer import wins
    assert table.loc["2024-03-03", "hrv_rmssd"] == 52.0  # days only the older one has stay


def test_a_value_missing_from_the_newer_export_keeps_the_older_value(workspace, tmp_path):
    old = _result(tmp_path, "old.csv", b"old", _daily("2024-01-01", {"steps": [1.0, 2.0, 3.0]}))
    new = _result(tmp_path, "new.csv", b"new", _daily("2024-01-01", {"steps": [1.0, np.nan, 3.0]}))
    first, second = workspace.import_results([old, new]).imports
    assert (first.days_added, second.days_added, second.days_updated) == (3, 0, 0)
    assert workspace.daily().table["steps"].tolist() == [1.0, 2.0, 3.0]
    assert workspace.import_results([]).imports == ()


def test_removing_an_import_gives_exactly_the_table_without_it(
    workspace, export_a, export_b, tmp_path
):
    workspace.import_results([export_a], imported_at=WHEN)
    only_a = _snapshot(workspace)
    workspace.import_results([export_b], imported_at=WHEN)
    ids = workspace.imports()["import_id"].tolist()
    workspace.remove_import(ids[1])
    _assert_same_snapshot(_snapshot(workspace), only_a)

    workspace.import_results([export_b], imported_at=WHEN)
    workspace.remove_import(workspace.imports()["import_id"].iloc[0])
    alone = Workspace(tmp_path / "only_b.sqlite")
    alone.import_results([export_b], imported_at=WHEN)
    pd.testing.assert_frame_equal(workspace.daily().table, alone.daily().table, check_freq=False)
    assert workspace.daily().registry == alone.daily().registry
    with pytest.raises(ValueError, match="no import with id 12345"):
        workspace.remove_import(12345)


def test_sources_merge_by_priority_with_the_conflicts_reported(workspace, tmp_path):
    whoop = _daily("2024-01-01", {"resting_hr": [50.0, 51.0, np.nan]}, "whoop")
    apple = _daily("2024-01-01", {"resting_hr": [52.0, 51.0, 53.0]}, "apple_health")
    workspace.import_results(
        [
            _result(tmp_path, "export.xml", b"<HealthData/>", apple, "apple_health"),
            _result(tmp_path, "cycles.csv", b"cycles", whoop, "whoop"),
        ]
    )
    merged = workspace.daily()
    reference = merge_daily([whoop, apple])
    pd.testing.assert_frame_equal(merged.table, reference.table, check_freq=False)
    assert merged.table["resting_hr"].tolist() == [50.0, 51.0, 53.0]
    assert any("whoop and apple_health disagree on 1 day" in w for w in merged.warnings)


def test_the_sample_person_imports_to_its_own_daily_table(tmp_path, workspace):
    person = generate_person(60, seed=11)
    paths = write_sample(person, tmp_path / "sample")
    files = {
        "whoop": [paths[f"whoop/{n}"] for n in ("physiological_cycles.csv", "sleeps.csv")],
        "apple_health": [paths["apple_health/export.zip"]],
        "csv": [paths["habits.csv"]],
    }
    results = [
        ReadResult(fmt, tuple(collect_files(p)), person.sources[fmt]) for fmt, p in files.items()
    ]
    summary = workspace.import_results(results)
    assert [i.format for i in summary.imports] == ["whoop", "apple_health", "csv"]
    daily = workspace.daily()
    pd.testing.assert_frame_equal(daily.table, person.daily.table, check_freq=False)
    assert daily.warnings == person.daily.warnings


# --- atomicity -----------------------------------------------------------------------------------
def test_an_exception_halfway_through_an_import_changes_nothing(
    workspace, export_a, export_b, monkeypatch
):
    workspace.import_results([export_a], imported_at=WHEN)
    before = _snapshot(workspace)
    file_before = workspace.path.read_bytes()
    real_insert = store._insert_values
    calls = []

    def insert_then_fail(connection, import_id, table):
        real_insert(connection, import_id, table)
        calls.append(import_id)
        if len(calls) == 2:
            raise RuntimeError("disk pulled out")

    monkeypatch.setattr(store, "_insert_values", insert_then_fail)
    other = ReadResult("csv", export_b.files, _daily("2024-03-01", {"steps": [1.0]}, "csv"))
    with pytest.raises(RuntimeError, match="disk pulled out"):
        workspace.import_results([export_b, other])
    assert len(calls) == 2  # both imports were written inside the transaction
    _assert_same_snapshot(_snapshot(workspace), before)
    assert workspace.path.read_bytes() == file_before


def test_an_unreadable_file_stops_the_import_before_anything_is_written(workspace, export_a):
    def broken() -> io.BytesIO:
        raise OSError("device not ready")

    bad = ExportFile("sleeps.csv", 10, broken)
    result = ReadResult("whoop", (*export_a.files, bad), export_a.daily)
    before = workspace.path.read_bytes()
    with pytest.raises(ValueError, match=r"^sleeps\.csv: cannot be read \(device not ready\)$"):
        workspace.import_results([export_a, result])
    assert workspace.path.read_bytes() == before
    assert workspace.is_empty


def test_import_sources_reads_every_file_before_writing(workspace, export_a, monkeypatch):
    def refuse(sources, progress=None):
        raise ValueError("bad.csv: row 3, column date: expected a date, got 'soon'")

    monkeypatch.setattr(pga_core.data.readers, "read_sources", refuse, raising=False)
    before = workspace.path.read_bytes()
    with pytest.raises(ValueError, match=r"bad\.csv: row 3"):
        workspace.import_sources(["good.csv", "bad.csv"])
    assert workspace.path.read_bytes() == before

    monkeypatch.setattr(
        pga_core.data.readers,
        "read_sources",
        lambda sources, progress=None: [export_a],
        raising=False,
    )
    summary = workspace.import_sources(["good.csv"])
    assert summary.days_added == 10


def test_import_progress_runs_through_reading_then_saving(workspace, tmp_path):
    golden = REPO / "tests" / "fixtures" / "whoop-golden"
    heard: list[tuple[float, str]] = []
    workspace.import_sources(
        [golden / "physiological_cycles.csv", golden / "sleeps.csv"],
        progress=lambda fraction, message: heard.append((fraction, message)),
    )
    assert heard == [
        (0.0, "Recognising the files"),
        (pytest.approx(0.4), "Reading WHOOP (2 files)"),
        (pytest.approx(0.8), "Read"),
        (pytest.approx(0.8), "Saving the whoop import"),
        (1.0, "Saved"),
    ]
    assert not workspace.is_empty


def test_items_that_are_not_read_results_are_refused(workspace, export_a):
    with pytest.raises(TypeError, match="item 0 is a dict, expected a ReadResult"):
        workspace.import_results([{"format": "whoop"}])
    with pytest.raises(ValueError, match=r"item 1 \(csv\) names no files"):
        workspace.import_results([export_a, ReadResult("csv", (), export_a.daily)])
    assert workspace.is_empty


# --- several processes and readers ---------------------------------------------------------------
def test_a_new_process_reads_the_same_table(workspace, export_a, export_b):
    workspace.import_results([export_a, export_b])
    code = (
        "import sys\nfrom pga_core.data import Workspace\n"
        "sys.stdout.write(Workspace(sys.argv[1]).daily().table.to_csv())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(workspace.path)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    assert other.stdout == workspace.daily().table.to_csv()


def test_readers_do_not_block_each_other(workspace, export_a, export_b):
    workspace.import_results([export_a, export_b])
    expected = workspace.daily().table
    holder = sqlite3.connect(workspace.path, isolation_level=None)
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM daily_values").fetchone()  # an open read transaction
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            tables = list(pool.map(lambda _: Workspace(workspace.path).daily().table, range(8)))
    finally:
        holder.execute("COMMIT")
        holder.close()
    for table in tables:
        pd.testing.assert_frame_equal(table, expected)


# --- a busy workspace ----------------------------------------------------------------------------
@contextmanager
def _locked(path: Path, how: str) -> Iterator[None]:
    """Another program holding the workspace's lock: ``IMMEDIATE`` is a writer at work,
    ``EXCLUSIVE`` a writer saving (then not even readers get in)."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute(f"BEGIN {how}")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _busy(path: Path) -> str:
    return re.escape(
        f"the workspace {path} is busy: another import or the dashboard is writing to it; "
        "try again when it finishes"
    )


def test_a_workspace_busy_longer_than_the_timeout_is_a_clear_error(
    workspace, export_a, monkeypatch
):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", SHORT_BUSY_TIMEOUT_S)
    with _locked(workspace.path, "IMMEDIATE"):
        with pytest.raises(ValueError, match=f"^{_busy(workspace.path)}$"):
            workspace.import_results([export_a])
        with pytest.raises(ValueError, match=f"^{_busy(workspace.path)}$"):
            workspace.save_goals("health", {"name": "health"})
        assert workspace.is_empty  # readers still read while another writer works
    with _locked(workspace.path, "EXCLUSIVE"):
        for read in (lambda: Workspace(workspace.path), workspace.daily, workspace.imports):
            with pytest.raises(ValueError, match=f"^{_busy(workspace.path)}$"):
                read()
    assert workspace.is_empty
    assert workspace.import_results([export_a]).days_added == 10  # free again: it works


def test_the_busy_timeout_is_the_one_named(workspace, monkeypatch):
    assert store.BUSY_TIMEOUT_S == 30.0
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", SHORT_BUSY_TIMEOUT_S)
    with _locked(workspace.path, "EXCLUSIVE"):
        started = time.monotonic()
        with pytest.raises(ValueError, match="is busy"):
            workspace.daily()
        waited = time.monotonic() - started
    assert SHORT_BUSY_TIMEOUT_S <= waited < 10 * SHORT_BUSY_TIMEOUT_S + 1


# --- goal trees and fit results ------------------------------------------------------------------
def test_goal_trees_and_fits_round_trip_as_json_text(workspace):
    tree = {"name": "health", "children": [{"name": "VO₂ max", "inputs": ["zone5_min@sum28"]}],
            "weights": [0.1, 1 / 3, -2.5e-8]}  # fmt: skip
    workspace.save_goals("mine", tree)
    workspace.save_goals("another", {"name": "sleep"})
    assert workspace.load_goals("mine") == tree
    assert workspace.goal_names() == ["another", "mine"]
    workspace.save_goals("mine", {"name": "changed"})
    assert workspace.load_goals("mine") == {"name": "changed"}
    assert workspace.load_fit("mine") is None
    fit = {"nodes": [{"name": "health", "score_oos": 0.42}], "leverage": []}
    workspace.save_fit("mine", fit)
    assert Workspace(workspace.path).load_fit("mine") == fit
    with sqlite3.connect(workspace.path) as connection:
        kinds = {r[0] for r in connection.execute("SELECT typeof(tree_json) FROM goals")}
        kinds |= {r[0] for r in connection.execute("SELECT typeof(result_json) FROM fits")}
    connection.close()
    assert kinds == {"text"}


def test_deleting_a_goal_tree_removes_its_fit_and_nothing_else(workspace):
    workspace.save_goals("mine", {"name": "health"})
    workspace.save_fit("mine", {"nodes": []})
    workspace.save_goals("kept", {"name": "sleep"})
    workspace.delete_goals("mine")
    assert workspace.goal_names() == ["kept"]
    assert workspace.load_fit("mine") is None
    with pytest.raises(ValueError, match="no goal tree named 'mine' to delete"):
        workspace.delete_goals("mine")


def test_goal_errors_say_what_is_wrong(workspace):
    workspace.save_goals("mine", {"name": "health"})
    with pytest.raises(ValueError, match=r"no goal tree named 'theirs' \(saved: mine\)"):
        workspace.load_goals("theirs")
    with pytest.raises(ValueError, match="cannot be saved as JSON"):
        workspace.save_goals("bad", {"when": datetime(2024, 1, 1)})
    with pytest.raises(TypeError, match="expected a dict, got list"):
        workspace.save_fit("mine", [1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected a non-empty text"):
        workspace.save_goals("  ", {})
    assert workspace.goal_names() == ["mine"]
