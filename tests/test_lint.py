"""The code base stays clean: ruff's bug-finding rules and formatting, and mypy's type check (see
pyproject.toml for both configurations)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess:
    executable = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    return subprocess.run([executable, *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("command", [("check", "."), ("format", "--check", ".")])
def test_ruff_is_clean(command):
    result = ruff(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    # The files, the options and the (git-ignored) cache all come from pyproject.toml: the first
    # run in a fresh clone takes a while, later ones only recheck what changed.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout
