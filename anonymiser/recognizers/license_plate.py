"""Vehicle registration plates, Belgian and foreign.

Plates are recognised by shape, capitals only (a narrative writes plates in capitals; the Belgian
``1-abc-234`` shape is distinctive enough to be taken in any case):

* Belgium ``1-ABC-234`` / ``1ABC234`` / ``1 ABC 234``, old ``ABC-123`` / ``123-ABC`` (also Lithuanian
  and Hungarian plates have three letters and three digits);
* the Netherlands' six-character side codes ``12-ABC-3``, ``AB-123-C``, ``OR-18-KP``, ``BT-NK-49``
  and France's / Italy's ``AB-123-CD``: dash-joined groups of letters or digits, six or seven in all;
* Germany ``B-AB 1234``, ``M-XY 99`` (district, dash, letters, digits);
* Austria ``FF-381 QM``; Romania ``B 123 ABC``, ``CJ 12 ABC``; Bulgaria ``CA 1234 AB``; the United
  Kingdom ``AB12 CDE``; Spain ``1234 BCD``; France and Italy written without dashes ``AB 123 CD``;
  Poland ``PO 7KR41``, ``KR 1234A`` (a mixed group after the district);
* anything plate-like (letters and digits, four to ten characters, one to four groups) right after a
  plate word: ``nummerplaat``, ``kenteken``, ``plaque``, ``immatriculé(e)``, ``Kennzeichen``,
  ``licence plate``, ``registration``... (Polish ``PO 7KR41``, German ``K AB 123``, Swiss ``ZH 12345``);
* a short plate in capitals right after a vehicle word (``trailer``, ``oplegger``, ``trekker``,
  ``remorque``, ``tracteur``, ``Anhänger``, ``Auflieger``, ``vrachtwagen``, ``camion``, ``LKW``,
  ``bestelwagen``, ``camionnette``...): ``trailer AB 731 (LT)``, ``oplegger AH 731``; letters and
  digits in one or two groups, nothing in between but a colon or a bracket (a make or a model such as
  ``Scania R450`` is not read).

Motorways (``E40``, ``A12``, ``R0``), postcodes, years, amounts with a currency code (``EUR 500``),
identifier labels (``RRN 880``) and makes with a model number (``DAF 105``, ``BMW 320``) are not plates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from anonymiser.labels import LICENSE_PLATE
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer, values_after_context
from anonymiser.spans import Span

_END = r"(?![^\W_]|[.\-/][A-Za-z0-9])"
_START = r"(?<![^\W_])(?<![A-Za-z0-9][.\-/])"

_SHAPES = re.compile(
    r"(?=[A-Z0-9ÄÖÜ])"
    + _START
    + r"(?:"
    # Belgium, since 2010 (any case when joined by dashes or nothing)
    + r"[1-9](?:-[A-Za-z]{3}-|[A-Z]{3}|[a-z]{3}| [A-Z]{3} |\.[A-Z]{3}\.)\d{3}"
    # three letters and three digits, either way round (old Belgian, Lithuanian, Hungarian...)
    + r"|(?P<l3d3>[A-Z]{3}[ \-]?\d{3}|\d{3}[ \-]?[A-Z]{3})"
    # Germany with a dash after the district (and maybe after the letters)
    + r"|[A-ZÄÖÜ]{1,3}-[A-Z]{1,2}[ \-]?[1-9]\d{0,3}[EH]?"
    # dash-joined homogeneous groups: Dutch side codes, French/Italian SIV, old Belgian-like
    + r"|(?P<dashed>(?:[A-Z]{1,3}|\d{1,3})-(?:[A-Z]{1,3}|\d{1,3})-(?:[A-Z]{1,3}|\d{1,3}))"
    # Austria: district, dash, digits and letters
    + r"|[A-Z]{1,2}-\d{1,5} ?[A-Z]{1,3}"
    # Germany with spaces only ("K AB 123"): district and letters must not be common capitals words
    + r"|(?P<de_spaced>[A-ZÄÖÜ]{1,3} [A-Z]{1,2} [1-9]\d{0,3}[EH]?)"
    # Romania, Moldova, Albania: county, digits, letters
    + r"|[A-Z]{1,2} \d{2,3} [A-Z]{2,3}"
    # Bulgaria: region, four digits, two letters
    + r"|[A-Z]{1,2} ?\d{4} ?[A-Z]{2}"
    # United Kingdom
    + r"|[A-Z]{2}\d{2} ?[A-Z]{3}"
    # France (SIV) and Italy written without dashes
    + r"|[A-Z]{2} ?\d{3} ?[A-Z]{2}"
    # Spain: four digits and three consonants
    + r"|\d{4}[ \-]?[B-DF-HJ-NP-TV-Z]{3}"
    # Poland: district (starting with a voivodeship letter) and a group starting with a digit
    # ("PO 7KR41", "KR 1234A", "WA 12345")
    + r"|(?P<pl>[BCDEFGKLNOPRSTWZ][A-Z]{1,2} \d[0-9A-Z]{3,4})"
    + r")"
    + _END
)

_PLATE_WORDS = (
    r"nummerplaat|nummerplaten|kentekenplaat|kenteken|nummerplaat|inschrijvingsplaat|"
    r"plaques?(?: d['’] ?immatriculation)?|immatricul[ée]e?s?|immatriculation|"
    r"kennzeichen|nummernschild|amtliche[nm]? kennzeichen|"
    r"licen[cs]e plates?|number plates?|registration(?: number| plate)?|plates?|reg\.? no\."
)
_CONTEXT = re.compile(rf"\b(?=[nkpilarNKPILAR])(?i:{_PLATE_WORDS})(?![^\W\d_])")
_GROUP = r"[A-Za-z0-9ÄÖÜ]{1,8}"
_VALUE = re.compile(rf"[ \t]*(?P<value>{_GROUP}(?:[ \-.]{_GROUP}){{0,3}}){_END}")
# three-letter words and codes that come with three digits but are no plate
_NOT_PLATE_WORDS = frozenset(
    "EUR USD GBP CHF RON BGN PLN MAD NGN HUF CZK SEK NOK DKK TRY CNY INR JPY UAH ALL MDL XOF XAF "
    "RRN NRN BIS EGN CNP BSN NIE DNI CPF RIC KBO BCE BTW TVA VAT NSZ INS PVS ART NUM REF ZIP POB "
    "DVZ CLS TSW RSZ ONSS SIOD PJF FGP LPA GSM TEL FAX KMH SRL VZW ASBL BXL SPF FOD RVA "
    "AND THE HET VAN UND DER DIE DAS DES".split()
)
# short capitals words that may precede a short number in headings ("PV NR 12", "ZP AN 12")
_NOT_PLATE_SHORT = frozenset(
    "PV NR NO DE DU LE LA EN ET IN OF TO AT ON BY IS IT AN A OP AM IM AU ZP PZ NN BE FR NL UK US EU "
    "OE OV RG AR SP NRN RRN BIS EGN CNP BSN NIE DNI CPF TEL GSM FAX KBO BTW REF NUM ART".split()
)
# vehicle words after which a short code of capitals and digits is a plate (trailers and trucks often
# carry plates of only five or six characters: "trailer AB 731", "oplegger AH 731")
_VEHICLE_WORDS = (
    r"(?:semi[\- ]?)?trailers?|tractor(?: unit)?|trucks?|lorr(?:y|ies)|minibus|"
    r"opleggers?|aanhangers?|aanhangwagens?|trekkers?|vrachtwagens?|bestelwagens?|bestelbus(?:je)?|"
    r"(?:semi[\- ]?)?remorques?|tracteurs?|camions?|camionnettes?|fourgons?|fourgonnettes?|"
    r"anh[äa]nger|auflieger|sattelauflieger|zugmaschinen?|sattelzugmaschinen?|lkws?|lieferwagen|transporter"
)
_VEHICLE_CONTEXT = re.compile(
    rf"(?<![^\W\d_])(?i:{_VEHICLE_WORDS})(?![^\W\d_])[ \t]*(?:[:(][ \t]*)?"
    r"(?P<value>(?=[A-Z0-9])(?:[A-Z]{1,3}[ \-]?\d{2,5}(?:[ \-]?[A-Z]{1,3})?"
    r"|\d{1,4}[ \-]?[A-Z]{2,3}(?:[ \-]?\d{1,3})?))" + _END
)
_LETTER_GROUP = re.compile(r"[A-ZÄÖÜ]{3,}")
_LETTER_GROUP_ANY = re.compile(r"[A-Z]+")
# makes written in capitals before a model number ("camion DAF 105", "LKW MAN 18")
_MAKES = frozenset("DAF MAN BMW VW KIA MG DS GMC BYD JAC SEAT FIAT IVECO".split())
_YEAR_FIRST = re.compile(r"(?:19|20)\d\d\b")
_SEPARATORS = re.compile(r"[ \-.]")
_MOTORWAY = re.compile(r"[AERNB]\d{1,3}")
_DATE_LIKE = re.compile(r"\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}")


def _dashed_ok(value: str) -> bool:
    parts = value.split("-")
    size = sum(len(p) for p in parts)
    return 6 <= size <= 7 and any(p.isdigit() for p in parts) and any(p.isalpha() for p in parts)


@register
class LicensePlateRecognizer(Recognizer):
    """Belgian and foreign vehicle registration plates."""

    name = "license_plate"
    labels = (LICENSE_PLATE,)
    order = 50
    score = 0.85

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        for m in _SHAPES.finditer(text):
            value = m.group(0)
            if any(w in _NOT_PLATE_WORDS or w in _MAKES for w in _LETTER_GROUP.findall(value)):
                continue
            if m.group("dashed") and not _dashed_ok(value):
                continue
            if m.group("de_spaced") and any(w in _NOT_PLATE_SHORT for w in value.split()[:2]):
                continue
            if m.group("pl") and (
                value.split()[0] in _NOT_PLATE_SHORT or (value[-4:].isdigit() and len(value.split()[1]) < 5)
            ):
                continue
            yield Span(m.start(), m.end(), LICENSE_PLATE, self.score, self.name)
        for m in _VEHICLE_CONTEXT.finditer(text):
            value = m.group("value")
            if any(
                g in _NOT_PLATE_WORDS or g in _NOT_PLATE_SHORT or g in _MAKES
                for g in _LETTER_GROUP_ANY.findall(value)
            ):
                continue
            compact = _SEPARATORS.sub("", value)
            if not 4 <= len(compact) <= 9 or _MOTORWAY.fullmatch(compact) or _YEAR_FIRST.match(value):
                continue
            yield Span(m.start("value"), m.end("value"), LICENSE_PLATE, 0.8, self.name)
        for start, end in values_after_context(
            doc, _CONTEXT, _VALUE, lambda value, *_: self._plate_like(value)
        ):
            yield Span(start, end, LICENSE_PLATE, 0.8, self.name)

    @staticmethod
    def _plate_like(value: str) -> bool:
        compact = _SEPARATORS.sub("", value)
        if not 4 <= len(compact) <= 10 or compact.isdigit() or compact.isalpha():
            return False
        # in lower case only one dashed token ("ab-123-cd"), never words and numbers ("de 12")
        if " " in value and any(ch.islower() for ch in value):
            return False
        return _MOTORWAY.fullmatch(compact) is None and _DATE_LIKE.fullmatch(value) is None
