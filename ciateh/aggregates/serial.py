"""True count tables to and from plain JSON values, for month snapshots (true counts are stored,
protected when shown). Cells are stored row by row (``[[count, ...], ...]``)."""

from __future__ import annotations

from typing import Any

from ciateh.aggregates.table import CountTable, Layout, RoleGroup, Scope, Unit

FORMAT = 1


def to_json(table: CountTable) -> dict[str, Any]:
    """A JSON-ready dict (lists, strings, ints, booleans) of ``table`` and its scope."""
    lay = table.layout
    out: dict[str, Any] = {
        "format": FORMAT,
        "row_dim": lay.row_dim,
        "row_keys": list(lay.row_keys),
        "row_multi": lay.row_multi,
        "unit": lay.unit,
        "row_totals": list(table.row_totals),
        "grand": table.grand,
        "scope": {
            "months": list(table.scope.months) if table.scope.months else None,
            "filters": dict(table.scope.filters),
            "role_group": table.scope.role_group,
            "unit": table.scope.unit,
        },
    }
    if lay.col_dim is not None:
        out["col_dim"] = lay.col_dim
        out["col_keys"] = list(lay.col_keys)
        out["col_multi"] = lay.col_multi
        out["col_totals"] = list(table.col_totals)
        out["cells"] = [list(row) for row in table.cells]
    return out


def from_json(data: dict[str, Any]) -> CountTable:
    """The table :func:`to_json` stored (checked again by :class:`CountTable`)."""
    if data.get("format") != FORMAT:
        raise ValueError("unknown count-table format")
    unit: Unit = data["unit"]
    scope_data = data["scope"]
    months = scope_data["months"]
    role_group: RoleGroup = scope_data["role_group"]
    scope = Scope(
        (months[0], months[1]) if months else None,
        dict(scope_data["filters"]),
        role_group,
        scope_data["unit"],
    )
    row_keys = tuple(data["row_keys"])
    if "col_dim" not in data:
        layout = Layout(data["row_dim"], row_keys, row_multi=data["row_multi"], unit=unit)
        return CountTable(layout, (), tuple(data["row_totals"]), (), data["grand"], scope)
    col_keys = tuple(data["col_keys"])
    layout = Layout(
        data["row_dim"], row_keys, data["col_dim"], col_keys, data["row_multi"], data["col_multi"], unit
    )
    cells = tuple(tuple(row) for row in data["cells"])
    return CountTable(
        layout, cells, tuple(data["row_totals"]), tuple(data["col_totals"]), data["grand"], scope
    )
