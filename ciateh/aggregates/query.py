"""The one query layer for counts: true counts from the case table, as :class:`CountTable`.

Every function takes a SQLAlchemy :class:`~sqlalchemy.orm.Session` (never the Flask request or app)
and runs a fixed, small number of grouped queries per table (one for the cells; one more per margin
that is not the sum of its cells; one for the grand total when neither margin sums to it), never
one per cell. The month filter uses the ``registered_month`` indexes.

What is counted: **persons** (rows of ``anonymous_case``: one person in one case as reported by one
partner) or, with ``unit="cases"``, **distinct cases** (partner and ``case_key``). A multi-valued
dimension (forms of exploitation, means of control) counts a person once in each of their codes, so
its margins are counted, not summed. Nothing here is safe to show: use the ``protected_*`` functions
of :mod:`ciateh.aggregates`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from ciateh.aggregates.dimensions import REST, ROLE_GROUPS, Dimension, dimension, is_known_code, listed_codes
from ciateh.aggregates.reshape import top_n
from ciateh.aggregates.table import CountTable, Layout, RoleGroup, Scope, Unit
from ciateh.models import CaseExploitationForm, CaseMeansOfControl, CaseRecord, Partner

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_CHILD: dict[str, type[CaseExploitationForm] | type[CaseMeansOfControl]] = {
    "exploitation_forms": CaseExploitationForm,
    "means_of_control": CaseMeansOfControl,
}


class GroupArgs(TypedDict, total=False):
    """What a table counts besides its months (the keyword arguments of every query function)."""

    filters: Mapping[str, str] | None
    role_group: RoleGroup
    unit: Unit


class ScopeArgs(GroupArgs, total=False):
    """A scope as keyword arguments: ``month`` or ``months`` (an inclusive range), filters, role group
    and unit; what :func:`make_scope` checks."""

    month: str | None
    months: tuple[str, str] | None


def make_scope(
    *,
    month: str | None = None,
    months: tuple[str, str] | None = None,
    filters: Mapping[str, str] | None = None,
    role_group: RoleGroup = "all",
    unit: Unit = "persons",
) -> Scope:
    """A checked :class:`Scope`: one month, or an inclusive range of months, or all of them."""
    if month is not None and months is not None:
        raise ValueError("give month or months, not both")
    if month is not None:
        months = (month, month)
    if months is not None:
        start, end = months
        if not (_MONTH.fullmatch(start) and _MONTH.fullmatch(end)) or start > end:
            raise ValueError("months must be 'YYYY-MM' and in order")
    if role_group not in ROLE_GROUPS:
        raise ValueError(f"unknown role group {role_group!r}")
    if unit not in ("persons", "cases"):
        raise ValueError(f"unknown unit {unit!r}")
    checked: dict[str, str] = {}
    for name, code in (filters or {}).items():
        dim = dimension(name)
        if not isinstance(code, str) or not is_known_code(dim, code):
            raise ValueError(f"filter {name}: not a code of that dimension")
        checked[name] = code
    return Scope(months, checked, role_group, unit)


def is_month(value: object) -> bool:
    """``value`` is a month written ``YYYY-MM``."""
    return isinstance(value, str) and _MONTH.fullmatch(value) is not None


def shift_month(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (before it when ``n`` is negative)."""
    if not is_month(month):
        raise ValueError("a month is written YYYY-MM")
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end``, inclusive."""
    (y, m), (y2, m2) = (int(start[:4]), int(start[5:])), (int(end[:4]), int(end[5:]))
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# -- SQL -----------------------------------------------------------------------------------------


def _conditions(scope: Scope) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if scope.months is not None:
        start, end = scope.months
        month = CaseRecord.registered_month
        out.append(month == start if start == end else month.between(start, end))
    roles = ROLE_GROUPS[scope.role_group]
    if roles is not None:
        out.append(CaseRecord.role.in_(roles))
    for name, code in scope.filters.items():
        out.append(_is(dimension(name), [code]))
    return out


def _is(dim: Dimension, codes: Sequence[str], negate: bool = False) -> ColumnElement[bool]:
    """Persons whose ``dim`` is one of ``codes`` (or, with ``negate``, none of them)."""
    if dim.source == "column":
        column: InstrumentedAttribute[str] = getattr(CaseRecord, dim.attribute)
        return column.notin_(codes) if negate else column.in_(codes)
    if dim.source == "partner":
        attribute: InstrumentedAttribute[str] = getattr(Partner, dim.attribute)
        chosen = attribute.notin_(codes) if negate else attribute.in_(codes)
        return CaseRecord.partner_id.in_(select(Partner.id).where(chosen))
    child = _CHILD[dim.attribute]
    found = exists().where(child.case_id == CaseRecord.id, child.code.in_(codes))
    return ~found if negate else found


def _selecting(
    scope: Scope, dims: Sequence[Dimension], extra: Sequence[ColumnElement[bool]] = ()
) -> tuple[Select[Any], list[Any]]:
    """The scope's persons joined to what ``dims`` need, and the columns of ``dims`` (labelled
    ``d0``, ``d1``, ...): the start of every grouped query."""
    columns: list[Any] = []
    stmt: Select[Any] = select().select_from(CaseRecord)
    partner_joined = False
    for n, dim in enumerate(dims):
        if dim.source == "multi":
            child = aliased(_CHILD[dim.attribute])
            stmt = stmt.join(child, child.case_id == CaseRecord.id)
            column: Any = child.code
        elif dim.source == "partner":
            if not partner_joined:
                stmt = stmt.join(Partner, Partner.id == CaseRecord.partner_id)
                partner_joined = True
            column = getattr(Partner, dim.attribute)
        else:
            column = getattr(CaseRecord, dim.attribute)
        columns.append(column.label(f"d{n}"))
    return stmt.where(*_conditions(scope), *extra), columns


def _grouped(
    session: Session,
    scope: Scope,
    dims: Sequence[Dimension],
    extra: Sequence[ColumnElement[bool]] = (),
) -> dict[tuple[str, ...], int]:
    """One grouped query: the count for each combination of the categories of ``dims``. Cases are
    counted as the distinct (partner, case key) pairs of each combination, by a grouped count over
    a ``SELECT DISTINCT`` (hashed, where ``count(DISTINCT ...)`` would sort)."""
    stmt, columns = _selecting(scope, dims, extra)
    if scope.unit == "persons":
        stmt = stmt.add_columns(*columns, func.count())
        if columns:
            stmt = stmt.group_by(*columns)
    else:
        units = stmt.add_columns(*columns, CaseRecord.partner_id, CaseRecord.case_key).distinct().subquery()
        keys = [units.c[f"d{n}"] for n in range(len(dims))]
        stmt = select(*keys, func.count()).select_from(units)
        if keys:
            stmt = stmt.group_by(*keys)  # type: ignore[assignment]
    return {tuple(row[:-1]): int(row[-1]) for row in session.execute(stmt)}


def _categories(session: Session, dim: Dimension, scope: Scope, found: set[str]) -> tuple[str, ...]:
    """The categories of ``dim`` in order: every listed code (zeros included), then any other."""
    if dim.name == "month":
        listed: Sequence[str] = month_range(*scope.months) if scope.months else ()
    elif dim.name == "partner":
        listed = list(session.scalars(select(Partner.code).order_by(Partner.code)))
    elif dim.name == "role" and ROLE_GROUPS[scope.role_group] is not None:
        listed = ROLE_GROUPS[scope.role_group] or ()
    else:
        listed = listed_codes(dim)
    known = set(listed)
    return (*listed, *sorted(found - known))


# -- tables --------------------------------------------------------------------------------------


def count_by(session: Session, dimension_name: str, **scope: Unpack[ScopeArgs]) -> CountTable:
    """Counts by one dimension (a 1-D table) and the true total of the scope."""
    return _count_by(session, dimension(dimension_name), make_scope(**scope))


def _count_by(session: Session, dim: Dimension, scope: Scope) -> CountTable:
    counts = _grouped(session, scope, (dim,))
    keys = _categories(session, dim, scope, {key[0] for key in counts})
    values = {key: counts.get((key,), 0) for key in keys}
    layout = Layout(dim.name, keys, row_multi=dim.multi, unit=scope.unit)
    grand = sum(values.values()) if layout.row_margin_exact else _total(session, scope)
    return CountTable(layout, (), tuple(values.values()), (), grand, scope)


def _total(session: Session, scope: Scope) -> int:
    return _grouped(session, scope, ()).get((), 0)


def total(session: Session, **scope: Unpack[ScopeArgs]) -> int:
    """The true number of units (persons, or distinct cases) of a scope."""
    return _total(session, make_scope(**scope))


def crosstab(session: Session, row_dim: str, col_dim: str, **scope: Unpack[ScopeArgs]) -> CountTable:
    """Counts by two dimensions, with true row, column and grand totals."""
    if row_dim == col_dim:
        raise ValueError("a cross-tabulation needs two different dimensions")
    return _crosstab(session, dimension(row_dim), dimension(col_dim), make_scope(**scope))


def _crosstab(session: Session, rdim: Dimension, cdim: Dimension, scope: Scope) -> CountTable:
    counts = _grouped(session, scope, (rdim, cdim))
    probe = Layout(rdim.name, (), cdim.name, (), rdim.multi, cdim.multi, scope.unit)
    by_row = None if probe.rows_exact else _grouped(session, scope, (rdim,))
    by_col = None if probe.cols_exact else _grouped(session, scope, (cdim,))
    row_found = {key[0] for key in counts} | {key[0] for key in by_row or {}}
    col_found = {key[1] for key in counts} | {key[0] for key in by_col or {}}
    rows = _categories(session, rdim, scope, row_found)
    cols = _categories(session, cdim, scope, col_found)
    layout = Layout(rdim.name, rows, cdim.name, cols, rdim.multi, cdim.multi, scope.unit)
    cells = tuple(tuple(counts.get((r, c), 0) for c in cols) for r in rows)
    row_totals = (
        tuple(sum(line) for line in cells) if by_row is None else tuple(by_row.get((r,), 0) for r in rows)
    )
    col_totals = (
        tuple(sum(line[j] for line in cells) for j in range(len(cols)))
        if by_col is None
        else tuple(by_col.get((c,), 0) for c in cols)
    )
    if layout.row_margin_exact:
        grand = sum(row_totals)
    elif layout.col_margin_exact:
        grand = sum(col_totals)
    else:
        grand = _total(session, scope)
    return CountTable(layout, cells, row_totals, col_totals, grand, scope)


def monthly_series(
    session: Session,
    months: tuple[str, str],
    dimension_name: str | None = None,
    **scope: Unpack[GroupArgs],
) -> CountTable:
    """Counts per month over an inclusive range (every month a row, zeros included); by
    ``dimension_name`` too when given (months x categories)."""
    checked = make_scope(months=months, **scope)
    if dimension_name is None:
        return _count_by(session, dimension("month"), checked)
    return _crosstab(session, dimension("month"), dimension(dimension_name), checked)


def top_n_with_rest(
    session: Session,
    dimension_name: str = "nationality",
    n: int = 10,
    *,
    k: int | None = None,
    **scope: Unpack[ScopeArgs],
) -> CountTable:
    """The ``n`` largest categories (ties in list order) and one row for all the others (key
    :data:`~ciateh.aggregates.dimensions.REST`), with the true total.

    With ``k``: only categories counting at least ``k`` are listed, and while the rest would be a
    small count (1..k-1) the smallest listed category joins it. Then no number of the table is small
    unless the whole scope is, so nothing needs suppressing, and the order (largest first) gives
    away no hidden number. Single-valued dimensions only. For persons this is
    :func:`~ciateh.aggregates.reshape.top_n` of :func:`count_by`; distinct cases are counted again
    for the rest (a case may be in a listed category and in another).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    dim = dimension(dimension_name)
    if dim.multi:
        raise ValueError("a top-n table needs a single-valued dimension")
    checked = make_scope(**scope)
    full = _count_by(session, dim, checked)
    if checked.unit == "persons":
        return top_n(full, n, k)
    order = {key: i for i, key in enumerate(full.layout.row_keys)}
    ranked = sorted(
        zip(full.layout.row_keys, full.values, strict=True), key=lambda kv: (-kv[1], order[kv[0]])
    )
    top = [(key, value) for key, value in ranked if value >= max(k or 1, 1)][:n]

    def rest_of(chosen: list[tuple[str, int]]) -> int:
        codes = [key for key, _value in chosen]
        return _grouped(session, checked, (), [_is(dim, codes, negate=True)]).get((), 0)

    rest = rest_of(top)
    while k is not None and top and 1 <= rest < k:
        top.pop()
        rest = rest_of(top)
    counts = {**dict(top), REST: rest}
    return CountTable.one_d(dim.name, counts, full.grand, unit=checked.unit, scope=checked)
