"""The month exports (CSV, XLSX, PDF): read back from the files, they hold the page's figures, the
header block, the changes, numbers as numbers and markers as text, and no formula."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ciateh.aggregates import Hidden, Layout, ProtectedTable, Reason
from ciateh.exports.month_tables import DIMENSION_TITLES, month_csv, month_xlsx, safe_text
from ciateh.models import AuditEntry
from ciateh.reports import BUREAU_DIMENSIONS, Breakdown, MonthReport, SnapshotInfo
from tests.ciateh.portal.bureau_data import PAGES_MONTHS, pages_people, store
from tests.ciateh.portal.published import (
    csv_tables,
    html_charts,
    html_count_tables,
    pdf_lines,
    pdf_tables,
    xlsx_sheets,
    xlsx_tables,
)

TITLES = {d: str(t) for d, t in DIMENSION_TITLES.items()}


@pytest.fixture
def bureau(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> FlaskClient:
    store(session, pages_people(), PAGES_MONTHS)
    return login(make_user("bureau").user)  # type: ignore[attr-defined]


def _page_tables(client: FlaskClient, role: str = "victims") -> dict[str, object]:
    html = client.get(f"/bureau/month/2024-11?role={role}").get_data(as_text=True)
    return {t.dimension: t for t in html_count_tables(html).values()}


def test_csv_holds_the_header_block_and_the_pages_figures(bureau: FlaskClient) -> None:
    response = bureau.get("/bureau/month/2024-11/export.csv?role=victims")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ciateh-2024-11-victims.csv"'
    header, tables = csv_tables(response.data)
    assert header["Month"] == "2024-11"
    assert header["Role group"] == "Victims"
    assert header["Revision"] == "1"
    assert header["Status"].startswith("Provisional")
    assert header["k"] == "5"
    assert list(tables) == list(BUREAU_DIMENSIONS)
    page = _page_tables(bureau)
    for dimension, table in tables.items():
        shown = page[dimension]
        assert table.texts() == shown.texts(), dimension  # type: ignore[attr-defined]
        assert table.labels == shown.labels  # type: ignore[attr-defined]
    sex = tables["sex"]
    assert sex.count("female") == "12" and sex.count("male") == "10" and sex.total == "22"
    # changes against 2024-10 (10 female, 7 male) and 2023-11 (6 female, 9 male)
    assert sex.changes["female"] == ("2", "6")
    assert sex.changes["male"] == ("3", "1")
    assert sex.total_changes == ("5", "7")
    assert tables["exploitation_form"].count("domestic_servitude") == "<5"
    assert tables["exploitation_form"].changes["domestic_servitude"] == ("n/a", "n/a")


def test_suspects_export_is_its_own_file(bureau: FlaskClient) -> None:
    response = bureau.get("/bureau/month/2024-11/export.csv?role=suspects")
    assert response.headers["Content-Disposition"] == 'attachment; filename="ciateh-2024-11-suspects.csv"'
    header, tables = csv_tables(response.data)
    assert header["Role group"] == "Suspects"
    assert tables["sex"].count("male") == "6"


def test_xlsx_numbers_are_numbers_and_markers_text(bureau: FlaskClient) -> None:
    response = bureau.get("/bureau/month/2024-11/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="ciateh-2024-11-victims.xlsx"'
    sheets = xlsx_sheets(response.data)
    assert len(sheets) == 1 + len(BUREAU_DIMENSIONS)
    summary = next(iter(sheets.values()))
    assert summary[0][:2] == ["Month", "2024-11"]
    assert ["Victims", 22, 5, 7] in [row[:4] for row in summary]
    header, tables = xlsx_tables(response.data)
    assert header["Revision"] == "1"
    page = _page_tables(bureau)
    for dimension in BUREAU_DIMENSIONS:
        assert tables[dimension].texts() == page[dimension].texts()  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[1 + BUREAU_DIMENSIONS.index("exploitation_form")]
    kinds = {}
    for row in sheet.iter_rows(min_row=9):
        code, count, previous = row[2].value, row[4], row[5]
        kinds[code] = (count.value, count.data_type, previous.value)
    assert kinds["sexual"] == (12, "n", 2)
    assert kinds["domestic_servitude"] == ("<5", "s", "n/a")
    assert all(c.data_type != "f" for s in book.worksheets for r in s.iter_rows() for c in r)


def test_pdf_holds_the_tables_and_the_charts_of_the_page(bureau: FlaskClient) -> None:
    response = bureau.get("/bureau/month/2024-11/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ciateh-2024-11-victims.pdf"'
    assert response.data.startswith(b"%PDF")
    tables, charts = pdf_tables(response.data, BUREAU_DIMENSIONS, TITLES)
    html = bureau.get("/bureau/month/2024-11").get_data(as_text=True)
    page = {t.dimension: t for t in html_count_tables(html).values()}
    page_charts = html_charts(html)
    for n, dimension in enumerate(BUREAU_DIMENSIONS):
        assert tables[dimension].texts() == page[dimension].texts(), dimension
        assert [v for _label, v in charts[dimension]] == [v for _label, v in page_charts[n]], dimension
    assert tables["sex"].changes["female"] == ("+2", "+6")
    lines = pdf_lines(response.data)
    assert "Victims, 2024-11" in lines
    assert "Provisional (not approved by the Bureau)" in lines


def test_an_approved_month_says_by_whom(bureau: FlaskClient, session: Session) -> None:
    page = bureau.get("/bureau/month/2024-11").get_data(as_text=True)
    from tests.ciateh.portal.bureau_data import form_data

    bureau.post("/bureau/month/2024-11/approve", data=form_data(page, role="victims"))
    header, _tables = csv_tables(bureau.get("/bureau/month/2024-11/export.csv").data)
    assert header["Status"].startswith("Approved by user:bureau-")


def test_labels_follow_the_users_language(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    store(session, pages_people(), PAGES_MONTHS)
    client = login(make_user("bureau", language="nl").user)  # type: ignore[attr-defined]
    _header, tables = csv_tables(client.get("/bureau/month/2024-11/export.csv").data)
    assert tables["sex"].labels["female"] == "Vrouw"
    assert tables["nationality"].labels["RO"] == "Roemenië"


def test_every_export_is_audited(bureau: FlaskClient, session: Session) -> None:
    for fmt in ("csv", "xlsx", "pdf"):
        assert bureau.get(f"/bureau/month/2024-11/export.{fmt}?role=suspects").status_code == 200
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "portal.export")).all()
    assert [e.details.get("fmt") for e in entries] == ["csv", "xlsx", "pdf"]
    assert all(e.details["endpoint"] == "bureau.export" for e in entries)
    assert all(e.details["arg.role"] == "suspects" for e in entries)


@pytest.mark.parametrize(
    "url",
    [
        "/bureau/month/2024-11/export.doc",
        "/bureau/month/2024-12/export.csv",
        "/bureau/month/2024-13/export.csv",
        "/bureau/month/2024-11/export.csv?role=all",
        "/bureau/month/2024-11/export.csv?revision=7",
    ],
)
def test_bad_exports_are_404(bureau: FlaskClient, url: str) -> None:
    assert bureau.get(url).status_code == 404


# -- formula injection ---------------------------------------------------------------------------

DANGEROUS = ('=HYPERLINK("http://example.org")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB")


@pytest.mark.parametrize("text", DANGEROUS)
def test_safe_text_defuses_formulas(text: str) -> None:
    assert safe_text(text) == "'" + text
    assert safe_text("Romania") == "Romania"


def _report_with_codes(codes: tuple[str, ...]) -> MonthReport:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    info = SnapshotInfo(1, "2024-11", 1, now, "user:test", None, None)
    values = tuple([7] * (len(codes) - 1) + [Hidden(Reason.SMALL, 5)])
    table = ProtectedTable(Layout("partner", codes), (), values, (), 7 * (len(codes) - 1) + 3, 5)
    none = tuple(None for _ in codes)
    return MonthReport(
        "2024-11",
        "victims",
        5,
        info,
        (info,),
        False,
        table.grand,
        None,
        -2,
        (Breakdown("partner", table, tuple(-1 for _ in codes), none),),
    )


def test_csv_and_xlsx_never_hold_a_formula(app: Flask) -> None:
    report = _report_with_codes(DANGEROUS)
    with app.test_request_context():
        data = month_csv(report, "en")
        xlsx = month_xlsx(report, "en")
    _header, tables = csv_tables(data)
    partner = tables["partner"]
    assert [code for code, _count in partner.counts] == ["'" + c for c in DANGEROUS]
    assert partner.changes["'" + DANGEROUS[0]] == ("-1", "n/a")  # numbers stay numbers
    assert partner.total_changes == ("n/a", "-2")
    book = load_workbook(io.BytesIO(xlsx))
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if c.data_type == "s"}
    assert set(DANGEROUS) <= texts  # stored as the strings they are
    assert -1 in {c.value for c in cells}
