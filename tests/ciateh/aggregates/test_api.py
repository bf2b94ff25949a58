"""The public functions on the hand-built dataset: what a page would show, that the tables of one
scope agree, and that the published-data attacker recovers nothing from any of them."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from ciateh.aggregates import (
    REST,
    Hidden,
    Mode,
    ProtectedTable,
    Reason,
    change,
    display,
    protected_count_by,
    protected_crosstab,
    protected_drilldown,
    protected_series,
    protected_top_n,
    recover,
)
from ciateh.aggregates.dimensions import DIMENSIONS
from tests.ciateh.aggregates.dataset import insert

NOV = "2024-11"


@pytest.fixture
def data(session: Session) -> Session:
    insert(session)
    return session


def shown(table: ProtectedTable) -> list[str]:
    return [display(c) for c in table.values]


def assert_published_safely(table: ProtectedTable) -> None:
    for _position, c in table.items():
        assert isinstance(c, Hidden) or c == 0 or c >= table.k, "a small count is shown"
    assert recover(table) == {}


def test_the_month_page_by_sex(data: Session) -> None:
    table = protected_count_by(data, "sex", month=NOV)
    assert shown(table) == ["<5", "x", "0", "0"]  # 4 female; 7 male hidden so that 4 = 11 - 7 is not
    assert display(table.grand) == "11"
    assert table.values[0] == Hidden(Reason.SMALL, 5) and table.values[1] == Hidden(Reason.SECONDARY, 5)
    assert_published_safely(table)


def test_k_is_a_parameter(data: Session) -> None:
    assert shown(protected_count_by(data, "sex", month=NOV, k=3)) == ["4", "7", "0", "0"]


def test_a_small_month_shows_only_markers(data: Session) -> None:
    table = protected_count_by(data, "sex", month="2024-10")
    assert table.mode is Mode.SMALL_TABLE
    assert shown(table) == ["<5"] * 4 and display(table.grand) == "<5"


def test_forms_of_exploitation_need_no_secondary_suppression(data: Session) -> None:
    table = protected_count_by(data, "exploitation_form", month=NOV, role_group="all")
    hidden = table.hidden()
    assert all(marker.reason is Reason.SMALL for marker in hidden.values())
    assert display(table.grand) == "11"
    assert_published_safely(table)


@pytest.mark.parametrize(
    ("row_dim", "col_dim"), [("sex", "role"), ("role", "exploitation_form"), ("partner", "sex")]
)
def test_crosstab_margins_are_the_1d_tables(data: Session, row_dim: str, col_dim: str) -> None:
    table = protected_crosstab(data, row_dim, col_dim, months=("2024-10", "2024-11"))
    rows = protected_count_by(data, row_dim, months=("2024-10", "2024-11"))
    cols = protected_count_by(data, col_dim, months=("2024-10", "2024-11"))
    assert table.row_totals == rows.values and table.col_totals == cols.values
    assert table.grand == rows.grand == cols.grand
    assert_published_safely(table)


def test_drilldown_total_is_the_cell_of_the_month_page(data: Session) -> None:
    page = protected_count_by(data, "sex", month=NOV)
    female = protected_drilldown(data, "sex", "female", by="age_band", month=NOV)
    assert female.grand == page.values[0]  # "<5" here too, not 4
    # a row whose total is small: "<5" throughout, but for zeros under a column total of 0
    ages = protected_count_by(data, "age_band", month=NOV)
    assert [display(c) for c in female.values] == ["0" if a == 0 else "<5" for a in ages.values]
    assert female.scope.filters == {"sex": "female"}
    shown_part = protected_drilldown(
        data, "partner_kind", "labour_inspection", by="sex", months=("2024-10", NOV)
    )
    assert shown_part.grand == 7
    assert_published_safely(shown_part)


def test_series(data: Session) -> None:
    series = protected_series(data, ("2024-09", "2024-12"))
    assert shown(series) == ["0", "<5", "11", "<5"] and series.grand == 14
    by_form = protected_series(data, ("2024-09", "2024-12"), "exploitation_form")
    assert (
        by_form.col_totals
        == protected_count_by(data, "exploitation_form", months=("2024-09", "2024-12")).values
    )
    assert_published_safely(by_form)


def test_top_n(data: Session) -> None:
    top = protected_top_n(data, "nationality", 10, month=NOV)
    assert top.layout.row_keys == (REST,) and top.values == (11,)  # no nationality reaches 5
    top3 = protected_top_n(data, "nationality", 10, months=("2024-10", NOV), k=3)
    assert top3.layout.row_keys == ("BR", "RO", REST) and shown(top3) == ["3", "3", "7"]


@pytest.mark.parametrize("unit", ["persons", "cases"])
@pytest.mark.parametrize("role_group", ["victims", "all"])
def test_no_table_of_any_dimension_or_pair_gives_a_small_count_away(
    data: Session, unit: str, role_group: str
) -> None:
    scope = {"months": ("2024-10", NOV), "role_group": role_group, "unit": unit}
    for dimension in DIMENSIONS:
        assert_published_safely(protected_count_by(data, dimension, **scope))  # type: ignore[arg-type]
    for row_dim, col_dim in itertools.combinations(
        ["sex", "role", "exploitation_form", "partner", "age_band"], 2
    ):
        assert_published_safely(protected_crosstab(data, row_dim, col_dim, **scope))  # type: ignore[arg-type]


def test_display_and_change() -> None:
    assert display(Hidden(Reason.SMALL, 5)) == "<5"
    assert display(Hidden(Reason.SMALL_GROUP, 10)) == "<10"
    assert display(Hidden(Reason.SECONDARY, 5)) == "x" and display(Hidden(Reason.WITHHELD, 5)) == "x"
    assert display(1234567, thousands=" ") == "1 234 567" and display(0) == "0"
    with pytest.raises(TypeError):
        display(True)
    assert change(12, 7) == 5
    assert change(Hidden(Reason.SECONDARY, 5), 7) is None and change(12, Hidden(Reason.SMALL, 5)) is None
