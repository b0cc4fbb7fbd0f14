"""Pages driven by Streamlit's AppTest, each test with its own empty workspace."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pga_core.data import WORKSPACE_ENV, Workspace

ROOT = Path(__file__).resolve().parents[2]
#: Seconds one script run may take (the first run reads the bundled sample person).
RUN_TIMEOUT_S = 60


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """An empty workspace that the app opens (through ``PGA_WORKSPACE``)."""
    path = tmp_path / "workspace.sqlite"
    monkeypatch.setenv(WORKSPACE_ENV, str(path))
    return Workspace(path)


@pytest.fixture
def open_page(workspace: Workspace) -> Callable[..., AppTest]:
    """``open_page("app_pages/data.py", fit_n_boot=10)``: the app in a fresh session with those
    session-state values set, run, then switched to that page and run."""

    def open_at(page: str, **state: object) -> AppTest:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT_S)
        for key, value in state.items():
            app.session_state[key] = value
        app.run()
        app.switch_page(page).run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return open_at
