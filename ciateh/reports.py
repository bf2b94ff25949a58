"""What the portal's pages and exports show, as protected view models. Every number here is a
protected cell from ``ciateh.aggregates``: an int, or a marker (``<k``, ``x``). Pages, exports and
PDFs format these and nothing else.

The month figures are read from month snapshots (``ciateh.snapshots``), never counted live: the
latest *published* revision of the month (:func:`ciateh.snapshots.published_revision`) unless another
published revision is asked for. A revision the publication gate holds back (its change from the
last published one has a number that moved by 1..k-1, so subtracting the two would single out
persons) is listed but its figures are never read: asking for it raises ``LookupError``. Each
stored (true) table is protected when read, with the caller's ``k``
(:func:`~ciateh.aggregates.protect_1d`, deterministic; cached in the process per snapshot, table and
``k``, as snapshots never change).

**One scope, one set of numbers.** On the month page nationality is the top ten and the rest
(:data:`TOP_N`; the categories of at least k, see :func:`~ciateh.aggregates.reshape.top_n`); a
drill-down is the row of the protected cross-tabulation of the two dimensions (protected *with* the
two 1-D tables as margins, :func:`~ciateh.aggregates.protect_margins`), with nationality folded into
the same top ten and rest, so every number of a drill-down that is also on the month page is the
same number or the same marker.

**Changes** against the previous month and the same month a year earlier are computed with
:func:`~ciateh.aggregates.change` from the *protected* numbers of those months' latest snapshots,
matched by category: ``None`` (show "n/a") when either side is hidden, the month has no snapshot or
the category is not in its table. Those months are read from their latest published revisions.
The "Other" row of the top ten changes only when both months list the same ten.

**Periods** (the Cell) publish nothing beyond the month pages. Every number of the Cell's
dashboard and meeting pack is a deterministic function of the numbers the month pages publish: for
each month of the period, its latest published revision, and in it the very protected tables the
month page shows (:func:`_month_table`, the same cache entries). A month without a snapshot is
listed in ``missing`` and left out (a month is ``provisional`` when that revision is not approved).
A month's cell is read as a range (:class:`~ciateh.aggregates.bounds.Range`): a shown number ``n`` is
``n..n``, a marker its :meth:`~ciateh.aggregates.Hidden.bounds` (``<k`` 1..k-1, or 0..k-1 in a small
line; secondary ``x`` k or more; withheld ``x`` 0 or more). Then:

- a category, a total (victims, suspects: the month page's totals; minor victims: the month page's
  "yes" of minor_at_exploitation) is the **sum of the months' ranges**: exact when every month shows
  a number, else ``[sum of lower bounds, sum of upper bounds]`` (unbounded when a term is);
- **cases**: the month pages do not show distinct cases, so the Cell publishes each month's cases as
  one number protected like a total (shown when 0 or at least k, else ``<k``; the "cases" column of
  the per-month series) and sums those (a case with persons registered in two months counts in
  each; ``KeyFigure.summed_by_month``);
- the **per-month series** is exactly those month totals (no protection of its own);
- **nationality**: a month page lists its largest codes (top ten) and the rest, so a code it does
  not list lies in ``0..min(rest, smallest listed)`` there; the period lists the ten codes with the
  largest lower bound (of those some month lists) with their summed ranges, and the rest as a range
  (see :func:`_nationality`);
- **trends** compare ranges: up or down only when the two periods' ranges do not overlap, "flat"
  when both are the same exact number, else ``None`` (cannot tell).

*Why nothing leaks.* Let M be everything the month pages publish. Each Cell number is f(M) for a
fixed, public f; so is any combination of Cell numbers (two dashboards ending a month apart, a
one-month pack, a pack and a dashboard): whatever can be derived from M and the Cell's numbers can
be derived from M alone. The protection of each month page (no hidden number recoverable from it,
and the publication gate between its revisions) therefore covers the Cell, and the period sums are
not protected again (a protection of the sum would publish a new number, the difference attack).
What M itself allows (a hidden number narrowed to a range) is unchanged.

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
    Hidden,
    ProtectedTable,
    Reason,
    change,
    protect_1d,
    protect_margins,
)
from ciateh.aggregates.bounds import ZERO, Range, RangeTable, smallest
from ciateh.aggregates.bounds import total as sum_of
from ciateh.aggregates.query import is_month, month_range, shift_month
from ciateh.aggregates.reshape import collapse_rows, top_keys, top_n, transpose, transpose_protected
from ciateh.models import CaseRecord, MonthSnapshot
from ciateh.snapshots import (
    SNAPSHOT_DIMENSIONS,
    Lru,
    StoredMonth,
    fingerprint,
    published_revisions,
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
#: the Cell's per-month columns: the month pages' totals, and each month's cases
SERIES: Final = ("victims", "suspects", "cases")
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
    #: False: held back by the publication gate (its figures are never shown)
    published: bool = True


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
    #: a revision newer than the latest published one exists (held back: its figures are not shown)
    withheld: bool = False
    #: the month's records changed after its latest revision (any) was built: a build would add one
    unbuilt_changes: bool = False

    @property
    def published(self) -> SnapshotInfo:
        """The latest published revision (shown by default)."""
        return [info for info in self.revisions if info.published][-1]

    @property
    def is_latest(self) -> bool:
        """This is the latest published revision."""
        return self.snapshot.revision == self.published.revision

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
    data_changed: bool  # the records changed after the latest revision was built
    revisions: int = 0  # how many revisions the month has
    published: SnapshotInfo | None = None  # the latest published revision (what pages show)

    @property
    def withheld(self) -> bool:
        """A revision newer than the published one exists, held back by the publication gate."""
        if self.latest is None or self.published is None:
            return False
        return self.latest.revision != self.published.revision


@dataclass(frozen=True)
class KeyFigure:
    """A key figure of the Cell over a period, as a range derived from the month pages."""

    name: str  # "victims", "suspects", "minor_victims", "cases"
    value: Range  # over the period
    previous: Range | None  # over the period before, same length (None: not every month has data)
    trend: Trend | None  # None: no previous period, or the ranges overlap (cannot tell)
    summed_by_month: bool = False  # True for "cases": the sum of each month's distinct cases


@dataclass(frozen=True)
class PeriodReport:
    """The Cell's dashboard (and meeting pack) for ``months`` ending with ``end``: every range a
    function of the numbers the month pages publish (see the module's docstring)."""

    start: str
    end: str
    k: int
    months: tuple[str, ...]
    key_figures: tuple[KeyFigure, ...]
    #: SERIES -> one value per month with a snapshot (keys = months): what the month page shows
    #: (its victims or suspects total, or the month's cases protected as a total), and their sum
    series: dict[str, RangeTable]
    breakdowns: dict[str, RangeTable]  # CELL_DIMENSIONS over the period (victims)
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


def _info(snapshot: MonthSnapshot, published: bool = True) -> SnapshotInfo:
    approval = snapshot.approvals[0] if snapshot.approvals else None
    return SnapshotInfo(
        id=snapshot.id,
        month=snapshot.month,
        revision=snapshot.revision,
        built_at=snapshot.built_at,
        built_by=snapshot.built_by,
        approved_at=approval.approved_at if approval else None,
        approved_by=approval.approved_by if approval else None,
        published=published,
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


def months_overview(session: Session, *, k: int = DEFAULT_K) -> list[MonthStatus]:
    """Every month that has records or a snapshot, newest first (published revisions for ``k``)."""
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
    return [
        _status(session, month, by_month.get(month, []), prints.get(month, (0, None)), k)
        for month in sorted(set(prints) | set(by_month), reverse=True)
    ]


def _status(
    session: Session, month: str, snaps: Sequence[MonthSnapshot], now: tuple[int, datetime | None], k: int
) -> MonthStatus:
    latest = snaps[-1] if snaps else None
    published = published_revisions(session, snaps, k)
    approved = [s for s in snaps if s.approvals]
    return MonthStatus(
        month=month,
        latest=_info(latest, latest in published) if latest else None,
        approved=_info(approved[-1]) if approved else None,
        data_changed=latest is not None and now != (latest.source_rows, latest.source_updated_at),
        revisions=len(snaps),
        published=_info(published[-1]) if published else None,
    )


def month_status(session: Session, month: str, *, k: int = DEFAULT_K) -> MonthStatus | None:
    """The status of one month (as in :func:`months_overview`, without counting every month), or
    ``None`` when it has neither records nor a snapshot."""
    _check_month(month)
    snaps = revisions(session, month)
    now = fingerprint(session, month)
    if not snaps and now[0] == 0:
        return None
    return _status(session, month, snaps, now, k)


def month_report(
    session: Session,
    month: str,
    role_group: str = "victims",
    *,
    k: int = DEFAULT_K,
    revision: int | None = None,
) -> MonthReport | None:
    """The month page's figures, or ``None`` when the month has no snapshot (or not that revision):
    the latest published revision, or the published ``revision``. A revision held back by the
    publication gate raises ``LookupError`` (a 404): its figures are never shown."""
    _check_month(month)
    _check_group(role_group)
    found = revisions(session, month)
    published = published_revisions(session, found, k)
    chosen = _choose(found, published, revision)
    if chosen is None:
        return None
    previous_month, year_earlier = shift_month(month, -1), shift_month(month, -12)
    before = {
        m: published_revisions(session, snaps, k)[-1]
        for m, snaps in _latest_of(session, (previous_month, year_earlier)).items()
    }
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
    now = fingerprint(session, month)
    return MonthReport(
        month=month,
        role_group=role_group,
        k=k,
        snapshot=_info(chosen),
        revisions=tuple(_info(s, s in published) for s in found),
        data_changed=now != (chosen.source_rows, chosen.source_updated_at),
        total=total,
        total_change_previous=_total_change(total, first_before["previous"]),
        total_change_year=_total_change(total, first_before["year"]),
        breakdowns=tuple(breakdowns),
        previous_month=previous_month,
        year_earlier=year_earlier,
        withheld=published[-1] is not found[-1],
        unbuilt_changes=now != (found[-1].source_rows, found[-1].source_updated_at),
    )


def _choose(
    found: Sequence[MonthSnapshot], published: Sequence[MonthSnapshot], revision: int | None
) -> MonthSnapshot | None:
    """The revision to show: the latest published, or ``revision`` (``None``: no such revision;
    ``LookupError``: it is held back by the publication gate)."""
    if not found:
        return None
    if revision is None:
        return published[-1]
    chosen = next((s for s in found if s.revision == revision), None)
    if chosen is not None and chosen not in published:
        raise LookupError(f"revision {revision} of {chosen.month} is not published")
    return chosen


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
    protected once: the drill-down of ``by`` by ``dimension`` is a column of the same table. Read
    from the latest published revision, or the published ``revision`` (held back: ``LookupError``)."""
    _check_month(month)
    _check_group(role_group)
    for name in (dimension, by):
        if name not in BUREAU_DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
    if dimension == by:
        raise ValueError("a drill-down needs two different dimensions")
    found = revisions(session, month)
    chosen = _choose(found, published_revisions(session, found, k), revision)
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


#: the month page's victims tables the Cell reads: the first (for the total), the minors, its own
_VICTIM_TABLES: Final = tuple(
    dict.fromkeys((BUREAU_DIMENSIONS[0], "minor_at_exploitation", *CELL_DIMENSIONS))
)


def _case_cell(cases: int, k: int) -> Cell:
    """A month's distinct cases, protected as a total: shown when 0 or at least ``k``, else ``<k``."""
    return Hidden(Reason.SMALL, k) if 1 <= cases < k else cases


@dataclass(frozen=True)
class _Published:
    """What the pages publish of one month (its published revision) that the Cell uses: the month
    page's protected tables of the victims and suspects, and the month's cases as one number."""

    month: str
    snapshot: MonthSnapshot
    victims: dict[str, ProtectedTable]  # _VICTIM_TABLES
    suspects: ProtectedTable  # the first of the month page's suspects tables (for its total)
    cases: Cell

    def sum_of(self, name: str) -> Range:
        if name == "victims":
            return Range.of(self.victims[BUREAU_DIMENSIONS[0]].grand, grand=True)
        if name == "suspects":
            return Range.of(self.suspects.grand, grand=True)
        if name == "cases":
            return Range.of(self.cases, grand=True)
        if name == "minor_victims":
            return _value(self.victims["minor_at_exploitation"], "yes")
        raise KeyError(name)


def _value(table: ProtectedTable, key: str) -> Range:
    """The range a month page's table publishes for ``key`` (a category it does not list: 0)."""
    keys = table.layout.row_keys
    return Range.of(table.values[keys.index(key)]) if key in keys else ZERO


def _published(session: Session, months: Sequence[str], k: int) -> dict[str, _Published]:
    """The published revision of each of ``months`` that has a snapshot, with its protected tables
    as the month page shows them."""
    found = snapshots_between(session, min(months), max(months)) if months else {}
    snaps = {m: published_revisions(session, found[m], k)[-1] for m in months if m in found}
    stored = stored_months(session, list(snaps.values()))
    out = {}
    for month, snap in snaps.items():
        data = stored[snap.id]
        victims = {
            dimension: _month_table(snap, data, "victims", dimension, k) for dimension in _VICTIM_TABLES
        }
        suspects = _month_table(snap, data, "suspects", BUREAU_DIMENSIONS[0], k)
        out[month] = _Published(month, snap, victims, suspects, _case_cell(data.totals["cases"], k))
    return out


def _summed(dimension: str, tables: Sequence[ProtectedTable], grand: Range, k: int) -> RangeTable:
    """A category's range over the months: the sum of what each month page shows for it."""
    keys: list[str] = []
    for table in tables:
        keys += [key for key in table.layout.row_keys if key not in keys]
    values = tuple(sum_of(_value(table, key) for table in tables) for key in keys)
    return RangeTable(dimension, tuple(keys), values, grand, k)


def _nationality(tables: Sequence[ProtectedTable], grand: Range, k: int) -> RangeTable:
    """Nationality over the months, from the month pages' top ten and rest.

    In a month, a listed code has the range of its cell; a code not listed lies in
    ``0..min(upper bound of the rest, smallest upper bound of a listed code)`` (the month page lists
    the largest codes). A code's range over the period sums those. The period lists the
    :data:`TOP_N` codes with the largest lower bound (then the larger upper bound, then the code),
    of those listed in some month, and the rest: in each month the codes it lists that the period
    does not, plus its own rest less what of the period's codes may hide in it."""
    listed: list[str] = []
    for table in tables:
        listed += [key for key in table.layout.row_keys if key != REST and key not in listed]
    bound: list[int | None] = []
    for table in tables:
        shown = zip(table.layout.row_keys, table.values, strict=True)
        bound.append(smallest([Range.of(cell) for key, cell in shown if key != REST] + [_value(table, REST)]))

    def in_month(i: int, table: ProtectedTable, code: str) -> Range:
        return _value(table, code) if code in table.layout.row_keys else Range(0, bound[i])

    ranges = {code: sum_of(in_month(i, t, code) for i, t in enumerate(tables)) for code in listed}

    def rank(code: str) -> tuple[int, int, int, str]:
        found = ranges[code]
        return (-found.lo, found.hi is not None, -(found.hi or 0), code)

    ranked = sorted(listed, key=rank)
    top = [code for code in ranked if ranges[code].lo > 0][:TOP_N]
    rest = ZERO
    for i, table in enumerate(tables):
        others = [_value(table, key) for key in table.layout.row_keys if key not in top and key != REST]
        hiding = sum(1 for code in top if code not in table.layout.row_keys)
        own = _value(table, REST)
        limit = bound[i]
        at_least = own.lo if not hiding else 0 if limit is None else max(0, own.lo - hiding * limit)
        rest = rest + sum_of(others) + Range(at_least, own.hi)
    keys = (*top, REST)
    return RangeTable("nationality", keys, (*(ranges[c] for c in top), rest), grand, k)


def _figures(published: Sequence[_Published]) -> dict[str, Range]:
    return {name: sum_of(p.sum_of(name) for p in published) for name in KEY_FIGURES}


def _trend(value: Range, previous: Range | None) -> Trend | None:
    """Up or down only when the two ranges do not overlap; "flat" when both are the same exact
    number; otherwise ``None``: the ranges overlap and the direction cannot be told."""
    if previous is None:
        return None
    if value.above(previous):
        return "up"
    if previous.above(value):
        return "down"
    if value.is_exact and previous.is_exact:
        return "flat"
    return None


def period_report(session: Session, end: str, length: int = 12, *, k: int = DEFAULT_K) -> PeriodReport:
    """The Cell's figures for the ``length`` months ending with ``end`` (YYYY-MM)."""
    _check_month(end)
    if not 1 <= length <= MAX_PERIOD:
        raise ValueError(f"a period is 1 to {MAX_PERIOD} months")
    start = shift_month(end, -(length - 1))
    previous_start, previous_end = shift_month(start, -length), shift_month(start, -1)
    months = month_range(start, end)
    previous_months = month_range(previous_start, previous_end)
    found = _published(session, [*previous_months, *months], k)
    current = [found[m] for m in months if m in found]

    values = _figures(current)
    before: dict[str, Range] | None = None
    if all(m in found for m in previous_months):
        before = _figures([found[m] for m in previous_months])
    figures = tuple(
        KeyFigure(
            name=name,
            value=values[name],
            previous=before[name] if before is not None else None,
            trend=_trend(values[name], before[name] if before is not None else None),
            summed_by_month=name == "cases",
        )
        for name in KEY_FIGURES
    )
    series = {
        name: RangeTable(
            "month",
            tuple(p.month for p in current),
            tuple(p.sum_of(name) for p in current),
            values[name],
            k,
        )
        for name in SERIES
    }
    grand = values["victims"]
    breakdowns = {
        dimension: (
            _nationality([p.victims[dimension] for p in current], grand, k)
            if dimension == "nationality"
            else _summed(dimension, [p.victims[dimension] for p in current], grand, k)
        )
        for dimension in CELL_DIMENSIONS
    }
    return PeriodReport(
        start=start,
        end=end,
        k=k,
        months=tuple(months),
        key_figures=figures,
        series=series,
        breakdowns=breakdowns,
        provisional=tuple(p.month for p in current if not p.snapshot.approvals),
        missing=tuple(m for m in months if m not in found),
        previous_start=previous_start,
        previous_end=previous_end,
        snapshots=tuple(_info(p.snapshot) for p in current),
    )


__all__ = [
    "BUREAU_DIMENSIONS",
    "CELL_DIMENSIONS",
    "KEY_FIGURES",
    "ROLE_GROUPS",
    "SERIES",
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
