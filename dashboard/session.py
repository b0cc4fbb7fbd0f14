"""What every page shares: the workspace, the active data (cached), session-state defaults.

Only page-edge plumbing lives here: cached calls into ``pga_core`` and placing what every page
shows the same way. Decisions (which data is active, what the notices say) are ``pga_core``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
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


#: Which data a result belongs to: the workspace file, its imports (none: the sample person)
#: and the days in use (None: all days; else the first and last day asked for, ISO).
DataKey = tuple[str, tuple[int, ...], tuple[str | None, str | None] | None]


def _all_days() -> tuple[views.ActiveData, DataKey]:
    """All the active data's days, and its key with the range left out."""
    current = workspace()
    try:
        revision = views.workspace_revision(current)
        return _active_data(str(current.path), revision), (str(current.path), revision, None)
    except ValueError as error:  # e.g. another program held the workspace past its timeout
        _stop_with(error)


@st.cache_data(max_entries=4, show_spinner=False)
def _in_range(
    key: DataKey, first: date | None, last: date | None, _active: views.ActiveData
) -> views.ActiveData:
    """The active data cut to the date range, cached per data and range."""
    return replace(_active, daily=_active.daily.between(first, last))


def active_data() -> views.ActiveData:
    """The data every page works on: the workspace's, or the sample person while it is empty,
    within the date range chosen in the sidebar (:func:`date_range_control`)."""
    active, key = _all_days()
    first, last, _ = _range(active, key)
    if first is None and last is None:
        return active
    return _in_range(key, first, last, active)


def data_key() -> DataKey:
    """Which data the pages work on, for caching results: the workspace, its imports and the
    date range."""
    active, (path, revision, _) = _all_days()
    first, last, _ = _range(active, (path, revision, None))
    if first is None and last is None:
        return path, revision, None
    return path, revision, (_iso(first), _iso(last))


def range_choice() -> str:
    """The date range in use, as chosen (one of :data:`pga_core.views.RANGE_CHOICES`)."""
    return _range(*_all_days())[2]


def has_own_data() -> bool:
    """Whether the person has imported anything (else the sample person is shown)."""
    return not _all_days()[0].is_sample


# --- the date range -------------------------------------------------------------------------------
def date_range_control() -> None:
    """The date range in the sidebar of every page (the app draws it before the page).

    All days by default; the dates offered stay within the data's first and last day.
    """
    active, _ = _all_days()
    index = active.daily.table.index
    if not len(index):
        return
    first, last = index[0].date(), index[-1].date()
    state = st.session_state
    state.setdefault("days_choice", views.ALL_DAYS)
    with st.sidebar:
        choice = st.selectbox("Days to use", views.RANGE_CHOICES, key="days_choice")
        if choice == views.SINCE_A_DATE:
            _clamp("days_since", state.get("days_since", date(last.year, 1, 1)), first, last)
            st.date_input("Since", min_value=first, max_value=last, key="days_since")
        elif choice == views.CUSTOM_RANGE:
            _clamp("days_from", state.get("days_from", first), first, last)
            _clamp("days_to", state.get("days_to", last), state.days_from, last)
            st.date_input("From", min_value=first, max_value=last, key="days_from")
            st.date_input("To", min_value=state.days_from, max_value=last, key="days_to")


def _clamp(key: str, value: date, first: date, last: date) -> None:
    """Before a date picker is drawn: its value kept within what it may offer."""
    st.session_state[key] = min(max(value, first), last)


def _range(
    active: views.ActiveData, key: DataKey, *, warn: bool = False
) -> tuple[date | None, date | None, str]:
    """The first and last day chosen in the sidebar (None: an open end) and the choice's name.

    A range holding none of the data's days (a gap in the data) gives all days (and with
    ``warn`` says so).
    """
    index = active.daily.table.index
    state = st.session_state
    choice = str(state.get("days_choice", views.ALL_DAYS))
    if not len(index) or choice == views.ALL_DAYS:
        return None, None, views.ALL_DAYS
    try:
        first, last = views.chosen_range(
            choice,
            index[-1].date(),
            since=state.get("days_since"),
            start=state.get("days_from"),
            end=state.get("days_to"),
        )
    except ValueError:  # the dates are drawn with the choice: only before they first are
        return None, None, views.ALL_DAYS
    if _in_range(key, first, last, active).daily.days == 0:
        if warn:
            st.warning(
                f"No days of data from {first or 'the first day'} to "
                f"{last or 'the last day'}: showing all days instead.",
                icon=":material/date_range:",
            )
        return None, None, views.ALL_DAYS
    return first, last, choice


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


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
    """Under every page's title: the days in use and, above sample data, that it is a sample
    person who does not exist."""
    if active.notice is not None:
        st.info(active.notice, icon=":material/science:")
    _, _, choice = _range(*_all_days(), warn=True)
    st.caption(views.days_in_use(active.daily, choice))
