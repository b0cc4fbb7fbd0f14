"""Command line: ``sample`` writes a person's exports, ``import`` adds exports to the workspace."""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import pga_core.data.readers
from pga_core.cli import add_workspace_argument, main, open_workspace
from pga_core.data import Workspace
from pga_core.data import _workspace as workspace_store
from pga_core.data.readers import ReadResult, collect_files
from pga_core.sample import generate_person, write_sample

REPO = Path(__file__).resolve().parents[2]
GOALS = REPO / "data" / "goals.json"
#: Seconds the commands wait for a lock in these tests instead of the real 30.
SHORT_BUSY_TIMEOUT_S = 0.2
WHOOP_FILES = {"physiological_cycles.csv", "sleeps.csv", "workouts.csv", "journal_entries.csv"}


@pytest.fixture(scope="module")
def person():
    return generate_person(45, seed=5)


@pytest.fixture
def sample_dir(person, tmp_path):
    write_sample(person, tmp_path / "sample")
    return tmp_path / "sample"


@pytest.fixture
def readers(person, monkeypatch):
    """Stand-in readers: recognise the sample's WHOOP CSVs and habit sheet, refuse the rest."""

    def read_sources(sources, progress=None):
        by_format: dict[str, list] = {}
        for file in collect_files(sources):
            if file.basename in WHOOP_FILES:
                by_format.setdefault("whoop", []).append(file)
            elif file.basename == "habits.csv":
                by_format.setdefault("csv", []).append(file)
            else:
                raise ValueError(f"{file.name}: not an export this program reads")
        return [ReadResult(f, tuple(files), person.sources[f]) for f, files in by_format.items()]

    monkeypatch.setattr(pga_core.data.readers, "read_sources", read_sources, raising=False)


# --- sample ------------------------------------------------------------------------------------
def test_sample_writes_the_exports_and_says_what_it_wrote(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "out"), "--days", "40", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sample person (seed 5): 40 days, 2023-01-02 to 2023-02-10\n")
    reference = write_sample(generate_person(40, seed=5), tmp_path / "reference")
    for relative, path in reference.items():
        assert f"  {relative}  ({path.stat().st_size:,} bytes)" in out
        assert (tmp_path / "out" / relative).read_bytes() == path.read_bytes()
    assert "recovery -24.0 % the morning after drinking" in out


def test_sample_with_too_few_days_is_one_line_and_status_2(tmp_path, capsys):
    assert main(["sample", str(tmp_path), "--days", "3"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "error: days: expected at least 28, got 3\n"
    assert not any(tmp_path.iterdir())


def test_usage_errors_are_one_line_and_status_2(capsys):
    assert main(["sample", "out", "--days", "many"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "invalid int value: 'many'" in err


# --- import ------------------------------------------------------------------------------------
def test_import_reports_days_per_format_then_already_imported(
    sample_dir, readers, tmp_path, capsys, person
):
    workspace = tmp_path / "ws.sqlite"
    paths = [str(sample_dir / "whoop"), str(sample_dir / "habits.csv")]
    assert main(["import", *paths, "--workspace", str(workspace)]) == 0
    lines = capsys.readouterr().out.splitlines()
    whoop_days = person.sources["whoop"].days
    csv_days = person.sources["csv"].days
    assert lines[0] == f"whoop: {whoop_days} days added, 0 updated (4 files)"
    assert lines[1] == f"csv: {csv_days} days added, 0 updated (1 file)"
    assert lines[2].startswith(f"workspace {workspace}: 2 imports, 2023-01-02 to ")

    assert main(["import", *paths, "--workspace", str(workspace)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("whoop: already imported on ")
    assert lines[1].startswith("csv: already imported on ")
    assert len(Workspace(workspace).imports()) == 2


def test_import_uses_the_workspace_from_the_environment(sample_dir, readers, tmp_path, monkeypatch):
    monkeypatch.setenv("PGA_WORKSPACE", str(tmp_path / "env" / "ws.sqlite"))
    assert main(["import", str(sample_dir / "habits.csv")]) == 0
    assert Workspace(tmp_path / "env" / "ws.sqlite").imports()["format"].tolist() == ["csv"]


def test_bad_input_names_the_file_and_changes_nothing(sample_dir, readers, tmp_path, capsys):
    workspace = tmp_path / "ws.sqlite"
    assert main(["import", str(sample_dir / "habits.csv"), "--workspace", str(workspace)]) == 0
    before = workspace.read_bytes()
    capsys.readouterr()
    paths = [str(sample_dir / "whoop"), str(sample_dir / "apple_health" / "export.xml")]
    assert main(["import", *paths, "--workspace", str(workspace)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {sample_dir / 'apple_health' / 'export.xml'}: not an export this program reads\n"
    )
    assert workspace.read_bytes() == before

    assert main(["import", str(tmp_path / "missing.csv"), "--workspace", str(workspace)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing.csv'}: no such file or folder\n"
    assert workspace.read_bytes() == before


def test_a_broken_workspace_file_is_one_line_and_status_2(sample_dir, readers, tmp_path, capsys):
    broken = tmp_path / "ws.sqlite"
    broken.write_bytes(b"not a database at all" * 50)
    assert main(["import", str(sample_dir / "habits.csv"), "--workspace", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {broken}: not a workspace file")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "command",
    [
        ["import", "habits.csv"],
        ["fit", "--goals", str(GOALS), "--boot", "0"],
        ["impact", "--outcome", "recovery_score"],
    ],
    ids=["import", "fit", "impact"],
)
def test_a_busy_workspace_is_one_line_and_status_2(
    command, sample_dir, readers, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(workspace_store, "BUSY_TIMEOUT_S", SHORT_BUSY_TIMEOUT_S)
    monkeypatch.chdir(sample_dir)
    path = tmp_path / "ws.sqlite"
    Workspace(path).import_sources([sample_dir / "whoop"])
    before = path.read_bytes()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program saving into the workspace
    try:
        status = main([*command, "--workspace", str(path)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err == (
        f"error: the workspace {path} is busy: another import or the dashboard is writing to it; "
        "try again when it finishes\n"
    )
    assert path.read_bytes() == before


def test_another_import_at_work_makes_import_wait_then_give_up_plainly(
    sample_dir, readers, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(workspace_store, "BUSY_TIMEOUT_S", SHORT_BUSY_TIMEOUT_S)
    path = tmp_path / "ws.sqlite"
    Workspace(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer at work: readers still get in
    try:
        status = main(["import", str(sample_dir / "habits.csv"), "--workspace", str(path)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 2
    assert capsys.readouterr().err.startswith(f"error: the workspace {path} is busy: ")
    assert Workspace(path).is_empty


def test_workspace_argument_helpers(tmp_path, monkeypatch):
    parser = argparse.ArgumentParser()
    add_workspace_argument(parser)
    monkeypatch.setenv("PGA_WORKSPACE", str(tmp_path / "from_env.sqlite"))
    assert open_workspace(parser.parse_args([])).path == tmp_path / "from_env.sqlite"
    given = parser.parse_args(["--workspace", str(tmp_path / "given.sqlite")])
    assert open_workspace(given).path == tmp_path / "given.sqlite"


def test_python_dash_m_runs_the_sample_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pga_core", "sample", str(tmp_path), "--days", "30", "--seed", "1"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "whoop_export.zip").is_file()
    assert "30 days" in result.stdout.splitlines()[0]
