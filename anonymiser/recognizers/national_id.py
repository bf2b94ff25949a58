"""National identification numbers: Belgian national register / BIS numbers and foreign personal numbers.

Three ways in:

* every run of digit groups (``99.04.06-358.17``, ``990406 358 17``, ``RRN99040635817``) is cut into
  candidates at its spaces and each candidate of the right length is validated with its check digits:
  Belgian national register and BIS numbers (``stdnum.be.nn`` / ``stdnum.be.bis``), Polish PESEL,
  Romanian CNP, Bulgarian EGN, French NIR, Chinese resident ID, Belgian eID card numbers, Brazilian
  CPF (written ``123.456.789-09`` or after ``CPF``) and Dutch BSN (only after ``BSN`` or
  ``burgerservicenummer``: nine digits pass the eleven-test one time in eleven);
* Spanish NIE / DNI (letter-digits-letter), validated with ``stdnum.es``, Italian fiscal codes
  (``RSSMRA85T10A562S``), validated with ``stdnum.it.codicefiscale``, and British National Insurance
  numbers (``JT 12 34 56 C``, by their strict shape: no check digit);
* identity-card and residence-permit numbers that validate as nothing but follow a context word
  (``identiteitskaart``, ``titre de séjour``, ``Personalausweis``, ``residence permit``...).

A Belgian number with a wrong check digit is *not* accepted here; the IDENTIFIER catch-all redacts it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from functools import lru_cache

from stdnum.be import bis, eid, nn
from stdnum.bg import egn
from stdnum.br import cpf
from stdnum.cn import ric
from stdnum.es import dni, nie
from stdnum.exceptions import ValidationError
from stdnum.fr import nir
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.ro import cnp

from anonymiser.labels import NATIONAL_ID
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer, values_after_context
from anonymiser.spans import Span

# A run of digit groups joined by one separator (a space, or . - / with optional spaces around it).
# A Chinese resident ID may end in X.
_RUN = re.compile(r"(?<!\d)\d+(?:(?: ?[.\-/–] ?| )\d+)*(?:[Xx](?![^\W\d_]))?(?!\d)")
_GROUP = re.compile(r"\d+[Xx]?")
_NIE_DNI = re.compile(
    r"(?=[XYZxyz\d])(?<![^\W_])"
    r"(?:(?P<nie>[XYZxyz][ .\-]?\d{7}[ .\-]?[A-Za-z])|(?P<dni>\d{8}[ .\-]?[A-Za-z]))(?![^\W_])"
)
_OMOCODE = "0-9LMNPQRSTUV"  # digits of an Italian fiscal code may be replaced by these letters
_CODICE_FISCALE = re.compile(
    rf"\b(?=[A-Za-z]{{6}}[{_OMOCODE}]{{2}}[A-Za-z])[A-Za-z]{{6}}[{_OMOCODE}]{{2}}[A-Za-z][{_OMOCODE}]{{2}}"
    rf"[A-Za-z][{_OMOCODE}]{{3}}[A-Za-z](?![^\W_])"
)
# United Kingdom National Insurance number: "JT 12 34 56 C", "JT123456C"
_NINO = re.compile(
    r"\b(?=[A-Z]{2}[ ]?\d)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D](?![^\W_])"
)
_CPF_FORMAT = re.compile(r"\d{3}\.\d{3}\.\d{3}[-.]\d{2}")
_CPF_CONTEXT = re.compile(r"(?:\bcpf|cadastro de pessoas)\W{0,3}(?:\w+\W{1,3}){0,2}$")
_BSN_CONTEXT = re.compile(r"(?:\bbsn|burgerservicenummer|sofi-?nummer|sofinummer)\b")

# An identity or residence document named in nl/fr/en/de ...
_DOC_WORDS = (
    r"identiteitskaart(?:en)?|identiteitsbewijs|identiteitsdocument|id-?kaart|eid-?kaart|"
    r"verblijfskaart(?:en)?|verblijfsvergunning|verblijfstitel|verblijfsdocument|vreemdelingenkaart|"
    r"[abcdefhkl]-kaart|"
    r"cartes? d['’] ?identit[ée]s?|cartes? de s[ée]jour|titres? de s[ée]jour|permis de s[ée]jour|"
    r"cartes? d['’] ?[ée]tranger|pi[èe]ces? d['’] ?identit[ée]|documents? d['’] ?identit[ée]|"
    r"cartes? eid|\bcni\b|"
    r"personalausweis(?:es)?|ausweis(?:es|nummer)?|aufenthaltstitel|aufenthaltserlaubnis|"
    r"aufenthaltskarte|identit[äa]tskarte|"
    r"id[ -]?cards?|identity cards?|identity documents?|residence cards?|residence permits?|"
    r"residency cards?|\bpermits?\b|national id|personal (?:id|number|code)|"
    r"\bid[ -]?(?:nr|no|n°|nummer|number)\b"
)
_DOC_CONTEXT = re.compile(rf"\b(?=[A-Za-z])(?i:{_DOC_WORDS})(?![^\W\d_])")
# ... then up to four short words ("roumaine", "série RX", "n°", "met nummer", "(": base.CONTEXT_GAP) and
# the number: groups that hold a digit or are a short capital prefix ("GL 841267"), joined by one separator.
_ID_GROUP = r"(?:[A-Z]{1,3}|[A-Za-z]*\d[A-Za-z0-9]*)"
_DOC_VALUE = re.compile(
    rf"[ \t]*(?P<value>{_ID_GROUP}(?:[ .\-/]{_ID_GROUP}){{0,4}})(?![^\W_]|[.\-/][A-Za-z0-9])"
)
_DATE_LIKE = re.compile(
    r"\d{1,2}[ ]?[./\-][ ]?\d{1,2}[ ]?[./\-][ ]?(?:\d{4}|\d{2})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}"
)
_SEPARATORS = re.compile(r"[ .\-/–]")


def _valid_birth_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _cnp_valid(digits: str) -> bool:
    # stdnum.ro.cnp also insists on a known county code; the check digit and the birth date suffice.
    if len(digits) != 13 or digits[0] == "0":
        return False
    try:
        cnp.get_birth_date(digits)
    except ValidationError:
        return False
    return bool(cnp.calc_check_digit(digits[:-1]) == digits[-1])


def _ric_valid(number: str) -> bool:
    # Chinese resident ID: 17 digits and a check character; stdnum.cn.ric also needs the birth place
    # in its (historical) county table, which rejects valid numbers of counties since renamed.
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or ric.calc_check_digit(number) != number[-1]:
        return False
    return _valid_birth_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _weighted_check(digits: str, weights: tuple[int, ...], modulus: int) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=False)) % modulus


def _quick_reject(number: str) -> bool:
    """Cheap arithmetic pre-checks, so that stdnum only sees candidates with a chance to be valid."""
    n = len(number)
    if n == 11:
        body, check = int(number[:9]), int(number[9:])
        belgian = check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97)
        polish = (10 - _weighted_check(number, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), 10)) % 10 == int(number[10])
        return not (belgian or polish)
    if n == 10:
        return _weighted_check(number, (2, 4, 8, 5, 10, 9, 7, 3, 6), 11) % 10 != int(number[9])
    return False


@lru_cache(maxsize=2048)
def _kind(number: str) -> str | None:
    """Which personal number a compact candidate (digits, maybe a final X) validates as, if any."""
    n = len(number)
    if n == 11:
        if not _quick_reject(number) and (
            nn.is_valid(number) or bis.is_valid(number) or pesel.is_valid(number)
        ):
            return "national"
        return None
    if n == 10:
        return "national" if not _quick_reject(number) and egn.is_valid(number) else None
    if n == 13:
        return "national" if _cnp_valid(number) else None
    if n == 18:
        return "national" if _ric_valid(number) else None
    if n == 12:
        return "national" if eid.is_valid(number) else None
    if n == 15:
        return "national" if nir.is_valid(number) else None
    return None


def _validates(number: str, doc: Document, start: int, end: int) -> bool:
    """Whether a compact candidate is a personal number here (CPF and BSN need their context)."""
    n = len(number)
    if n == 9:
        return _BSN_CONTEXT.search(doc.window_before(start, 30)) is not None and bool(bsn.is_valid(number))
    if _kind(number) is not None:
        return True
    if n == 11 and (
        _CPF_FORMAT.fullmatch(doc.text[start:end]) is not None
        or _CPF_CONTEXT.search(doc.window_before(start)) is not None
    ):
        return bool(cpf.is_valid(number))
    return False


_LENGTHS = frozenset((9, 10, 11, 12, 13, 15, 18))
_MAX_GROUPS = 11  # "9 9 0 4 0 6 3 5 8 1 7": every digit apart is still read


@register
class NationalIdRecognizer(Recognizer):
    """Belgian national register / BIS numbers and foreign personal and identity-card numbers."""

    name = "national_id"
    labels = (NATIONAL_ID,)
    order = 20
    score = 0.95

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        for m in _RUN.finditer(text):
            if m.end() - m.start() >= 9:
                yield from self._from_run(doc, m)
        for m in _NIE_DNI.finditer(text):
            value = m.group(0)
            compact = _SEPARATORS.sub("", value).upper()
            ok = nie.is_valid(compact) if m.group("nie") else dni.is_valid(compact)
            if ok:
                yield Span(m.start(), m.end(), NATIONAL_ID, self.score, self.name)
        for m in _NINO.finditer(text):
            yield Span(m.start(), m.end(), NATIONAL_ID, 0.85, self.name)
        for m in _CODICE_FISCALE.finditer(text):
            if codicefiscale.is_valid(m.group(0).upper()):
                yield Span(m.start(), m.end(), NATIONAL_ID, self.score, self.name)
        for start, end in values_after_context(
            doc, _DOC_CONTEXT, _DOC_VALUE, lambda value, *_: self._plausible_document_number(value)
        ):
            yield Span(start, end, NATIONAL_ID, 0.8, self.name)

    def _from_run(self, doc: Document, m: re.Match[str]) -> Iterator[Span]:
        text = doc.text
        groups = [g.span() for g in _GROUP.finditer(text, m.start(), m.end())]
        compact = "".join(text[a:b] for a, b in groups)
        offsets = [0]  # offset of each group in ``compact``
        for a, b in groups:
            offsets.append(offsets[-1] + b - a)
        # A candidate starts at the run start or after a space, and ends at the run end or before a
        # space: dotted/dashed groups are never split, spaces may separate two different numbers.
        cut = [i == 0 or text[groups[i - 1][1] : groups[i][0]] == " " for i in range(len(groups))]
        cut.append(True)
        for i, (start, _) in enumerate(groups):
            if not cut[i] or (start > 0 and text[start - 1] == "+"):
                continue
            for j in range(i + 1, min(len(groups), i + _MAX_GROUPS) + 1):
                size = offsets[j] - offsets[i]
                if size > 18:
                    break
                if not cut[j] or size not in _LENGTHS:
                    continue
                number = compact[offsets[i] : offsets[j]]
                if (size != 18 and not number.isdigit()) or not number[:-1].isdigit():
                    continue
                end = groups[j - 1][1]
                if _validates(number, doc, start, end):
                    yield Span(start, end, NATIONAL_ID, self.score, self.name)

    @staticmethod
    def _plausible_document_number(value: str) -> bool:
        compact = _SEPARATORS.sub("", value)
        n_digits = sum(ch.isdigit() for ch in compact)
        if n_digits < 4 or len(compact) < 6 or len(compact) > 20:
            return False
        if compact.isdigit():
            if n_digits < 6:
                return False
            # an unvalidated 11-digit number is a mistyped national number: IDENTIFIER's business
            if n_digits == 11 and not (nn.is_valid(compact) or bis.is_valid(compact)):
                return False
        return _DATE_LIKE.fullmatch(value) is None
