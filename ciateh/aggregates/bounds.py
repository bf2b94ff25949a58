"""Ranges: what a reader knows about a number from published protected cells.

A shown number ``n`` is the range ``n..n``; a marker is the range :meth:`Hidden.bounds` gives it
(``<k``: 1..k-1, or 0..k-1 in a small line; a secondary ``x``: k or more; a withheld ``x``: 0 or
more). Sums of published cells are sums of ranges: exact when every term is exact, else
``[sum of lower bounds, sum of upper bounds]`` (unbounded when a term is). A range computed this way
from published cells says nothing those cells do not.

:meth:`Range.display` never prints a count from 1 to k-1: a range below k shows as ``<k``, a range
starting below k as "at most M" (the lower bound dropped), which a reader can only read as wider.
The wording of :meth:`Range.display` is English; the portal formats ranges in the reader's language
(``ciateh.portal.formatting``) with :meth:`Range.parts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ciateh.aggregates.suppression import Cell, Hidden

#: how a range reads: ``exact`` "n"; ``small`` "<k"; ``at_most`` "at most hi"; ``at_least``
#: "at least lo"; ``between`` "between lo and hi"; ``unknown`` "x" (no bound worth printing)
Shape = Literal["exact", "small", "at_most", "at_least", "between", "unknown"]


@dataclass(frozen=True, slots=True)
class Range:
    """A count known to lie in ``lo..hi`` (``hi`` ``None``: no upper bound)."""

    lo: int
    hi: int | None

    def __post_init__(self) -> None:
        if self.lo < 0 or (self.hi is not None and self.hi < self.lo):
            raise ValueError(f"not a range of counts: {self.lo}..{self.hi}")

    @classmethod
    def exact(cls, value: int) -> Range:
        return cls(value, value)

    @classmethod
    def of(cls, cell: Cell, *, grand: bool = False) -> Range:
        """What a published cell tells (``grand``: the cell is a table's grand total)."""
        if isinstance(cell, Hidden):
            lo, hi = cell.bounds(grand)
            return cls(lo, hi)
        return cls(cell, cell)

    @property
    def is_exact(self) -> bool:
        return self.hi == self.lo

    @property
    def value(self) -> int | None:
        """The number when the range is exact, else ``None``."""
        return self.lo if self.is_exact else None

    def __add__(self, other: Range) -> Range:
        hi = None if self.hi is None or other.hi is None else self.hi + other.hi
        return Range(self.lo + other.lo, hi)

    def minus(self, other: Range) -> tuple[int | None, int | None]:
        """The range of ``self - other`` (``None``: unbounded on that side; may be negative)."""
        lo = None if other.hi is None else self.lo - other.hi
        hi = None if self.hi is None else self.hi - other.lo
        return lo, hi

    def above(self, other: Range) -> bool:
        """Every value of ``self`` is larger than every value of ``other``."""
        return other.hi is not None and self.lo > other.hi

    def shape(self, k: int) -> Shape:
        if self.is_exact and not 1 <= self.lo < k:
            return "exact"
        if self.hi is not None and self.hi < k:
            return "small"
        if self.lo < k:
            return "unknown" if self.hi is None else "at_most"
        return "at_least" if self.hi is None else "between"

    def parts(self, k: int) -> tuple[Shape, int | None, int | None]:
        """The shape and the numbers to print with it (never a count from 1 to k-1)."""
        shape = self.shape(k)
        if shape == "exact":
            return shape, self.lo, None
        if shape in ("small", "unknown"):
            return shape, None, None
        if shape == "at_most":
            return shape, None, self.hi
        return shape, self.lo, self.hi

    def display(self, k: int, *, thousands: str = "") -> str:
        """The range in English (digits grouped with ``thousands`` if given)."""
        shape, lo, hi = self.parts(k)

        def num(n: int | None) -> str:
            return f"{n:,}".replace(",", thousands) if thousands else f"{n}"

        if shape == "exact":
            return num(lo)
        if shape == "at_most":
            return f"at most {num(hi)}"
        if shape == "at_least":
            return f"at least {num(lo)}"
        if shape == "between":
            return f"between {num(lo)} and {num(hi)}"
        return f"<{k}" if shape == "small" else "x"


ZERO = Range(0, 0)


def total(ranges: Iterable[Range]) -> Range:
    """The sum of ``ranges`` (0 for none)."""
    out = ZERO
    for item in ranges:
        out = out + item
    return out


def smallest(ranges: Iterable[Range]) -> int | None:
    """The smallest upper bound of ``ranges`` (``None``: none is bounded or there are none)."""
    bounded = [r.hi for r in ranges if r.hi is not None]
    return min(bounded) if bounded else None


@dataclass(frozen=True)
class RangeTable:
    """A 1-D table of ranges: ``values[i]`` for ``keys[i]``, and the table's total."""

    dimension: str
    keys: tuple[str, ...]
    values: tuple[Range, ...]
    total: Range
    k: int

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.values):
            raise ValueError("one value per key")

    def get(self, key: str) -> Range | None:
        return self.values[self.keys.index(key)] if key in self.keys else None

    def items(self) -> Iterable[tuple[str, Range]]:
        return zip(self.keys, self.values, strict=True)


__all__ = ["ZERO", "Range", "RangeTable", "Shape", "smallest", "total"]
