"""The JSON and NDJSON readers: a list of objects or an object holding it, streamed record by
record (also across every possible chunk boundary), flattening, broken records and broken files,
NDJSON with a broken line. Synthetic data only."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.readers import _files, _json_scan
from connectors.readers.base import ReadOptions, Row
from connectors.readers.json_reader import JsonReader, NdjsonReader

Read = Callable[..., Any]
Reject = Callable[..., str]
NoLeak = Callable[..., None]

PEOPLE: list[dict[str, Any]] = [
    {
        "dossierId": "DVZ-2024-0001",
        "persoon": {"naam": "Verbeke-Synthetisch", "voornaam": "Zoë", "geboortedatum": "1995-07-30"},
        "nationaliteiten": ["RO", "MD"],
        "aliassen": [],
        "adres": {"straat": "Kerkstraat 12", "postcode": 9000},
        "minderjarig": False,
        "score": 1.50,
        "telefoon": None,
        "opmerking": "",
    },
    {
        "dossierId": "DVZ-2024-0002",
        "persoon": {"naam": "Lambertz", "voornaam": "Jérôme"},
        "contacten": [{"soort": "gsm", "nummer": "+32 470 12 34 56"}, {"soort": "mail"}],
    },
]

FIRST_FIELDS = {
    "dossierId": "DVZ-2024-0001",
    "persoon/naam": "Verbeke-Synthetisch",
    "persoon/voornaam": "Zoë",
    "persoon/geboortedatum": "1995-07-30",
    "nationaliteiten": "RO|MD",
    "aliassen": None,
    "adres/straat": "Kerkstraat 12",
    "adres/postcode": "9000",
    "minderjarig": "false",
    "score": "1.5",
    "telefoon": None,
    "opmerking": None,
}
SECOND_FIELDS = {
    "dossierId": "DVZ-2024-0002",
    "persoon/naam": "Lambertz",
    "persoon/voornaam": "Jérôme",
    "contacten/soort": "gsm|mail",
    "contacten/nummer": "+32 470 12 34 56",
}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# -- JSON --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("indent", [None, 2, "\t"])
def test_list_of_objects_is_flattened(tmp_path: Path, read: Read, indent: int | str | None) -> None:
    path = write(tmp_path / "dvz.json", json.dumps(PEOPLE, indent=indent, ensure_ascii=False))
    result = read(JsonReader(), path)
    assert result.errors == []
    assert result.rejected is None
    assert [row.fields for row in result.rows] == [FIRST_FIELDS, SECOND_FIELDS]
    assert result.numbers == [1, 2]


def test_numbers_keep_their_text(tmp_path: Path, read: Read) -> None:
    path = write(tmp_path / "x.json", '[{"a": 1.50, "b": 12345678901234567890, "c": -0.0, "d": 1e3}]')
    assert read(JsonReader(), path).rows[0].fields == {
        "a": "1.50",
        "b": "12345678901234567890",
        "c": "-0.0",
        "d": "1e3",
    }


@pytest.mark.parametrize(
    ("document", "record_path"),
    [
        ({"export": "2024-03-31", "records": PEOPLE, "aantal": 2}, "records"),
        ({"meta": {"records": "not these", "n": [1, {"x": "]}"}]}, "data": {"cases": PEOPLE}}, "data/cases"),
        ({"data": {"cases": PEOPLE}}, "/data/cases/"),
    ],
)
def test_list_under_record_path(
    tmp_path: Path, read: Read, document: dict[str, Any], record_path: str
) -> None:
    path = write(tmp_path / "x.json", json.dumps(document, indent=1, ensure_ascii=False))
    result = read(JsonReader(), path, record_path=record_path)
    assert result.rejected is None
    assert [row.fields for row in result.rows] == [FIRST_FIELDS, SECOND_FIELDS]


def test_bad_records_are_row_errors_and_the_rest_goes_on(tmp_path: Path, read: Read, no_leak: NoLeak) -> None:
    text = (
        "[\n"
        '  {"id": "1", "naam": "Lambertz"},\n'
        '  ["Verbeke-Synthetisch", "Zoë"],\n'
        '  "Verbeke-Synthetisch",\n'
        "  42,\n"
        "  null,\n"
        '  {"id": "6", "naam": "Zoë",, "x": 1},\n'
        '  {"id": "7", "naam": "Zoë", "naam": "Lambertz"},\n'
        '  {"id": "8", "gemeente": "Gent"}\n'
        "]\n"
    )
    result = read(JsonReader(), write(tmp_path / "x.json", text))
    assert result.rejected is None
    assert [(row.number, row.fields["id"]) for row in result.rows] == [(1, "1"), (8, "8")]
    assert result.errors_at() == [
        (2, None, "a list, not an object (line 3)"),
        (3, None, "a text, not an object (line 4)"),
        (4, None, "a number, not an object (line 5)"),
        (5, None, "null, not an object (line 6)"),
        (6, None, "not valid JSON: Expecting property name enclosed in double quotes (line 7)"),
        (7, "naam", "the key appears twice in one object (line 8)"),
    ]
    no_leak(result.messages())


def test_invalid_utf8_costs_only_its_record(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'[{"id": "1"}, {"id": "2", "naam": "Zo\xeb"}, {"id": "3"}]')
    result = read(JsonReader(), path)
    assert [row.fields["id"] for row in result.rows] == ["1", "3"]
    assert result.errors_at() == [(2, None, "not valid UTF-8 (line 1)")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_bom_and_wide_encodings(tmp_path: Path, read: Read, encoding: str) -> None:
    path = write(tmp_path / "x.json", json.dumps(PEOPLE, ensure_ascii=False), encoding)
    assert [row.fields for row in read(JsonReader(), path).rows] == [FIRST_FIELDS, SECOND_FIELDS]


def test_broken_structure_part_way_yields_the_records_before(
    tmp_path: Path, read: Read, no_leak: NoLeak
) -> None:
    text = '[\n{"id": "1"},\n{"id": "2"}\n{"id": "3", "naam": "Zoë"}\n]'
    result = read(JsonReader(), write(tmp_path / "x.json", text))
    assert [row.fields["id"] for row in result.rows] == ["1", "2"]
    assert str(result.rejected) == (
        "x.json: not valid JSON: expected ',' or ']' after a record at line 4, column 1; "
        "the 2 records before it were read"
    )
    no_leak(result.messages())


def test_file_ending_inside_a_record(tmp_path: Path, read: Read) -> None:
    result = read(JsonReader(), write(tmp_path / "x.json", '[{"id": "1"}, {"id": "2", "naam": "Verbeke'))
    assert [row.fields["id"] for row in result.rows] == ["1"]
    assert "the file ends inside a value at line 1, column 15" in str(result.rejected)
    assert "Verbeke" not in str(result.rejected)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        pytest.param('{"records": []}', {}, "set record_path", id="object-without-record-path"),
        pytest.param(
            "[]", {"record_path": "records"}, "is set, but the file is a JSON list", id="list-with-path"
        ),
        pytest.param(
            '{"Verbeke-Synthetisch": []}', {"record_path": "records"}, "no key 'records'", id="missing"
        ),
        pytest.param('{"records": {"a": 1}}', {"record_path": "records"}, "expected a list", id="not-a-list"),
        pytest.param('{"a": {}}', {"record_path": "a/b/c"}, "no key 'a/b/c'", id="nested-missing"),
        pytest.param(
            '{"a": 1}', {"record_path": "a/b"}, "expected an object under the key 'a'", id="nested-scalar"
        ),
        pytest.param('{"id": 1}\n{"id": 2}\n', {}, "set record_path", id="ndjson-named-json"),
        pytest.param('[{"id": 1}]\n[{"id": 2}]', {}, "is it NDJSON?", id="trailing-data"),
        pytest.param('[{"id": 1},]', {}, "a comma before ']' at line 1, column 12", id="trailing-comma"),
        pytest.param("Naam;Voornaam\r\nVerbeke-Synthetisch;Zoë\r\n", {}, "expected '['", id="csv"),
        pytest.param('<?xml version="1.0"?><r/>', {}, "expected '['", id="xml"),
        pytest.param("   \n", {}, "no JSON value", id="blank"),
        pytest.param("", {}, "empty", id="empty"),
    ],
)
def test_documents_that_are_refused(
    tmp_path: Path, reject: Reject, text: str, options: dict[str, Any], expected: str
) -> None:
    message = reject(JsonReader(), write(tmp_path / "export.json", text), **options)
    assert message.startswith("export.json: ")
    assert expected in message
    assert "Verbeke" not in message


def test_empty_list_gives_no_rows(tmp_path: Path, read: Read) -> None:
    for text in ("[]", " [ \n ] ", '{"records": []}'):
        result = read(
            JsonReader(), write(tmp_path / "x.json", text), record_path="records" if "{" in text else None
        )
        assert (result.rows, result.errors, result.rejected) == ([], [], None)


def test_zip_named_json_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    assert "zip archive" in reject(JsonReader(), path)


def test_record_larger_than_the_limit_refuses_the_file(tmp_path: Path, read: Read) -> None:
    text = json.dumps([{"id": "1"}, {"id": "2", "tekst": "x" * 5000}, {"id": "3"}])
    result = read(JsonReader(), write(tmp_path / "x.json", text), extra={"max_record_bytes": "1000"})
    assert [row.fields["id"] for row in result.rows] == ["1"]
    assert "a value longer than 1,000 characters" in str(result.rejected)


def test_deep_nesting_is_a_row_error(tmp_path: Path, read: Read) -> None:
    deep = '{"a": ' * 100 + "1" + "}" * 100
    very_deep = "[" * 100_000 + "]" * 100_000
    text = f'[{{"id": "1"}}, {deep}, {{"x": {very_deep}}}, {{"id": "4"}}]'
    result = read(JsonReader(), write(tmp_path / "x.json", text))
    assert [row.fields["id"] for row in result.rows] == ["1", "4"]
    assert [(e.row, e.reason) for e in result.errors] == [
        (2, "nested deeper than 64 levels (line 1)"),
        (3, "nested too deeply (line 1)"),
    ]


def test_file_over_max_bytes_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = write(tmp_path / "x.json", json.dumps(PEOPLE))
    assert "over the limit of 10 bytes" in reject(JsonReader(), path, max_bytes=10)


# -- streaming: every chunk boundary, and bounded memory -------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="abc/", max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
_RECORDS = st.lists(
    st.dictionaries(st.text(alphabet='abcdé"\\]}', min_size=1, max_size=4), _VALUES, max_size=4), max_size=5
)


def _reference(record: dict[str, Any]) -> dict[str, str | None]:
    """What the reader should give for a record: the documented flattening, written plainly."""
    values: dict[str, list[str | None]] = {}

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            if not value and key:
                values.setdefault(key, []).append(None)
            for child, item in value.items():
                walk(item, f"{key}/{child}" if key else child)
        elif isinstance(value, list):
            if not value:
                values.setdefault(key, []).append(None)
            for item in value:
                walk(item, key)
        elif value is None or value == "":
            values.setdefault(key, []).append(None)
        elif isinstance(value, bool):
            values.setdefault(key, []).append("true" if value else "false")
        else:
            values.setdefault(key, []).append(str(value))

    walk(record, "")
    return {
        key: (
            items[0]
            if len(items) == 1
            else None
            if all(i is None for i in items)
            else "|".join(i or "" for i in items)
        )
        for key, items in values.items()
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=_RECORDS,
    wrapped=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_any_document_reads_the_same_across_chunk_boundaries(
    tmp_path: Path,
    records: list[dict[str, Any]],
    wrapped: bool,
    indent: int | None,
    ascii_only: bool,
    chunk: int,
) -> None:
    document: Any = {"meta": {"x": [1, "]"]}, "records": records, "z": "}"} if wrapped else records
    path = write(tmp_path / "prop.json", json.dumps(document, indent=indent, ensure_ascii=ascii_only))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_json_scan, "CHUNK", chunk)
        items = list(JsonReader().rows(path, ReadOptions(record_path="records" if wrapped else None)))
    assert all(isinstance(item, Row) for item in items)
    assert [item.fields for item in items if isinstance(item, Row)] == [_reference(r) for r in records]


def test_memory_is_bounded_by_one_record(tmp_path: Path) -> None:
    record = {"id": "x", "tekst": "Synthetische vaststelling zonder echte personen. " * 10, "n": [1, 2, 3]}

    def peak(count: int) -> int:
        path = write(tmp_path / f"{count}.json", json.dumps({"records": [record] * count}, indent=1))
        tracemalloc.start()
        try:
            seen = sum(1 for _ in JsonReader().rows(path, ReadOptions(record_path="records")))
            assert seen == count
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(10_000) < 2 * peak(1_000) + 256 * 1024


# -- NDJSON ------------------------------------------------------------------------------------------


def test_ndjson_with_a_broken_line(tmp_path: Path, read: Read, no_leak: NoLeak) -> None:
    lines = [
        json.dumps(PEOPLE[0], ensure_ascii=False),
        '{"dossierId": "DVZ-2024-0009", "persoon": {"naam": "Verbeke-Synthetisch"',  # cut off
        "",
        json.dumps(PEOPLE[1], ensure_ascii=False),
        '["Zoë"]',
        '{"dossierId": "DVZ-2024-0010", "dossierId": "DVZ-2024-0011"}',
    ]
    result = read(NdjsonReader(), write(tmp_path / "dvz.ndjson", "\n".join(lines) + "\n"))
    assert [(row.number, row.fields) for row in result.rows] == [(1, FIRST_FIELDS), (4, SECOND_FIELDS)]
    assert result.errors_at() == [
        (2, None, "not valid JSON: Expecting ',' delimiter (column 73)"),
        (5, None, "a list, not an object"),
        (6, "dossierId", "the key appears twice in one object"),
    ]
    no_leak(result.messages())


def test_ndjson_invalid_utf8_bom_and_crlf(tmp_path: Path, read: Read) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "1"}\r\n{"id": "Zo\xeb"}\r\n{"id": "3"}')
    result = read(NdjsonReader(), path)
    assert [(row.number, row.fields) for row in result.rows] == [(1, {"id": "1"}), (3, {"id": "3"})]
    assert result.errors_at() == [(2, None, "not valid UTF-8")]


def test_ndjson_overlong_line(tmp_path: Path, read: Read, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_files, "CHUNK", 8)
    text = '{"id": "1"}\n{"id": "' + "x" * 300 + '"}\n{"id": "3"}\n'
    result = read(NdjsonReader(), write(tmp_path / "x.ndjson", text), extra={"max_line_bytes": "100"})
    assert [row.fields["id"] for row in result.rows] == ["1", "3"]
    assert result.errors_at() == [(2, None, "the line is longer than 100 bytes")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(json.dumps(PEOPLE, indent=2).encode(), "a JSON list, not NDJSON", id="json-list"),
        pytest.param("Naam;Voornaam\r\nVerbeke-Synthetisch;Zoë\r\n".encode("cp1252"), "not NDJSON", id="csv"),
        pytest.param(b"PK\x03\x04" + b"\0" * 40, "zip archive", id="xlsx"),
        pytest.param('{"id": "1"}\n'.encode("utf-16"), "UTF-16", id="utf-16"),
    ],
)
def test_ndjson_files_that_are_refused(tmp_path: Path, reject: Reject, content: bytes, expected: str) -> None:
    path = tmp_path / "export.ndjson"
    path.write_bytes(content)
    assert expected in reject(NdjsonReader(), path)


def test_ndjson_blank_file_gives_no_rows(tmp_path: Path, read: Read) -> None:
    result = read(NdjsonReader(), write(tmp_path / "x.ndjson", "\n\n  \n"))
    assert (result.rows, result.errors, result.rejected) == ([], [], None)
