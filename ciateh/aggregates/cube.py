"""Every 1-D table and every cross-tabulation of a set of dimensions for one scope, from a few
grouped queries instead of one or more per table: what a month snapshot stores.

Persons are counted. One query groups the scope's persons by all the single-valued dimensions at
once; one more per multi-valued dimension groups them by its code and the single-valued ones. Every
1-D table and pair follows by summing those groups in Python (each person has exactly one category
of a single-valued dimension, so the sums are exact); a pair of two multi-valued dimensions is
counted by :func:`~ciateh.aggregates.query.crosstab`. The tables are the ones :func:`count_by` and
:func:`crosstab` return for the same scope (same keys, counts, totals and scope), except that with
``listed_partners=False`` the partner dimension lists only the partners found in the scope.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, tuple_
from sqlalchemy.orm import Session

from ciateh.aggregates.dimensions import Dimension, dimension
from ciateh.aggregates.query import _categories, _crosstab, _grouped, _selecting, make_scope
from ciateh.aggregates.table import CountTable, Layout, RoleGroup, Scope


@dataclass(frozen=True)
class Cube:
    """The tables of one scope: ``one_d[dim]`` and ``pairs[(a, b)]`` for ``a`` before ``b`` in the
    order the dimensions were given (the other order is :func:`~ciateh.aggregates.reshape.transpose`)."""

    scope: Scope
    one_d: Mapping[str, CountTable]
    pairs: Mapping[tuple[str, str], CountTable]


def cube(
    session: Session,
    dimensions: Sequence[str],
    *,
    month: str | None = None,
    months: tuple[str, str] | None = None,
    filters: Mapping[str, str] | None = None,
    role_group: RoleGroup = "all",
    listed_partners: bool = True,
) -> Cube:
    """The 1-D tables of ``dimensions`` and their cross-tabulations (every unordered pair), persons."""
    if len(set(dimensions)) != len(dimensions):
        raise ValueError("a dimension is given twice")
    dims = [dimension(name) for name in dimensions]
    scope = make_scope(month=month, months=months, filters=filters, role_group=role_group, unit="persons")
    singles = [d for d in dims if not d.multi]
    pairs_wanted = [(a, b) for a, b in itertools.combinations(dims, 2) if not (a.multi and b.multi)]
    if session.get_bind().dialect.name == "postgresql":
        counts, two, grand = _by_grouping_sets(session, scope, dims, singles)
    else:
        counts, two, grand = _in_python(session, scope, dims, singles, pairs_wanted)

    keys: dict[str, tuple[str, ...]] = {}
    for d in dims:
        found = {key for key, value in counts[d.name].items() if value}
        if d.name == "partner" and not listed_partners:
            keys[d.name] = tuple(sorted(found))
        else:
            keys[d.name] = _categories(session, d, scope, found)

    one_d = {
        d.name: CountTable(
            Layout(d.name, keys[d.name], row_multi=d.multi, unit="persons"),
            (),
            tuple(counts[d.name][key] for key in keys[d.name]),
            (),
            grand,
            scope,
        )
        for d in dims
    }

    def pair(a: Dimension, b: Dimension) -> CountTable:
        if a.multi and b.multi:
            return _crosstab(session, a, b, scope)
        cells = two[(a.name, b.name)]
        rows, cols = keys[a.name], keys[b.name]
        return CountTable(
            Layout(a.name, rows, b.name, cols, a.multi, b.multi, "persons"),
            tuple(tuple(cells[r, c] for c in cols) for r in rows) if cols else (),
            one_d[a.name].row_totals,
            one_d[b.name].row_totals,
            grand,
            scope,
        )

    pairs = {(a.name, b.name): pair(a, b) for a, b in itertools.combinations(dims, 2)}
    return Cube(scope, one_d, pairs)


Counts = dict[str, Counter[str]]
PairCounts = dict[tuple[str, str], Counter[tuple[str, str]]]


def _in_python(
    session: Session,
    scope: Scope,
    dims: Sequence[Dimension],
    singles: Sequence[Dimension],
    pairs: Sequence[tuple[Dimension, Dimension]],
) -> tuple[Counts, PairCounts, int]:
    """One query grouped by every single-valued dimension (and one per multi-valued one, by its
    code and those), summed in Python: any database."""
    by_singles = _grouped(session, scope, singles)
    by_multi = {m.name: _grouped(session, scope, (m, *singles)) for m in dims if m.multi}
    at = {d.name: n for n, d in enumerate(singles)}
    counts: Counts = {}
    for d in singles:
        n = at[d.name]
        counter: Counter[str] = Counter()
        for key, value in by_singles.items():
            counter[key[n]] += value
        counts[d.name] = counter
    for name, grouped in by_multi.items():
        counter = Counter()
        for key, value in grouped.items():
            counter[key[0]] += value
        counts[name] = counter
    two: PairCounts = {}
    for a, b in pairs:
        cells: Counter[tuple[str, str]] = Counter()
        if a.multi or b.multi:
            multi, single = (a, b) if a.multi else (b, a)
            n = 1 + at[single.name]
            for key, value in by_multi[multi.name].items():
                cells[(key[0], key[n]) if a.multi else (key[n], key[0])] += value
        else:
            i, j = at[a.name], at[b.name]
            for key, value in by_singles.items():
                cells[key[i], key[j]] += value
        two[(a.name, b.name)] = cells
    return counts, two, sum(by_singles.values())


def _by_grouping_sets(
    session: Session, scope: Scope, dims: Sequence[Dimension], singles: Sequence[Dimension]
) -> tuple[Counts, PairCounts, int]:
    """The same counts from ``GROUP BY GROUPING SETS`` (PostgreSQL): one query for the single-valued
    dimensions (every pair, every one, and the total), one per multi-valued dimension (its code with
    each single-valued one, and alone). ``grouping()`` tells which columns a row is grouped by."""
    counts: Counts = {d.name: Counter() for d in dims}
    two: PairCounts = {}
    order = {d.name: n for n, d in enumerate(dims)}

    def run(group_dims: Sequence[Dimension], sets: Sequence[tuple[int, ...]]) -> list[tuple[Any, ...]]:
        stmt, columns = _selecting(scope, group_dims)
        grouping_sets = func.grouping_sets(*(tuple_(*(columns[i] for i in s)) for s in sets))
        stmt = stmt.add_columns(*columns, func.grouping(*columns), func.count()).group_by(grouping_sets)
        return [tuple(row) for row in session.execute(stmt)]

    def add_pair(x: Dimension, xv: str, y: Dimension, yv: str, value: int) -> None:
        if order[x.name] > order[y.name]:
            x, xv, y, yv = y, yv, x, xv
        two.setdefault((x.name, y.name), Counter())[(xv, yv)] += value

    n = len(singles)
    sets: list[tuple[int, ...]] = [*itertools.combinations(range(n), 2), *((i,) for i in range(n)), ()]
    grand = 0
    for row in run(singles, sets):
        *values, mask, value = row
        grouped = [i for i in range(n) if not mask & (1 << (n - 1 - i))]
        if not grouped:
            grand = int(value)
        elif len(grouped) == 1:
            counts[singles[grouped[0]].name][values[grouped[0]]] += int(value)
        else:
            i, j = grouped
            add_pair(singles[i], values[i], singles[j], values[j], int(value))
    for multi in (d for d in dims if d.multi):
        with_singles = [multi, *singles]
        sets = [(0, i) for i in range(1, n + 1)] + [(0,)]
        for row in run(with_singles, sets):
            *values, mask, value = row
            grouped = [i for i in range(n + 1) if not mask & (1 << n - i)]
            if grouped == [0]:
                counts[multi.name][values[0]] += int(value)
            else:
                i = grouped[1]
                add_pair(multi, values[0], with_singles[i], values[i], int(value))
    for a, b in itertools.combinations(dims, 2):
        if not (a.multi and b.multi):
            two.setdefault((a.name, b.name), Counter())
    return counts, two, grand
