"""The CSV reader on files as partners send them (Belgian Excel cp1252 ';', UTF-8 with BOM, latin-1,
tab), on broken rows and on hostile or mistaken files. Synthetic data only."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.readers import _files
from connectors.readers.base import ReadOptions, Row
from connectors.readers.csv_reader import SAMPLE_BYTES, CsvReader

Read = Callable[..., Any]
Reject = Callable[..., str]
NoLeak = Callable[..., None]

HEADER = ["DossierID", "Naam", "Voornaam", "Rijksregisternummer", "Gemeente"]
PEOPLE = [
    ["PV/2023/001", "Verbeke-Synthetisch", "Zoë", "85.07.30-033.61", "Liège"],
    ["PV/2023/002", "Lambertz", "Jérôme", "90.01.01-001.02", "Sint-Genesius-Rode"],
    ["PV/2023/003", "Dubois", "Anaïs", "", "Écaussinnes"],
]


def write(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ";", bom: bool = False) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def expected(rows: list[list[str]]) -> list[dict[str, str | None]]:
    return [{k: (v or None) for k, v in zip(HEADER, row, strict=True)} for row in rows]


# -- encodings and delimiters as partners send them ------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        pytest.param("cp1252", ";", False, id="belgian-excel-cp1252-semicolon"),
        pytest.param("utf-8", ";", True, id="excel-csv-utf8-bom"),
        pytest.param("utf-8", ",", False, id="utf8-comma"),
        pytest.param("latin-1", ";", False, id="latin1-semicolon"),
        pytest.param("utf-8", "\t", False, id="utf8-tab"),
        pytest.param("cp1252", "\t", False, id="cp1252-tab"),
    ],
)
def test_reads_partner_encodings_and_delimiters(
    tmp_path: Path, read: Read, encoding: str, delimiter: str, bom: bool
) -> None:
    path = write(tmp_path / "export.csv", [HEADER, *PEOPLE], encoding, delimiter, bom)
    result = read(CsvReader(), path)
    assert result.rejected is None
    assert result.errors == []
    assert [row.fields for row in result.rows] == expected(PEOPLE)
    assert result.numbers == [2, 3, 4]  # record numbers, the header being record 1


def test_cp1252_euro_and_quotes_are_decoded(tmp_path: Path, read: Read) -> None:
    rows = [["ID", "Opmerking"], ["1", "loon 5 € per uur, ‘cash’ – geen contract"]]
    result = read(CsvReader(), write(tmp_path / "x.csv", rows, "cp1252"))
    assert result.rows[0].fields["Opmerking"] == rows[1][1]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam\r\n1;Caf\xe9\x8d\r\n")  # 0x8D is undefined in cp1252
    result = read(CsvReader(), path)
    assert result.errors == []
    assert result.rows[0].fields["Naam"] == "Café\x8d"


def test_configured_encoding_is_used(tmp_path: Path, read: Read) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *PEOPLE], "cp1252")
    result = read(CsvReader(), path, encoding="cp1252", delimiter=";")
    assert [row.fields for row in result.rows] == expected(PEOPLE)


@pytest.mark.parametrize("encoding", ["no-such-codec", "utf-16", "utf-32", "cp037"])
def test_unusable_configured_encoding_is_refused(tmp_path: Path, reject: Reject, encoding: str) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *PEOPLE], "utf-8")
    assert "encoding" in reject(CsvReader(), path, encoding=encoding)


def test_header_names_lose_bom_and_spaces(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeff Naam ; Voornaam\t;\ufeffGemeente\r\nA;B;C\r\n".encode())
    result = read(CsvReader(), path)
    assert list(result.rows[0].fields) == ["Naam", "Voornaam", "Gemeente"]


def test_delimiter_detection_is_not_fooled_by_decimal_commas(tmp_path: Path, read: Read) -> None:
    rows = [["ID", "Loon", "Uren"], *[[str(i), f"{i},50", f"{i + 7},25"] for i in range(1, 30)]]
    result = read(CsvReader(), write(tmp_path / "x.csv", rows, "cp1252", ";"))
    assert result.errors == []
    assert result.rows[0].fields == {"ID": "1", "Loon": "1,50", "Uren": "8,25"}


def test_comma_file_with_semicolons_inside_quotes(tmp_path: Path, read: Read) -> None:
    rows = [["ID", "Vaststelling"], *[[str(i), f"werkte; sliep; at ter plaatse ({i})"] for i in range(5)]]
    result = read(CsvReader(), write(tmp_path / "x.csv", rows, "utf-8", ","))
    assert result.errors == []
    assert result.rows[0].fields["Vaststelling"] == "werkte; sliep; at ter plaatse (0)"


def test_single_column_and_configured_delimiter(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_text("ID\n1\n2\n")
    assert [row.fields for row in read(CsvReader(), path).rows] == [{"ID": "1"}, {"ID": "2"}]
    path.write_text("a|b\n1|2\n")
    assert read(CsvReader(), path, delimiter="|").rows[0].fields == {"a": "1", "b": "2"}


def test_old_mac_line_ends(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam\r1;A\r2;B\r")
    result = read(CsvReader(), path)
    assert [row.fields for row in result.rows] == [{"ID": "1", "Naam": "A"}, {"ID": "2", "Naam": "B"}]


# -- rows ------------------------------------------------------------------------------------------


def test_quoted_fields_with_newlines_count_as_one_record(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        b'ID;Vaststelling;Gemeente\r\n1;"eerste regel\r\ntweede; regel\r\n""citaat""";Gent\r\n'
        b"2;kort\r\n3;ok;Namur\r\n"
    )
    result = read(CsvReader(), path)
    assert result.rows[0].fields["Vaststelling"] == 'eerste regel\r\ntweede; regel\r\n"citaat"'
    assert result.numbers == [2, 4]
    # record 3 starts on physical line 5: the message names both
    assert result.errors_at() == [(3, None, "2 fields, the header has 3 (line 5)")]


def test_missing_and_extra_columns_are_row_errors_and_the_rest_goes_on(
    tmp_path: Path, read: Read, no_leak: NoLeak
) -> None:
    rows = [
        HEADER,
        PEOPLE[0],
        PEOPLE[1][:3],  # missing two columns
        [*PEOPLE[1], "Kerkstraat 12", "+32 470 12 34 56"],  # two extra
        PEOPLE[2],
    ]
    result = read(CsvReader(), write(tmp_path / "x.csv", rows, "cp1252"))
    assert result.numbers == [2, 5]
    assert result.errors_at() == [
        (3, None, "3 fields, the header has 5"),
        (4, None, "7 fields, the header has 5"),
    ]
    assert all(e.file == "x.csv" for e in result.errors)
    no_leak(result.messages())


def test_empty_values_are_none_and_blank_records_are_skipped(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam;Gemeente\r\n1;;Gent\r\n\r\n;;\r\n  ; ;\r\n2;B;Mons")  # no final newline
    result = read(CsvReader(), path)
    assert [row.fields for row in result.rows] == [
        {"ID": "1", "Naam": None, "Gemeente": "Gent"},
        {"ID": "2", "Naam": "B", "Gemeente": "Mons"},
    ]
    assert result.numbers == [2, 6]
    assert result.errors == []


def test_values_are_not_stripped(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam\r\n1; A \r\n")
    assert read(CsvReader(), path).rows[0].fields["Naam"] == " A "


def test_header_row_below_title_lines(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        b"Export arbeidsinspectie;;\r\nGegenereerd 2024-01-31;;\r\nID;Naam;Gemeente\r\n1;A;Gent\r\n"
    )
    result = read(CsvReader(), path, header_row=3)
    assert [(row.number, row.fields) for row in result.rows] == [
        (4, {"ID": "1", "Naam": "A", "Gemeente": "Gent"})
    ]


def test_unnamed_column_must_stay_empty(tmp_path: Path, read: Read, no_leak: NoLeak) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("ID;;Naam;\r\n1;;A;\r\n2;Zoë;B;\r\n3;;C;Lambertz\r\n".encode("cp1252"))
    result = read(CsvReader(), path)
    assert [row.fields for row in result.rows] == [{"ID": "1", "Naam": "A"}]
    assert result.errors_at() == [
        (3, None, "a value in column 2, which has no name in the header"),
        (4, None, "a value in column 4, which has no name in the header"),
    ]
    no_leak(result.messages())


def test_repeated_header_name_refuses_the_file_without_quoting_it(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam;Gemeente;Naam\r\n1;A;B;C\r\n")
    message = reject(CsvReader(), path)
    assert "columns 2 and 4" in message
    assert "Naam" not in message


# -- encoding errors further in the file ------------------------------------------------------------


def _filler(count: int) -> list[list[str]]:
    return [[f"PV/2023/{i:06d}", "Peeters", "Bart", "", "Gent"] for i in range(count)]


@pytest.mark.parametrize(
    ("encoding", "bad_bytes", "label"),
    [
        pytest.param("utf-8", "Verbeke-Synthetisch Zoë".encode("cp1252"), "utf-8", id="cp1252-in-utf8"),
        pytest.param("cp1252", b"Verbeke-Synthetisch \x81\x8d", "cp1252", id="undefined-in-cp1252"),
    ],
)
def test_a_row_invalid_in_the_detected_encoding_costs_only_that_row(
    tmp_path: Path, read: Read, no_leak: NoLeak, encoding: str, bad_bytes: bytes, label: str
) -> None:
    filler = _filler(SAMPLE_BYTES // 30)  # beyond the detection sample
    head = write(tmp_path / "head.csv", [HEADER, *filler], encoding).read_bytes()
    if encoding == "cp1252":
        head = head.replace(b"Peeters", "Peetérs".encode("cp1252"), 1)  # so cp1252 is detected
    bad = b"PV/2023/999999;" + bad_bytes + b";Zo;;Gent\r\n"
    tail = write(tmp_path / "tail.csv", PEOPLE, encoding).read_bytes()
    path = tmp_path / "x.csv"
    path.write_bytes(head + bad + tail)
    assert len(head) > SAMPLE_BYTES
    result = read(CsvReader(), path)
    bad_number = len(filler) + 2
    assert result.errors_at() == [(bad_number, None, f"not valid in the detected encoding {label}")]
    assert len(result.rows) == len(filler) + len(PEOPLE)
    assert [row.fields for row in result.rows[-3:]] == expected(PEOPLE)
    assert result.rows[-3].number == bad_number + 1
    no_leak(result.messages())


def test_invalid_bytes_inside_a_multiline_record_cost_that_record(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'ID;Tekst\n1;"ok"\n2;"eerste\nbad \xff\xfe\nderde"\n3;"na"\n')
    result = read(CsvReader(), path, encoding="utf-8")
    assert result.errors_at() == [(3, None, "not valid in the configured encoding utf-8 (lines 3-5)")]
    assert [row.fields["ID"] for row in result.rows] == ["1", "3"]


def test_invalid_bytes_in_the_header_refuse_the_file(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Na\xe9m\n1;A\n")
    message = reject(CsvReader(), path, encoding="utf-8")
    assert "header" in message
    assert "not valid in the configured encoding utf-8" in message


# -- limits ----------------------------------------------------------------------------------------


def test_file_over_max_bytes_is_refused_up_front_with_size_and_limit(tmp_path: Path, reject: Reject) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *PEOPLE * 10], "utf-8")
    size = path.stat().st_size
    message = reject(CsvReader(), path, max_bytes=size - 1)
    assert f"{size:,} bytes" in message
    assert f"{size - 1:,} bytes" in message


def test_file_at_max_bytes_is_read(tmp_path: Path, read: Read) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *PEOPLE], "utf-8")
    assert len(read(CsvReader(), path, max_bytes=path.stat().st_size).rows) == 3


def test_overlong_line_is_a_row_error(tmp_path: Path, read: Read, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_files, "CHUNK", 16)
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam\n1;A\n2;" + b"Z" * 500 + b"\n3;C\n")
    result = read(CsvReader(), path, extra={"max_line_bytes": "100"})
    assert result.errors_at() == [(3, None, "a line is longer than 100 bytes")]
    assert [row.fields["ID"] for row in result.rows] == ["1", "3"]


def test_overlong_field_is_a_row_error(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'ID;Tekst\n1;a\n2;"' + b"x" * (csv.field_size_limit() + 10) + b'"\n3;c\n')
    result = read(CsvReader(), path)
    assert [(e.row, e.reason.split(" (")[0]) for e in result.errors] == [
        (3, f"a field is longer than {csv.field_size_limit():,} characters")
    ]
    assert [row.fields["ID"] for row in result.rows] == ["1", "3"]


@pytest.mark.parametrize("value", ["many", "-3", "0"])
def test_bad_option_values_refuse_cleanly(tmp_path: Path, reject: Reject, value: str) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *PEOPLE], "utf-8")
    assert "max_line_bytes" in reject(CsvReader(), path, extra={"max_line_bytes": value})


# -- empty, header only, wrong format ----------------------------------------------------------------


def test_empty_file_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    assert "empty" in reject(CsvReader(), path)


@pytest.mark.parametrize("content", [b"\r\n\r\n", b"   \n", b";;;\n1;2;3\n"])
def test_blank_header_is_refused(tmp_path: Path, reject: Reject, content: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert "header" in reject(CsvReader(), path)


def test_header_only_gives_no_rows(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam;Gemeente\r\n")
    result = read(CsvReader(), path)
    assert (result.rows, result.errors, result.rejected) == ([], [], None)


def test_header_row_beyond_the_end_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"ID;Naam\r\n1;A\r\n")
    assert "no header row" in reject(CsvReader(), path, header_row=5)


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected_kind"),
    [
        pytest.param(_xlsx_bytes(), "zip archive", id="xlsx-named-csv"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls", id="old-xls"),
        pytest.param("ID\tNaam\r\n1\tZoë\r\n".encode("utf-16"), "UTF-16", id="excel-unicode-text"),
        pytest.param(b'<?xml version="1.0"?><cases/>', "XML", id="xml"),
        pytest.param(b'[{"Naam": "Zo\xc3\xab"}]', "JSON", id="json"),
        pytest.param(b'{"Naam": "Zo\xc3\xab"}\n', "JSON", id="ndjson"),
        pytest.param(b"%PDF-1.7\n", "PDF", id="pdf"),
    ],
)
def test_wrong_format_is_refused_clearly(
    tmp_path: Path, reject: Reject, content: bytes, expected_kind: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    message = reject(CsvReader(), path)
    assert message.startswith("export.csv: not a CSV text file")
    assert expected_kind in message


def test_rows_are_streamed_one_at_a_time(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *PEOPLE], "utf-8")
    rows = CsvReader().rows(path, ReadOptions())
    first = next(rows)
    assert isinstance(first, Row)
    assert "Zoë" not in repr(first)
    assert isinstance(rows, Generator)
    rows.close()  # abandoning the generator closes the file


# -- a property: whatever Excel's csv writer writes comes back -------------------------------------

_CELL = st.text(
    alphabet=st.characters(codec="cp1252", exclude_characters="\x00"),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=8),
    encoding=st.sampled_from(["cp1252", "utf-8"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_written_tables_read_back(
    tmp_path: Path, body: list[tuple[str, str, str]], encoding: str, delimiter: str, chunk: int
) -> None:
    path = tmp_path / "prop.csv"
    rows = [["A", "B", "C"], *[["k", *row[1:]] if not row[0].strip() else list(row) for row in body]]
    write(path, rows, encoding, delimiter)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_files, "CHUNK", chunk)
        items = list(CsvReader().rows(path, ReadOptions(encoding=encoding, delimiter=delimiter)))
    assert all(isinstance(item, Row) for item in items)
    assert [item.fields for item in items if isinstance(item, Row)] == [
        {k: (v or None) for k, v in zip("ABC", row, strict=True)} for row in rows[1:]
    ]


# -- 200 MB: streamed in bounded memory, or refused by the limit -------------------------------------


@pytest.mark.slow
def test_200_mib_csv_streams_in_flat_memory_or_is_refused_by_the_limit(tmp_path: Path) -> None:
    bench = Path(__file__).with_name("bench_csv_stream.py")
    path = tmp_path / "big.csv"
    generate = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench_csv_stream import write_export; "
        "from pathlib import Path; print(write_export(Path(sys.argv[2]), 200 * 1024 * 1024))"
    )
    made = subprocess.run(
        [sys.executable, "-c", generate, str(bench.parent), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    records = int(made.stdout)
    size = path.stat().st_size
    assert size >= 200 * 1024 * 1024

    def measure(*extra: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, str(bench), "--read", str(path), *extra],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        import json

        result: dict[str, Any] = json.loads(done.stdout)
        print(result)  # the measured figures, for the report (pytest -s)
        return result

    streamed = measure("--max-bytes", str(size + 1))
    assert streamed["rejected"] is None
    assert (streamed["rows"], streamed["errors"]) == (records, 0)
    assert streamed["peak_rss_mib"] - streamed["baseline_rss_mib"] < 32  # flat: a line and a record

    refused = measure()  # the default limit, 100 MiB
    assert refused["rows"] == 0
    assert "over the limit of 104,857,600 bytes" in refused["rejected"]
    assert refused["peak_rss_mib"] - refused["baseline_rss_mib"] < 8
    assert refused["seconds"] < 1
