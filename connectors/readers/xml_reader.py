"""XML exports, streamed with :func:`defusedxml.ElementTree.iterparse`.

* **Hostile XML**: parsed with ``forbid_dtd``, ``forbid_entities`` and ``forbid_external``. Any
  document type declaration is refused, and with it every entity: a billion-laughs file or an
  external entity (``SYSTEM "file:///etc/passwd"``) is a :class:`FileRejected` before anything is
  expanded or fetched.
* **Records** are the elements ``ReadOptions.record_path`` names: ``"case"`` (a ``case`` element at
  any depth), ``"dossier/persoon"`` (a ``persoon`` whose parent is a ``dossier``), or ``"/export/case"``
  (from the root). Without it, every child of the root element is a record. Names are matched
  without their namespace. A record inside a record is part of the outer one.
* **Fields** are the record's attributes (``@id``) and its child elements' text, nested children
  flattened with ``/`` (``adres/postcode``, ``adres/@type``); an element repeated in a record gives
  its values joined with ``|`` (:mod:`connectors.readers._fields`). An element with mixed content
  (text with inline elements, such as a narrative with ``<br/>``) gives all its text. An empty
  element, or one with ``xsi:nil="true"``, is ``None``.
* **Rows**: ``Row.number`` is the record's ordinal (the first record element is 1). Each record is
  removed from the tree once read, so memory is bounded by the largest record.
* **Malformed XML** part-way: the records before the break are yielded, then :class:`FileRejected`
  says at which line and column the document breaks (the rest cannot be read reliably).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Final
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from connectors.readers._fields import MAX_DEPTH, Fields, TooDeep, join_key
from connectors.readers._files import binary_kind, open_export
from connectors.readers.base import FileRejected, Reader, ReadOptions, Row, RowError

_NIL: Final = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_REFUSED: Final = (
    "XML entities are refused: the file declares a document type (<!DOCTYPE>), which may define "
    "entities; nothing was expanded or fetched"
)


class XmlReader(Reader):
    name: ClassVar[str] = "xml"
    extensions: ClassVar[tuple[str, ...]] = (".xml",)

    def rows(self, path: Path, options: ReadOptions) -> Iterator[Row | RowError]:
        matches = _matcher(options.record_path, path.name)
        with open_export(path, options.max_bytes) as export:
            name = export.name
            kind = binary_kind(export.head)
            if kind:
                raise FileRejected(f"{name}: not an XML file: it looks like {kind}")
            events = iterparse(
                export.stream,
                events=("start", "end"),
                forbid_dtd=True,
                forbid_entities=True,
                forbid_external=True,
            )
            count = 0
            try:
                for row in _records(events, matches, name):
                    count += 1
                    yield row
            except DTDForbidden:
                raise FileRejected(f"{name}: {_REFUSED}") from None
            except EntitiesForbidden:
                raise FileRejected(f"{name}: XML entities are refused; nothing was expanded") from None
            except ExternalReferenceForbidden:
                raise FileRejected(f"{name}: XML external entities are refused; nothing fetched") from None
            except ParseError as exc:
                raise FileRejected(_malformed(name, exc, count)) from None


def _matcher(record_path: str | None, name: str) -> _Matcher:
    if record_path is None:
        return _Matcher((), absolute=False)
    parts = tuple(part for part in record_path.strip().strip("/").split("/"))
    if not parts or not all(part.strip() for part in parts):
        raise FileRejected(f"{name}: record_path {record_path!r} is not an element path like 'a/b'")
    return _Matcher(parts, absolute=record_path.strip().startswith("/"))


class _Matcher:
    def __init__(self, parts: tuple[str, ...], absolute: bool) -> None:
        self.parts = parts
        self.absolute = absolute

    def __call__(self, stack: list[str]) -> bool:
        if not self.parts:
            return len(stack) == 2  # a child of the root element
        if self.absolute:
            return tuple(stack) == self.parts
        return len(stack) >= len(self.parts) and tuple(stack[-len(self.parts) :]) == self.parts


def _records(events: Iterator[tuple[str, Element]], matches: _Matcher, name: str) -> Iterator[Row | RowError]:
    names: list[str] = []  # local names of the open elements, root first
    elements: list[Element] = []
    record_depth = 0  # len(names) at the open record element, 0 outside a record
    number = 0
    for event, element in events:
        if event == "start":
            names.append(_local(element.tag))
            elements.append(element)
            if not record_depth and matches(names):
                record_depth = len(names)
            continue
        if record_depth == len(names):
            number += 1
            yield _row(element, name, number)
            record_depth = 0
        if not record_depth:  # complete and not part of an open record: drop it from the tree
            element.clear()
            if len(elements) > 1:
                elements[-2].remove(element)
        names.pop()
        elements.pop()


def _row(record: Element, name: str, number: int) -> Row | RowError:
    fields = Fields()
    try:
        _attributes(record, "", fields)
        for child in record:
            _walk(child, _local(child.tag), fields, 1)
    except TooDeep:
        return RowError(name, number, None, f"the record is nested deeper than {MAX_DEPTH} levels")
    return Row(number, fields.result())


def _walk(element: Element, key: str, fields: Fields, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise TooDeep
    _attributes(element, key, fields)
    children = list(element)
    if element.get(_NIL) in ("true", "1"):
        fields.add(key, None)
    elif not children:
        fields.add(key, element.text)
    elif _mixed(element, children):
        fields.add(key, "".join(element.itertext()))
    else:
        for child in children:
            _walk(child, join_key(key, _local(child.tag)), fields, depth + 1)


def _attributes(element: Element, key: str, fields: Fields) -> None:
    for attribute, value in element.attrib.items():
        if attribute != _NIL:
            fields.add(join_key(key, "@" + _local(attribute)), value)


def _mixed(element: Element, children: list[Element]) -> bool:
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in children)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _malformed(name: str, exc: ParseError, records: int) -> str:
    line, column = exc.position
    reason = ErrorString(exc.code) if isinstance(exc.code, int) else "malformed"
    if records == 0:
        return f"{name}: the XML is malformed at line {line}, column {column}: {reason}"
    return (
        f"{name}: the XML breaks at line {line}, column {column} ({reason}); the {records} records "
        "before it were read, the rest of the file cannot be"
    )
