"""Every page renders without an exception, under its own title."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("app_pages/data.py", "Data"),
        ("app_pages/behaviours.py", "Behaviours"),
        ("app_pages/goals.py", "Goals"),
        ("app_pages/gradient.py", "Personal gradient"),
        ("app_pages/experiments.py", "Experiments"),
    ],
)
def test_each_page_renders(open_page, page: str, title: str) -> None:
    app = open_page(page)
    assert [t.value for t in app.title] == [title]
