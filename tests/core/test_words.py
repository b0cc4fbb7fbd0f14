"""Words and number formats: checked against Python's own formatting and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pga_core.words import (
    EFFECT_DIGITS,
    MINUS,
    SHOWN_DIGITS,
    amount,
    days_before,
    feature_words,
    lag_phrase,
    lag_words,
    number,
    plural,
    signed,
)


def python_g(value: float, digits: int) -> str:
    """Python's general format with a real minus: the reference where it needs no exponent."""
    return format(value, f".{digits}g").replace("-", MINUS)


# --- numbers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_trimmed_numbers_are_pythons_general_format_where_it_has_no_exponent(seed) -> None:
    rng = np.random.default_rng(seed)
    # Python writes an exponent from 10**digits up and below 1e-4; everything between is fixed.
    values = 10 ** rng.uniform(-4, EFFECT_DIGITS - 0.01, 500) * rng.choice([-1, 1], 500)
    for value in values:
        expected = python_g(value, EFFECT_DIGITS)
        assert number(value, digits=EFFECT_DIGITS, trim=True) == expected, value
        sign = "" if expected.startswith(MINUS) else "+"
        assert signed(value, digits=EFFECT_DIGITS, trim=True) == sign + expected, value


def test_numbers_never_use_an_exponent() -> None:
    assert number(2801.4, digits=EFFECT_DIGITS, trim=True) == "2,801"
    assert number(-1234567.0) == f"{MINUS}1,234,567"
    assert number(0.0000275, digits=EFFECT_DIGITS, trim=True) == "0.0000275"
    assert signed(-0.0000275, " points", digits=EFFECT_DIGITS, trim=True) == (
        f"{MINUS}0.0000275 points"
    )


@pytest.mark.parametrize(("value", "text"), [
    (2.1234, "+2.1"), (-0.012345, "−0.012"), (0.0, "0"), (1234.5, "+1,234"),
    (float("nan"), "n/a"), (None, "n/a"), (float("inf"), "n/a"), (-5.0, "−5.0"), (0.5, "+0.50"),
])  # fmt: skip
def test_signed_keeps_its_significant_figures_unless_trimmed(value, text) -> None:
    assert signed(value) == text
    assert SHOWN_DIGITS == 2


def test_trimming_drops_zeros_after_the_point_only() -> None:
    assert signed(-5.0, digits=EFFECT_DIGITS, trim=True) == f"{MINUS}5"
    assert signed(2.5, " bpm", digits=EFFECT_DIGITS, trim=True) == "+2.5 bpm"
    assert number(120.0, digits=EFFECT_DIGITS, trim=True) == "120"
    assert number(9.9996, digits=EFFECT_DIGITS, trim=True) == "10"


def test_levels_are_numbers_with_their_unit_and_a_real_minus() -> None:
    assert number(48.23, " %", digits=EFFECT_DIGITS, trim=True) == "48.2 %"
    assert number(-3.14159, " °C", digits=EFFECT_DIGITS, trim=True) == f"{MINUS}3.14 °C"
    assert number(math.nan, " bpm") == "n/a"


# --- changes in percent ---------------------------------------------------------------------------
@pytest.mark.parametrize("unit", ["%", " %"])
def test_a_change_in_percent_is_whole_percent_and_keeps_a_decimal_under_one(unit) -> None:
    rng = np.random.default_rng(4)
    for value in np.r_[rng.uniform(-3, 3, 300), rng.uniform(-80, 400, 300)]:
        size = abs(value)
        # the rule the verdict sentences have always followed, written out independently
        expected = (f"{size:.0f}" if size >= 1 else f"{size:.1f}") + unit
        assert amount(value, unit) == expected, value
        assert signed(value, unit) == ("+" if value > 0 else MINUS) + expected, value


def test_percentages_ignore_significant_figures_and_can_be_whole_everywhere() -> None:
    assert signed(-21.14, " %", digits=EFFECT_DIGITS, trim=True) == f"{MINUS}21 %"
    assert signed(-0.4, " %", digits=EFFECT_DIGITS, trim=True) == f"{MINUS}0.4 %"
    assert amount(1420.4, " %") == "1420 %"  # as impact --json notes have always had it
    # the sign is the value's own, even where the whole percent rounds to nothing
    assert signed(-0.3, "%", whole_percent=True) == f"{MINUS}0%"
    assert signed(0.3, "%", whole_percent=True) == "+0%"
    assert signed(0.0, " %") == "0 %"
    assert amount(math.nan, " %") == "n/a"


def test_a_unit_is_written_as_given() -> None:
    assert signed(3.21, " bpm", digits=EFFECT_DIGITS, trim=True) == "+3.21 bpm"
    assert amount(-3.21, " bpm", digits=EFFECT_DIGITS) == "3.21 bpm"
    assert signed(-24.2, "%") == f"{MINUS}24%"


# --- counts and lags ------------------------------------------------------------------------------
def test_a_count_takes_the_plural_unless_it_is_one() -> None:
    assert plural(1, "record") == "1 record"
    assert plural(2, "record") == "2 records"
    assert plural(0, "record") == "0 records"
    assert plural(1234, "day") == "1,234 days"
    assert plural(1, "stretch", "stretches") == "1 stretch"
    assert plural(3, "stretch", "stretches") == "3 stretches"
    assert plural(np.int64(1), "day") == "1 day"


def test_lags_in_a_sentence_and_side_by_side() -> None:
    assert [lag_words(k) for k in (0, 1, 2, 7)] == [
        "the same day",
        "the next day",
        "2 days later",
        "7 days later",
    ]
    assert [lag_phrase(k) for k in (0, 1, 2, 7)] == [
        "the same day",
        "1 day later (the next morning)",
        "2 days later",
        "7 days later",
    ]


def test_inputs_look_back_in_words():
    assert [days_before(k) for k in (0, 1, 3)] == ["the same day", "the day before",
                                                     "3 days before"]  # fmt: skip


@pytest.mark.parametrize(("transform", "days", "words"), [
    ("", 0, "Time in HR zone 5"),
    ("lag", 1, "Time in HR zone 5 (the day before)"),
    ("lag", 2, "Time in HR zone 5 (2 days before)"),
    ("mean", 7, "Time in HR zone 5, mean of 7 days"),
    ("mean", 1, "Time in HR zone 5, mean of 1 day"),
    ("sum", 28, "Time in HR zone 5 over 28 days"),
])  # fmt: skip
def test_every_transform_has_words(transform, days, words):
    assert feature_words("Time in HR zone 5", transform, days) == words


def test_an_unknown_transform_is_refused():
    with pytest.raises(ValueError, match="unknown transform 'max'"):
        feature_words("Steps", "max", 3)
