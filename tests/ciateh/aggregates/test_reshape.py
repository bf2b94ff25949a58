"""The pure operations on count tables (transpose, top-n, folding rows, adding disjoint scopes),
their JSON form, and the cube (every 1-D table and pair of a scope from a few queries) against the
query layer, on the hand-built dataset."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy.orm import Session

from ciateh.aggregates import (
    REST,
    CountTable,
    count_by,
    crosstab,
    protect_1d,
    protect_margins,
    recover,
    top_n_with_rest,
)
from ciateh.aggregates.cube import cube
from ciateh.aggregates.reshape import add, collapse_rows, top_keys, top_n, transpose, transpose_protected
from ciateh.aggregates.serial import from_json, to_json
from ciateh.aggregates.table import Layout, Scope
from tests.ciateh.aggregates.dataset import insert

NOV = "2024-11"
DIMS = ("exploitation_form", "sex", "age_band", "nationality", "partner", "means_of_control")


@pytest.fixture
def data(session: Session) -> Session:
    insert(session)
    return session


def _table(values: dict[str, int]) -> CountTable:
    return CountTable.one_d("nationality", values, sum(values.values()))


# -- pure ----------------------------------------------------------------------------------------


def test_top_n_lists_the_largest_of_at_least_k_and_never_a_small_rest() -> None:
    table = _table({"RO": 9, "MA": 7, "NG": 5, "BR": 2, "UA": 1})
    assert top_keys(table, 2) == ("RO", "MA")
    assert top_n(table, 2).values == (9, 7, 8)
    # with k = 5: NG is listed, the rest (2 + 1 = 3) would be small, so NG joins it
    result = top_n(table, 10, k=5)
    assert result.layout.row_keys == ("RO", "MA", REST) and result.values == (9, 7, 8)
    assert result.grand == 24
    # ties keep the table's order
    assert top_keys(_table({"AL": 3, "BE": 3, "CN": 3}), 2) == ("AL", "BE")
    with pytest.raises(ValueError):
        top_keys(table, -1)


def test_top_n_of_a_count_by_is_the_query_layers_top_n(data: Session) -> None:
    for k in (None, 3, 5):
        live = top_n_with_rest(data, "nationality", 3, k=k, month=NOV)
        assert top_n(count_by(data, "nationality", month=NOV), 3, k) == live


def test_transpose_swaps_rows_and_columns(data: Session) -> None:
    table = crosstab(data, "sex", "exploitation_form", month=NOV)
    flipped = transpose(table)
    assert flipped == crosstab(data, "exploitation_form", "sex", month=NOV)
    assert transpose(flipped) == table
    with pytest.raises(ValueError):
        transpose(count_by(data, "sex", month=NOV))


def test_a_transposed_protected_table_shows_the_same_markers(data: Session) -> None:
    table = protect_margins(crosstab(data, "nationality", "sex", month=NOV))
    flipped = transpose_protected(table)
    assert flipped.layout.row_dim == "sex" and flipped.layout.col_keys == table.layout.row_keys
    for i, j in itertools.product(range(len(table.layout.row_keys)), range(len(table.layout.col_keys))):
        assert flipped.cells[j][i] == table.cells[i][j]
    assert (flipped.row_totals, flipped.col_totals, flipped.grand) == (
        table.col_totals,
        table.row_totals,
        table.grand,
    )
    assert transpose_protected(flipped) == table
    assert recover(flipped) == {}
    with pytest.raises(ValueError):
        transpose_protected(protect_1d(count_by(data, "sex", month=NOV)))


def test_collapse_rows_sums_the_others_into_the_rest(data: Session) -> None:
    table = crosstab(data, "nationality", "sex", month=NOV)
    folded = collapse_rows(table, ("RO", "BR"))
    assert folded.layout.row_keys == ("RO", "BR", REST)
    keys = table.layout.row_keys
    assert folded.row_totals[:2] == (table.row_totals[keys.index("RO")], table.row_totals[keys.index("BR")])
    assert folded.row_margin() == collapse_rows(table.row_margin(), ("RO", "BR"))
    assert folded.col_totals == table.col_totals and folded.grand == table.grand
    assert [sum(row) for row in folded.cells] == list(folded.row_totals)
    assert sum(folded.row_totals) == table.grand
    # a multi-valued row dimension does not add up
    with pytest.raises(ValueError):
        collapse_rows(crosstab(data, "exploitation_form", "sex", month=NOV), ("sexual",))
    with pytest.raises(ValueError):
        collapse_rows(table, ("XX",))


def test_adding_months_gives_the_count_over_the_range(data: Session) -> None:
    for name in ("sex", "exploitation_form", "partner", "nationality"):
        months = [count_by(data, name, month=m) for m in ("2024-10", "2024-11", "2024-12")]
        summed = add(months, scope=Scope(("2024-10", "2024-12")))
        live = count_by(data, name, months=("2024-10", "2024-12"))
        assert dict(zip(summed.layout.row_keys, summed.values, strict=True)) == dict(
            zip(live.layout.row_keys, live.values, strict=True)
        )
        assert summed.layout.row_keys == live.layout.row_keys
        assert summed.grand == live.grand
    with pytest.raises(ValueError, match="cases"):
        add([count_by(data, "sex", month=NOV, unit="cases")])
    with pytest.raises(ValueError):
        add([count_by(data, "sex", month=NOV), count_by(data, "age_band", month=NOV)])
    with pytest.raises(ValueError):
        add([])


# -- JSON ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["persons", "cases"])
def test_tables_survive_json(data: Session, unit: str) -> None:
    tables = [
        count_by(data, "sex", month=NOV, unit=unit),  # type: ignore[arg-type]
        crosstab(data, "exploitation_form", "partner", months=("2024-10", "2024-11"), unit=unit),  # type: ignore[arg-type]
        crosstab(data, "sex", "age_band", filters={"role": "victim"}, role_group="victims"),
        CountTable(Layout("sex", (), "age_band", ()), (), (), (), 0),
    ]
    for table in tables:
        text = json.dumps(to_json(table))
        assert from_json(json.loads(text)) == table
    with pytest.raises(ValueError):
        from_json({**to_json(tables[0]), "format": 99})


# -- the cube ------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["victims", "suspects", "all"])
def test_the_cube_is_the_query_layer(data: Session, group: str) -> None:
    tables = cube(data, DIMS, months=("2024-10", "2024-11"), role_group=group)  # type: ignore[arg-type]
    for name in DIMS:
        assert tables.one_d[name] == count_by(data, name, months=("2024-10", "2024-11"), role_group=group)  # type: ignore[arg-type]
    assert set(tables.pairs) == set(itertools.combinations(DIMS, 2))
    for (a, b), table in tables.pairs.items():
        assert table == crosstab(data, a, b, months=("2024-10", "2024-11"), role_group=group), (a, b)  # type: ignore[arg-type]


def test_the_cube_can_list_only_the_partners_found(data: Session) -> None:
    tables = cube(data, ("sex", "partner"), month="2024-12", role_group="suspects", listed_partners=False)
    assert tables.one_d["partner"].layout.row_keys == ("pol",)
    assert tables.pairs[("sex", "partner")].layout.col_keys == ("pol",)
    with pytest.raises(ValueError):
        cube(data, ("sex", "sex"), month=NOV)


def test_an_empty_scope(data: Session) -> None:
    tables = cube(data, ("sex", "exploitation_form"), month="2020-01")
    assert tables.one_d["sex"].grand == 0 and set(tables.one_d["sex"].values) == {0}
    assert tables.pairs[("sex", "exploitation_form")].grand == 0
