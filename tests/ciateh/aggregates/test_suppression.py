"""Small-cell protection against adversarial tables: hand-made ones where the naive rules leak, and
random ones from hypothesis. Every protected table is attacked three ways (helpers.py): the
engine's witness tables are verified independently, a linear-algebra attacker looks for hidden
numbers fixed by the equations, and the published-data attacker (attack.recover) propagates the
markers' intervals; tiny tables are also brute-forced."""

from __future__ import annotations

import time
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ciateh.aggregates import protect_1d, protect_margins, recover
from ciateh.aggregates.suppression import (
    Cell,
    Hidden,
    Mode,
    Protection,
    Reason,
    protect,
    protection,
)
from ciateh.aggregates.table import GRAND, CountTable, Position, Unit
from tests.ciateh.aggregates.helpers import (
    Person,
    brute_force,
    check_witnesses,
    determined_by_equations,
    from_units,
    knowledge,
    shown_small,
    table_1d,
    table_2d,
)

K = 5


def assert_safe(table: CountTable, result: Protection, fixed: Mapping[Position, Cell] | None = None) -> None:
    published = result.table
    assert shown_small(published) == [], "a small count is shown"
    if result.unwitnessed:
        # a withheld table that shows nothing but the numbers fixed by the caller
        assert published.mode is Mode.WITHHELD
        assert all(p in (fixed or {}) or isinstance(c, Hidden) for p, c in published.items())
        return
    check_witnesses(table, result)
    assert determined_by_equations(published, table) == []
    assert recover(published) == {}
    know = knowledge(table)
    if len(know.covers) + len(know.equations) == _line_count(table):
        # every unit has a category on every line: an attacker may assume it
        assert recover(published, assume_covered=True) == {}
    for members, total in know.equations:
        # the textbook rule, implied by the cycles: in an exact line whose total is shown, a
        # hidden member never stands alone
        if not isinstance(published.value(total), Hidden):
            assert sum(isinstance(published.value(m), Hidden) for m in members) != 1


def _line_count(table: CountTable) -> int:
    rows, cols = len(table.layout.row_keys), len(table.layout.col_keys)
    return 1 + (rows + cols + 1 if cols else 0)


def markers(values: tuple[object, ...]) -> list[str]:
    return [str(v) for v in values]


# -- 1-D -----------------------------------------------------------------------------------------


def test_one_small_cell_in_1d_hides_exactly_one_more_the_smallest_that_can_move() -> None:
    table = table_1d([10, 2, 30, 7])
    result = protection(table, K, fixed={GRAND: 49})
    assert markers(result.table.values) == ["10", "<5", "30", "x"]
    assert result.table.grand == 49
    assert len(result.table.hidden()) == 2
    assert_safe(table, result)


def test_two_small_cells_in_1d_protect_each_other() -> None:
    table = table_1d([2, 3, 10, 20])
    result = protection(table, K, fixed={GRAND: 35})
    assert markers(result.table.values) == ["<5", "<5", "10", "20"]
    assert_safe(table, result)


def test_partner_at_exactly_k_cannot_shrink_so_a_bigger_one_is_taken() -> None:
    # hiding 5 next to 1 leaks: 5 is "x" so at least 5, 1 is "<5" so at least 1, and they sum to 6
    table = table_1d([1, 5, 9, 20])
    result = protection(table, K, fixed={GRAND: 35})
    assert markers(result.table.values) == ["<5", "5", "x", "20"]
    assert_safe(table, result)


def test_two_primaries_at_the_edges_of_their_range_need_a_third() -> None:
    # 4 + 4: neither can grow, so one shrinking would need the other to grow
    table = table_1d([4, 4, 10, 30])
    result = protection(table, K, fixed={GRAND: 48})
    assert markers(result.table.values) == ["<5", "<5", "x", "30"]
    assert_safe(table, result)


def test_a_split_of_a_shown_total_that_no_marker_pattern_protects_is_withheld() -> None:
    # total 6 shown elsewhere: 5 and 1 would give "x" >= 5 and "<5" >= 1, so 5 and 1 exactly
    table = table_1d([5, 1, 0])
    result = protection(table, K, fixed={GRAND: 6})
    assert markers(result.table.values) == ["x", "x", "x"]
    assert all(isinstance(c, Hidden) and c.reason is Reason.WITHHELD for c in result.table.values)
    assert result.table.grand == 6
    assert_safe(table, result)


def test_without_a_fixed_total_the_total_is_hidden_instead() -> None:
    table = table_1d([5, 1, 0])
    result = protection(table, K)
    assert result.table.mode is Mode.NORMAL
    assert markers(result.table.values) == ["5", "<5", "0"]
    assert isinstance(result.table.grand, Hidden)
    assert_safe(table, result)


@pytest.mark.parametrize(
    "values", [[1, 1, 1, 1], [4], [1, 0, 0], [2, 2], [0, 3, 1]], ids=lambda v: "-".join(map(str, v))
)
def test_a_small_population_hides_everything_zeros_included(values: list[int]) -> None:
    # [1,1,1,1] with total "<5" would otherwise say: four people, one in each category
    table = table_1d(values)
    result = protection(table, K)
    assert result.table.mode is Mode.SMALL_TABLE
    assert all(isinstance(v, Hidden) and v.reason is Reason.SMALL_GROUP for v in result.table.values)
    assert str(result.table.grand) == "<5"
    assert_safe(table, result)


def test_zeros_are_shown_and_all_zero_tables_hide_nothing() -> None:
    table = table_1d([0, 0, 0])
    result = protection(table, K)
    assert result.table.values == (0, 0, 0) and result.table.grand == 0
    assert protect(table_1d([0, 12, 0, 7])).values == (0, 12, 0, 7)


def test_multi_valued_1d_needs_no_secondary_suppression() -> None:
    # forms of exploitation: a person counts in each form, so the forms do not sum to the persons
    table = table_1d([10, 2, 30, 7], multi=True, total=40)
    result = protection(table, K, fixed={GRAND: 40})
    assert markers(result.table.values) == ["10", "<5", "30", "7"]
    assert_safe(table, result)


def test_multi_valued_1d_where_every_person_has_exactly_one_form_is_still_safe() -> None:
    # the forms sum to the persons here. An attacker who assumes everyone has a form learns that
    # the hidden count is at least 49 - 47 = 2; nothing says no one has two forms, so 2..4 remain
    table = table_1d([10, 2, 30, 7], multi=True, total=49)
    result = protection(table, K, fixed={GRAND: 49})
    assert markers(result.table.values) == ["10", "<5", "30", "7"]
    assert_safe(table, result)


# -- 2-D -----------------------------------------------------------------------------------------

ADVERSARIAL_2D = {
    "single small cell in a row": [[1, 20, 30], [20, 25, 12], [40, 8, 9]],
    "two small cells in the same row": [[2, 3, 20], [10, 12, 15], [30, 8, 9]],
    "small cells in a corner": [[1, 2, 30], [3, 4, 25], [20, 30, 40]],
    "a row whose total is small": [[1, 2, 0], [10, 20, 30], [15, 6, 7]],
    "a column of all small cells": [[1, 20], [2, 30], [3, 40], [4, 50]],
    "a column of ones": [[1, 20], [1, 30], [1, 40], [1, 50]],
    "a row of small cells and zeros": [[1, 0, 2, 0], [9, 8, 7, 6], [20, 0, 5, 30]],
    "zeros and small values": [[0, 1, 0], [2, 0, 0], [0, 0, 3]],
    "small values with a shown total of exactly k": [[1, 4, 0], [0, 0, 5]],
    "a diagonal of small cells": [[1, 9, 9], [9, 1, 9], [9, 9, 1]],
    "everything small but the total": [[1, 2], [3, 4]],
    "one big cell among small ones": [[1, 1, 1], [1, 50, 1], [1, 1, 1]],
    "a single row": [[1, 7, 12, 0]],
    "a single column": [[3], [8], [12]],
}


@pytest.mark.parametrize("cells", ADVERSARIAL_2D.values(), ids=ADVERSARIAL_2D.keys())
def test_adversarial_2d(cells: list[list[int]]) -> None:
    table = table_2d(cells)
    result = protection(table, K)
    assert_safe(table, result)


@pytest.mark.parametrize("cells", ADVERSARIAL_2D.values(), ids=ADVERSARIAL_2D.keys())
def test_adversarial_2d_with_margins_fixed_by_the_1d_tables(cells: list[list[int]]) -> None:
    table = table_2d(cells)
    published = protect_margins(table, K)
    rows, cols = protect_1d(table.row_margin(), K), protect_1d(table.col_margin(), K)
    assert published.row_totals == rows.values and published.col_totals == cols.values
    assert published.grand == rows.grand == cols.grand
    assert shown_small(published) == []
    assert recover(published) == {}


def test_single_small_cell_hides_a_rectangle_of_four_cheapest_first() -> None:
    table = table_2d([[1, 20, 30], [20, 25, 12], [40, 8, 9]])
    published = protect(table, K)
    assert sorted(published.hidden()) == [("cell", 0, 0), ("cell", 0, 2), ("cell", 1, 0), ("cell", 1, 2)]
    assert published.row_totals == (51, 57, 57) and published.col_totals == (61, 53, 51)


def test_small_cells_in_a_corner_are_not_enough_on_their_own() -> None:
    # the 2x2 block 1 2 / 3 4 protects nothing: 4 cannot grow and 1 cannot shrink, so a = 1 follows
    table = table_2d([[1, 2, 30], [3, 4, 25], [20, 30, 40]])
    published = protect(table, K)
    block = {("cell", 0, 0), ("cell", 0, 1), ("cell", 1, 0), ("cell", 1, 1)}
    assert block < set(published.hidden())


def test_brute_force_agrees_on_tiny_tables() -> None:
    for cells in (
        [[1, 6], [7, 2]],
        [[0, 1, 0], [2, 0, 0], [0, 0, 3]],
        [[1, 4, 0], [0, 0, 5]],
        [[1, 9], [9, 9]],
    ):
        table = table_2d(cells)
        published = protect(table, K)
        values = brute_force(published, table, cap=table.grand + 2 * K)
        assert all(len(seen) >= 2 for seen in values.values()), (cells, values)


def test_k_is_configurable_and_at_least_three() -> None:
    table = table_1d([1, 7, 9, 30])
    assert markers(protect(table, 3).values) == ["<3", "x", "9", "30"]
    assert markers(protect(table, 10).values) == ["<10", "<10", "<10", "30"]
    with pytest.raises(ValueError, match="at least 3"):
        protect(table, 2)


def test_a_layout_that_misstates_a_sum_is_refused() -> None:
    with pytest.raises(ValueError, match="is a sum"):
        protect(table_1d([3, 9], total=11))


def test_fixed_numbers_must_be_true_and_never_small() -> None:
    table = table_1d([1, 7, 9, 30])
    with pytest.raises(ValueError, match="small"):
        protect(table, K, fixed={("row", 0, -1): 1})
    with pytest.raises(ValueError, match="true value"):
        protect(table, K, fixed={GRAND: 48})
    with pytest.raises(ValueError, match="does not fit"):
        protect(table, K, fixed={("row", 1, -1): Hidden(Reason.SMALL, K)})


def test_fixed_margins_of_a_one_column_table() -> None:
    # a one-column cross-tabulation whose margins are published: its cells are the row totals
    table = table_2d([[3], [8], [12]])
    fixed: dict[Position, Cell] = {("row", 0, -1): 3, ("col", -1, 0): 23, GRAND: 23}
    with pytest.raises(ValueError, match="small"):
        protect(table, K, fixed=fixed)
    fixed[("row", 0, -1)] = Hidden(Reason.SMALL, K)
    fixed[("row", 1, -1)] = Hidden(Reason.SECONDARY, K)
    fixed[("row", 2, -1)] = 12
    result = protection(table, K, fixed=fixed)
    assert_safe(table, result, fixed)
    assert [str(c) for c in result.table.cells[0] + result.table.cells[1] + result.table.cells[2]] == [
        "<5", "x", "12",
    ]  # fmt: skip


def test_when_the_fixed_numbers_give_a_small_count_away_the_table_adds_nothing() -> None:
    # the caller fixes 20 and 23 next to a "<5": that already says 3; the table shows only those
    table = table_2d([[0, 3], [10, 10]])
    fixed: dict[Position, Cell] = {
        ("row", 0, -1): Hidden(Reason.SMALL, K), ("row", 1, -1): 20,
        ("col", -1, 0): 10, ("col", -1, 1): 13, GRAND: 23,
    }  # fmt: skip
    result = protection(table, K, fixed=fixed)
    assert result.table.mode is Mode.WITHHELD
    assert_safe(table, result, fixed)


def test_a_pinned_line_is_withheld_not_the_whole_table() -> None:
    # the row total 6 is published (1-D table), and 5 + 1 + 0 + 0 with "x" >= 5 and "<5" >= 1
    # pins both: that row and the column of the 1 become "x" (any value; zeros that nothing needs
    # are shown again); the rest of the table stays shown
    table = table_2d([[5, 1, 0, 0], [10, 20, 30, 40], [12, 9, 8, 7]])
    fixed = published_margins(table)
    assert fixed[("row", 0, -1)] == 6
    result = protection(table, K, fixed=fixed)
    assert_safe(table, result, fixed)
    assert result.table.mode is Mode.NORMAL
    assert [str(c) for c in result.table.cells[0]][:2] == ["x", "x"]
    assert any(isinstance(c, int) for c in result.table.cells[1] + result.table.cells[2])


def test_a_row_of_small_cells_under_a_small_total_hides_its_zeros_too() -> None:
    # 0 1 1 1 1 with a total of 4: four "<5" under a "<5" would mean one each
    table = table_2d([[8, 21, 0, 8, 2], [0, 1, 1, 1, 1], [20, 9, 30, 6, 7]])
    result = protection(table, K)
    assert result.table.mode is Mode.NORMAL
    assert [str(c) for c in result.table.cells[1]] == ["<5"] * 5
    assert all(c.reason is Reason.SMALL_GROUP for c in result.table.cells[1] if isinstance(c, Hidden))
    assert_safe(table, result)


# -- multi-valued and case counts ----------------------------------------------------------------


def test_multi_valued_columns_margins_are_not_sums_and_the_table_is_still_safe() -> None:
    # rows: a single-valued dimension; columns: forms of exploitation (a person may have several)
    people = [
        Person(1, frozenset({0}), frozenset({0, 1})),
        *[Person(2 + n, frozenset({0}), frozenset({0})) for n in range(9)],
        *[Person(20 + n, frozenset({1}), frozenset({1, 2})) for n in range(7)],
        Person(40, frozenset({1}), frozenset()),
        *[Person(50 + n, frozenset({2}), frozenset({2})) for n in range(12)],
    ]
    table = from_units(people, 3, 3, row_multi=False, col_multi=True, unit="persons")
    assert table.row_totals[0] == 10 and sum(table.cells[0]) == 11
    result = protection(table, K)
    assert_safe(table, result)


@pytest.mark.parametrize("unit", ["persons", "cases"])
@pytest.mark.parametrize("multi", [(False, False), (False, True), (True, True)])
def test_unit_tables(unit: Unit, multi: tuple[bool, bool]) -> None:
    row_multi, col_multi = multi
    people = [
        Person(
            n // 3,
            frozenset({n % 4, (n // 5) % 4} if row_multi else {n % 4}),
            frozenset({(n * 7) % 5, (n * 3) % 5} if col_multi else {(n * 7) % 5}),
        )
        for n in range(60)
    ]
    table = from_units(people, 4, 5, row_multi=row_multi, col_multi=col_multi, unit=unit)
    assert_safe(table, protection(table, K))


# -- random tables -------------------------------------------------------------------------------

skewed = st.one_of(st.just(0), st.integers(1, 4), st.integers(1, 4), st.integers(5, 12), st.integers(5, 40))


@st.composite
def additive_tables(draw: st.DrawFn) -> CountTable:
    rows, cols = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    return table_2d([[draw(skewed) for _ in range(cols)] for _ in range(rows)])


@st.composite
def unit_tables(draw: st.DrawFn) -> CountTable:
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    row_multi, col_multi = draw(st.booleans()), draw(st.booleans())
    n_cases = draw(st.integers(1, 30))
    people = [
        Person(
            draw(st.integers(0, n_cases - 1)),
            frozenset(
                draw(
                    st.sets(
                        st.integers(0, rows - 1),
                        min_size=0 if row_multi else 1,
                        max_size=2 if row_multi else 1,
                    )
                )
            ),
            frozenset(
                draw(
                    st.sets(
                        st.integers(0, cols - 1),
                        min_size=0 if col_multi else 1,
                        max_size=2 if col_multi else 1,
                    )
                )
            ),
        )
        for _ in range(draw(st.integers(0, 60)))
    ]
    units: tuple[Unit, ...] = ("persons", "cases")
    unit = draw(st.sampled_from(units))
    return from_units(people, rows, cols, row_multi=row_multi, col_multi=col_multi, unit=unit)


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(additive_tables())
def test_property_additive_tables_are_safe(table: CountTable) -> None:
    assert_safe(table, protection(table, K))


def published_margins(table: CountTable) -> dict[Position, Cell]:
    rows, cols = protect_1d(table.row_margin(), K), protect_1d(table.col_margin(), K)
    fixed: dict[Position, Cell] = {GRAND: rows.grand}
    fixed.update({("row", i, -1): c for i, c in enumerate(rows.values)})
    fixed.update({("col", -1, j): c for j, c in enumerate(cols.values)})
    return fixed


@PROPERTY
@given(additive_tables())
def test_property_additive_tables_with_published_margins(table: CountTable) -> None:
    fixed = published_margins(table)
    result = protection(table, K, fixed=fixed)
    assert_safe(table, result, fixed)
    assert result.table == protect_margins(table, K)


@PROPERTY
@given(unit_tables())
def test_property_multi_valued_and_case_tables_with_published_margins(table: CountTable) -> None:
    fixed = published_margins(table)
    assert_safe(table, protection(table, K, fixed=fixed), fixed)


@PROPERTY
@given(unit_tables())
def test_property_multi_valued_and_case_tables_are_safe(table: CountTable) -> None:
    assert_safe(table, protection(table, K))


@PROPERTY
@given(st.lists(skewed, min_size=1, max_size=12), st.booleans())
def test_property_1d_tables_with_the_total_shown_are_safe(values: list[int], keep_total: bool) -> None:
    table = table_1d(values)
    fixed = {GRAND: table.grand} if keep_total and not 1 <= table.grand < K else {}
    result = protection(table, K, fixed=fixed)
    assert_safe(table, result, fixed)
    one_small = sum(1 <= v < K for v in values) == 1 and result.table.mode is Mode.NORMAL
    if one_small and any(v > K for v in values):  # a partner that can shrink exists: one more
        assert len(result.table.hidden()) == 2


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 7), min_size=2, max_size=2), min_size=2, max_size=2))
def test_property_brute_force_on_2x2(cells: list[list[int]]) -> None:
    table = table_2d(cells)
    published = protect(table, K)
    if len(published.hidden()) > 6:
        return
    values = brute_force(published, table, cap=table.grand + 2 * K)
    assert all(len(seen) >= 2 for seen in values.values()), values


# -- speed ---------------------------------------------------------------------------------------


def test_a_200_by_20_table_takes_milliseconds() -> None:
    import random

    rng = random.Random(5)

    def count() -> int:
        r = rng.random()
        return 0 if r < 0.35 else rng.randint(1, 4) if r < 0.65 else rng.randint(5, 60)

    table = table_2d([[count() for _ in range(20)] for _ in range(200)])
    protect(table, K)  # warm up
    started = time.perf_counter()
    published = protect(table, K)
    elapsed = time.perf_counter() - started
    assert len(published.hidden()) > 1000
    assert elapsed < 0.5, f"{elapsed * 1000:.0f} ms"
