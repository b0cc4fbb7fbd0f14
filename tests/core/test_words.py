"""Words and number formats: lags, feature expressions in words, signed numbers."""

from __future__ import annotations

import pytest

from pga_core.words import days_before, feature_words, lag_words, signed


def test_lags_forward_and_back():
    assert [lag_words(k) for k in (0, 1, 3)] == ["the same day", "the next day", "3 days later"]
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


def test_signed_numbers_use_a_true_minus():
    assert [signed(2.14), signed(-0.0134), signed(0), signed(None)] == ["+2.1", "−0.013", "0",
                                                                        "n/a"]  # fmt: skip
