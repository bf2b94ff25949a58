"""Day-precise dates in Dutch, French, English and German; a date of birth when the context says so.

Forms: numeric ``12/03/2024``, ``12-03-24``, ``12.03.2024``, ISO ``2024-01-25``, Roman-numeral months
(``12.III.2024``), written months with or without a year (``5 février 2024``, ``le 1er mars``,
``18th of January``, ``January 18, 2024``, ``am 3. Mai 2024``, ``3 mei '24``, abbreviations such as
``janv.``, ``Dez.``), day ranges before a month (``du 3 au 5 mars``) and, after a word that introduces a
date (``le``, ``op``, ``am``, ``on``, a weekday...) or before a time (``16/03 22:14`` in a chat log),
numeric day and month without a year (``le 12/03``). In English ``the 11th of January 2024`` the
article is part of the span.

Not dates: times, a month or a year alone, weekday names alone, durations, amounts, versions, numbers
inside longer digit runs (phone and ID numbers). Day and month are validated (no 31 April, 29 February
only).

The label is ``DATE_OF_BIRTH`` when a birth cue comes just before the date (``°``, ``geboren (op)``,
``geb.``, ``né(e) le``, ``born (on)``, ``DOB``, ``date of birth``, ``date de naissance``,
``geboortedatum``, ``Geburtsdatum``) with no digits, comma or sentence end in between; the span is
the date alone (``°14/03/1998`` gives ``14/03/1998``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from anonymiser.labels import DATE, DATE_OF_BIRTH
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

# Month names and abbreviations (lower case, without a trailing dot) -> month number.
_MONTHS: dict[str, int] = {
    # Dutch
    "januari": 1, "februari": 2, "febr": 2, "maart": 3, "mrt": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "augustus": 8, "september": 9, "oktober": 10, "okt": 10, "november": 11, "december": 12,
    # French
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2,
    "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "déc": 12,
    # English ("may" is handled apart: only "May"/"MAY" count, see _MONTH)
    "january": 1, "february": 2, "march": 3, "june": 6, "july": 7, "august": 8, "october": 10,
    # German
    "januar": 1, "jänner": 1, "jaenner": 1, "februar": 2, "feber": 2, "märz": 3, "maerz": 3,
    "mrz": 3, "mär": 3, "dezember": 12, "dez": 12,
    # shared abbreviations
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ENGLISH_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_FULL_EN_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
_FULL_MONTHS = frozenset(m for m in _MONTHS if len(m) > 4) | {
    "mars",
    "mei",
    "mai",
    "juni",
    "juli",
    "juin",
    "june",
    "july",
    "août",
    "aout",
    "märz",
    "maerz",
    "may",
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
          "XI": 11, "XII": 12}  # fmt: skip

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# A month word: a known name or abbreviation (any case), or May written with a capital.
_MONTH = rf"(?:(?i:{_MONTH_ALT})|May|MAY)(?:\.|(?![^\W\d_]))"
_EN_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _ENGLISH_MONTHS if m != "may"), key=len, reverse=True))
_EN_MONTH = rf"(?:(?i:{_EN_MONTH_ALT})|May|MAY)(?:\.|(?![\w]))"

_DAY_NUM = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
# ordinal endings: 1er, 1re, 2e, 2ème, 3de, 1ste, 1st, 2nd, 3rd, 18th; German "3."
_ORDINAL = r"(?:\s?(?i:er|re|ère|ème|eme|e|de|ste|st|nd|rd|th)(?![\w])|\.)"
_DAY = rf"(?:{_DAY_NUM}{_ORDINAL}?|(?i:premier)(?![\w]))"
_RANGE_JOIN = (
    r"(?:\s*[-–&,+/]\s*|\s+(?i:au|et|tot(?:\s+en\s+met)?|en|t/m|tem|to|and|until|till|through|bis(?:\s+zum)?|"
    r"und|à|op|auf|sur|on|zum)\s+)"
)
_YEAR4 = r"(?:19|20)\d{2}(?!\d)"
_TEXT_YEAR = rf"(?:\s*,?\s*[-./]?\s*(?P<year>{_YEAR4})|\s?['’‘`](?P<year2>\d{{2}})(?!\d))"
_NOT_IN_NUMBER = r"(?<![\w])(?<!\d[.,/:])"

# "5 février 2024", "le 1er mars", "18th of January", "3. Mai", "3 au 5 mars", "05-Feb-2024"
_DAY_MONTH = re.compile(
    # English "the 11th of January 2024": the article is part of the date
    rf"{_NOT_IN_NUMBER}(?:(?i:the)\s+(?={_DAY_NUM}(?i:st|nd|rd|th)(?![\w])))?(?P<days>{_DAY}(?:{_RANGE_JOIN}{_DAY}){{0,3}})"
    rf"(?:\s+(?i:of)\s+|\s*[-./]?\s*)(?P<month>{_MONTH})(?:{_TEXT_YEAR})?"
)
# "January 18, 2024", "March 3rd", "Jan. 18"
_MONTH_DAY = re.compile(
    rf"(?<![\w])(?P<month>{_EN_MONTH})\s*(?:the\s+)?(?P<day>{_DAY_NUM})(?i:st|nd|rd|th)?(?![\w])"
    rf"(?:(?:\s*,\s*|\s+)(?P<year>{_YEAR4}))?"
)
# 12/03/2024, 12-03-24, 12.03.2024, 12 / 03 / 2024
_DMY = re.compile(
    rf"{_NOT_IN_NUMBER}(?P<day>[0-3]?\d)\s?(?P<sep>[./\-‐‑‒–⁄∕])\s?(?P<month>[0-3]?\d)(?!\d)"
    r"\s?(?P=sep)\s?(?P<year>(?:19|20)\d{2}|\d{2})(?!\d)"
)
# 2024-01-25, 2024/01/25, 2024.01.25
_YMD = re.compile(
    rf"{_NOT_IN_NUMBER}(?P<year>{_YEAR4})(?P<sep>[./\-‐‑‒–])(?P<month>0?[1-9]|1[0-2])(?!\d)"
    rf"(?P=sep)(?P<day>{_DAY_NUM})"
)
# 12.III.2024, 12 III 2024
_ROMAN_DMY = re.compile(
    rf"{_NOT_IN_NUMBER}(?P<day>{_DAY_NUM})\.?\s?[./\- ]\s?(?P<month>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
    rf"\s?[./\- ]\s?(?P<year>{_YEAR4})"
)
# 12/03, 3.7. -- only after a word that introduces a date
_DM = re.compile(
    rf"{_NOT_IN_NUMBER}(?P<day>{_DAY_NUM})(?P<sep>[./])(?P<month>0?[1-9]|1[0-2])(?!\d)(?P<dot>\.)?(?![\w])"
)
_WEEKDAYS = (
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|"
    r"ma|di|wo|do|vr|za|zo|lu|me|je|ve|sa|mon|tue|wed|thu|fri|sat|sun|mo|mi|fr|so"
)
_DM_CONTEXT = re.compile(
    r"(?:(?<![\w])(?:le|du|au|op|on|am|vom|zum|ab|tot|vanaf|sinds|sedert|depuis|jusqu['’]au|until|till|"
    rf"since|from|by|dated|datum|date|den|tussen|entre|between|zwischen|t/m|{_WEEKDAYS})\.?|[°:])\s*,?\s*$",
    re.IGNORECASE,
)
# A time right after a day and month makes them a date ("– 16/03 22:14" in a chat log, "12/03, 14h30")
_TIME_AFTER_DM = re.compile(r"[ \t]*(?:,|-|–|à|om|at|um)?[ \t]*(?:[01]?\d|2[0-3])[:hu][0-5]\d(?!\d)")
# A following word that makes the number a quantity, a time or a fraction, not a date.
_NOT_AFTER_DM = re.compile(
    r"\s*(?:%|€|\$|£|[:h]\d|(?i:uur|u|h|uhr|heures?|hours?|km|m|kg|cm|van|of|de|du|des|der|x)(?![\w]))"
)
# After a written date without a year: a quantity or a time, so the number was not a day.
_NOT_AFTER_TEXT = re.compile(
    r"\s*(?:%|€|\$|£|[:h]\d|(?i:uur|h|hours?|km|kg|people|persons|workers|victims|men|women|children|"
    r"euros?|years?|days?|times|jaar|jaren|ans|jahre)(?![\w]))"
)
_AFTER_DATE_BAD = re.compile(r"[./,:]\d|\d")

# Birth cues just before the date; what lies between may not hold a digit, comma, newline or a
# sentence end.
_BIRTH_CUE = re.compile(
    r"(?:(?<![\w])°|(?i:(?<![\w])(?:geb(?:oren)?\.?|geboortedatum|geboorte|geb(?:\.|oorte)?[\s\-]*datum|geburtsdatum|"
    r"geburtstag|née?s?|née?\(e\)|born|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|"
    r"date\s+de\s+naissance|date\s+naissance|naissance|datum\s+van\s+geboorte|ddn|b\.)(?![\w])))"
    r"(?:[^\d\n,;!?.]|\.(?!\s+[A-ZÀ-Þ])){0,32}$"
)


def _valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def _day_value(token: str) -> int:
    digits = "".join(ch for ch in token if ch.isdigit())
    return int(digits) if digits else 1  # "premier"


_DAY_TOKEN = re.compile(rf"{_DAY_NUM}|(?i:premier)")


@register
class DateRecognizer(Recognizer):
    """Dates with day precision; ``DATE_OF_BIRTH`` after a birth cue, else ``DATE``."""

    name: ClassVar[str] = "date"
    labels: ClassVar[tuple[str, ...]] = (DATE, DATE_OF_BIRTH)
    order: ClassVar[int] = 40
    score: ClassVar[float] = 0.9

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        if not any(ch.isdigit() for ch in text):
            return
        taken: list[tuple[int, int]] = []
        for start, end in self._candidates(text):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            label = DATE_OF_BIRTH if _is_birth(text, start) else DATE
            yield Span(start, end, label, self.score, self.name)

    def _candidates(self, text: str) -> Iterator[tuple[int, int]]:
        for m in _DAY_MONTH.finditer(text):
            month = _MONTHS.get(m.group("month").rstrip(".").lower(), 5)
            days = [_day_value(t.group()) for t in _DAY_TOKEN.finditer(m.group("days"))]
            if not days or not all(_valid(d, month) for d in days):
                continue
            raw_month = m.group("month").rstrip(".")
            has_year = m.group("year") is not None or m.group("year2") is not None
            if raw_month == "Jan" and not has_year and re.match(r"\s+[A-Z][a-z]", text[m.end() :]):
                continue  # "2 Jan Peeters": a first name, not January
            if not has_year and _NOT_AFTER_TEXT.match(text, m.end()):
                continue
            end = m.end()
            if not has_year and raw_month.lower() in _FULL_MONTHS and m.group("month").endswith("."):
                end -= 1  # "op 14 augustus.": the full stop ends the sentence
            yield m.start(), end
        for m in _MONTH_DAY.finditer(text):
            month = _MONTHS.get(m.group("month").rstrip(".").lower(), 5)
            if not _valid(int(m.group("day")), month):
                continue
            if m.group("year") is None:
                raw = m.group("month")
                if raw.lower() not in _FULL_EN_MONTHS and not raw.endswith("."):
                    continue  # "Jan 5", "Mar 3": too ambiguous without a dot or a year
                if _NOT_AFTER_TEXT.match(text, m.end()):
                    continue
            yield m.start(), m.end()
        for m in _DMY.finditer(text):
            day, month = int(m.group("day")), int(m.group("month"))
            # day first; month first only where it cannot be read the other way (03/25/2024)
            if not (_valid(day, month) or (month > 12 and _valid(month, day))):
                continue
            if not _isolated(text, m, m.group("sep")):
                continue
            if len(m.group("year")) == 2 and _VERSION_BEFORE.search(text, max(0, m.start() - 16), m.start()):
                continue
            yield m.start(), m.end()
        for m in _YMD.finditer(text):
            if _valid(int(m.group("day")), int(m.group("month"))) and _isolated(text, m, m.group("sep")):
                yield m.start(), m.end()
        for m in _ROMAN_DMY.finditer(text):
            if _valid(int(m.group("day")), _ROMAN[m.group("month")]):
                yield m.start(), m.end()
        for m in _DM.finditer(text):
            day, month = int(m.group("day")), int(m.group("month"))
            if not _valid(day, month):
                continue
            if (
                m.group("sep") == "."
                and not m.group("dot")
                and (len(m.group("day")) < 2 or len(m.group("month")) < 2)
            ):
                continue  # "3.5" is a number; "3.5." or "03.05" is a date
            # before a time ("16/03 22:14") no introducing word is needed, with a two-digit month
            if len(m.group("month")) < 2 or not _TIME_AFTER_DM.match(text, m.end()):
                if not _DM_CONTEXT.search(text, max(0, m.start() - 24), m.start()):
                    continue
                if _NOT_AFTER_DM.match(text, m.end()) or _AFTER_DATE_BAD.match(text, m.end()):
                    continue
            if not _isolated(text, m, m.group("sep")):
                continue
            yield m.start(), m.end()


def _isolated(text: str, m: re.Match[str], sep: str) -> bool:
    """A numeric date not glued to more digits (a phone or ID number), except in a date range."""
    start, end = m.start(), m.end()
    before = text[max(0, start - 2) : start]
    if (
        len(before) == 2
        and before[1] in "./-–,:"
        and before[0].isdigit()
        and (before[1] not in "-–" or sep == "-" or not _DATE_BEFORE.search(text, max(0, start - 12), start))
    ):
        return False
    after = text[end : end + 2]
    return not (
        len(after) == 2
        and after[0] in "./-–,:"
        and after[1].isdigit()
        and (after[0] not in "-–" or sep == "-" or not _DATE_AFTER.match(text, end))
    )


_VERSION_BEFORE = re.compile(
    r"(?i:version|versie|release|build|update|firmware|ios|android|v|art|artikel|article|§)\.?\s*$"
)
_DATE_BEFORE = re.compile(r"(?<!\d)\d{1,2}[./]\d{1,2}[./]\d{2,4}\s?[-–]$")
_DATE_AFTER = re.compile(r"[-–]\s?\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?(?!\d)")


def _is_birth(text: str, start: int) -> bool:
    return _BIRTH_CUE.search(text, max(0, start - 48), start) is not None
