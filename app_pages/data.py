"""Data page: import exports, see what was recognised, its coverage, and the import log."""

from __future__ import annotations

import streamlit as st

from dashboard import session
from pga_core import views
from pga_core.views import escape_markdown

session.init_state(
    data_uploader_round=0,
    data_last_import=None,
    data_import_error=None,
    data_remove_pending=None,
    data_removed_message=None,
)


def _import(files: list) -> None:
    """Import the uploaded files with a progress bar; keep the outcome for the next run."""
    with st.status("Importing…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")
        try:
            report = views.import_uploads(
                session.workspace(),
                session.read_uploads(files),
                progress=lambda fraction, text: bar.progress(fraction, text=escape_markdown(text)),
            )
        except ValueError as error:
            status.update(label="Import stopped", state="error")
            st.session_state.data_import_error = str(error)
            st.session_state.data_last_import = None
        else:
            status.update(label="Imported", state="complete", expanded=False)
            st.session_state.data_import_error = None
            st.session_state.data_last_import = report
    # Imported or refused, the files have been read and let go of: the uploader starts empty.
    st.session_state.data_uploader_round += 1
    st.rerun()


def _forget_last_import() -> None:
    """New files chosen: the last import's outcome no longer describes them."""
    st.session_state.data_import_error = None
    st.session_state.data_last_import = None


def _last_import() -> None:
    """The outcome of the last import: the reader's error, or what was recognised."""
    if st.session_state.data_import_error is not None:
        st.error(escape_markdown(st.session_state.data_import_error), icon=":material/error:")
        st.caption("Nothing was imported: your workspace is exactly as it was before.")
    report = st.session_state.data_last_import
    if report is None:
        return
    st.success(escape_markdown(report.headline), icon=":material/check_circle:")
    st.dataframe(report.table, hide_index=True)
    for warning in report.warnings:
        st.warning(escape_markdown(warning), icon=":material/warning:")
    if report.moods is not None:
        st.subheader("Daylio moods")
        st.caption(
            "Mood names are your own. Each became a score from 1 to 5: by Daylio's five standard "
            "moods (rad 5 … awful 1) or an obvious word. A mood without a score is left out of "
            "the daily mood — check that the scores are right for you."
        )
        st.dataframe(report.moods, hide_index=True)


def _overview(active: views.ActiveData) -> None:
    """Headline figures, the coverage heat-map, the variable table and the quality notes."""
    st.header(f"What is in {'the sample' if active.is_sample else 'your data'}")
    figures, sources = views.overview(active.daily)
    for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, value)
    st.caption(sources)

    st.subheader("Coverage")
    st.caption(
        "Each row is a variable, each column a week. The darker the square, the more days of "
        "that week have a value; blank weeks have none — the strap was off, the watch not "
        "worn, a journal question not asked yet."
    )
    coverage = views.weekly_coverage(active.daily)
    if coverage.empty:
        st.info("No values yet.")
    else:
        st.altair_chart(views.coverage_chart(coverage), key="data_coverage_chart")

    st.subheader("Variables")
    st.caption(
        "Every daily variable found. *Metric*: measured state (recovery, HRV). *Behaviour*: "
        "a yes/no you control (a journal question). *Habit*: a number you control. "
        "*Days* counts days with a value."
    )
    st.dataframe(
        views.variables_table(active.daily),
        hide_index=True,
        column_config={"Days": st.column_config.NumberColumn(format="%d")},
    )
    st.download_button(
        "Download the daily table (CSV)",
        data=views.days_csv(active.daily),
        file_name="sample_daily.csv" if active.is_sample else "daily.csv",
        mime="text/csv",
        key="data_download_days",
        help="One row per day, the date and every column; an empty cell is a missing value.",
    )

    st.subheader("Quality notes")
    st.caption(
        "What the readers noticed: quirks of the export, files skipped, values left out as "
        "implausible (with their file, row and column), days where two sources disagree (and "
        "which one was kept)."
    )
    notes = views.quality_notes(active.daily, st.session_state.data_last_import)
    if not active.daily.warnings:
        st.success("Nothing to report.", icon=":material/check_circle:")
    elif not notes:
        st.success("Nothing besides the import's notes above.", icon=":material/check_circle:")
    for warning in notes:
        st.warning(escape_markdown(warning), icon=":material/warning:")


def _import_log() -> None:
    """Every import so far, and removing one of them after a confirmation."""
    st.header("Import log")
    workspace = session.workspace()
    st.caption(
        f"Your workspace is the file {escape_markdown(workspace.path)} on this computer, "
        "readable by you only."
    )
    if st.session_state.data_removed_message is not None:
        st.success(st.session_state.data_removed_message, icon=":material/check_circle:")
        st.session_state.data_removed_message = None
    log = workspace.imports()
    if log.empty:
        st.info("No imports yet.")
        return
    st.dataframe(views.import_log_table(log), hide_index=True)
    options = views.removal_options(log)
    choice = st.selectbox(
        "Import to remove", list(options), format_func=options.__getitem__, key="data_remove_choice"
    )
    if st.button("Remove this import…", key="data_remove_ask"):
        st.session_state.data_remove_pending = choice
    pending = st.session_state.data_remove_pending
    if pending is None or pending not in options:
        return
    st.warning(views.removal_question(log, pending), icon=":material/delete:")
    confirm, cancel, _ = st.columns([1, 1, 4])
    if confirm.button("Yes, remove it", key="data_remove_confirm", type="primary"):
        workspace.remove_import(pending)
        st.session_state.data_remove_pending = None
        st.session_state.data_last_import = None
        st.session_state.data_removed_message = f"Removed import #{pending}."
        st.rerun()
    if cancel.button("Cancel", key="data_remove_cancel"):
        st.session_state.data_remove_pending = None
        st.rerun()


st.title("Data")
st.caption(
    "Import your exports, see what was recognised and how much of each variable you have. "
    "Everything is read and kept on this computer; nothing is sent anywhere."
)
active = session.active_data()
session.sample_banner(active)

st.header("Import exports")
st.caption(
    "Add WHOOP, Apple Health, Oura, Loop Habit Tracker, Daylio or Bearable exports — the zip "
    "as it arrived, or the files inside it — "
    "and daily spreadsheets saved as CSV, several at once. A file that cannot be read stops the "
    "whole import and says why; a value that cannot be right (a heart rate of 400, a date in "
    "1900) is left out and listed; importing the same files again changes nothing."
)
uploads = st.file_uploader(
    "Export files or zips",
    accept_multiple_files=True,
    key=f"data_uploads_{st.session_state.data_uploader_round}",
    on_change=_forget_last_import,
)
if st.button("Import", key="data_import", type="primary", disabled=not uploads):
    _import(uploads)
_last_import()

_overview(active)
_import_log()
