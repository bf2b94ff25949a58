"""Phone numbers, Belgian and foreign, in every common writing.

A candidate is a leading ``+``/``00`` country code or a national ``0`` prefix followed by groups of
digits joined by one separator (space, ``.``, ``-``, ``/``), with ``(0)`` and bracketed area codes
allowed: ``0475 12 34 56``, ``0475/31.88.02``, ``+32 (0)470 12 34 56``, ``0032 2 123 45 67``,
``(02) 512 34 56``, ``+234 803 412 7781``. It need not stand alone: ``GSM0475123456`` and
``tel:+32...`` are found too.

Candidates are checked with ``phonenumbers``: international ones must be possible numbers of their
country; national ones must be valid Belgian numbers, or valid Dutch/French/German/Luxembourg numbers
when a phone word (``gsm``, ``tél.``, ``Handy``...) stands just before. A candidate that runs on into
the next number (a year, a second phone number) is cut back group by group to its longest valid
prefix. Dates (``02/06/1990``) and times (``09.30-17.30``) are never phones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from anonymiser.labels import PHONE
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

_SEP = r"(?:[ ]?[.\-/–][ ]?|[ ])"
_HEAD = r"(?:\((?:\+[ ]?|00)[1-9]\d*\)|(?:\+[ ]?|00)[1-9]\d*|\(0\d*\)|0\d*)"
# each further group needs a separator (or an opening bracket) in front: no ambiguous digit splits
_ITEM = rf"(?:{_SEP}|(?=\())(?:\(0\)[ ]?)?(?:\(\d+\)|\d+)"
_CANDIDATE = re.compile(rf"(?=[+(0])(?<![\d+])(?<!\d[.\-/])(?:{_HEAD})(?:{_ITEM}){{0,12}}(?!\d)")
_ITEM_RE = re.compile(_ITEM)
_HEAD_RE = re.compile(_HEAD)
_NON_DIGIT = re.compile(r"\D")
_DATE_START = re.compile(
    r"\(?(?:0?[1-9]|[12]\d|3[01])[ ]?[./\-][ ]?(?:0?[1-9]|1[0-2])(?!\d)|(?:[01]?\d|2[0-3])[.:h]\d\d(?![\d.])"
    r"|(?:[01]?\d|2[0-3])\.\d\d[ ]?[\-–]"
)
_PHONE_WORDS = re.compile(
    r"(?:\btel|\btél|\bgsm|phone|telefo|\bhandy|mobile|mobiel|portable|\bnum[ée]ro|\bnummer|\bnumber|"
    r"whatsapp|viber|signal|telegram|appel|\bbel|joignable|bereikbaar|erreichbar|contact|\bsms|\bfax)"
)
_FOREIGN_REGIONS = ("NL", "FR", "DE", "LU")
_MIN_DIGITS = 8
_MAX_DIGITS = 15


@lru_cache(maxsize=1024)
def _valid_international(digits: str) -> bool:
    """``digits``: the country code and the number, without the + or 00 and without a (0)."""
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(parsed))


@lru_cache(maxsize=1024)
def _valid_national(digits: str, regions: tuple[str, ...]) -> bool:
    if regions == ("BE",) and len(digits) not in (9, 10):
        return False  # Belgian numbers: 0 and eight or nine digits
    for region in regions:
        try:
            parsed = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            return False
        if phonenumbers.is_valid_number(parsed):
            return True
    return False


@register
class PhoneRecognizer(Recognizer):
    """Belgian and foreign phone numbers, validated with ``phonenumbers``."""

    name = "phone"
    labels = (PHONE,)
    order = 40
    score = 0.9

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        for m in _CANDIDATE.finditer(text):
            head = _HEAD_RE.match(text, m.start())
            if head is None:  # pragma: no cover - the candidate starts with a head by construction
                continue
            starts, ends = [m.start()], [head.end()]
            pos = head.end()
            while pos < m.end():
                item = _ITEM_RE.match(text, pos)
                if item is None:  # pragma: no cover
                    break
                starts.append(pos + len(item.group(0)) - len(item.group(0).lstrip(" .-/–")))
                ends.append(item.end())
                pos = item.end()
            # a date or a time in front ("02/06/1990 0475 ...") is no part of a number
            date = _DATE_START.match(text, m.start())
            first = 0
            if date is not None:
                while first < len(starts) and starts[first] < date.end():
                    first += 1
            yield from self._split(doc, starts[first:], ends[first:])

    def _split(self, doc: Document, starts: list[int], ends: list[int]) -> Iterator[Span]:
        """Longest valid phone numbers made of consecutive groups, left to right."""
        text = doc.text
        i, n = 0, len(starts)
        regions: tuple[str, ...] | None = None
        while i < n:
            end = None
            if text[starts[i]] in "+0(":
                intl = text[starts[i] : starts[i] + 3].lstrip("(").startswith(("+", "00"))
                if intl:
                    end = self._longest(text, starts, ends, i, None)
                else:
                    end = self._longest(text, starts, ends, i, ("BE",))
                    if end is None:
                        if regions is None:
                            context = _PHONE_WORDS.search(doc.window_before(starts[0], 30)) is not None
                            regions = _FOREIGN_REGIONS if context else ()
                        if regions:
                            end = self._longest(text, starts, ends, i, regions)
            if end is None:
                i += 1
            else:
                yield Span(starts[i], ends[end - 1], PHONE, self.score, self.name)
                i = end

    @staticmethod
    def _longest(
        text: str, starts: list[int], ends: list[int], i: int, regions: tuple[str, ...] | None
    ) -> int | None:
        """The largest k such that groups i..k-1 make a valid number (international if no regions)."""
        for k in range(len(starts), i, -1):
            value = text[starts[i] : ends[k - 1]]
            digits = _NON_DIGIT.sub("", value.replace("(0)", ""))
            if len(digits) < _MIN_DIGITS:
                return None
            if regions is None:
                # the country code and the number: at most 15 digits (E.164) after the + or 00
                international = digits[2:] if value.lstrip("( ").startswith("00") else digits
                if len(international) <= _MAX_DIGITS and _valid_international(international):
                    return k
            elif len(digits) <= _MAX_DIGITS and _valid_national(digits, regions):
                return k
        return None
