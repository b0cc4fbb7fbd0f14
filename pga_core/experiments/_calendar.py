"""The plan's calendar to take away: a CSV table and an iCalendar (``.ics``) file.

The ``.ics`` file follows RFC 5545: one ``VCALENDAR`` with one all-day ``VEVENT`` per planned
day (``DTSTART;VALUE=DATE`` and the next day as ``DTEND``), each with a ``UID`` that stays the
same for the same plan (so importing the file again updates rather than duplicates), a
``DTSTAMP`` in UTC and a ``SUMMARY`` saying what to do. Text values escape backslashes,
semicolons, commas and line breaks (§3.3.11); lines end in CRLF and are folded so that none is
longer than 75 octets, never inside a UTF-8 character (§3.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pandas as pd

from pga_core.experiments._plan import CONDITION_LETTERS, ExperimentPlan
from pga_core.words import plural

__all__ = [
    "CALENDAR_COLUMNS",
    "calendar_csv",
    "calendar_ics",
    "day_instruction",
    "ics_escape",
    "ics_fold",
]

#: Columns of the CSV calendar, in order.
CALENDAR_COLUMNS = (
    "date", "weekday", "pair", "period", "day_in_period", "condition", "do", "outcome_counted",
)  # fmt: skip
#: Longest line of an iCalendar file, in octets, without its CRLF (RFC 5545 §3.1).
ICS_LINE_OCTETS = 75
CRLF = "\r\n"
PRODUCT_ID = "-//Personal Gradient Ascent//Self-experiments//EN"
UID_DOMAIN = "personal-gradient-ascent.local"
_DAY_FORMAT = "%Y-%m-%d"


def day_instruction(plan: ExperimentPlan, condition: int) -> str:
    """What to do on a day of a condition: ``Have any alcoholic drinks?: no``."""
    chosen = plan.conditions[condition]
    return f"{plan.behaviour_name}: {chosen.name}"


def calendar_csv(plan: ExperimentPlan) -> str:
    """The plan day by day as CSV text (columns :data:`CALENDAR_COLUMNS`, ``\\n`` line ends).

    ``condition`` is ``A`` or ``B``, ``do`` what to do (:func:`day_instruction`), and
    ``outcome_counted`` is ``no`` on washout days.
    """
    days = plan.schedule()
    table = pd.DataFrame(
        {
            "date": days.index.strftime(_DAY_FORMAT),
            "weekday": days.index.day_name(),
            "pair": days["pair"].to_numpy(),
            "period": days["period"].to_numpy(),
            "day_in_period": days["day_in_period"].to_numpy(),
            "condition": [CONDITION_LETTERS[c] for c in days["condition"]],
            "do": [day_instruction(plan, c) for c in days["condition"]],
            "outcome_counted": ["no" if w else "yes" for w in days["washout"]],
        },
        columns=list(CALENDAR_COLUMNS),
    )
    return str(table.to_csv(index=False, lineterminator="\n"))


def ics_escape(text: str) -> str:
    """A TEXT value as RFC 5545 writes it: ``\\`` ``;`` ``,`` escaped, line breaks as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets, joined by CRLF + space.

    Continuation lines begin with one space, which counts towards their 75 octets; a UTF-8
    character is never split.
    """
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, ICS_LINE_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, ICS_LINE_OCTETS - 1  # the leading space counts
        current.append(character)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _uid(plan: ExperimentPlan, day: pd.Timestamp) -> str:
    """The same for the same plan and day, different for another plan or seed."""
    key = f"{plan.name}\n{plan.seed}\n{plan.start:%Y-%m-%d}".encode()
    return f"{day:%Y%m%d}-{hashlib.sha256(key).hexdigest()[:20]}@{UID_DOMAIN}"


def _events(plan: ExperimentPlan, stamp: str) -> Iterator[str]:
    days = plan.schedule()
    periods = 2 * plan.design.pairs
    for day, row in days.iterrows():
        condition = plan.conditions[int(row["condition"])]
        letter = CONDITION_LETTERS[int(row["condition"])]
        description = (
            f"Experiment {plan.name!r}, condition {letter}: {condition.name} "
            f"({plan.behaviour_name} {condition.rule.text()}). "
            f"Pair {row['pair']} of {plan.design.pairs}, period {row['period']} of {periods}, "
            f"day {row['day_in_period']} of {plural(plan.design.period_days, 'day')}."
        )
        if row["washout"]:
            description += " Washout day: keep to it; its outcome is not counted."
        summary = f"{plan.name}: {day_instruction(plan, int(row['condition']))}"
        yield from (
            "BEGIN:VEVENT",
            f"UID:{_uid(plan, day)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + pd.Timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ics_escape(summary)}",
            f"DESCRIPTION:{ics_escape(description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        )


def calendar_ics(plan: ExperimentPlan, *, stamp: datetime | None = None) -> str:
    """The plan as an iCalendar file: one all-day event per day saying what to do.

    Parameters
    ----------
    plan : the experiment.
    stamp : the ``DTSTAMP`` of every event (when the file was made); default now. Naive
        times are taken as UTC.

    Returns
    -------
    str
        The file's text, CRLF line ends, folded at 75 octets (encode it as UTF-8).
    """
    when = stamp or datetime.now(UTC)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape('Experiment: ' + plan.name)}",
        *_events(plan, f"{when:%Y%m%dT%H%M%SZ}"),
        "END:VCALENDAR",
    ]
    return "".join(ics_fold(line) + CRLF for line in lines)
