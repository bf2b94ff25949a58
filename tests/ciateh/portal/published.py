"""Reading back what the Bureau's pages and exports publish, from their text only (HTML, CSV, XLSX,
PDF), as a reader would; and turning it into tables an attacker can work on.

Nothing here looks at the Python objects behind a page: the tables are rebuilt from the published
text, and a marker is read the way a reader of the text can read it: ``<k`` is 1..k-1, or 0..k-1 in a
line whose total is ``<k``; ``x`` is any number (a secondary suppression is at least k, but a withheld
line's ``x`` may be anything, and the text does not tell them apart). :func:`with_reasons` gives the
attacker more: the reason of every marker, as the suppression's guarantee assumes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook
from pypdf import PdfReader

from ciateh.aggregates import DIMENSIONS, Cell, Hidden, Layout, ProtectedTable, Reason, label
from tests.ciateh.portal.html_tree import Node, parse_html

NUMBER = re.compile(r"\d{1,3}([ ,.\u202f\u00a0]\d{3})*|\d+")


# -- published tables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """A 1-D table as published: the count text of each category (in order), the total, the change
    texts (previous month, a year earlier) where published, and the labels."""

    dimension: str
    counts: tuple[tuple[str, str], ...]  # (code, count text)
    total: str
    changes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    total_changes: tuple[str, str] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(code for code, _text in self.counts)

    def count(self, code: str) -> str:
        return dict(self.counts)[code]

    def texts(self) -> tuple[tuple[str, str], ...]:
        return (*self.counts, ("_total", self.total))


def _clean(text: str) -> str:
    return " ".join(text.split())


def html_count_tables(html: str) -> dict[str, Published]:
    """Every ``table.counts`` with a ``data-dimension``, by table id."""
    out: dict[str, Published] = {}
    for table in parse_html(html).find_all("table", cls="counts"):
        if "data-dimension" not in table.attrs:
            continue
        counts, changes, labels = [], {}, {}
        total = ""
        for row in table.find_all("tr"):
            key = row.attrs.get("data-key")
            if key is None:
                continue
            cells = [c for c in row.children if isinstance(c, Node) and c.tag == "td"]
            count = _clean(cells[0].text())
            if key == "_total":
                total = count
                continue
            counts.append((key, count))
            labels[key] = _clean(row.find("th").text())
            change_cells = [_clean(c.text()) for c in cells[1:]]
            if change_cells:
                changes[key] = (change_cells[0], change_cells[1])
        out[table.attrs.get("id", table.attrs["data-dimension"])] = Published(
            table.attrs["data-dimension"], tuple(counts), total, changes, labels
        )
    return out


def html_count_cells(html: str) -> list[str]:
    """The text of every published count of a page: the count cells of its tables (not the
    changes), the key figures, and the numbers written in its charts."""
    root = parse_html(html)
    out = []
    for table in root.find_all("table", cls="counts"):
        if "data-dimension" not in table.attrs:
            continue
        for row in table.find_all("tr"):
            if "data-key" in row.attrs:
                cells = [c for c in row.children if isinstance(c, Node) and c.tag == "td"]
                out.append(_clean(cells[0].text()))
    out += [_clean(n.text()) for n in root.find_all(cls="value")]
    out += chart_numbers(root)
    return out


def chart_numbers(root: Node) -> list[str]:
    """The texts of the charts' bars: each bar's value (a number or a marker) follows its label."""
    out = []
    for svg in root.find_all("svg", cls="chart"):
        texts = [_clean(t.text()) for t in svg.find_all("text")]
        # the first text is the title, then label/value pairs
        out += texts[2::2]
    return out


def html_charts(html: str) -> list[list[tuple[str, str]]]:
    """Each chart's (label, value text) pairs."""
    out = []
    for svg in parse_html(html).find_all("svg", cls="chart"):
        texts = [_clean(t.text()) for t in svg.find_all("text")][1:]
        out.append(list(zip(texts[0::2], texts[1::2], strict=True)))
    return out


def _tables_from_rows(rows: Sequence[Sequence[str]]) -> tuple[dict[str, str], dict[str, Published]]:
    """The header block and the breakdowns of a CSV file or an XLSX sheet (as text)."""
    header: dict[str, str] = {}
    i = 0
    while i < len(rows) and rows[i] and any(rows[i]):  # the header block, up to the empty line
        if rows[i][0]:
            header[rows[i][0]] = rows[i][1]
        i += 1
    while i < len(rows) and not (rows[i] and any(rows[i])):
        i += 1
    # rows[i]: the column titles (in the reader's language)
    tables: dict[str, dict[str, object]] = {}
    for row in rows[i + 1 :]:
        if not row or not row[0]:
            continue
        dimension, _title, code, name, count, prev, year = row[:7]
        table = tables.setdefault(dimension, {"counts": [], "changes": {}, "labels": {}, "total": None})
        if code == "_total":
            table["total"] = count
            table["total_changes"] = (prev, year)
        else:
            table["counts"].append((code, count))  # type: ignore[attr-defined]
            table["changes"][code] = (prev, year)  # type: ignore[index]
            table["labels"][code] = name  # type: ignore[index]
    return header, {
        dim: Published(
            dim,
            tuple(t["counts"]),  # type: ignore[arg-type]
            str(t["total"]),
            t["changes"],  # type: ignore[arg-type]
            t["labels"],  # type: ignore[arg-type]
            t.get("total_changes"),  # type: ignore[arg-type]
        )
        for dim, t in tables.items()
    }


def csv_tables(data: bytes) -> tuple[dict[str, str], dict[str, Published]]:
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV starts with a byte-order mark"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return _tables_from_rows(rows)


def xlsx_sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data), read_only=False)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def xlsx_tables(data: bytes) -> tuple[dict[str, str], dict[str, Published]]:
    """The breakdowns of every dimension sheet (numbers written as text, for comparison)."""
    header: dict[str, str] = {}
    tables: dict[str, Published] = {}
    for title, rows in list(xlsx_sheets(data).items())[1:]:
        text_rows = [["" if v is None else str(v) for v in row] for row in rows]
        sheet_header, sheet_tables = _tables_from_rows(text_rows)
        assert len(sheet_tables) == 1, f"sheet {title} holds one dimension"
        header = sheet_header
        tables.update(sheet_tables)
    return header, tables


PDF_HEAD = ("Category", "Count", "Change vs previous month", "Change vs same month a year earlier")


def pdf_lines(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    lines = []
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            line = _clean(line)
            if line and not line.startswith("ciateh: anonymous figures"):
                lines.append(line)
    return lines


def pdf_tables(
    data: bytes, dimensions: Sequence[str], titles: Mapping[str, str], lang: str = "en"
) -> tuple[dict[str, Published], dict[str, list[tuple[str, str]]]]:
    """The breakdown tables of a month PDF (labels mapped back to codes) and each chart's
    (label, value) pairs. ``titles`` gives each dimension's heading."""
    lines = pdf_lines(data)
    tables: dict[str, Published] = {}
    charts: dict[str, list[tuple[str, str]]] = {}
    at = 0
    for dimension in dimensions:
        at = lines.index(titles[dimension], at) + 1
        assert tuple(lines[at : at + 4]) == PDF_HEAD, lines[at : at + 4]
        at += 4
        counts, changes, labels = [], {}, {}
        while True:
            name, count, prev, year = lines[at : at + 4]
            at += 4
            if name == "Total":
                total, total_changes = count, (prev, year)
                break
            code = _code_of(dimension, name, lang)
            counts.append((code, count))
            changes[code] = (prev, year)
            labels[code] = name
        tables[dimension] = Published(dimension, tuple(counts), total, changes, labels, total_changes)
        assert lines[at] == titles[dimension], "the chart follows its table"
        at += 1
        pairs = []
        for _ in counts:
            pairs.append((lines[at], lines[at + 1]))
            at += 2
        charts[dimension] = pairs
    return tables, charts


def _code_of(dimension: str, name: str, lang: str) -> str:
    from ciateh.aggregates import REST
    from ciateh.aggregates.dimensions import dimension as dim_of
    from ciateh.aggregates.dimensions import listed_codes

    if dimension == "nationality" and name == label(dimension, REST, lang):
        return REST
    for code in listed_codes(dim_of(dimension)) if dimension != "partner" else ():
        if label(dimension, code, lang) == name:
            return code
    return name  # partner codes, and codes without a label, are shown as they are


# -- for the attacker ----------------------------------------------------------------------------


def is_number(text: str) -> bool:
    return NUMBER.fullmatch(text) is not None


def number(text: str) -> int:
    return int(re.sub(r"[ ,.\u202f\u00a0]", "", text))


def cell(text: str, k: int, *, small_line: bool = False, grand: bool = False) -> Cell:
    """A published count as a reader understands it."""
    if is_number(text):
        return number(text)
    if text == f"<{k}":
        return Hidden(Reason.SMALL_GROUP if small_line and not grand else Reason.SMALL, k)
    if text == "x":
        return Hidden(Reason.WITHHELD, k)
    raise AssertionError(f"not a published count: {text!r}")


def one_d(table: Published, k: int) -> ProtectedTable:
    """The 1-D table a reader sees (a small total makes every ``<k`` of the table 0..k-1)."""
    small = table.total == f"<{k}"
    layout = Layout(table.dimension, table.keys, row_multi=DIMENSIONS[table.dimension].multi)
    return ProtectedTable(
        layout,
        (),
        tuple(cell(text, k, small_line=small) for _code, text in table.counts),
        (),
        cell(table.total, k, grand=True),
        k,
    )


def crosstab(rows: Published, cols: Published, drilled: Mapping[str, Published], k: int) -> ProtectedTable:
    """The cross-tabulation a reader assembles from the month page's two 1-D tables (the margins)
    and the drill-downs of every row (a row shown as 0 is all zeros)."""
    if rows.total != cols.total:
        raise AssertionError(f"{rows.dimension} and {cols.dimension} show different totals")
    small_grand = rows.total == f"<{k}"
    cells = []
    for code, text in rows.counts:
        if code not in drilled:
            assert text == "0", f"row {code} of {rows.dimension} has no drill-down but shows {text}"
            cells.append(tuple(0 for _ in cols.keys))
            continue
        drill = drilled[code]
        assert drill.keys == cols.keys, f"drill-down {rows.dimension}={code} lists other categories"
        assert drill.total == text, f"drill-down {rows.dimension}={code} total {drill.total} != {text}"
        small_row = small_grand or text == f"<{k}"
        cells.append(
            tuple(
                cell(value, k, small_line=small_row or cols.count(col) == f"<{k}")
                for col, value in drill.counts
            )
        )
    layout = Layout(
        rows.dimension,
        rows.keys,
        cols.dimension,
        cols.keys,
        DIMENSIONS[rows.dimension].multi,
        DIMENSIONS[cols.dimension].multi,
    )
    return ProtectedTable(
        layout,
        tuple(cells),
        tuple(cell(t, k, small_line=small_grand) for _c, t in rows.counts),
        tuple(cell(t, k, small_line=small_grand) for _c, t in cols.counts),
        cell(rows.total, k, grand=True),
        k,
    )


def with_reasons(published: ProtectedTable, truth: ProtectedTable) -> ProtectedTable:
    """``published`` (read from the text) with the reason of each marker taken from ``truth`` (the
    table the page was made from), after checking that both show the same text everywhere: the
    attacker who knows why each number is hidden (a secondary ``x`` is at least k)."""
    assert published.layout.row_keys == truth.layout.row_keys
    assert published.layout.col_keys == truth.layout.col_keys

    def pick(shown: Cell, true: Cell, where: object) -> Cell:
        assert str(shown) == str(true), f"{where}: published {shown}, made from {true}"
        return true

    return ProtectedTable(
        published.layout,
        tuple(
            tuple(pick(a, b, (i, j)) for j, (a, b) in enumerate(zip(ra, rb, strict=True)))
            for i, (ra, rb) in enumerate(zip(published.cells, truth.cells, strict=True))
        ),
        tuple(
            pick(a, b, ("row", i))
            for i, (a, b) in enumerate(zip(published.row_totals, truth.row_totals, strict=True))
        ),
        tuple(
            pick(a, b, ("col", j))
            for j, (a, b) in enumerate(zip(published.col_totals, truth.col_totals, strict=True))
        ),
        pick(published.grand, truth.grand, "grand"),
        published.k,
    )


def transpose(table: ProtectedTable) -> ProtectedTable:
    layout = table.layout
    flipped = Layout(
        layout.col_dim or "", layout.col_keys, layout.row_dim, layout.row_keys,
        layout.col_multi, layout.row_multi, layout.unit,
    )  # fmt: skip
    cells = tuple(tuple(row[j] for row in table.cells) for j in range(len(layout.col_keys)))
    return ProtectedTable(flipped, cells, table.col_totals, table.row_totals, table.grand, table.k)


def merge(a: ProtectedTable, b: ProtectedTable) -> ProtectedTable:
    """What a reader knows from two publications of the same table: a number shown in either."""
    assert a.layout == b.layout

    def pick(x: Cell, y: Cell) -> Cell:
        if isinstance(x, Hidden) and isinstance(y, Hidden):
            # both hidden: the narrower reading holds (a reader has both)
            return x if x.reason is not Reason.WITHHELD else y
        return y if isinstance(x, Hidden) else x

    return ProtectedTable(
        a.layout,
        tuple(
            tuple(pick(x, y) for x, y in zip(ra, rb, strict=True))
            for ra, rb in zip(a.cells, b.cells, strict=True)
        ),
        tuple(pick(x, y) for x, y in zip(a.row_totals, b.row_totals, strict=True)),
        tuple(pick(x, y) for x, y in zip(a.col_totals, b.col_totals, strict=True)),
        pick(a.grand, b.grand),
        a.k,
    )
