"""Small-cell protection: what of a :class:`~ciateh.aggregates.table.CountTable` may be shown.

**Primary suppression.** A count from 1 to k-1 (k defaults to 5, at least 3) is shown as ``<k``;
totals too. Zeros are shown as 0: in statistical-disclosure practice a zero singles no one out (it
can tell that *no* one in a group has a property, which we accept, as the national statistical
institutes do).

**Secondary suppression.** Other counts are hidden (shown as ``x``) until no hidden count can be
worked out from what is shown. Candidates are counts of at least k, never a zero, cheapest first:
small counts before large ones, cells before row and column totals before the grand total, and
short cycles (the same row and column) before long ones.

**Small lines.** In a row or column whose total is 1..k-1, every cell (zeros included) is shown
as ``<k``, read as 0..k-1: otherwise four ``<5`` cells under a ``<5`` total would say "one each".
A table whose grand total is 1..k-1 is a *small table*: every number shows ``<k``.

**Withheld lines.** When the markers' ranges themselves pin a cell and no secondary suppression
can help (a row total of 6, published, split 5 and 1: ``x`` is at least 5 and ``<5`` at least 1,
so they are 5 and 1), the row and column of that cell are *withheld*: each of their numbers is an
``x`` that may be anything, 0 and small counts included. Should even that fail, the whole table is
withheld (mode ``WITHHELD``).

Zeros that were hidden only to blur a small or withheld line, but that nothing needs hidden (a
zero under a column total of 0, say), are shown again.

**The guarantee**, checked for every hidden number before a table leaves this module. The attacker
knows the method and sees the table. They know every shown number and what each marker says
(:meth:`Hidden.bounds`: a small count ``<k`` is 1..k-1; ``<k`` in a small line or table 0..k-1; a
secondary ``x`` at least k, as secondary suppression never hides a zero or a small count; a
withheld ``x`` anything: we assume they can tell the two ``x`` apart), the exact relations of the
table (the cells of a row sum to its total when the column dimension is single-valued and persons
are counted, and so on: :class:`~ciateh.aggregates.table.Layout`) and, for the other lines, the
inequalities (a cell is at most its total; a total at most the sum of its cells whenever that holds
in the data). Then, for every hidden number, there is a second table of non-negative integers that
agrees with all of that and differs in that number: **no hidden number can be recovered exactly
from the row, column and grand-total equations, even using the ranges the markers give** (the
"difference" and "interval" attacks). The second table is constructed, not estimated: a cycle of
unit changes (:mod:`ciateh.aggregates.network`), and the tests verify each one independently.

The only exception is a withheld table whose fixed numbers (published elsewhere by the caller)
already pin a small count: it then shows nothing but those fixed numbers, so it tells nothing they
do not. The search for second tables is exact for additive tables; with multi-valued dimensions
or case counts it may miss some (never find a false one), which costs extra suppression only.

What is *not* promised: a hidden number may be narrowed to a range (``<5`` already says 1..4; an
``x`` next to totals may be known to lie in, say, 5..7). Tables are protected one at a time; see
:mod:`ciateh.aggregates` for how the public functions keep the tables of one scope consistent, and
for the residual risks between scopes. The choices depend on the true values, as in every
suppression method: which cells are hidden says a little about them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from ciateh.aggregates.network import Candidate, Line, Network
from ciateh.aggregates.table import GRAND, CountTable, Layout, Position, Scope

DEFAULT_K = 5


class Reason(Enum):
    SMALL = "small"  # primary: a count of 1..k-1
    SECONDARY = "secondary"  # hidden so that a small count cannot be derived: at least k
    SMALL_GROUP = "small_group"  # in a row, column or table whose total is 1..k-1: 0..k-1
    WITHHELD = "withheld"  # in a line or table that markers could not protect: any value


@dataclass(frozen=True, slots=True)
class Hidden:
    """A number not shown, and why. ``str()`` is what a person sees: ``<k`` or ``x``."""

    reason: Reason
    k: int

    def __str__(self) -> str:
        return f"<{self.k}" if self.reason in (Reason.SMALL, Reason.SMALL_GROUP) else "x"

    def bounds(self, grand: bool = False) -> tuple[int, int | None]:
        """What the marker tells a reader: the hidden value lies in ``lo..hi`` (``None``: unbounded)."""
        if self.reason is Reason.SMALL:
            return 1, self.k - 1
        if self.reason is Reason.SECONDARY:
            return self.k, None
        if self.reason is Reason.SMALL_GROUP:
            return (1 if grand else 0), self.k - 1
        return 0, None


#: What a table shows at a position: the number, or a marker.
Cell = int | Hidden


class Mode(Enum):
    NORMAL = "normal"
    SMALL_TABLE = "small_table"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class ProtectedTable:
    """A table safe to show: numbers and markers only (the hidden values are not kept here)."""

    layout: Layout
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    col_totals: tuple[Cell, ...]
    grand: Cell
    k: int
    mode: Mode = Mode.NORMAL
    scope: Scope = field(default_factory=Scope)

    @property
    def values(self) -> tuple[Cell, ...]:
        """The counts of a 1-D table."""
        return self.row_totals

    def value(self, position: Position) -> Cell:
        kind, i, j = position
        if kind == "cell":
            return self.cells[i][j]
        if kind == "row":
            return self.row_totals[i]
        if kind == "col":
            return self.col_totals[j]
        return self.grand

    def items(self) -> Iterator[tuple[Position, Cell]]:
        for position in self.layout.positions():
            yield position, self.value(position)

    def hidden(self) -> dict[Position, Hidden]:
        return {p: c for p, c in self.items() if isinstance(c, Hidden)}

    def row_slice(self, key: str) -> ProtectedTable:
        """One row of a cross-tabulation as a 1-D table over the column dimension, with the row
        total as its total: a drill-down, protected together with the table it comes from."""
        if self.layout.col_dim is None:
            raise ValueError("a 1-D table has no row to slice")
        i = self.layout.row_keys.index(key)
        layout = Layout(
            self.layout.col_dim, self.layout.col_keys, row_multi=self.layout.col_multi, unit=self.layout.unit
        )
        filters = {**self.scope.filters, self.layout.row_dim: key}
        scope = Scope(self.scope.months, filters, self.scope.role_group, self.scope.unit)
        return ProtectedTable(layout, (), self.cells[i], (), self.row_totals[i], self.k, self.mode, scope)


# -- the model of a table ------------------------------------------------------------------------


class _Model:
    """The variables of a table (its positions, then slack variables) and its lines."""

    def __init__(self, table: CountTable) -> None:
        layout = table.layout
        self.positions = layout.positions()
        self.index = {p: n for n, p in enumerate(self.positions)}
        self.values = [table.value(p) for p in self.positions]
        self.lines: list[Line] = []
        self.lo_floor = [0] * len(self.values)
        self.hi_cap: list[int | None] = [None] * len(self.values)
        rows, cols = len(layout.row_keys), len(layout.col_keys)
        if cols:
            for i in range(rows):
                members = [self.index["cell", i, j] for j in range(cols)]
                self._line(members, self.index["row", i, -1], layout.rows_exact, 1)
            for j in range(cols):
                members = [self.index["cell", i, j] for i in range(rows)]
                self._line(members, self.index["col", -1, j], layout.cols_exact, -1)
        grand = self.index[GRAND]
        self._line([self.index["row", i, -1] for i in range(rows)], grand, layout.row_margin_exact, 1)
        if cols:
            self._line([self.index["col", -1, j] for j in range(cols)], grand, layout.col_margin_exact, -1)
        self.n_positions = len(self.positions)
        self.lines_of: list[list[int]] = [[] for _ in self.values]
        for n, line in enumerate(self.lines):
            for v in (*line.members, *line.totals):
                self.lines_of[v].append(n)

    def _line(self, members: list[int], total: int, exact: bool, side: int) -> None:
        if exact:
            if sum(self.values[m] for m in members) != self.values[total]:
                raise ValueError(f"the layout says {self.positions[total]} is a sum, and it is not")
            self.lines.append(Line(tuple(members), (total,), side))
            return
        slack = sum(self.values[m] for m in members) - self.values[total]
        if slack >= 0:
            # the total is at most the sum of its cells (every unit has a category): an exact line
            # with an unseen slack variable (the units counted twice or more); the network also
            # knows that each cell is at most the total
            self.values.append(slack)
            self.lines.append(Line(tuple(members), (total, len(self.values) - 1), side, capped=True))
            return
        # some unit has no category here: only "a cell is at most its total" is known, which is
        # kept by bounding each by the other's true value (stricter than needed, never looser)
        for m in members:
            cap = self.hi_cap[m]
            self.hi_cap[m] = self.values[total] if cap is None else min(cap, self.values[total])
        self.lo_floor[total] = max([self.lo_floor[total], *(self.values[m] for m in members)])

    def bounds(self, v: int, marker: Hidden) -> tuple[int, int | None]:
        lo, hi = marker.bounds(self.positions[v] == GRAND)
        cap = self.hi_cap[v]
        if cap is not None:
            hi = cap if hi is None else min(hi, cap)
        return max(lo, self.lo_floor[v]), hi


def _cost(position: Position, value: int, k: int, one_d: bool) -> int:
    """Cheapest first: small numbers, cells before margins before the grand total."""
    kind = position[0]
    if kind == "grand":
        weight = 20
    elif kind == "cell" or one_d:
        weight = 1
    else:
        weight = 3
    return (value + k) * weight


# -- protection ----------------------------------------------------------------------------------


@dataclass
class Protection:
    """The outcome, with the network that proves it (for the tests: it holds the true values).
    ``unwitnessed``: hidden positions without a witness (only in a withheld table that shows
    nothing but its fixed numbers)."""

    table: ProtectedTable
    model: _Model
    network: Network
    unwitnessed: frozenset[Position] = frozenset()

    def witness(self, position: Position) -> dict[Position, int] | None:
        """A second table (all positions) that agrees with everything published and differs at
        ``position``; ``None`` if there is none."""
        cycle = self.network.cycle_through(self.model.index[position])
        if cycle is None:
            return None
        values = list(self.model.values)
        for var, direction in cycle:
            values[var] += direction
        return {p: values[n] for n, p in enumerate(self.model.positions)}


def protect(
    table: CountTable, k: int = DEFAULT_K, *, fixed: Mapping[Position, Cell] | None = None
) -> ProtectedTable:
    """Protect ``table`` with threshold ``k``.

    ``fixed`` pins positions to what another published table shows there (a number, which must be
    the true value and not a small count, or a marker): they keep it, so that tables sharing
    totals agree. The result satisfies the guarantee in the module docstring.
    """
    return protection(table, k, fixed=fixed).table


def protection(
    table: CountTable, k: int = DEFAULT_K, *, fixed: Mapping[Position, Cell] | None = None
) -> Protection:
    """:func:`protect`, keeping the proof."""
    if k < 3:
        raise ValueError("k must be at least 3 (with k = 2, '<2' would mean exactly 1)")
    fixed = dict(fixed or {})
    model = _Model(table)
    _check_fixed(model, fixed, k)
    if 1 <= table.grand < k:
        status = {v: fixed.get(p, Hidden(Reason.SMALL_GROUP, k)) for v, p in enumerate(model.positions)}
        network = _network(model, status)
        if all(network.is_protected(v) for v in _hidden(status)):
            return _result(table, model, status, network, k, Mode.SMALL_TABLE)
    else:
        found = _cell_by_cell(model, fixed, k, table.layout.is_1d)
        if found is not None:
            return _result(table, model, *found, k, Mode.NORMAL)
    return _withheld(table, model, fixed, k)


def _check_fixed(model: _Model, fixed: Mapping[Position, Cell], k: int) -> None:
    for position, shown in fixed.items():
        if position not in model.index:
            raise ValueError(f"fixed position {position} is not in the table")
        value = model.values[model.index[position]]
        if isinstance(shown, Hidden):
            lo, hi = shown.bounds(position == GRAND)
            if shown.k != k or value < lo or (hi is not None and value > hi):
                raise ValueError(f"fixed marker at {position} does not fit its value or k")
        elif shown != value:
            raise ValueError(f"fixed number at {position} is not the true value")
        elif 1 <= value < k:
            raise ValueError(f"fixed number at {position} is a small count")


def _network(model: _Model, status: dict[int, Cell]) -> Network:
    network = Network(model.values, model.lines)
    for v, shown in status.items():
        if isinstance(shown, Hidden):
            network.hide(v, *model.bounds(v, shown))
    for slack in range(model.n_positions, len(model.values)):
        network.hide(slack, 0, None)
    return network


def _hidden(status: dict[int, Cell]) -> list[int]:
    return sorted(v for v, shown in status.items() if isinstance(shown, Hidden))


def _small_lines(model: _Model, k: int) -> set[int]:
    """The cells of the rows and columns whose total is 1..k-1."""
    out: set[int] = set()
    for v, (kind, i, j) in enumerate(model.positions):
        if kind == "cell":
            row, col = model.values[model.index["row", i, -1]], model.values[model.index["col", -1, j]]
            if 1 <= row < k or 1 <= col < k:
                out.add(v)
    return out


def _cell_by_cell(
    model: _Model, fixed: Mapping[Position, Cell], k: int, one_d: bool
) -> tuple[dict[int, Cell], Network] | None:
    in_small_line = _small_lines(model, k)
    status: dict[int, Cell] = {}
    for v, position in enumerate(model.positions):
        value = model.values[v]
        if position in fixed:
            status[v] = fixed[position]
        elif v in in_small_line:
            status[v] = Hidden(Reason.SMALL_GROUP, k)
        else:
            status[v] = Hidden(Reason.SMALL, k) if 1 <= value < k else value
    network = _network(model, status)
    secondary = Hidden(Reason.SECONDARY, k)
    candidates = {
        v: Candidate(*model.bounds(v, secondary), _cost(position, model.values[v], k, one_d))
        for v, position in enumerate(model.positions)
        if position not in fixed and model.values[v] >= k
    }
    arcs = network.candidate_arcs(candidates)
    queue = deque(_hidden(status))
    withheld_lines: set[int] = set()
    while queue:
        v = queue.popleft()
        if network.is_protected(v):
            continue
        if model.values[v] == 0 and model.positions[v] not in fixed:
            # a zero hidden only to blur a small or withheld line, and pinned (say under a column
            # total of 0): zeros are safe to show, and no cycle uses it, so show it
            network.reveal(v)
            status[v] = 0
            continue
        found = network.cheapest_cycle(v, arcs)
        if found is None:
            lines = set(model.lines_of[v]) - withheld_lines
            if not lines:
                return None
            # the markers' ranges pin it (a shown 6 split into "x" and "<5" means 5 and 1):
            # withhold its lines, every number in them an "x" that may be anything
            withheld_lines |= lines
            for w in _withhold(model, network, status, lines, fixed, k):
                queue.append(w)
            queue.append(v)
            continue
        cycle, _cost_of_cycle = found
        for var, _direction in cycle:
            if not network.hidden[var]:
                candidate = candidates[var]
                network.hide(var, candidate.lo, candidate.hi)
                status[var] = secondary
        network.record(cycle)
    return status, network


def _withhold(
    model: _Model,
    network: Network,
    status: dict[int, Cell],
    lines: set[int],
    fixed: Mapping[Position, Cell],
    k: int,
) -> list[int]:
    """Hide every number of ``lines`` that is not fixed as "any value"; return those newly hidden."""
    marker = Hidden(Reason.WITHHELD, k)
    added = []
    for line in lines:
        for w in (*model.lines[line].members, *model.lines[line].totals):
            if w >= model.n_positions or model.positions[w] in fixed:
                continue
            shown = status[w]
            if isinstance(shown, Hidden):
                if shown.reason is not Reason.WITHHELD:
                    network.widen(w, *model.bounds(w, marker))
            elif network.hidden[w]:
                raise AssertionError("a shown number is hidden in the network")
            else:
                network.hide(w, *model.bounds(w, marker))
                added.append(w)
            status[w] = marker
    return added


def _withheld(table: CountTable, model: _Model, fixed: Mapping[Position, Cell], k: int) -> Protection:
    marker = Hidden(Reason.WITHHELD, k)
    status: dict[int, Cell] = {v: fixed.get(p, marker) for v, p in enumerate(model.positions)}
    network = _network(model, status)
    lacking = [v for v in _hidden(status) if not network.is_protected(v)]
    if any(1 <= model.values[v] < k or model.positions[v] in fixed for v in lacking):
        # show nothing but the fixed numbers: nothing here is new to a reader of those
        unwitnessed = frozenset(model.positions[v] for v in lacking)
        return _result(table, model, status, network, k, Mode.WITHHELD, unwitnessed)
    for v in lacking:
        # no cycle passes through it, so no witness of another hidden number changes it: showing
        # it (it is not small) leaves every other hidden number as protected as before
        status[v] = model.values[v]
    return _result(table, model, status, network, k, Mode.WITHHELD)


def _result(
    table: CountTable,
    model: _Model,
    status: dict[int, Cell],
    network: Network,
    k: int,
    mode: Mode,
    unwitnessed: frozenset[Position] = frozenset(),
) -> Protection:
    shown = {model.positions[v]: c for v, c in status.items()}
    rows, cols = len(table.layout.row_keys), len(table.layout.col_keys)
    protected = ProtectedTable(
        layout=table.layout,
        cells=tuple(tuple(shown["cell", i, j] for j in range(cols)) for i in range(rows)) if cols else (),
        row_totals=tuple(shown["row", i, -1] for i in range(rows)),
        col_totals=tuple(shown["col", -1, j] for j in range(cols)),
        grand=shown[GRAND],
        k=k,
        mode=mode,
        scope=table.scope,
    )
    return Protection(protected, model, network, unwitnessed)
