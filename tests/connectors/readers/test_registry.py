"""The registry of readers, and what every reader does with files it cannot read: each format
given to each other reader, empty files, size limits, and paths that are not regular files."""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from connectors.readers import READERS, known_formats, reader_for
from connectors.readers.base import FileRejected, Reader, ReadOptions
from connectors.readers.csv_reader import CsvReader
from connectors.readers.json_reader import JsonReader, NdjsonReader
from connectors.readers.xlsx_reader import XlsxReader
from connectors.readers.xml_reader import XmlReader

Read = Callable[..., Any]
Reject = Callable[..., str]

# -- the registry ----------------------------------------------------------------------------------


def test_registry_names_every_format() -> None:
    assert {
        "csv": CsvReader,
        "xlsx": XlsxReader,
        "xml": XmlReader,
        "json": JsonReader,
        "ndjson": NdjsonReader,
    } == READERS
    assert all(reader.name == name for name, reader in READERS.items())
    extensions = [ext for reader in READERS.values() for ext in reader.extensions]
    assert len(extensions) == len(set(extensions))
    assert all(ext.startswith(".") and ext == ext.lower() for ext in extensions)


@pytest.mark.parametrize(
    ("filename", "reader"),
    [
        ("arbeidsinspectie.csv", CsvReader),
        ("EXPORT.CSV", CsvReader),
        ("export.tsv", CsvReader),
        ("opvang.xlsx", XlsxReader),
        ("opvang.XLSM", XlsxReader),
        ("politie.xml", XmlReader),
        ("dvz.json", JsonReader),
        ("dvz.ndjson", NdjsonReader),
        ("dvz.jsonl", NdjsonReader),
        ("archief.2024.csv", CsvReader),
    ],
)
def test_reader_by_extension(filename: str, reader: type[Reader]) -> None:
    assert type(reader_for(Path("/drop") / filename)) is reader


@pytest.mark.parametrize(
    ("format", "reader"), [("csv", CsvReader), ("XLSX", XlsxReader), (" ndjson ", NdjsonReader)]
)
def test_explicit_format_wins_over_the_extension(format: str, reader: type[Reader]) -> None:
    assert type(reader_for(Path("export.txt"), format)) is reader


def test_unknown_format_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(FileRejected) as info:
        reader_for(Path("x.csv"), "parquet")
    assert str(info.value) == f"unknown format 'parquet'; the known formats are {known_formats()}"
    assert "csv (.csv, .tsv)" in known_formats()


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("export.xls", "no reader for extension '.xls' (the old Excel format: save it as .xlsx)"),
        ("export.ods", "extension '.ods' (an OpenDocument spreadsheet"),
        (
            "export.pdf",
            "export.pdf: no reader for extension '.pdf'; the known formats are csv (.csv, .tsv), ",
        ),
        ("export", "export: no reader for no extension;"),
        ("notities.txt", "give the format explicitly"),
    ],
)
def test_unknown_extension_is_refused_naming_it_and_the_known_formats(filename: str, expected: str) -> None:
    with pytest.raises(FileRejected) as info:
        reader_for(Path(filename))
    assert expected in str(info.value)
    assert "xlsx (.xlsx, .xlsm)" in str(info.value)


# -- every format to every reader ------------------------------------------------------------------


def _samples(tmp_path: Path) -> dict[str, Path]:
    """One small valid export per format, each with a planted synthetic name."""
    paths = {
        "csv": tmp_path / "sample.csv",
        "xlsx": tmp_path / "sample.xlsx",
        "xml": tmp_path / "sample.xml",
        "json": tmp_path / "sample.json",
        "ndjson": tmp_path / "sample.ndjson",
    }
    paths["csv"].write_bytes("ID;Naam\r\n1;Verbeke-Synthetisch Zoë\r\n".encode("cp1252"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Naam"])
    sheet.append(["1", "Verbeke-Synthetisch Zoë"])
    book.save(paths["xlsx"])
    paths["xml"].write_text(
        '<?xml version="1.0"?><r><p><ID>1</ID><Naam>Verbeke-Synthetisch Zoë</Naam></p></r>'
    )
    paths["json"].write_text(json.dumps([{"ID": "1", "Naam": "Verbeke-Synthetisch Zoë"}]))
    paths["ndjson"].write_text(json.dumps({"ID": "1", "Naam": "Verbeke-Synthetisch Zoë"}) + "\n")
    return paths


def test_every_reader_reads_its_own_sample(tmp_path: Path, read: Read) -> None:
    for name, path in _samples(tmp_path).items():
        result = read(READERS[name](), path)
        assert result.errors == [], name
        assert [row.fields for row in result.rows] == [{"ID": "1", "Naam": "Verbeke-Synthetisch Zoë"}], name


@pytest.mark.parametrize(("reader_name", "file_format"), [(r, f) for r in READERS for f in READERS if r != f])
def test_a_file_of_another_format_is_refused_clearly(
    tmp_path: Path, reject: Reject, reader_name: str, file_format: str
) -> None:
    path = _samples(tmp_path)[file_format]
    message = reject(READERS[reader_name](), path)
    assert message.startswith(f"{path.name}: ")
    assert "Verbeke" not in message
    assert "Zoë" not in message


# -- what every reader refuses ---------------------------------------------------------------------


@pytest.mark.parametrize("reader_name", list(READERS))
def test_empty_file(tmp_path: Path, reject: Reject, reader_name: str) -> None:
    path = tmp_path / f"leeg.{reader_name}"
    path.write_bytes(b"")
    assert reject(READERS[reader_name](), path) == f"leeg.{reader_name}: the file is empty (0 bytes)"


@pytest.mark.parametrize("reader_name", list(READERS))
def test_size_limit(tmp_path: Path, reject: Reject, reader_name: str) -> None:
    path = _samples(tmp_path)[reader_name]
    size = path.stat().st_size
    message = reject(READERS[reader_name](), path, max_bytes=size - 1)
    assert f"the file is {size:,} bytes" in message
    assert f"over the limit of {size - 1:,} bytes" in message


@pytest.mark.parametrize("reader_name", list(READERS))
def test_missing_file_and_directory(tmp_path: Path, reject: Reject, reader_name: str) -> None:
    reader = READERS[reader_name]()
    assert "does not exist" in reject(reader, tmp_path / "weg.csv")
    assert "is a directory" in reject(reader, tmp_path)


@pytest.mark.parametrize("reader_name", list(READERS))
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, reader_name: str) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def attempt() -> None:
        try:
            list(READERS[reader_name]().rows(fifo, ReadOptions()))
        except FileRejected as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # unblock it before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("the reader blocked on a FIFO")
    assert outcome == ["pipe.csv: not a regular file"]


def test_a_device_is_refused(reject: Reject) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert reject(CsvReader(), Path("/dev/zero")) == "zero: not a regular file"


@pytest.mark.parametrize("value", ["lots", "0", "-1"])
def test_bad_numeric_options_are_refused(tmp_path: Path, reject: Reject, value: str) -> None:
    samples = _samples(tmp_path)
    assert "must be" in reject(XlsxReader(), samples["xlsx"], extra={"max_compression_ratio": value})
    assert "must be" in reject(JsonReader(), samples["json"], extra={"max_record_bytes": value})
    assert "must be" in reject(NdjsonReader(), samples["ndjson"], extra={"max_line_bytes": value})


def test_header_row_below_one_is_refused(tmp_path: Path, reject: Reject) -> None:
    samples = _samples(tmp_path)
    assert "header_row" in reject(CsvReader(), samples["csv"], header_row=0)
    assert "header_row" in reject(XlsxReader(), samples["xlsx"], header_row=0)


def test_readers_hold_no_state_between_files(tmp_path: Path, read: Read) -> None:
    reader = CsvReader()
    samples = _samples(tmp_path)
    other = tmp_path / "other.csv"
    other.write_bytes(b"a,b,c\n1,2,3\n")
    assert read(reader, samples["csv"]).rows[0].fields == {"ID": "1", "Naam": "Verbeke-Synthetisch Zoë"}
    assert read(reader, other).rows[0].fields == {"a": "1", "b": "2", "c": "3"}


def test_a_rejection_chains_no_exception_that_could_carry_content(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{"Verbeke-Synthetisch": 1}')
    with pytest.raises(FileRejected) as info:
        list(JsonReader().rows(path, ReadOptions(record_path="cases")))
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ or info.value.__context__ is None
    buffer = io.StringIO()
    print(info.value, file=buffer)
    assert "Verbeke" not in buffer.getvalue()
