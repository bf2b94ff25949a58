"""Word lists the name and organisation recognizers consult, loaded once from ``anonymiser/data``.

Every lookup key is *folded*: lower case, accents removed, so "Zoë", "ZOE" and "Zoe" meet.
Where each list comes from and under which licence: ``anonymiser/data/SOURCES.md``.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources


def fold(word: str) -> str:
    """Lower case without accents (``"Liège" -> "liege"``)."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _load(*parts: str) -> frozenset[str]:
    text = resources.files("anonymiser").joinpath("data", *parts).read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        words.update(fold(w) for w in line.split())
    return frozenset(words)


@cache
def first_names() -> frozenset[str]:
    return _load("names", "first_names.txt")


@cache
def surnames() -> frozenset[str]:
    return _load("names", "surnames.txt")


@cache
def places() -> frozenset[str]:
    return _load("vocab", "places.txt") | _load("vocab", "extra_places.txt")


@cache
def non_names() -> frozenset[str]:
    return _load("vocab", "non_names.txt")


@cache
def soft_non_names() -> frozenset[str]:
    return _load("vocab", "soft_non_names.txt")


@cache
def common_words(lang: str) -> frozenset[str]:
    return _load("vocab", f"common_{lang}.txt")


@cache
def all_common_words() -> frozenset[str]:
    return common_words("nl") | common_words("fr") | common_words("en") | common_words("de")


@cache
def known_words(lang: str) -> frozenset[str]:
    """Words of the language (wordfreq's top 40,000, the common ones included)."""
    return _load("vocab", f"words_{lang}.txt") | common_words(lang)


@cache
def all_known_words() -> frozenset[str]:
    return known_words("nl") | known_words("fr") | known_words("en") | known_words("de")
