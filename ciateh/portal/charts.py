"""Charts as SVG drawn on the server: no script, no CDN, and the very same SVG goes into the PDFs
(``ciateh.exports.pdf`` converts it with svglib). Inputs are protected cells: a hidden value draws no
bar or point and is labelled with its marker ("<5"), never estimated; or ranges derived from them
(:func:`range_bar_chart`: a solid bar to the lower bound, a lighter one to the upper bound).

Only SVG presentation attributes are used (no ``style``), so the portal's Content-Security-Policy
needs no exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from ciateh.aggregates import Cell, Hidden, display
from ciateh.aggregates.bounds import Range

FONT = "Helvetica, Arial, sans-serif"
PALETTE = ("#1f5f8b", "#c8553d", "#588b8b", "#f2a541", "#6c4f77", "#3b8b3b")
INK = "#1b2430"
MUTED = "#5b6675"
GRID = "#d5dbe3"
LIGHT = "#a9c4d8"  # the part of a range bar the count may or may not reach


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
    )
    return Markup(head + _text(12, 20, title, size=13) + "".join(body) + "</svg>")


def _shown(values: Sequence[Cell]) -> list[int]:
    return [v for v in values if not isinstance(v, Hidden)]


def bar_chart(labels: Sequence[str], values: Sequence[Cell], title: str, *, width: int = 560) -> Markup:
    """Horizontal bars, one per category, with the shown number (or the marker) at the end."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    row, top, label_w = 22, 34, min(220, width // 3)
    height = top + row * max(len(labels), 1) + 12
    scale_max = max(_shown(values), default=0) or 1
    bar_w = width - label_w - 70
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        body.append(_text(label_w - 6, y + 14, label[:40], anchor="end"))
        if isinstance(value, Hidden):
            body.append(_text(label_w + 4, y + 14, display(value), fill=MUTED))
            continue
        w = bar_w * value / scale_max
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{PALETTE[0]}"/>'
        )
        body.append(_text(label_w + w + 4, y + 14, f"{value:,}".replace(",", " ")))
    return _svg(width, height, title, body)


def range_bar_chart(
    labels: Sequence[str],
    values: Sequence[Range],
    texts: Sequence[str],
    title: str,
    *,
    k: int,
    width: int = 560,
) -> Markup:
    """Horizontal bars for counts known as ranges (the Cell's period figures), each labelled with
    ``texts[i]`` (the range as the tables print it). A bar is solid up to the lower bound, and
    lighter from there to the upper bound; with no upper bound the lighter part is a short open end
    (no closing edge). Nothing is drawn for a range the text does not print a bound of (``<k``,
    ``x``), and a lower bound under ``k`` is not drawn (only the lighter bar to the upper bound), as
    the text never prints a count from 1 to k-1."""
    if not len(labels) == len(values) == len(texts):
        raise ValueError("one value and one text per label")
    row, top, label_w = 22, 34, min(220, width // 3)
    height = top + row * max(len(labels), 1) + 12
    bar_w = width - label_w - 130
    scale_max = max((v.hi if v.hi is not None else v.lo for v in values), default=0) or 1
    open_end = bar_w * 0.08
    body = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + i * row
        body.append(_text(label_w - 6, y + 14, label[:40], anchor="end"))
        shape, lo, hi = value.parts(k)
        solid = bar_w * (lo or 0) / scale_max if shape in ("exact", "at_least", "between") else 0.0
        end = solid
        if solid:
            body.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{solid:.1f}" height="{row - 7}" '
                f'fill="{PALETTE[0]}"/>'
            )
        if shape in ("between", "at_most") and hi is not None:
            end = bar_w * hi / scale_max
            body.append(
                f'<rect x="{label_w + solid:.1f}" y="{y + 3}" width="{end - solid:.1f}" height="{row - 7}" '
                f'fill="{LIGHT}"/>'
            )
        elif shape == "at_least":
            end = solid + open_end
            body.append(
                f'<rect x="{label_w + solid:.1f}" y="{y + 3}" width="{open_end:.1f}" height="{row - 7}" '
                f'fill="{LIGHT}" fill-opacity="0.6"/>'
            )
            # an open end: three short dashes beyond the lighter part
            for dash in range(3):
                x, mid = label_w + end + 2 + dash * 5, y + row / 2 - 1
                body.append(
                    f'<line x1="{x:.1f}" y1="{mid:.1f}" x2="{x + 3:.1f}" y2="{mid:.1f}" '
                    f'stroke="{LIGHT}" stroke-width="2"/>'
                )
            end += 18
        fill = INK if shape == "exact" else MUTED
        body.append(_text(label_w + end + 4, y + 14, text, fill=fill))
    return _svg(width, height, title, body)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Cell]]],
    title: str,
    *,
    width: int = 640,
    height: int = 260,
) -> Markup:
    """One line per series over the x labels (months); a hidden value breaks the line."""
    left, right, top, bottom = 48, 36, 34, 46
    n = len(x_labels)
    if any(len(values) != n for _name, values in series):
        raise ValueError("one value per x label in every series")
    peak = max((v for _name, values in series for v in _shown(values)), default=0) or 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / peak

    body = []
    for step in range(5):
        value = round(peak * step / 4)
        body.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y(value) + 4, str(value), size=10, anchor="end", fill=MUTED))
    every = max(1, n // 8)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            body.append(_text(x(i), height - bottom + 16, label, size=10, anchor="middle", fill=MUTED))
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        run: list[str] = []
        points: list[Cell | None] = [*values, None]
        for i, point in enumerate(points):
            if isinstance(point, int):
                run.append(f"{x(i):.1f},{y(point):.1f}")
                body.append(f'<circle cx="{x(i):.1f}" cy="{y(point):.1f}" r="2.5" fill="{colour}"/>')
                continue
            if len(run) > 1:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
            run = []
        lx = left + s * 150
        body.append(f'<rect x="{lx}" y="{height - 18}" width="12" height="4" fill="{colour}"/>')
        body.append(_text(lx + 16, height - 12, name[:22], size=10))
    return _svg(width, height, title, body)
