"""Words and number formats shared by the views and the command line.

One home for how the product writes a signed number, a lag and a count, so that every page, the
command line and the statistics' own sentences say the same thing the same way.
"""

from __future__ import annotations

__all__ = ["lag_words", "signed_amount"]


def lag_words(lag: int) -> str:
    """A lag inside a sentence: ``the same day``, ``the next day``, ``3 days later``."""
    if lag == 0:
        return "the same day"
    return "the next day" if lag == 1 else f"{lag} days later"


def signed_amount(value: float, unit: str) -> str:
    """A signed number with a real minus sign and ``unit`` after it: whole percent for ``%``
    (``−31%``), else three significant figures (``+0.347``)."""
    text = f"{abs(value):.0f}{unit}" if unit == "%" else f"{abs(value):.3g}{unit}"
    return ("−" if value < 0 else "+") + text
