"""Jinja filters that turn protected numbers into text: ``cell`` (a number, "<5" or "x", digits
grouped for the user's language), ``change`` (a signed difference, or "n/a" when a side is hidden),
``range`` (a count known to lie in a range, as the Cell's period figures are: "1,234", "<5",
"at least 120", "at most 12" or "between 120 and 135", translated), and the tests ``hidden`` (a
suppressed cell) and ``inexact`` (a range that is not one number), for styling."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, get_locale, gettext

from ciateh.aggregates import Cell, Hidden, display
from ciateh.aggregates.bounds import Range


def cell_text(value: Cell) -> str:
    if isinstance(value, Hidden):
        return display(value)
    return str(format_decimal(value))


def range_text(value: Range, k: int) -> str:
    """A range as a reader sees it, in the current language; never a count from 1 to k-1
    (:meth:`Range.parts`)."""
    shape, lo, hi = value.parts(k)
    if shape == "exact" and lo is not None:
        return str(format_decimal(lo))
    if shape == "small":
        return f"<{k}"
    if shape == "at_most" and hi is not None:
        return str(gettext("at most %(n)s", n=format_decimal(hi)))
    if shape == "at_least" and lo is not None:
        return str(gettext("at least %(n)s", n=format_decimal(lo)))
    if shape == "between" and lo is not None and hi is not None:
        return str(gettext("between %(low)s and %(high)s", low=format_decimal(lo), high=format_decimal(hi)))
    return "x"


def change_text(value: int | None) -> str:
    if value is None:
        return str(gettext("n/a"))
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    return f"{sign}{format_decimal(abs(value))}"


def is_hidden(value: object) -> bool:
    return isinstance(value, Hidden)


def is_inexact(value: object) -> bool:
    return isinstance(value, Range) and not value.is_exact


def register_filters(app: Flask) -> None:
    app.add_template_filter(cell_text, "cell")
    app.add_template_filter(change_text, "change")
    app.add_template_filter(range_text, "range")
    app.add_template_test(is_hidden, "hidden")
    app.add_template_test(is_inexact, "inexact")
    app.add_template_global(lambda: str(get_locale() or "en"), "current_locale")
