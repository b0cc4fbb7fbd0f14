"""The plan's calendar: CSV read back by pandas, the .ics file checked line by line (RFC 5545)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pandas as pd
import pytest

from pga_core.experiments import (
    CALENDAR_COLUMNS,
    calendar_csv,
    calendar_ics,
    day_instruction,
    ics_escape,
    ics_fold,
)
from tests.core.experiments.people import history, plan_for

STAMP = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
#: A name with everything RFC 5545 escapes, non-ASCII text and Markdown.
AWKWARD = "Dry, *really*; no \\ backslash\nnor wine — ½ glass 🍷"


def unfold(text: str) -> list[str]:
    """Content lines as RFC 5545 §3.1 unfolds them: a CRLF followed by a space is removed."""
    assert "\n" not in text.replace("\r\n", ""), "a line end that is not CRLF"
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def events(text: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return found


@pytest.fixture(scope="module")
def plan():
    return plan_for(history(), name=AWKWARD, pairs=3, period_days=3, washout_days=1, seed=4)


def test_the_csv_calendar_is_the_schedule_day_by_day(plan) -> None:
    table = pd.read_csv(io.StringIO(calendar_csv(plan)))
    days = plan.schedule()
    assert tuple(table.columns) == CALENDAR_COLUMNS
    assert table["date"].tolist() == days.index.strftime("%Y-%m-%d").tolist()
    assert table["weekday"].iloc[0] == "Monday"
    assert table["condition"].tolist() == ["AB"[c] for c in days["condition"]]
    assert table["do"].tolist() == [f"b_drink label: {n}" for n in days["condition_name"]]
    assert table["outcome_counted"].tolist() == ["no" if w else "yes" for w in days["washout"]]
    assert table["pair"].tolist() == days["pair"].tolist()


def test_text_is_escaped_and_long_lines_are_folded_at_75_octets() -> None:
    assert ics_escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "é" * 100
    folded = ics_fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert folded.replace("\r\n ", "") == line
    assert ics_fold("short") == "short"


def test_the_ics_file_has_one_all_day_event_per_planned_day(plan) -> None:
    text = calendar_ics(plan, stamp=STAMP)
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    found = events(text)
    days = plan.schedule()
    assert len(found) == len(days) == 18
    assert [e["DTSTART;VALUE=DATE"] for e in found] == days.index.strftime("%Y%m%d").tolist()
    ends = (days.index + pd.Timedelta(days=1)).strftime("%Y%m%d").tolist()
    assert [e["DTEND;VALUE=DATE"] for e in found] == ends
    assert {e["DTSTAMP"] for e in found} == {"20240301T083000Z"}
    assert len({e["UID"] for e in found}) == 18
    for event, (_, row) in zip(found, days.iterrows(), strict=True):
        summary = unescape(event["SUMMARY"])
        assert summary == f"{AWKWARD}: {day_instruction(plan, row['condition'])}"
        description = unescape(event["DESCRIPTION"])
        assert ("Washout day" in description) == row["washout"]
        assert f"Pair {row['pair']} of 3" in description
    # every comma, semicolon and backslash in a value is escaped
    for event in found:
        bare = re.sub(r"\\[\\;,n]", "", event["SUMMARY"])
        assert not set(bare) & {",", ";", "\\"}


def test_the_same_plan_gives_the_same_uids_and_a_new_seed_new_ones(plan) -> None:
    uids = [e["UID"] for e in events(calendar_ics(plan, stamp=STAMP))]
    assert uids == [e["UID"] for e in events(calendar_ics(plan))]
    other = plan.restarted(plan.start, seed=plan.seed + 1)
    assert not set(uids) & {e["UID"] for e in events(calendar_ics(other, stamp=STAMP))}
    assert all(re.fullmatch(r"\d{8}-[0-9a-f]{20}@[\w.-]+", u) for u in uids)


def test_a_naive_stamp_is_taken_as_utc(plan) -> None:
    text = calendar_ics(plan, stamp=datetime(2024, 3, 1, 8, 30))
    assert "DTSTAMP:20240301T083000Z" in unfold(text)
