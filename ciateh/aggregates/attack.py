"""An attacker who sees only what is published: for tests of pages and exports, and as a self-check.

:func:`recover` takes a :class:`~ciateh.aggregates.suppression.ProtectedTable` (no true values) and
tries to pin down each hidden number, the way a reader with a spreadsheet would:

1. **linear algebra**: the exact relations of the table (:class:`~ciateh.aggregates.table.Layout`)
   with the shown numbers substituted, solved exactly over the rationals; a hidden number whose
   value follows from the equations alone is recovered;
2. **intervals**: each marker's range (``<k`` is 1..k-1, ``x`` at least k, ...), non-negativity,
   a cell at most its total, and (where every unit has a category, or if ``assume_covered``) a
   total at most the sum of its cells, propagated through the equations until nothing changes; a
   hidden number whose range shrinks to one value is recovered.

It is sound (whatever it recovers is the true value, given true assumptions) but not complete: the
complete check is the witness the suppression builds for every hidden number. A protected table
must give ``recover(table) == {}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ciateh.aggregates.suppression import Hidden, ProtectedTable
from ciateh.aggregates.table import GRAND, Position

#: A linear relation: sum(coefficient * variable) == 0, over positions.
_Equation = list[tuple[int, Position]]


def recover(table: ProtectedTable, *, assume_covered: bool = False) -> dict[Position, int]:
    """Every hidden number of ``table`` that the published numbers determine."""
    equations, inequalities, covers = _relations(table, assume_covered)
    known: dict[Position, int] = {}
    bounds: dict[Position, tuple[int, int | None]] = {}
    for position, shown in table.items():
        if isinstance(shown, Hidden):
            bounds[position] = shown.bounds(position == GRAND)
        else:
            known[position] = shown
    found = _solve(equations, known, list(bounds))
    for position, value in found.items():
        bounds[position] = (value, value)
    _propagate(equations, inequalities, covers, known, bounds)
    return {p: lo for p, (lo, hi) in bounds.items() if lo == hi}


def _relations(
    table: ProtectedTable, assume_covered: bool
) -> tuple[list[_Equation], list[tuple[Position, Position]], list[tuple[list[Position], Position]]]:
    layout = table.layout
    rows, cols = len(layout.row_keys), len(layout.col_keys)
    lines: list[tuple[list[Position], Position, bool, bool]] = []
    if cols:
        for i in range(rows):
            members = [("cell", i, j) for j in range(cols)]
            lines.append((members, ("row", i, -1), layout.rows_exact, layout.rows_covered))
        for j in range(cols):
            members = [("cell", i, j) for i in range(rows)]
            lines.append((members, ("col", -1, j), layout.cols_exact, layout.cols_covered))
        col_margin = [("col", -1, j) for j in range(cols)]
        lines.append((col_margin, GRAND, layout.col_margin_exact, not layout.col_multi))
    row_margin = [("row", i, -1) for i in range(rows)]
    lines.append((row_margin, GRAND, layout.row_margin_exact, not layout.row_multi))
    equations: list[_Equation] = []
    inequalities: list[tuple[Position, Position]] = []
    covers: list[tuple[list[Position], Position]] = []
    for members, total, exact, covered in lines:
        if exact:
            equations.append([(1, m) for m in members] + [(-1, total)])
            continue
        inequalities += [(m, total) for m in members]
        if covered or assume_covered:
            covers.append((members, total))
    return equations, inequalities, covers


def _solve(
    equations: Sequence[_Equation], known: dict[Position, int], unknown: list[Position]
) -> dict[Position, int]:
    """Unknowns fixed by the equations alone (reduced row echelon form over the rationals)."""
    column = {p: n for n, p in enumerate(unknown)}
    rows: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * (len(unknown) + 1)
        for coefficient, position in equation:
            if position in column:
                row[column[position]] += coefficient
            else:
                row[-1] -= coefficient * known[position]
        if any(row[:-1]):
            rows.append(row)
    pivots: list[int] = []
    rank = 0
    for col in range(len(unknown)):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [x / lead for x in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append(col)
        rank += 1
    found: dict[Position, int] = {}
    for r, col in enumerate(pivots):
        if sum(1 for x in rows[r][:-1] if x != 0) == 1:
            found[unknown[col]] = int(rows[r][-1])
    return found


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _propagate(
    equations: Sequence[_Equation],
    inequalities: Sequence[tuple[Position, Position]],
    covers: Sequence[tuple[list[Position], Position]],
    known: dict[Position, int],
    bounds: dict[Position, tuple[int, int | None]],
) -> None:
    """Tighten the ranges of the hidden numbers until a fixed point (or a generous pass limit)."""

    def get(p: Position) -> tuple[int, int | None]:
        return (known[p], known[p]) if p in known else bounds[p]

    def tighten(p: Position, lo: int | None, hi: int | None) -> bool:
        if p in known:
            return False
        old_lo, old_hi = bounds[p]
        new_lo = old_lo if lo is None else max(old_lo, lo)
        new_hi = old_hi if hi is None else (hi if old_hi is None else min(old_hi, hi))
        if (new_lo, new_hi) == (old_lo, old_hi) or (new_hi is not None and new_hi < new_lo):
            return False
        bounds[p] = (new_lo, new_hi)
        return True

    for _ in range(200):
        changed = False
        for equation in equations:
            for coefficient, position in equation:
                # the sum S of the other terms, in s_lo..s_hi (None: unbounded that way)
                s_lo: int | None = 0
                s_hi: int | None = 0
                for c, other in equation:
                    if other == position:
                        continue
                    lo, hi = get(other)
                    if c > 0:
                        s_lo, s_hi = _add(s_lo, lo), _add(s_hi, hi)
                    else:
                        s_lo, s_hi = _add(s_lo, None if hi is None else -hi), _add(s_hi, -lo)
                if coefficient > 0:  # x = -S
                    lo_x, hi_x = (None if s_hi is None else -s_hi), (None if s_lo is None else -s_lo)
                else:  # x = S
                    lo_x, hi_x = s_lo, s_hi
                changed |= tighten(position, lo_x, hi_x)
        for member, total in inequalities:
            changed |= tighten(member, None, get(total)[1])
            changed |= tighten(total, get(member)[0], None)
        for members, total in covers:
            his = [get(m)[1] for m in members]
            total_hi: int | None = 0
            for h in his:
                total_hi = _add(total_hi, h)
            changed |= tighten(total, None, total_hi)
            for m in members:
                rest: int | None = 0
                for other in members:
                    if other != m:
                        rest = _add(rest, get(other)[1])
                if rest is not None:
                    changed |= tighten(m, get(total)[0] - rest, None)
        if not changed:
            return
