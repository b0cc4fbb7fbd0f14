"""Words and number formats shared by the views and the command line.

One home for how the product writes a signed number, a lag and a count, so that every page, the
command line and the statistics' own sentences say the same thing the same way.
"""

from __future__ import annotations

import math

__all__ = [
    "MINUS",
    "NAMED_AT_MOST",
    "SHOWN_DIGITS",
    "combination_words",
    "days_before",
    "feature_words",
    "joined",
    "lag_words",
    "signed",
    "signed_amount",
]

#: The minus sign people read (U+2212), not a hyphen.
MINUS = "−"
#: Significant figures of a number shown to people unless a view asks for more.
SHOWN_DIGITS = 2
#: A list in a sentence names at most this many, then "and N more".
NAMED_AT_MOST = 4
#: A share of variation this close to 1 is said as "all of".
_ALL_OF = 5e-4


def lag_words(lag: int) -> str:
    """A lag inside a sentence: ``the same day``, ``the next day``, ``3 days later``."""
    if lag == 0:
        return "the same day"
    return "the next day" if lag == 1 else f"{lag} days later"


def days_before(days: int) -> str:
    """How far back an input looks: ``the same day``, ``the day before``, ``3 days before``."""
    if days == 0:
        return "the same day"
    return "the day before" if days == 1 else f"{days} days before"


def feature_words(label: str, transform: str = "", days: int = 0) -> str:
    """A feature expression in words, from its column's label, its transform and its K days.

    ``Have any alcoholic drinks? (the day before)`` for ``@lag1``, ``VO₂ max, mean of 7 days``
    for ``@mean7``, ``Time in HR zone 5 over 28 days`` for ``@sum28``, the label alone for the
    day's value.

    Raises
    ------
    ValueError
        An unknown transform (expected ``""``, ``lag``, ``mean`` or ``sum``).
    """
    if transform == "":
        return label
    if transform == "lag":
        return f"{label} ({days_before(days)})"
    if transform == "mean":
        return f"{label}, mean of {days} day{'s' if days != 1 else ''}"
    if transform == "sum":
        return f"{label} over {days} day{'s' if days != 1 else ''}"
    raise ValueError(f"unknown transform {transform!r}; expected lag, mean or sum")


def joined(names: list[str] | tuple[str, ...], at_most: int = NAMED_AT_MOST) -> str:
    """Names in a sentence: ``A``, ``A and B``, ``A, B and C``, ``A, B, C, D and 2 more``."""
    shown = list(names[:at_most])
    if len(names) > at_most:
        shown.append(f"{len(names) - at_most} more")
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def combination_words(
    what: str, partners: list[str] | tuple[str, ...], r2: float, where: str
) -> str:
    """Why an input that is (nearly) a linear combination of others was left out of a fit.

    ``Workout duration was left out of 'Day strain': Time in HR zone 1, … explain all of its
    day-to-day variation (it is nearly a sum or mix of them), so the data cannot tell its effect
    apart from theirs``. ``what`` and ``partners`` are already in words; ``r2`` is the share of
    its variation they explain; ``where`` names the goal or fit.
    """
    share = "all" if r2 >= 1 - _ALL_OF else f"{100 * r2:.1f} %"
    verb = "explains" if len(partners) == 1 else "explain"
    return (
        f"{what} was left out of {where}: {joined(partners)} {verb} {share} of its day-to-day "
        "variation (it is nearly a sum or mix of them), so the data cannot tell its effect apart "
        "from theirs"
    )


def signed_amount(value: float, unit: str) -> str:
    """A signed number with a real minus sign and ``unit`` after it: whole percent for ``%``
    (``−31%``), else three significant figures (``+0.347``)."""
    text = f"{abs(value):.0f}{unit}" if unit == "%" else f"{abs(value):.3g}{unit}"
    return ("−" if value < 0 else "+") + text


def signed(value: float | None, digits: int = SHOWN_DIGITS) -> str:
    """A signed number to ``digits`` significant figures, without an exponent (``+2.1``,
    ``−0.013``, ``0``); ``n/a`` when missing or not finite."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{abs(value):,.{decimals}f}"
    return ("+" if value > 0 else MINUS) + text
