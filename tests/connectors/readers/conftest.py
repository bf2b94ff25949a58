"""Shared helpers of the reader tests: read a file completely, and check that no message carries a
planted personal value. All data is synthetic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from connectors.readers.base import FileRejected, Reader, ReadOptions, Row, RowError

# Synthetic "personal" values planted in the fixtures: none may appear in an error or rejection.
PLANTED = (
    "Verbeke-Synthetisch",
    "Zoë",
    "85.07.30-033.61",
    "+32 470 12 34 56",
    "Kerkstraat 12",
    "zoe.verbeke@example.org",
    "Jérôme",
    "Lambertz",
)


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    order: list[Row | RowError] = field(default_factory=list)
    rejected: FileRejected | None = None

    @property
    def numbers(self) -> list[int]:
        return [row.number for row in self.rows]

    def errors_at(self) -> list[tuple[int | None, str | None, str]]:
        return [(e.row, e.field, e.reason) for e in self.errors]

    def messages(self) -> list[str]:
        texts = [str(e) for e in self.errors]
        if self.rejected is not None:
            texts.append(str(self.rejected))
        return texts


def read_all(reader: Reader, path: Path, options: ReadOptions | None = None, **kwargs: Any) -> Result:
    """Every row and row error in order; a FileRejected (also part-way) is kept, not raised."""
    result = Result()
    try:
        for item in reader.rows(path, options or ReadOptions(**kwargs)):
            result.order.append(item)
            if isinstance(item, RowError):
                result.errors.append(item)
            else:
                result.rows.append(item)
    except FileRejected as exc:
        result.rejected = exc
    return result


def assert_no_leak(messages: Iterable[str], planted: Iterable[str] = PLANTED) -> None:
    for message in messages:
        for value in planted:
            assert value not in message, f"a planted value leaked into: {message!r}"


def rejection(reader: Reader, path: Path, options: ReadOptions | None = None, **kwargs: Any) -> str:
    """The message of the FileRejected the reader raises (failing if it raises none)."""
    with pytest.raises(FileRejected) as info:
        for _ in reader.rows(path, options or ReadOptions(**kwargs)):
            pass
    message = str(info.value)
    assert_no_leak([message])
    assert info.value.__cause__ is None
    return message


@pytest.fixture
def read() -> Callable[..., Result]:
    return read_all


@pytest.fixture
def reject() -> Callable[..., str]:
    return rejection


@pytest.fixture
def no_leak() -> Callable[..., None]:
    return assert_no_leak
