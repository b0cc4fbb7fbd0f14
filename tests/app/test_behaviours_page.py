"""The Behaviours page: the impact chart on the sample, pickers, the lag scan, user text literal."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from pga_core.data import Workspace, slugify
from pga_core.stats import behaviour_impact
from pga_core.views import _behaviours as view
from pga_core.views import _data as dashboard
from pga_core.views import escape_markdown
from pga_core.words import lag_phrase

ROOT = Path(__file__).resolve().parents[2]
WHOOP_ZIP = ROOT / "data" / "sample" / "whoop_export.zip"
PAGE = "app_pages/behaviours.py"
#: Bootstrap resamples in these tests (people get EFFECT_N_BOOT); the page reads it from state.
BOOT = 50
OUTCOME = "recovery_score"
ALCOHOL = "have_any_alcoholic_drinks"
TRICKY = "**bold** [x](http://x)"


@pytest.fixture(scope="module")
def sample():
    return dashboard.load_sample()


@pytest.fixture
def behaviours(open_page: Callable[..., AppTest]) -> Callable[[], AppTest]:
    """The app run once, then switched to the Behaviours page, with few resamples."""
    return lambda: open_page(PAGE, behaviours_n_boot=BOOT)


def charts(app: AppTest) -> dict[str, dict]:
    """Each chart's specification by its title, with its rows under ``rows``."""
    found = {}
    for element in app.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        rows = []
        for dataset in element.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
            rows.extend(frame.to_dict(orient="records"))
        title = spec.get("title") or spec["vconcat"][0]["title"]
        found[title] = {**spec, "rows": rows}
    return found


def table(app: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with ``column`` (each of the page's tables has its own)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def expected_view(daily, **settings) -> view.ImpactView:
    return view.impact_view(behaviour_impact(daily, OUTCOME if "outcome" not in settings
                                             else settings.pop("outcome"), n_boot=BOOT,
                                             **settings), daily)  # fmt: skip


def test_the_sample_person_shows_the_impact_chart_with_the_alcohol_row(behaviours, sample):
    app = behaviours()
    assert [t.value for t in app.title] == ["Behaviours"]
    assert app.info[0].value == dashboard.SAMPLE_NOTICE
    assert app.selectbox(key="behaviours_outcome").value == OUTCOME
    assert app.selectbox(key="behaviours_lag").value == 1
    impact = charts(app)["Change in the outcome after yes vs no"]
    alcohol = next(r for r in impact["rows"] if r.get("behaviour") == ALCOHOL)
    assert alcohol["row"] == "Have any alcoholic drinks?"
    assert alcohol["finding"] == view.LIKELY_LOWER
    assert alcohol["effect_low"] < alcohol["effect"] < alcohol["effect_high"] < 0
    expected = expected_view(sample)
    pd.testing.assert_frame_equal(table(app, "Verdict"), expected.table, check_dtype=False)
    assert [s.value for s in app.success] == [escape_markdown(s) for s in expected.likely]
    assert app.selectbox(key="behaviours_selected").value == ALCOHOL
    assert escape_markdown(expected.explanation(ALCOHOL)) in [m.value for m in app.markdown]
    assert "The outcome after yes days and after no days" in charts(app)


def test_changing_the_outcome_and_the_lag_recomputes_everything_shown(behaviours, sample):
    app = behaviours()
    app.selectbox(key="behaviours_outcome").set_value("hrv_rmssd").run()
    assert not app.exception
    expected = expected_view(sample, outcome="hrv_rmssd")
    pd.testing.assert_frame_equal(table(app, "Verdict"), expected.table, check_dtype=False)
    assert any("Heart rate variability \\(RMSSD\\) the next day" in c.value for c in app.caption)
    app.selectbox(key="behaviours_lag").set_value(0).run()
    app.checkbox(key="behaviours_weekday").check().run()
    assert not app.exception
    expected = expected_view(sample, outcome="hrv_rmssd", lag=0, adjust_weekday=True)
    pd.testing.assert_frame_equal(table(app, "Verdict"), expected.table, check_dtype=False)
    values = view.yes_no_values(sample, app.selectbox(key="behaviours_selected").value,
                                "hrv_rmssd", lag=0, adjust_weekday=True)  # fmt: skip
    shown = table(app, "25th percentile").set_index("")
    assert shown.loc["after yes", "Mean"] == pytest.approx(
        values.loc[values["answer"] == "after yes", "value"].mean()
    )


def test_the_lag_scan_runs_on_request_and_joins_the_correction(behaviours, sample):
    app = behaviours()
    assert "Lag scan" not in charts(app)
    app.button(key="behaviours_scan").click().run()
    assert not app.exception
    scan = view.impact_with_lag_scan(sample, OUTCOME, ALCOHOL, lag=1, n_boot=BOOT)
    rows = charts(app)["Lag scan"]["rows"]
    assert [r["lag"] for r in rows if "lag" in r] == list(range(8))
    assert table(app, "When")["When"].tolist() == [lag_phrase(k) for k in range(8)]
    shown = table(app, "Verdict")
    together = view.impact_view(scan.main, sample, n_tests=scan.n_tests).table
    pd.testing.assert_frame_equal(shown, together, check_dtype=False)
    assert scan.n_tests > expected_view(sample).n_tests
    assert any(f"q-values now count {scan.n_tests} tests" in c.value for c in app.caption)

    app.button(key="behaviours_scan_hide").click().run()
    assert "Lag scan" not in charts(app)
    pd.testing.assert_frame_equal(
        table(app, "Verdict"), expected_view(sample).table, check_dtype=False
    )


def _tricky_sheet(days: pd.DatetimeIndex) -> bytes:
    """A habit sheet whose only question is written like Markdown, answered on every day."""
    answers = np.where(np.random.default_rng(3).random(len(days)) < 0.4, "yes", "no")
    lines = [f"date,{TRICKY}"] + [f"{d:%Y-%m-%d},{a}" for d, a in zip(days, answers, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def test_a_question_written_like_markdown_is_shown_literally(behaviours, workspace, sample):
    workspace.import_sources(
        [
            ("whoop_export.zip", WHOOP_ZIP.read_bytes()),
            ("my log.csv", _tricky_sheet(sample.table.index)),
        ]
    )
    name = slugify(TRICKY)
    app = behaviours()
    assert TRICKY in table(app, "Verdict")["Behaviour"].tolist()
    rows = charts(app)["Change in the outcome after yes vs no"]["rows"]
    assert any(r.get("row") == TRICKY for r in rows)
    selector = app.selectbox(key="behaviours_selected")
    assert TRICKY in selector.options
    selector.set_value(name).run()
    assert not app.exception
    daily = Workspace(workspace.path).daily()
    sentence = expected_view(daily).explanation(name)
    assert f"'{TRICKY}'" in sentence
    assert escape_markdown(sentence) in [m.value for m in app.markdown]
    assert TRICKY in app.multiselect(key="behaviours_corr_columns").options
    markdown = [*app.markdown, *app.caption, *app.success, *app.info, *app.header]
    for element in markdown:
        assert TRICKY not in element.value, element.value
        assert not re.search(r"(?<!\\)\[x\]", element.value)
