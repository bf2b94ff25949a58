"""Turning protected numbers into text, and comparing them without undoing the protection."""

from __future__ import annotations

from ciateh.aggregates.suppression import Cell, Hidden


def display(cell: Cell, *, thousands: str = "") -> str:
    """What a person sees: the number (digits grouped with ``thousands`` if given), ``<k`` or ``x``."""
    if isinstance(cell, Hidden):
        return str(cell)
    if isinstance(cell, bool) or not isinstance(cell, int):
        raise TypeError("display() takes a protected cell: an int or a marker")
    return f"{cell:,}".replace(",", thousands) if thousands else str(cell)


def change(current: Cell, previous: Cell) -> int | None:
    """``current - previous`` when both are shown, else ``None`` (show "n/a"): a change computed
    from a hidden number would reveal it, given the other."""
    if isinstance(current, Hidden) or isinstance(previous, Hidden):
        return None
    return current - previous
