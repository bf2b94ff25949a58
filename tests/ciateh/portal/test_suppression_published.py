"""No hidden count can be recovered from what the Bureau's pages and exports publish.

Months are built with small counts (categories of 1..4) next to totals that would give them away.
Then, reading only the published text (the HTML of the month pages and of every drill-down, and the
CSV, XLSX and PDF exports), an attacker (:func:`ciateh.aggregates.attack.recover`: the exact
relations solved over the rationals, then the markers' ranges propagated) works on the tables below,
twice: reading the markers as the text allows (``<5`` is 1..4, or 0..4 in a small line; ``x`` any
number), and knowing in addition why each marker is there (a secondary ``x`` is at least 5, a
withheld one anything; taken from the report the page was made from, after checking that it shows
exactly the published text), which is the attacker the suppression's guarantee is stated for:

- every 1-D table of the month pages and of each export;
- for every pair of dimensions, the cross-tabulation a reader assembles from the drill-downs of every
  category (rows), with the month page's two tables as its row and column totals and the month's
  total as the grand total;
- the changes against the previous month and a year earlier (a change is only published between two
  published numbers, so it reveals nothing new).

It never recovers a hidden number, and no count from 1 to 4 is published as a number anywhere: in a
table cell, a key figure, a chart's bar label or a drill-down's heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import combinations, permutations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh import reports
from ciateh.aggregates import ProtectedTable, recover
from ciateh.exports.month_tables import DIMENSION_TITLES
from ciateh.reports import BUREAU_DIMENSIONS, ROLE_GROUPS
from tests.ciateh.portal.bureau_data import forms, population, store
from tests.ciateh.portal.published import (
    Published,
    crosstab,
    csv_tables,
    html_count_cells,
    html_count_tables,
    is_number,
    merge,
    number,
    one_d,
    parse_html,
    pdf_tables,
    transpose,
    with_reasons,
    xlsx_sheets,
    xlsx_tables,
)

K = 5
MONTH, PREVIOUS, YEAR_EARLIER = "2025-03", "2025-02", "2024-03"
SMALL = {str(n) for n in range(1, K)}


def people() -> list[object]:
    return [
        *population(
            MONTH, "victim", 33, seed=11,
            sex={"female": 30, "male": 3},
            age_band={"9-17": 3, "18-20": 2, "21-23": 14, "24-26": 9, "30-38": 5},
            minor={"yes": 3, "no": 30},
            nationality={"RO": 12, "BG": 8, "NG": 6, "BR": 3, "MA": 2, "UA": 1, "PH": 1},
            labour_sector={"not_applicable": 22, "construction": 6, "car_wash": 4, "domestic_work": 1},
            forms=forms(sexual=20, labour=8, sexual__labour=1, domestic_servitude=2, forced_begging=1,
                        forced_criminality=1),
            province={"BE-BRU": 25, "BE-VAN": 4, "BE-WLG": 3, "abroad": 1},
            partner={"pol": 28, "insp": 4, "idle": 1},
            protection={"reflection_period": 10, "temporary_residence": 18, "refused": 2, "unknown": 3},
            judicial={"investigation": 25, "prosecution": 6, "convicted": 2},
        ),
        *population(
            MONTH, "suspect", 7, seed=12,
            sex={"male": 6, "female": 1},
            nationality={"RO": 4, "AL": 3},
            forms=forms(sexual=5, labour=2),
            province={"BE-BRU": 7},
            partner={"pol": 6, "insp": 1},
            judicial={"investigation": 5, "prosecution": 2},
        ),
        *population(
            PREVIOUS, "victim", 20, seed=13,
            sex={"female": 17, "male": 3},
            nationality={"RO": 10, "BG": 6, "BR": 4},
            forms=forms(sexual=15, labour=5),
            province={"BE-BRU": 16, "BE-VAN": 4},
            partner={"pol": 18, "insp": 2},
        ),
        *population(PREVIOUS, "suspect", 3, seed=14, sex={"male": 3}),  # a small table
        *population(
            YEAR_EARLIER, "victim", 12, seed=15,
            sex={"female": 8, "male": 4},
            nationality={"RO": 12},
            forms=forms(sexual=12),
            province={"BE-BRU": 12},
        ),
    ]  # fmt: skip


@pytest.fixture
def bureau(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> FlaskClient:
    store(session, people(), (MONTH, PREVIOUS, YEAR_EARLIER))  # type: ignore[arg-type]
    return login(make_user("bureau").user)  # type: ignore[attr-defined]


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _month_page(client: FlaskClient, month: str, role: str) -> tuple[str, dict[str, Published]]:
    html = _get(client, f"/bureau/month/{month}?role={role}")
    return html, {t.dimension: t for t in html_count_tables(html).values()}


def _safe(published: ProtectedTable, truth: ProtectedTable, where: str) -> None:
    """Nothing recovered, reading the text alone or knowing every marker's reason."""
    found = recover(published)
    assert found == {}, f"{where}: the published text gives away {found}"
    found = recover(with_reasons(published, truth))
    assert found == {}, f"{where}: knowing the markers' reasons gives away {found}"


def _truth_crosstab(session: Session, role: str, rows: str, cols: str) -> ProtectedTable:
    """The cross-tabulation the drill-downs come from, as the reports layer made it."""
    report = reports.month_report(session, MONTH, role, k=K)
    assert report is not None
    row_table, col_table = report.breakdown(rows).table, report.breakdown(cols).table
    slices = [
        reports.drilldown(session, MONTH, role, rows, code, cols, k=K) for code in row_table.layout.row_keys
    ]
    from ciateh.aggregates import DIMENSIONS, Layout

    layout = Layout(
        rows, row_table.layout.row_keys, cols, col_table.layout.row_keys,
        DIMENSIONS[rows].multi, DIMENSIONS[cols].multi,
    )  # fmt: skip
    return ProtectedTable(
        layout,
        tuple(s.row_totals for s in slices),
        row_table.row_totals,
        col_table.row_totals,
        row_table.grand,
        K,
    )


def _assert_no_small_number(texts: list[str], where: str) -> None:
    shown = [t for t in texts if t in SMALL]
    assert not shown, f"{where} publishes small counts {shown}"


def _change(text: str) -> int | None:
    """A published change as a number ("+3", "−2", "-2", "0"), or None for "n/a"."""
    if text == "n/a":
        return None
    match = re.fullmatch(r"([+\-−]?)(\d+)", text)
    assert match, f"not a change: {text!r}"
    return -int(match.group(2)) if match.group(1) in "-−" and match.group(1) else int(match.group(2))


def _check_changes(
    tables: dict[str, Published], before: dict[str, dict[str, Published]], which: int, where: str
) -> None:
    """A change is published only between two published numbers, and is their difference."""
    month = (PREVIOUS, YEAR_EARLIER)[which]
    for dimension, table in tables.items():
        other = before[month].get(dimension)
        for code, text in table.counts:
            change = _change(table.changes[code][which])
            if change is None:
                continue
            assert is_number(text), f"{where}: a change next to hidden {dimension}={code}"
            assert other is not None and code in other.keys, f"{where}: change without a month to compare"
            then = other.count(code)
            assert is_number(then), f"{where}: change {dimension}={code} reveals a hidden number of {month}"
            assert number(text) - number(then) == change


@pytest.mark.parametrize("role", ROLE_GROUPS)
def test_no_hidden_count_can_be_recovered_from_the_month_pages_and_drill_downs(
    bureau: FlaskClient, session: Session, role: str
) -> None:
    pages = {m: _month_page(bureau, m, role) for m in (MONTH, PREVIOUS, YEAR_EARLIER)}
    _html, tables = pages[MONTH]
    assert list(tables) == list(BUREAU_DIMENSIONS)
    markers = [text for t in tables.values() for _c, text in t.texts() if not is_number(text)]
    assert f"<{K}" in markers, "the data must exercise the protection"
    if role == "victims":
        assert "x" in markers, "the data must exercise secondary suppression"

    cells = []
    for month, (page_html, page_tables) in pages.items():
        cells += html_count_cells(page_html)
        report = reports.month_report(session, month, role, k=K)
        assert report is not None
        for dimension, table in page_tables.items():
            _safe(one_d(table, K), report.breakdown(dimension).table, f"{month} {role} {dimension}")
    _check_changes(tables, {m: t for m, (_h, t) in pages.items()}, 0, f"{role} page")
    _check_changes(tables, {m: t for m, (_h, t) in pages.items()}, 1, f"{role} page")

    drilled: dict[tuple[str, str], dict[str, Published]] = {}
    for dimension, by in permutations(BUREAU_DIMENSIONS, 2):
        rows = drilled.setdefault((dimension, by), {})
        for code, text in tables[dimension].counts:
            if text == "0":
                continue  # no link: nothing to drill into
            page = _get(
                bureau,
                f"/bureau/month/{MONTH}/drilldown?role={role}&dimension={dimension}&code={code}&by={by}",
            )
            rows[code] = html_count_tables(page)["drilldown-table"]
            cells += html_count_cells(page)
            heading = parse_html(page).find(id="category-count").text()  # the category's count
            assert heading == text
            cells.append(heading)
    for a, b in combinations(BUREAU_DIMENSIONS, 2):
        forward = crosstab(tables[a], tables[b], drilled[(a, b)], K)
        backward = crosstab(tables[b], tables[a], drilled[(b, a)], K)
        truth_forward = _truth_crosstab(session, role, a, b)
        truth_backward = _truth_crosstab(session, role, b, a)
        _safe(forward, truth_forward, f"{role}: {a} x {b}")
        _safe(backward, truth_backward, f"{role}: {b} x {a}")
        # drilling a by b and b by a shows the same table twice: a reader combines both
        both = merge(forward, transpose(backward))
        assert recover(both) == {}, f"{role}: {a} x {b} and {b} x {a} together give away {recover(both)}"
        both = merge(with_reasons(forward, truth_forward), transpose(with_reasons(backward, truth_backward)))
        assert recover(both) == {}, (
            f"{role}: {a} x {b} and {b} x {a} (with reasons) give away {recover(both)}"
        )
        differ = [
            (a, row, b, col)
            for i, row in enumerate(forward.layout.row_keys)
            for j, col in enumerate(forward.layout.col_keys)
            if str(forward.cells[i][j]) != str(backward.cells[j][i])
        ]
        assert not differ, f"{role}: one table protected twice, differently: {differ}"
    _assert_no_small_number(cells, f"the {role} pages")


@pytest.mark.parametrize("role", ROLE_GROUPS)
def test_no_hidden_count_can_be_recovered_from_the_exports(
    bureau: FlaskClient, session: Session, role: str
) -> None:
    _html, page = _month_page(bureau, MONTH, role)
    report = reports.month_report(session, MONTH, role, k=K)
    assert report is not None
    csv_data = bureau.get(f"/bureau/month/{MONTH}/export.csv?role={role}").data
    xlsx_data = bureau.get(f"/bureau/month/{MONTH}/export.xlsx?role={role}").data
    pdf_data = bureau.get(f"/bureau/month/{MONTH}/export.pdf?role={role}").data
    titles = {d: str(t) for d, t in DIMENSION_TITLES.items()}
    pdf, charts = pdf_tables(pdf_data, BUREAU_DIMENSIONS, titles)
    exports = {"csv": csv_tables(csv_data)[1], "xlsx": xlsx_tables(xlsx_data)[1], "pdf": pdf}
    for name, tables in exports.items():
        assert list(tables) == list(BUREAU_DIMENSIONS), name
        counts = []
        for dimension, table in tables.items():
            # the same numbers and markers as the page, so nothing more to combine with it
            assert table.texts() == page[dimension].texts(), f"{name} {dimension}"
            for code, (previous, year) in table.changes.items():
                assert (_change(previous), _change(year)) == tuple(
                    _change(c) for c in page[dimension].changes[code]
                ), f"{name} {dimension} {code}"
            _safe(one_d(table, K), report.breakdown(dimension).table, f"{name} {dimension}")
            counts += [text for _code, text in table.texts()]
        _assert_no_small_number(counts, f"the {role} {name} export")
    for dimension, pairs in charts.items():
        values = [text for _label, text in pairs]
        assert values == [text for _code, text in page[dimension].counts], dimension
        _assert_no_small_number(values, f"the {role} PDF chart of {dimension}")
    numbers = [
        value
        for rows in list(xlsx_sheets(xlsx_data).values())[1:]
        for row in rows[8:]
        for value in row[4:5]
        if isinstance(value, int)
    ]
    assert numbers and not [n for n in numbers if 1 <= n < K], "no small count as a number in the XLSX"


def test_a_small_month_shows_nothing_but_markers(bureau: FlaskClient) -> None:
    """Three suspects in 2025-02: every count of their page and exports is "<5" or 0."""
    html, tables = _month_page(bureau, PREVIOUS, "suspects")
    assert {t.total for t in tables.values()} == {f"<{K}"}
    assert all(text in (f"<{K}", "0") for t in tables.values() for _c, text in t.counts)
    _assert_no_small_number(html_count_cells(html), "the small month page")
    _header, exported = csv_tables(bureau.get(f"/bureau/month/{PREVIOUS}/export.csv?role=suspects").data)
    assert all(text in (f"<{K}", "0") for t in exported.values() for _c, text in t.texts())
