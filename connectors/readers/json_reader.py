"""JSON and NDJSON exports, streamed.

* **JSON** (``.json``): a list of objects, or an object holding the list under
  ``ReadOptions.record_path`` (a key; ``"data/cases"`` for nested objects; a leading or trailing
  ``/`` is ignored). It is *streamed*: a
  small incremental splitter (:mod:`connectors.readers._json_scan`) finds where each record ends
  and :mod:`json` parses one record at a time, so memory is bounded by the largest record
  (``extra["max_record_bytes"]``, default 16 MiB of text) whatever the file size under
  ``ReadOptions.max_bytes``. A record that is not valid JSON inside balanced brackets is a
  :class:`RowError` and the next one is read; a break in the outer structure refuses the file at
  that line after the records before it were yielded. ``Row.number`` is the record's ordinal in the
  list (the first is 1); errors also name the line.
* **NDJSON** (``.ndjson``, ``.jsonl``): one object per line, read line by line; a line that is not
  valid UTF-8 or not valid JSON is a :class:`RowError` with its line number and the others go on.
  Blank lines are skipped. ``Row.number`` is the line number.
* **Records** that are not objects are row errors. **Values**: nested objects are flattened with
  ``/`` keys (``adres/postcode``), lists are joined with ``|`` (``["BE", "NL"] -> "BE|NL"``; a list of
  objects gives one ``|``-joined field per key), numbers keep the text they have in the file
  (``1.50`` stays ``1.50``), booleans are ``true``/``false``, ``null``, ``""``, ``[]`` and ``{}`` are
  ``None``. A key repeated in one object is a row error.
* **Encoding**: UTF-8 (with or without BOM), or UTF-16/32 recognised as :func:`json.detect_encoding`
  does. Bytes not valid UTF-8 in a record make that record a row error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Final

from connectors.readers._fields import MAX_DEPTH, Fields, TooDeep, join_key
from connectors.readers._files import (
    DEFAULT_MAX_LINE_BYTES,
    MIB,
    binary_kind,
    file_kind,
    int_option,
    open_export,
    split_lines,
)
from connectors.readers._json_scan import Scanner, SyntaxProblem, finish_objects, records, walk_to
from connectors.readers.base import FileRejected, Reader, ReadOptions, Row, RowError

DEFAULT_MAX_RECORD: Final = 16 * MIB
_UNDECODABLE: Final = re.compile(r"[\udc80-\udcff]")  # bytes kept by the surrogateescape handler


class _Number(str):
    """A JSON number, kept as the text the file has (no float rounding of ids or amounts)."""


_KINDS: Final = {
    list: "a list",
    str: "a text",
    _Number: "a number",
    bool: "true or false",
    type(None): "null",
}


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class JsonReader(Reader):
    name: ClassVar[str] = "json"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def rows(self, path: Path, options: ReadOptions) -> Iterator[Row | RowError]:
        max_record = int_option(options.extra, "max_record_bytes", DEFAULT_MAX_RECORD)
        keys = _record_path(options.record_path, path.name)
        with open_export(path, options.max_bytes) as export:
            name = export.name
            if kind := binary_kind(export.head):
                raise FileRejected(f"{name}: not a JSON file: it looks like {kind}")
            encoding = json.detect_encoding(export.head[:4])
            scanner = Scanner(export.stream, encoding, max_record)
            count = 0
            try:
                for row in _document(scanner, keys, name):
                    count += 1
                    yield row
            except SyntaxProblem as problem:
                after = f"; the {count} records before it were read" if count else ""
                raise FileRejected(f"{name}: not valid JSON: {problem}{after}") from None
            except UnicodeDecodeError:
                raise FileRejected(f"{name}: not valid {encoding} text") from None


class NdjsonReader(Reader):
    name: ClassVar[str] = "ndjson"
    extensions: ClassVar[tuple[str, ...]] = (".ndjson", ".jsonl")

    def rows(self, path: Path, options: ReadOptions) -> Iterator[Row | RowError]:
        max_line = int_option(options.extra, "max_line_bytes", DEFAULT_MAX_LINE_BYTES)
        with open_export(path, options.max_bytes) as export:
            name = export.name
            if kind := file_kind(export.head):
                raise FileRejected(f"{name}: not an NDJSON file: it looks like {kind}")
            start = export.head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
            if start == b"[":
                raise FileRejected(f"{name}: a JSON list, not NDJSON (one object per line): read it as json")
            if start not in (b"{", b""):
                raise FileRejected(f"{name}: not NDJSON: the first record does not start with '{{'")
            for number, raw in split_lines(export.stream, max_line):
                if raw is None:
                    yield RowError(name, number, None, f"the line is longer than {max_line:,} bytes")
                    continue
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield RowError(name, number, None, "not valid UTF-8")
                    continue
                if text.strip():
                    yield _record(text.rstrip("\r\n"), name, number, None)


def _record_path(record_path: str | None, name: str) -> tuple[str, ...]:
    if record_path is None or not record_path.strip("/ "):
        return ()
    keys = tuple(record_path.strip("/ ").split("/"))
    if not all(keys):
        raise FileRejected(f"{name}: record_path {record_path!r} is not a key path like 'data/cases'")
    return keys


def _document(scanner: Scanner, keys: tuple[str, ...], name: str) -> Iterator[Row | RowError]:
    first = scanner.peek()
    if not first:
        raise FileRejected(f"{name}: the file holds no JSON value")
    if keys:
        path = "/".join(keys)
        if first == "[":
            raise FileRejected(f"{name}: record_path {path!r} is set, but the file is a JSON list")
        if first != "{":
            raise scanner.problem("expected '{'")
        if not walk_to(scanner, keys, _decode_key):
            raise FileRejected(f"{name}: no key {path!r} in the JSON object (record_path)")
        if scanner.peek() != "[":
            raise scanner.problem(f"expected a list under {path!r}")
    elif first == "{":
        raise FileRejected(
            f"{name}: the file is one JSON object: set record_path to the key of the list of records "
            "(or, with one object per line, read it as NDJSON)"
        )
    elif first != "[":
        raise scanner.problem("expected '[' (a list of records)")
    for number, (raw, line, _) in enumerate(records(scanner), start=1):
        yield _record(raw, name, number, line)
    finish_objects(scanner, len(keys))


def _decode_key(raw: str) -> str | None:
    try:
        key = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return key if isinstance(key, str) else None


def _record(raw: str, name: str, number: int, line: int | None) -> Row | RowError:
    """Parse one record's text. ``line``: where it starts in a JSON file (None: an NDJSON line, which
    is the row number already)."""
    at = f" (line {line})" if line is not None else ""
    if _UNDECODABLE.search(raw):
        return RowError(name, number, None, f"not valid UTF-8{at}")
    try:
        value = json.loads(
            raw,
            object_pairs_hook=_unique_keys,
            parse_int=_Number,
            parse_float=_Number,
            parse_constant=_Number,
        )
    except _DuplicateKey as exc:
        return RowError(name, number, exc.key, f"the key appears twice in one object{at}")
    except json.JSONDecodeError as exc:
        position = f"line {line + exc.lineno - 1}" if line is not None else f"column {exc.colno}"
        return RowError(name, number, None, f"not valid JSON: {exc.msg} ({position})")
    except RecursionError:
        return RowError(name, number, None, f"nested too deeply{at}")
    if not isinstance(value, dict):
        kind = _KINDS.get(type(value), "a value")
        return RowError(name, number, None, f"{kind}, not an object{at}")
    fields = Fields()
    try:
        _flatten(value, "", fields, 0)
    except TooDeep:
        return RowError(name, number, None, f"nested deeper than {MAX_DEPTH} levels{at}")
    return Row(number, fields.result())


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _flatten(value: object, key: str, fields: Fields, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise TooDeep
    if isinstance(value, dict):
        if not value and key:
            fields.add(key, None)
        for child, item in value.items():
            _flatten(item, join_key(key, child), fields, depth + 1)
    elif isinstance(value, list):
        if not value:
            fields.add(key, None)
        for item in value:
            _flatten(item, key, fields, depth + 1)
    elif isinstance(value, bool):
        fields.add(key, "true" if value else "false")
    elif value is None:
        fields.add(key, None)
    else:
        fields.add(key, str(value))
