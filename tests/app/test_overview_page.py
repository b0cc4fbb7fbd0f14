"""The Overview page, the date range every page honours, and the report to download."""

from __future__ import annotations

from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from pga_core import views
from pga_core.goals import default_tree, fit_tree
from tests.app.conftest import ROOT, RUN_TIMEOUT_S
from tests.app.page_text import run, texts

SAMPLE = ROOT / "data" / "sample"

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


def _own_data(workspace, *names: str) -> None:
    workspace.import_sources([str(SAMPLE / name) for name in names])


def test_with_own_data_the_overview_comes_first(workspace) -> None:
    _own_data(workspace, "whoop_export.zip")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT_S)
    app.session_state["overview_n_boot"] = 20
    run(app)
    assert [t.value for t in app.title] == ["Overview"]
    assert views.SAMPLE_NOTICE not in [i.value for i in app.info]  # the person's own data
    lines = texts(app.markdown)
    assert any(line.startswith("- No VO₂ max: an Apple Watch export adds it.") for line in lines)
    run(app.switch_page(DATA_PAGE))
    assert [t.value for t in app.title] == ["Data"]


def test_the_top_levers_of_a_saved_fit(workspace) -> None:
    _own_data(workspace, "whoop_export.zip", "apple_health/export.zip", "habits.csv")
    daily = workspace.daily()
    fit = fit_tree(default_tree(), daily, n_boot=10)
    revision = tuple(int(i) for i in workspace.imports()["import_id"])
    workspace.save_goals(views.DEFAULT_TREE_NAME, default_tree().to_json())
    workspace.save_fit(views.DEFAULT_TREE_NAME, views.fit_document(fit, imports=revision))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT_S)
    app.session_state["overview_n_boot"] = 20
    run(app)
    shown_lines = texts(app.markdown)
    for line in views.top_lever_lines(fit):
        assert line in shown_lines
    assert not app.warning  # the fit is of these days
    act(app.selectbox(key="days_choice").select("The last 12 months"))
    stale = "Your data changed since this fit (imports added or removed, or other days chosen)"
    assert any(w.value.startswith(stale) for w in app.warning)


def test_names_written_like_markdown_stay_literal(open_page, workspace) -> None:
    days = pd.date_range("2024-01-01", periods=120, freq="D")
    rows = ["date,mood,**sauna** <b>x</b>"] + [
        f"{d:%Y-%m-%d},{3 + (i % 3)},{'yes' if i % 4 == 0 else 'no'}" for i, d in enumerate(days)
    ]
    path = workspace.path.parent / "habits.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    workspace.import_sources([str(path)])
    app = open_page(OVERVIEW_PAGE, overview_n_boot=20)
    picker = app.selectbox(key="overview_behaviour")
    assert picker.value == "sauna_b_x_b"
    assert "**sauna** <b>x</b>" in picker.options[0]
    assert "orange lines: the days with **sauna** <b>x</b>." in " ".join(texts(app.caption))
    assert any("'**sauna** <b>x</b>' = yes" in line for line in texts(app.markdown))


def test_the_report_button_is_there_with_its_file_name(open_page) -> None:
    app = open_page(OVERVIEW_PAGE, overview_n_boot=20)
    button = app.download_button(key="overview_report")
    assert button.label == "Download the report"
    assert "Download the report" in [b.label for b in app.download_button]
