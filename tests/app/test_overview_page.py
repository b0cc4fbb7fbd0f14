"""The Overview page, the date range every page honours, and the report to download."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from tests.app.page_text import run, texts

DATA_PAGE = "app_pages/data.py"
BEHAVIOURS_PAGE = "app_pages/behaviours.py"


def act(element) -> AppTest:
    """Run the page after a widget was set; fail with the page's exceptions, if any."""
    app = element.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _metrics(app: AppTest) -> list[str]:
    return [m.value for m in app.metric]


# --- the date range -------------------------------------------------------------------------------
def test_every_page_starts_on_all_days_and_says_so(open_page) -> None:
    app = open_page(DATA_PAGE)
    assert app.selectbox(key="days_choice").value == "All days"
    assert "Days used: all days, from 2023-01-02 to 2024-12-31, 730 days." in texts(app.caption)
    assert _metrics(app)[:3] == ["730", "2023-01-02", "2024-12-31"]


def test_the_last_12_months_reach_every_page(open_page) -> None:
    app = open_page(DATA_PAGE)
    act(app.selectbox(key="days_choice").select("The last 12 months"))
    statement = "Days used: the last 12 months, from 2024-01-01 to 2024-12-31, 366 days."
    assert statement in texts(app.caption)
    assert _metrics(app)[:3] == ["366", "2024-01-01", "2024-12-31"]
    run(app.switch_page(BEHAVIOURS_PAGE))  # the choice stays with the person from page to page
    assert app.selectbox(key="days_choice").value == "The last 12 months"
    assert statement in texts(app.caption)


def test_since_a_date_and_from_one_date_to_another(open_page) -> None:
    app = open_page(DATA_PAGE)
    act(app.selectbox(key="days_choice").select("Since a date"))
    assert app.date_input(key="days_since").value == date(2024, 1, 1)
    act(app.date_input(key="days_since").set_value(date(2024, 12, 1)))
    assert "Days used: since a date, from 2024-12-01 to 2024-12-31, 31 days." in texts(app.caption)
    act(app.selectbox(key="days_choice").select("From one date to another"))
    assert app.date_input(key="days_from").value == date(2023, 1, 2)
    assert app.date_input(key="days_to").value == date(2024, 12, 31)
    act(app.date_input(key="days_from").set_value(date(2023, 1, 12)))
    act(app.date_input(key="days_to").set_value(date(2023, 1, 21)))
    assert "Days used: from one date to another, from 2023-01-12 to 2023-01-21, 10 days." in (
        texts(app.caption)
    )
    assert _metrics(app)[:3] == ["10", "2023-01-12", "2023-01-21"]
    act(app.selectbox(key="days_choice").select("All days"))
    assert _metrics(app)[0] == "730"


def _days_paired(app: AppTest) -> int:
    """The most days any behaviour of the impact table was paired on (yes and no)."""
    table = next(t.value for t in app.dataframe if "Days with" in t.value.columns)
    return int((table["Days with"] + table["Days without"]).max())


def test_the_range_is_part_of_what_results_are_cached_under(open_page) -> None:
    app = open_page(BEHAVIOURS_PAGE, behaviours_n_boot=20)
    assert _days_paired(app) > 366
    act(app.selectbox(key="days_choice").select("The last 12 months"))
    assert _days_paired(app) <= 366
    act(app.selectbox(key="days_choice").select("All days"))
    assert _days_paired(app) > 366


# --- the Overview page ----------------------------------------------------------------------------
OVERVIEW_PAGE = "app_pages/overview.py"


def test_the_sample_person_gets_a_useful_overview(open_page) -> None:
    app = open_page(OVERVIEW_PAGE, overview_n_boot=50)
    assert [t.value for t in app.title] == ["Overview"]
    headers = [h.value for h in app.header]
    assert headers == ["Your outcomes over time", "Strongest findings", "Top levers",
                       "What to import next", "Share"]  # fmt: skip
    assert app.selectbox(key="overview_behaviour").value == "have_any_alcoholic_drinks"
    sentences = texts(app.markdown)
    first = next(s for s in sentences if "= yes, " in s)
    assert first.startswith(":material/priority_high: After 'Have any alcoholic drinks?' = yes, "
                            "Recovery score the next day is 21% lower (95% CI −25% to")  # fmt: skip
    assert app.download_button(key="overview_report") is not None
