"""The report to share: one HTML file with every section, nothing loaded from elsewhere, and
every label escaped."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from pga_core import views
from pga_core.data import DailyData, Variable
from pga_core.goals import default_tree, fit_tree
from pga_core.sample import generate_person

N_BOOT = 40
ALCOHOL = "have_any_alcoholic_drinks"
MADE_ON = date(2025, 1, 15)
SECTIONS = ("overview", "behaviours", "goals", "limits")


@pytest.fixture(scope="module")
def daily() -> DailyData:
    return generate_person(400, seed=4).daily


def _tricky(daily: DailyData) -> DailyData:
    """The person with the alcohol question written like HTML and the caffeine one like Markdown."""
    registry = dict(daily.registry)
    registry[ALCOHOL] = Variable(ALCOHOL, "<b>x</b> & 'drinks'", "", "behaviour", "whoop")
    caffeine = "have_any_caffeine"
    registry[caffeine] = Variable(caffeine, "**caffeine** [link](x)", "", "behaviour", "whoop")
    return DailyData(daily.table, registry)


def _report(daily: DailyData, **settings) -> str:
    found = views.findings(daily, n_boot=N_BOOT)
    fit = settings.pop("fit", fit_tree(default_tree(), daily, n_boot=10))
    return views.report_html(
        daily,
        found,
        label=settings.pop("label", "Your data"),
        days=views.days_in_use(daily),
        fit=fit,
        made_on=MADE_ON,
        marked=views.marked_behaviour(found, daily),
        **settings,
    )


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def test_the_report_is_one_document_with_every_section_and_the_days(daily) -> None:
    page = _report(daily)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.rstrip().endswith("</html>")
    tags = _parsed(page).tags
    assert [a["id"] for t, a in tags if t == "section"] == list(SECTIONS)
    assert views.days_in_use(daily) in page
    assert "Days used: all days, from 2023-01-02 to 2024-02-05, 400 days." in page
    assert "Sources: WHOOP, Apple Health, Daily CSV." in page
    assert "Made on 2025-01-15" in page
    headings = ("Outcomes over time", "Strongest findings", "Top levers", "What to import next",
                "Levers, ranked", "What this cannot tell you")  # fmt: skip
    for heading in headings:
        assert f">{heading}<" in page
    for limit in (*views.BEHAVIOUR_LIMITS, *views.LEVER_LIMITS):
        assert html.escape(limit) in page
    assert "Association, not causation." in page
    # one timeline per outcome, the impact chart and the levers chart, all inline
    assert sum(t == "svg" for t, _ in tags) == len(views.overview_outcomes(daily)) + 2


def test_the_report_loads_nothing_from_anywhere_else(daily) -> None:
    page = _report(daily)
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page
    assert "@import" not in page
    assert "url(" not in page
    for tag, attributes in _parsed(page).tags:
        assert "src" not in attributes, tag
        assert "href" not in attributes, tag
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag


def test_labels_written_like_html_or_markdown_are_shown_as_written(daily) -> None:
    page = _report(_tricky(daily), label="<i>Your</i> data")
    assert "<b>x</b>" not in page
    assert "<i>Your</i>" not in page
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &#x27;drinks&#x27;" in page
    assert "**caffeine** [link](x)" in page  # Markdown means nothing here: shown as it is
    text = "".join(_parsed(page).text)
    assert "<b>x</b> & 'drinks'" in text  # what a browser shows
    assert "<i>Your</i> data" in text
    tags = {t for t, _ in _parsed(page).tags}
    assert "b" not in tags
    assert "i" not in tags


def test_every_finding_is_written_with_its_interval(daily) -> None:
    page = _report(daily)
    found = views.findings(daily, n_boot=N_BOOT)
    for sentence in found.sentences():
        assert html.escape(sentence) in page
        assert re.search(r"95% CI [−+]?\d", sentence)
    view = views.impact_view(found.for_outcome("recovery_score"), daily, n_tests=found.n_tests)
    for explanation in view.table["In plain words"]:
        assert html.escape(explanation) in page


def test_without_a_fit_the_report_says_why(daily) -> None:
    page = _report(daily, fit=None, fit_note="No goal tree could be fitted on these days: x")
    assert "No goal tree could be fitted on these days: x" in page
    assert "No goal tree is fitted, so there are no levers to report." in page
    assert "No levers to show" in page


def test_report_fit_uses_the_fit_given_else_fits_the_default_tree(daily) -> None:
    made = fit_tree(default_tree(), daily, n_boot=5)
    assert views.report_fit(daily, made) == (made, "")
    fit, note = views.report_fit(daily, n_boot=5)
    assert fit is not None
    assert fit.tree.to_json() == default_tree().to_json()
    assert note.startswith("No goal tree had been fitted on these days, so the tree")
    metrics = daily.between(last=date(2023, 1, 20))  # too few days for the tree
    none, why = views.report_fit(metrics, n_boot=5)
    assert none is None
    assert why.startswith("No goal tree could be fitted on these days: goal 'Overall health': ")


def test_the_file_name_carries_the_day() -> None:
    assert views.report_file_name(MADE_ON) == "pga-report-2025-01-15.html"
