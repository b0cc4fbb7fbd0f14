"""What every page shares: the workspace, the active data (cached), session-state defaults.

Only page-edge plumbing lives here: cached calls into ``pga_core`` and placing what every page
shows the same way. Decisions (which data is active, what the notices say) are ``pga_core``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

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

    A file that cannot be a workspace, or one that stays busy, stops the page with the reason.
    """
    try:
        return _open_workspace(str(default_workspace_path()))
    except ValueError as error:
        _stop_with(error)


def _stop_with(error: ValueError) -> NoReturn:
    """Show why the workspace cannot be used and end this run of the page."""
    st.error(views.escape_markdown(error))
    st.stop()
    raise error  # st.stop() ends the run; this line only tells type checkers so


@st.cache_data(max_entries=4, show_spinner="Reading your data…")
def _active_data(path: str, revision: tuple[int, ...]) -> views.ActiveData:
    """Cached per workspace and revision: any import or removal gives a new revision."""
    return views.active_data(_open_workspace(path), sample=sample_daily)


def active_data() -> views.ActiveData:
    """The data every page works on: the workspace's, or the sample person while it is empty."""
    current = workspace()
    try:
        return _active_data(str(current.path), views.workspace_revision(current))
    except ValueError as error:  # e.g. another program held the workspace past its timeout
        _stop_with(error)


def read_uploads(files: Sequence[UploadedFile]) -> list[tuple[str, bytes]]:
    """The uploaded files as ``(name, bytes)``, each read once; the server then lets go of them.

    An export can be hundreds of MB, and Streamlit holds it twice: in the session's store of
    uploads, until the browser tab closes (even once the uploader is emptied), and in the copy
    each run of the page is handed, which can outlive the run until Python's garbage collector
    comes by. So once read, each copy is closed (its buffer freed at once) and the file removed
    from the store — the store ``st.file_uploader`` reads from, for which Streamlit offers no
    public call; ``tests/e2e/test_hardening_browser.py`` checks on a live server that the store
    is emptied. The bytes then live only as long as the import that uses them.
    """
    uploads = [(file.name, file.getvalue()) for file in files]
    context = get_script_run_ctx()
    store = context.uploaded_file_mgr if context is not None else None
    for file in files:
        file.close()
        if context is not None and isinstance(store, MemoryUploadedFileManager):
            store.remove_file(context.session_id, file.file_id)
    return uploads


def sample_banner(active: views.ActiveData) -> None:
    """Above sample data, say plainly that it is a sample person who does not exist."""
    if active.notice is not None:
        st.info(active.notice, icon=":material/science:")
