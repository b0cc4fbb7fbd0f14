"""What every page shares: the workspace, the active data (cached), session-state defaults.

Only page-edge plumbing lives here: cached calls into ``pga_core`` and placing what every page
shows the same way. Decisions (which data is active, what the notices say) are ``pga_core``'s.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pga_core import views
from pga_core.data import DailyData, Workspace, default_workspace_path


def init_state(**defaults: Any) -> None:
    """Give each session-state key its default unless it already has a value."""
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


@st.cache_resource(show_spinner="Loading the sample person…")
def sample_daily() -> DailyData:
    """The bundled sample person's daily table, read once per server (never changes)."""
    return views.load_sample()


@st.cache_resource(show_spinner=False)
def _open_workspace(path: str) -> Workspace:
    return Workspace(path)


def workspace() -> Workspace:
    """The person's workspace (``$PGA_WORKSPACE`` or ``~/.pga/workspace.sqlite``).

    A file that cannot be a workspace stops the page with the reason.
    """
    try:
        return _open_workspace(str(default_workspace_path()))
    except ValueError as error:
        st.error(views.escape_markdown(error))
        st.stop()
        raise  # st.stop() ends the run; this line only tells type checkers so


@st.cache_data(max_entries=4, show_spinner="Reading your data…")
def _active_data(path: str, revision: tuple[int, ...]) -> views.ActiveData:
    """Cached per workspace and revision: any import or removal gives a new revision."""
    return views.active_data(_open_workspace(path), sample=sample_daily)


def active_data() -> views.ActiveData:
    """The data every page works on: the workspace's, or the sample person while it is empty."""
    current = workspace()
    return _active_data(str(current.path), views.workspace_revision(current))


def sample_banner(active: views.ActiveData) -> None:
    """Above sample data, say plainly that it is a sample person who does not exist."""
    if active.notice is not None:
        st.info(active.notice, icon=":material/science:")
