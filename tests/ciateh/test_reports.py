"""The view models of the pages, read from snapshots: the protected tables are those of the live
query layer, changes come from protected numbers only, drill-downs agree with the month page, the
Cell's period sums equal live counts, and the published-data attacker recovers nothing."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session

from ciateh.aggregates import (
    DEFAULT_K,
    REST,
    CountTable,
    Hidden,
    ProtectedTable,
    count_by,
    protect_1d,
    protected_count_by,
    protected_drilldown,
    protected_top_n,
    recover,
)
from ciateh.aggregates.bounds import Range
from ciateh.aggregates.bounds import total as sum_of
from ciateh.aggregates.query import total
from ciateh.aggregates.reshape import top_n
from ciateh.reports import (
    BUREAU_DIMENSIONS,
    TOP_N,
    _nationality,
    _published,
    _trend,
    drilldown,
    latest_month,
    month_report,
    period_report,
)
from ciateh.snapshots import approve_month, build_snapshot, published_revision
from tests.ciateh.aggregates.dataset import P, insert

ACTOR = "user:bureau-test"
MONTHS = ("2023-11", "2024-09", "2024-10", "2024-11")
FORMS = ("sexual", "labour", "domestic_servitude", "forced_criminality", "forced_begging")
SECTORS = ("construction", "hospitality", "car_wash", "agriculture", "not_applicable", "domestic_work")
NATIONS = ("RO", "MA", "NG", "BR", "UA", "PH", "AL", "IN", "CN", "VN", "TR", "PK", "EG", "BE", "FR")
PROVINCES = ("BE-BRU", "BE-VAN", "BE-WLG", "BE-VOV", "unknown")


def _people(seed: int = 7) -> list[P]:
    rng = random.Random(seed)
    people = []
    for month, size in zip(MONTHS, (70, 50, 80, 120), strict=True):
        for n in range(size):
            skew = rng.random() ** 2
            people.append(
                P(
                    partner=rng.choice(("pol", "pol", "insp")),
                    case=f"{month}-{n // 3}",
                    role=rng.choice(("victim", "victim", "presumed_victim", "suspect")),
                    month=month,
                    sex=rng.choices(("female", "male", "unknown", "other"), (30, 50, 10, 2))[0],
                    age_band=rng.choices(
                        ("18-20", "21-23", "30-38", "39-47", "9-17", "0-8"), (5, 5, 5, 5, 2, 1)
                    )[0],
                    nationality=NATIONS[int(skew * len(NATIONS))],
                    labour_sector=rng.choice(SECTORS),
                    forms=tuple(sorted(set(rng.sample(FORMS, rng.choice((1, 1, 2)))))),
                    province=rng.choice(PROVINCES),
                    minor=rng.choice(("no", "no", "no", "yes", "unknown")),
                )
            )
    return people


@pytest.fixture
def data(session: Session) -> Session:
    insert(session, _people())
    for month in MONTHS:
        build_snapshot(session, month, ACTOR)
    session.commit()
    return session


def _as_dict(table: ProtectedTable) -> dict[str, object]:
    return dict(zip(table.layout.row_keys, table.values, strict=True))


def _safe(table: ProtectedTable) -> None:
    for _position, cell in table.items():
        assert isinstance(cell, Hidden) or cell == 0 or cell >= table.k
    assert recover(table) == {}


# -- the month page ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["victims", "suspects"])
def test_the_month_page_shows_the_protected_live_tables(data: Session, group: str) -> None:
    report = month_report(data, "2024-11", group)
    assert report is not None
    assert [b.dimension for b in report.breakdowns] == list(BUREAU_DIMENSIONS)
    for item in report.breakdowns:
        if item.dimension == "nationality":
            live = protected_top_n(data, "nationality", TOP_N, month="2024-11", role_group=group)  # type: ignore[arg-type]
        else:
            live = protected_count_by(data, item.dimension, month="2024-11", role_group=group)  # type: ignore[arg-type]
        expected = {
            key: cell for key, cell in _as_dict(live).items() if item.dimension != "partner" or cell != 0
        }
        assert _as_dict(item.table) == expected, item.dimension
        assert item.table.grand == live.grand == report.total
        _safe(item.table)
    assert report.total == total(data, month="2024-11", role_group=group)  # type: ignore[arg-type]
    assert report.k == 5 and report.snapshot.revision == 1 and not report.data_changed


def test_changes_come_from_the_protected_numbers_of_both_months(data: Session) -> None:
    report = month_report(data, "2024-11", "victims")
    previous = month_report(data, "2024-10", "victims")
    year = month_report(data, "2023-11", "victims")
    assert report is not None and previous is not None and year is not None
    assert (report.previous_month, report.year_earlier) == ("2024-10", "2023-11")
    some_hidden = 0
    for item in report.breakdowns:
        for other, changes in ((previous, item.change_previous), (year, item.change_year)):
            before = _as_dict(other.breakdown(item.dimension).table)
            for key, now, delta in zip(item.table.layout.row_keys, item.table.values, changes, strict=True):
                then = before.get(key)
                if key == REST:
                    continue
                if then is None or isinstance(now, Hidden) or isinstance(then, Hidden):
                    assert delta is None, (item.dimension, key)
                    some_hidden += 1
                else:
                    assert delta == now - then  # type: ignore[operator]
    assert some_hidden > 10  # the data do hide some numbers: the None branch is exercised
    assert report.total_change_previous == report.total - previous.total  # type: ignore[operator]
    assert report.total_change_year == report.total - year.total  # type: ignore[operator]


def test_a_month_without_a_previous_snapshot_has_no_changes(data: Session) -> None:
    report = month_report(data, "2024-09", "victims")
    assert report is not None
    assert report.total_change_year is None
    assert all(c is None for b in report.breakdowns for c in b.change_year)
    assert report.total_change_previous is None  # 2024-08 has no snapshot


def test_a_month_without_snapshot_and_bad_arguments(data: Session) -> None:
    assert month_report(data, "2024-12") is None
    assert month_report(data, "2024-11", revision=2) is None
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_report(data, "2024-1")
    with pytest.raises(ValueError, match="role group"):
        month_report(data, "2024-11", "witnesses")
    assert latest_month(data) == "2024-11"


def test_k_is_the_callers(data: Session) -> None:
    five = month_report(data, "2024-11", k=12)
    three = month_report(data, "2024-11", k=3)
    assert five is not None and three is not None
    hidden = lambda r: sum(len(b.table.hidden()) for b in r.breakdowns)  # noqa: E731
    assert 0 < hidden(three) < hidden(five)
    assert five.k == 12 and three.k == 3 and all(b.table.k == 3 for b in three.breakdowns)


# -- drill-down ----------------------------------------------------------------------------------


def test_a_drilldown_is_a_row_of_the_protected_crosstab_and_agrees_with_the_page(data: Session) -> None:
    report = month_report(data, "2024-11", "victims")
    assert report is not None
    sector = _as_dict(report.breakdown("labour_sector").table)
    sex = _as_dict(report.breakdown("sex").table)
    for code in ("construction", "hospitality"):
        table = drilldown(data, "2024-11", "victims", "labour_sector", code, "sex")
        live = protected_drilldown(data, "labour_sector", code, "sex", month="2024-11", role_group="victims")
        assert (table.values, table.grand) == (live.values, live.grand)
        assert table.grand == sector[code]  # the same number (or marker) as on the month page
        assert table.layout.row_keys == tuple(sex)
        assert table.scope.filters == {"labour_sector": code}
        _safe(table)


def test_nationality_drilldowns_use_the_top_ten_and_the_rest(data: Session) -> None:
    report = month_report(data, "2024-11", "victims")
    assert report is not None
    nationality = _as_dict(report.breakdown("nationality").table)
    for code in nationality:
        by_sex = drilldown(data, "2024-11", "victims", "nationality", code, "sex")
        assert by_sex.grand == nationality[code]
    table = drilldown(data, "2024-11", "victims", "sex", "male", "nationality")
    assert table.layout.row_keys == tuple(nationality)
    assert table.grand == _as_dict(report.breakdown("sex").table)["male"]


@pytest.mark.parametrize(
    ("a", "b"), [("labour_sector", "sex"), ("nationality", "partner"), ("age_band", "exploitation_form")]
)
def test_a_by_b_and_b_by_a_are_one_table(data: Session, a: str, b: str) -> None:
    """Each pair is protected once: a reader who drills both ways sees the same numbers and markers."""
    report = month_report(data, "2024-11", "victims")
    assert report is not None
    rows = {
        code: drilldown(data, "2024-11", "victims", a, code, b)
        for code in report.breakdown(a).table.layout.row_keys
    }
    for col in report.breakdown(b).table.layout.row_keys:
        column = drilldown(data, "2024-11", "victims", b, col, a)
        for code, cell in zip(column.layout.row_keys, column.values, strict=True):
            assert _as_dict(rows[code])[col] == cell, (code, col)


def test_drilldown_errors(data: Session) -> None:
    with pytest.raises(LookupError):
        drilldown(data, "2024-12", "victims", "sex", "male", "age_band")
    with pytest.raises(LookupError):
        drilldown(data, "2024-11", "victims", "sex", "dragon", "age_band")
    with pytest.raises(ValueError):
        drilldown(data, "2024-11", "victims", "sex", "male", "sex")
    with pytest.raises(ValueError):
        drilldown(data, "2024-11", "victims", "offence", "both", "sex")


def test_every_drilldown_of_the_month_is_safe(data: Session) -> None:
    report = month_report(data, "2024-11", "suspects")
    assert report is not None
    for item in report.breakdowns[:5]:
        for code in item.table.layout.row_keys[:3]:
            for by in ("sex", "partner", "exploitation_form"):
                if by != item.dimension:
                    _safe(drilldown(data, "2024-11", "suspects", item.dimension, code, by))


# -- the Cell ------------------------------------------------------------------------------------


def _page_range(session: Session, month: str, quantity: str, key: str = "") -> Range:
    """What the month page (its default, published revision) shows, as a range."""
    group = "suspects" if quantity == "suspects" else "victims"
    report = month_report(session, month, group)
    if report is None:
        return Range(0, 0)
    if quantity in ("victims", "suspects"):
        return Range.of(report.total, grand=True)
    if quantity == "minor_victims":
        quantity, key = "minor_at_exploitation", "yes"
    table = report.breakdown(quantity).table
    return Range.of(_as_dict(table)[key]) if key in table.layout.row_keys else Range(0, 0)  # type: ignore[arg-type]


def test_the_cell_reads_the_month_pages_tables(data: Session) -> None:
    found = _published(data, ["2024-09", "2024-10", "2024-11", "2024-12"], DEFAULT_K)
    assert set(found) == {"2024-09", "2024-10", "2024-11"}
    for month, published in found.items():
        page = month_report(data, month, "victims")
        assert page is not None and published.snapshot.id == page.snapshot.id
        for dimension, table in published.victims.items():
            assert table == page.breakdown(dimension).table
        suspects = month_report(data, month, "suspects")
        assert suspects is not None and published.suspects.grand == suspects.total


def test_period_figures_are_the_sums_of_the_month_pages(data: Session) -> None:
    report = period_report(data, "2024-11", 3)
    assert report.months == ("2024-09", "2024-10", "2024-11") and report.missing == ()
    months = ("2024-09", "2024-10", "2024-11")
    live = ("2024-09", "2024-11")
    for dimension in ("exploitation_form", "labour_sector"):
        table = report.breakdowns[dimension]
        truth = _as_dict(count_by(data, dimension, months=live, role_group="victims"))
        for key, value in table.items():
            assert value == sum_of(_page_range(data, m, dimension, key) for m in months), (dimension, key)
            assert value.lo <= truth[key] <= (value.hi if value.hi is not None else truth[key])  # type: ignore[operator]
        assert table.total == report.key_figure("victims").value
    for name in ("victims", "suspects", "minor_victims"):
        value = report.key_figure(name).value
        assert value == sum_of(_page_range(data, m, name) for m in months), name
    # these months are large: their totals are shown, so the sums are exact
    assert report.key_figure("victims").value == Range.exact(total(data, months=live, role_group="victims"))
    assert report.key_figure("suspects").value == Range.exact(total(data, months=live, role_group="suspects"))
    for group in ("victims", "suspects"):
        series = report.series[group]
        assert series.keys == months
        assert series.values == tuple(_page_range(data, m, group) for m in months)
    monthly_cases = sum(total(data, month=m, unit="cases") for m in months)
    cases = report.key_figure("cases")
    assert cases.value == Range.exact(monthly_cases) and cases.summed_by_month
    assert report.series["cases"].values == tuple(
        Range.exact(total(data, month=m, unit="cases")) for m in months
    )
    # some category is hidden in a month page: its period figure is a range, not a number
    assert any(not v.is_exact for t in report.breakdowns.values() for v in t.values)
    assert report.provisional == report.months  # nothing approved yet


def test_nationality_over_a_period_uses_only_the_month_pages_lists() -> None:
    def page(counts: dict[str, int]) -> ProtectedTable:
        table = CountTable.one_d("nationality", counts, sum(counts.values()))
        return protect_1d(top_n(table, TOP_N, 5), 5)

    march = page({"RO": 20, "MA": 9, "NG": 4, "BR": 3, "UA": 2})  # lists RO, MA; the rest 9
    april = page({"RO": 7, "NG": 12, "MA": 2, "BR": 6, "UA": 5})  # lists NG, RO, BR; the rest 7
    assert march.layout.row_keys == ("RO", "MA", REST)
    assert april.layout.row_keys == ("NG", "RO", "BR", REST)
    grand = Range.exact(38) + Range.exact(32)
    result = _nationality([march, april], grand, 5)
    ranges = dict(result.items())
    assert ranges["RO"] == Range.exact(27)
    # MA: 9 in March; not listed in April, where it is at most min(rest 7, smallest listed 6)
    assert ranges["MA"] == Range(9, 15)
    # NG, BR: not listed in March (at most min(rest 9, smallest listed 9) = 9), listed in April
    assert ranges["NG"] == Range(12, 21) and ranges["BR"] == Range(6, 15)
    assert result.keys == ("RO", "NG", "MA", "BR", REST)  # by lower bound; UA is never listed
    # the rest: March's 9 less what NG and BR may take of it (0..9), April's 7 less MA's (at most 6)
    assert ranges[REST] == Range(1, 16) and 1 <= 2 + 5 <= 16
    assert result.total == grand


def test_trends_compare_ranges() -> None:
    assert _trend(Range.exact(30), Range.exact(20)) == "up"
    assert _trend(Range(31, 40), Range(20, 30)) == "up"
    assert _trend(Range(10, 20), Range(21, None)) == "down"
    assert _trend(Range.exact(20), Range.exact(20)) == "flat"
    assert _trend(Range(20, 25), Range(25, 30)) is None  # they overlap: cannot tell
    assert _trend(Range(20, None), Range(10, 12)) == "up"
    assert _trend(Range(20, None), Range(10, None)) is None
    assert _trend(Range.exact(20), None) is None


def test_key_figures_compare_with_the_period_before(data: Session) -> None:
    report = period_report(data, "2024-10", 1)
    assert (report.previous_start, report.previous_end) == ("2024-09", "2024-09")
    victims = report.key_figure("victims")
    before = total(data, month="2024-09", role_group="victims")
    now = total(data, month="2024-10", role_group="victims")
    assert victims.previous == Range.exact(before) and victims.value == Range.exact(now)
    assert victims.trend == ("up" if now > before else "down" if now < before else "flat")
    # a period before without snapshots: no comparison
    longer = period_report(data, "2024-11", 12)
    assert all(f.previous is None and f.trend is None for f in longer.key_figures)
    assert "2024-01" in longer.missing and "2024-01" not in longer.series["victims"].keys
    assert longer.series["victims"].keys == ("2024-09", "2024-10", "2024-11")


def test_the_cell_shows_each_months_published_revision(data: Session) -> None:
    approve_month(data, "2024-10", ACTOR)
    data.commit()
    first = period_report(data, "2024-10", 1)
    assert first.provisional == () and first.snapshots[0].revision == 1
    _insert_more(data, [P("pol", f"x{n}", "victim", "2024-10", "female") for n in range(6)])
    build_snapshot(data, "2024-10", "job:monthly_snapshot")
    data.commit()
    report = period_report(data, "2024-10", 1)
    published = published_revision(data, "2024-10", DEFAULT_K)
    assert published is not None and report.snapshots[0].revision == published.revision
    assert report.key_figure("victims").value == _page_range(data, "2024-10", "victims")
    assert report.provisional == (() if published.approvals else ("2024-10",))


def _insert_more(session: Session, people: list[P]) -> None:
    from sqlalchemy import select

    from ciateh.models import Batch, CaseRecord, Partner

    partner = session.scalars(select(Partner).where(Partner.code == "pol")).one()
    batch = session.scalars(select(Batch).where(Batch.partner_id == partner.id)).first()
    assert batch is not None
    for n, p in enumerate(people):
        session.add(
            CaseRecord(
                partner_id=partner.id, record_key=f"more-{n}-{p.case}", case_key=f"key-{p.case}", role=p.role,
                offence=p.offence, registered_month=p.month, labour_sector=p.labour_sector, sex=p.sex,
                age_band=p.age_band, minor_at_exploitation=p.minor, nationality=p.nationality,
                province=p.province, recruiter_relation="unknown", protection_stage="unknown",
                judicial_stage="unknown", anonymiser_version="0.1.0", policy_version="2025.1",
                batch_id=batch.id,
            )
        )  # fmt: skip
    session.commit()


def test_a_small_period_shows_markers_only(data: Session) -> None:
    # one suspect in December: the month page shows "<5", and so does the Cell
    _insert_more(data, [P("pol", "s1", "suspect", "2024-12", "male")])
    build_snapshot(data, "2024-12", ACTOR)
    data.commit()
    report = period_report(data, "2024-12", 1)
    suspects = report.key_figure("suspects").value
    assert suspects == Range(1, DEFAULT_K - 1) and suspects.display(DEFAULT_K) == "<5"
    assert report.key_figure("victims").value == Range.exact(0)
    for table in report.breakdowns.values():
        assert all(v == Range.exact(0) for v in table.values)


def test_period_arguments(data: Session) -> None:
    with pytest.raises(ValueError):
        period_report(data, "2024-13")
    with pytest.raises(ValueError):
        period_report(data, "2024-11", 0)
    empty = period_report(data, "2020-06", 12)
    assert len(empty.missing) == 12 and empty.key_figure("victims").value == Range.exact(0)


# -- the month page: published revisions only (the publication gate) ----------------------------


def test_a_revision_held_back_by_the_gate_is_never_read(data: Session) -> None:
    from ciateh.reports import month_status

    november = month_report(data, "2024-11")
    assert november is not None
    _insert_more(data, [P("pol", "late", "victim", "2024-10", "female", nationality="NG")])
    build_snapshot(data, "2024-10", "job:monthly_snapshot")
    data.commit()
    report = month_report(data, "2024-10")
    assert report is not None and report.snapshot.revision == 1 and report.withheld
    assert [(r.revision, r.published) for r in report.revisions] == [(1, True), (2, False)]
    assert report.published.revision == 1 and report.is_latest and not report.unbuilt_changes
    with pytest.raises(LookupError):
        month_report(data, "2024-10", revision=2)
    with pytest.raises(LookupError):
        drilldown(data, "2024-10", "victims", "sex", "female", "nationality", revision=2)
    assert month_report(data, "2024-10", revision=3) is None
    status = month_status(data, "2024-10")
    assert status is not None and status.withheld and status.published is not None
    assert status.published.revision == 1 and status.latest is not None and status.latest.revision == 2
    # the next month's changes compare with the published revision of 2024-10
    again = month_report(data, "2024-11")
    assert again is not None and again.breakdowns == november.breakdowns
    assert again.total_change_previous == november.total_change_previous
