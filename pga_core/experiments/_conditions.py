"""The two conditions of an experiment and the rule on the column that says a day kept to one.

A condition is a name a person reads ("no drinks", "≤ 1 drink") and a rule on the behaviour's or
habit's daily value (``== 0``, ``<= 1``). A yes/no behaviour is 1.0 on a yes day and 0.0 on a no
day, so "yes" is ``== 1`` and "no" is ``== 0``. A day kept to its planned condition when its
value satisfies that condition's rule; a day without a value was not logged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "OPERATORS",
    "Condition",
    "Rule",
    "yes_no_conditions",
]

#: The comparisons a rule may make, as written in plans (ASCII) and as people read them.
OPERATORS: dict[str, str] = {"==": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}
#: Words that stand for a yes/no value in a rule.
_YES_WORDS = ("yes", "y", "true", "on")
_NO_WORDS = ("no", "n", "false", "off", "none")
_READ_AS = {"≤": "<=", "≥": ">=", "=": "==", "==": "==", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}
_RULE_TEXT = re.compile(r"^\s*(==|<=|>=|=|≤|≥|<|>)?\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*$")


@dataclass(frozen=True)
class Rule:
    """A comparison of a day's value with a number: ``value <op> threshold``.

    Attributes
    ----------
    op : one of :data:`OPERATORS` (``==``, ``<=``, ``>=``, ``<``, ``>``).
    threshold : the number compared with (a yes/no behaviour: 1 for yes, 0 for no).
    """

    op: str
    threshold: float

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(
                f"rule: expected one of {', '.join(OPERATORS)} as the comparison, got {self.op!r}"
            )
        if not math.isfinite(self.threshold):
            raise ValueError(
                f"rule: expected a finite number to compare with, got {self.threshold}"
            )

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Read a rule as people write it: ``yes``, ``no``, ``<= 1``, ``≤1``, ``= 0``, ``0``.

        A bare number means "equal to"; a decimal comma is read as a point.

        Raises
        ------
        ValueError
            Text that is none of these, with examples of what is.
        """
        word = str(text).strip().lower()
        if word in _YES_WORDS:
            return cls("==", 1.0)
        if word in _NO_WORDS:
            return cls("==", 0.0)
        match = _RULE_TEXT.match(word)
        if match is None:
            raise ValueError(
                f"rule {text!r}: expected yes, no, or a comparison with a number such as "
                "'<= 1', '>= 30' or '0'"
            )
        op = _READ_AS[match.group(1) or "=="]
        return cls(op, float(match.group(2).replace(",", ".")))

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Where the rule holds, shape of ``values``; False where a value is missing (NaN)."""
        values = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if self.op == "==":
                return np.isclose(values, self.threshold, rtol=0.0, atol=1e-9)
            if self.op == "<=":
                return values <= self.threshold
            if self.op == ">=":
                return values >= self.threshold
            if self.op == "<":
                return values < self.threshold
            return values > self.threshold

    def text(self) -> str:
        """The rule for people: ``= 0``, ``≤ 1``, ``≥ 30``."""
        value = f"{self.threshold:g}".replace("-", "−")
        return f"{OPERATORS[self.op]} {value}"

    def to_json(self) -> dict[str, Any]:
        """``{"op": "<=", "threshold": 1.0}``."""
        return {"op": self.op, "threshold": self.threshold}


@dataclass(frozen=True)
class Condition:
    """One arm of an experiment: what a person reads and the rule that checks a day kept to it.

    Attributes
    ----------
    name : what the person does, in their words (``no drinks``); never empty.
    rule : the rule on the behaviour's or habit's daily value.
    """

    name: str
    rule: Rule

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"condition: expected a non-empty name, got {self.name!r}")

    def to_json(self) -> dict[str, Any]:
        """``{"name": ..., "op": ..., "threshold": ...}``."""
        return {"name": self.name, **self.rule.to_json()}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Condition:
        """The condition :meth:`to_json` wrote; ValueError when a field is missing."""
        try:
            return cls(
                str(document["name"]), Rule(str(document["op"]), float(document["threshold"]))
            )
        except (KeyError, TypeError) as error:
            raise ValueError(
                f"condition {document!r}: expected the fields name, op and threshold"
            ) from error


def yes_no_conditions() -> tuple[Condition, Condition]:
    """The conditions of a yes/no behaviour: ``yes`` (``= 1``) against ``no`` (``= 0``)."""
    return Condition("yes", Rule("==", 1.0)), Condition("no", Rule("==", 0.0))
