"""The Bureau in Chromium: pick a month, see small counts protected ("<5"), drill down, and download
the month as CSV, XLSX and PDF, whose figures are exactly the page's (a suppressed cell of the page
is a marker in every export, never a number)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page
from pypdf import PdfReader

pytestmark = pytest.mark.browser

MARKERS = ("<5", "x")
SMALL = {1, 2, 3, 4}
#: every table of the page, as {dimension: [(key, label, shown value, suppressed)]}
TABLES_JS = """tables => tables.map(t => [
  t.dataset.dimension,
  Array.from(t.querySelectorAll('tr[data-key]')).map(tr => [
    tr.dataset.key,
    tr.querySelector('th').innerText.trim(),
    tr.querySelector('td.num').innerText.trim(),
    tr.querySelector('td.num').classList.contains('suppressed'),
  ]),
])"""

Row = tuple[str, str, str, bool]


def number(text: str) -> int | None:
    """The number a cell shows (digit grouping removed), or None for a marker or any other text."""
    digits = re.sub(r"[,.\s\u00a0\u202f]", "", text)
    return int(digits) if digits.isdigit() else None


def page_tables(page: Page, selector: str = "table.counts[data-dimension]") -> dict[str, list[Row]]:
    found = page.locator(selector).evaluate_all(TABLES_JS)
    return {str(dim): [(str(k), str(lb), str(v), bool(s)) for k, lb, v, s in rows] for dim, rows in found}


def check_protected(tables: dict[str, list[Row]]) -> None:
    """Suppressed cells show a marker; no cell shows a count of 1 to 4."""
    for dimension, rows in tables.items():
        for key, _label, shown, suppressed in rows:
            if suppressed:
                assert shown in MARKERS, f"{dimension}/{key}: suppressed cell shows {shown!r}"
            else:
                value = number(shown)
                assert value is not None, f"{dimension}/{key}: {shown!r} is neither a number nor marked"
                assert value not in SMALL, f"{dimension}/{key}: a count of {value} is shown"


@pytest.fixture(scope="module")
def month(demo_site: Any) -> str:
    """The approved month with the most victims (big and small numbers side by side)."""
    rows = demo_site.query(
        "SELECT c.registered_month, COUNT(*) AS n FROM anonymous_case c "
        "WHERE c.role <> 'suspect' AND c.registered_month IN ("
        "  SELECT s.month FROM month_snapshot s JOIN month_approval a ON a.snapshot_id = s.id) "
        "GROUP BY c.registered_month ORDER BY n DESC, c.registered_month"
    )
    assert rows, "the demo has no approved month"
    return str(rows[0][0])


def open_month(page: Page, site: Any, month: str) -> None:
    page.goto(f"{site.url}/bureau/")
    page.click(f"a[href*='/bureau/month/{month}']")
    page.wait_for_url(f"**/bureau/month/{month}**")
    page.wait_for_selector("table.counts[data-dimension='exploitation_form']")


def test_a_month_shows_small_counts_as_protected(
    demo_site: Any, new_page: Callable[[Any], Page], screenshot: Callable[[Page, str], Path], month: str
) -> None:
    page = new_page(demo_site.account("bureau"))
    page.goto(f"{demo_site.url}/bureau/")
    screenshot(page, "bureau-months")
    open_month(page, demo_site, month)
    screenshot(page, "bureau-month")

    assert month in page.locator("h1").inner_text()
    suppressed = page.locator("td.suppressed").all_inner_texts()
    assert "<5" in [s.strip() for s in suppressed], "no small count shown as <5"
    tables = page_tables(page)
    assert {"exploitation_form", "sex", "nationality", "partner"} <= set(tables)
    check_protected(tables)
    shown = [number(v) for rows in tables.values() for _k, _l, v, s in rows if not s]
    assert any(n is not None and n >= 5 for n in shown), "no count of 5 or more on the page"
    assert page.locator("svg.chart").count() >= len(tables), "a breakdown without its chart"
    assert page.locator("#export-csv").is_visible() and page.locator("#export-pdf").is_visible()


def test_a_drilldown_is_protected_and_adds_up_to_its_category(
    demo_site: Any, new_page: Callable[[Any], Page], screenshot: Callable[[Page, str], Path], month: str
) -> None:
    page = new_page(demo_site.account("bureau"))
    open_month(page, demo_site, month)
    forms = page_tables(page)["exploitation_form"]
    # the largest category that is shown (and so has a drill-down link)
    key, label, shown, _ = max(
        (r for r in forms if not r[3] and r[0] != "_total"), key=lambda r: number(r[2]) or 0
    )
    page.click(f"table.counts[data-dimension='exploitation_form'] tr[data-key='{key}'] a")
    page.wait_for_selector("#drilldown-table")
    screenshot(page, "bureau-drilldown")
    assert "/drilldown" in page.url
    assert label in page.locator("#drilldown-scope").inner_text()
    drill = page_tables(page, "#drilldown-table")
    check_protected(drill)
    (rows,) = drill.values()
    total = [r for r in rows if r[0] == "_total"]
    assert total and total[0][2] == shown, "the drill-down's total is not the category's count"


def test_the_exports_carry_exactly_the_page_figures(
    demo_site: Any, new_page: Callable[[Any], Page], month: str, tmp_path: Path
) -> None:
    page = new_page(demo_site.account("bureau"))
    open_month(page, demo_site, month)
    tables = page_tables(page)
    check_protected(tables)  # so that an export equal to the page is protected too
    expected = {(dim, key): shown for dim, rows in tables.items() for key, _l, shown, _s in rows}
    files: dict[str, Path] = {}
    for fmt in ("csv", "xlsx", "pdf"):
        with page.expect_download() as download:
            page.click(f"#export-{fmt}")
        name = download.value.suggested_filename
        assert name.endswith(f".{fmt}") and month in name, name
        files[fmt] = tmp_path / name
        download.value.save_as(files[fmt])

    # CSV: the header block names the month; every category of the page, with the page's value
    text = files["csv"].read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert ["Month", month] in lines
    head = lines.index(next(line for line in lines if line[:1] == ["Dimension code"]))
    got = {(line[0], line[2]): line[4] for line in lines[head + 1 :] if line}
    assert got == expected
    assert "<5" in got.values()
    assert not [v for v in got.values() if number(v) in SMALL]

    # XLSX: the same figures, numbers as numbers, markers as text
    book = load_workbook(files["xlsx"], read_only=True)
    cells: dict[tuple[str, str], str] = {}
    for sheet in book.worksheets[1:]:
        sheet_rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert [r for r in sheet_rows if r[:2] == ["Month", month]], f"sheet {sheet.title}: no month"
        start = next(i for i, r in enumerate(sheet_rows) if r and r[0] == "Dimension code") + 1
        for r in sheet_rows[start:]:
            if r and r[0]:
                value = r[4]
                assert isinstance(value, int) or value in MARKERS, f"{r[0]}/{r[2]}: {value!r}"
                assert value not in SMALL
                cells[(str(r[0]), str(r[2]))] = str(value)
    assert cells == {k: str(number(v)) if number(v) is not None else v for k, v in expected.items()}

    # PDF: the month, and every table of the page in order, each category with the page's value
    pdf = "\n".join(p.extract_text() or "" for p in PdfReader(files["pdf"]).pages)
    assert month in pdf and "<5" in pdf
    lines_pdf = [line.strip() for line in pdf.splitlines()]
    cursor = 0
    for dimension, rows in tables.items():
        for key, label, shown, _s in rows:
            name = "Total" if key == "_total" else label
            for i in range(cursor, len(lines_pdf) - 1):
                if lines_pdf[i] == name and lines_pdf[i + 1] == shown:
                    cursor = i + 2
                    break
            else:
                pytest.fail(f"PDF: {dimension}/{key} not found as {name!r} followed by {shown!r}")
