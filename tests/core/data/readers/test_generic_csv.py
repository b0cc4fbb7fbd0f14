"""The generic daily CSV reader: dialects, dates, yes/no conventions, and what it refuses."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pga_core.data import DailyData, slugify
from pga_core.data.readers import RANGES, ExportFile, generic_csv


def _file(text: str | bytes, name: str = "log.csv") -> ExportFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return ExportFile(name, len(data), lambda: io.BytesIO(data))


def _read(text: str | bytes, name: str = "log.csv") -> DailyData:
    return generic_csv.read([_file(text, name)])


def _days(*days: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(days, name="date")


# --- what is read, and as what ---------------------------------------------------------------

LOG = """date,Steps,Mood (1-5),Weight (kg),Alcohol,Notes,Sauna
2024-03-04,10000,3,70.5,yes,"fine, tired",x
2024-03-05,,4,NA,no,meh,
2024-03-07,8000,2,71,,"two
lines",x
"""


def test_a_daily_log_is_read_column_by_column() -> None:
    daily = _read(LOG)
    reference = pd.read_csv(io.StringIO(LOG), index_col="date", parse_dates=["date"])
    assert daily.table.index.equals(_days("2024-03-04", "2024-03-05", "2024-03-07"))
    assert list(daily.table.columns) == ["steps", "mood_1_5", "weight_kg", "alcohol", "sauna"]
    np.testing.assert_array_equal(daily.table["steps"], reference["Steps"])
    np.testing.assert_array_equal(daily.table["weight_kg"], reference["Weight (kg)"])
    np.testing.assert_array_equal(daily.table["alcohol"], [1.0, 0.0, np.nan])
    # Tick column: x = yes, empty = no on a day the person logged something.
    np.testing.assert_array_equal(daily.table["sauna"], [1.0, 0.0, 1.0])
    assert daily.warnings == [
        "log.csv: column 'Notes' holds text; left out (only numbers and yes/no are read)"
    ]


def test_registry_labels_units_and_kinds() -> None:
    registry = _read(LOG).registry
    assert {n: (v.label, v.unit, v.kind) for n, v in registry.items()} == {
        "steps": ("Steps", "", "habit"),
        "mood_1_5": ("Mood (1-5)", "", "metric"),
        "weight_kg": ("Weight (kg)", "kg", "metric"),
        "alcohol": ("Alcohol", "", "behaviour"),
        "sauna": ("Sauna", "", "behaviour"),
    }
    assert all(v.source == "csv" for v in registry.values())


@pytest.mark.parametrize(
    ("yes", "no"),
    [("yes", "no"), ("Y", "N"), ("TRUE", "false"), ("1", "0"), ("ja", "Nein"), ("x", "n")],
)
def test_yes_no_vocabularies(yes: str, no: str) -> None:
    daily = _read(f"date,drank\n2024-03-04,{yes}\n2024-03-05,{no}\n2024-03-06,\n")
    np.testing.assert_array_equal(daily.table["drank"], [1.0, 0.0, np.nan])
    assert daily.registry["drank"].kind == "behaviour"


def test_tick_columns_count_empty_as_no_only_on_logged_days() -> None:
    text = "day,sauna,gym,note\n2024-03-04,x,,\n2024-03-05,,,\n2024-03-06,,x,\n2024-03-07,,,hi\n"
    table = _read(text).table
    np.testing.assert_array_equal(table["sauna"], [1.0, np.nan, 0.0, 0.0])
    np.testing.assert_array_equal(table["gym"], [0.0, np.nan, 1.0, 0.0])


def test_a_file_of_ticks_only_counts_days_up_to_the_last_tick() -> None:
    table = _read("date,sauna\n2024-03-04,x\n2024-03-05,\n2024-03-06,X\n2024-03-07,\n").table
    np.testing.assert_array_equal(table["sauna"], [1.0, 0.0, 1.0, np.nan])


def test_a_yes_no_column_keeps_empty_as_missing() -> None:
    table = _read("date,alcohol,steps\n2024-03-04,yes,1\n2024-03-05,,2\n").table
    np.testing.assert_array_equal(table["alcohol"], [1.0, np.nan])


def test_missing_markers_are_missing() -> None:
    table = _read("date,steps\n2024-03-04,-\n2024-03-05,n/a\n2024-03-06,5\n2024-03-07,--\n").table
    np.testing.assert_array_equal(table["steps"], [np.nan, np.nan, 5.0, np.nan])


# --- dialects --------------------------------------------------------------------------------


def test_european_spreadsheet_semicolons_decimal_commas_bom_and_dotted_dates() -> None:
    text = "Datum;Schritte;Gewicht (kg);Kaffee\n01.03.2024;1000;70,5;ja\n02.03.2024;2000;71;nein\n"
    daily = _read(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert daily.table.index.equals(_days("2024-03-01", "2024-03-02"))
    np.testing.assert_array_equal(daily.table["gewicht_kg"], [70.5, 71.0])
    np.testing.assert_array_equal(daily.table["kaffee"], [1.0, 0.0])
    assert daily.warnings == [
        "log.csv, column 'Datum': dates with dots read day first (DD.MM.YYYY)"
    ]


def test_latin1_files_are_read_with_a_warning() -> None:
    daily = _read("date,Café\n2024-03-04,2\n2024-03-05,3\n".encode("cp1252"))
    assert daily.registry["cafe"].label == "Café"
    assert daily.warnings[0].startswith("log.csv: not UTF-8")


def test_tab_separated_utf16_from_excel() -> None:
    daily = _read("date\tsteps\n2024-03-04\t5\n".encode("utf-16"))
    np.testing.assert_array_equal(daily.table["steps"], [5.0])


@pytest.mark.parametrize(
    ("first", "second", "order"),
    [
        ("13/03/2024", "04/03/2024", "day first (DD/MM/YYYY, e.g. '13/03/2024')"),
        ("03/13/2024", "03/04/2024", "month first (MM/DD/YYYY, e.g. '03/13/2024')"),
    ],
)
def test_unambiguous_slash_dates_are_read_and_the_order_is_stated(
    first: str, second: str, order: str
) -> None:
    daily = _read(f"date,steps\n{first},1\n{second},2\n")
    assert daily.table.index.equals(_days("2024-03-04", "2024-03-13"))
    np.testing.assert_array_equal(daily.table["steps"], [2.0, 1.0])
    assert daily.warnings == [f"log.csv, column 'date': dates read {order}"]


def test_ambiguous_dates_are_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"log\.csv, column 'date': every day and month is 12 or"):
        _read("date,steps\n03/04/2024,1\n04/03/2024,2\n")
    with pytest.raises(ValueError, match=r"write the dates as YYYY-MM-DD \(ISO\)"):
        _read("date,steps\n03/04/2024,1\n")


def test_times_of_day_are_ignored_and_said() -> None:
    daily = _read("timestamp,steps\n2024-03-04 08:00,1\n2024-03-05T21:30:00,2\n")
    assert daily.table.index.equals(_days("2024-03-04", "2024-03-05"))
    assert daily.warnings == [
        "log.csv: times of day ignored: each row is read as the day it is dated"
    ]


def test_the_date_column_is_found_by_content_or_preferred_when_named() -> None:
    by_content = _read("when,steps\n2024-03-04,1\n")
    assert by_content.table.index.equals(_days("2024-03-04"))
    weekday_first = _read("Day,Date,steps\nMon,2024-03-04,1\nTue,2024-03-05,2\n")
    assert weekday_first.table.index.equals(_days("2024-03-04", "2024-03-05"))
    assert list(weekday_first.table.columns) == ["steps"]


def test_several_files_merge_and_disagreements_name_both_files() -> None:
    first = _file("date,mood\n2024-03-04,3\n2024-03-05,4\n", "diary.csv")
    second = _file("date,mood,sauna\n2024-03-05,2,x\n2024-03-06,5,x\n", "b.csv")
    daily = generic_csv.read([first, second])
    np.testing.assert_array_equal(daily.table["mood"], [3.0, 4.0, 5.0])
    assert daily.registry["mood"].source == "csv"
    assert daily.warnings == [
        "mood: diary.csv and b.csv disagree on 1 day(s) (median difference 2); "
        "kept diary.csv's values"
    ]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "date,steps\n2024-03-04,1\n2024-03-05,lots\n",
            "log.csv, row 3, column 'steps': 'lots' is not a number; expected a number",
        ),
        (
            "date,steps\n2024-03-04,1\n2024-03-04,2\n2024-03-06,3\n2024-03-06,3\n",
            "log.csv: dates appear more than once: 2024-03-04 (rows 2 and 3), 2024-03-06 "
            "(rows 4 and 5); expected one row per day",
        ),
        ("date,steps\n2024-02-30,1\n", "row 2, column 'date': '2024-02-30' is not a day of the"),
        ("date,steps\n2024-03-04,1\nyesterday,2\n", "row 3, column 'date': 'yesterday' is not a"),
        (
            "date,steps\n2024-03-04,1\n03/05/2024,2\n",
            "row 3, column 'date': '03/05/2024' is written in another order",
        ),
        ("steps,mood\n1,2\n", "log.csv: no date column; expected a column named date"),
        ("date,notes\n2024-03-04,fine\n", "no numeric or yes/no column besides 'date'"),
        ("date,steps\n,5\n", "log.csv, row 2: values but no date"),
        ("date,Steps,steps \n2024-03-04,1,2\n", "columns 'Steps' and 'steps' both become 'steps'"),
        ("date,,x\n2024-03-04,1,2\n", "log.csv: column 2 has values but no header"),
        (
            "date,alcohol\n2024-03-04,yes\n2024-03-05,no\n2024-03-06,yse\n",
            "row 4, column 'alcohol': 'yse' is not yes or no",
        ),
        ("date,steps\n", "log.csv: no data rows, only the header"),
        ("date,steps\n2024-03-04,1\n2024-03-05", "row 3 (the last) has 1 of the 2 values"),
    ],
)
def test_bad_logs_are_refused_with_file_row_and_column(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _read(text)


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match=r"log\.csv: byte 0x81 .* save the file as CSV UTF-8"):
        _read(b"date,steps\n2024-03-04,\x81\n")


# --- recognition -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        ("date,steps\n2024-03-04,1\n", True),
        ("Datum;Schritte\n04.03.2024;1\n", True),
        ("when,steps\n2024-03-04,1\n2024-03-05,2\n", True),
        ("Day,Date,steps\nMon,2024-03-04,1\n", True),
        ("date,steps\n", True),  # claimed, to be reported as having no data rows
        ("Date, time and place\nWe met at noon, in the park\n", False),
        ("start,steps\n2024-03-04 08:00:00,1\n", False),  # times without a date name
        ("steps,mood\n1,2\n", False),
        ('<?xml version="1.0"?>\n<HealthData>\n', False),
        ("just one column\n", False),
        ("", False),
    ],
)
def test_claims_daily_tables_only(text: str, claimed: bool) -> None:
    file = _file(text)
    assert generic_csv.claims(file, file.head()) is claimed


# --- properties ------------------------------------------------------------------------------

NAMES = ["Steps", "Mood (1-5)", "Glasses of water", "Weight (kg)", "Meditated", "Alcohol", "Sauna"]
VOCABULARIES = [("yes", "no"), ("y", "n"), ("TRUE", "FALSE"), ("1", "0"), ("Ja", "Nein")]
DATE_FORMATS = {"iso": "%Y-%m-%d", "dmy": "%d/%m/%Y", "dot": "%d.%m.%Y", "mdy": "%m/%d/%Y"}
_numbers = st.integers(-1_000_000, 1_000_000).map(lambda i: i / 100)


@st.composite
def logs(draw: st.DrawFn) -> tuple[pd.DataFrame, str, bytes, list[str]]:
    """A daily table, a dialect, and the file a spreadsheet would write for it."""
    offsets = draw(st.sets(st.integers(0, 500), min_size=1, max_size=25))
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2023, 1, 1)))
    days = pd.DatetimeIndex(sorted(pd.Timestamp(start) + pd.Timedelta(days=d) for d in offsets))
    columns, cells = {}, {}
    numeric: list[str] = []
    for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True)):
        if draw(st.booleans()):
            values = draw(st.lists(st.none() | _numbers, min_size=len(days), max_size=len(days)))
            columns[name] = [np.nan if v is None else v for v in values]
            cells[name] = ["" if v is None else repr(v) for v in values]
            numeric.append(name)
        else:
            yes, no = draw(st.sampled_from(VOCABULARIES))
            values = draw(st.lists(st.sampled_from([None, 0.0, 1.0]), min_size=len(days)))
            values = values[: len(days)] + [None] * (len(days) - len(values))
            columns[name] = [np.nan if v is None else v for v in values]
            cells[name] = ["" if v is None else (yes if v else no) for v in values]
    sep = draw(st.sampled_from([",", ";", "\t"]))
    decimal_comma = sep != "," and draw(st.booleans())
    date_format = draw(st.sampled_from(sorted(DATE_FORMATS)))
    header = draw(st.sampled_from(["date", "Date", "Datum", "day", "Fecha"]))
    order = draw(st.permutations(range(len(days))))
    lines = [sep.join([header, *cells])]
    for i in order:
        row = [days[i].strftime(DATE_FORMATS[date_format])]
        for name in cells:
            cell = cells[name][i]
            row.append(cell.replace(".", ",") if decimal_comma else cell)
        lines.append(sep.join(row))
    text = "\r\n".join(lines) + "\r\n" if draw(st.booleans()) else "\n".join(lines)
    data = (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + text.encode("utf-8")
    expected = pd.DataFrame(columns, index=days)
    return expected, date_format, data, numeric


def _plausible(table: pd.DataFrame, numeric: list[str]) -> pd.DataFrame:
    """The table with numbers outside the range of the variable a column is named after left out."""
    out = table.astype(np.float64)
    for name in out.columns:
        bounds = RANGES.get(slugify(name))
        if bounds is not None and name in numeric:
            out[name] = out[name].where(
                out[name].between(bounds.low, bounds.high) | out[name].isna()
            )
            out[name] = out[name].where(out[name].notna() | table[name].isna())
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs())
def test_any_table_written_in_any_dialect_reads_back(
    log: tuple[pd.DataFrame, str, bytes, list[str]],
) -> None:
    expected, date_format, data, numeric = log
    ambiguous = date_format in ("dmy", "mdy") and not (expected.index.day > 12).any()
    logged = expected.dropna(axis=1, how="all")
    if ambiguous or logged.empty:
        with pytest.raises(ValueError, match=r"12 or less|no numeric or yes/no column"):
            _read(data)
        return
    daily = _read(data)
    assert daily.table.index.equals(pd.DatetimeIndex(expected.index, name="date"))
    assert list(daily.table.columns) == [slugify(n) for n in logged.columns]
    np.testing.assert_array_equal(daily.table.to_numpy(), _plausible(logged, numeric).to_numpy())


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(_text | st.sampled_from(["2024-03-04", "13/03/2024", "x", "1,5"]), max_size=5)
    ).map(lambda rows: "\n".join(",".join(r) for r in rows)),
    st.sampled_from(["", "date,", "Datum;"]),
)
def test_junk_text_raises_nothing_but_value_error(body: str, prefix: str) -> None:
    try:
        daily = _read(prefix + body)
    except ValueError:
        return
    assert isinstance(daily, DailyData)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_junk_bytes_raise_nothing_but_value_error(data: bytes) -> None:
    try:
        _read(data)
    except ValueError:
        return


# --- implausible values and dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("inf", "not a finite number"),
        ("1e999", "not a finite number"),
        ("1e15", "above 1,000,000,000"),
    ],
)
def test_numbers_no_log_can_hold_are_left_out_with_a_note(cell: str, problem: str) -> None:
    daily = _read(f"date,glasses\n2024-03-04,2\n2024-03-05,{cell}\n")
    assert daily.table["glasses"].tolist()[0] == 2.0
    assert np.isnan(daily.table.loc["2024-03-05", "glasses"])
    assert any(
        w.startswith(f"log.csv: 1 value of 'glasses' {problem} left out (row 3")
        for w in daily.warnings
    ), daily.warnings


def test_a_column_named_like_a_known_variable_gets_its_range() -> None:
    daily = _read("date,steps,weight_kg\n2024-03-04,-50000,80\n2024-03-05,9000,2500\n")
    assert np.isnan(daily.table.loc["2024-03-04", "steps"])
    assert np.isnan(daily.table.loc["2024-03-05", "weight_kg"])
    assert daily.table.loc["2024-03-05", "steps"] == 9000.0
    assert (
        "log.csv: 1 value of 'steps' negative left out (row 2; plausible: 0 to 150,000"
        in (daily.warnings[0])
    )


@pytest.mark.parametrize("day", ["1900-01-01", "1969-12-31", "2099-01-01"])
def test_rows_dated_outside_the_plausible_window_are_left_out(day: str) -> None:
    daily = _read(f"date,steps\n2024-03-04,1\n{day},2\n2024-03-05,3\n")
    assert daily.table.index.tolist() == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-05")]
    assert daily.warnings[0].startswith(f"log.csv: 1 record dated {day}, ")
    assert "left out (row 3;" in daily.warnings[0]


def test_a_log_whose_every_row_is_out_of_the_window_is_empty_not_refused() -> None:
    daily = _read("date,steps\n1900-01-01,1\n1900-01-02,3\n")
    assert daily.days == 0
    assert daily.warnings[0].startswith("log.csv: 2 records dated 1900-01-01 to 1900-01-02, before")
