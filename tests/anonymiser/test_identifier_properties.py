"""Property tests: generated structured identifiers in nl/fr/en/de sentences are always fully redacted.

Every value is synthetic and generated here with valid check digits: Belgian national register and BIS
numbers from random dates and serials, IBANs of five countries, phone numbers, e-mail addresses,
licence plates and PV numbers. Each is written in a varied form (spaces, dots, dashes, glued to
punctuation, upper/lower case) into a sentence template of one of the four languages, and must be
covered by the spans of the full detector (:func:`anonymiser.detect.detect`): every letter and digit
of the value inside some span, the rule of the corpus evaluation. The specific recognizer must find
it too, on the plain text (``Recognizer().find(Document(text))``).
"""

from __future__ import annotations

import datetime
import re
import string

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum.be import bis, nn

from anonymiser.detect import detect
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.recognizers.case_number import CaseNumberRecognizer
from anonymiser.recognizers.email import EmailRecognizer
from anonymiser.recognizers.iban import IbanRecognizer
from anonymiser.recognizers.license_plate import _NOT_PLATE_WORDS, LicensePlateRecognizer
from anonymiser.recognizers.national_id import NationalIdRecognizer
from anonymiser.recognizers.phone import PhoneRecognizer

EXAMPLES = 60

# "{}" is the value; the templates glue it to brackets, colons, n°, quotes and sentence ends.
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "national_id": {
        "nl": [
            "Verhoor van Jan, geboren te Gent, RRN {}, wonende te Gent.",
            "Rijksregisternummer: {}",
            "Betrokkene (RRN {}) zwijgt.",
            "Het rijksregisternummer is {}.",
            "BIS-nummer {}; zij is Bulgaarse.",
        ],
        "fr": [
            "Numéro national : {}, domicilié à Liège.",
            "Il a le numéro BIS {}.",
            "(NN {})",
            "Identité : X, registre national n°{}, sans domicile.",
        ],
        "en": [
            "Referred by the police, NRN {}.",
            "Her Belgian number is {} according to the file.",
            "Client (NRN:{}) declined.",
        ],
        "de": [
            "Nationalregisternummer {}, bestreitet die Vorwürfe.",
            "Er hat die Nummer {} erhalten.",
            "NRN:{}\nBetreff",
        ],
    },
    "iban": {
        "nl": [
            "Het loon werd gestort op {}.",
            "Rekening: {} (op naam van de baas)",
            "rekeningnummer {}, bank onbekend",
        ],
        "fr": ["Les salaires transitaient par le compte {}.", "IBAN:{} ; titulaire inconnu", "compte n°{}"],
        "en": ["Earnings were deposited on {}.", "Account ({}) frozen.", "IBAN {}\nNext steps"],
        "de": ["Überweisung auf das Konto {}.", "IBAN: {}, Inhaber unbekannt."],
    },
    "phone": {
        "nl": [
            "De uitbaatster is bereikbaar op {}.",
            "Baas: Rachid ({}), dreigt.",
            "gsm {}; tel. onbekend",
            "Hij belde vanaf {} naar het slachtoffer.",
        ],
        "fr": [
            "Le passeur l'appelle sur le {}.",
            "GSM de l'intéressé : {}.",
            "joignable au {} uniquement le soir",
            "(tél.{})",
        ],
        "en": [
            "Her phone was taken; she used {} to reach her family.",
            "WhatsApp: {}.",
            "phone {} or e-mail",
        ],
        "de": ["Er ist unter {} erreichbar.", "Telefon {}.", "Handy:{}"],
    },
    "email": {
        "nl": ["Van: {}\nAan: iemand", "E-mail: {}.", "Zaakvoerder, {}, weigert."],
        "fr": ["Contact de la mère : {}.", "joignable à l'adresse {} et par téléphone", "(courriel {})"],
        "en": ["From: {}\nTo: somebody", "Her lawyer is reachable at {}.", "e-mail {}; phone unknown"],
        "de": ["Von: {}\nAn: jemand", "Kontakt über {}, sagt sie."],
    },
    "plate": {
        "nl": [
            "De grijze Toyota, nummerplaat {}, staat voor de deur.",
            "Met zijn Audi {} bracht hij de meisjes.",
            "Voertuig: {}.",
        ],
        "fr": ["Une camionnette immatriculée {} stationnée devant.", "Véhicule : {}.", "(plaque {})"],
        "en": ["a van with licence plate {} was stopped", "Vehicle: {}; driver unknown."],
        "de": ["ein Wagen mit dem Kennzeichen {} vor dem Haus", "Fahrzeug {}."],
    },
    "case": {
        "nl": [
            "PV {} – Lokale Politie",
            "Notitienummer {}\nVerdachte",
            "De politie (PV {}) acht de feiten bewezen.",
        ],
        "fr": ["PV n° {}\nZone de police", "Notice du parquet {}.", "PV de référence : {}."],
        "en": ["Our case file: {}. Could you help?", "A report was filed (PV {})."],
        "de": ["Polizeizone Eupen – Protokoll {}\nAm Montag", "Aktenzeichen {}, Betreff"],
    },
}
LANGS = ("nl", "fr", "en", "de")


def fully_covered(text: str, value: str, spans: list[tuple[int, int]]) -> bool:
    start = text.index(value)
    return all(
        any(s <= i < e for s, e in spans) for i in range(start, start + len(value)) if text[i].isalnum()
    )


def check(kind: str, lang: str, template_index: int, value: str, recognizer: Recognizer) -> None:
    templates = TEMPLATES[kind][lang]
    text = templates[template_index % len(templates)].format(value)
    own = [(s.start, s.end) for s in recognizer.find(Document(text))]
    assert fully_covered(text, value, own), (kind, text)
    detected = [(s.start, s.end) for s in detect(text)]
    assert fully_covered(text, value, detected), (kind, text)


# --- Belgian national register and BIS numbers ------------------------------------------------------


def national_number(born: datetime.date, serial: int, month_offset: int) -> str:
    first9 = f"{born.year % 100:02d}{born.month + month_offset:02d}{born.day:02d}{serial:03d}"
    base = int(first9) + (2_000_000_000 if born.year >= 2000 else 0)
    return f"{first9}{97 - base % 97:02d}"


NRN_FORMATS = (
    lambda n: n,
    lambda n: f"{n[0:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:11]}",
    lambda n: f"{n[0:6]} {n[6:9]} {n[9:11]}",
    lambda n: f"{n[0:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}-{n[9:11]}",
    lambda n: f"{n[0:6]}-{n[6:9]}-{n[9:11]}",
    lambda n: f"{n[0:6]}.{n[6:9]}.{n[9:11]}",
    lambda n: f"{n[0:2]} {n[2:4]} {n[4:6]} {n[6:9]} {n[9:11]}",
    lambda n: f"{n[0:2]}/{n[2:4]}/{n[4:6]}-{n[6:9]}/{n[9:11]}",
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    born=st.dates(datetime.date(1925, 1, 1), datetime.date(2024, 12, 31)),
    serial=st.integers(1, 997),
    month_offset=st.sampled_from((0, 0, 20, 40)),
    form=st.integers(0, len(NRN_FORMATS) - 1),
    lang=st.sampled_from(LANGS),
    template=st.integers(0, 9),
)
def test_national_numbers_are_redacted(
    born: datetime.date, serial: int, month_offset: int, form: int, lang: str, template: int
) -> None:
    number = national_number(born, serial, month_offset)
    assert nn.is_valid(number) or bis.is_valid(number)
    check("national_id", lang, template, NRN_FORMATS[form](number), NationalIdRecognizer())


# --- IBANs --------------------------------------------------------------------------------------------

DIGITS = string.digits
ALNUM = string.ascii_uppercase + string.digits


def with_check_digits(country: str, bban: str) -> str:
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(("BE", "NL", "FR", "DE", "RO")))
    if country == "BE":
        first10 = draw(st.text(DIGITS, min_size=10, max_size=10))
        bban = first10 + f"{int(first10) % 97 or 97:02d}"
    elif country == "NL":
        bban = draw(st.sampled_from(("ABNA", "INGB", "RABO", "TRIO"))) + draw(
            st.text(DIGITS, min_size=10, max_size=10)
        )
    elif country == "FR":
        bban = draw(st.text(DIGITS, min_size=10, max_size=10)) + draw(
            st.text(ALNUM, min_size=11, max_size=11)
        )
        bban += draw(st.text(DIGITS, min_size=2, max_size=2))
    elif country == "DE":
        bban = draw(st.text(DIGITS, min_size=18, max_size=18))
    else:
        bban = draw(st.sampled_from(("BTRL", "RNCB", "INGB"))) + draw(
            st.text(ALNUM, min_size=16, max_size=16)
        )
    number = with_check_digits(country, bban)
    assert std_iban.is_valid(number, check_country=False)
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    form = draw(st.sampled_from(("compact", "grouped", "lower", "dashed", "cc-space")))
    if form == "compact":
        return number
    if form == "lower":
        return grouped.lower()
    if form == "dashed":
        return grouped.replace(" ", "-")
    if form == "cc-space":
        return f"{number[:2]} {grouped[2:]}"
    return grouped


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=ibans(), lang=st.sampled_from(LANGS), template=st.integers(0, 9))
def test_ibans_are_redacted(value: str, lang: str, template: int) -> None:
    check("iban", lang, template, value, IbanRecognizer())


# --- phone numbers ------------------------------------------------------------------------------------


@st.composite
def phones(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(("be_mobile", "be_landline", "foreign")))
    if kind == "be_mobile":
        prefix = draw(
            st.sampled_from(
                (
                    "460",
                    "465",
                    "466",
                    "467",
                    "468",
                    "470",
                    "471",
                    "472",
                    "473",
                    "474",
                    "475",
                    "476",
                    "477",
                    "478",
                    "479",
                    "483",
                    "484",
                    "485",
                    "486",
                    "487",
                    "488",
                    "489",
                    "490",
                    "491",
                    "492",
                    "493",
                    "494",
                    "495",
                    "496",
                    "497",
                    "498",
                    "499",
                )
            )
        )
        rest = draw(st.text(DIGITS, min_size=6, max_size=6))
        a, b, c = rest[0:2], rest[2:4], rest[4:6]
        forms: tuple[str, ...] = (
            f"0{prefix} {a} {b} {c}",
            f"0{prefix}/{a}.{b}.{c}",
            f"0{prefix}{rest}",
            f"+32 {prefix} {a} {b} {c}",
            f"0032 {prefix} {a} {b} {c}",
            f"+32 (0){prefix} {a} {b} {c}",
            f"0{prefix}-{a}-{b}-{c}",
            f"+32{prefix}{rest}",
            f"0{prefix} {rest[:3]} {rest[3:]}",
        )
    elif kind == "be_landline":
        rest = draw(st.text(DIGITS, min_size=7, max_size=7).filter(lambda r: r[0] not in "01"))
        forms = (
            f"02 {rest[:3]} {rest[3:5]} {rest[5:]}",
            f"02/{rest[:3]}.{rest[3:5]}.{rest[5:]}",
            f"+32 2 {rest[:3]} {rest[3:5]} {rest[5:]}",
            f"0032 2 {rest[:3]} {rest[3:5]} {rest[5:]}",
        )
    else:
        cc, national = draw(
            st.sampled_from(
                (
                    ("40", "7" + draw(st.text(DIGITS, min_size=8, max_size=8))),  # Romania
                    ("359", "88" + draw(st.text(DIGITS, min_size=7, max_size=7))),  # Bulgaria
                    ("212", "6" + draw(st.text(DIGITS, min_size=8, max_size=8))),  # Morocco
                    ("234", "803" + draw(st.text(DIGITS, min_size=7, max_size=7))),  # Nigeria
                    ("31", "6" + draw(st.text(DIGITS, min_size=8, max_size=8))),  # the Netherlands
                    ("33", "6" + draw(st.text(DIGITS, min_size=8, max_size=8))),  # France
                    ("49", "151" + draw(st.text(DIGITS, min_size=8, max_size=8))),  # Germany
                )
            )
        )
        groups = " ".join(national[i : i + 3] for i in range(0, len(national), 3))
        forms = (f"+{cc} {groups}", f"00{cc} {groups}", f"+{cc}{national}", f"+{cc} {national}")
    value = draw(st.sampled_from(forms))
    parsed = phonenumbers.parse(value.replace("(0)", ""), "BE")
    assume(
        phonenumbers.is_valid_number(parsed)
        or (kind == "foreign" and phonenumbers.is_possible_number(parsed))
    )
    return value


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=phones(), lang=st.sampled_from(LANGS), template=st.integers(0, 9))
def test_phones_are_redacted(value: str, lang: str, template: int) -> None:
    check("phone", lang, template, value, PhoneRecognizer())


# --- e-mail addresses ---------------------------------------------------------------------------------

LOCAL_WORD = st.text(string.ascii_lowercase, min_size=1, max_size=10)


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(LOCAL_WORD)
    for _ in range(draw(st.integers(0, 2))):
        local += draw(st.sampled_from((".", "_", "-", "+"))) + draw(LOCAL_WORD)
    if draw(st.booleans()):
        local += str(draw(st.integers(0, 99)))
    labels = [
        draw(st.text(string.ascii_lowercase + string.digits, min_size=2, max_size=12))
        for _ in range(draw(st.integers(1, 3)))
    ]
    if draw(st.booleans()):
        labels[0] = labels[0] + "-" + draw(LOCAL_WORD)
    tld = draw(st.sampled_from(("be", "com", "eu", "fr", "nl", "de", "org", "co.uk", "gov.uk", "info")))
    address = f"{local}@{'.'.join(labels)}.{tld}"
    return address.upper() if draw(st.integers(0, 9)) == 0 else address


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=emails(), lang=st.sampled_from(LANGS), template=st.integers(0, 9))
def test_emails_are_redacted(value: str, lang: str, template: int) -> None:
    check("email", lang, template, value, EmailRecognizer())


# --- licence plates -----------------------------------------------------------------------------------

UPPER = string.ascii_uppercase


@st.composite
def plates(draw: st.DrawFn) -> str:
    letters3 = draw(st.text(UPPER, min_size=3, max_size=3))
    digits3 = draw(st.text(DIGITS, min_size=3, max_size=3))
    kind = draw(st.sampled_from(("be", "be_old", "nl", "fr", "de", "ro", "bg")))
    if kind == "be":
        first = draw(st.integers(1, 9))
        return draw(
            st.sampled_from(
                (
                    f"{first}-{letters3}-{digits3}",
                    f"{first}{letters3}{digits3}",
                    f"{first} {letters3} {digits3}",
                    f"{first}-{letters3.lower()}-{digits3}",
                )
            )
        )
    if kind == "be_old":
        return draw(st.sampled_from((f"{letters3}-{digits3}", f"{digits3}-{letters3}")))
    if kind == "nl":
        return draw(
            st.sampled_from(
                (
                    f"{digits3[:2]}-{letters3}-{digits3[2]}",
                    f"{letters3[:2]}-{digits3}-{letters3[2]}",
                    f"{letters3[:2]}-{digits3[:2]}-{letters3[1:]}",
                )
            )
        )
    if kind == "fr":
        return f"{letters3[:2]}-{digits3}-{letters3[1:]}"
    if kind == "de":
        return f"{letters3[0]}-{letters3[1:]} {draw(st.integers(1, 9999))}"
    if kind == "ro":
        county = draw(st.sampled_from(("B", "CJ", "IF", "PH", "SV", "GL", "TM")))
        return f"{county} {digits3[:2]} {letters3}"
    region = draw(st.sampled_from(("CA", "CB", "PB", "A", "E")))
    return f"{region} {draw(st.text(DIGITS, min_size=4, max_size=4))} {letters3[:2]}"


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=plates(), lang=st.sampled_from(LANGS), template=st.integers(0, 9))
def test_plates_are_redacted(value: str, lang: str, template: int) -> None:
    # three capitals that are a currency or an identifier label ("EUR 500", "RRN 880") are no plate
    assume(not set(re.findall("[A-Z]{3,}", value.upper())) & _NOT_PLATE_WORDS)
    check("plate", lang, template, value, LicensePlateRecognizer())


# --- PV numbers ---------------------------------------------------------------------------------------


@st.composite
def pv_numbers(draw: st.DrawFn) -> str:
    zone = draw(
        st.sampled_from(("AN", "BR", "GE", "LI", "CH", "NA", "MO", "BG", "TU", "ME", "LE", "EU", "DE"))
    )
    unit = draw(st.sampled_from(("L1", "LL", "F2", "J1", "98", "L7", "A1")))
    year = draw(st.integers(2015, 2026))
    year_text = str(year) if draw(st.booleans()) else f"{year % 100:02d}"
    return f"{zone}.{draw(st.integers(10, 99))}.{unit}.{draw(st.integers(1, 999999)):06d}/{year_text}"


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=pv_numbers(), lang=st.sampled_from(LANGS), template=st.integers(0, 9))
def test_pv_numbers_are_redacted(value: str, lang: str, template: int) -> None:
    check("case", lang, template, value, CaseNumberRecognizer())
