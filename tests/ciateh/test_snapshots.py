"""Month snapshots: the stored tables are the live counts, building is idempotent (also when two
builders race on PostgreSQL), snapshots and approvals are immutable, and a change after approval
becomes a new revision that the month's status shows."""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ciateh import migrate, snapshots
from ciateh.aggregates import count_by, crosstab
from ciateh.aggregates.query import total
from ciateh.aggregates.reshape import collapse_rows, top_keys, transpose
from ciateh.aggregates.serial import from_json, to_json
from ciateh.aggregates.table import CountTable, Layout
from ciateh.audit import verify_chain
from ciateh.models import AuditEntry, CaseRecord, MonthApproval, MonthSnapshot
from ciateh.reports import month_status, months_overview
from ciateh.snapshots import (
    SNAPSHOT_DIMENSIONS,
    ImmutableSnapshotError,
    SnapshotError,
    approve_month,
    build_snapshot,
    latest_snapshot,
    months_with_data,
    stored_crosstab,
    stored_months,
)
from tests.ciateh.aggregates.dataset import PEOPLE, P, insert

NOV = "2024-11"
ACTOR = "user:bureau-test"


@pytest.fixture
def data(session: Session) -> Session:
    insert(session)
    return session


def _without_empty_partners(table: CountTable) -> CountTable:
    """The live table with the partners that have no person in the scope left out (a snapshot lists
    only the partners found)."""
    lay = table.layout
    if lay.row_dim == "partner":
        keep = [i for i, v in enumerate(table.row_totals) if v]
        from ciateh.aggregates.table import Layout

        layout = Layout(
            lay.row_dim,
            tuple(lay.row_keys[i] for i in keep),
            lay.col_dim,
            lay.col_keys,
            lay.row_multi,
            lay.col_multi,
            lay.unit,
        )
        cells = tuple(table.cells[i] for i in keep) if lay.col_keys else ()
        return CountTable(
            layout,
            cells,
            tuple(table.row_totals[i] for i in keep),
            table.col_totals,
            table.grand,
            table.scope,
        )
    if lay.col_dim == "partner":
        return transpose(_without_empty_partners(transpose(table)))
    return table


def _count(session: Session, table: type[object]) -> int:
    return session.scalar(select(sa.func.count()).select_from(table)) or 0  # type: ignore[arg-type]


# -- what is stored ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["victims", "suspects"])
def test_a_snapshot_holds_the_live_counts_of_its_month(data: Session, group: str) -> None:
    snap, created = build_snapshot(data, NOV, ACTOR)
    data.commit()
    assert created and snap.revision == 1
    stored = stored_months(data, [snap])[snap.id]
    for name in SNAPSHOT_DIMENSIONS:
        live = count_by(data, name, month=NOV, role_group=group)  # type: ignore[arg-type]
        assert stored.one_d[group][name] == _without_empty_partners(live), name
    nationality = count_by(data, "nationality", month=NOV, role_group=group)  # type: ignore[arg-type]
    top = top_keys(nationality, 10)
    ranked = sorted(zip(nationality.layout.row_keys, nationality.values, strict=True), key=lambda kv: -kv[1])
    assert top == tuple(key for key, value in ranked if value)[:10]
    for a, b in itertools.permutations(SNAPSHOT_DIMENSIONS, 2):
        live = _without_empty_partners(crosstab(data, a, b, month=NOV, role_group=group))  # type: ignore[arg-type]
        if a == "nationality":
            live = collapse_rows(live, top)  # the ten largest and the rest: what a drill-down shows
        elif b == "nationality":
            live = transpose(collapse_rows(transpose(live), top))
        assert stored_crosstab(data, snap, group, a, b) == live, (a, b)
    assert stored.totals["victims"] == total(data, month=NOV, role_group="victims") == 9
    assert stored.totals["suspects"] == total(data, month=NOV, role_group="suspects") == 2
    assert stored.totals["cases"] == total(data, month=NOV, unit="cases") == 6
    assert stored.totals["minor_victims"] == 1


def test_the_digest_is_the_sha256_of_the_canonical_tables(data: Session) -> None:
    snap, _ = build_snapshot(data, NOV, ACTOR)
    data.commit()
    data.expire_all()
    row = data.get(MonthSnapshot, snap.id)
    assert row is not None
    assert row.digest == snapshots.digest_of(row.tables)
    assert row.tables["supersedes"] is None
    assert (row.source_rows, row.source_updated_at) == snapshots.fingerprint(data, NOV)
    stored = from_json(row.tables["one_d"]["victims"]["sex"])
    assert stored.values == (3, 6, 0, 0)


def test_the_partner_dimension_lists_the_partners_found(data: Session) -> None:
    snap, _ = build_snapshot(data, "2024-12", ACTOR)
    stored = stored_months(data, [snap])[snap.id]
    assert stored.one_d["suspects"]["partner"].layout.row_keys == ("pol",)
    assert stored.one_d["victims"]["partner"].layout.row_keys == ()


def test_a_month_without_records_is_refused(data: Session) -> None:
    with pytest.raises(SnapshotError):
        build_snapshot(data, "2020-01", ACTOR)
    with pytest.raises(SnapshotError):
        build_snapshot(data, "2024-13", ACTOR)
    assert _count(data, MonthSnapshot) == 0


# -- idempotence and revisions -------------------------------------------------------------------


def test_building_twice_stores_one_row_and_one_audit_entry(data: Session) -> None:
    first, created = build_snapshot(data, NOV, ACTOR)
    data.commit()
    audits = _count(data, AuditEntry)
    again, created_again = build_snapshot(data, NOV, "job:monthly_snapshot")
    data.commit()
    assert created and not created_again
    assert again.id == first.id
    assert _count(data, MonthSnapshot) == 1
    assert _count(data, AuditEntry) == audits
    entry = data.scalars(select(AuditEntry).where(AuditEntry.action == "snapshot.built")).one()
    assert entry.actor == ACTOR and entry.details["month"] == NOV and entry.details["revision"] == 1


def _add_person(session: Session, month: str = NOV, **kw: str) -> None:
    person = P("pol", kw.pop("case", "c9"), kw.pop("role", "victim"), month, kw.pop("sex", "female"), **kw)  # type: ignore[arg-type]
    template = session.scalars(select(CaseRecord).limit(1)).one()
    session.add(
        CaseRecord(
            partner_id=template.partner_id,
            record_key=uuid.uuid4().hex,
            case_key=f"key-{person.case}",
            role=person.role,
            offence=person.offence,
            registered_month=person.month,
            labour_sector=person.labour_sector,
            sex=person.sex,
            age_band=person.age_band,
            minor_at_exploitation=person.minor,
            nationality=person.nationality,
            province=person.province,
            recruiter_relation="unknown",
            protection_stage="unknown",
            judicial_stage="unknown",
            anonymiser_version="0.1.0",
            policy_version="2025.1",
            batch_id=template.batch_id,
        )
    )
    session.commit()


def test_new_data_after_approval_make_a_new_revision_never_silently(data: Session) -> None:
    approval = approve_month(data, NOV, ACTOR)
    data.commit()
    first = latest_snapshot(data, NOV)
    assert first is not None and first.revision == 1 and approval.snapshot_id == first.id
    assert approve_month(data, NOV, ACTOR).id == approval.id  # approving again changes nothing
    data.commit()
    assert _count(data, MonthApproval) == 1

    _add_person(data)
    status = {s.month: s for s in months_overview(data)}[NOV]
    assert status.data_changed and status.latest is not None and status.latest.revision == 1
    assert status.approved is not None and status.approved.revision == 1

    second, created = build_snapshot(data, NOV, "job:monthly_snapshot")
    data.commit()
    assert created and second.revision == 2
    assert second.tables["supersedes"] == first.digest
    status = {s.month: s for s in months_overview(data)}[NOV]
    assert not status.data_changed and status.revisions == 2
    assert status.latest is not None and status.latest.revision == 2 and status.latest.approved_at is None
    assert status.approved is not None and status.approved.revision == 1  # the old approval is kept
    assert latest_snapshot(data, NOV, approved_only=True) == first
    # one person more: revision 2 is held back by the publication gate, and never approved
    assert status.published is not None and status.published.revision == 1 and status.withheld
    assert snapshots.published_revision(data, NOV, 5) == first
    assert approve_month(data, NOV, ACTOR).id == approval.id
    data.commit()
    assert [len(s.approvals) for s in snapshots.revisions(data, NOV)] == [1, 0]

    for n in range(5):  # five more like the first: revision 3 differs from 1 by 6 or 0 everywhere
        _add_person(data, case=f"c{20 + n}")
    approve_month(data, NOV, ACTOR)
    data.commit()
    assert [len(s.approvals) for s in snapshots.revisions(data, NOV)] == [1, 0, 1]
    status = {s.month: s for s in months_overview(data)}[NOV]
    assert status.published is not None and status.published.revision == 3 and not status.withheld
    actions = list(data.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert [a for a in actions if a.startswith("snapshot.")] == [
        "snapshot.built",
        "snapshot.approved",
        "snapshot.built",
        "snapshot.built",
        "snapshot.approved",
    ]
    assert verify_chain(data).ok


def test_data_that_go_back_to_an_earlier_state_get_a_revision_of_their_own(data: Session) -> None:
    first, _ = build_snapshot(data, NOV, ACTOR)
    data.commit()
    record = data.scalars(select(CaseRecord).where(CaseRecord.registered_month == NOV).limit(1)).one()
    old_sex = record.sex
    record.sex = "other"
    data.commit()
    second, created = build_snapshot(data, NOV, ACTOR)
    assert created and second.revision == 2
    record.sex = old_sex
    data.commit()
    third, created = build_snapshot(data, NOV, ACTOR)
    data.commit()
    assert created and third.revision == 3 and third.digest != first.digest
    assert third.tables["one_d"] == first.tables["one_d"]


def test_an_update_does_not_go_unnoticed(data: Session) -> None:
    snap, _ = build_snapshot(data, NOV, ACTOR)
    data.commit()
    record = data.scalars(select(CaseRecord).where(CaseRecord.registered_month == NOV).limit(1)).one()
    record.updated_at = record.updated_at + timedelta(seconds=1)
    data.commit()
    assert snapshots.data_changed(data, snap)
    # the same counts: no new revision, yet the month says its data changed since the snapshot
    assert build_snapshot(data, NOV, ACTOR) == (snap, False)


# -- immutability --------------------------------------------------------------------------------


def test_snapshots_cannot_be_changed_or_deleted(data: Session) -> None:
    approve_month(data, NOV, ACTOR)
    data.commit()
    snap = latest_snapshot(data, NOV)
    assert snap is not None
    snap.built_by = "user:mallory"
    with pytest.raises(ImmutableSnapshotError):
        data.flush()
    data.rollback()
    snap = latest_snapshot(data, NOV)
    assert snap is not None
    data.delete(snap)
    with pytest.raises(ImmutableSnapshotError):
        data.flush()
    data.rollback()
    with pytest.raises(ImmutableSnapshotError):
        data.execute(sa.update(MonthSnapshot).values(built_by="user:mallory"))
    data.rollback()
    with pytest.raises(ImmutableSnapshotError):
        data.execute(sa.delete(MonthApproval))
    data.rollback()
    approval = data.scalars(select(MonthApproval)).one()
    approval.approved_by = "user:mallory"
    with pytest.raises(ImmutableSnapshotError):
        data.flush()
    data.rollback()
    assert data.scalars(select(MonthSnapshot.built_by)).one() == ACTOR


def test_months_with_data_and_the_overview(data: Session) -> None:
    assert months_with_data(data) == ["2024-10", "2024-11", "2024-12"]
    build_snapshot(data, "2024-10", ACTOR)
    data.commit()
    overview = months_overview(data)
    assert [s.month for s in overview] == ["2024-12", "2024-11", "2024-10"]
    assert overview[0].latest is None and not overview[0].data_changed
    assert overview[2].latest is not None and overview[2].approved is None
    for status in overview:
        assert month_status(data, status.month) == status
    assert month_status(data, "2020-01") is None


# -- two builders racing (PostgreSQL) ------------------------------------------------------------


@pytest.fixture
def committed_schema() -> Iterator[str]:
    """A schema of its own with committed data (the racing sessions do not share the test's
    transaction), dropped afterwards."""
    base = os.environ.get("CIATEH_TEST_DATABASE_URL")
    if not base:
        pytest.skip("two concurrent builders need PostgreSQL (CIATEH_TEST_DATABASE_URL)")
    schema = f"race_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.mark.parametrize("what", ["build", "approve"])
def test_two_builders_racing_store_one_row(
    committed_schema: str, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    engine = sa.create_engine(committed_schema, pool_size=4)
    make = sessionmaker(engine)
    with make() as session:
        insert(session, PEOPLE)
    barrier = threading.Barrier(2, timeout=30)
    compute = snapshots.compute_tables

    def compute_then_wait(session: Session, month: str) -> dict[str, object]:
        tables = compute(session, month)
        barrier.wait()  # both have counted before either inserts
        return tables

    monkeypatch.setattr(snapshots, "compute_tables", compute_then_wait)
    results: list[tuple[int, bool] | BaseException] = []

    def run(n: int) -> None:
        try:
            with make() as session:
                if what == "build":
                    snap, created = build_snapshot(session, NOV, f"job:builder{n}")
                    results.append((snap.id, created))
                else:
                    approval = approve_month(session, NOV, f"user:bureau{n}")
                    results.append((approval.snapshot_id, True))
                session.commit()
        except BaseException as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [r for r in results if isinstance(r, BaseException)], results
    with make() as session:
        assert _count(session, MonthSnapshot) == 1
        ids = {r[0] for r in results if isinstance(r, tuple)}
        assert ids == {session.scalars(select(MonthSnapshot.id)).one()}
        if what == "build":
            assert sorted(r[1] for r in results if isinstance(r, tuple)) == [False, True]
        else:
            assert _count(session, MonthApproval) == 1
        built = session.scalars(select(AuditEntry).where(AuditEntry.action == "snapshot.built")).all()
        assert len(built) == 1
        assert verify_chain(session).ok
    engine.dispose()


# -- the publication gate ------------------------------------------------------------------------


def _stored(sex: dict[str, int], cross: dict[tuple[str, str], int], cases: int) -> dict[str, object]:
    """Hand-made snapshot tables: victims by sex, by nationality and by both (``cross``: (sex,
    nationality) -> persons); no suspects."""
    nationalities = sorted({n for _s, n in cross})
    by_nationality = {n: sum(v for (_s, m), v in cross.items() if m == n) for n in nationalities}
    grand = sum(sex.values())
    layout = Layout("sex", tuple(sex), "nationality", tuple(nationalities))
    cells = tuple(tuple(cross.get((s, n), 0) for n in nationalities) for s in sex)
    table = CountTable(layout, cells, tuple(sex.values()), tuple(by_nationality.values()), grand)
    empty = CountTable.one_d("sex", {}, 0)
    return {
        "format": snapshots.FORMAT,
        "totals": {"victims": grand, "suspects": 0, "minor_victims": 0, "cases": cases},
        "one_d": {
            "victims": {
                "sex": to_json(CountTable.one_d("sex", sex, grand)),
                "nationality": to_json(CountTable.one_d("nationality", by_nationality, grand)),
            },
            "suspects": {
                "sex": to_json(empty),
                "nationality": to_json(CountTable.one_d("nationality", {}, 0)),
            },
        },
        "crosstabs": {
            "victims": {"sex|nationality": to_json(table)},
            "suspects": {
                "sex|nationality": to_json(CountTable(Layout("sex", (), "nationality", ()), (), (), (), 0))
            },
        },
    }


BEFORE_CROSS = {("female", "RO"): 12, ("female", "MA"): 6, ("male", "RO"): 7, ("male", "MA"): 9}


def test_the_gate_refuses_a_change_of_one_person() -> None:
    before = _stored({"female": 18, "male": 16}, BEFORE_CROSS, 20)
    after = _stored({"female": 19, "male": 16}, {**BEFORE_CROSS, ("female", "RO"): 13}, 20)  # same case
    assert snapshots.small_change(before, after, 5) == "totals/victims"
    new_case = _stored({"female": 19, "male": 16}, {**BEFORE_CROSS, ("female", "RO"): 13}, 21)
    assert snapshots.small_change(before, new_case, 5) == "totals/cases"
    assert not snapshots.publishable(before, after, 5)
    assert snapshots.publishable(before, before, 5)  # nothing changed: nothing to hide


def test_the_gate_accepts_k_alike_persons_and_refuses_a_small_decrease() -> None:
    before = _stored({"female": 18, "male": 16}, BEFORE_CROSS, 20)
    more = _stored({"female": 23, "male": 16}, {**BEFORE_CROSS, ("female", "RO"): 17}, 25)
    assert snapshots.publishable(before, more, 5)
    assert not snapshots.publishable(before, more, 6)  # k is the portal's: 5 is too small for k=6
    fewer = _stored({"female": 16, "male": 16}, {**BEFORE_CROSS, ("female", "RO"): 10}, 20)
    assert snapshots.small_change(before, fewer, 5) == "totals/victims"  # -2
    # a decrease of 2 hidden from the totals (the cases stay, two persons move sex) is refused too
    moved = _stored({"female": 16, "male": 18}, {**BEFORE_CROSS, ("female", "RO"): 10, ("male", "RO"): 9}, 20)
    assert snapshots.small_change(before, moved, 5) == "victims/one_d/sex"


def test_the_gate_looks_at_the_cross_tabulations() -> None:
    """Two persons swap nationality (female RO <-> male MA... ): the 1-D tables and totals stay,
    only the cross-tabulation moves by one in four cells."""
    before = _stored({"female": 18, "male": 16}, BEFORE_CROSS, 20)
    swapped = {
        ("female", "RO"): 11,
        ("female", "MA"): 7,
        ("male", "RO"): 8,
        ("male", "MA"): 8,
    }
    after = _stored({"female": 18, "male": 16}, swapped, 20)
    assert after["one_d"] == before["one_d"]  # type: ignore[index]
    assert snapshots.small_change(before, after, 5) == "victims/crosstabs/sex|nationality"


def test_only_published_revisions_are_shown_and_approved(data: Session) -> None:
    first = approve_month(data, NOV, ACTOR).snapshot
    data.commit()
    _add_person(data, sex="male")
    second, created = build_snapshot(data, NOV, ACTOR)
    data.commit()
    assert created and second.revision == 2
    assert snapshots.published_revision(data, NOV, 5) == first
    assert snapshots.published_revisions(data, snapshots.revisions(data, NOV), 5) == [first]
    assert approve_month(data, NOV, ACTOR).snapshot_id == first.id  # never the held-back revision
    entries = data.scalars(select(AuditEntry).where(AuditEntry.action.like("snapshot.%"))).all()
    assert [e.action for e in entries] == ["snapshot.built", "snapshot.approved", "snapshot.built"]
    # with k = 1 every change is large enough: revision 2 is published for that k
    assert snapshots.published_revision(data, NOV, 1) == second
    assert snapshots.published_revision(data, "2020-01", 5) is None
