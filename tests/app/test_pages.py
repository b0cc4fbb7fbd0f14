"""Every page renders without an exception, under its own title."""

from __future__ import annotations

import sqlite3

import pytest

from pga_core.data import _workspace as workspace_store
from tests.app.page_text import shown

PAGES = [
    ("app_pages/data.py", "Data"),
    ("app_pages/behaviours.py", "Behaviours"),
    ("app_pages/goals.py", "Goals"),
    ("app_pages/gradient.py", "Personal gradient"),
    ("app_pages/experiments.py", "Experiments"),
]
#: Seconds a page waits for a lock in these tests instead of the real 30.
SHORT_BUSY_TIMEOUT_S = 0.2


@pytest.mark.parametrize(("page", "title"), PAGES)
def test_each_page_renders(open_page, page: str, title: str) -> None:
    app = open_page(page)
    assert [t.value for t in app.title] == [title]


@pytest.mark.parametrize(("page", "title"), PAGES)
def test_a_busy_workspace_stops_each_page_with_the_reason(
    open_page, workspace, monkeypatch, page: str, title: str
) -> None:
    app = open_page(page)
    monkeypatch.setattr(workspace_store, "BUSY_TIMEOUT_S", SHORT_BUSY_TIMEOUT_S)
    holder = sqlite3.connect(workspace.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program saving into the workspace
    try:
        app.run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not app.exception, [e.value for e in app.exception]
    (error,) = app.error
    busy = f"the workspace {workspace.path} is busy: another import or the dashboard is writing"
    assert shown(error.value).startswith(busy)
    app.run()
    assert not app.exception
    assert not app.error
    assert [t.value for t in app.title] == [title]
