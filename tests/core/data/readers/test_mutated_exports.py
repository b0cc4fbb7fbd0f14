"""Mutated exports of the sample person: never a traceback, never an implausible value stored.

A few hundred mutations (fixed seed) of the files :func:`pga_core.sample.write_sample` writes:
a numeric cell or attribute replaced by an extreme value (1e15, −50,000, ``inf``, ``1e999`` …),
a date moved to 1900, 1969, 2030 or 2099, a duration made negative. Each mutated export either
fails with a ValueError naming the mutated file, or reads into a daily table whose values are all
finite, inside their plausible ranges, on days inside the plausible window.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pga_core.data.readers import FIRST_DAY, ReadResult, read_sources
from pga_core.data.readers._plausible import date_window, range_of
from pga_core.sample import generate_person, write_sample

N_MUTATIONS = 300
SEED = 20_240_601
SAMPLE_DAYS = 30
#: Share of mutations that damage the file instead of one value (these must be refused).
DAMAGE_SHARE = 0.1
EXTREMES = (
    "1e15", "-50000", "-400", "1e7", "7162", "250", "101", "-1", "0", "inf", "-inf", "1e999",
    "nan", "99999999999999999999",
)  # fmt: skip
YEARS = ("1900", "1969", "2030", "2099")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"\d{4}(?=-\d\d-\d\d)")
_ATTRIBUTE = re.compile(r'(value|duration|totalEnergyBurned|sum)="([^"]*)"')
_XML_DATE = re.compile(r'(startDate|endDate)="(\d{4})')
#: The files read together: WHOOP's four, Apple's export.xml, the habit log.
GROUPS = (
    (
        "whoop/physiological_cycles.csv",
        "whoop/sleeps.csv",
        "whoop/workouts.csv",
        "whoop/journal_entries.csv",
    ),
    ("apple_health/export.xml",),
    ("habits.csv",),
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("sample")
    written = write_sample(generate_person(SAMPLE_DAYS, seed=5), folder)
    names = {name for group in GROUPS for name in group}
    return {name: Path(written[name]).read_text(encoding="utf-8") for name in names}


def _mutate_csv(text: str, rng: np.random.Generator) -> str:
    """One cell of one data row: a number made extreme or negative, or a date moved."""
    lines = text.split("\n")
    header = lines[0].split(",")
    for _ in range(50):  # find a cell worth mutating
        row = int(rng.integers(1, len([x for x in lines if x])))
        cells = lines[row].split(",")
        if len(cells) != len(header):  # a quoted note with a comma: another row
            continue
        column = int(rng.integers(len(cells)))
        cell = cells[column]
        if _DATE.match(cell):
            cells[column] = _DATE.sub(str(rng.choice(YEARS)), cell, count=1)
        elif _NUMBER.match(cell):
            negative = "(min)" in header[column] and rng.random() < 0.5
            cells[column] = f"-{cell}" if negative else str(rng.choice(EXTREMES))
        else:
            continue
        lines[row] = ",".join(cells)
        return "\n".join(lines)
    return text


def _mutate_xml(text: str, rng: np.random.Generator) -> str:
    """One Record or Workout: an extreme value or duration, or a date moved."""
    lines = text.split("\n")
    elements = [i for i, line in enumerate(lines) if "<Record " in line or "<Workout " in line]
    i = elements[int(rng.integers(len(elements)))]
    line = lines[i]
    if rng.random() < 0.5 and _ATTRIBUTE.search(line):
        line = _ATTRIBUTE.sub(rf'\1="{rng.choice(EXTREMES)}"', line, count=1)
    else:
        dates = list(_XML_DATE.finditer(line))
        match = dates[int(rng.integers(len(dates)))]
        line = line[: match.start(2)] + str(rng.choice(YEARS)) + line[match.end(2) :]
    lines[i] = line
    return "\n".join(lines)


def _damage(text: str, rng: np.random.Generator) -> str:
    """The file cut off inside a row, or a word where a number belongs."""
    worded = re.sub(r",(\d+(\.\d+)?),", ",lots,", text, count=1)
    if rng.random() < 0.5 and worded != text:
        return worded
    return text[: int(rng.integers(1, len(text) - 1))].rstrip("\n>")


def _assert_plausible(table: pd.DataFrame) -> None:
    """Finite values inside each column's range, days inside the window."""
    first, last = date_window()
    assert table.index.min() >= FIRST_DAY
    assert table.index.max() <= last
    assert first == FIRST_DAY
    for name in table.columns:
        values = table[name].dropna().to_numpy()
        bounds = range_of(name)
        assert np.isfinite(values).all(), name
        assert ((values >= bounds.low) & (values <= bounds.high)).all(), (name, values.max())


def _read(uploads: list[tuple[str, bytes]]) -> list[ReadResult] | str:
    """What reading gives: the results, or the message of the ValueError it raised."""
    try:
        return read_sources(uploads)
    except ValueError as error:
        return str(error)


def test_mutated_exports_are_read_or_refused_cleanly(sample: dict[str, str]) -> None:
    rng = np.random.default_rng(SEED)
    outcomes = {"read": 0, "refused": 0, "noted": 0}
    for _ in range(N_MUTATIONS):
        group = GROUPS[int(rng.integers(len(GROUPS)))]
        target = group[int(rng.integers(len(group)))]
        texts = dict(sample)
        if rng.random() < DAMAGE_SHARE:  # what cannot be read at all refuses the import
            texts[target] = _damage(texts[target], rng)
        else:
            mutate = _mutate_xml if target.endswith(".xml") else _mutate_csv
            texts[target] = mutate(texts[target], rng)
        assert texts[target] != sample[target]
        results = _read([(name, texts[name].encode("utf-8")) for name in group])
        if isinstance(results, str):
            assert target in results, (target, results)
            outcomes["refused"] += 1
            continue
        outcomes["read"] += 1
        for result in results:
            _assert_plausible(result.daily.table)
            notes = result.daily.warnings
            outcomes["noted"] += any("left out" in w or "clamped" in w for w in notes)
    # values and dates are left out, not refused; damage is refused
    assert outcomes["read"] > 2 * outcomes["refused"] > 0, outcomes
    assert outcomes["noted"] > N_MUTATIONS / 2, outcomes
