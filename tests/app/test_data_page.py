"""The Data page: the labelled sample, imports, bad files, removal, and user text kept literal."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec
from streamlit.testing.v1 import AppTest

from dashboard import session
from pga_core import views
from pga_core.data import Workspace
from pga_core.views import _data as dashboard
from pga_core.views import escape_markdown
from tests.app.page_text import shown

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
WHOOP_ZIP = SAMPLE / "whoop_export.zip"
DATA_PAGE = "app_pages/data.py"
TRICKY = "**bold** <b>x</b> [link](http://x)"


def _upload(app: AppTest, *files: tuple[str, bytes]) -> AppTest:
    """Choose files in the uploader, then press Import."""
    uploads = [(name, data, "application/octet-stream") for name, data in files]
    app.file_uploader[0].set_value(uploads).run()
    app.button(key="data_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _table(app: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column`` (each of the page's tables has its own)."""
    return next(t.value for t in app.dataframe if column in t.value.columns)


def test_an_empty_workspace_shows_the_sample_person_labelled(open_page, workspace) -> None:
    app = open_page(DATA_PAGE)
    assert app.info[0].value == dashboard.SAMPLE_NOTICE
    assert app.info[0].value.startswith("You are looking at a sample person who does not exist")
    assert "What is in the sample" in [h.value for h in app.header]
    assert [m.value for m in app.metric] == ["730", "2023-01-02", "2024-12-31", "58"]
    variables = _table(app, "Label")
    pd.testing.assert_frame_equal(
        variables, dashboard.variables_table(dashboard.load_sample()), check_dtype=False
    )
    assert "No imports yet." in [i.value for i in app.info]
    assert workspace.is_empty


def test_uploading_the_whoop_zip_imports_it_and_shows_what_was_recognised(
    open_page, workspace
) -> None:
    app = _upload(open_page(DATA_PAGE), ("whoop_export.zip", WHOOP_ZIP.read_bytes()))
    log = workspace.imports()
    assert log["format"].tolist() == ["whoop"]
    days = int(log.loc[0, "days"])
    assert app.success[0].value == escape_markdown(
        f"Imported from WHOOP: {days} new days, 0 updated."
    )
    summary = _table(app, "Result")
    assert summary["Source"].tolist() == ["WHOOP"]
    assert summary["Days"].tolist() == [days]
    assert summary["Variables"].tolist() == [len(workspace.daily().registry)]
    assert summary["Files"].tolist() == [4]
    assert dashboard.SAMPLE_NOTICE not in [i.value for i in app.info]
    assert "What is in your data" in [h.value for h in app.header]
    assert app.metric[0].value == f"{workspace.daily().days}"
    assert _table(app, "Imported")["Import"].tolist() == [1]


def test_a_daylio_import_shows_the_table_of_its_mood_scores(open_page, workspace) -> None:
    export = ROOT / "tests" / "fixtures" / "daylio-golden" / "daylio_export.csv"
    app = _upload(open_page(DATA_PAGE), (export.name, export.read_bytes()))
    assert workspace.imports()["format"].tolist() == ["daylio"]
    assert "Daylio moods" in [h.value for h in app.subheader]
    moods = _table(app, "Scored by")
    assert moods.set_index("Mood")["Score"].to_dict()["Not so good"] == 2.0
    assert any("'meh-ish' has no score" in shown(w.value) for w in app.warning)


def test_the_same_files_again_are_already_imported(open_page, workspace) -> None:
    workspace.import_sources([("whoop_export.zip", WHOOP_ZIP.read_bytes())])
    before = workspace.path.read_bytes()
    app = _upload(open_page(DATA_PAGE), ("whoop_export.zip", WHOOP_ZIP.read_bytes()))
    today = datetime.now(UTC).astimezone().date().isoformat()
    assert shown(app.success[0].value) == (
        f"Nothing new: these files were already imported on {today}."
    )
    result = _table(app, "Result")["Result"].tolist()
    assert result == [f"already imported on {today}; nothing changed"]
    assert workspace.path.read_bytes() == before


def test_a_bad_file_shows_the_readers_message_and_imports_nothing(open_page, workspace) -> None:
    workspace.import_sources([SAMPLE / "habits.csv"])
    before = workspace.path.read_bytes()
    ragged = b"date,steps\n2024-01-01,1\n2024-01-02,1,2\n"
    app = _upload(
        open_page(DATA_PAGE),
        ("whoop_export.zip", WHOOP_ZIP.read_bytes()),
        ("log.csv", ragged),
    )
    message = "log.csv: row 3 has 3 values but the header has 2; check the separator and quoting"
    assert [e.value for e in app.error] == [escape_markdown(message)]
    assert shown(app.error[0].value) == message
    assert any(c.value.startswith("Nothing was imported") for c in app.caption)
    assert workspace.path.read_bytes() == before
    assert workspace.imports()["format"].tolist() == ["csv"]


def _holds(value: object, data: bytes) -> bool:
    """Whether a session-state value keeps ``data``: as bytes, in a file object, or inside."""
    if isinstance(value, bytes | bytearray):
        return data in value
    if isinstance(value, io.BytesIO):
        return data in value.getvalue()
    if isinstance(value, dict):
        return any(_holds(v, data) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds(v, data) for v in value)
    return False


def test_a_refused_upload_leaves_nothing_holding_its_bytes(open_page, workspace) -> None:
    refused = bytes(range(256)) * 4096  # 1 MiB that is no export
    app = _upload(open_page(DATA_PAGE), ("big.bin", refused))
    assert shown(app.error[0].value).startswith("big.bin: it holds binary data, not text")
    assert any(c.value.startswith("Nothing was imported") for c in app.caption)
    assert [key for key, value in app.session_state.items() if _holds(value, refused)] == []
    assert [u.value for u in app.file_uploader] == [[]]  # the uploader starts empty
    assert workspace.is_empty


def test_uploads_are_read_once_then_closed() -> None:
    files = [
        UploadedFile(UploadedFileRec(f"id{i}", name, "text/csv", data), FileURLs())
        for i, (name, data) in enumerate([("a.csv", b"date,x\n"), ("b.zip", b"PK\x03\x04")])
    ]
    files[0].read()  # a file already read to its end is still read whole
    assert session.read_uploads(files) == [("a.csv", b"date,x\n"), ("b.zip", b"PK\x03\x04")]
    assert all(f.closed for f in files)  # their buffers are freed, whoever still holds them


def test_removing_an_import_asks_first(open_page, workspace) -> None:
    workspace.import_sources([("whoop_export.zip", WHOOP_ZIP.read_bytes())])
    workspace.import_sources([SAMPLE / "habits.csv"])
    app = open_page(DATA_PAGE)
    app.selectbox(key="data_remove_choice").set_value(2).run()
    app.button(key="data_remove_ask").click().run()
    question = dashboard.removal_question(workspace.imports(), 2)
    assert question in [w.value for w in app.warning]
    app.button(key="data_remove_cancel").click().run()
    assert question not in [w.value for w in app.warning]
    assert workspace.imports()["import_id"].tolist() == [1, 2]

    app.button(key="data_remove_ask").click().run()
    app.button(key="data_remove_confirm").click().run()
    assert not app.exception
    assert workspace.imports()["import_id"].tolist() == [1]
    assert "Removed import #2." in [s.value for s in app.success]
    assert _table(app, "Imported")["Import"].tolist() == [1]
    assert "hydration_l" not in _table(app, "Label")["Name"].tolist()


def _zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (f"{TRICKY}.csv", b"hello world\n", f"{TRICKY}.csv: not a format we recognise"),
        (
            f"{TRICKY}.zip",
            _zip_of(f"{TRICKY}.txt", b"hello world\n"),
            f"{TRICKY}.zip: no file we recognise inside ({TRICKY}.txt)",
        ),
    ],
)
def test_a_file_named_like_markdown_is_shown_literally(
    open_page, workspace, name: str, data: bytes, says: str
) -> None:
    app = _upload(open_page(DATA_PAGE), (name, data))
    (error,) = app.error
    assert shown(error.value).startswith(says)
    assert not re.search(r"(?<!\\)[*<>\[\]()]", error.value)  # nothing Markdown could use
    assert workspace.is_empty


def test_a_column_named_like_markdown_is_shown_literally(open_page, workspace) -> None:
    log = f"date,{TRICKY}\n2024-01-01,yes\n2024-01-02,no\n2024-01-03,yes\n".encode()
    app = _upload(open_page(DATA_PAGE), (f"{TRICKY}.csv", log))
    variables = _table(app, "Label")
    assert variables["Label"].tolist() == [TRICKY]
    summary = _table(app, "Result")
    assert summary["File names"].tolist() == [f"{TRICKY}.csv"]
    for element in (*app.warning, *app.success, *app.error, *app.info, *app.caption):
        assert TRICKY not in element.value, element.value
    assert Workspace(workspace.path).daily().registry["bold_b_x_b_link_http_x"].label == TRICKY


def test_a_value_left_out_is_said_once_on_the_page(open_page, workspace) -> None:
    log = b"date,steps\n2024-03-04,9000\n2024-03-05,-50000\n2024-03-06,7000\n"
    app = _upload(open_page(DATA_PAGE), ("log.csv", log))
    note = (
        "Daily CSV: log.csv: 1 value of 'steps' negative left out (row 3; plausible: 0 to "
        "150,000 steps; ultramarathon days reach about 100,000 steps)"
    )
    warnings = [shown(w.value) for w in app.warning]
    assert warnings.count(note) == 1
    assert not any("left out" in w for w in warnings if w != note)
    assert workspace.daily().table["steps"].dropna().tolist() == [9000.0, 7000.0]


def test_the_daily_table_can_be_downloaded_as_csv(open_page, workspace) -> None:
    workspace.import_sources([SAMPLE / "habits.csv"])
    app = open_page(DATA_PAGE)
    (button,) = app.get("download_button")
    assert button.proto.label == "Download the daily table (CSV)"
    assert views.days_csv(workspace.daily()).startswith("date,hydration_l,carbs_g,")
