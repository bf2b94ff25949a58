"""Helpers shared by the recognizer tests (imported as ``tests.anonymiser.recognizers.helpers``).

* :func:`value_list_finder` / :func:`value_set_finder`: the values one recognizer finds in a text, each
  span checked to carry the recognizer's label;
* :func:`covered`: whether the full detector redacts a value of a text.
"""

from __future__ import annotations

from collections.abc import Callable

from anonymiser.detect import detect
from anonymiser.recognizers.base import Document, Recognizer


def _found(recognizer: Recognizer, label: str, text: str) -> list[str]:
    spans = list(recognizer.find(Document(text)))
    assert all(s.label == label for s in spans), [(text[s.start : s.end], s.label) for s in spans]
    return [text[s.start : s.end] for s in spans]


def value_list_finder(recognizer: Recognizer, label: str) -> Callable[[str], list[str]]:
    """``values(text)``: what ``recognizer`` finds in ``text``, in order (all of it labelled ``label``)."""

    def values(text: str) -> list[str]:
        return _found(recognizer, label, text)

    return values


def value_set_finder(recognizer: Recognizer, label: str) -> Callable[[str], set[str]]:
    """``values(text)``: the distinct values ``recognizer`` finds in ``text`` (all labelled ``label``)."""

    def values(text: str) -> set[str]:
        return set(_found(recognizer, label, text))

    return values


def covered(text: str, value: str, *, every_character: bool = False) -> bool:
    """Whether the detector's spans cover every letter and digit of ``value`` (its first occurrence in
    ``text``); with ``every_character``, the separators between them too."""
    start = text.index(value)
    spans = detect(text)
    return all(
        any(s.start <= i < s.end for s in spans)
        for i in range(start, start + len(value))
        if every_character or text[i].isalnum()
    )
