"""Synthetic people and the planted tree's fit, made once for every goal test."""

from __future__ import annotations

import pytest

from pga_core.goals import GoalTree, fit_tree
from pga_core.sample import generate_person
from tests.core.goals.trees import PLANTED


@pytest.fixture(scope="session")
def person():
    return generate_person(1095, seed=1)


@pytest.fixture(scope="session")
def planted_fit(person):
    return fit_tree(GoalTree.from_json(PLANTED), person.daily)


@pytest.fixture(scope="session")
def short_person():
    return generate_person(400, seed=3)
