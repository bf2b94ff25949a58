"""Independent checks of small-cell protection, written apart from the engine they check.

- :func:`check_witnesses`: for every hidden number, the engine's second table is verified against
  everything the attacker knows (shown numbers, marker ranges, exact relations, inequalities).
- :func:`determined_by_equations`: the linear-algebra attacker, by rank (``e_h`` in the row space
  of the equations restricted to the hidden numbers), sharing no code with ``attack.py``.
- :func:`brute_force`: every table consistent with what is published, enumerated (tiny tables).
- :func:`table_2d` / :func:`from_units`: tables from cells, or counted from synthetic units (so that
  multi-valued and case-count margins are real).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ciateh.aggregates.suppression import Hidden, ProtectedTable, Protection
from ciateh.aggregates.table import GRAND, CountTable, Layout, Position, Unit


def table_2d(cells: Sequence[Sequence[int]]) -> CountTable:
    """An additive persons table (both dimensions single-valued) from its cells."""
    rows, cols = len(cells), len(cells[0])
    layout = Layout("r", tuple(f"r{i}" for i in range(rows)), "c", tuple(f"c{j}" for j in range(cols)))
    return CountTable(
        layout,
        tuple(tuple(r) for r in cells),
        tuple(sum(r) for r in cells),
        tuple(sum(r[j] for r in cells) for j in range(cols)),
        sum(sum(r) for r in cells),
    )


def table_1d(values: Sequence[int], *, multi: bool = False, total: int | None = None) -> CountTable:
    counts = {f"v{i}": v for i, v in enumerate(values)}
    return CountTable.one_d("d", counts, sum(values) if total is None else total, multi=multi)


@dataclass(frozen=True)
class Person:
    """One person: the case it belongs to, and its categories on each dimension (a set if multi)."""

    case: int
    rows: frozenset[int]
    cols: frozenset[int]


def from_units(
    units: Iterable[Person], n_rows: int, n_cols: int, *, row_multi: bool, col_multi: bool, unit: Unit
) -> CountTable:
    """Count synthetic persons (or their distinct cases) as the query layer would."""
    units = list(units)

    def count(chosen: Iterable[Person]) -> int:
        chosen = list(chosen)
        return len(chosen) if unit == "persons" else len({u.case for u in chosen})

    layout = Layout(
        "r", tuple(f"r{i}" for i in range(n_rows)), "c", tuple(f"c{j}" for j in range(n_cols)),
        row_multi, col_multi, unit,
    )  # fmt: skip
    cells = tuple(
        tuple(count(u for u in units if i in u.rows and j in u.cols) for j in range(n_cols))
        for i in range(n_rows)
    )
    return CountTable(
        layout,
        cells,
        tuple(count(u for u in units if i in u.rows) for i in range(n_rows)),
        tuple(count(u for u in units if j in u.cols) for j in range(n_cols)),
        count(units),
    )


# -- what the attacker knows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Knowledge:
    equations: list[tuple[list[Position], Position]]  # members sum to total
    at_most: list[tuple[Position, Position]]  # member <= total
    covers: list[tuple[list[Position], Position]]  # total <= sum(members)


def knowledge(table: CountTable) -> Knowledge:
    """The relations a reader of ``table`` may use. Cover inequalities are included whenever they
    hold in the true data (an attacker might know them), which makes every check stricter."""
    layout = table.layout
    rows, cols = len(layout.row_keys), len(layout.col_keys)
    lines: list[tuple[list[Position], Position, bool]] = []
    if cols:
        lines += [
            ([("cell", i, j) for j in range(cols)], ("row", i, -1), layout.rows_exact) for i in range(rows)
        ]
        lines += [
            ([("cell", i, j) for i in range(rows)], ("col", -1, j), layout.cols_exact) for j in range(cols)
        ]
        lines.append(([("col", -1, j) for j in range(cols)], GRAND, layout.col_margin_exact))
    lines.append(([("row", i, -1) for i in range(rows)], GRAND, layout.row_margin_exact))
    equations, at_most, covers = [], [], []
    for members, total, exact in lines:
        if exact:
            assert sum(table.value(m) for m in members) == table.value(total), "table is not additive"
            equations.append((members, total))
            continue
        at_most += [(m, total) for m in members]
        if sum(table.value(m) for m in members) >= table.value(total):
            covers.append((members, total))
    return Knowledge(equations, at_most, covers)


def consistent(values: dict[Position, int], published: ProtectedTable, know: Knowledge) -> list[str]:
    """Why ``values`` could not be the table behind ``published`` (empty: it could)."""
    problems = []
    for position, shown in published.items():
        value = values[position]
        if value < 0:
            problems.append(f"{position} negative")
        if isinstance(shown, Hidden):
            lo, hi = shown.bounds(position == GRAND)
            if value < lo or (hi is not None and value > hi):
                problems.append(f"{position}={value} outside {shown}")
        elif value != shown:
            problems.append(f"{position} shown {shown}, alternative {value}")
    for members, total in know.equations:
        if sum(values[m] for m in members) != values[total]:
            problems.append(f"line {total} unbalanced")
    for member, total in know.at_most:
        if values[member] > values[total]:
            problems.append(f"{member} above its total {total}")
    for members, total in know.covers:
        if values[total] > sum(values[m] for m in members):
            problems.append(f"total {total} above the sum of its cells")
    return problems


def check_witnesses(table: CountTable, protection: Protection) -> None:
    """Every hidden number has a verified second table in which it differs."""
    published = protection.table
    know = knowledge(table)
    for position in published.hidden():
        alternative = protection.witness(position)
        assert alternative is not None, f"no alternative for hidden {position}"
        assert alternative[position] != table.value(position)
        problems = consistent(alternative, published, know)
        assert not problems, f"alternative for {position} is not consistent: {problems}"


# -- the linear-algebra attacker -----------------------------------------------------------------


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(rank + 1, len(rows)):
            if rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def determined_by_equations(published: ProtectedTable, table: CountTable) -> list[Position]:
    """Hidden numbers fixed by the exact relations alone: ``e_h`` is in the row space of the
    equations' matrix restricted to the hidden numbers."""
    hidden = list(published.hidden())
    column = {p: n for n, p in enumerate(hidden)}
    matrix = []
    for members, total in knowledge(table).equations:
        row = [Fraction(0)] * len(hidden)
        for position, sign in [*((m, 1) for m in members), (total, -1)]:
            if position in column:
                row[column[position]] += sign
        if any(row):
            matrix.append(row)
    base = _rank(matrix)
    out = []
    for position, n in column.items():
        unit = [Fraction(0)] * len(hidden)
        unit[n] = Fraction(1)
        if _rank([*matrix, unit]) == base:
            out.append(position)
    return out


# -- brute force ---------------------------------------------------------------------------------


def brute_force(published: ProtectedTable, table: CountTable, cap: int) -> dict[Position, set[int]]:
    """For each hidden number, every value it takes in some table consistent with what is
    published (hidden values searched up to ``cap``): depth first, a line with one unknown left
    fixing it."""
    know = knowledge(table)
    hidden = published.hidden()
    ranges = {}
    for position, marker in hidden.items():
        lo, hi = marker.bounds(position == GRAND)
        ranges[position] = range(lo, min(cap, cap if hi is None else hi) + 1)
    shown = {p: c for p, c in published.items() if not isinstance(c, Hidden)}
    seen: dict[Position, set[int]] = {p: set() for p in hidden}

    def search(assigned: dict[Position, int]) -> None:
        assigned = dict(assigned)
        progress = True
        while progress:
            progress = False
            for members, total in know.equations:
                unknown = [p for p in [*members, total] if p not in assigned]
                if len(unknown) != 1:
                    continue
                (p,) = unknown
                rest = sum(assigned[m] for m in members if m != p)
                value = assigned[total] - rest if p != total else rest
                if value not in ranges[p]:
                    return
                assigned[p] = value
                progress = True
        if len(assigned) == len(shown) + len(hidden):
            if not consistent(assigned, published, know):
                for p in hidden:
                    seen[p].add(assigned[p])
            return
        nxt = next(p for p in hidden if p not in assigned)
        for value in ranges[nxt]:
            search({**assigned, nxt: value})

    search(shown)
    return seen


def shown_small(published: ProtectedTable) -> list[Position]:
    return [p for p, c in published.items() if not isinstance(c, Hidden) and 1 <= c < published.k]
