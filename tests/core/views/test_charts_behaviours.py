"""Behaviours-page charts, checked through their Vega-Lite specifications (``chart.to_dict()``)."""

from __future__ import annotations

import json

import pytest

from pga_core.data import DailyData, Variable
from pga_core.stats import behaviour_impact, habit_effects
from pga_core.views import _behaviours as view
from pga_core.views import (
    correlation_heatmap,
    habit_effects_chart,
    impact_chart,
    lag_scan_chart,
    load_sample,
    yes_no_chart,
)
from tests.core.views.chart_specs import titles

OUTCOME = "recovery_score"
ALCOHOL = "have_any_alcoholic_drinks"
BOOT = 40
#: A journal question a person could write, which must never be read as Markdown or HTML.
TRICKY = "**bold** [x](http://x)"


@pytest.fixture(scope="module")
def person() -> DailyData:
    """The sample person, with the caffeine question renamed to something Markdown-like."""
    daily = load_sample()
    registry = dict(daily.registry)
    registry["have_any_caffeine"] = Variable("have_any_caffeine", TRICKY, kind="behaviour")
    return DailyData(daily.table, registry)


@pytest.fixture(scope="module")
def impact_view(person) -> view.ImpactView:
    return view.impact_view(behaviour_impact(person, OUTCOME, n_boot=BOOT, min_days=20), person,
                            min_days=20)  # fmt: skip


def records(spec: dict, key: str = "row") -> list[dict]:
    """The rows, across the specification's datasets, that have ``key`` (the zero line has not)."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows if key in row]


def layer_with_mark(spec: dict, mark: str) -> list[dict]:
    """The layers (at any depth) drawn with ``mark``."""
    found = []
    for layer in spec.get("layer", []) + spec.get("vconcat", []):
        if "layer" in layer or "vconcat" in layer:
            found += layer_with_mark(layer, mark)
        elif layer.get("mark", {}).get("type", layer.get("mark")) == mark:
            found.append(layer)
    return found


# --- the impact chart -----------------------------------------------------------------------------
def test_impact_bars_are_sorted_by_change_with_interval_whiskers(impact_view) -> None:
    spec = impact_chart(impact_view.chart, unit="%").to_dict()
    (bars,) = layer_with_mark(spec, "bar")
    (whiskers,) = layer_with_mark(spec, "errorbar")
    assert bars["encoding"]["x"]["field"] == "effect"
    order = bars["encoding"]["y"]["sort"]
    assert order == impact_view.chart["row"].tolist()
    effects = impact_view.chart.set_index("row")["effect"]
    assert effects.loc[order].is_monotonic_increasing
    assert order[0] == "Have any alcoholic drinks?"
    assert whiskers["encoding"]["x"]["field"] == "effect_low"
    assert whiskers["encoding"]["x2"]["field"] == "effect_high"
    assert whiskers["encoding"]["y"]["sort"] == order
    assert bars["encoding"]["x"]["title"] == "% change after yes vs after no (95 % interval)"
    alcohol = next(r for r in records(spec) if r["behaviour"] == ALCOHOL)
    assert alcohol["effect_low"] < alcohol["effect"] < alcohol["effect_high"] < 0


def test_likely_effects_are_coloured_and_labelled_with_their_q(impact_view) -> None:
    spec = impact_chart(impact_view.chart).to_dict()
    (bars,) = layer_with_mark(spec, "bar")
    colour = bars["encoding"]["color"]
    assert colour["field"] == "finding"
    scale = dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True))
    assert scale[view.LIKELY_LOWER] == "#b2182b"
    assert scale[view.NOT_CLEAR] != scale[view.LIKELY_LOWER]
    (badges,) = layer_with_mark(spec, "text")
    assert badges["encoding"]["text"]["field"] == "badge"
    rows = records(spec)
    for row in rows:
        if row["finding"] in (view.LIKELY_LOWER, view.LIKELY_HIGHER):
            assert row["badge"] == f"likely · q = {row['q_value']:.2g}"
            assert row["badge_x"] == max(0.0, row["effect"], row["effect_high"])
        else:
            assert row["badge"] == ""
    assert next(r for r in rows if r["behaviour"] == ALCOHOL)["finding"] == view.LIKELY_LOWER


def test_built_in_pairs_are_marked_and_waiting_rows_listed_with_their_counts(person) -> None:
    registry = dict(person.registry)
    registry[OUTCOME] = Variable(OUTCOME, "Recovery score", "%", components=("meditate",))
    daily = DailyData(person.table, registry)
    table = behaviour_impact(daily, OUTCOME, n_boot=BOOT, min_days=30)
    iv = view.impact_view(table, daily, min_days=30)
    assert len(iv.waiting) > 0
    spec = impact_chart(iv.chart, iv.waiting).to_dict()
    panel = spec["vconcat"][1]
    rows = records(spec, "badge")
    meditate = next(r for r in rows if r["behaviour"] == "meditate")
    assert meditate["finding"] == view.BUILT_IN
    assert meditate["badge"] == "built in"
    assert panel["title"] == "Not enough data yet"
    assert panel["mark"]["type"] == "text"
    assert panel["encoding"]["y"]["sort"] == iv.waiting["row"].tolist()
    waiting = records(spec, "detail")
    for row, expected in zip(waiting, iv.waiting.itertuples(), strict=True):
        assert row["detail"] == (
            f"{expected.n_yes} yes and {expected.n_no} no days so far (needs 30 of each)"
        )


def test_an_outcome_in_its_own_units_without_likely_effects(impact_view) -> None:
    rows = impact_view.chart.assign(finding=view.NOT_CLEAR)
    spec = impact_chart(rows, unit="bpm").to_dict()
    (bars,) = layer_with_mark(spec, "bar")
    assert bars["encoding"]["x"]["title"] == (
        "difference after yes vs after no, outcome units (95 % interval)"
    )
    assert {r["badge"] for r in records(spec)} == {""}


# --- yes vs no, lag scan, habits, heat-map --------------------------------------------------------
def test_yes_no_histograms_are_shares_of_each_group_with_the_means(person) -> None:
    values = view.yes_no_values(person, ALCOHOL, OUTCOME)
    spec = yes_no_chart(values).to_dict()
    (bars,) = layer_with_mark(spec, "bar")
    (means,) = layer_with_mark(spec, "rule")
    transforms = bars["transform"]
    assert transforms[0]["as"] == ["bin_start", "bin_end"]
    assert transforms[0]["field"] == "value"
    assert {"groupby": ["answer"]}.items() <= transforms[2].items()
    assert transforms[3] == {"calculate": "datum.days / datum.group_days", "as": "share"}
    assert bars["encoding"]["y"]["field"] == "share"
    assert bars["encoding"]["y"]["stack"] is None
    assert bars["encoding"]["x"]["bin"] == "binned"
    assert means["encoding"]["x"] == {
        "aggregate": "mean", "field": "value", "title": "outcome", "type": "quantitative"
    }  # fmt: skip
    assert means["encoding"]["color"]["scale"]["domain"] == ["after yes", "after no"]
    assert len(records(spec, "answer")) == len(values)


def test_lag_scan_draws_each_lag_with_its_interval_and_rings_the_chosen_one(person) -> None:
    result = view.impact_with_lag_scan(person, OUTCOME, ALCOHOL, lag=1, n_boot=BOOT)
    rows = view.lag_scan_view(result.scan, person, n_tests=result.n_tests)
    spec = lag_scan_chart(rows, chosen_lag=1).to_dict()
    (whiskers,) = layer_with_mark(spec, "errorbar")
    points, ring = layer_with_mark(spec, "point")
    assert whiskers["encoding"]["y"]["field"] == "effect_low"
    assert whiskers["encoding"]["y2"]["field"] == "effect_high"
    assert points["encoding"]["x"]["scale"]["domain"] == list(range(8))
    assert points["encoding"]["color"]["field"] == "finding"
    assert ring["transform"] == [{"filter": "datum.chosen"}]
    chosen = [r["lag"] for r in records(spec, "chosen") if r["chosen"]]
    assert chosen == [1]


def test_habit_chart_orders_by_effect_per_sd_and_leaves_out_short_rows(person) -> None:
    rows = view.habit_view(habit_effects(person, OUTCOME, n_boot=BOOT), person)
    rows.loc[rows.index[-1], "enough_data"] = False
    spec = habit_effects_chart(rows).to_dict()
    (whiskers,) = layer_with_mark(spec, "errorbar")
    (points,) = layer_with_mark(spec, "point")
    shown = rows[rows["enough_data"]]
    assert points["encoding"]["y"]["sort"] == shown["row"].tolist()
    assert shown["per_sd"].is_monotonic_increasing
    assert points["encoding"]["x"]["field"] == "per_sd"
    assert (whiskers["encoding"]["x"]["field"], whiskers["encoding"]["x2"]["field"]) == (
        "per_sd_ci_low",
        "per_sd_ci_high",
    )
    assert len(records(spec)) == len(shown)


def test_heatmap_colours_r_from_minus_one_to_one_and_frames_likely_links(person) -> None:
    columns = [OUTCOME, "hrv_rmssd", ALCOHOL, "have_any_caffeine"]
    cells = view.correlation_cells(view.correlations(person, columns, lag=1), person)
    spec = correlation_heatmap(cells, lag=1).to_dict()
    rects = layer_with_mark(spec, "rect")
    filled, dashed, framed = rects
    assert filled["encoding"]["color"]["field"] == "r"
    assert filled["encoding"]["color"]["scale"]["domain"] == [-1, 1]
    assert framed["transform"] == [{"filter": "datum.likely"}]
    assert dashed["transform"] == [{"filter": "datum.circular"}]
    assert filled["encoding"]["y"]["sort"] == [
        "Recovery score", "Heart rate variability (RMSSD)", "Have any alcoholic drinks?", TRICKY
    ]  # fmt: skip
    assert filled["encoding"]["x"]["title"] == "variable 1 day later (the next morning)"
    (text,) = layer_with_mark(spec, "text")
    assert text["encoding"]["text"]["field"] == "text"
    likely = [(r["x"], r["y"]) for r in records(spec, "likely") if r["likely"]]
    assert (ALCOHOL, OUTCOME) in likely


# --- names people chose ---------------------------------------------------------------------------
def test_names_people_choose_appear_only_as_data_never_in_titles(person, impact_view) -> None:
    values = view.yes_no_values(person, "have_any_caffeine", OUTCOME)
    cells = view.correlation_cells(
        view.correlations(person, [OUTCOME, "have_any_caffeine"], lag=0), person
    )
    charts = [impact_chart(impact_view.chart, impact_view.waiting), yes_no_chart(values),
              correlation_heatmap(cells)]  # fmt: skip
    for chart in charts:
        spec = chart.to_dict()
        assert all(TRICKY not in json.dumps(t) for t in titles(spec))
    assert any(r.get("row") == TRICKY for r in records(charts[0].to_dict()))
    assert any(r["x_label"] == TRICKY for r in records(charts[2].to_dict(), "x_label"))
