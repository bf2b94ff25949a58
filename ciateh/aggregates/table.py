"""Count tables as the query layer returns them: true counts, never shown to a person as they are.

A table has rows and, for a cross-tabulation, columns. A one-dimensional table has no columns: its
counts are its *row totals* and its total is the grand total, so the 1-D table of a dimension has
exactly the numbers (and positions) of the row margin of any cross-tabulation by that dimension.

Margins are true totals of units (persons or cases), computed by the database, not sums of cells:
with a multi-valued dimension (a person counts once in each form of exploitation that applies) or
when counting cases (a case counts in every category of its persons) a total is *not* the sum of its
cells. :class:`Layout` says which lines of a table are exact sums; the suppression uses that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["persons", "cases"]
RoleGroup = Literal["victims", "suspects", "all"]
#: Where a number sits in a table: ("cell", i, j), ("row", i, -1), ("col", -1, j), ("grand", -1, -1).
Position = tuple[str, int, int]
GRAND: Position = ("grand", -1, -1)


def cell(i: int, j: int) -> Position:
    return ("cell", i, j)


def row_total(i: int) -> Position:
    return ("row", i, -1)


def col_total(j: int) -> Position:
    return ("col", -1, j)


@dataclass(frozen=True)
class Scope:
    """What a table counts: a month range (inclusive, ``None`` for all), filters (dimension -> code),
    a group of roles and the unit (persons, or distinct cases)."""

    months: tuple[str, str] | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    role_group: RoleGroup = "all"
    unit: Unit = "persons"


@dataclass(frozen=True)
class Layout:
    """The public shape of a table: dimensions, category keys, and which dimensions are multi-valued.

    From these follow the exact relations a reader can use (and an attacker will):

    - a row's cells sum to its row total when the column dimension is single-valued and persons are
      counted (every person in the row is in exactly one column);
    - likewise for columns; the grand total is the sum of the row totals when the row dimension is
      single-valued (and of the column totals when the column dimension is), persons counted.

    Otherwise a line only gives inequalities: each cell is at most its total, and the total at most
    the sum of the cells when every unit has at least one category of the other dimension.
    """

    row_dim: str
    row_keys: tuple[str, ...]
    col_dim: str | None = None
    col_keys: tuple[str, ...] = ()
    row_multi: bool = False
    col_multi: bool = False
    unit: Unit = "persons"

    @property
    def is_1d(self) -> bool:
        return self.col_dim is None

    @property
    def rows_exact(self) -> bool:
        """Each row's cells sum to its row total."""
        return not self.is_1d and not self.col_multi and self.unit == "persons"

    @property
    def cols_exact(self) -> bool:
        """Each column's cells sum to its column total."""
        return not self.is_1d and not self.row_multi and self.unit == "persons"

    @property
    def row_margin_exact(self) -> bool:
        """The row totals sum to the grand total."""
        return not self.row_multi and self.unit == "persons"

    @property
    def col_margin_exact(self) -> bool:
        """The column totals sum to the grand total."""
        return not self.is_1d and not self.col_multi and self.unit == "persons"

    @property
    def rows_covered(self) -> bool:
        """Every unit of a row is in at least one of its cells (so a row total is at most the sum of
        the row's cells), whatever the data: true when the column dimension is single-valued."""
        return not self.is_1d and not self.col_multi

    @property
    def cols_covered(self) -> bool:
        return not self.is_1d and not self.row_multi

    def positions(self) -> list[Position]:
        """Every position of the table: cells row by row, row totals, column totals, grand total."""
        rows, cols = len(self.row_keys), len(self.col_keys)
        out = [cell(i, j) for i in range(rows) for j in range(cols)]
        out += [row_total(i) for i in range(rows)]
        out += [col_total(j) for j in range(cols)]
        out.append(GRAND)
        return out


@dataclass(frozen=True)
class CountTable:
    """True counts. ``cells`` is rows x columns (empty rows for a 1-D table); the totals are the
    numbers of distinct units, as counted by the database."""

    layout: Layout
    cells: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    col_totals: tuple[int, ...]
    grand: int
    scope: Scope = field(default_factory=Scope)

    def __post_init__(self) -> None:
        rows, cols = len(self.layout.row_keys), len(self.layout.col_keys)
        if len(self.row_totals) != rows or len(self.col_totals) != cols:
            raise ValueError("totals do not match the keys")
        if len(self.cells) != (rows if cols else 0) or any(len(r) != cols for r in self.cells):
            raise ValueError("cells do not match the keys")
        numbers = [self.grand, *self.row_totals, *self.col_totals, *(v for r in self.cells for v in r)]
        if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in numbers):
            raise ValueError("counts must be non-negative integers")

    @classmethod
    def one_d(
        cls,
        dimension: str,
        counts: Mapping[str, int],
        total: int,
        *,
        multi: bool = False,
        unit: Unit = "persons",
        scope: Scope | None = None,
    ) -> CountTable:
        """A 1-D table from ``{key: count}`` (in order) and the true total."""
        layout = Layout(dimension, tuple(counts), row_multi=multi, unit=unit)
        return cls(layout, (), tuple(counts.values()), (), total, scope or Scope(unit=unit))

    @property
    def values(self) -> tuple[int, ...]:
        """The counts of a 1-D table (its row totals)."""
        return self.row_totals

    def value(self, position: Position) -> int:
        kind, i, j = position
        if kind == "cell":
            return self.cells[i][j]
        if kind == "row":
            return self.row_totals[i]
        if kind == "col":
            return self.col_totals[j]
        return self.grand

    def row_margin(self) -> CountTable:
        """The 1-D table of the row dimension in the same scope (the row totals and the grand total)."""
        layout = Layout(
            self.layout.row_dim, self.layout.row_keys, row_multi=self.layout.row_multi, unit=self.layout.unit
        )
        return CountTable(layout, (), self.row_totals, (), self.grand, self.scope)

    def col_margin(self) -> CountTable:
        """The 1-D table of the column dimension in the same scope."""
        if self.layout.col_dim is None:
            raise ValueError("a 1-D table has no column margin")
        layout = Layout(
            self.layout.col_dim, self.layout.col_keys, row_multi=self.layout.col_multi, unit=self.layout.unit
        )
        return CountTable(layout, (), self.col_totals, (), self.grand, self.scope)
