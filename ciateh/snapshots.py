"""Month snapshots: build one (idempotently), approve one, read them.

A snapshot of month M stores the **true** count tables of M (persons, registered in M), for the role
groups victims and suspects: the 1-D table of every dimension of :data:`SNAPSHOT_DIMENSIONS`
(nationality in full) and the cross-tabulation of every unordered pair of them (the other order is a
transpose; nationality there folded into its ten largest categories and the rest, which is all a
drill-down shows), plus the key totals (victims, suspects, minor victims, distinct cases). They are counted
by ``ciateh.aggregates`` (:func:`~ciateh.aggregates.cube.cube`) and protected only when shown
(``ciateh.reports``); protection is deterministic, so a snapshot always shows the same figures. The
partner dimension lists the partners with persons in the month (not every partner), so a snapshot
depends on the month's records alone.

**Revisions.** :func:`build_snapshot` computes the tables; when the latest revision of the month
holds the same tables it is returned and nothing changes, else revision n+1 is inserted. The stored
JSON names the digest of the revision it supersedes (``supersedes``), so a month whose data go back to
an earlier state gets a new revision (with a digest of its own) rather than colliding with the old
one. Two builders racing insert one row: the unique constraints (month, revision) and (month, digest)
refuse the second insert, which runs in a SAVEPOINT; the loser reads again and returns the winner's
row (or, if its own data differ, inserts the next revision).

**Publication.** Every revision is protected on its own, but the *difference* of two revisions is
not: with one person added, revision 2 minus revision 1 is that person. So a revision is shown only
when it is *published* (:func:`published_revisions`): revision 1 is; a later one when every number of
every stored table (and of the nationality view the month page shows) changed by 0 or by at least k
from the last published revision (:func:`publishable`). Any two published revisions then differ by 0
or at least k in every number. A revision held back stays recorded (immutable, audited) and is
published with a later one once the change is large enough; :func:`approve_month` approves the
latest published revision, never a held-back one.

**Data changed.** ``source_rows`` and ``source_updated_at`` are a cheap fingerprint of the month's
records (their number and last update), taken *before* the tables are counted: when the month's
records differ from the fingerprint, the month page says the data changed since the snapshot (a
change that lands while a build runs is flagged too, never missed).

**Immutable.** An UPDATE or DELETE of a snapshot or an approval through the ORM raises
:class:`ImmutableSnapshotError` (mapper events, and a check of ORM-enabled bulk statements).

Services take a ``Session``, write their audit entries last and leave the commit to the caller.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, defer, selectinload

from ciateh import audit
from ciateh.aggregates import DEFAULT_K, REST, CountTable, RoleGroup
from ciateh.aggregates.cube import cube
from ciateh.aggregates.query import is_month, total
from ciateh.aggregates.reshape import collapse_rows, top_keys, transpose
from ciateh.aggregates.serial import from_json, to_json
from ciateh.models import CaseRecord, MonthApproval, MonthSnapshot

#: the dimensions a snapshot stores, in the Bureau's page order (``reports.BUREAU_DIMENSIONS``)
SNAPSHOT_DIMENSIONS: Final = (
    "exploitation_form",
    "sex",
    "age_band",
    "minor_at_exploitation",
    "nationality",  # in full; the pages show the top ten and the rest
    "labour_sector",
    "province",
    "partner",
    "protection_stage",
    "judicial_stage",
)
#: nationality in a stored cross-tabulation: the ten largest (true counts) and the rest
TOP_N: Final = 10
SNAPSHOT_GROUPS: Final[tuple[RoleGroup, ...]] = ("victims", "suspects")
FORMAT: Final = 1
_MAX_ATTEMPTS = 5


class SnapshotError(Exception):
    """A snapshot that cannot be built (a bad month, a month without records); safe to print."""


class ImmutableSnapshotError(RuntimeError):
    """Snapshots and approvals are never changed or deleted."""


# -- immutability --------------------------------------------------------------------------------


def _column_changes(mapper: Mapper[Any], target: object) -> list[str]:
    state = inspect(target)
    return [a.key for a in state.attrs if a.key in mapper.column_attrs and a.history.has_changes()]


def _refuse_update(mapper: Mapper[Any], _connection: Connection, target: object) -> None:
    # an object becomes "dirty" when only a relationship changed (an approval added): no UPDATE
    if _column_changes(mapper, target):
        raise ImmutableSnapshotError(f"{type(target).__name__} rows are immutable: not updated")


def _refuse_delete(_mapper: Mapper[Any], _connection: Connection, target: object) -> None:
    raise ImmutableSnapshotError(f"{type(target).__name__} rows are immutable: not deleted")


for _model in (MonthSnapshot, MonthApproval):
    event.listen(_model, "before_update", _refuse_update)
    event.listen(_model, "before_delete", _refuse_delete)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.is_orm_statement:
        mappers = state.all_mappers
        if any(m.class_ in (MonthSnapshot, MonthApproval) for m in mappers):
            raise ImmutableSnapshotError("month snapshots and approvals are immutable")


# -- counting ------------------------------------------------------------------------------------


def fingerprint(session: Session, month: str) -> tuple[int, datetime | None]:
    """The number of the month's records and their last update."""
    row = session.execute(
        select(func.count(), func.max(CaseRecord.updated_at)).where(CaseRecord.registered_month == month)
    ).one()
    return int(row[0]), row[1]


def compute_tables(session: Session, month: str) -> dict[str, Any]:
    """The true tables of ``month`` as stored in a snapshot (without ``supersedes``)."""
    one_d: dict[str, Any] = {}
    crosstabs: dict[str, Any] = {}
    totals: dict[str, int] = {}
    for group in SNAPSHOT_GROUPS:
        tables = cube(session, SNAPSHOT_DIMENSIONS, month=month, role_group=group, listed_partners=False)
        one_d[group] = {name: to_json(table) for name, table in tables.one_d.items()}
        top = top_keys(tables.one_d["nationality"], TOP_N)
        crosstabs[group] = {
            f"{a}|{b}": to_json(_fold_nationality(table, top)) for (a, b), table in tables.pairs.items()
        }
        totals[group] = tables.one_d["sex"].grand
        if group == "victims":
            minor = tables.one_d["minor_at_exploitation"]
            totals["minor_victims"] = dict(zip(minor.layout.row_keys, minor.values, strict=True)).get(
                "yes", 0
            )
    totals["cases"] = total(session, month=month, unit="cases")
    # totals: persons of each group, minor victims, distinct cases of the month (all roles)
    return {"format": FORMAT, "month": month, "totals": totals, "one_d": one_d, "crosstabs": crosstabs}


def _fold_nationality(table: CountTable, top: Sequence[str]) -> CountTable:
    """A cross-tabulation with nationality folded into the ``top`` and the rest: the drill-downs
    show nationality as the month page does (the ten largest of at least k, and the rest), and those
    ten are always among the ten largest, so the rest can be folded further when read."""
    if table.layout.row_dim == "nationality":
        return collapse_rows(table, top)
    if table.layout.col_dim == "nationality":
        return transpose(collapse_rows(transpose(table), top))
    return table


def digest_of(tables: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``tables`` (keys sorted, no spaces, UTF-8)."""
    text = json.dumps(tables, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- reading -------------------------------------------------------------------------------------


def revisions(session: Session, month: str) -> list[MonthSnapshot]:
    """Every revision of ``month``, oldest first, approvals loaded, the tables not (deferred)."""
    stmt = (
        select(MonthSnapshot)
        .where(MonthSnapshot.month == month)
        .options(defer(MonthSnapshot.tables), selectinload(MonthSnapshot.approvals))
        .order_by(MonthSnapshot.revision)
    )
    return list(session.scalars(stmt))


def snapshots_between(session: Session, start: str, end: str) -> dict[str, list[MonthSnapshot]]:
    """The revisions of every month from ``start`` to ``end`` (inclusive) that has any, oldest first."""
    stmt = (
        select(MonthSnapshot)
        .where(MonthSnapshot.month.between(start, end))
        .options(defer(MonthSnapshot.tables), selectinload(MonthSnapshot.approvals))
        .order_by(MonthSnapshot.month, MonthSnapshot.revision)
    )
    out: dict[str, list[MonthSnapshot]] = {}
    for snap in session.scalars(stmt):
        out.setdefault(snap.month, []).append(snap)
    return out


def latest_snapshot(session: Session, month: str, approved_only: bool = False) -> MonthSnapshot | None:
    """The newest revision of ``month`` (the newest approved one with ``approved_only``)."""
    found = revisions(session, month)
    if approved_only:
        found = [snap for snap in found if snap.approvals]
    return found[-1] if found else None


def months_with_data(session: Session) -> list[str]:
    """Every month with records, oldest first."""
    stmt = select(CaseRecord.registered_month).distinct().order_by(CaseRecord.registered_month)
    return list(session.scalars(stmt))


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A small thread-safe least-recently-used cache (for values derived from immutable snapshots)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class StoredMonth:
    """The 1-D tables (group -> dimension -> table) and totals of one snapshot, as stored."""

    one_d: dict[str, dict[str, CountTable]]
    totals: dict[str, int]


#: keyed by (snapshot id, digest): an id alone may come back after a rolled-back insert (SQLite)
_STORED: Lru[tuple[int, str], StoredMonth] = Lru(512)
_CROSSTABS: Lru[tuple[int, str, str, str], CountTable] = Lru(256)


def stored_months(session: Session, snapshots: Sequence[MonthSnapshot]) -> dict[int, StoredMonth]:
    """The 1-D tables and totals of ``snapshots`` (by id), from the cache or one query for the rest."""
    out: dict[int, StoredMonth] = {}
    wanted: dict[int, MonthSnapshot] = {}
    for snap in snapshots:
        cached = _STORED.get((snap.id, snap.digest))
        if cached is None:
            wanted[snap.id] = snap
        else:
            out[snap.id] = cached
    if wanted:
        stmt = select(MonthSnapshot.id, MonthSnapshot.tables["one_d"], MonthSnapshot.tables["totals"]).where(
            MonthSnapshot.id.in_(wanted)
        )
        for snap_id, one_d, totals in session.execute(stmt):
            stored = StoredMonth(
                {group: {dim: from_json(t) for dim, t in tables.items()} for group, tables in one_d.items()},
                {name: int(value) for name, value in totals.items()},
            )
            out[snap_id] = _STORED.put((snap_id, wanted[snap_id].digest), stored)
    return out


def stored_crosstab(session: Session, snapshot: MonthSnapshot, group: str, a: str, b: str) -> CountTable:
    """The stored cross-tabulation ``a`` x ``b`` (rows ``a``) of ``group``, transposed if stored the
    other way round. Nationality in it is the ten largest and the rest (:data:`TOP_N`)."""
    key = (snapshot.id, snapshot.digest, group, f"{a}|{b}")
    cached = _CROSSTABS.get(key)
    if cached is not None:
        return cached
    pair, flip = f"{a}|{b}", False
    if a not in SNAPSHOT_DIMENSIONS or b not in SNAPSHOT_DIMENSIONS or a == b:
        raise ValueError("not a pair of the snapshot's dimensions")
    if SNAPSHOT_DIMENSIONS.index(a) > SNAPSHOT_DIMENSIONS.index(b):
        pair, flip = f"{b}|{a}", True
    data = session.scalar(
        select(MonthSnapshot.tables["crosstabs"][group][pair]).where(MonthSnapshot.id == snapshot.id)
    )
    if data is None:
        raise LookupError("no such table in the snapshot")
    table = from_json(data)
    return _CROSSTABS.put(key, transpose(table) if flip else table)


def clear_caches() -> None:
    _STORED.clear()
    _CROSSTABS.clear()
    _GATE.clear()
    _CHAINS.clear()


# -- publication ---------------------------------------------------------------------------------

#: a number of a stored table, by position: ("grand",), ("row", key), ("col", key), ("cell", row, col)
_Position = tuple[str, ...]


def _numbers(table: CountTable) -> dict[_Position, int]:
    lay = table.layout
    out: dict[_Position, int] = {("grand",): table.grand}
    out.update({("row", key): v for key, v in zip(lay.row_keys, table.row_totals, strict=True)})
    out.update({("col", key): v for key, v in zip(lay.col_keys, table.col_totals, strict=True)})
    if lay.col_keys:
        for row_key, row in zip(lay.row_keys, table.cells, strict=True):
            out.update({("cell", row_key, col_key): v for col_key, v in zip(lay.col_keys, row, strict=True)})
    return out


def _small_change(before: CountTable, after: CountTable, k: int) -> bool:
    """Some number of ``after`` differs from the same number of ``before`` by 1..k-1 (either way);
    a category missing on one side counts 0 there (a table lists the categories with persons)."""
    old, new = _numbers(before), _numbers(after)
    return any(0 < abs(new.get(key, 0) - old.get(key, 0)) < k for key in old.keys() | new.keys())


def _fold(table: CountTable, keep: Sequence[str]) -> CountTable:
    """``table`` with nationality (rows or columns) folded into ``keep`` and the rest."""
    if table.layout.row_dim == "nationality":
        return collapse_rows(table, keep)
    return transpose(collapse_rows(transpose(table), keep))


def _listed(table: CountTable) -> tuple[str, ...]:
    """The nationalities a folded table lists on its own (not the rest)."""
    lay = table.layout
    keys = lay.row_keys if lay.row_dim == "nationality" else lay.col_keys
    return tuple(key for key in keys if key != REST)


def _common(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    return tuple(key for key in first if key in set(second))


def small_change(before: Mapping[str, Any], after: Mapping[str, Any], k: int) -> str | None:
    """The first stored table (its name, like ``victims/one_d/sex``; never a number) in which some
    number changes by 1..k-1 from the snapshot tables ``before`` to ``after``, or ``None``.

    Compared, for each role group: every 1-D table (nationality in full), the nationality table as
    the month page shows it (the top ten of at least k and the rest), every stored cross-tabulation
    (nationality folded as stored, and as a drill-down shows it), and the key totals. Where the two
    revisions list different nationalities on their own, both are folded into the ones they both
    list: that is all the two tables have in common, so all a reader can subtract."""
    if before.get("format") != after.get("format"):
        return "format"
    for name in sorted(set(before["totals"]) | set(after["totals"])):
        if 0 < abs(int(after["totals"].get(name, 0)) - int(before["totals"].get(name, 0))) < k:
            return f"totals/{name}"
    for group in SNAPSHOT_GROUPS:
        old_1d = {dim: from_json(t) for dim, t in before["one_d"][group].items()}
        new_1d = {dim: from_json(t) for dim, t in after["one_d"][group].items()}
        if set(old_1d) != set(new_1d):
            return f"{group}/one_d"
        for dim in old_1d:
            if _small_change(old_1d[dim], new_1d[dim], k):
                return f"{group}/one_d/{dim}"
        # the month page: the top ten (of at least k) and the rest, of each revision
        old_view = top_keys(old_1d["nationality"], TOP_N, k)
        new_view = top_keys(new_1d["nationality"], TOP_N, k)
        shown = _common(old_view, new_view)
        if _small_change(
            collapse_rows(old_1d["nationality"], shown), collapse_rows(new_1d["nationality"], shown), k
        ):
            return f"{group}/top/nationality"
        old_pairs, new_pairs = before["crosstabs"][group], after["crosstabs"][group]
        if set(old_pairs) != set(new_pairs):
            return f"{group}/crosstabs"
        for pair in sorted(old_pairs):
            old, new = from_json(old_pairs[pair]), from_json(new_pairs[pair])
            if "nationality" not in pair.split("|"):
                folds = [(old, new)]
            else:
                stored = _common(_listed(old), _listed(new))
                folds = [(_fold(old, stored), _fold(new, stored)), (_fold(old, shown), _fold(new, shown))]
            if any(_small_change(a, b, k) for a, b in folds):
                return f"{group}/crosstabs/{pair}"
    return None


def publishable(before: Mapping[str, Any], after: Mapping[str, Any], k: int) -> bool:
    """The publication gate: every number of every stored table changes by 0 or by at least ``k``
    from the snapshot tables ``before`` (the last published revision) to ``after``. Then the
    difference of two published revisions shows no change of 1..k-1 persons, so no one person."""
    return small_change(before, after, k) is None


#: gate answers by (before id, digest, after id, digest, k) and published chains by month, revisions, k
_GATE: Lru[tuple[int, str, int, str, int], bool] = Lru(1024)
_CHAINS: Lru[tuple[str, tuple[tuple[int, str], ...], int], tuple[int, ...]] = Lru(1024)


def _stored_tables(session: Session, snapshot: MonthSnapshot) -> dict[str, Any]:
    data = session.scalar(select(MonthSnapshot.tables).where(MonthSnapshot.id == snapshot.id))
    if data is None:
        raise LookupError("no such snapshot")
    return dict(data)


def _gate(session: Session, before: MonthSnapshot, after: MonthSnapshot, k: int) -> bool:
    key = (before.id, before.digest, after.id, after.digest, k)
    cached = _GATE.get(key)
    if cached is not None:
        return cached
    answer = publishable(_stored_tables(session, before), _stored_tables(session, after), k)
    return _GATE.put(key, answer)


def published_revisions(session: Session, found: Sequence[MonthSnapshot], k: int) -> list[MonthSnapshot]:
    """The published revisions among ``found`` (every revision of one month, oldest first, as
    :func:`revisions` returns them), oldest first. Revision 1 is published; a later revision is
    published when it passes :func:`publishable` against the last published revision before it.
    Deterministic from the revisions and ``k`` (cached): a revision once published stays so."""
    if not found:
        return []
    key = (found[0].month, tuple((s.id, s.digest) for s in found), k)
    indexes = _CHAINS.get(key)
    if indexes is None:
        chosen = [0]
        for index in range(1, len(found)):
            if _gate(session, found[chosen[-1]], found[index], k):
                chosen.append(index)
        indexes = _CHAINS.put(key, tuple(chosen))
    return [found[i] for i in indexes]


def published_revision(session: Session, month: str, k: int) -> MonthSnapshot | None:
    """The latest published revision of ``month`` (``None``: the month has no snapshot): the one
    every page, export and period shows by default (see :func:`published_revisions`)."""
    published = published_revisions(session, revisions(session, month), k)
    return published[-1] if published else None


# -- building ------------------------------------------------------------------------------------


def build_snapshot(session: Session, month: str, actor: str) -> tuple[MonthSnapshot, bool]:
    """The snapshot of ``month`` for its current records: the latest revision if its tables are the
    same (``False``: nothing changed), else a new revision (``True``; audited ``snapshot.built``).

    Raises :class:`SnapshotError` for a month without records and without any snapshot."""
    if not is_month(month):
        raise SnapshotError("a month is written YYYY-MM")
    rows, updated_at = fingerprint(session, month)
    content = compute_tables(session, month)
    for _attempt in range(_MAX_ATTEMPTS):
        existing = revisions(session, month)
        if not existing and rows == 0:
            raise SnapshotError(f"no records registered in {month}")
        if existing:
            latest = existing[-1]
            before = existing[-2].digest if len(existing) > 1 else None
            if digest_of({**content, "supersedes": before}) == latest.digest:
                return latest, False
        tables = {**content, "supersedes": existing[-1].digest if existing else None}
        snapshot = MonthSnapshot(
            month=month,
            revision=existing[-1].revision + 1 if existing else 1,
            digest=digest_of(tables),
            source_rows=rows,
            source_updated_at=updated_at,
            tables=tables,
            built_by=actor,
        )
        try:
            with session.begin_nested():
                session.add(snapshot)
        except IntegrityError:
            continue  # another builder inserted this revision first: read again
        audit.append(
            session,
            actor,
            "snapshot.built",
            {"month": month, "revision": snapshot.revision, "snapshot_id": snapshot.id, "rows": rows},
        )
        return snapshot, True
    raise SnapshotError(f"could not store a snapshot of {month}: too many concurrent builds")


def approve_month(session: Session, month: str, actor: str, *, k: int = DEFAULT_K) -> MonthApproval:
    """Approve the month as the Bureau sees it: build (a new revision if the data changed since the
    latest one), then approve the latest *published* revision (:func:`published_revision`; never one
    the publication gate holds back) unless it already is (audited ``snapshot.approved``, naming the
    latest revision too when it is a newer one not published)."""
    build_snapshot(session, month, actor)
    for _attempt in range(_MAX_ATTEMPTS):
        found = revisions(session, month)
        snapshot = published_revisions(session, found, k)[-1]
        approval = session.scalar(select(MonthApproval).where(MonthApproval.snapshot_id == snapshot.id))
        if approval is not None:
            return approval
        approval = MonthApproval(snapshot_id=snapshot.id, approved_by=actor)
        try:
            with session.begin_nested():
                session.add(approval)
        except IntegrityError:
            continue  # approved by someone else meanwhile
        session.expire(snapshot, ["approvals"])
        details: dict[str, object] = {
            "month": month,
            "revision": snapshot.revision,
            "snapshot_id": snapshot.id,
        }
        if found[-1].revision != snapshot.revision:
            details["latest_revision"] = found[-1].revision  # built, not published
        audit.append(session, actor, "snapshot.approved", details)
        return approval
    raise SnapshotError(f"could not approve {month}")


def data_changed(session: Session, snapshot: MonthSnapshot) -> bool:
    """The month's records differ from the fingerprint taken when ``snapshot`` was built."""
    return fingerprint(session, snapshot.month) != (snapshot.source_rows, snapshot.source_updated_at)
