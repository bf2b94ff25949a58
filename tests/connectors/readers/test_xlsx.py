"""The XLSX reader: workbooks written with openpyxl (plain and laid out like the HTCDS Excel
toolkit, with title rows above the header), cell values as text, broken rows, and hostile or
mistaken files (zip bombs, lying sizes, corrupt archives, CSV named .xlsx). Synthetic data only."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable, Generator, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from connectors.readers._zipcheck import DEFAULT_MAX_RATIO
from connectors.readers.base import ReadOptions, Row
from connectors.readers.xlsx_reader import XlsxReader, cell_text

Read = Callable[..., Any]
Reject = Callable[..., str]
NoLeak = Callable[..., None]

MIB = 1024 * 1024
HTCDS_HEADER = [
    "cas_CaseID",
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Nationality",
    "cas_DateOfRegistration",
    "cas_Narrative",
]
PEOPLE: list[list[object]] = [
    [
        "OPV-2024-0001",
        "Zoë",
        "Verbeke-Synthetisch",
        date(1995, 7, 30),
        "Feminine",
        "ROU",
        datetime(2024, 1, 15),
        "…",
    ],
    [
        "OPV-2024-0002",
        "Jérôme",
        "Lambertz",
        datetime(1988, 2, 29),
        "Masculine",
        "NGA",
        datetime(2024, 2, 1, 9, 30),
        None,
    ],
    ["OPV-2024-0003", None, None, None, "NonSpecifiedUnknown", "BEL", datetime(2024, 3, 3), "opvang"],
]


def workbook(path: Path, rows: Sequence[Sequence[object]], title: str = "Dossiers") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def htcds_workbook(path: Path) -> Path:
    """Laid out like the HTCDS Excel toolkit: a title, a subtitle and section labels above the
    header (row 4), merged title cells, and a notes sheet after the data sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cases"
    sheet.append(["Human Trafficking Case Data Standard (HTCDS) 2.0 - toolkit export (synthetic)"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Gespecialiseerd opvangcentrum - export 2024-03-31"])
    sheet.append(["Case", "Person", None, None, None, None, "Case", None])
    sheet.append(HTCDS_HEADER)
    for row in PEOPLE:
        sheet.append(row)
    sheet.append([])  # formatted-but-empty rows at the end, as templates have
    sheet.cell(row=sheet.max_row + 1, column=2).number_format = "dd/mm/yyyy"
    notes = book.create_sheet("Notes")
    notes.append(["Field", "Meaning"])
    book.save(path)
    return path


# -- values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        ("Gent", "Gent"),
        (" spaties ", " spaties "),
        (42, "42"),
        (42.0, "42"),
        (32470123456.0, "32470123456"),
        (-3.0, "-3"),
        (12.5, "12.5"),
        (0.1, "0.1"),
        (1e20, "1e+20"),
        (True, "true"),
        (False, "false"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 2, 29, 13, 5, 7), "2024-02-29T13:05:07"),
        (clock(8, 30), "08:30:00"),
        (timedelta(hours=36), "1 day, 12:00:00"),
        ("#N/A", "#N/A"),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_reads_a_workbook_with_values_as_text(tmp_path: Path, read: Read) -> None:
    path = workbook(tmp_path / "sociale-inspectie.xlsx", [HTCDS_HEADER, *PEOPLE])
    result = read(XlsxReader(), path)
    assert result.errors == []
    assert result.numbers == [2, 3, 4]
    first = result.rows[0].fields
    assert first["prs_Birthdate"] == "1995-07-30"
    assert first["cas_DateOfRegistration"] == "2024-01-15"
    assert result.rows[1].fields["cas_DateOfRegistration"] == "2024-02-01T09:30:00"
    assert result.rows[2].fields["prs_FirstName"] is None
    assert all(list(row.fields) == HTCDS_HEADER for row in result.rows)


def test_htcds_layout_with_title_rows_above_the_header(tmp_path: Path, read: Read) -> None:
    path = htcds_workbook(tmp_path / "opvangcentrum.xlsx")
    result = read(XlsxReader(), path, header_row=4)
    assert result.errors == []
    assert result.numbers == [5, 6, 7]  # the sheet's own row numbers
    assert [row.fields["cas_CaseID"] for row in result.rows] == [
        "OPV-2024-0001",
        "OPV-2024-0002",
        "OPV-2024-0003",
    ]
    assert result.rows[1].fields["prs_Birthdate"] == "1988-02-29"


def test_named_sheet(tmp_path: Path, read: Read) -> None:
    path = htcds_workbook(tmp_path / "opvangcentrum.xlsx")
    result = read(XlsxReader(), path, sheet="Notes")
    assert (result.rows, result.errors, result.rejected) == ([], [], None)


def test_unknown_sheet_is_refused_without_listing_sheet_names(tmp_path: Path, reject: Reject) -> None:
    path = htcds_workbook(tmp_path / "opvangcentrum.xlsx")
    message = reject(XlsxReader(), path, sheet="Slachtoffers")
    assert "no sheet named 'Slachtoffers'" in message
    assert "2 sheets" in message
    assert "Notes" not in message


def test_empty_rows_are_skipped_and_stray_values_are_row_errors(
    tmp_path: Path, read: Read, no_leak: NoLeak
) -> None:
    rows: list[list[object]] = [
        ["ID", "Naam", None, "Gemeente"],
        ["1", "A", None, "Gent"],
        [None, None, None, None],
        ["2", "B", "Zoë", "Mons"],  # a value under an empty header cell
        ["3", "C", None, "Namur", None, "+32 470 12 34 56"],  # beyond the header
        ["4", None, None, None],
    ]
    result = read(XlsxReader(), workbook(tmp_path / "x.xlsx", rows))
    assert [(row.number, row.fields) for row in result.rows] == [
        (2, {"ID": "1", "Naam": "A", "Gemeente": "Gent"}),
        (6, {"ID": "4", "Naam": None, "Gemeente": None}),
    ]
    assert result.errors_at() == [
        (4, None, "a value in column C, which has no name in the header"),
        (5, None, "a value in column F, which has no name in the header"),
    ]
    no_leak(result.messages())


def test_header_names_are_stripped(tmp_path: Path, read: Read) -> None:
    path = workbook(tmp_path / "x.xlsx", [[" ID", "Naam ", 2024, "  "], ["1", "A", "x", None]])
    assert read(XlsxReader(), path).rows[0].fields == {"ID": "1", "Naam": "A", "2024": "x"}


def test_repeated_header_name_is_refused_without_quoting_it(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [["ID", "Naam", "Naam"], ["1", "A", "B"]])
    message = reject(XlsxReader(), path)
    assert "columns B and C" in message
    assert "Naam" not in message


def _rewrite(path: Path, changes: dict[str, bytes | None], compression: int = zipfile.ZIP_DEFLATED) -> None:
    """Copy the archive with some members replaced (or, with None, left out)."""
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w", compression) as target:
        for info in source.infolist():
            if info.filename in changes:
                replacement = changes[info.filename]
                if replacement is not None:
                    target.writestr(info.filename, replacement)
            else:
                target.writestr(info.filename, source.read(info.filename))


def test_wrong_stored_dimensions_do_not_hide_rows(tmp_path: Path, read: Read) -> None:
    path = workbook(tmp_path / "x.xlsx", [["ID", "Naam"], *[[str(i), "N"] for i in range(1, 6)]])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    _rewrite(
        path,
        {"xl/worksheets/sheet1.xml": re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A2"', sheet)},
    )
    result = read(XlsxReader(), path)
    assert [row.fields for row in result.rows] == [{"ID": str(i), "Naam": "N"} for i in range(1, 6)]


# -- empty and header-only -------------------------------------------------------------------------


def test_header_only_gives_no_rows(tmp_path: Path, read: Read) -> None:
    result = read(XlsxReader(), workbook(tmp_path / "x.xlsx", [HTCDS_HEADER]))
    assert (result.rows, result.errors, result.rejected) == ([], [], None)


def test_empty_sheet_is_refused(tmp_path: Path, reject: Reject) -> None:
    assert "no header" in reject(XlsxReader(), workbook(tmp_path / "x.xlsx", []))


def test_header_row_beyond_the_data_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [HTCDS_HEADER, *PEOPLE])
    assert "row 40 of the first sheet is empty" in reject(XlsxReader(), path, header_row=40)


def test_empty_file_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"")
    assert "empty" in reject(XlsxReader(), path)


# -- wrong format and corrupt archives ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            "Naam;Voornaam\r\nVerbeke-Synthetisch;Zoë\r\n".encode("cp1252"), "text (a CSV file?)", id="csv"
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old Excel .xls", id="xls-or-encrypted"
        ),
        pytest.param(b"PK\x03\x04" + b"\0" * 64, "corrupt zip", id="truncated-zip"),
        pytest.param(b'<?xml version="1.0"?><r/>', "it looks like XML", id="xml"),
    ],
)
def test_not_a_workbook_is_refused_clearly(
    tmp_path: Path, reject: Reject, content: bytes, expected: str
) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    message = reject(XlsxReader(), path)
    assert message.startswith("export.xlsx: ")
    assert expected in message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Verbeke-Synthetisch.txt", "Zoë")
    message = reject(XlsxReader(), path)
    assert "not an XLSX workbook" in message
    assert "Verbeke" not in message


def test_a_workbook_without_its_parts_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [HTCDS_HEADER, *PEOPLE])
    _rewrite(path, {"xl/workbook.xml": None})
    assert "cannot be opened as an XLSX workbook" in reject(XlsxReader(), path)


def test_a_sheet_broken_part_way_yields_the_rows_before_then_refuses(tmp_path: Path, read: Read) -> None:
    path = workbook(
        tmp_path / "x.xlsx", [["ID", "Naam"], *[[str(i), "Verbeke-Synthetisch"] for i in range(1, 2000)]]
    )
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    _rewrite(path, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})
    result = read(XlsxReader(), path)
    assert len(result.rows) > 100
    assert result.rejected is not None
    assert re.search(r"the first sheet cannot be read at row \d+ \(ParseError\)", str(result.rejected))
    assert "Verbeke" not in str(result.rejected)


def test_an_entity_bomb_inside_a_sheet_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [["ID"], ["1"]])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    _rewrite(path, {"xl/worksheets/sheet1.xml": bomb})
    assert "XML entities or a document type in a part of the workbook are refused" in reject(
        XlsxReader(), path
    )


# -- zip bombs: refused before openpyxl inflates anything -------------------------------------------


def _bomb(path: Path, member_bytes: int) -> Path:
    """A real workbook whose sheet part is replaced by ``member_bytes`` of zeros, deflated."""
    workbook(path, [["ID"], ["1"]])
    original = path.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = bytes(MIB)
            for _ in range(member_bytes // MIB):
                member.write(zeros)
    return path


def test_zip_bomb_xlsx_is_refused_by_its_compression_ratio(tmp_path: Path, reject: Reject) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 150 * MIB)
    assert path.stat().st_size < MIB  # 150 MiB of zeros deflate to a few hundred KiB
    started = time.perf_counter()
    message = reject(XlsxReader(), path)
    assert time.perf_counter() - started < 1  # nothing was inflated
    assert "zip bomb" in message
    assert f"over the limit of {DEFAULT_MAX_RATIO}:1" in message
    assert "150.0 MiB" in message


def test_zip_bomb_total_size_limit_is_configurable(tmp_path: Path, reject: Reject, read: Read) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 3 * MIB)
    extra = {"max_compression_ratio": "100000", "max_uncompressed_bytes": str(2 * MIB)}
    message = reject(XlsxReader(), path, extra=extra)
    assert "would inflate to more than 2,097,152 bytes" in message
    normal = workbook(tmp_path / "ok.xlsx", [HTCDS_HEADER, *PEOPLE])
    assert len(read(XlsxReader(), normal, extra={"max_uncompressed_bytes": str(MIB)}).rows) == 3


def test_too_many_members_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [HTCDS_HEADER, *PEOPLE])
    assert "over the limit of 5" in reject(XlsxReader(), path, extra={"max_zip_members": "5"})


def test_lying_member_sizes_do_not_get_past_the_check(tmp_path: Path, reject: Reject) -> None:
    """A member that declares a small size but inflates to much more: zipfile stops at the declared
    size and the CRC fails, so the workbook is refused as corrupt with nothing big inflated."""
    path = workbook(tmp_path / "x.xlsx", [["ID", "Naam"], *[[str(i), "N" * 50] for i in range(3000)]])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 100_000
    # (header signature, offset of the uncompressed size, of the name length, of the name)
    for signature, size_at, length_at, name_at in ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            length = int.from_bytes(data[at + length_at : at + length_at + 2], "little")
            if data[at + name_at : at + name_at + length] == b"xl/worksheets/sheet1.xml":
                data[at + size_at : at + size_at + 4] = (1000).to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    assert "cannot be" in reject(XlsxReader(), path)


def test_encrypted_members_are_refused(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [HTCDS_HEADER, *PEOPLE])
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        data[at + 8] |= 0x1  # general purpose flag: encrypted
        at += 4
    path.write_bytes(bytes(data))
    assert "encrypted" in reject(XlsxReader(), path)


def test_file_over_max_bytes_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = workbook(tmp_path / "x.xlsx", [HTCDS_HEADER, *PEOPLE])
    assert "over the limit of 1,000 bytes" in reject(XlsxReader(), path, max_bytes=1000)


def test_rows_stream_and_the_workbook_closes(tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", [HTCDS_HEADER, *PEOPLE])
    rows = XlsxReader().rows(path, ReadOptions())
    first = next(rows)
    assert isinstance(first, Row)
    assert "Zoë" not in repr(first)
    assert isinstance(rows, Generator)
    rows.close()
