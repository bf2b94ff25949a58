"""Pure operations on true count tables (no database): transpose, top-n with the rest, folding the
rows of a cross-tabulation into the top n, and adding the tables of disjoint scopes.

They return true counts like the query layer; protect the result as usual. Each checks the layout it
needs and refuses a table where the sums it would form are not exact (a multi-valued dimension, or
cases counted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ciateh.aggregates.dimensions import DIMENSIONS, REST, listed_codes
from ciateh.aggregates.suppression import ProtectedTable
from ciateh.aggregates.table import CountTable, Layout, Scope


def transpose(table: CountTable) -> CountTable:
    """The same cross-tabulation with rows and columns swapped."""
    lay = table.layout
    if lay.col_dim is None:
        raise ValueError("a 1-D table has no columns to transpose")
    layout = Layout(
        lay.col_dim, lay.col_keys, lay.row_dim, lay.row_keys, lay.col_multi, lay.row_multi, lay.unit
    )
    cols = len(lay.col_keys)
    cells = tuple(tuple(row[j] for row in table.cells) for j in range(cols)) if lay.row_keys else ()
    return CountTable(layout, cells, table.col_totals, table.row_totals, table.grand, table.scope)


def transpose_protected(table: ProtectedTable) -> ProtectedTable:
    """A protected cross-tabulation with rows and columns swapped: the same numbers and markers.
    Protect a pair of dimensions once and transpose the result for the other order, so that the
    drill-downs of ``a`` by ``b`` and of ``b`` by ``a`` show one table (protected twice, once in each
    order, the two could hide different cells, and together give one away)."""
    lay = table.layout
    if lay.col_dim is None:
        raise ValueError("a 1-D table has no columns to transpose")
    layout = Layout(
        lay.col_dim, lay.col_keys, lay.row_dim, lay.row_keys, lay.col_multi, lay.row_multi, lay.unit
    )
    cols = len(lay.col_keys)
    cells = tuple(tuple(row[j] for row in table.cells) for j in range(cols)) if lay.row_keys else ()
    return ProtectedTable(
        layout, cells, table.col_totals, table.row_totals, table.grand, table.k, table.mode, table.scope
    )


def _exact_rows(table: CountTable, what: str) -> None:
    if table.layout.row_multi or table.layout.unit != "persons":
        raise ValueError(f"{what} needs a single-valued row dimension counting persons")


def top_keys(table: CountTable, n: int, k: int | None = None) -> tuple[str, ...]:
    """The keys :func:`top_n` lists for a 1-D table (largest first, ties in table order)."""
    if n < 0:
        raise ValueError("n must not be negative")
    _exact_rows(table, "a top-n table")
    keys = table.layout.row_keys
    ranked = sorted(range(len(keys)), key=lambda i: (-table.row_totals[i], i))
    floor = max(k or 1, 1)
    top = [i for i in ranked if table.row_totals[i] >= floor][:n]
    rest = table.grand - sum(table.row_totals[i] for i in top)
    while k is not None and top and 1 <= rest < k:
        rest += table.row_totals[top.pop()]
    return tuple(keys[i] for i in top)


def top_n(table: CountTable, n: int, k: int | None = None) -> CountTable:
    """The ``n`` largest categories of a 1-D table and one row (key :data:`REST`) for all the others.

    With ``k``: only categories of at least ``k`` are listed, and while the rest would be a small
    count (1..k-1) the smallest listed category joins it; then no number of the result is small
    unless the whole scope is (see :func:`ciateh.aggregates.query.top_n_with_rest`)."""
    if not table.layout.is_1d:
        raise ValueError("a top-n table is made from a 1-D table")
    return collapse_rows(table, top_keys(table, n, k))


def collapse_rows(table: CountTable, keep: Sequence[str]) -> CountTable:
    """The rows ``keep`` (in that order) and one row :data:`REST` summing all the others, cells and
    totals; columns and the grand total unchanged. With the keys of :func:`top_n` of the row margin,
    the row margin of the result is exactly that top-n table."""
    _exact_rows(table, "folding rows")
    lay = table.layout
    index = {key: i for i, key in enumerate(lay.row_keys)}
    try:
        chosen = [index[key] for key in keep]
    except KeyError:
        raise ValueError("a key to keep is not a row of the table") from None
    others = [i for i in range(len(lay.row_keys)) if i not in set(chosen)]
    row_totals = (*(table.row_totals[i] for i in chosen), sum(table.row_totals[i] for i in others))
    cells: tuple[tuple[int, ...], ...] = ()
    if lay.col_keys:
        width = len(lay.col_keys)
        rest = tuple(sum(table.cells[i][j] for i in others) for j in range(width))
        cells = (*(table.cells[i] for i in chosen), rest)
    layout = Layout(lay.row_dim, (*keep, REST), lay.col_dim, lay.col_keys, False, lay.col_multi, lay.unit)
    return CountTable(layout, cells, row_totals, table.col_totals, table.grand, table.scope)


def _ordered(dimension: str, keys: Iterable[str]) -> tuple[str, ...]:
    """Keys in the order the query layer gives them: listed codes first, then the others sorted."""
    dim = DIMENSIONS.get(dimension)
    listed = listed_codes(dim) if dim is not None and dim.name not in ("month", "partner") else ()
    position = {code: i for i, code in enumerate(listed)}
    return tuple(sorted(set(keys), key=lambda key: (position.get(key, len(position)), key)))


def add(tables: Sequence[CountTable], scope: Scope | None = None) -> CountTable:
    """The sum of 1-D tables of one dimension over **disjoint** scopes (say, the months of a range):
    every key of any of them, each count and the grand total summed. Exact for persons, who belong to
    one month each; for cases a case spanning two scopes would be counted twice, so refused."""
    if not tables:
        raise ValueError("nothing to add")
    first = tables[0].layout
    for table in tables:
        lay = table.layout
        if not lay.is_1d or lay.row_dim != first.row_dim or lay.row_multi != first.row_multi:
            raise ValueError("only 1-D tables of one dimension add up")
        if lay.unit != "persons":
            raise ValueError("counts of distinct cases do not add up across scopes")
    keys = _ordered(first.row_dim, (key for table in tables for key in table.layout.row_keys))
    sums = dict.fromkeys(keys, 0)
    for table in tables:
        for key, value in zip(table.layout.row_keys, table.row_totals, strict=True):
            sums[key] += value
    grand = sum(table.grand for table in tables)
    return CountTable.one_d(
        first.row_dim, sums, grand, multi=first.row_multi, scope=scope or Scope(unit="persons")
    )
