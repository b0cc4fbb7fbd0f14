"""The Data page in a real browser: the labelled sample, an upload, user text shown literally."""

from __future__ import annotations

import re
from pathlib import Path

SAMPLE_ZIP = Path(__file__).resolve().parents[2] / "data" / "sample" / "whoop_export.zip"
TRICKY = "**bold** <b>x</b> [link](http://x)"
WORD_JOINER = "\u2060"


def test_the_sample_is_labelled_and_an_upload_is_imported(empty_workspace, dashboard) -> None:
    page = dashboard.page
    page.get_by_text("You are looking at a sample person who does not exist").wait_for()
    page.get_by_role("heading", name="What is in the sample").wait_for()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    dashboard.screenshot("data-sample")

    dashboard.upload(str(SAMPLE_ZIP))
    dashboard.click("Import")
    page.get_by_text("Imported from WHOOP: 718 new days, 0 updated.").wait_for()
    page.get_by_role("heading", name="What is in your data").wait_for()
    assert page.get_by_text("You are looking at a sample person").count() == 0
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    dashboard.screenshot("data-imported")

    dashboard.click("Remove this import…")
    # import ids are never reused: other browser tests may have imported before this one
    page.get_by_text(re.compile(r"Remove import #\d+ · WHOOP · 4 files")).wait_for()
    dashboard.screenshot("data-remove-confirm")
    dashboard.click("Yes, remove it")
    page.get_by_text(re.compile(r"Removed import #\d+\.")).wait_for()
    page.get_by_text("You are looking at a sample person who does not exist").wait_for()


def test_a_file_named_like_markdown_is_shown_literally(empty_workspace, dashboard) -> None:
    page = dashboard.page
    dashboard.upload([{"name": f"{TRICKY}.csv", "mimeType": "text/csv", "buffer": b"hello\n"}])
    dashboard.click("Import")
    alert = page.locator("[data-testid='stAlert']").filter(has_text="not a format we recognise")
    alert.wait_for()
    text = alert.inner_text().replace(WORD_JOINER, "")
    assert f"{TRICKY}.csv: not a format we recognise" in text
    assert alert.locator("b, strong, em, a").count() == 0
    assert page.get_by_text("Nothing was imported: your workspace is exactly as it was").count()
    dashboard.screenshot("data-bad-file")
