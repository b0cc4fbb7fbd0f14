"""The Overview: outcomes, the strongest findings corrected together, charts, what to import."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pga_core import views
from pga_core.data import DailyData, Variable
from pga_core.goals import default_tree, fit_tree, leverage
from pga_core.sample import generate_person
from pga_core.stats import adjust_together, behaviour_impact

N_BOOT = 40
ALCOHOL = "have_any_alcoholic_drinks"


@pytest.fixture(scope="module")
def daily() -> DailyData:
    return generate_person(400, seed=4).daily


@pytest.fixture(scope="module")
def found(daily) -> views.Findings:
    return views.findings(daily, n_boot=N_BOOT)


def _tiny(**columns: tuple[str, list[float]]) -> DailyData:
    """A small table: ``name=(kind, values)``."""
    days = len(next(iter(columns.values()))[1])
    index = pd.date_range("2024-01-01", periods=days, freq="D", name="date")
    table = pd.DataFrame({n: v for n, (_, v) in columns.items()}, index=index, dtype=float)
    registry = {n: Variable(n, n.title(), "", kind, "csv") for n, (kind, _) in columns.items()}  # type: ignore[arg-type]
    return DailyData(table, registry)


def test_the_outcomes_followed_are_those_the_data_can_weigh(daily) -> None:
    assert views.overview_outcomes(daily) == [
        o for o in views.OVERVIEW_OUTCOMES if o in views.outcome_choices(daily)
    ]
    assert views.overview_outcomes(daily)[0] == "recovery_score"
    mood = _tiny(mood=("metric", [1.0, 2.0] * 10), walk=("behaviour", [1.0, 0.0] * 10))
    assert views.overview_outcomes(mood) == ["mood"]  # none of the usual: the first choice


def test_findings_are_each_outcomes_impact_with_q_values_over_all_of_them(daily, found) -> None:
    tables = [behaviour_impact(daily, o, n_boot=N_BOOT) for o in found.outcomes]
    together = pd.concat(adjust_together(*tables), ignore_index=True)
    columns = ["behaviour", "outcome", "n_yes", "n_no", "pct_change", "ci_low", "ci_high",
               "p_value", "q_value", "verdict", "note"]  # fmt: skip
    pd.testing.assert_frame_equal(found.table[columns], together[columns])
    assert found.n_tests == int(together["tested"].sum())
    assert found.likely_count == int((together["verdict"] == "likely effect").sum())
    alone = tables[0].set_index("behaviour")["q_value"]
    family = found.for_outcome(found.outcomes[0]).set_index("behaviour")["q_value"]
    assert (family.dropna() >= alone.dropna() - 1e-12).all()  # more tests, never smaller q


def test_the_strongest_are_likely_effects_first_then_by_q_and_size(found) -> None:
    strongest = found.strongest(8)
    assert strongest["tested"].all()
    likely = strongest["verdict"].eq("likely effect").to_numpy()
    assert likely[0]
    assert not np.any(np.diff(likely.astype(int)) > 0)  # no likely effect after another verdict
    q = strongest.loc[likely, "q_value"].to_numpy()
    assert (np.diff(q) >= 0).all()
    assert strongest.iloc[0]["behaviour"] == ALCOHOL
    sentences = found.sentences(3)
    assert len(sentences) == 3
    first = strongest.iloc[0]
    assert sentences[0] == first["note"][0].upper() + first["note"][1:] + "."
    assert "95% CI" in sentences[0]
    assert first["explanation"].startswith("Based on ")  # the Behaviours page's own sentences


def test_without_behaviours_there_is_a_reason_and_nothing_else(daily) -> None:
    metrics = _tiny(recovery_score=("metric", list(np.linspace(30, 90, 30))))
    found = views.findings(metrics, n_boot=N_BOOT)
    assert found.reason.startswith("no yes/no behaviours")
    assert found.strongest().empty
    assert found.sentences() == []
    assert found.likely_count == 0
    assert views.marked_behaviour(found, metrics) is None


def test_the_marked_behaviour_is_the_strongest_finding_else_the_most_often_yes(
    found, daily
) -> None:
    assert views.marked_behaviour(found, daily) == ALCOHOL
    walks = _tiny(walk=("behaviour", [1.0, 0.0, 0.0]), sauna=("behaviour", [1.0, 1.0, 0.0]))
    none = views.Findings(pd.DataFrame(columns=["tested"]), (), 0, "too few days")
    assert views.marked_behaviour(none, walks) == "sauna"


def test_behaviour_days_and_the_outcome_series(daily) -> None:
    days = views.behaviour_days(daily, ALCOHOL)
    assert list(days) == list(daily.table.index[daily.table[ALCOHOL] == 1.0])
    with pytest.raises(ValueError, match="no behaviour named 'sauna'"):
        views.behaviour_days(daily, "sauna")
    series = views.outcome_series(daily, "recovery_score")
    calendar = daily.calendar()["recovery_score"]
    expected = calendar.rolling(7, min_periods=4).mean()
    assert series["value"].tolist() == calendar.dropna().tolist()
    assert series["smoothed"].to_numpy() == pytest.approx(
        expected[calendar.notna()].to_numpy(), nan_ok=True
    )


def test_the_outcome_chart_follows_the_container_and_marks_the_days(daily) -> None:
    spec = views.outcome_chart(daily, "recovery_score", ALCOHOL).to_dict()
    assert spec["width"] == "container"
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "line", "line"]
    rules = spec["datasets"][spec["layer"][0]["data"]["name"]]
    series = views.outcome_series(daily, "recovery_score")
    yes = views.behaviour_days(daily, ALCOHOL)
    inside = yes[(yes >= series["date"].min()) & (yes <= series["date"].max())]
    assert len(rules) == len(inside) > 0  # the days with a line to mark them on
    plain = views.outcome_chart(daily, "recovery_score").to_dict()
    assert [layer["mark"]["type"] for layer in plain["layer"]] == ["line", "line"]


def test_what_to_import_next(daily) -> None:
    assert views.import_suggestions(daily) == []  # two years would be: 400 days, all kinds
    sample = views.import_suggestions(daily, is_sample=True)
    assert sample[0].startswith("This is the sample person")
    habits = _tiny(mood=("metric", [1.0, 2.0] * 30))
    lines = views.import_suggestions(habits)
    assert lines[0] == (
        "No habit or journal data: import a habit app or a daily CSV (or answer WHOOP's journal) "
        "to see what moves Mood."
    )
    assert "No VO₂ max: an Apple Watch export adds it." in lines
    assert any(line.startswith("No recovery, HRV or resting heart rate") for line in lines)
    assert lines[-1].startswith("60 days so far: ")


def test_top_levers_are_the_controllable_ones_best_first(daily) -> None:
    fit = fit_tree(default_tree(), daily, n_boot=10)
    lines = views.top_lever_lines(fit, limit=2)
    ranked = views.levers_in_words(leverage(fit), fit)
    expected = views.lever_lines(ranked, controllable=True)[:2]
    assert lines == expected
    assert len(lines) == 2
