"""Passport numbers.

Two ways in:

* the common machine-readable shape, one or two capital letters and six to eight digits with an
  optional final letter (``EG7731094``, ``T4821637``, ``P6620154A``), anywhere;
* any document-number-like token (letters and digits, six to twelve characters, at least four
  digits: ``C01X00T47``, ``A09417725``, ``EG 773 1094``) after a passport word in nl/fr/en/de
  (``paspoort``, ``passeport``, ``passport``, ``Reisepass``, ``Pass-Nr.``, ``pasnummer``, ``Pas:``),
  with a few words between (``passeport moldave n°``, ``Nigeriaans paspoort``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from anonymiser.labels import PASSPORT
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, PatternRecognizer, values_after_context
from anonymiser.spans import Span

# Prefixes of other references that share the letters-then-digits shape.
_NOT_PASSPORT_PREFIX = frozenset({"OE", "PV", "BE", "NN", "IO", "OV", "SP", "AR", "RG", "BTW", "TVA", "KBO"})

_SHAPE = re.compile(r"(?=[A-Z])(?<![^\W_])(?P<value>[A-Z]{1,2}\d{6,8}[A-Z]?)(?![^\W_]|[.\-/]\d)")

_PASSPORT_WORDS = (
    r"paspoort(?:en|nummer|nr)?|passeports?|passports?|reisepass(?:es|nummer)?|reisepa[sß]|"
    r"pass-?(?:nr|nummer)\.?|passnummer|pasnummer|pas-?nr\.?|pas ?:|pass ?:|"
    r"pasaportes?|passaportes?|passaporto|paszport|pa[sš]port|reisdocument|titre de voyage|"
    r"travel document"
)
_CONTEXT = re.compile(rf"\b(?=[A-Za-z])(?i:{_PASSPORT_WORDS})(?![^\W\d_])")
_ID_GROUP = r"(?:[A-Z]{1,3}|[A-Za-z]*\d[A-Za-z0-9]*)"
_VALUE = re.compile(rf"[ \t]*(?P<value>{_ID_GROUP}(?:[ .\-]{_ID_GROUP}){{0,3}})(?![^\W_]|[.\-/][A-Za-z0-9])")
_DATE_LIKE = re.compile(r"\d{1,2}[ ]?[./\-][ ]?\d{1,2}[ ]?[./\-][ ]?(?:\d{4}|\d{2})")
_SEPARATORS = re.compile(r"[ .\-]")
_PREFIX = re.compile(r"[A-Za-z]*")


@register
class PassportRecognizer(PatternRecognizer):
    """Passport numbers, by shape or after a passport word."""

    name = "passport"
    labels = (PASSPORT,)
    order = 30
    patterns: ClassVar[tuple[re.Pattern[str], ...]] = (_SHAPE,)

    def find(self, doc: Document) -> Iterator[Span]:
        yield from super().find(doc)
        for start, end in values_after_context(doc, _CONTEXT, _VALUE, self.accept):
            yield Span(start, end, PASSPORT, 0.85, self.name)

    def accept(self, value: str, doc: Document, start: int, end: int) -> bool:
        compact = _SEPARATORS.sub("", value)
        if not 6 <= len(compact) <= 12:
            return False
        digits = sum(ch.isdigit() for ch in compact)
        if digits < 4 or (compact.isdigit() and digits < 6):
            return False
        prefix = _PREFIX.match(compact)
        if prefix is not None and prefix.group(0).upper() in _NOT_PASSPORT_PREFIX:
            return False
        return _DATE_LIKE.fullmatch(value) is None
