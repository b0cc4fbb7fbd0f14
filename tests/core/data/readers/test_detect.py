"""Format detection, read_sources / read_exports, and bad input of every kind."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pga_core.data.readers as readers
from pga_core.data import SOURCE_PRIORITY
from pga_core.data.readers import (
    ExportFile,
    collect_files,
    detect_format,
    generic_csv,
    read_exports,
    read_sources,
    whoop,
)
from pga_core.data.readers import _detect as sources
from pga_core.data.readers._detect import READERS
from pga_core.sample import APPLE_EXPORT_HEADER

GOLDEN = Path(__file__).parents[3] / "fixtures" / "whoop-golden"
WHOOP_FILES = ("physiological_cycles.csv", "sleeps.csv", "workouts.csv", "journal_entries.csv")
HABITS = b"date,Sauna,recovery_score\n2024-03-08,x,40\n2024-03-09,,71\n2024-03-11,x,60\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _whoop_members(prefix: str = "") -> dict[str, bytes]:
    return {f"{prefix}{name}": (GOLDEN / name).read_bytes() for name in WHOOP_FILES}


def _one(data: bytes, name: str = "x.csv") -> ExportFile:
    return ExportFile(name, len(data), lambda: io.BytesIO(data))


# --- the reader list -------------------------------------------------------------------------


def test_readers_follow_the_protocol_with_the_generic_csv_last() -> None:
    assert READERS[0] is whoop
    assert READERS[-1] is generic_csv
    formats = [r.FORMAT for r in READERS]
    assert len(set(formats)) == len(formats)
    assert set(formats) <= set(SOURCE_PRIORITY)
    for reader in READERS:
        assert callable(reader.claims)
        assert callable(reader.read)
        assert reader.FORMAT in sources.FORMAT_DESCRIPTIONS
    assert set(sources.__all__) >= {"detect_format", "read_sources", "read_exports"}
    # The reader list is how detection works inside the package, not a name it publishes.
    assert "READERS" not in readers.__all__
    assert "READERS" in vars(sources)


# --- detect_format ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", WHOOP_FILES)
def test_whoop_files_are_detected(name: str) -> None:
    (file,) = collect_files([GOLDEN / name])
    assert detect_format(file) == "whoop"


def test_a_daily_log_is_detected_as_csv() -> None:
    assert detect_format(_one(HABITS)) == "csv"
    assert detect_format(_one((GOLDEN / "expected_daily.csv").read_bytes())) == "csv"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)), "binary data"),
        (b"PK\x05\x06" + bytes(18), "binary data"),
        (b"Hello,\nthis is a letter.\n", "not a format we recognise (first line: 'Hello,')"),
        (b"x" * 10 * 2**20, "its first line is longer than 64 KB"),
    ],
)
def test_unknown_files_are_refused_naming_the_file_and_what_we_read(data: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=r"^junk\.dat: ") as error:
        detect_format(_one(data, "junk.dat"))
    assert why in str(error.value)
    assert "we read WHOOP export CSVs" in str(error.value)
    assert "a daily CSV log with a date column" in str(error.value)


# --- read_sources and read_exports -----------------------------------------------------------


def test_a_whoop_zip_with_stray_files_reads_and_lists_what_it_skipped() -> None:
    members = _whoop_members("my_whoop_data/")
    members["my_whoop_data/export_cda.xml"] = b'<?xml version="1.0"?><ClinicalDocument/>'
    members["my_whoop_data/route.gpx"] = b'<?xml version="1.0"?><gpx></gpx>'
    (result,) = read_sources([("whoop.zip", _zip(members))])
    assert result.format == "whoop"
    assert sorted(f.basename for f in result.files) == sorted(WHOOP_FILES)
    assert result.daily.warnings == [
        "whoop.zip: skipped 2 file(s) that are not a format we read: "
        "my_whoop_data/export_cda.xml, my_whoop_data/route.gpx"
    ]


def test_formats_are_read_separately_and_merged_by_priority(tmp_path: Path) -> None:
    habits = tmp_path / "habits.csv"
    habits.write_bytes(HABITS)
    results = read_sources([habits, ("whoop.zip", _zip(_whoop_members()))])
    assert [r.format for r in results] == ["whoop", "csv"]
    merged = read_exports([habits, ("whoop.zip", _zip(_whoop_members()))])
    whoop_table, csv_table = results[0].daily.table, results[1].daily.table
    # WHOOP wins where both have recovery; the log fills the day WHOOP lacks.
    expected = whoop_table["recovery_score"].combine_first(csv_table["recovery_score"])
    pd.testing.assert_series_equal(merged.table["recovery_score"], expected, check_freq=False)
    assert merged.table.loc["2024-03-08", "recovery_score"] == 38.0
    assert merged.table.loc["2024-03-11", "recovery_score"] == 60.0
    assert merged.registry["recovery_score"].source == "whoop"
    assert merged.registry["sauna"].source == "csv"
    assert (
        "recovery_score: whoop and csv disagree on 1 day(s) (median difference 2 %); "
        "kept whoop's values"
    ) in merged.warnings


def test_progress_is_reported_per_format_from_0_to_1(tmp_path: Path) -> None:
    habits = tmp_path / "habits.csv"
    habits.write_bytes(HABITS)
    heard: list[tuple[float, str]] = []
    read_sources(
        [habits, ("whoop.zip", _zip(_whoop_members()))],
        progress=lambda fraction, message: heard.append((fraction, message)),
    )
    assert heard == [
        (0.0, "Recognising the files"),
        (1 / 3, "Reading WHOOP (4 files)"),
        (2 / 3, "Reading Daily CSV (1 file)"),
        (1.0, "Read"),
    ]


def test_a_folder_is_read_like_a_zip(tmp_path: Path) -> None:
    for name, data in _whoop_members().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "notes.txt").write_bytes(b"remember to export again in May\n")
    (result,) = read_sources([tmp_path])
    assert result.format == "whoop"
    assert "skipped 1 file(s)" in result.daily.warnings[-1]
    assert "notes.txt" in result.daily.warnings[-1]


def test_read_exports_of_nothing_is_empty() -> None:
    assert read_exports([]).days == 0


# --- bad input: each a specific ValueError ---------------------------------------------------


def test_a_file_handed_over_directly_that_nobody_reads_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"^letter\.txt: not a format we recognise"):
        read_sources([("letter.txt", b"Dear reader,\nhello\n")])


def test_a_zip_with_nothing_recognised_is_an_error() -> None:
    data = _zip({"a.txt": b"hello", "b/route.gpx": b"<gpx/>"})
    with pytest.raises(ValueError, match=r"^stuff\.zip: no file we recognise inside \(a\.txt, b/"):
        read_sources([("stuff.zip", data)])


def test_an_excel_workbook_is_told_to_be_saved_as_csv() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    with pytest.raises(
        ValueError, match=r"^log\.xlsx: an Office document .* save the sheet as CSV"
    ):
        read_sources([("log.xlsx", data)])


def test_a_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("sleeps.csv", "w") as member,
    ):
        for _ in range(56):
            member.write(bytes(2**20))
    with pytest.raises(ValueError, match=r"^bomb\.zip: member 'sleeps\.csv' would expand"):
        read_sources([("bomb.zip", buffer.getvalue())])


def test_path_traversal_in_a_zip_is_refused() -> None:
    members = {**_whoop_members(), "../../.bashrc": b"date,x\n2024-03-04,1\n"}
    with pytest.raises(ValueError, match=r"^evil\.zip: member '\.\./\.\./\.bashrc' points outside"):
        read_sources([("evil.zip", _zip(members))])


def test_a_damaged_zip_member_is_named() -> None:
    data = bytearray(_zip({"log.csv": HABITS * 50}))
    start = data.index(b"log.csv") + len(b"log.csv") + 5  # inside the compressed bytes
    data[start : start + 8] = bytes(8)
    with pytest.raises(ValueError, match=r"^bad\.zip/log\.csv: cannot be read from its archive"):
        read_sources([("bad.zip", bytes(data))])


def test_errors_inside_a_zip_name_the_member_row_and_column() -> None:
    members = _whoop_members("w/")
    cycles = members["w/physiological_cycles.csv"].replace(b",38,60,41,", b",38,6o,41,")
    members["w/physiological_cycles.csv"] = cycles
    with pytest.raises(
        ValueError,
        match=r"^export\.zip/w/physiological_cycles\.csv, row 4, column 'Resting heart rate "
        r"\(bpm\)': '6o' is not a number",
    ):
        read_sources([("export.zip", _zip(members))])


def test_implausible_values_inside_a_zip_are_left_out_naming_the_member_row_and_column() -> None:
    members = _whoop_members("w/")
    cycles = members["w/physiological_cycles.csv"].replace(b",38,60,41,", b",250,60,41,")
    members["w/physiological_cycles.csv"] = cycles
    (result,) = read_sources([("export.zip", _zip(members))])
    assert (
        "export.zip/w/physiological_cycles.csv: 1 value of 'Recovery score %' above 100 left out "
        "(row 4; plausible: 0 to 100 %; WHOOP recovery is a percentage)"
    ) in result.daily.warnings
    assert np.isnan(result.daily.table.loc["2024-03-08", "recovery_score"])


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"Cycle ", "it is cut off after 6 bytes, inside its first line"),
        (b"", "it is empty"),
        (b"\x00\x01\x02PK\x00" * 10, "it holds binary data, not text"),
    ],
)
def test_a_damaged_export_file_in_a_zip_refuses_the_import(data: bytes, why: str) -> None:
    members = _whoop_members("w/")
    members["w/physiological_cycles.csv"] = data
    with pytest.raises(
        ValueError,
        match=rf"^export\.zip/w/physiological_cycles\.csv: named like a file of a WHOOP export, "
        rf"but {re.escape(why)}; export it again",
    ):
        read_sources([("export.zip", _zip(members))])


def test_a_table_of_another_program_named_like_an_export_file_is_only_skipped() -> None:
    members = {**_whoop_members("w/"), "w/other/workouts.csv": b"Exercise,Sets\nSquat,5\n"}
    (result,) = read_sources([("export.zip", _zip(members))])
    assert result.format == "whoop"
    assert (
        "skipped 1 file(s) that are not a format we read: w/other/workouts.csv"
        in (result.daily.warnings[-1])
    )


def test_every_reader_is_screened_once_more_after_reading() -> None:
    # Each record is plausible; the day's total is more than a person walks.
    step = (
        '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Watch" unit="count" '
        'startDate="2024-03-04 {h}:00:00 +0100" endDate="2024-03-04 {h}:30:00 +0100" '
        'value="100000"/>\n'
    )
    xml = (
        APPLE_EXPORT_HEADER
        + '<HealthData locale="en_US">\n <ExportDate value="2024-03-06 08:00:00 +0100"/>\n'
        + step.format(h=10)
        + step.format(h=12)
        + step.replace("100000", "5000").replace("03-04", "03-05").format(h=9)
        + "</HealthData>\n"
    )
    (result,) = read_sources([("export.xml", xml.encode())])
    assert np.isnan(result.daily.table.loc["2024-03-04", "steps"])
    assert result.daily.table.loc["2024-03-05", "steps"] == 5000.0
    assert result.daily.warnings[-1] == (
        "export.xml: 1 value of 'Steps' above 150,000 left out (day 2024-03-04; plausible: 0 "
        "to 150,000 steps; ultramarathon days reach about 100,000 steps)"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"date,steps\n", r"^log\.csv: no data rows, only the header"),
        (b"date,steps\n2024-03-04,1\n2024-03-05", r"^log\.csv: row 3 \(the last\) has 1"),
        (b"date,steps\n2024-03-04,1\n2024-03-04,2\n", r"^log\.csv: dates appear more than once"),
        (b"date,steps\n2024-03-04,\x81\n", r"^log\.csv: byte 0x81 .* neither UTF-8 nor"),
        (
            b"date,steps\n2024-03-04,-5x\n2024-03-05,3\n",
            r"^log\.csv, row 2, column 'steps': '-5x' is",
        ),
        (b"date,steps\n" + b"2024-03-04," + b"9" * 2**21 + b"\n", r"^log\.csv: line 2 is 2\.0 MB"),
    ],
)
def test_bad_daily_logs_through_read_sources(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_sources([("log.csv", data)])


def test_a_ten_megabyte_single_line_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "one_line.csv"
    path.write_bytes(b"date," + b"a," * (5 * 2**20))
    with pytest.raises(ValueError, match=r"one_line\.csv: its first line is longer than 64 KB"):
        read_sources([path])
