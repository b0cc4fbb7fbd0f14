"""The reader protocol every format module fulfils, and what reading an export gives back."""

from __future__ import annotations

import dataclasses
import inspect
import io
from pathlib import Path

import pandas as pd
import pytest

from pga_core.data import SOURCE_PRIORITY, DailyData
from pga_core.data.readers import (
    ExportFile,
    ReadResult,
    apple_health,
    bearable,
    daylio,
    generic_csv,
    loop,
    oura,
    read_sources,
    whoop,
)
from pga_core.data.readers._base import Reader
from pga_core.data.readers._detect import READERS
from pga_core.sample import APPLE_EXPORT_HEADER

GOLDEN = Path(__file__).parents[3] / "fixtures" / "whoop-golden"
APPLE_XML = (
    APPLE_EXPORT_HEADER
    + '<HealthData locale="en_US">\n'
    + ' <ExportDate value="2024-03-06 08:00:00 +0100"/>\n'
    + ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Watch" unit="count" '
    'creationDate="2024-03-04 10:05:00 +0100" startDate="2024-03-04 10:00:00 +0100" '
    'endDate="2024-03-04 10:05:00 +0100" value="500"/>\n'
    "</HealthData>\n"
)
OURA_TRENDS = "date,Sleep Score,Steps\n2024-03-04,80,9000\n"
HABITS = "date,Sauna\n2024-03-04,yes\n2024-03-05,no\n"
LOOP_CHECKMARKS = "Date,Sauna,Water,\n2024-03-05,NO,UNKNOWN,\n2024-03-04,YES_MANUAL,2500,\n"
DAYLIO = (
    "full_date,date,weekday,time,mood,activities,note_title,note\n"
    '2024-03-04,March 4,Monday,21:10,good,"sauna","",""\n'
)
BEARABLE = (
    "date,weekday,time of day,category,rating/amount,detail,notes\n"
    '"4th Mar 2024","Monday","pm","Mood","7","Good",""\n'
)
#: One small file of each format, as a person would hand it over.
EXAMPLES: dict[str, tuple[str, bytes]] = {
    whoop.FORMAT: ("sleeps.csv", (GOLDEN / "sleeps.csv").read_bytes()),
    apple_health.FORMAT: ("export.xml", APPLE_XML.encode()),
    oura.FORMAT: ("oura_trends.csv", OURA_TRENDS.encode()),
    loop.FORMAT: ("Checkmarks.csv", LOOP_CHECKMARKS.encode()),
    daylio.FORMAT: ("daylio_export.csv", DAYLIO.encode()),
    bearable.FORMAT: ("bearable-export-05-03-2024.csv", BEARABLE.encode()),
    generic_csv.FORMAT: ("habits.csv", HABITS.encode()),
}


def _file(name: str, data: bytes) -> ExportFile:
    return ExportFile(name, len(data), lambda: io.BytesIO(data))


def _protocol_members() -> dict[str, inspect.Signature | None]:
    """The names the protocol asks for: a signature for methods, None for attributes."""
    members: dict[str, inspect.Signature | None] = dict.fromkeys(Reader.__annotations__)
    for name, value in vars(Reader).items():
        if inspect.isfunction(value) and not name.startswith("_"):
            params = list(inspect.signature(value).parameters.values())[1:]  # without self
            members[name] = inspect.Signature(params)
    return members


def test_the_protocol_is_format_claims_and_read() -> None:
    assert set(_protocol_members()) == {"FORMAT", "claims", "read"}


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.FORMAT)
def test_every_reader_module_has_the_protocols_names_and_signatures(reader: Reader) -> None:
    for name, signature in _protocol_members().items():
        assert name in reader.__all__, f"{reader.__name__} does not publish {name}"
        value = getattr(reader, name)
        if signature is None:
            assert isinstance(value, str)
        else:
            assert list(inspect.signature(value).parameters) == list(signature.parameters)
    assert reader.FORMAT in SOURCE_PRIORITY


def test_every_format_has_one_reader_and_an_example_here() -> None:
    formats = [reader.FORMAT for reader in READERS]
    assert sorted(formats) == sorted(EXAMPLES)
    assert len(set(formats)) == len(formats)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.FORMAT)
def test_a_reader_claims_its_own_format_and_no_empty_file(reader: Reader) -> None:
    name, data = EXAMPLES[reader.FORMAT]
    assert reader.claims(_file(name, data), data) is True
    assert reader.claims(_file(name, b""), b"") is False
    others = [example for fmt, example in EXAMPLES.items() if fmt != reader.FORMAT]
    if reader is not generic_csv:  # the fallback may claim any table with a date column
        assert not any(reader.claims(_file(n, d), d) for n, d in others)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.FORMAT)
def test_a_reader_reads_its_files_into_days_labelled_with_its_format(reader: Reader) -> None:
    name, data = EXAMPLES[reader.FORMAT]
    daily = reader.read([_file(name, data)])
    assert isinstance(daily, DailyData)
    assert daily.days > 0
    assert daily.table.index.name == "date"
    assert (daily.table.index == daily.table.index.normalize()).all()
    assert {variable.source for variable in daily.registry.values()} == {reader.FORMAT}


def test_a_reader_refuses_bad_input_with_a_value_error_naming_the_file() -> None:
    bad = b"\x00\x01binary\x02"
    for reader in READERS:
        with pytest.raises(ValueError, match=r"broken\.\w+"):
            reader.read([_file(f"broken.{'xml' if reader is apple_health else 'csv'}", bad)])


def test_read_result_is_a_frozen_record_of_format_files_and_days() -> None:
    assert [f.name for f in dataclasses.fields(ReadResult)] == ["format", "files", "daily"]
    (result,) = read_sources([EXAMPLES[generic_csv.FORMAT]])
    assert isinstance(result, ReadResult)
    assert result.format == generic_csv.FORMAT
    assert [f.name for f in result.files] == ["habits.csv"]
    assert isinstance(result.files, tuple)
    expected = pd.Series([1.0, 0.0], index=pd.to_datetime(["2024-03-04", "2024-03-05"]))
    pd.testing.assert_series_equal(
        result.daily.table["sauna"], expected, check_names=False, check_freq=False
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.format = "oura"  # type: ignore[misc]


def test_read_sources_gives_one_result_per_format_in_the_readers_order() -> None:
    results = read_sources(list(EXAMPLES.values()))
    assert [r.format for r in results] == [reader.FORMAT for reader in READERS]
    for result in results:
        assert [f.name for f in result.files] == [EXAMPLES[result.format][0]]
