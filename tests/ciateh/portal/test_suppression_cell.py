"""Suppression on the Cell's dashboard and in its meeting pack, from the reader's side.

With data full of small counts, the published numbers are parsed back out of the HTML and out of
the PDF text; every published table, with its total relations (the victims total shown as a key
figure and in every victims table, the suspects total likewise), goes to the attacker
``ciateh.aggregates.attack.recover``, which must recover no hidden number; and no count from 1 to
k-1 is printed anywhere (only ``<k``, ``x``, 0 or k and more).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh.aggregates import Cell, Hidden, ProtectedTable, label, recover
from ciateh.reports import CELL_DIMENSIONS, PeriodReport, latest_month, period_report
from tests.ciateh.portal.cell_pages import (
    bar_values,
    figures,
    html_table,
    load,
    parse_html,
    pdf_lines,
    pdf_table,
    read_back,
    visible_text,
)

#: victims per month: many small months, one without any record (no snapshot), a few larger ones
SMALL_COUNTS = {
    "2024-01": 2, "2024-02": 7, "2024-03": 1, "2024-05": 12, "2024-06": 3, "2024-07": 9,
    "2024-08": 4, "2024-09": 6, "2024-10": 1, "2024-11": 15, "2024-12": 5,
}  # fmt: skip
#: a whole period with fewer than five victims: every table is small
TINY_COUNTS = {"2024-03": 1, "2024-09": 2}

FIGURE_TITLES = {
    "victims": "Victims",
    "suspects": "Suspects",
    "minor_victims": "Victims who were minors",
    "cases": "Cases",
}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def with_total(table: ProtectedTable, total: Cell) -> ProtectedTable:
    """The table as an attacker who also read the scope's total on another part of the page sees it."""
    if isinstance(table.grand, Hidden) and not isinstance(total, Hidden):
        return ProtectedTable(table.layout, (), table.values, (), total, table.k, table.mode, table.scope)
    return table


def published_totals(report: PeriodReport) -> dict[str, Cell]:
    """Per role group, the scope's total as any part of the page shows it (a number if any does)."""
    out: dict[str, Cell] = {}
    for group in ("victims", "suspects"):
        shown = [report.key_figure(group).value, report.series[group].grand]
        if group == "victims":
            shown += [t.grand for t in report.breakdowns.values()]
        out[group] = next((c for c in shown if not isinstance(c, Hidden)), shown[0])
    return out


def attack(tables: dict[str, ProtectedTable], totals: dict[str, Cell]) -> dict[str, dict[object, int]]:
    found: dict[str, dict[object, int]] = {}
    for name, table in tables.items():
        group = "suspects" if name == "series:suspects" else "victims"
        recovered = recover(with_total(table, totals[group]))
        if recovered:
            found[name] = dict(recovered)
    return found


def markers(tables: dict[str, ProtectedTable]) -> set[str]:
    return {str(c) for t in tables.values() for c in (*t.values, t.grand) if isinstance(c, Hidden)}


SMALL_NUMBER = re.compile(r"(?<![\w<])([1-4])(?!\w)")


def assert_no_small_count(text: str, k: int) -> None:
    guide = f'"<{k}" means between 1 and {k - 1} persons.'
    text = text.replace(guide, "")
    assert not SMALL_NUMBER.search(text), SMALL_NUMBER.search(text)


# -- the dashboard -----------------------------------------------------------------------------


def dashboard_tables(html: str, report: PeriodReport) -> tuple[dict[str, ProtectedTable], dict[str, str]]:
    """The published tables read back out of the page (markers given their meaning from the report's
    tables, which the attacker knows the method of), and the key figures as printed."""
    page = parse_html(html)
    tables: dict[str, ProtectedTable] = {}
    per_month = html_table(page, "month")
    for column, group in enumerate(("victims", "suspects")):
        series = report.series[group]
        shown = [per_month.rows[m][column] for m in series.layout.row_keys]
        # a month without snapshot has no number ("–"), and is not in the series either
        assert all(per_month.rows[m] == ("–", "–") for m in report.missing)
        tables[f"series:{group}"] = read_back(series, shown, per_month.total[column])
    for dimension in CELL_DIMENSIONS:
        protected = report.breakdowns[dimension]
        listed = html_table(page, dimension)
        # categories not listed are shown as 0 (the page says so): the attacker knows them as 0
        shown = [listed.rows[key][0] if key in listed.rows else "0" for key in protected.layout.row_keys]
        assert set(listed.rows) <= set(protected.layout.row_keys)
        tables[dimension] = read_back(protected, shown, listed.total[0])
    # the bar charts print the same cells as the tables, nothing else
    charts = page.find_all("svg", "chart")[1:]
    for dimension, svg in zip(CELL_DIMENSIONS, charts, strict=True):
        assert bar_values(svg) == [v for (v,) in html_table(page, dimension).rows.values()]
    # the line chart draws a point for each shown number only
    line = page.find_all("svg", "chart")[0]
    points = sum(
        1 for group in ("victims", "suspects") for c in report.series[group].values if isinstance(c, int)
    )
    assert len(line.find_all("circle")) == points
    return tables, {name: value for name, (value, _trend) in figures(page).items()}


@pytest.mark.parametrize("counts", [SMALL_COUNTS, TINY_COUNTS], ids=["small", "tiny"])
@pytest.mark.parametrize("length", [12, 24])
def test_no_hidden_number_can_be_recovered_from_the_dashboard(
    app: Flask,
    session: Session,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    counts: dict[str, int],
    length: int,
) -> None:
    k = app.config["SUPPRESSION_K"]
    load(session, counts, approve=sorted(counts)[:3], seed=3)
    client = login(make_user("cell").user)  # type: ignore[attr-defined]
    html = client.get(f"/cell/?months={length}").get_data(as_text=True)
    end = latest_month(session)
    assert end == max(counts)
    report = period_report(session, end, length, k=k)
    tables, shown_figures = dashboard_tables(html, report)

    assert markers(tables) >= ({f"<{k}", "x"} if counts is SMALL_COUNTS else {f"<{k}"})  # something to find
    for figure in report.key_figures:
        assert shown_figures[figure.name] == str(figure.value)
    assert attack(tables, published_totals(report)) == {}
    for table in tables.values():
        for cell in (*table.values, table.grand):
            assert isinstance(cell, Hidden) or cell == 0 or cell >= k
    assert_no_small_count(visible_text(parse_html(html).find("main")), k)


# -- the meeting pack ----------------------------------------------------------------------------


def pack_tables(lines: list[str], report: PeriodReport) -> tuple[dict[str, ProtectedTable], dict[str, str]]:
    tables: dict[str, ProtectedTable] = {}
    provisional, missing = set(report.provisional), set(report.missing)
    labels = []
    for month in report.months:
        name = f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"
        name += " (provisional)" if month in provisional else " (no figures)" if month in missing else ""
        labels.append(name)
    rows = pdf_table(lines, ["Month", "Victims", "Suspects"], labels, 2)
    for column, group in enumerate(("victims", "suspects")):
        series = report.series[group]
        by_month = dict(zip(report.months, labels, strict=True))
        shown = [rows[by_month[m]][column] for m in series.layout.row_keys]
        assert all(rows[by_month[m]] == ["-", "-"] for m in missing)
        tables[f"series:{group}"] = read_back(series, shown, rows["Total"][column])
    for dimension in CELL_DIMENSIONS:
        protected = report.breakdowns[dimension]
        keys = [
            key
            for key, value in zip(protected.layout.row_keys, protected.values, strict=True)
            if isinstance(value, Hidden) or value != 0
        ]
        names = [label(dimension, key, "en") for key in keys]
        listed = pdf_table(lines, ["Category", "Count"], names, 1)
        assert list(listed) == [*names, "Total"]
        by_key = {key: listed[name][0] for key, name in zip(keys, names, strict=True)}
        shown = [by_key.get(key, "0") for key in protected.layout.row_keys]
        tables[dimension] = read_back(protected, shown, listed["Total"][0])
    start = lines.index("Key figures")
    printed = {}
    for name, title in FIGURE_TITLES.items():
        at = lines.index(title, start)
        printed[name] = lines[at + 1]
    return tables, printed


def bare_numbers(lines: list[str]) -> list[int]:
    """The lines that are a bare number, except the trend chart's axis (a scale, not a count)."""
    chart = lines.index("Victims and suspects per month")
    axis_end = next(i for i in range(chart, len(lines)) if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", lines[i]))
    return [int(line) for i, line in enumerate(lines) if line.isdigit() and not chart < i < axis_end]


@pytest.mark.parametrize("counts", [SMALL_COUNTS, TINY_COUNTS], ids=["small", "tiny"])
@pytest.mark.parametrize(
    ("start", "end"), [("2024-01", "2024-12"), ("2023-07", "2024-12"), ("2024-05", "2024-09")]
)
def test_no_hidden_number_can_be_recovered_from_the_meeting_pack(
    app: Flask,
    session: Session,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    counts: dict[str, int],
    start: str,
    end: str,
) -> None:
    k = app.config["SUPPRESSION_K"]
    load(session, counts, approve=sorted(counts)[:3], seed=3)
    client = login(make_user("cell").user)  # type: ignore[attr-defined]
    response = client.get(f"/cell/meeting-pack.pdf?from={start}&to={end}")
    assert response.status_code == 200
    lines = pdf_lines(response.data)
    length = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:]) - int(start[5:]) + 1
    report = period_report(session, end, length, k=k)
    tables, printed = pack_tables(lines, report)

    if counts is SMALL_COUNTS and start == "2024-01":
        assert markers(tables) >= {f"<{k}", "x"}
    for figure in report.key_figures:
        assert printed[figure.name] == str(figure.value)
    assert attack(tables, published_totals(report)) == {}
    small = [n for n in bare_numbers(lines) if 1 <= n < k]
    assert small == []
