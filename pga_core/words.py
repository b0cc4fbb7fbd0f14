"""Words and number formats shared by the views and the command line.

One home for how the product writes a number, a signed change, a lag and a count, so that every
page, the command line and the statistics' own sentences say the same thing the same way.

Numbers are written to a number of significant figures without an exponent (``1,234``, never
``1.23e+03``), with a real minus sign (U+2212). A change in percent is written in whole percent,
except that a change under 1 % keeps one decimal, so that a small change does not read as none
(``−24%``, ``0.4%``).
"""

from __future__ import annotations

import math

__all__ = [
    "EFFECT_DIGITS",
    "MINUS",
    "NAMED_AT_MOST",
    "SHOWN_DIGITS",
    "amount",
    "combination_words",
    "days_before",
    "feature_words",
    "joined",
    "lag_phrase",
    "lag_words",
    "number",
    "plural",
    "signed",
]

#: The minus sign people read (U+2212), not a hyphen.
MINUS = "−"
#: Significant figures of a number shown to people unless a view asks for more.
SHOWN_DIGITS = 2
#: Significant figures of the behaviour statistics' effects, intervals and levels in words.
EFFECT_DIGITS = 3
NAMED_AT_MOST = 4
#: A share of variation this close to 1 is said as "all of".
_ALL_OF = 5e-4
#: The unit that makes a change a percentage (written after a space or hard against the number).
_PERCENT = "%"


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """A count with its noun: ``1 record``, ``2 records``, ``1,234 days``.

    Parameters
    ----------
    count : how many.
    noun : the noun for one (``record``).
    plural_noun : the noun for any other count; default ``noun`` + ``s`` (give ``stretches``
        for ``stretch``).
    """
    word = noun if count == 1 else (plural_noun or f"{noun}s")
    return f"{count:,} {word}"


def lag_words(lag: int) -> str:
    """A lag inside a sentence: ``the same day``, ``the next day``, ``3 days later``."""
    if lag == 0:
        return "the same day"
    return "the next day" if lag == 1 else f"{plural(lag, 'day')} later"


def lag_phrase(lag: int) -> str:
    """A lag where lags are listed side by side (pickers, axes): the days counted, as in
    ``1 day later (the next morning)``; otherwise the words of :func:`lag_words`."""
    if lag == 1:
        return f"{plural(lag, 'day')} later (the next morning)"
    return lag_words(lag)


def number(
    value: float | None, unit: str = "", *, digits: int = SHOWN_DIGITS, trim: bool = False
) -> str:
    """A number to ``digits`` significant figures, without an exponent, and its unit.

    Parameters
    ----------
    value : the number; ``n/a`` when it is missing or not finite.
    unit : written right after the number, so give it with its space: ``" bpm"``, ``" %"``.
    digits : significant figures; whole numbers keep all their digits (``12,345``).
    trim : drop trailing zeros after the decimal point (``2.5`` rather than ``2.50``), as
        sentences do.

    Examples
    --------
    ``number(48.23, " %", digits=3)`` is ``48.2 %``; ``number(-0.01234)`` is ``−0.012``.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    text = _figures(abs(value), digits, trim)
    return (MINUS if value < 0 else "") + text + unit


def amount(
    value: float | None,
    unit: str = "",
    *,
    digits: int = SHOWN_DIGITS,
    trim: bool = False,
    whole_percent: bool = False,
) -> str:
    """The size of a change, without its sign (callers say ``lower`` or ``higher``).

    Parameters
    ----------
    value : the change; its sign is dropped. ``n/a`` when missing or not finite.
    unit : as in :func:`number`. A unit of ``%`` (``" %"`` or ``"%"``) makes the change a
        percentage: whole percent, and one decimal under 1 % (``24 %``, ``0.4 %``), without a
        thousands separator (``1420 %``).
    digits, trim : as in :func:`number` (percentages follow their own rule instead).
    whole_percent : write percentages under 1 % in whole percent too (``0%``): the interval
        ends of the statistics' verdict sentences, as ``impact --json`` has always written them.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if unit.strip() == _PERCENT:
        decimals = 0 if size >= 1 or size == 0 or whole_percent else 1
        # no thousands separator: percentages have always been written so (impact --json notes)
        return f"{size:.{decimals}f}{unit}"
    return _figures(size, digits, trim) + unit


def signed(
    value: float | None,
    unit: str = "",
    *,
    digits: int = SHOWN_DIGITS,
    trim: bool = False,
    whole_percent: bool = False,
) -> str:
    """A change with its sign: ``+`` or a real minus, then :func:`amount` (``+2.1``,
    ``−0.013``, ``−24 %``); exactly zero is ``0``; ``n/a`` when missing or not finite.

    The sign is the value's own, so a change that rounds to nothing still says which way it
    went (``−0%`` with ``whole_percent``).
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    text = amount(value, unit, digits=digits, trim=trim, whole_percent=whole_percent)
    if value == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def _figures(size: float, digits: int, trim: bool) -> str:
    """A non-negative number to ``digits`` significant figures in fixed notation."""
    if size == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(size)))
    text = f"{size:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


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
        return f"{label}, mean of {plural(days, 'day')}"
    if transform == "sum":
        return f"{label} over {plural(days, 'day')}"
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
