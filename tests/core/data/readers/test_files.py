"""ExportFile and collect_files: paths, folders, zips and uploads; the one text and CSV layer."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pga_core.data import slugify
from pga_core.data.readers import ExportFile, collect_files
from pga_core.data.readers import _files as files
from pga_core.data.readers._files import (
    decode_text,
    head_rows,
    header_key,
    looks_binary,
    read_csv_file,
    read_csv_rows,
    read_text,
    sniff_separator,
)

CSV = b"date,mood\n2024-03-04,3\n2024-03-05,4\n"


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def _file(data: bytes, name: str = "log.csv") -> ExportFile:
    return ExportFile(name, len(data), lambda: io.BytesIO(data))


# --- collect_files ---------------------------------------------------------------------------


def test_a_path_is_one_file_read_in_full(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(CSV)
    (found,) = collect_files([path])
    assert found.name == str(path)
    assert found.basename == "log.csv"
    assert found.size == len(CSV)
    assert found.head() == CSV
    assert found.head(4) == b"date"


def test_a_folder_gives_its_files_without_system_junk(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(CSV)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv").write_bytes(CSV)
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "__MACOSX" / "._a.csv").write_bytes(b"junk")
    names = sorted(Path(f.name).relative_to(tmp_path).as_posix() for f in collect_files([tmp_path]))
    assert names == ["a.csv", "sub/b.csv"]


def test_a_zip_is_read_in_place_member_by_member(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(_zip_bytes({"whoop/sleeps.csv": CSV, "__MACOSX/._x": b"", "b.csv": b"x"}))
    found = collect_files([path])
    assert [f.name for f in found] == [f"{path}/whoop/sleeps.csv", f"{path}/b.csv"]
    assert found[0].basename == "sleeps.csv"
    assert found[0].head() == CSV
    with found[0].open() as stream:
        assert stream.read() == CSV


def test_uploads_are_files_or_zips() -> None:
    (plain,) = collect_files([("log.csv", CSV)])
    assert (plain.name, plain.head()) == ("log.csv", CSV)
    (member,) = collect_files([("up.zip", _zip_bytes({"log.csv": CSV}))])
    assert member.name == "up.zip/log.csv"
    assert member.head() == CSV


@pytest.mark.parametrize("name", ["../evil.csv", "a/../../evil.csv", "/etc/evil.csv", "C:/x.csv"])
def test_member_names_outside_the_archive_are_refused(name: str) -> None:
    data = _zip_bytes({"ok.csv": CSV, name: CSV})
    with pytest.raises(ValueError, match=r"points outside the archive"):
        collect_files([("export.zip", data)])


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A real zip bomb: 64 MB of zeros deflated to about 60 kB."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        archive.open("sleeps.csv", "w") as member,
    ):
        chunk = bytes(2**20)
        for _ in range(64):
            member.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 2**20
    with pytest.raises(ValueError, match=r"bomb\.zip: member 'sleeps\.csv' would expand"):
        collect_files([("bomb.zip", zip_bomb)])


def test_missing_paths_empty_folders_and_broken_zips_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nothere\.csv: no such file or folder"):
        collect_files([tmp_path / "nothere.csv"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"empty: the folder holds no files"):
        collect_files([tmp_path / "empty"])
    with pytest.raises(ValueError, match=r"only\.zip: the zip archive holds no files"):
        collect_files([("only.zip", _zip_bytes({"__MACOSX/._a": b"x"}))])


def test_too_many_members_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "ZIP_MAX_MEMBERS", 2)
    data = _zip_bytes({f"{i}.csv": CSV for i in range(3)})
    with pytest.raises(ValueError, match=r"3 files is more than an export holds"):
        collect_files([("many.zip", data)])


# --- text ------------------------------------------------------------------------------------


def test_utf8_with_and_without_bom_and_utf16_decode_the_same() -> None:
    text = "date;Stimmung (Ø)\n04.03.2024;3,5\n"
    for data in (
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("utf-16"),
    ):
        assert decode_text("x.csv", data) == (text, [])


def test_latin1_is_read_with_a_warning() -> None:
    text, warnings = decode_text("x.csv", "date,café\n".encode("cp1252"))
    assert text == "date,café\n"
    assert len(warnings) == 1
    assert "x.csv: not UTF-8" in warnings[0]
    assert "Windows-1252" in warnings[0]


def test_bytes_that_are_no_text_encoding_are_refused() -> None:
    # 0x81 is undefined in Windows-1252 and invalid as a lone byte in UTF-8.
    with pytest.raises(ValueError, match=r"x\.csv: byte 0x81 at position 5 is neither UTF-8"):
        decode_text("x.csv", b"date,\x81\n")


def test_binary_is_recognised() -> None:
    assert looks_binary(b"PK\x03\x04\x00\x00")
    assert looks_binary(bytes(range(1, 32)) * 10)
    assert not looks_binary(CSV)
    assert not looks_binary("α,β\n".encode("utf-16"))
    with pytest.raises(ValueError, match=r"x\.bin: holds binary data"):
        decode_text("x.bin", b"\x00\x01\x02abc")


def test_read_text_refuses_empty_huge_and_single_line_files() -> None:
    with pytest.raises(ValueError, match=r"e\.csv: the file is empty"):
        read_text(_file(b" \n\n", "e.csv"))
    with pytest.raises(ValueError, match=r"big\.csv: 2 MB is larger than the 1 MB"):
        read_text(_file(b"x" * 2**21, "big.csv"), max_bytes=2**20)
    line = b"date,mood\n" + b"1," * 600_000
    with pytest.raises(ValueError, match=r"long\.csv: line 2 is 1\.1 MB long"):
        read_text(_file(line, "long.csv"))


# --- CSV rows --------------------------------------------------------------------------------


def test_sniff_separator() -> None:
    assert sniff_separator("date,mood") == ","
    assert sniff_separator("Datum;Gewicht (kg)") == ";"
    assert sniff_separator("date\tmood") == "\t"
    assert sniff_separator("date;note, with comma;x") == ";"


def test_rows_are_numbered_as_a_person_counts_them() -> None:
    text = 'date,note\n2024-03-04,"two\nlines"\n\n,\n  \n2024-03-05,plain\n'
    rows = read_csv_rows("n.csv", text)
    assert rows.header == ["date", "note"]
    assert rows.cells.index.tolist() == [2, 6]
    assert rows.cells.loc[2].tolist() == ["2024-03-04", "two\nlines"]
    assert rows.cells.loc[6].tolist() == ["2024-03-05", "plain"]


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n1,"x, y"\n2,"say ""hi"""\n',
        "a;b\r\n1;2\r\n3;4\r\n",
        "a\tb\n1\t2\n",
        "a,b\r1,2\r3,4",
        'a,b\n1,"\n"\n\n2,3',
    ],
)
def test_the_fast_and_the_exact_splitter_agree(text: str) -> None:
    sep = sniff_separator(text.splitlines()[0])
    fast = files._split_regular(text.replace("\r", "\n") if "\n" not in text else text, sep)
    exact = files._split_exact("x.csv", text.replace("\r", "\n") if "\n" not in text else text, sep)
    assert fast is not None
    assert fast[0] == exact[0]
    pd.testing.assert_frame_equal(fast[1], exact[1], check_index_type=False)


def test_a_file_cut_off_mid_row_is_refused() -> None:
    with pytest.raises(ValueError, match=r"cut\.csv: row 3 \(the last\) has 1 of the 3 values"):
        read_csv_rows("cut.csv", "a,b,c\n1,2,3\n4")
    with pytest.raises(ValueError, match=r"cut\.csv: line 2: unexpected end of data"):
        read_csv_rows("cut.csv", 'a,b\n1,"an unfinished note')


def test_rows_with_too_many_or_too_few_values_are_named() -> None:
    with pytest.raises(ValueError, match=r"x\.csv: row 3 has 3 values but the header has 2"):
        read_csv_rows("x.csv", "a,b\n1,2\n3,4,5\n6,7\n")
    with pytest.raises(ValueError, match=r"x\.csv: row 2 has 1 value but the header has 2"):
        read_csv_rows("x.csv", "a,b\n1\n6,7\n")


def test_header_only_says_no_data_rows() -> None:
    with pytest.raises(ValueError, match=r"h\.csv: no data rows, only the header"):
        read_csv_rows("h.csv", "a,b\n\n,\n")
    rows = read_csv_rows("h.csv", "a,b\n", allow_empty=True)
    assert rows.header == ["a", "b"]
    assert rows.cells.empty


def test_too_many_columns_are_refused() -> None:
    header = ",".join(f"c{i}" for i in range(files.MAX_COLUMNS + 1))
    with pytest.raises(ValueError, match=r"w\.csv: the header row has 2,001 columns"):
        read_csv_rows("w.csv", header + "\n")


def test_a_zip_is_opened_once_for_all_its_members(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []
    real_zipfile = zipfile.ZipFile

    def counting_zipfile(*args: object, **kwargs: object) -> zipfile.ZipFile:
        opened.append(1)
        return real_zipfile(*args, **kwargs)  # type: ignore[arg-type]

    data = _zip_bytes({f"route_{i}.gpx": b"<gpx/>" for i in range(50)})
    monkeypatch.setattr(files.zipfile, "ZipFile", counting_zipfile)
    members = collect_files([("export.zip", data)])
    heads = [member.head() for member in members]
    assert heads == [b"<gpx/>"] * 50
    assert len(opened) == 2  # once to list the members, once to read them


def test_read_csv_file_sniffs_the_separator_of_the_header_row_and_keeps_decoding_notes() -> None:
    data = "\r\n\r\nDatum;Gewicht (kg);Notiz\r\n04.03.2024;81,5;müde, aber gut\r\n".encode("cp1252")
    rows, warnings = read_csv_file(_file(data, "waage.csv"))
    assert rows.sep == ";"
    assert rows.header == ["Datum", "Gewicht (kg)", "Notiz"]
    assert rows.cells.loc[4].tolist() == ["04.03.2024", "81,5", "müde, aber gut"]
    assert len(warnings) == 1
    assert warnings[0].startswith("waage.csv: not UTF-8")


def test_read_csv_file_refuses_what_read_text_and_read_csv_rows_refuse() -> None:
    with pytest.raises(ValueError, match=r"^e\.csv: the file is empty$"):
        read_csv_file(_file(b"\n \n", "e.csv"))
    with pytest.raises(ValueError, match=r"h\.csv: no data rows, only the header"):
        read_csv_file(_file(b"a,b\n", "h.csv"))
    rows, _ = read_csv_file(_file(b"a\tb\n", "h.csv"), allow_empty=True)
    assert (rows.header, rows.sep, rows.cells.empty) == (["a", "b"], "\t", True)
    with pytest.raises(ValueError, match=r"x\.csv: row 3 has 3 values but the header has 2"):
        read_csv_file(_file(b"a;b\n1;2\n3;4;5\n", "x.csv"))


# --- the first rows, for recognising a format ------------------------------------------------


def test_head_rows_are_the_first_non_blank_rows_split_by_their_separator() -> None:
    data = b"\n\ndate;mood;note\n2024-03-04;3;ok\n\n2024-03-05;4;fine\n2024-03-06;2;meh\n"
    assert head_rows(_file(data), data) == [["date", "mood", "note"]]
    assert head_rows(_file(data), data, max_rows=3) == [
        ["date", "mood", "note"],
        ["2024-03-04", "3", "ok"],
        ["2024-03-05", "4", "fine"],
    ]
    utf16 = "Datum\tStimmung\n04.03.2024\t3\n".encode("utf-16")
    rows = head_rows(_file(utf16), utf16, max_rows=2)
    assert rows == [["Datum", "Stimmung"], ["04.03.2024", "3"]]


def test_head_rows_are_empty_for_what_holds_no_complete_text_line() -> None:
    assert head_rows(_file(b""), b"") == []
    assert head_rows(_file(b" \n\n"), b" \n\n") == []
    assert head_rows(_file(b"\x00\x01\x02abc"), b"\x00\x01\x02abc") == []
    whole = b"a,b,c" * 100
    # Only the first bytes are at hand and they end inside the first line.
    assert head_rows(_file(whole + b"\n"), whole[:100]) == []
    # A cell longer than the csv module's field limit is no table header.
    wide = b'"' + b"x" * 200_000 + b'"\n'
    assert head_rows(_file(wide), wide) == []


# --- header keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (" Temperature Deviation (°C) ", "temperature_deviation_c"),
        ("\ufeffdate", "date"),
        ("Total Bedtime ", "total_bedtime"),
        ("recovery_score_%", "recovery_score"),
        ("Pontuação de recuperação %", "pontuacao_de_recuperacao"),
        ("Deep (SWS) duration (min)", "deep_sws_duration_min"),
        ("🍷", ""),
    ],
)
def test_header_keys_ignore_case_spacing_punctuation_accents_and_bom(header: str, key: str) -> None:
    assert header_key(header) == key


def test_header_keys_can_leave_out_unit_words_and_join_words_without_a_separator() -> None:
    units = {"bpm", "min"}
    keys = {header_key(h, ignore=units, joiner="") for h in ("Max HR (bpm)", "max_hr", "MaxHR")}
    assert keys == {"maxhr"}
    assert header_key("Sleep need (min)", ignore=units) == "sleep_need"


@pytest.mark.parametrize(
    "header",
    ["Have any alcoholic drinks? ", "Stimmung (Ø 1–5)", "Café au lait", "HR Zone 5 %", "a__b--c"],
)
def test_a_header_key_is_the_column_name_a_header_becomes(header: str) -> None:
    # Both fold a header the same way; a name only adds a prefix when it starts with a digit.
    assert header_key(header) == slugify(header)


# --- memory ----------------------------------------------------------------------------------

#: A WHOOP journal grown to this size (a real five-year journal is about 5 MB).
MEMORY_CHECK_BYTES = 16 * 2**20
#: Reading may take this many times the file's size in memory, on top of what it took before
#: (it takes about 9: a copy of the text and Arrow strings; it took over 40 before the CSV layer
#: scanned in blocks and let Arrow build the strings).
MEMORY_PER_BYTE = 12
_MEASURE = """
import resource, sys
from pga_core.data.readers import read_sources
sample = open(sys.argv[1], "rb").read()
header, body = sample.split(b"\\n", 1)
data = header + b"\\n" + body * (int(sys.argv[2]) // len(body) + 1)
read_sources([("journal_entries.csv", sample)])  # what the first read costs any file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
read_sources([("journal_entries.csv", data)])
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(len(data), grown * 1024)
"""


def test_reading_a_large_csv_takes_a_few_times_its_size_in_memory() -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[4]
    journal = repo / "data" / "sample" / "whoop" / "journal_entries.csv"
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(journal), str(MEMORY_CHECK_BYTES)],
        capture_output=True, text=True, check=True, cwd=repo,
    )  # fmt: skip
    size, grown = map(int, result.stdout.split())
    assert grown < MEMORY_PER_BYTE * size, (size, grown)
