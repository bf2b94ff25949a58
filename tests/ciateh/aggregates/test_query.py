"""The query layer against a hand-built dataset, on SQLite and (with CIATEH_TEST_DATABASE_URL) on
PostgreSQL: every count, zeros included, equals a plain-Python count over the same persons."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from ciateh.aggregates import REST, count_by, crosstab, label, monthly_series, top_n_with_rest
from ciateh.aggregates.dimensions import DIMENSIONS
from ciateh.aggregates.query import make_scope, month_range
from ciateh.aggregates.table import CountTable
from tests.ciateh.aggregates.dataset import PEOPLE, count, in_scope, insert, values

NOV = ("2024-11", "2024-11")
ALL_MONTHS = ("2024-09", "2024-12")
DIMS = sorted(DIMENSIONS)


@pytest.fixture
def data(session: Session) -> Session:
    insert(session)
    return session


def expected_1d(table: CountTable, dimension: str, **scope: object) -> tuple[dict[str, int], int]:
    people = [p for p in PEOPLE if in_scope(p, **scope)]  # type: ignore[arg-type]
    unit = table.layout.unit
    counts = {
        key: count((p for p in people if key in values(p, dimension)), unit) for key in table.layout.row_keys
    }
    return counts, count(people, unit)


def check_1d(table: CountTable, dimension: str, **scope: object) -> None:
    counts, total = expected_1d(table, dimension, **scope)
    assert dict(zip(table.layout.row_keys, table.values, strict=True)) == counts
    assert table.grand == total
    found = {v for p in PEOPLE if in_scope(p, **scope) for v in values(p, dimension)}  # type: ignore[arg-type]
    assert found <= set(table.layout.row_keys), "a category found in the data is missing"


@pytest.mark.parametrize("unit", ["persons", "cases"])
@pytest.mark.parametrize("dimension", DIMS)
def test_count_by_every_dimension(data: Session, dimension: str, unit: str) -> None:
    table = count_by(data, dimension, month="2024-11", unit=unit)  # type: ignore[arg-type]
    check_1d(table, dimension, months=NOV)
    assert table.layout.row_multi == (dimension in ("exploitation_form", "means_of_control"))


def test_hand_counted_figures(data: Session) -> None:
    sex = count_by(data, "sex", month="2024-11")
    assert dict(zip(sex.layout.row_keys, sex.values, strict=True)) == {
        "female": 4,
        "male": 7,
        "other": 0,
        "unknown": 0,
    }
    assert sex.grand == 11
    victims = count_by(data, "sex", month="2024-11", role_group="victims")
    assert victims.values[:2] == (3, 6) and victims.grand == 9
    cases = count_by(data, "sex", month="2024-11", unit="cases")
    assert cases.values[:2] == (3, 4) and cases.grand == 6  # a case counts once per sex it has


def test_a_person_counts_once_in_each_form_and_the_total_is_not_the_sum(data: Session) -> None:
    forms = count_by(data, "exploitation_form", month="2024-11")
    by_code = dict(zip(forms.layout.row_keys, forms.values, strict=True))
    assert by_code["sexual"] == 3 and by_code["labour"] == 5
    assert by_code["forced_criminality"] == 2 and by_code["domestic_servitude"] == 2
    assert forms.grand == 11 and sum(forms.values) == 12  # two with two forms, one with none


def test_every_listed_code_is_a_row_zeros_included(data: Session) -> None:
    table = count_by(data, "age_band", month="2024-11")
    assert table.layout.row_keys[:3] == ("0-8", "9-17", "18-20")
    assert table.values[0] == 0 and len(table.layout.row_keys) == 10
    roles = count_by(data, "role", month="2024-11", role_group="victims")
    assert roles.layout.row_keys == ("victim", "presumed_victim")


@pytest.mark.parametrize("role_group", ["victims", "suspects", "all"])
@pytest.mark.parametrize("months", [NOV, ("2024-10", "2024-12"), ("2024-01", "2024-09")])
def test_month_ranges_and_role_groups(data: Session, months: tuple[str, str], role_group: str) -> None:
    table = count_by(data, "nationality", months=months, role_group=role_group)  # type: ignore[arg-type]
    check_1d(table, "nationality", months=months, role_group=role_group)


def test_all_months_without_a_range(data: Session) -> None:
    table = count_by(data, "month")
    assert table.layout.row_keys == ("2024-10", "2024-11", "2024-12") and table.values == (2, 11, 1)


@pytest.mark.parametrize(
    "filters",
    [
        {"partner": "pol"},
        {"partner_kind": "labour_inspection"},
        {"exploitation_form": "labour"},
        {"sex": "female"},
    ],
)
def test_filters(data: Session, filters: dict[str, str]) -> None:
    table = count_by(data, "age_band", month="2024-11", filters=filters)
    check_1d(table, "age_band", months=NOV, filters=filters)


PAIRS = [
    ("role", "sex"),  # single x single: one query, margins summed
    ("sex", "exploitation_form"),  # single x multi
    ("exploitation_form", "sex"),  # multi x single
    ("exploitation_form", "means_of_control"),  # multi x multi
    ("partner", "nationality"),
    ("partner_kind", "partner"),
    ("month", "role"),
]


@pytest.mark.parametrize("unit", ["persons", "cases"])
@pytest.mark.parametrize(("row_dim", "col_dim"), PAIRS)
def test_crosstab_cells_and_true_margins(data: Session, row_dim: str, col_dim: str, unit: str) -> None:
    table = crosstab(data, row_dim, col_dim, months=("2024-10", "2024-11"), unit=unit)  # type: ignore[arg-type]
    people = [p for p in PEOPLE if in_scope(p, months=("2024-10", "2024-11"))]
    rows, cols = table.layout.row_keys, table.layout.col_keys
    for (i, r), (j, c) in itertools.product(enumerate(rows), enumerate(cols)):
        want = count((p for p in people if r in values(p, row_dim) and c in values(p, col_dim)), unit)
        assert table.cells[i][j] == want, (r, c)
    assert table.row_totals == tuple(
        count((p for p in people if r in values(p, row_dim)), unit) for r in rows
    )
    assert table.col_totals == tuple(
        count((p for p in people if c in values(p, col_dim)), unit) for c in cols
    )
    assert table.grand == count(people, unit)
    # the margins are exactly the 1-D tables of the same scope
    assert table.row_margin() == count_by(data, row_dim, months=("2024-10", "2024-11"), unit=unit)  # type: ignore[arg-type]


def test_crosstab_flags_which_lines_are_sums(data: Session) -> None:
    table = crosstab(data, "sex", "exploitation_form", month="2024-11")
    assert table.layout.cols_exact and not table.layout.rows_exact
    assert table.col_totals == tuple(sum(r[j] for r in table.cells) for j in range(len(table.col_totals)))
    assert table.row_totals[1] == 7 and sum(table.cells[1]) == 8  # male: one has two forms, one none


def test_monthly_series(data: Session) -> None:
    series = monthly_series(data, ALL_MONTHS)
    assert series.layout.row_keys == ("2024-09", "2024-10", "2024-11", "2024-12")
    assert series.values == (0, 2, 11, 1) and series.grand == 14
    by_role = monthly_series(data, ALL_MONTHS, "role", role_group="victims")
    assert by_role.layout.col_keys == ("victim", "presumed_victim")
    assert by_role.row_totals == (0, 2, 9, 0) and by_role.col_totals == (8, 3)


def test_top_n_with_rest(data: Session) -> None:
    top = top_n_with_rest(data, "nationality", 2, month="2024-11")
    assert top.layout.row_keys == ("BR", "MA", REST) and top.values == (2, 2, 7) and top.grand == 11
    cases = top_n_with_rest(data, "nationality", 2, month="2024-11", unit="cases")
    assert top.layout.row_keys[:2] == ("BR", "MA") and cases.values[-1] == 5 and cases.grand == 6


def test_top_n_with_k_lists_no_small_category_and_no_small_rest(data: Session) -> None:
    # male 7 and female 4: the rest would be 4, so male joins it
    top = top_n_with_rest(data, "sex", 3, month="2024-11", k=5)
    assert top.layout.row_keys == (REST,) and top.values == (11,)
    top = top_n_with_rest(data, "sex", 3, month="2024-11", k=3)
    assert top.layout.row_keys == ("male", "female", REST) and top.values == (7, 4, 0)
    folded = top_n_with_rest(data, "nationality", 10, months=("2024-10", "2024-11"), k=3)
    assert folded.layout.row_keys == ("BR", "RO", REST) and folded.values == (3, 3, 7)


def test_a_scope_without_people_gives_zeros(data: Session) -> None:
    table = crosstab(data, "sex", "exploitation_form", month="2023-01")
    assert table.grand == 0 and set(table.row_totals) == {0} and all(set(r) == {0} for r in table.cells)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"month": "2024-13"}, "YYYY-MM"),
        ({"months": ("2024-12", "2024-01")}, "order"),
        ({"month": "2024-01", "months": NOV}, "not both"),
        ({"filters": {"sex": "robot"}}, "not a code"),
        ({"filters": {"colour": "red"}}, "unknown dimension"),
        ({"role_group": "witnesses"}, "role group"),
        ({"unit": "households"}, "unit"),
    ],
)
def test_bad_scopes_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_scope(**kwargs)  # type: ignore[arg-type]


def test_bad_dimensions_are_refused(data: Session) -> None:
    with pytest.raises(ValueError, match="unknown dimension"):
        count_by(data, "colour")
    with pytest.raises(ValueError, match="two different"):
        crosstab(data, "sex", "sex")
    with pytest.raises(ValueError, match="single-valued"):
        top_n_with_rest(data, "exploitation_form")


def test_month_range_crosses_years() -> None:
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]


def test_labels_in_three_languages() -> None:
    assert label("sex", "female", "nl") == "Vrouw"
    assert label("nationality", "202", "fr") == "Afrique subsaharienne"
    assert label("nationality", "BE", "en") == "Belgium"
    assert label("nationality", REST, "fr") == "Autres"
    assert label("partner", "pol") == "pol"
    with pytest.raises(ValueError):
        label("sex", "female", "xx")
