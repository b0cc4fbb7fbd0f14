"""Benjamini–Hochberg q-values against SciPy and by hand, and the verdict of each row."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pga_core.stats import DISCOVERY_Q, FEW_STRETCHES, bh_q_values, with_verdicts


def hand_bh(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg step-up q-values written out: q₍ᵢ₎ = minⱼ≥ᵢ p₍ⱼ₎·m/j, at most 1."""
    m = p_values.size
    order = np.argsort(p_values)
    q_sorted = np.empty(m)
    smallest = 1.0
    for rank in range(m, 0, -1):
        smallest = min(smallest, p_values[order[rank - 1]] * m / rank)
        q_sorted[rank - 1] = smallest
    q = np.empty(m)
    q[order] = q_sorted
    return q


def row(**changes: object) -> dict[str, object]:
    """One row of an impact table with enough data, untested fields filled in."""
    base: dict[str, object] = {
        "lag": 1, "pct_change": -24.2, "difference": -14.5, "ci_low": -31.4, "ci_high": -16.6,
        "diff_ci_low": -18.8, "diff_ci_high": -9.9, "label": "Drink?", "outcome_label": "Recovery",
        "n_yes": 69, "n_no": 102, "yes_stretches": 40, "no_stretches": 41, "q_value": 0.01,
        "enough_data": True, "circular": False, "verdict": "", "note": "",
    }  # fmt: skip
    return base | changes


def verdict(**changes: object) -> tuple[str, str]:
    out = with_verdicts(pd.DataFrame([row(**changes)])).iloc[0]
    return str(out["verdict"]), str(out["note"])


# --- q-values -------------------------------------------------------------------------------------
def test_q_values_are_scipys_benjamini_hochberg_over_the_tested_rows_only() -> None:
    rng = np.random.default_rng(3)
    p = pd.Series(np.r_[rng.uniform(0, 0.05, 5), rng.uniform(0, 1, 25)])
    tested = pd.Series(rng.random(30) < 0.7)
    q = bh_q_values(p, tested)
    mask = tested.to_numpy()
    expected = stats.false_discovery_control(p[mask].to_numpy())
    np.testing.assert_allclose(q[mask], expected, rtol=1e-12)
    np.testing.assert_allclose(q[mask], hand_bh(p[mask].to_numpy()), rtol=1e-12)
    assert np.isnan(q[~mask]).all()


def test_no_tested_row_gives_no_q_value() -> None:
    q = bh_q_values(pd.Series([0.01, 0.5]), pd.Series([False, False]))
    assert np.isnan(q).all()
    assert bh_q_values(pd.Series([], dtype=float), pd.Series([], dtype=bool)).shape == (0,)


# --- verdicts -------------------------------------------------------------------------------------
def test_a_likely_effect_is_said_with_its_size_interval_counts_and_q() -> None:
    category, note = verdict()
    assert category == "likely effect"
    assert note == (
        "after 'Drink?' = yes, Recovery the next day is 24% lower (95% CI −31% to −17%, "
        "n = 69 yes vs 102 no days); unlikely to be chance (q = 0.01)"
    )


def test_the_threshold_is_discovery_q_inclusive() -> None:
    assert verdict(q_value=DISCOVERY_Q)[0] == "likely effect"
    at_threshold = verdict(q_value=math.nextafter(DISCOVERY_Q, 1.0))
    assert at_threshold[0] == "no clear effect"
    assert at_threshold[1].endswith("could well be chance (q = 0.1)")
    assert verdict(q_value=math.nan)[1].endswith("; no p-value could be computed")


def test_a_change_under_one_percent_is_not_rounded_to_zero() -> None:
    _, note = verdict(pct_change=-0.4, ci_low=-3.0, ci_high=2.0, q_value=0.5)
    assert "is 0.4% lower" in note
    assert "−3% to +2%" in note
    # the interval's ends stay in whole percent, as impact --json has always written them
    _, note = verdict(pct_change=6.5, ci_low=-0.3, ci_high=13.9, q_value=0.36)
    assert "is 6% higher (95% CI −0% to +14%, " in note


def test_without_a_percentage_the_difference_is_said_in_outcome_units() -> None:
    _, note = verdict(pct_change=math.nan, difference=-2.5, diff_ci_low=-4.0, diff_ci_high=-1.234)
    assert "the next day is 2.5 lower (95% CI −4 to −1.23, n = 69" in note


def test_few_stretches_are_called_out_below_the_threshold() -> None:
    _, note = verdict(yes_stretches=FEW_STRETCHES)
    assert "stretch" not in note
    _, note = verdict(yes_stretches=FEW_STRETCHES - 1)
    assert f"the yes days come in only {FEW_STRETCHES - 1} separate stretches" in note
    _, note = verdict(no_stretches=1)
    assert "the no days come in only 1 separate stretch, so the behaviour is hard" in note


def test_rows_without_enough_data_and_circular_rows_keep_their_words() -> None:
    table = pd.DataFrame(
        [
            row(enough_data=False, verdict="not enough data", note="not enough data yet: …"),
            row(circular=True, verdict="built in", note="built in, not a finding: …"),
        ]
    )
    out = with_verdicts(table)
    assert out["verdict"].tolist() == ["not enough data", "built in"]
    assert out["note"].tolist() == ["not enough data yet: …", "built in, not a finding: …"]
    assert table["verdict"].tolist() == ["not enough data", "built in"]  # a copy is returned


@pytest.mark.parametrize(("lag", "when"), [(0, "the same day"), (3, "3 days later")])
def test_the_lag_is_said_in_words(lag: int, when: str) -> None:
    assert f"Recovery {when} is 24% lower" in verdict(lag=lag)[1]
