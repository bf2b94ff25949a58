"""Flattening a nested record (XML elements, JSON objects) into ``key -> text`` fields.

Nested keys are joined with ``/`` (``adres/postcode``; XML attributes ``@name``). A key met more
than once in one record (a repeated XML element, the items of a JSON list) gets its values joined
with ``|`` in order, an empty one as an empty string: ``["BE", "NL"] -> "BE|NL"``. ``|`` inside a
value is not escaped, and the items of repeated groups are not aligned with each other when some
lack a key (the mapping reads them as lists, as :class:`RawCase` reads ``aliases``).
"""

from __future__ import annotations

from typing import Final

#: Deeper nesting than this in one record is a row error (no unbounded recursion on hostile input).
MAX_DEPTH: Final = 64
SEPARATOR: Final = "|"


class TooDeep(Exception):
    """A record nested deeper than :data:`MAX_DEPTH`."""


class Fields:
    """Collects ``key -> value`` pairs; repeated keys are joined when the record is complete."""

    def __init__(self) -> None:
        self._values: dict[str, list[str | None]] = {}

    def add(self, key: str, value: str | None) -> None:
        self._values.setdefault(key, []).append(value if value != "" else None)

    def result(self) -> dict[str, str | None]:
        fields: dict[str, str | None] = {}
        for key, values in self._values.items():
            if len(values) == 1 or all(value is None for value in values):
                fields[key] = values[0] if len(values) == 1 else None
            else:
                fields[key] = SEPARATOR.join(value or "" for value in values)
        return fields


def join_key(prefix: str, key: str) -> str:
    return f"{prefix}/{key}" if prefix else key
