"""Jinja filters that turn protected numbers into text: ``cell`` (a number, "<5" or "x", digits
grouped for the user's language), ``change`` (a signed difference, or "n/a" when a side is hidden),
and the ``hidden`` test for styling suppressed cells."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, get_locale, gettext

from ciateh.aggregates import Cell, Hidden, display


def cell_text(value: Cell) -> str:
    if isinstance(value, Hidden):
        return display(value)
    return str(format_decimal(value))


def change_text(value: int | None) -> str:
    if value is None:
        return str(gettext("n/a"))
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    return f"{sign}{format_decimal(abs(value))}"


def is_hidden(value: object) -> bool:
    return isinstance(value, Hidden)


def register_filters(app: Flask) -> None:
    app.add_template_filter(cell_text, "cell")
    app.add_template_filter(change_text, "change")
    app.add_template_test(is_hidden, "hidden")
    app.add_template_global(lambda: str(get_locale() or "en"), "current_locale")
