"""Case references: PV numbers, prosecutor and court references, inspection and Immigration Office files.

By shape, anywhere:

* PV / notice numbers of the Belgian police and prosecutors: ``AN.55.L1.018734/2024``,
  ``BR.12.LL.123456/24``, ``FD.35.98.000117/2023``, ``AN50.98.1234/24``;
* references of slash- or dash-joined segments with a capital-letter code and a number:
  ``CLS/CHA/2024/0312``, ``TSW-KEM-2024-0211``, ``ECOSOC/NA/24-0457``, ``1249/D/P/2023``,
  ``2024/123/ABC``;
* German court and prosecutor files ``12 Js 345/24``;
* Immigration Office file numbers ``8.123.456`` (not an amount: no currency next to it),
  ``OE 1234567`` / ``DVZ 1234567`` and, with any prefix of two or three capitals (the prefix is part
  of the reference), a dotted number of seven or eight digits: ``OV 10.284.553``, ``SP 9.871.406``;
* court and youth-court references of capital-letter codes joined by hyphens, a space and a
  ``yy/nnnn`` number: ``JC-CH 24/1137``, ``TJ-BXL 2024/0815``.

After a context word (``PV``, ``proces-verbaal``, ``procès-verbal``, ``notitie``, ``notice``, ``dossier``,
``réf.``, ``referentie``, ``Aktenzeichen``, ``Az.``, ``file``, ``case``, ``n°``, ``nr.``...): any token of
letters and digits joined by separators (``8.450.126``, ``SHL-2024-004``, ``2024/1234``).

Never: law articles (``art. 433quinquies``, ``77bis``), amounts (``€ 35.000``, ``1.200 EUR``), times
(``06u10``, ``14h30``), dates, years alone, ages, percentages, motorways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from anonymiser.labels import CASE_NUMBER
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer, values_after_context
from anonymiser.spans import Span

_START = r"(?<![\w/.\-])"
_END = r"(?![\w]|[/.\-][A-Za-z0-9])"

# Every token of letters and digits joined by . / - (spaces only around a slash) is read once and
# then classified: a PV number, a segmented reference or an Immigration Office number.
_REF_TOKEN = re.compile(r"(?=[A-Za-z0-9])" + _START + r"[A-Za-z0-9]+(?:(?:[./\-–]| / )[A-Za-z0-9]+)+" + _END)
_PV = re.compile(r"[A-Za-z]{2}\.?\d{2}\.[A-Za-z0-9]{2}\.\d{3,7}(?: / |/)(?:\d{4}|\d{2})")
_IMMIGRATION_DOTTED = re.compile(r"\d\.\d{3}\.\d{3}")
_IMMIGRATION_PREFIXED = re.compile(
    r"(?=[ODIod])" + _START + r"(?:OE|DVZ|IO|OV|DOF)[ ]?(?:n°|nr\.?)?[ ]?(?:\d{6,8}|\d\.\d{3}\.\d{3})" + _END
)
# Immigration Office files with any prefix of two or three capitals: "OV 10.284.553", "SP 9.871.406"
_PREFIXED_DOTTED = re.compile(
    r"(?=[A-Z])" + _START + r"(?P<prefix>[A-Z]{2,3})[ ](?:n°[ ]?|nr\.?[ ]?)?\d{1,2}\.\d{3}\.\d{3}" + _END
)
# youth-court and court references: codes joined by hyphens, a space, year/number ("JC-CH 24/1137")
_HYPHEN_CODE_REF = re.compile(
    r"(?=[A-Z])"
    + _START
    + r"[A-Z]{1,5}(?:-[A-Z]{1,5})+[ ](?P<first>\d{2}|(?:19|20)\d{2})/(?P<second>\d{3,6})(?:/[A-Z0-9]{1,4})?"
    + _END
)
# capitals that come before a dotted number without making it a file number (currencies, labels of
# other identifiers)
_NOT_FILE_PREFIXES = frozenset(
    "EUR USD GBP CHF RON BGN PLN MAD NGN HUF CZK SEK NOK DKK TRY CNY INR JPY UAH MDL XOF XAF "
    "RRN NRN BIS EGN CNP BSN NIE DNI CPF KBO BCE BTW TVA VAT NSZ INS RSZ GSM TEL FAX ART".split()
)
# German court and prosecutor files: "12 Js 345/24", "2 StR 123/24", "501 Js 12345/23"
_GERMAN_FILE = re.compile(r"(?=\d)(?<![\w/.\-])\d{1,4} [A-Z][A-Za-z]{0,3} \d{1,6}/\d{2}(?:\d{2})?" + _END)
_CONTEXT_WORDS = (
    r"pv|p\.v\.|pv-nummer|proces-verbaal|processen-verbaal|procès-verbal|procès-verbaux|pro justitia|"
    r"notitie(?:nummer)?|notice(?: du parquet)?|notitienr\.?|dossier(?:nummer|nr\.?)?|dossiers|"
    r"r[ée]f\.?|r[ée]f[ée]rence|references?|referentie|kenmerk|ref\.?|our ref\.?|your ref\.?|"
    r"aktenzeichen|az\.|gesch[äa]ftszeichen|protokoll|vermerk|"
    r"file|case(?: file)?|case number|rolnummer|rol|r\.g\.|a\.r\.|numéro de dossier|n°|nr\.|no\.|num[ée]ro"
)
_CONTEXT = re.compile(rf"(?<![\w.])(?=[a-zA-Zn])(?i:{_CONTEXT_WORDS})(?![^\W\d_])")
# between the context word and the value: words of at most 15 letters (base.CONTEXT_GAP allows 20)
_GAP_TOKEN = re.compile(r"[ \t]*(?:n[°º]|[^\W\d_]{1,15}\.?|[#:(«\"'’\-–°º])")
_VALUE = re.compile(r"[ \t]*(?P<value>[A-Za-z0-9]+(?:(?:[./\-–]| / )[A-Za-z0-9]+)+)" + _END)

_DATE = re.compile(
    r"\d{1,2}[ ]?[./\-][ ]?\d{1,2}(?:[ ]?[./\-][ ]?(?:\d{4}|\d{2}))?|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}"
)
_TIME = re.compile(r"\d{1,2}[.:hu]\d{2}(?:[ ]?[\-–][ ]?\d{1,2}[.:hu]\d{2})?")
_MONTH_YEAR = re.compile(r"(?:0[1-9]|1[0-2])/(?:19|20)\d\d")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d[ ]?[/\-–][ ]?(?:(?:19|20)\d\d|\d\d)")
_AMOUNT_AFTER = re.compile(
    r"[ ]?(?:€|eur\b|euros?\b|usd\b|\$|£|gbp\b|chf\b|lei\b|ron\b|leva\b|bgn\b|pln\b|zł|dollars?\b|frank"
    r"|inwoners|habitants|einwohner|km\b|kg\b|%)",
    re.I,
)
_AMOUNT_BEFORE = re.compile(r"(?:€|eur|euro|usd|\$|£|gbp)[ ]?$", re.I)
_SEGMENT_SEP = re.compile(r"[/\-–]")
_LAW = re.compile(r"(?:\b(?:art(?:ikel|icle)?s?\.?|al\.|lid|wet|loi|kb|ar|bs|mb)|§)[ ]*$", re.I)


def _is_near_miss(value: str, doc: Document, start: int, end: int) -> bool:
    """Dates, times, year ranges, amounts and law references are never case numbers."""
    if _DATE.fullmatch(value) or _TIME.fullmatch(value) or _YEAR_RANGE.fullmatch(value):
        return True
    if _AMOUNT_AFTER.match(doc.text, end) or _AMOUNT_BEFORE.search(doc.text, max(0, start - 6), start):
        return True
    return _LAW.search(doc.text, max(0, start - 10), start) is not None


def _after_context_ok(value: str, doc: Document, start: int, end: int) -> bool:
    """A token after a context word: at least three digits, and no near miss."""
    return sum(ch.isdigit() for ch in value) >= 3 and not _is_near_miss(value, doc, start, end)


def _segmented_ok(value: str) -> bool:
    if "." in value or " " in value:
        return False
    parts = [p for p in _SEGMENT_SEP.split(value) if p]
    digits = sum(ch.isdigit() for ch in value)
    if digits < 2 or not any(ch.isalpha() for ch in value):
        return False
    if len(parts) < 3 or not any(p.isdigit() and len(p) >= 2 for p in parts):
        return False
    # letters in codes of capitals ("CLS", "L1"); a reference typed in lower case ("cls/cha/2024/0312")
    # only with a number of three digits or more and short codes, never words ("covid-19-maatregelen")
    if all(p.isupper() or not p.isalpha() for p in parts):
        return True
    return any(p.isdigit() and len(p) >= 3 for p in parts) and all(len(p) <= 6 for p in parts if p.isalpha())


@register
class CaseNumberRecognizer(Recognizer):
    """PV numbers, prosecutor/court references, inspection and immigration file numbers."""

    name = "case_number"
    labels = (CASE_NUMBER,)
    order = 60
    score = 0.85

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        for m in _REF_TOKEN.finditer(text):
            value = m.group(0)
            if _PV.fullmatch(value):
                yield Span(m.start(), m.end(), CASE_NUMBER, 0.95, self.name)
            elif (_segmented_ok(value) or _IMMIGRATION_DOTTED.fullmatch(value)) and not _is_near_miss(
                value, doc, m.start(), m.end()
            ):
                yield Span(m.start(), m.end(), CASE_NUMBER, self.score, self.name)
        for m in _GERMAN_FILE.finditer(text):
            yield Span(m.start(), m.end(), CASE_NUMBER, self.score, self.name)
        for m in _IMMIGRATION_PREFIXED.finditer(text):
            if not _is_near_miss(m.group(0), doc, m.start(), m.end()):
                yield Span(m.start(), m.end(), CASE_NUMBER, self.score, self.name)
        for m in _PREFIXED_DOTTED.finditer(text):
            if m.group("prefix") not in _NOT_FILE_PREFIXES and not _is_near_miss(
                m.group(0), doc, m.start(), m.end()
            ):
                yield Span(m.start(), m.end(), CASE_NUMBER, self.score, self.name)
        for m in _HYPHEN_CODE_REF.finditer(text):
            if _MONTH_YEAR.fullmatch(f"{m.group('first')}/{m.group('second')}"):
                continue  # "ABC-D 03/2024": a month and a year
            if not _is_near_miss(m.group(0), doc, m.start(), m.end()):
                yield Span(m.start(), m.end(), CASE_NUMBER, self.score, self.name)
        for start, end in values_after_context(doc, _CONTEXT, _VALUE, _after_context_ok, gap=_GAP_TOKEN):
            yield Span(start, end, CASE_NUMBER, 0.8, self.name)
