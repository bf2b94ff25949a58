"""PDF documents from protected tables and the portal's SVG charts (reportlab, svglib).

::

    doc = PdfReport(title="...", subtitle="...")
    doc.heading("Victims by form of exploitation")
    doc.paragraph("...")
    doc.table(["Category", "Count"], [["Labour", "12"], ["Sexual", "<5"]])
    doc.chart(svg_markup)
    data: bytes = doc.build()

Text is set in the PDF core fonts (Latin-1): characters outside it are replaced, never dropped
silently into a broken file. Every number passed in is already a display string of a protected cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable
from svglib.svglib import svg2rlg

_REPLACE = {"−": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "\u202f": " "}


def latin1(text: str) -> str:
    for old, new in _REPLACE.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


class PdfReport:
    def __init__(self, title: str, subtitle: str = "", footer: str = "") -> None:
        self.title = latin1(title)
        self.footer = latin1(footer)
        self.styles = getSampleStyleSheet()
        self.story: list[Flowable] = [Paragraph(escape(self.title), self.styles["Title"])]
        if subtitle:
            self.story.append(Paragraph(escape(latin1(subtitle)), self.styles["Normal"]))
        self.story.append(Spacer(1, 0.4 * cm))

    def heading(self, text: str, level: int = 2) -> None:
        self.story.append(Paragraph(escape(latin1(text)), self.styles[f"Heading{level}"]))

    def paragraph(self, text: str) -> None:
        self.story.append(Paragraph(escape(latin1(text)), self.styles["Normal"]))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric_from: int = 1) -> None:
        data = [[latin1(str(c)) for c in header], *[[latin1(str(c)) for c in row] for row in rows]]
        table = Table(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                    ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d5dbe3")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                    ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story.append(KeepTogether([table, Spacer(1, 0.3 * cm)]) if len(data) < 40 else table)

    def chart(self, svg: str, max_width: float = 17 * cm) -> None:
        drawing = svg2rlg(io.BytesIO(svg.encode("utf-8")))
        if drawing is None:
            raise ValueError("not an SVG chart")
        if drawing.width > max_width:
            factor = max_width / drawing.width
            drawing.scale(factor, factor)
            drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
        self.story.append(drawing)
        self.story.append(Spacer(1, 0.3 * cm))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def build(self) -> bytes:
        out = io.BytesIO()
        made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        footer = f"{self.footer}  ·  {made}" if self.footer else made

        def decorate(canvas: object, doc: object) -> None:
            canvas.saveState()  # type: ignore[attr-defined]
            canvas.setFont("Helvetica", 8)  # type: ignore[attr-defined]
            canvas.drawString(2 * cm, 1.2 * cm, latin1(f"{footer}  ·  {doc.page}"))  # type: ignore[attr-defined]
            canvas.restoreState()  # type: ignore[attr-defined]

        document = SimpleDocTemplate(
            out, pagesize=A4, title=self.title, author="ciateh", leftMargin=2 * cm, rightMargin=2 * cm
        )
        document.build(list(self.story), onFirstPage=decorate, onLaterPages=decorate)
        return out.getvalue()
