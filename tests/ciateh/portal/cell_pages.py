"""Helpers for the tests of the Cell's dashboard and meeting pack: synthetic persons over many
months, snapshots of them, and reading the published numbers back out of the HTML and the PDF text.

Nothing here knows how the pages are built beyond their documented markup: tables ``table.counts``
with ``data-dimension`` and rows with ``data-key``, key figures ``div.figure[data-figure]``, and SVG
charts ``svg.chart``; in the PDF, the tables' header lines and one cell per line (as pypdf reads
reportlab tables).
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pypdf import PdfReader
from sqlalchemy.orm import Session

from ciateh.aggregates import REST, Cell, Hidden
from ciateh.aggregates.bounds import Range
from ciateh.aggregates.query import month_range
from ciateh.reports import month_report
from ciateh.snapshots import approve_month, build_snapshot
from tests.ciateh.aggregates.dataset import P, insert
from tests.ciateh.portal import html_tree

# -- data --------------------------------------------------------------------------------------

FORMS: tuple[tuple[str, ...], ...] = (
    ("labour",),
    ("labour",),
    ("sexual",),
    ("sexual",),
    ("labour", "forced_criminality"),
    ("domestic_servitude",),
    ("forced_begging",),
)
SECTORS = ("construction", "construction", "car_wash", "agriculture", "hospitality", "not_applicable")
NATIONALITIES = (
    "RO",
    "RO",
    "RO",
    "MA",
    "MA",
    "BR",
    "NG",
    "UA",
    "PH",
    "AL",
    "BG",
    "IN",
    "CN",
    "VN",
    "ER",
    "SY",
)


def people(counts: dict[str, int], *, seed: int = 5, suspects_every: int = 3) -> list[P]:
    """``counts[month]`` victims per month (and a suspect for every ``suspects_every`` of them), with
    forms, sectors and nationalities drawn so that some categories are large and some small."""
    rng = random.Random(seed)
    out: list[P] = []
    for month, n in counts.items():
        for i in range(n):
            forms = rng.choice(FORMS)
            sector = rng.choice(SECTORS) if "labour" in forms else "not_applicable"
            case = f"{month}-{i // 2}"
            out.append(
                P(
                    rng.choice(("pol", "insp")),
                    case,
                    rng.choice(("victim", "presumed_victim")),
                    month,
                    rng.choice(("male", "female")),
                    age_band=rng.choice(("9-17", "18-20", "21-23", "30-38")),
                    nationality=rng.choice(NATIONALITIES),
                    labour_sector=sector,
                    forms=forms,
                    minor="yes" if rng.random() < 0.15 else "no",
                )
            )
            if i % suspects_every == 0:
                out.append(P("pol", case, "suspect", month, "male", "30-38", rng.choice(NATIONALITIES)))
    return out


def load(session: Session, counts: dict[str, int], *, approve: Sequence[str] = (), seed: int = 5) -> list[P]:
    """Insert the persons, snapshot every month that has some, approve ``approve``; committed."""
    persons = people(counts, seed=seed)
    insert(session, persons)
    for month in sorted(counts):
        if counts[month]:
            build_snapshot(session, month, "user:test")
    for month in approve:
        approve_month(session, month, "user:test")
    session.commit()
    return persons


def months(start: str, end: str) -> list[str]:
    return list(month_range(start, end))


# -- HTML ---------------------------------------------------------------------------------------


class Node(html_tree.Node):
    """Text with whitespace collapsed (children joined by a space), and ``find`` for exactly one."""

    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return " ".join(" ".join(parts).split())

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"{len(found)} matches for {tag} {cls} {attrs}"
        node = found[0]
        assert isinstance(node, Node)
        return node


def parse_html(html: str) -> Node:
    root = html_tree.parse_html(html, Node)
    assert isinstance(root, Node)
    return root


@dataclass(frozen=True)
class HtmlTable:
    """A published table: the text of each row's cells by key, and of the totals row."""

    dimension: str
    rows: dict[str, tuple[str, ...]]
    total: tuple[str, ...]


def html_tables(page: Node) -> list[HtmlTable]:
    out = []
    for table in page.find_all("table", "counts"):
        rows = {}
        for tr in table.find("tbody").find_all("tr"):
            rows[tr.attrs["data-key"]] = tuple(td.text() for td in tr.find_all("td"))
        total = tuple(td.text() for td in table.find("tfoot").find_all("td"))
        out.append(HtmlTable(table.attrs["data-dimension"], rows, total))
    return out


def html_table(page: Node, dimension: str) -> HtmlTable:
    found = [t for t in html_tables(page) if t.dimension == dimension]
    assert len(found) == 1, dimension
    return found[0]


def figures(page: Node) -> dict[str, tuple[str, str]]:
    """Key figure name -> (value text, trend text)."""
    return {
        div.attrs["data-figure"]: (div.find("div", "value").text(), div.find("div", "trend").text())
        for div in page.find_all("div", "figure")
    }


def bar_values(svg: Node) -> list[str]:
    """The numbers or markers written at the end of the bars of a bar chart (in order)."""
    return [
        t.text()
        for t in svg.find_all("text")
        if t.attrs.get("text-anchor") == "start" and t.attrs.get("font-size") == "11"
    ]


def visible_text(page: Node) -> str:
    """The page's text outside charts, the page footer and attributes."""

    def walk(node: Node) -> Iterator[str]:
        if node.tag in ("svg", "footer", "script", "style", "title"):
            return
        for child in node.children:
            if isinstance(child, str):
                yield child
            else:
                yield from walk(child)

    return " ".join(" ".join(walk(page)).split())


# -- PDF ----------------------------------------------------------------------------------------


def pdf_lines(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    lines: list[str] = []
    for page in reader.pages:
        lines += [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    return lines


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_lines(data))


def pdf_table(
    lines: list[str], header: Sequence[str], first_labels: Sequence[str], columns: int
) -> dict[str, list[str]]:
    """The rows of the table whose header is ``header``, found where it is followed by the row of
    ``first_labels[0]``: {label: [cells]} for each label of ``first_labels`` in order, then "Total"
    when present."""
    width = len(header)
    for start in range(len(lines) - width):
        if lines[start : start + width] != list(header):
            continue
        at = start + width
        if lines[at] != first_labels[0]:
            continue
        rows: dict[str, list[str]] = {}
        for name in [*first_labels, "Total"]:
            if at >= len(lines) or lines[at] != name:
                break
            rows[name] = lines[at + 1 : at + 1 + columns]
            at += 1 + columns
        return rows
    raise AssertionError(f"no table with header {header} and first row {first_labels[0]!r}")


# -- what the month pages publish -----------------------------------------------------------------


def shown(value: Range, k: int = 5) -> str:
    """A Cell figure as the English pages print it."""
    return value.display(k, thousands=",")


@dataclass(frozen=True)
class MonthPage:
    """What the Bureau's month page of one month publishes (its default, published revision), read
    through :func:`ciateh.reports.month_report` only, as ranges by quantity: ``("victims", "")``,
    ``("suspects", "")``, ``("minor_victims", "")``, ``(dimension, key)`` for the Cell's dimensions;
    nationality as published (the listed codes and the rest), with ``bound``: the most a code the
    page does not list can be (min of the rest and the smallest listed, as upper bounds)."""

    month: str
    ranges: dict[tuple[str, str], Range]
    hidden: set[tuple[str, str]]  # the quantities shown as a marker
    nationality: tuple[str, ...]  # the codes listed (without the rest)
    bound: int | None

    def of(self, quantity: tuple[str, str]) -> Range:
        """The range the page gives a quantity (a nationality it does not list: 0..bound)."""
        if quantity in self.ranges:
            return self.ranges[quantity]
        if quantity[0] == "nationality":
            return Range(0, self.bound)
        return Range(0, 0)


def month_page(session: Session, month: str, k: int) -> MonthPage | None:
    victims = month_report(session, month, "victims", k=k)
    suspects = month_report(session, month, "suspects", k=k)
    if victims is None or suspects is None:
        return None
    ranges: dict[tuple[str, str], Range] = {}
    hidden: set[tuple[str, str]] = set()

    def put(quantity: tuple[str, str], cell: Cell, grand: bool = False) -> None:
        ranges[quantity] = Range.of(cell, grand=grand)
        if isinstance(cell, Hidden):
            hidden.add(quantity)

    put(("victims", ""), victims.total, True)
    put(("suspects", ""), suspects.total, True)
    minors = victims.breakdown("minor_at_exploitation").table
    put(("minor_victims", ""), dict(zip(minors.layout.row_keys, minors.values, strict=True))["yes"])
    for dimension in ("exploitation_form", "labour_sector", "nationality"):
        table = victims.breakdown(dimension).table
        for key, cell in zip(table.layout.row_keys, table.values, strict=True):
            put((dimension, key), cell)
    listed = tuple(key for (dim, key) in ranges if dim == "nationality" and key != REST)
    bounds = [ranges["nationality", key].hi for key in (*listed, REST)]
    bound = min((b for b in bounds if b is not None), default=None)
    return MonthPage(month, ranges, hidden, listed, bound)
