"""Counts for people: every number of every page, export and API of the portal comes from here.

Use the ``protected_*`` functions; each returns a :class:`ProtectedTable` of numbers and markers
(``<k`` for a count of 1..k-1, ``x`` for a count hidden to protect one), never a hidden value, and
:func:`display` turns a cell into text. The raw queries (:func:`count_by`, :func:`crosstab`, ...)
return true counts and are for this package, snapshots and tests, never for display.

``k`` is a parameter of every function (default :data:`DEFAULT_K`, 5; at least 3): the portal passes
the value it is configured with. :func:`recover` is an attacker that sees only published tables,
for tests of pages and exports.

**One table.** Each protected table satisfies the guarantee of
:mod:`ciateh.aggregates.suppression`: no hidden number can be recovered exactly from the shown
numbers, the markers' ranges and the table's row, column and grand-total relations.

**The tables of one scope agree.** A scope is a month (or range), filters, a role group and a unit.
Within a scope, every table shows the scope's grand total when it is not small (and ``<k`` when it
is); the margins of :func:`protected_crosstab` are exactly :func:`protected_count_by` of its two
dimensions (same numbers, same markers), and the cross-tabulation is protected as one system
*together with* those margins; a drill-down (:func:`protected_drilldown`) is a row of that
cross-tabulation. So a page showing a month's tables and a drill-down shows one consistent, jointly
protected set of numbers for each pair of dimensions (every hidden number of the three tables has
a second table in the cross-tabulation's system). Build drill-downs with
:func:`protected_drilldown`, never with ``filters``: a filtered table is a new scope, protected on
its own.

**How the portal avoids differencing between scopes.** Scopes protected independently can be
subtracted: a month next to its year, one period next to a period one month longer, revision 2 of a
month next to revision 1. The portal therefore publishes exactly one kind of protected table, the
month page of the *published* revision of each month, and:

- everything the Cell sees over a period is a fixed function of those month pages (sums of their
  shown numbers, ranges where a month hides one: :mod:`ciateh.aggregates.bounds`,
  :func:`ciateh.reports.period_report`), so no combination of periods reveals more than the months;
- a later revision of a month is published only if every number of every table of the month moved
  by 0 or by at least ``k`` against the last published revision (:mod:`ciateh.snapshots`), so the
  difference of two published revisions singles no one out.

**Residual risks (documented, not solved):**

- *Different scopes are protected independently* where the portal does not use them together:
  :func:`protected_series` and filtered tables (``filters``) are protected on their own; use them
  only for a scope nothing else publishes.
- *Two cross-tabulations* sharing a dimension are each protected with the shared margin; the
  intersection of what each allows for a hidden margin is not checked.
- *Intervals*: a hidden number is never pinned to one value, but may be narrowed to a range.
- *Zeros are shown*: "no minor among these victims" is visible; no one is singled out by it.
- *Top-n* order shows that every unlisted category is at most the smallest listed one.
- Changes between periods must be computed from protected numbers (:func:`change`).
"""

from __future__ import annotations

from typing import Unpack

from sqlalchemy.orm import Session

from ciateh.aggregates.attack import recover
from ciateh.aggregates.dimensions import DIMENSIONS, REST, label
from ciateh.aggregates.display import change, display
from ciateh.aggregates.query import GroupArgs, ScopeArgs, count_by, crosstab, monthly_series, top_n_with_rest
from ciateh.aggregates.suppression import (
    DEFAULT_K,
    Cell,
    Hidden,
    Mode,
    ProtectedTable,
    Reason,
    protect,
)
from ciateh.aggregates.table import (
    GRAND,
    CountTable,
    Layout,
    Position,
    RoleGroup,
    Scope,
    Unit,
    col_total,
    row_total,
)

__all__ = [
    "DEFAULT_K",
    "DIMENSIONS",
    "GRAND",
    "REST",
    "Cell",
    "CountTable",
    "GroupArgs",
    "Hidden",
    "Layout",
    "Mode",
    "Position",
    "ProtectedTable",
    "Reason",
    "RoleGroup",
    "Scope",
    "ScopeArgs",
    "Unit",
    "change",
    "count_by",
    "crosstab",
    "display",
    "label",
    "monthly_series",
    "protect",
    "protect_1d",
    "protect_margins",
    "protected_count_by",
    "protected_crosstab",
    "protected_drilldown",
    "protected_series",
    "protected_top_n",
    "recover",
    "top_n_with_rest",
]


def _keep_grand(table: CountTable, k: int) -> dict[Position, Cell]:
    """The grand total of a scope is shown in every table of it unless it is small."""
    return {} if 1 <= table.grand < k else {GRAND: table.grand}


def protect_1d(table: CountTable, k: int = DEFAULT_K) -> ProtectedTable:
    """Protect a 1-D table showing its scope's grand total (as every table of the scope does)."""
    return protect(table, k, fixed=_keep_grand(table, k))


def protect_margins(table: CountTable, k: int = DEFAULT_K) -> ProtectedTable:
    """Protect a cross-tabulation consistently with the 1-D tables of its two dimensions: its
    margins show exactly what :func:`protect_1d` of each margin shows, and the cells are protected
    as one system with them."""
    rows = protect_1d(table.row_margin(), k)
    cols = protect_1d(table.col_margin(), k)
    fixed: dict[Position, Cell] = {GRAND: rows.grand}
    fixed.update((row_total(i), c) for i, c in enumerate(rows.values))
    fixed.update((col_total(j), c) for j, c in enumerate(cols.values))
    return protect(table, k, fixed=fixed)


def protected_count_by(
    session: Session, dimension: str, *, k: int = DEFAULT_K, **scope: Unpack[ScopeArgs]
) -> ProtectedTable:
    """Counts by one dimension, protected; the total is the scope's total."""
    return protect_1d(count_by(session, dimension, **scope), k)


def protected_crosstab(
    session: Session, row_dim: str, col_dim: str, *, k: int = DEFAULT_K, **scope: Unpack[ScopeArgs]
) -> ProtectedTable:
    """Counts by two dimensions, protected; margins as in :func:`protected_count_by`."""
    return protect_margins(crosstab(session, row_dim, col_dim, **scope), k)


def protected_drilldown(
    session: Session,
    dimension: str,
    value: str,
    by: str,
    *,
    k: int = DEFAULT_K,
    **scope: Unpack[ScopeArgs],
) -> ProtectedTable:
    """The units of category ``value`` of ``dimension``, counted by ``by``: the row of the protected
    cross-tabulation ``dimension`` x ``by``, so its total is the cell shown for ``value`` in
    :func:`protected_count_by` of ``dimension``, hidden when that is hidden."""
    return protected_crosstab(session, dimension, by, k=k, **scope).row_slice(value)


def protected_series(
    session: Session,
    months: tuple[str, str],
    dimension: str | None = None,
    *,
    k: int = DEFAULT_K,
    **scope: Unpack[GroupArgs],
) -> ProtectedTable:
    """Counts per month (rows), by ``dimension`` too when given, protected as one table whose total
    (and column margin) agree with :func:`protected_count_by` over the same range."""
    table = monthly_series(session, months, dimension, **scope)
    return protect_1d(table, k) if dimension is None else protect_margins(table, k)


def protected_top_n(
    session: Session,
    dimension: str = "nationality",
    n: int = 10,
    *,
    k: int = DEFAULT_K,
    **scope: Unpack[ScopeArgs],
) -> ProtectedTable:
    """The ``n`` largest categories of at least ``k`` and the rest (never a small count), protected."""
    return protect_1d(top_n_with_rest(session, dimension, n, k=k, **scope), k)
