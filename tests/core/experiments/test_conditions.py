"""Conditions and their rules: read as people write them, checked on a day's value."""

from __future__ import annotations

import numpy as np
import pytest

from pga_core.experiments import Condition, Rule, yes_no_conditions


@pytest.mark.parametrize(
    ("text", "op", "threshold"),
    [
        ("yes", "==", 1.0), ("No", "==", 0.0), (" none ", "==", 0.0), ("<= 1", "<=", 1.0),
        ("≤1", "<=", 1.0), (">=30", ">=", 30.0), ("≥ 2.5", ">=", 2.5), ("= 0", "==", 0.0),
        ("== 3", "==", 3.0), ("0", "==", 0.0), ("< 1,5", "<", 1.5), ("> -2", ">", -2.0),
    ],
)  # fmt: skip
def test_rules_are_read_as_people_write_them(text: str, op: str, threshold: float) -> None:
    assert Rule.parse(text) == Rule(op, threshold)


@pytest.mark.parametrize("text", ["maybe", "<= one", "1 2", "", "=>1"])
def test_a_rule_that_cannot_be_read_says_what_can(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected yes, no, or a comparison with a number"):
        Rule.parse(text)


def test_a_rule_holds_where_the_comparison_does_and_never_on_a_missing_day() -> None:
    values = np.array([0.0, 1.0, 2.0, np.nan, 1.0 + 1e-12])
    assert Rule("==", 1.0).holds(values).tolist() == [False, True, False, False, True]
    assert Rule("<=", 1.0).holds(values).tolist() == [True, True, False, False, False]
    assert Rule(">=", 1.0).holds(values).tolist() == [False, True, True, False, True]
    assert Rule("<", 1.0).holds(values).tolist() == [True, False, False, False, False]
    assert Rule(">", 1.0).holds(values).tolist() == [False, False, True, False, True]


def test_rules_read_with_their_sign_and_refuse_what_is_not_a_comparison() -> None:
    assert [Rule(op, 1.0).text() for op in ("==", "<=", ">=", "<", ">")] == [
        "= 1", "≤ 1", "≥ 1", "< 1", "> 1",
    ]  # fmt: skip
    assert Rule(">=", -1.5).text() == "≥ −1.5"
    with pytest.raises(ValueError, match="expected one of"):
        Rule("!=", 1.0)
    with pytest.raises(ValueError, match="finite number"):
        Rule("==", float("nan"))


def test_conditions_have_a_name_and_round_trip_through_json() -> None:
    condition = Condition("≤ 1 drink", Rule("<=", 1.0))
    assert condition.to_json() == {"name": "≤ 1 drink", "op": "<=", "threshold": 1.0}
    assert Condition.from_json(condition.to_json()) == condition
    with pytest.raises(ValueError, match="non-empty name"):
        Condition("  ", Rule("==", 0.0))
    with pytest.raises(ValueError, match="fields name, op and threshold"):
        Condition.from_json({"name": "x", "op": "=="})


def test_a_yes_no_behaviour_compares_yes_with_no() -> None:
    yes, no = yes_no_conditions()
    assert (yes.name, no.name) == ("yes", "no")
    assert yes.rule.holds(np.array([1.0, 0.0])).tolist() == [True, False]
    assert no.rule.holds(np.array([1.0, 0.0])).tolist() == [False, True]
