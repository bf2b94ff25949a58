"""The catch-all: numbers that look like an identifier of a person but validate as no known kind.

A national number with a typo in its check digits, an unknown foreign ID, a client number: the
specific recognizers reject them (rightly: their label would be a guess), but they must still be
redacted. This recognizer returns, as IDENTIFIER:

* runs of at least eight digits, possibly split by spaces, dots, dashes, slashes or brackets
  (``99.04.06-358.18``, ``990406 358 18``, ``1234 5678 9012``, ``(0131) 4960337``);
* tokens of letters and digits with at least five digits (``AB1234567``, ``X12345678Q``), not words
  with a number inside (``433quinquies``).

Dates, times, year ranges and amounts (a currency sign or word next to the number) are left alone;
so are the digits of a date that a number run would otherwise swallow ("12/03/2024 0475...").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from anonymiser.labels import IDENTIFIER
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

# One token: digits joined by single . - / (no spaces): "99.04.06-358.18", "12/03/2024", "0475".
_TOKEN = re.compile(r"(?<![^\W_])\d+(?:[.\-/–]\d+)*(?![^\W_])")
_ALNUM = re.compile(
    r"(?=[A-Za-z0-9])(?<![\w.\-/])(?=[A-Za-z]*\d)(?=[0-9]*[A-Za-z])[A-Za-z0-9]{6,24}(?![\w]|[.\-/][A-Za-z0-9])"
)
_DATE = re.compile(
    r"(?:0?[1-9]|[12]\d|3[01])[./\-](?:0?[1-9]|1[0-2])[./\-](?:\d{4}|\d{2})"
    r"|(?:19|20)\d\d[./\-](?:0?[1-9]|1[0-2])[./\-](?:0?[1-9]|[12]\d|3[01])"
)
_TIME = re.compile(r"(?:[01]?\d|2[0-3])[.:](?:[0-5]\d)(?:[\-–](?:[01]?\d|2[0-3])[.:](?:[0-5]\d))?")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d[\-–/](?:(?:19|20)\d\d|\d\d)")
_AMOUNT_AFTER = re.compile(
    r"[ ]?(?:€|\$|£|%|zł|m²|fr\.|(?:eur|euros?|usd|gbp|chf|lei|ron|leva|bgn|pln|dollars?|frank|mad|dirhams?"
    r"|naira|ngn|procent|pour ?cent|percent|km|kg|m2|inwoners|habitants|einwohner)\b)",
    re.IGNORECASE,
)
_AMOUNT_BEFORE = re.compile(r"(?:€|\$|£|\b(?:eur|euro|usd|gbp|chf))[ ]?$", re.IGNORECASE)
# between two digit groups of one number: a space, or a bracket or separator with spaces around
# ("(0131) 4960337", "0475 / 12 34 56", "02 - 512 34 56")
_JOIN = re.compile(r" |\)[ ]?(?:[/\-–][ ]?)?\(?|[ ]?[/\-–][ ]?\(?| \(")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SPACED_DATE = re.compile(r"(?:0?[1-9]|[12]\d|3[01]) (?:0?[1-9]|1[0-2]) (?:19|20)\d\d")
_LOWER_WORD = re.compile(r"[a-z]{3,}")
_MIN_DIGITS = 8
_MIN_ALNUM_DIGITS = 5


_BARRIER = re.compile(f"{_DATE.pattern}|{_TIME.pattern}|{_YEAR_RANGE.pattern}")


def _is_barrier(token: str) -> bool:
    """A token that is a date, a time or a year range: never part of an identifier."""
    return not token.isdigit() and _BARRIER.fullmatch(token) is not None


@register
class IdentifierRecognizer(Recognizer):
    """Long digit runs and letter-digit tokens that validate as nothing more specific."""

    name = "identifier"
    labels = (IDENTIFIER,)
    order = 90
    score = 0.6

    def find(self, doc: Document) -> Iterator[Span]:
        yield from self._digit_runs(doc)
        for m in _ALNUM.finditer(doc.text):
            value = m.group(0)
            if sum(ch.isdigit() for ch in value) < _MIN_ALNUM_DIGITS or _LOWER_WORD.search(value):
                continue
            if not self._is_amount(doc, m.start(), m.end()):
                yield Span(m.start(), m.end(), IDENTIFIER, self.score, self.name)

    def _digit_runs(self, doc: Document) -> Iterator[Span]:
        """Join digit tokens separated by one space into runs, cut at dates/times; keep long runs."""
        text = doc.text
        run: list[re.Match[str]] = []
        for m in _TOKEN.finditer(text):
            if _is_barrier(m.group(0)):
                yield from self._emit(doc, run)
                run = []
            elif run and _JOIN.fullmatch(text, run[-1].end(), m.start()):
                run.append(m)
            else:
                yield from self._emit(doc, run)
                run = [m]
        yield from self._emit(doc, run)

    def _emit(self, doc: Document, run: list[re.Match[str]]) -> Iterator[Span]:
        if not run:
            return
        tokens = [m.group(0) for m in run]
        if sum(ch.isdigit() for t in tokens for ch in t) < _MIN_DIGITS:
            return
        if all(_YEAR.fullmatch(t) for t in tokens) or _SPACED_DATE.fullmatch(" ".join(tokens)):
            return
        start, end = run[0].start(), run[-1].end()
        if not self._is_amount(doc, start, end):
            yield Span(start, end, IDENTIFIER, self.score, self.name)

    @staticmethod
    def _is_amount(doc: Document, start: int, end: int) -> bool:
        text = doc.text
        return bool(_AMOUNT_AFTER.match(text, end) or _AMOUNT_BEFORE.search(text, max(0, start - 6), start))
