"""What the portal's pages and exports show, as protected view models. Every number here is a
protected cell from ``ciateh.aggregates``: an int, or a marker (``<k``, ``x``). Pages, exports and
PDFs format these and nothing else.

The month figures are read from month snapshots (``ciateh.snapshots``), never counted live: the
latest revision of the month unless a revision is asked for. Each stored (true) table is protected
when read, with the caller's ``k`` (:func:`~ciateh.aggregates.protect_1d`, deterministic; cached in
the process per snapshot, table and ``k``, as snapshots never change).

**One scope, one set of numbers.** On the month page nationality is the top ten and the rest
(:data:`TOP_N`; the categories of at least k, see :func:`~ciateh.aggregates.reshape.top_n`); a
drill-down is the row of the protected cross-tabulation of the two dimensions (protected *with* the
two 1-D tables as margins, :func:`~ciateh.aggregates.protect_margins`), with nationality folded into
the same top ten and rest, so every number of a drill-down that is also on the month page is the
same number or the same marker.

**Changes** against the previous month and the same month a year earlier are computed with
:func:`~ciateh.aggregates.change` from the *protected* numbers of those months' latest snapshots,
matched by category: ``None`` (show "n/a") when either side is hidden, the month has no snapshot or
the category is not in its table. The "Other" row of the top ten changes only when both months list
the same ten.

**Periods** (the Cell): a period's 1-D tables are the sums of its months' true tables (exact:
persons are counted, each in the month of registration), then protected. Each month is read from
its latest *approved* revision, else its latest revision (the month is then listed in
``provisional``); months without a snapshot are listed in ``missing`` and left out (also from the
series). The key figure "cases" is the **sum of the months' distinct cases** (a case with persons
registered in two months counts in each; ``KeyFigure.summed_by_month``): distinct cases cannot be
added across months, and counting them live over up to six years of records is too slow for a page.

Errors: a month, role group or dimension that is not valid raises ``ValueError``; a drill-down of a
month without snapshot, or of a category not in the table, raises ``LookupError`` (a 404).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, selectinload

from ciateh.aggregates import (
    DEFAULT_K,
    REST,
    Cell,
    CountTable,
    Hidden,
    ProtectedTable,
    Scope,
    change,
    protect_1d,
    protect_margins,
)
from ciateh.aggregates.query import is_month, month_range, shift_month
from ciateh.aggregates.reshape import add, collapse_rows, top_keys, top_n, transpose, transpose_protected
from ciateh.models import CaseRecord, MonthSnapshot
from ciateh.snapshots import (
    SNAPSHOT_DIMENSIONS,
    Lru,
    StoredMonth,
    fingerprint,
    revisions,
    snapshots_between,
    stored_crosstab,
    stored_months,
)
from ciateh.snapshots import TOP_N as STORED_TOP_N

#: the breakdowns of the Bureau's month page, in page order: exploitation_form, sex, age_band,
#: minor_at_exploitation, nationality (top ten and the rest), labour_sector, province, partner,
#: protection_stage, judicial_stage (what a snapshot stores)
BUREAU_DIMENSIONS: Final = SNAPSHOT_DIMENSIONS
#: the breakdowns of the Cell's dashboard (victims, over the chosen period)
CELL_DIMENSIONS: Final = ("exploitation_form", "labour_sector", "nationality")
ROLE_GROUPS: Final = ("victims", "suspects")
TREND_LENGTHS: Final = (12, 24, 36)
TOP_N: Final = STORED_TOP_N
#: the key figures of the Cell, in order
KEY_FIGURES: Final = ("victims", "suspects", "minor_victims", "cases")
MAX_PERIOD: Final = 120

Trend = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    month: str
    revision: int
    built_at: datetime
    built_by: str
    approved_at: datetime | None  # None: not approved
    approved_by: str | None


@dataclass(frozen=True)
class Breakdown:
    """One dimension of a month: the protected 1-D table, and for each of its keys (in order) the
    change against the previous month and the same month a year earlier (``None``: not computable,
    because a side is hidden or that month has no snapshot; show "n/a")."""

    dimension: str
    table: ProtectedTable
    change_previous: tuple[int | None, ...]
    change_year: tuple[int | None, ...]


@dataclass(frozen=True)
class MonthReport:
    month: str
    role_group: str
    k: int
    snapshot: SnapshotInfo
    revisions: tuple[SnapshotInfo, ...]  # every revision of the month, oldest first
    data_changed: bool  # the month's records changed after this snapshot was built
    total: Cell
    total_change_previous: int | None
    total_change_year: int | None
    breakdowns: tuple[Breakdown, ...]  # in BUREAU_DIMENSIONS order
    previous_month: str = ""  # the months the changes compare with (YYYY-MM)
    year_earlier: str = ""

    @property
    def is_latest(self) -> bool:
        return self.snapshot.revision == self.revisions[-1].revision

    def breakdown(self, dimension: str) -> Breakdown:
        for item in self.breakdowns:
            if item.dimension == dimension:
                return item
        raise KeyError(dimension)


@dataclass(frozen=True)
class MonthStatus:
    month: str
    latest: SnapshotInfo | None  # None: records but no snapshot yet
    approved: SnapshotInfo | None  # the latest approved revision
    data_changed: bool
    revisions: int = 0  # how many revisions the month has


@dataclass(frozen=True)
class KeyFigure:
    name: str  # "victims", "suspects", "minor_victims", "cases"
    value: Cell  # over the period
    previous: Cell | None  # over the period before, same length (None: no data)
    trend: Trend | None  # None when a side is hidden or missing
    summed_by_month: bool = False  # True for "cases": the sum of each month's distinct cases


@dataclass(frozen=True)
class PeriodReport:
    """The Cell's dashboard (and meeting pack) for ``months`` ending with ``end``."""

    start: str
    end: str
    k: int
    months: tuple[str, ...]
    key_figures: tuple[KeyFigure, ...]
    series: dict[str, ProtectedTable]  # role group -> 1-D table by month (keys = months)
    breakdowns: dict[str, ProtectedTable]  # CELL_DIMENSIONS over the period (victims)
    provisional: tuple[str, ...]  # months shown from a snapshot the Bureau has not approved
    missing: tuple[str, ...]  # months of the period without any snapshot
    previous_start: str = ""  # the period the key figures compare with
    previous_end: str = ""
    snapshots: tuple[SnapshotInfo, ...] = field(default=())  # the revision shown for each month

    def key_figure(self, name: str) -> KeyFigure:
        for figure in self.key_figures:
            if figure.name == name:
                return figure
        raise KeyError(name)


# -- helpers -------------------------------------------------------------------------------------

#: protected tables, keyed by the snapshots they come from (id and digest), the table and k
_PROTECTED: Lru[Hashable, ProtectedTable] = Lru(2048)


def _protected(key: Hashable, make: Callable[[], ProtectedTable]) -> ProtectedTable:
    cached = _PROTECTED.get(key)
    return cached if cached is not None else _PROTECTED.put(key, make())


def clear_cache() -> None:
    _PROTECTED.clear()


def _check_month(month: str) -> None:
    if not is_month(month):
        raise ValueError("a month is written YYYY-MM")


def _check_group(role_group: str) -> None:
    if role_group not in ROLE_GROUPS:
        raise ValueError(f"unknown role group {role_group!r}; one of {', '.join(ROLE_GROUPS)}")


def _info(snapshot: MonthSnapshot) -> SnapshotInfo:
    approval = snapshot.approvals[0] if snapshot.approvals else None
    return SnapshotInfo(
        id=snapshot.id,
        month=snapshot.month,
        revision=snapshot.revision,
        built_at=snapshot.built_at,
        built_by=snapshot.built_by,
        approved_at=approval.approved_at if approval else None,
        approved_by=approval.approved_by if approval else None,
    )


def _ident(snapshot: MonthSnapshot) -> tuple[int, str]:
    return (snapshot.id, snapshot.digest)


def _month_table(
    snapshot: MonthSnapshot, stored: StoredMonth, group: str, dimension: str, k: int
) -> ProtectedTable:
    """The month page's protected 1-D table (nationality: the top ten and the rest)."""

    def make() -> ProtectedTable:
        table = stored.one_d[group][dimension]
        return protect_1d(top_n(table, TOP_N, k) if dimension == "nationality" else table, k)

    return _protected(("month", *_ident(snapshot), group, dimension, k), make)


def _changes(current: ProtectedTable, before: ProtectedTable | None) -> tuple[int | None, ...]:
    if before is None:
        return tuple(None for _ in current.values)
    then = dict(zip(before.layout.row_keys, before.values, strict=True))
    listed = set(current.layout.row_keys) - {REST}
    same_list = listed == set(before.layout.row_keys) - {REST}
    out: list[int | None] = []
    for key, value in zip(current.layout.row_keys, current.values, strict=True):
        if key not in then or (key == REST and not same_list):
            out.append(None)
        else:
            out.append(change(value, then[key]))
    return tuple(out)


def _total_change(current: Cell, before: ProtectedTable | None) -> int | None:
    return None if before is None else change(current, before.grand)


# -- the Bureau ----------------------------------------------------------------------------------


def months_overview(session: Session) -> list[MonthStatus]:
    """Every month that has records or a snapshot, newest first."""
    rows = session.execute(
        select(CaseRecord.registered_month, func.count(), func.max(CaseRecord.updated_at)).group_by(
            CaseRecord.registered_month
        )
    )
    prints = {month: (int(n), last) for month, n, last in rows}
    stmt = (
        select(MonthSnapshot)
        .options(defer(MonthSnapshot.tables), selectinload(MonthSnapshot.approvals))
        .order_by(MonthSnapshot.month, MonthSnapshot.revision)
    )
    by_month: dict[str, list[MonthSnapshot]] = {}
    for snap in session.scalars(stmt):
        by_month.setdefault(snap.month, []).append(snap)
    out = []
    for month in sorted(set(prints) | set(by_month), reverse=True):
        snaps = by_month.get(month, [])
        latest = snaps[-1] if snaps else None
        approved = [s for s in snaps if s.approvals]
        changed = latest is not None and prints.get(month, (0, None)) != (
            latest.source_rows,
            latest.source_updated_at,
        )
        out.append(
            MonthStatus(
                month=month,
                latest=_info(latest) if latest else None,
                approved=_info(approved[-1]) if approved else None,
                data_changed=changed,
                revisions=len(snaps),
            )
        )
    return out


def month_status(session: Session, month: str) -> MonthStatus | None:
    """The status of one month (as in :func:`months_overview`, without counting every month), or
    ``None`` when it has neither records nor a snapshot."""
    _check_month(month)
    snaps = revisions(session, month)
    rows, last = fingerprint(session, month)
    if not snaps and rows == 0:
        return None
    latest = snaps[-1] if snaps else None
    approved = [s for s in snaps if s.approvals]
    return MonthStatus(
        month=month,
        latest=_info(latest) if latest else None,
        approved=_info(approved[-1]) if approved else None,
        data_changed=latest is not None and (rows, last) != (latest.source_rows, latest.source_updated_at),
        revisions=len(snaps),
    )


def month_report(
    session: Session,
    month: str,
    role_group: str = "victims",
    *,
    k: int = DEFAULT_K,
    revision: int | None = None,
) -> MonthReport | None:
    """The month page's figures, or ``None`` when the month has no snapshot (or not that revision)."""
    _check_month(month)
    _check_group(role_group)
    found = revisions(session, month)
    chosen = _choose(found, revision)
    if chosen is None:
        return None
    previous_month, year_earlier = shift_month(month, -1), shift_month(month, -12)
    before = {m: snaps[-1] for m, snaps in _latest_of(session, (previous_month, year_earlier)).items()}
    prev, year = before.get(previous_month), before.get(year_earlier)
    stored = stored_months(session, [s for s in (chosen, prev, year) if s is not None])

    breakdowns = []
    first_before: dict[str, ProtectedTable | None] = {}
    for dimension in BUREAU_DIMENSIONS:
        table = _month_table(chosen, stored[chosen.id], role_group, dimension, k)
        prev_table = _month_table(prev, stored[prev.id], role_group, dimension, k) if prev else None
        year_table = _month_table(year, stored[year.id], role_group, dimension, k) if year else None
        first_before.setdefault("previous", prev_table)
        first_before.setdefault("year", year_table)
        breakdowns.append(
            Breakdown(dimension, table, _changes(table, prev_table), _changes(table, year_table))
        )
    # every 1-D table of a scope shows the same grand total (or the same marker when it is small)
    total = breakdowns[0].table.grand
    return MonthReport(
        month=month,
        role_group=role_group,
        k=k,
        snapshot=_info(chosen),
        revisions=tuple(_info(s) for s in found),
        data_changed=fingerprint(session, month) != (chosen.source_rows, chosen.source_updated_at),
        total=total,
        total_change_previous=_total_change(total, first_before["previous"]),
        total_change_year=_total_change(total, first_before["year"]),
        breakdowns=tuple(breakdowns),
        previous_month=previous_month,
        year_earlier=year_earlier,
    )


def _choose(found: Sequence[MonthSnapshot], revision: int | None) -> MonthSnapshot | None:
    if not found:
        return None
    if revision is None:
        return found[-1]
    return next((s for s in found if s.revision == revision), None)


def _latest_of(session: Session, months: Sequence[str]) -> dict[str, list[MonthSnapshot]]:
    if not months:
        return {}
    found = snapshots_between(session, min(months), max(months))
    return {m: found[m] for m in months if m in found}


def drilldown(
    session: Session,
    month: str,
    role_group: str,
    dimension: str,
    code: str,
    by: str,
    *,
    k: int = DEFAULT_K,
    revision: int | None = None,
) -> ProtectedTable:
    """The persons of category ``code`` of ``dimension`` broken down by ``by``: a row of the
    protected cross-tabulation stored in the snapshot, whose margins are the month page's tables
    (nationality as the top ten and the rest; ``code`` may then be :data:`REST`). The pair is
    protected once: the drill-down of ``by`` by ``dimension`` is a column of the same table."""
    _check_month(month)
    _check_group(role_group)
    for name in (dimension, by):
        if name not in BUREAU_DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
    if dimension == by:
        raise ValueError("a drill-down needs two different dimensions")
    chosen = _choose(revisions(session, month), revision)
    if chosen is None:
        raise LookupError(f"no snapshot of {month}")

    # one protected table per unordered pair (in BUREAU_DIMENSIONS order), transposed for the
    # other order: "a by b" and "b by a" then show the same numbers and markers
    first, second = sorted((dimension, by), key=BUREAU_DIMENSIONS.index)

    def make() -> ProtectedTable:
        table = stored_crosstab(session, chosen, role_group, first, second)
        if "nationality" in (first, second):
            nationality = stored_months(session, [chosen])[chosen.id].one_d[role_group]["nationality"]
            keep = top_keys(nationality, TOP_N, k)
            if first == "nationality":
                table = collapse_rows(table, keep)
            else:
                table = transpose(collapse_rows(transpose(table), keep))
        return protect_margins(table, k)

    protected = _protected(("drill", *_ident(chosen), role_group, first, second, k), make)
    if first != dimension:
        protected = transpose_protected(protected)
    if code not in protected.layout.row_keys:
        raise LookupError(f"{code!r} is not a category of {dimension} in this table")
    return protected.row_slice(code)


def latest_month(session: Session) -> str | None:
    """The newest month with a snapshot."""
    return session.scalar(select(func.max(MonthSnapshot.month)))


# -- the Cell ------------------------------------------------------------------------------------


def _shown(snaps: Sequence[MonthSnapshot]) -> tuple[MonthSnapshot, bool]:
    """The revision the Cell sees: the latest approved, else the latest (provisional: True)."""
    approved = [s for s in snaps if s.approvals]
    return (approved[-1], False) if approved else (snaps[-1], True)


@dataclass(frozen=True)
class _Period:
    """The true figures of a run of months (those with a snapshot)."""

    start: str
    end: str
    months: tuple[str, ...]  # with a snapshot
    snapshots: tuple[MonthSnapshot, ...]
    stored: tuple[StoredMonth, ...]

    @property
    def ident(self) -> tuple[tuple[int, str], ...]:
        return tuple(_ident(s) for s in self.snapshots)

    def total(self, name: str) -> int:
        return sum(s.totals[name] for s in self.stored)

    def series(self, group: str) -> CountTable:
        counts = {m: s.totals[group] for m, s in zip(self.months, self.stored, strict=True)}
        scope = Scope((self.start, self.end), {}, "victims" if group == "victims" else "suspects")
        return CountTable.one_d("month", counts, sum(counts.values()), scope=scope)

    def summed(self, group: str, dimension: str) -> CountTable:
        scope = Scope((self.start, self.end), {}, "victims" if group == "victims" else "suspects")
        if not self.stored:
            return CountTable.one_d(dimension, {}, 0, scope=scope)
        return add([s.one_d[group][dimension] for s in self.stored], scope=scope)


def _period_tables(period: _Period, k: int) -> tuple[dict[str, ProtectedTable], dict[str, Cell]]:
    """The protected series (by group) and the key figures' values of a period."""
    series: dict[str, ProtectedTable] = {}
    for group in ROLE_GROUPS:
        table = period.series(group)
        series[group] = _protected(("series", period.ident, group, k), _protect_later(table, k))
    victims = period.total("victims")
    minors = period.total("minor_victims")

    def minor_table() -> ProtectedTable:
        # shown beside the victims total: protected with its complement, so that "all but 3 victims
        # were minors" does not show either
        return protect_1d(
            CountTable.one_d("minor_at_exploitation", {"yes": minors, REST: victims - minors}, victims), k
        )

    def cases_table() -> ProtectedTable:
        cases = period.total("cases")
        return protect_1d(CountTable.one_d("cases", {"cases": cases}, cases), k)

    values: dict[str, Cell] = {
        "victims": series["victims"].grand,
        "suspects": series["suspects"].grand,
        "minor_victims": _protected(("minors", period.ident, k), minor_table).values[0],
        "cases": _protected(("cases", period.ident, k), cases_table).grand,
    }
    return series, values


def _protect_later(table: CountTable, k: int) -> Callable[[], ProtectedTable]:
    return lambda: protect_1d(table, k)


def _trend(value: Cell, previous: Cell | None) -> Trend | None:
    if previous is None:
        return None
    difference = change(value, previous)
    if difference is None:
        return None
    return "up" if difference > 0 else "down" if difference < 0 else "flat"


def period_report(session: Session, end: str, length: int = 12, *, k: int = DEFAULT_K) -> PeriodReport:
    """The Cell's figures for the ``length`` months ending with ``end`` (YYYY-MM)."""
    _check_month(end)
    if not 1 <= length <= MAX_PERIOD:
        raise ValueError(f"a period is 1 to {MAX_PERIOD} months")
    start = shift_month(end, -(length - 1))
    previous_start, previous_end = shift_month(start, -length), shift_month(start, -1)
    found = snapshots_between(session, previous_start, end)
    months = month_range(start, end)
    previous_months = month_range(previous_start, previous_end)
    chosen: dict[str, tuple[MonthSnapshot, bool]] = {m: _shown(found[m]) for m in found}
    stored = stored_months(session, [snap for snap, _provisional in chosen.values()])

    def period(first: str, last: str, span: Sequence[str]) -> _Period:
        have = [m for m in span if m in chosen]
        snaps = tuple(chosen[m][0] for m in have)
        return _Period(first, last, tuple(have), snaps, tuple(stored[s.id] for s in snaps))

    current = period(start, end, months)
    series, values = _period_tables(current, k)
    before: dict[str, Cell] | None = None
    if all(m in chosen for m in previous_months):
        _series, before = _period_tables(period(previous_start, previous_end, previous_months), k)

    figures = tuple(
        KeyFigure(
            name=name,
            value=values[name],
            previous=before[name] if before is not None else None,
            trend=_trend(values[name], before[name]) if before is not None else None,
            summed_by_month=name == "cases",
        )
        for name in KEY_FIGURES
    )

    def breakdown(dimension: str) -> ProtectedTable:
        def make() -> ProtectedTable:
            table = current.summed("victims", dimension)
            return protect_1d(top_n(table, TOP_N, k) if dimension == "nationality" else table, k)

        return _protected(("period", current.ident, dimension, k), make)

    return PeriodReport(
        start=start,
        end=end,
        k=k,
        months=tuple(months),
        key_figures=figures,
        series=series,
        breakdowns={dimension: breakdown(dimension) for dimension in CELL_DIMENSIONS},
        provisional=tuple(m for m in months if m in chosen and chosen[m][1]),
        missing=tuple(m for m in months if m not in chosen),
        previous_start=previous_start,
        previous_end=previous_end,
        snapshots=tuple(_info(chosen[m][0]) for m in months if m in chosen),
    )


__all__ = [
    "BUREAU_DIMENSIONS",
    "CELL_DIMENSIONS",
    "KEY_FIGURES",
    "ROLE_GROUPS",
    "TOP_N",
    "TREND_LENGTHS",
    "Breakdown",
    "Hidden",
    "KeyFigure",
    "MonthReport",
    "MonthStatus",
    "PeriodReport",
    "SnapshotInfo",
    "drilldown",
    "latest_month",
    "month_report",
    "month_status",
    "months_overview",
    "period_report",
]
