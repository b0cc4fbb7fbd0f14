"""Reading a page in AppTest as a person sees it, and rerunning it with exceptions as failures."""

from __future__ import annotations

import re
from collections.abc import Iterable

from streamlit.testing.v1 import AppTest


def shown(markdown: str) -> str:
    """What CommonMark shows for backslash-escaped text (an independent reference)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def texts(elements: Iterable) -> list[str]:
    """What each element (markdown, caption, error …) shows."""
    return [shown(e.value) for e in elements]


def run(app: AppTest) -> AppTest:
    """Run the script again; fail the test with the page's exceptions, if any."""
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
