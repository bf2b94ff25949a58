"""Synthetic partner exports for demos, tests and benchmarks: ``generate(partner, rows, out_dir)``.

Each partner gets an export in its own format and layout, the layout its mapping in
``config/connectors/`` expects: federal police XML with nested person elements, labour inspection
CSV in cp1252 with ``;`` (as Belgian Excel writes it), social inspection XLSX, immigration office
JSON, prosecutors CSV in UTF-8 with a BOM, and a reception centre XLSX laid out like the HTCDS Excel
toolkit. Every row is one person in one case (the victims and suspects of a case share its reference
and place), with personal data of every kind planted in columns and in the narrative: names (police
style ``SURNAME Given``), aliases, birth dates (``°`` for born), Belgian national register and BIS
numbers with valid check digits, passports and identity cards, Belgian and foreign phones, e-mail
addresses, home and business addresses, IBANs, number plates, social media handles and case
numbers, in the languages the partner writes in, from varied templates (police reports, inspection
reports, immigration notes, prosecutors' summaries, reception centre intake notes and e-mails).

Everything is synthetic. Names come from Faker's locales for the origin countries relevant to
trafficking in Belgium (and from short built-in lists where Faker has no locale in Latin script);
everything else is drawn from a ``random.Random`` seeded with the partner and ``seed``. The output
is a function of (partner, rows, seed) and of the Faker version only: a Faker upgrade that changes
its name lists changes the samples, which are then rewritten with
``python -m connectors.demo_data --samples``.

Registration dates cover the 24 months of 2024 and 2025. Twenty thousand police rows take a few
seconds.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from faker import Faker

from anonymiser.codelists import CodeLists, default_codelists

# -- partners -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartnerSpec:
    """One partner: its export format, its mapping file and the file name of its export."""

    name: str
    format: str
    mapping: str  # file name in config/connectors/
    export: str  # file name written by generate() (and of the sample in examples/exports/)
    languages: tuple[str, ...]
    style: str  # which narrative templates and row layout


# fmt: off
PARTNERS: Final[dict[str, PartnerSpec]] = {
    spec.name: spec
    for spec in (
        PartnerSpec("federal_police", "xml", "federal_police.yaml", "federal_police.xml", ("nl", "fr"),
                    "police"),
        PartnerSpec("labour_inspection", "csv", "labour_inspection.yaml", "labour_inspection.csv",
                    ("nl", "fr"), "labour"),
        PartnerSpec("social_inspection", "xlsx", "social_inspection.yaml", "social_inspection.xlsx",
                    ("nl", "fr"), "social"),
        PartnerSpec("immigration_office", "json", "immigration_office.yaml", "immigration_office.json",
                    ("nl", "fr", "en"), "immigration"),
        PartnerSpec("prosecutors", "csv", "prosecutors.yaml", "prosecutors.csv", ("nl", "fr", "de"),
                    "prosecutor"),
        PartnerSpec("reception_centre", "xlsx", "reception_centre.yaml", "reception_centre.xlsx",
                    ("nl", "fr", "en"), "ngo"),
    )
}
# fmt: on

SAMPLE_ROWS: Final = 30
SAMPLE_SEED: Final = 0
REPO: Final = Path(__file__).resolve().parents[1]
MAPPINGS_DIR: Final = REPO / "config" / "connectors"
SAMPLES_DIR: Final = REPO / "examples" / "exports"

FIRST_DAY: Final = date(2024, 1, 1)
LAST_DAY: Final = date(2025, 12, 31)
#: The time stamp written into files, so that the output does not depend on the clock.
EXPORTED_AT: Final = datetime(2026, 1, 5, 6, 0, 0)


def mapping_path(partner: str) -> Path:
    """The shipped mapping of ``partner``."""
    return MAPPINGS_DIR / PARTNERS[partner].mapping


def sample_path(partner: str) -> Path:
    """The committed sample export of ``partner``."""
    return SAMPLES_DIR / PARTNERS[partner].export


# -- nationalities and names ----------------------------------------------------------------------

# fmt: off
_CYRILLIC: Final[dict[str, dict[str, str]]] = {  # the official romanisations
    "bg_BG": dict(zip(
        "абвгдежзийклмнопрстуфхцчшщъьюя",
        ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
         "f", "h", "ts", "ch", "sh", "sht", "a", "y", "yu", "ya"],
        strict=True,
    )),
    "uk_UA": dict(zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя’'",
        ["a", "b", "v", "h", "g", "d", "e", "ye", "zh", "z", "y", "i", "yi", "y", "k", "l", "m", "n", "o",
         "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "yu", "ya", "", ""],
        strict=True,
    )),
}

#: Romanised names where Faker has no locale in Latin script: (female, male, surnames).
_NAME_LISTS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "AL": (("Elira", "Anisa", "Erjona", "Klea", "Jonida", "Blerina", "Arta", "Ornela", "Megi", "Dorina"),
           ("Arben", "Dritan", "Besnik", "Ardit", "Erion", "Gentian", "Klodian", "Arjan", "Fatmir", "Ilir"),
           ("Hoxha", "Krasniqi", "Gjoka", "Muca", "Lleshi", "Berisha", "Shehu", "Doka", "Kola", "Balla",
            "Hysa", "Leka", "Mema", "Demiri", "Zeneli", "Cela", "Bregu")),
    "AF": (("Fatima", "Zahra", "Maryam", "Parwana", "Shabnam", "Nilofar", "Freshta"),
           ("Zabihullah", "Noorullah", "Ahmad", "Mohammad", "Ghulam", "Hamid", "Sayed", "Rahim", "Naqib",
            "Jawad", "Farid", "Mustafa"),
           ("Ahmadzai", "Safi", "Wardak", "Stanikzai", "Haidari", "Noori", "Popal", "Rahimi", "Sultani",
            "Karimi", "Amiri", "Hakimi")),
    "ER": (("Senait", "Helen", "Merhawit", "Selam", "Winta", "Yordanos", "Saba"),
           ("Yonas", "Kiflom", "Merhawi", "Tesfay", "Samuel", "Habtom", "Dawit", "Aman", "Filmon", "Robel"),
           ("Berhane", "Habte", "Tesfamariam", "Gebremedhin", "Kidane", "Tekle", "Weldu", "Abraham",
            "Ghebremariam", "Yohannes")),
    "SY": (("Rasha", "Lina", "Hiba", "Nour", "Rana", "Reem"),
           ("Ahmad", "Mohammad", "Omar", "Khaled", "Hussam", "Yaser", "Bashar", "Anas", "Majd"),
           ("Al-Hassan", "Hamada", "Saleh", "Al-Khatib", "Haj Ali", "Darwish", "Khalil", "Othman",
            "Al-Ahmad")),
    "IQ": (("Shilan", "Sara", "Nishtiman", "Avin", "Dilan", "Shno"),
           ("Karzan", "Karwan", "Dlshad", "Rebwar", "Hama", "Sherwan", "Hawkar", "Aram", "Shvan"),
           ("Mahmoud", "Rashid", "Omar", "Aziz", "Salih", "Qadir", "Hassan", "Karim", "Abdullah")),
    "PH": (("Jonalyn", "Marites", "Maria", "Rowena", "Lorna", "Jocelyn", "Analyn", "Grace", "Cherry",
            "Jennifer"),
           ("Reynaldo", "Jomar", "Mark Anthony", "Rodel", "Jerome", "Ramil", "Jun"),
           ("Reyes", "Bautista", "Santos", "Dela Cruz", "Garcia", "Mendoza", "Villanueva", "Ramos", "Aquino",
            "Castillo", "Torres", "Flores")),
    "TH": (("Siriporn", "Kanya", "Malee", "Pranee", "Supaporn", "Waraporn", "Siriwan", "Ratana"),
           ("Somchai", "Anan", "Prasert", "Somsak", "Chaiwat", "Niran"),
           ("Phromma", "Srisuk", "Wongsa", "Kaewkla", "Boonma", "Saelim", "Thongdee", "Chaiyaporn")),
    "CM": (("Carine", "Estelle", "Josiane", "Brigitte", "Nadège"),
           ("Junior", "Patrice", "Serge", "Hervé", "Blaise", "Landry"),
           ("Ngono", "Mbarga", "Atangana", "Essomba", "Fotso", "Kamga", "Nkoulou", "Tchoupo")),
    "GN": (("Mariama", "Fatoumata", "Aissatou", "Kadiatou", "Hawa"),
           ("Mamadou", "Ousmane", "Alpha", "Ibrahima", "Thierno", "Sekou"),
           ("Diallo", "Barry", "Bah", "Sow", "Camara", "Condé", "Sylla", "Keita")),
    "EG": (("Mona", "Heba", "Yasmin", "Dina", "Salma"),
           ("Mahmoud", "Mostafa", "Ahmed", "Karim", "Tarek", "Amr", "Hossam"),
           ("Abdelrahman", "Mostafa", "El-Sayed", "Hassan", "Fawzy", "Gaber", "Shehata", "Ibrahim")),
    "NP": (("Sita", "Gita", "Sunita", "Pabitra", "Anita"),
           ("Bishnu", "Ram Bahadur", "Krishna", "Binod", "Suman", "Dil Bahadur", "Prakash"),
           ("Gurung", "Thapa", "Tamang", "Rai", "Magar", "Shrestha", "Lama", "Karki")),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class Origin:
    """A nationality: where its names come from, the shape of its phone and passport numbers, and
    its adjective in nl, fr (masculine, feminine), en and de."""

    iso: str
    names: str  # a Faker locale, or "list" for _NAME_LISTS
    phone: str  # 'x': a digit
    passport: str  # '@': a capital, '9': a digit, anything else as it is
    nl: str
    fr_m: str
    fr_f: str
    en: str
    de: str


# fmt: off
_ORIGINS: Final[dict[str, Origin]] = {o.iso: o for o in (
    Origin("RO", "ro_RO", "+40 7xx xxx xxx", "999999999", "Roemeense", "roumain", "roumaine", "Romanian",
           "rumänische"),
    Origin("BG", "bg_BG", "+359 88 xxx xxxx", "999999999", "Bulgaarse", "bulgare", "bulgare", "Bulgarian",
           "bulgarische"),
    Origin("MA", "fr_DZ", "+212 6xx xx xx xx", "@@9999999", "Marokkaanse", "marocain", "marocaine",
           "Moroccan",
           "marokkanische"),
    Origin("NG", "yo_NG", "+234 80x xxx xxxx", "@99999999", "Nigeriaanse", "nigérian", "nigériane",
           "Nigerian",
           "nigerianische"),
    Origin("AL", "list", "+355 69 xxx xxxx", "@@9999999", "Albanese", "albanais", "albanaise", "Albanian",
           "albanische"),
    Origin("BR", "pt_BR", "+55 11 9xxxx-xxxx", "@@999999", "Braziliaanse", "brésilien", "brésilienne",
           "Brazilian", "brasilianische"),
    Origin("CN", "zh_CN", "+86 13x xxxx xxxx", "E99999999", "Chinese", "chinois", "chinoise", "Chinese",
           "chinesische"),
    Origin("VN", "vi_VN", "+84 9xx xxx xxx", "C9999999", "Vietnamese", "vietnamien", "vietnamienne",
           "Vietnamese", "vietnamesische"),
    Origin("IN", "en_IN", "+91 98xxx xxxxx", "@9999999", "Indiase", "indien", "indienne", "Indian",
           "indische"),
    Origin("UA", "uk_UA", "+380 67 xxx xx xx", "@@999999", "Oekraïense", "ukrainien", "ukrainienne",
           "Ukrainian", "ukrainische"),
    Origin("MD", "ro_RO", "+373 69x xx xxx", "@@9999999", "Moldavische", "moldave", "moldave", "Moldovan",
           "moldauische"),
    Origin("PK", "en_PK", "+92 3xx xxxxxxx", "@@9999999", "Pakistaanse", "pakistanais", "pakistanaise",
           "Pakistani", "pakistanische"),
    Origin("AF", "list", "+93 7x xxx xxxx", "P9999999", "Afghaanse", "afghan", "afghane", "Afghan",
           "afghanische"),
    Origin("ER", "list", "+291 7 xxx xxx", "@9999999", "Eritrese", "érythréen", "érythréenne", "Eritrean",
           "eritreische"),
    Origin("SY", "list", "+963 9xx xxx xxx", "N99999999", "Syrische", "syrien", "syrienne", "Syrian",
           "syrische"),
    Origin("IQ", "list", "+964 750 xxx xxxx", "@99999999", "Iraakse", "irakien", "irakienne", "Iraqi",
           "irakische"),
    Origin("PH", "list", "+63 917 xxx xxxx", "P9999999@", "Filipijnse", "philippin", "philippine", "Filipino",
           "philippinische"),
    Origin("TH", "list", "+66 8x xxx xxxx", "@@9999999", "Thaise", "thaïlandais", "thaïlandaise", "Thai",
           "thailändische"),
    Origin("TR", "tr_TR", "+90 5xx xxx xx xx", "U99999999", "Turkse", "turc", "turque", "Turkish",
           "türkische"),
    Origin("PL", "pl_PL", "+48 5xx xxx xxx", "@@9999999", "Poolse", "polonais", "polonaise", "Polish",
           "polnische"),
    Origin("HU", "hu_HU", "+36 30 xxx xxxx", "@@9999999", "Hongaarse", "hongrois", "hongroise", "Hungarian",
           "ungarische"),
    Origin("SK", "sk_SK", "+421 9xx xxx xxx", "@9999999", "Slowaakse", "slovaque", "slovaque", "Slovak",
           "slowakische"),
    Origin("BE", "nl_BE", "+32 4xx xx xx xx", "@@999999", "Belgische", "belge", "belge", "Belgian",
           "belgische"),
    Origin("FR", "fr_FR", "+33 6 xx xx xx xx", "99@@99999", "Franse", "français", "française", "French",
           "französische"),
    Origin("CM", "list", "+237 6xx xx xx xx", "99999999", "Kameroense", "camerounais", "camerounaise",
           "Cameroonian", "kamerunische"),
    Origin("GN", "list", "+224 6xx xx xx xx", "R9999999", "Guinese", "guinéen", "guinéenne", "Guinean",
           "guineische"),
    Origin("EG", "list", "+20 10 xxxx xxxx", "@99999999", "Egyptische", "égyptien", "égyptienne", "Egyptian",
           "ägyptische"),
    Origin("NP", "list", "+977 98x xxx xxxx", "PA9999999", "Nepalese", "népalais", "népalaise", "Nepalese",
           "nepalesische"),
    Origin("DZ", "fr_DZ", "+213 5xx xx xx xx", "999999999", "Algerijnse", "algérien", "algérienne",
           "Algerian", "algerische"),
)}
# fmt: on

_FAKERS: dict[str, Faker] = {}
_POOL_SIZE: Final = 50


def fold(text: str) -> str:
    """``text`` without its accents (``Trần`` -> ``Tran``)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _translit(text: str, table: Mapping[str, str]) -> str:
    out = []
    for ch in text:
        latin = table.get(ch.lower())
        out.append(ch if latin is None else latin.capitalize() if ch != ch.lower() else latin)
    return "".join(out)


_PARTICLES: Final = frozenset(
    {"da", "de", "do", "dos", "das", "van", "von", "der", "den", "di", "le", "la", "el"}
)
_NAME_PART: Final = re.compile(r"[^\W\d_][^\W\d_]*")


def well_formed(name: str) -> bool:
    """A name as a register writes it: words (or hyphenated parts) that start with a capital and go
    on in small letters, or name particles (``da``, ``van``). Faker's lists hold a few odd entries
    (lower case, glued double names, notes in brackets) that no register would."""
    words = name.split(" ")
    if not name or any(not w for w in words):
        return False
    for word in words:
        if word in _PARTICLES:
            continue
        for part in word.split("-"):
            if not _NAME_PART.fullmatch(part) or not part[0].isupper() or not part[1:].islower():
                return False
    return True


@dataclass(frozen=True, slots=True)
class _Names:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last_female: tuple[str, ...]
    last_male: tuple[str, ...]


def _name_pool(iso: str, seed: int) -> _Names:
    """Names of one nationality, from its Faker locale seeded with (seed, iso), or the built-in list."""
    origin = _ORIGINS[iso]
    if origin.names == "list":
        female_names, male_names, surnames = _NAME_LISTS[iso]
        return _Names(female_names, male_names, surnames, surnames)
    fake = _FAKERS.get(origin.names)
    if fake is None:
        fake = _FAKERS[origin.names] = Faker(origin.names)
    fake.seed_instance(f"{seed}:{iso}")
    n = _POOL_SIZE
    if origin.names == "zh_CN":
        given = [str(fake.first_romanized_name()) for _ in range(2 * n)]
        surnames = tuple(str(fake.last_romanized_name()) for _ in range(n))
        return _Names(tuple(given[:n]), tuple(given[n:]), surnames, surnames)
    table = _CYRILLIC.get(origin.names)

    def draw(make: Callable[[], object]) -> tuple[str, ...]:
        names: list[str] = []
        for _ in range(20 * n):
            name = str(make())
            if not well_formed(name):
                continue
            names.append(_translit(name, table) if table else fold(name) if iso == "VN" else name)
            if len(names) == n:
                break
        return tuple(names)

    # Surnames are gendered where the language has them (Bulgarian, Polish, Slovak, Ukrainian...).
    return _Names(
        draw(fake.first_name_female),
        draw(fake.first_name_male),
        draw(fake.last_name_female),
        draw(fake.last_name_male),
    )


# -- identifiers ----------------------------------------------------------------------------------


def _pattern(rng: random.Random, pattern: str, digit: str = "9") -> str:
    """``pattern`` with each ``digit`` character replaced by a random digit and each ``@`` by a capital."""
    out = []
    for c in pattern:
        if c == digit:
            out.append(str(rng.randrange(10)))
        elif c == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(c)
    return "".join(out)


def belgian_number(rng: random.Random, born: date, male: bool, bis: bool) -> str:
    """A national register number (or, with ``bis``, a BIS number: month + 40) with valid check
    digits, as 11 digits. Men have an odd serial, women an even one."""
    month = born.month + (40 if bis else 0)
    serial = rng.randrange(1, 499) * 2 - (1 if male else 0)
    base = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial:03d}"
    value = int(("2" + base) if born.year >= 2000 else base)
    return f"{base}{97 - value % 97:02d}"


def format_belgian_number(rng: random.Random, number: str) -> str:
    """The ways partners write one: compact, ``YYMMDD SSS CC`` or ``YY.MM.DD-SSS.CC``."""
    style = rng.randrange(4)
    if style == 0:
        return number
    if style == 1:
        return f"{number[:6]} {number[6:9]} {number[9:]}"
    return f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"


def belgian_id_card(rng: random.Random) -> str:
    """A Belgian eID card number ``592-1234567-89`` (check digits: the first ten modulo 97)."""
    base = rng.randrange(590_000_0000, 600_000_0000)
    text = f"{base:010d}{base % 97 or 97:02d}"
    return f"{text[:3]}-{text[3:10]}-{text[10:]}"


def belgian_phone(rng: random.Random) -> str:
    """A Belgian mobile number in one of the ways people write them."""
    digits = f"4{rng.choice('6789')}{rng.randrange(10)}{rng.randrange(1_000_000):06d}"
    a, b, c, d = digits[:3], digits[3:5], digits[5:7], digits[7:]
    forms = (
        f"0{a} {b} {c} {d}",
        f"0{a}/{b}.{c}.{d}",
        f"+32 {a} {b} {c} {d}",
        f"0032 {a} {b} {c} {d}",
        f"0{digits}",
    )
    return forms[rng.randrange(len(forms))]


def _iban(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    raw = f"{country}{98 - int(digits) % 97:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def iban(rng: random.Random, country: str = "BE") -> str:
    """An IBAN with valid check digits (and, for Belgium, a valid national check)."""
    if country == "BE":
        bank = rng.choice(("001", "063", "068", "310", "363", "735", "751", "088", "000"))
        account = int(f"{bank}{rng.randrange(10**7):07d}")
        return _iban("BE", f"{account:010d}{account % 97 or 97:02d}")
    if country == "RO":
        return _iban("RO", rng.choice(("BTRL", "RNCB", "BRDE", "INGB")) + f"{rng.randrange(10**16):016d}")
    if country == "BG":
        bank = rng.choice(("UNCR", "BPBI", "STSA"))
        return _iban("BG", f"{bank}{rng.randrange(10**6):06d}{rng.randrange(10**8):08d}")
    if country == "LT":
        return _iban("LT", f"{rng.randrange(10**16):016d}")
    return _iban("NL", rng.choice(("ABNA", "INGB", "RABO")) + f"{rng.randrange(10**10):010d}")


def plate(rng: random.Random, country: str = "BE") -> str:
    """A number plate of ``country`` (Belgium, Romania, Bulgaria, the Netherlands, Poland)."""
    letters = "".join(chr(65 + rng.randrange(26)) for _ in range(3))
    if country == "RO":
        return f"{rng.choice(('B', 'IF', 'SV', 'CJ', 'TM'))} {rng.randrange(10, 99)} {letters}"
    if country == "BG":
        return f"{rng.choice(('CB', 'PB', 'CA'))} {rng.randrange(1000, 9999)} {letters[:2]}"
    if country == "NL":
        return f"{letters[:2]}-{rng.randrange(100, 999)}-{letters[2]}"
    if country == "PL":
        return f"W{letters[0]} {rng.randrange(10000, 99999)}"
    digits = f"{rng.randrange(1000):03d}"
    return (
        f"{rng.choice('12')}-{letters}-{digits}"
        if rng.random() < 0.7
        else f"{rng.choice('12')}{letters}{digits}"
    )


_MAIL_DOMAINS: Final = (
    "gmail.com",
    "hotmail.com",
    "yahoo.fr",
    "outlook.com",
    "gmail.com",
    "mail.ru",
    "yahoo.com",
)


def email(rng: random.Random, first: str, last: str) -> str:
    """A private e-mail address made from a person's names."""
    given = re.sub(r"[^a-z]", "", fold(first).lower()) or "info"
    family = re.sub(r"[^a-z]", "", fold(last).lower()) or "mail"
    suffix = rng.choice(("", str(rng.randrange(1, 99)), str(rng.randrange(1970, 2006))))
    return f"{given}{rng.choice(('.', '_', ''))}{family}{suffix}@{rng.choice(_MAIL_DOMAINS)}"


# -- places ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    postcode: str
    municipality: str
    lang: str  # language of the place: nl, fr, de, or "bi" (Brussels)
    arrondissement: str  # judicial arrondissement code in PV and notice numbers
    unit_nl: str
    unit_fr: str


# fmt: off
_PLACES: Final[tuple[Place, ...]] = tuple(Place(*p) for p in (
    ("2000", "Antwerpen", "nl", "AN", "FGP Antwerpen", "PJF Anvers"),
    ("2060", "Antwerpen", "nl", "AN", "Lokale Politie Antwerpen", "Police locale d'Anvers"),
    ("2018", "Antwerpen", "nl", "AN", "Lokale Politie Antwerpen", "Police locale d'Anvers"),
    ("2140", "Borgerhout", "nl", "AN", "Lokale Politie Antwerpen", "Police locale d'Anvers"),
    ("2800", "Mechelen", "nl", "ME", "PZ Mechelen-Willebroek", "ZP Malines-Willebroek"),
    ("2480", "Dessel", "nl", "TU", "FGP Antwerpen, afdeling Turnhout", "PJF Anvers, division Turnhout"),
    ("9000", "Gent", "nl", "GE", "FGP Oost-Vlaanderen", "PJF Flandre orientale"),
    ("9050", "Gentbrugge", "nl", "GE", "PZ Gent", "ZP Gand"),
    ("9100", "Sint-Niklaas", "nl", "DE", "PZ Sint-Niklaas", "ZP Saint-Nicolas"),
    ("8000", "Brugge", "nl", "BG", "FGP West-Vlaanderen", "PJF Flandre occidentale"),
    ("8400", "Oostende", "nl", "BG", "PZ Oostende", "ZP Ostende"),
    ("8900", "Ieper", "nl", "IE", "PZ Arro Ieper", "ZP Arro Ypres"),
    ("8500", "Kortrijk", "nl", "KO", "PZ Vlas Kortrijk", "ZP Vlas Courtrai"),
    ("3500", "Hasselt", "nl", "HA", "FGP Limburg", "PJF Limbourg"),
    ("3600", "Genk", "nl", "HA", "PZ CARMA", "ZP CARMA"),
    ("3800", "Sint-Truiden", "nl", "HA", "PZ Sint-Truiden", "ZP Saint-Trond"),
    ("3000", "Leuven", "nl", "LE", "FGP Leuven", "PJF Louvain"),
    ("1800", "Vilvoorde", "nl", "HV", "PZ Vilvoorde-Machelen", "ZP Vilvorde-Machelen"),
    ("1000", "Bruxelles", "bi", "BR", "FGP Brussel", "PJF Bruxelles"),
    ("1030", "Schaerbeek", "bi", "BR", "PZ Brussel-Noord", "ZP Bruxelles-Nord"),
    ("1050", "Ixelles", "bi", "BR", "PZ Brussel-Hoofdstad Elsene", "ZP Bruxelles-Capitale Ixelles"),
    ("1060", "Saint-Gilles", "bi", "BR", "PZ Brussel-Zuid", "ZP Bruxelles-Midi"),
    ("1080", "Molenbeek-Saint-Jean", "bi", "BR", "PZ Brussel-West", "ZP Bruxelles-Ouest"),
    ("1070", "Anderlecht", "bi", "BR", "PZ Brussel-Zuid", "ZP Bruxelles-Midi"),
    ("1210", "Saint-Josse-ten-Noode", "bi", "BR", "PZ Brussel-Noord", "ZP Bruxelles-Nord"),
    ("4000", "Liège", "fr", "LI", "FGP Luik", "PJF Liège"),
    ("4020", "Liège", "fr", "LI", "PZ Luik", "ZP Liège"),
    ("4100", "Seraing", "fr", "LI", "PZ Seraing-Neupré", "ZP Seraing-Neupré"),
    ("4800", "Verviers", "fr", "VE", "PZ Vesdre", "ZP Vesdre"),
    ("6000", "Charleroi", "fr", "CH", "FGP Charleroi", "PJF Charleroi"),
    ("6030", "Marchienne-au-Pont", "fr", "CH", "PZ Charleroi", "ZP Charleroi"),
    ("7000", "Mons", "fr", "MO", "FGP Bergen", "PJF Mons"),
    ("7500", "Tournai", "fr", "TO", "PZ Doornik", "ZP Tournai"),
    ("5000", "Namur", "fr", "NA", "FGP Namen", "PJF Namur"),
    ("1300", "Wavre", "fr", "NI", "PZ Waver", "ZP Wavre"),
    ("6700", "Arlon", "fr", "AR", "FGP Aarlen", "PJF Arlon"),
    ("4700", "Eupen", "de", "EU", "PZ Weser-Göhl", "ZP Weser-Göhl"),
    ("4760", "Büllingen", "de", "EU", "PZ Eifel", "ZP Eifel"),
))

_STREETS: Final[dict[str, tuple[str, ...]]] = {
    "nl": ("Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpstraat", "Nieuwstraat", "Schoolstraat",
           "Turnhoutsebaan", "Carnotstraat", "Brusselsesteenweg", "Gistelse Steenweg", "Industrieweg",
           "Heikant", "Kapelstraat", "Lange Lozanastraat", "Provinciestraat", "Diepestraat", "Hoogstraat",
           "Leopoldstraat",
           "Grote Baan", "Noorderlaan", "Stalenstraat", "Breeërsteenweg", "Tiensesteenweg", "Bruul",
           "Astridlaan"),
    "fr": ("rue de la Station", "rue Haute", "chaussée de Haecht", "rue du Calvaire", "avenue de la Gare",
           "rue de la Providence", "boulevard de la Sauvenière", "rue Saint-Léonard", "rue de l'Ourthe",
           "chaussée de Dinant", "rue de Fer", "Grand-Rue", "rue des Commerçants", "rue de la Victoire",
           "avenue de Stalingrad", "rue Gray", "rue de Livourne", "chaussée d'Ixelles", "rue de France",
           "avenue de Fré", "rue de l'Agneau", "rue du Midi", "rue de la Fraternité", "place Flagey"),
    "de": ("Zur Hütte", "Bergstraße", "Aachener Straße", "Kirchstraße", "Hauptstraße", "Klosterstraße"),
}
_WORDS: Final = ("Jade", "Lotus", "Golden", "Diamond", "Paradise", "Royal", "Sunrise", "Bella", "Star",
                 "Venus", "Orchid", "Happy", "Prestige", "Express", "Euro", "Atlas", "Palma", "Sakura",
                 "Bright", "Crystal", "Phoenix", "Amber")
_BIRTH_PLACES: Final[dict[str, tuple[str, ...]]] = {
    "RO": ("Suceava", "Buftea", "Craiova", "Iași"), "BG": ("Sliven", "Pleven", "Varna"),
    "NG": ("Benin City", "Lagos"), "AL": ("Elbasan", "Tirana", "Shkodër"), "BR": ("Belo Horizonte",
                                                                                  "Goiânia"),
    "VN": ("Nghe An", "Ha Tinh"), "IN": ("Jalandhar", "Ludhiana"), "UA": ("Dnipro", "Lviv"),
    "MA": ("Tanger", "Nador"), "CN": ("Wenzhou", "Fuqing"), "AF": ("Kunduz", "Jalalabad"),
    "ER": ("Asmara", "Keren"), "PH": ("Manila", "Cebu"), "IQ": ("Erbil", "Sulaymaniyah"),
}
_NICKNAMES: Final = ("Big Ben", "le Gros", "Dori", "Ziko", "Bebe", "Tonton", "la Tante", "Baba", "Sandu",
                     "Kiflom", "Ah Mei", "Chief Ike", "Dams", "Artem", "Tuan Béo", "Mama Osas", "Hama Dubai")
# fmt: on


def _street(rng: random.Random, lang: str) -> tuple[str, str]:
    """A (street, house number) in the language of the place."""
    if lang == "bi":
        lang = "fr" if rng.random() < 0.6 else "nl"
    pool = _STREETS[lang]
    number = str(rng.randrange(1, 320))
    if rng.random() < 0.15:
        number += rng.choice((" bus 2", " bte 3", "/4", "A", " bus 5"))
    return pool[rng.randrange(len(pool))], number


# -- scenarios ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scenario:
    """A kind of case: its offence, forms and sector, the victims' nationalities, the places, and what
    happened (to a victim, by a suspect) in nl, fr, en and de."""

    key: str
    offence: str
    forms: tuple[str, ...]
    sector: str
    victims: tuple[tuple[str, int], ...]  # nationality, weight
    female: float
    means: tuple[str, ...]
    places: tuple[tuple[str, str, str, str, str], ...]  # the place in nl, fr, en, de; business name
    acts: tuple[str, str, str, str]
    suspect_acts: tuple[str, str, str, str]


# fmt: off
_SCENARIOS: Final[tuple[Scenario, ...]] = (
    Scenario(
        "sexual", "trafficking", ("sexual",), "not_applicable",
        (("RO", 10), ("BG", 6), ("NG", 8), ("HU", 3), ("AL", 3), ("TH", 3), ("CN", 3), ("UA", 2), ("MA", 2),
         ("BR", 2), ("BE", 3)),
        0.93, ("debt_bondage", "threats", "abuse", "false_promises", "withheld_documents", "drugs_alcohol"),
        (("het massagesalon", "le salon de massage", "the massage parlour", "den Massagesalon",
          "{W} Wellness"),
         ("de bar", "le bar", "the bar", "die Bar", "Club {W}"),
         ("het appartement boven", "l'appartement au-dessus de", "the flat above", "die Wohnung über",
          "Bar {W}"),
         ("het privéhuis", "la maison privée", "the private house", "das Privathaus", "Villa {W}")),
        ("{pron} moest elke dag klanten ontvangen en de helft van de opbrengst afgeven aan {x}.",
         "{pron} devait recevoir des clients chaque jour et remettre la moitié des gains à {x}.",
         "{pron} had to see clients every day and hand half of the money to {xn}.",
         "{pron} musste täglich Freier empfangen und die Hälfte der Einnahmen an {xn} abgeben."),
        ("{pron} baat {biz} uit en haalt dagelijks het geld op bij de vrouwen.",
         "{pron} exploite {biz} et récupère chaque jour l'argent des femmes.",
         "{pron} runs {biz} and collects the women's money every day.",
         "{pron} betreibt {biz} und holt täglich das Geld der Frauen ab."),
    ),
    Scenario(
        "construction", "trafficking", ("labour",), "construction",
        (("RO", 6), ("BG", 5), ("UA", 4), ("BR", 5), ("PL", 2), ("MD", 3), ("TR", 2), ("AL", 2)),
        0.03, ("debt_bondage", "excessive_working_hours", "denial_of_basic_needs", "false_promises",
               "withheld_documents"),
        (("de bouwwerf van", "le chantier de", "the building site of", "die Baustelle von", "{L} Bouw {F}"),
         ("de werf van", "le chantier de", "the site of", "die Baustelle von", "Renov{W} {F}")),
        ("{pron} werkte {hours} uur per dag voor {wage} euro per maand, cash, en sliep in een container.",
         "{pron} travaillait {hours} heures par jour pour {wage} € par mois en liquide et dormait dans une "
         "cave.",
         "{pron} worked {hours} hours a day for €{wage} a month in cash and slept in a container on the "
         "site.",
         "{pron} arbeitete {hours} Stunden am Tag für {wage} Euro im Monat und schlief in einem Container."),
        ("{pron} stelde de arbeiders tewerk zonder Dimona of Limosa en hield hun loon in.",
         "{pron} occupait les ouvriers sans Dimona ni Limosa et retenait leurs salaires.",
         "{pron} employed the workers without Dimona or Limosa declarations and kept their wages.",
         "{pron} beschäftigte die Arbeiter ohne Anmeldung und behielt ihren Lohn ein."),
    ),
    Scenario(
        "hospitality", "trafficking", ("labour",), "hospitality",
        (("IN", 5), ("CN", 4), ("NP", 3), ("MA", 4), ("PK", 3), ("VN", 2), ("BR", 2)),
        0.25, ("debt_bondage", "excessive_working_hours", "withheld_documents", "threats",
               "denial_of_basic_needs"),
        (("het restaurant", "le restaurant", "the restaurant", "das Restaurant", "{W} Palace"),
         ("de snackbar", "le snack", "the snack bar", "den Imbiss", "Snack {W}"),
         ("de bakkerij", "la boulangerie", "the bakery", "die Bäckerei", "Boulangerie {W}")),
        ("{pron} werkte {hours} uur per dag in de keuken, zes dagen op zeven, voor {wage} euro per maand.",
         "{pron} travaillait en cuisine de 10h à minuit, six jours sur sept, pour {wage} € par mois.",
         "{pron} worked {hours} hours a day in the kitchen, six days a week, for €{wage} a month.",
         "{pron} arbeitete {hours} Stunden am Tag in der Küche für {wage} Euro im Monat."),
        ("{pron} liet het personeel werken zonder loonfiches en bewaarde hun paspoorten in de kluis.",
         "{pron} faisait travailler le personnel sans fiches de paie et gardait leurs passeports.",
         "{pron} made the staff work without payslips and kept their passports in the safe.",
         "{pron} ließ das Personal ohne Lohnabrechnung arbeiten und verwahrte ihre Pässe."),
    ),
    Scenario(
        "agriculture", "trafficking", ("labour",), "agriculture",
        (("RO", 6), ("BG", 3), ("UA", 3), ("MD", 3), ("IN", 3), ("PL", 2)),
        0.4, ("debt_bondage", "excessive_working_hours", "denial_of_basic_needs", "false_promises"),
        (("de fruitplantage", "l'exploitation fruitière", "the fruit farm", "den Obsthof",
          "Fruitbedrijf {L}"),
         ("de champignonkwekerij", "la champignonnière", "the mushroom farm", "die Pilzzucht",
          "Champignons {W} {F}")),
        ("{pron} werd per kist betaald, ongeveer 4 euro per uur, en betaalde {debt} euro voor een bed.",
         "{pron} était payé{e} au kilo, environ 4 € de l'heure, et payait {debt} € pour une place en "
         "mobile-home.",
         "{pron} was paid per crate, about €4 an hour, and paid €{debt} for a bed in a caravan.",
         "{pron} wurde pro Kiste bezahlt, etwa 4 Euro die Stunde, und zahlte {debt} Euro für ein Bett."),
        ("{pron} bracht de seizoenarbeiders aan en hield per persoon {debt} euro bemiddelingskost af.",
         "{pron} recrutait les cueilleurs et retenait {debt} € de frais de placement par personne.",
         "{pron} brought in the seasonal workers and kept €{debt} per person as a placement fee.",
         "{pron} vermittelte die Saisonarbeiter und behielt {debt} Euro Vermittlungsgebühr pro Person."),
    ),
    Scenario(
        "car_wash", "trafficking", ("labour",), "car_wash",
        (("AL", 4), ("PK", 3), ("AF", 3), ("IN", 2), ("MA", 2), ("EG", 2)),
        0.02, ("excessive_working_hours", "denial_of_basic_needs", "threats", "debt_bondage"),
        (("de carwash", "le car wash", "the car wash", "die Waschanlage", "Car Wash {W}"),),
        ("{pron} waste auto's van 8u tot 20u voor 25 euro per dag en sliep in de achterruimte.",
         "{pron} lavait des voitures de 8h à 20h pour 25 € par jour et dormait dans l'arrière-boutique.",
         "{pron} washed cars from 8 am to 8 pm for €25 a day and slept in the back room.",
         "{pron} wusch Autos von 8 bis 20 Uhr für 25 Euro am Tag und schlief im Hinterraum."),
        ("{pron} liet de wassers werken zonder aangifte en noemde hen \"vrienden die helpen\".",
         "{pron} faisait travailler les laveurs sans déclaration et les appelait « des amis qui aident ».",
         "{pron} had the washers work undeclared and called them \"friends who help\".",
         "{pron} ließ die Wäscher schwarz arbeiten und nannte sie \"helfende Freunde\"."),
    ),
    Scenario(
        "nails", "trafficking", ("labour",), "beauty",
        (("VN", 8), ("CN", 2)),
        0.85, ("debt_bondage", "withheld_documents", "excessive_working_hours"),
        (("de nagelsalon", "le bar à ongles", "the nail bar", "das Nagelstudio", "{W} Nails"),),
        ("{pron} werkte zes dagen per week voor {wage} euro per maand om een schuld van {debt} euro af te "
         "betalen.",
         "{pron} travaillait six jours par semaine pour {wage} € par mois pour rembourser une dette de "
         "{debt} €.",
         "{pron} worked six days a week for €{wage} a month to pay off a debt of €{debt}.",
         "{pron} arbeitete sechs Tage die Woche für {wage} Euro im Monat, um {debt} Euro Schulden "
         "abzuzahlen."),
        ("{pron} beheert de nagelsalons en int de schulden van de werkneemsters.",
         "{pron} gère les bars à ongles et encaisse les dettes des travailleuses.",
         "{pron} manages the nail bars and collects the workers' debts.",
         "{pron} führt die Nagelstudios und treibt die Schulden der Arbeiterinnen ein."),
    ),
    Scenario(
        "cleaning", "trafficking", ("labour",), "cleaning",
        (("BR", 5), ("UA", 3), ("RO", 3), ("PH", 2), ("BG", 2)),
        0.7, ("debt_bondage", "excessive_working_hours", "threats", "false_promises"),
        (("het schoonmaakbedrijf", "l'entreprise de nettoyage", "the cleaning company", "die Reinigungsfirma",
          "{W} Cleaning {F}"),),
        ("{pron} poetste 's nachts kantoren en kreeg een loonbrief voor 20 uur, maar werkte er 50.",
         "{pron} nettoyait des bureaux la nuit pour 3 € de l'heure et logeait à six dans un appartement.",
         "{pron} cleaned offices at night for €3 an hour and shared a flat with five others.",
         "{pron} putzte nachts Büros für 3 Euro die Stunde und teilte eine Wohnung mit fünf anderen."),
        ("{pron} beheerde de lonen van de ploeg via een schuldboek.",
         "{pron} gérait les salaires de l'équipe au moyen d'un carnet de dettes.",
         "{pron} controlled the team's wages through a debt book.",
         "{pron} verwaltete die Löhne der Gruppe über ein Schuldenbuch."),
    ),
    Scenario(
        "meat", "trafficking", ("labour",), "meat_processing",
        (("RO", 4), ("BG", 3), ("PL", 2), ("BR", 3)),
        0.3, ("debt_bondage", "excessive_working_hours", "denial_of_basic_needs"),
        (("de slachterij", "l'abattoir", "the slaughterhouse", "den Schlachthof", "Slachthuis {W} {F}"),),
        ("{pron} werkte 48 uur per week aan de snijlijn en betaalde {debt} euro per maand voor een bed.",
         "{pron} travaillait 48 heures par semaine à la découpe et payait {debt} € par mois pour un lit.",
         "{pron} worked 48 hours a week on the cutting line and paid €{debt} a month for a bed.",
         "{pron} arbeitete 48 Stunden pro Woche am Zerlegeband und zahlte {debt} Euro im Monat für ein "
         "Bett."),
        ("{pron} leverde de arbeiders via een buitenlands uitzendkantoor met ongeldige A1-formulieren.",
         "{pron} fournissait les ouvriers via une agence d'intérim étrangère avec des formulaires A1 non "
         "valables.",
         "{pron} supplied the workers through a foreign temp agency with invalid A1 forms.",
         "{pron} stellte die Arbeiter über eine ausländische Leiharbeitsfirma mit ungültigen A1-Formularen."),
    ),
    Scenario(
        "transport", "trafficking", ("labour",), "transport_logistics",
        (("UA", 4), ("PH", 2), ("PL", 2), ("RO", 2)),
        0.02, ("excessive_working_hours", "debt_bondage", "threats"),
        (("het transportbedrijf", "l'entreprise de transport", "the haulage firm", "die Spedition",
          "{L} Logistics {F}"),),
        ("{pron} reed maandenlang zonder rust, tot 16 uur per dag; het loon ging naar een rekening van {x}.",
         "{pron} roulait des mois sans repos, jusqu'à 16 heures par jour ; le salaire allait à {x}.",
         "{pron} drove for months without rest, up to 16 hours a day; the wages went to an account of {xn}.",
         "{pron} fuhr monatelang ohne Ruhezeit, bis zu 16 Stunden am Tag; der Lohn ging an {xn}."),
        ("{pron} beheerde de rekeningen waarop de lonen van de chauffeurs werden gestort.",
         "{pron} gérait les comptes sur lesquels étaient versés les salaires des chauffeurs.",
         "{pron} controlled the accounts into which the drivers' wages were paid.",
         "{pron} verwaltete die Konten, auf die die Löhne der Fahrer gingen."),
    ),
    Scenario(
        "domestic", "trafficking", ("domestic_servitude",), "domestic_work",
        (("PH", 5), ("MA", 4), ("IN", 2), ("NG", 2), ("EG", 1)),
        0.95, ("withheld_documents", "excessive_working_hours", "denial_of_basic_needs", "threats"),
        (("de woning van de familie", "le domicile de la famille", "the home of the family",
          "die Wohnung der Familie", "{L}"),),
        ("{pron} werkte van 6u tot 23u als huishoudhulp, zonder vrije dag, voor {wage} euro per maand.",
         "{pron} travaillait comme domestique logée de 6h à 23h, sans jour de congé, pour {wage} € par "
         "mois.",
         "{pron} worked as a live-in domestic from 6 am to 11 pm, with no day off, for €{wage} a month.",
         "{pron} arbeitete als Haushaltshilfe von 6 bis 23 Uhr ohne freien Tag für {wage} Euro im Monat."),
        ("{pron} hield het paspoort van de huishoudhulp bij en liet haar niet alleen buiten.",
         "{pron} conservait le passeport de la domestique et ne la laissait pas sortir seule.",
         "{pron} kept the domestic worker's passport and did not let her go out alone.",
         "{pron} behielt den Pass der Hausangestellten und ließ sie nicht allein hinaus."),
    ),
    Scenario(
        "begging", "trafficking", ("forced_begging",), "not_applicable",
        (("RO", 5), ("BG", 3), ("SK", 2)),
        0.6, ("threats", "abuse", "denial_of_basic_needs"),
        (("het station", "la gare", "the station", "den Bahnhof", "Station {W}"),),
        ("{pron} moest elke dag bedelen aan de ingang van de supermarkt en 's avonds alles afgeven.",
         "{pron} devait mendier chaque jour devant le supermarché et tout remettre le soir.",
         "{pron} had to beg every day outside the supermarket and hand everything over in the evening.",
         "{pron} musste täglich vor dem Supermarkt betteln und abends alles abgeben."),
        ("{pron} bracht de bedelaars elke ochtend met de bestelwagen naar hun plaats.",
         "{pron} conduisait chaque matin les mendiants à leur place en camionnette.",
         "{pron} drove the beggars to their spots every morning in a van.",
         "{pron} fuhr die Bettler jeden Morgen mit dem Lieferwagen zu ihren Plätzen."),
    ),
    Scenario(
        "criminality", "trafficking", ("forced_criminality",), "not_applicable",
        (("VN", 5), ("MA", 4), ("RO", 2), ("DZ", 2)),
        0.15, ("debt_bondage", "threats", "drugs_alcohol"),
        (("de cannabisplantage in de woning", "la plantation de cannabis dans la maison",
          "the cannabis farm in the house", "die Cannabisplantage im Haus", "{W} Home"),),
        ("{pron} moest de plantage bewaken en een schuld van {debt} euro afbetalen aan {x}.",
         "{pron} devait garder la plantation et rembourser une dette de {debt} € à {x}.",
         "{pron} had to guard the plantation and pay off a debt of €{debt} to {xn}.",
         "{pron} musste die Plantage bewachen und {debt} Euro Schulden bei {xn} abbezahlen."),
        ("{pron} zette minderjarigen in voor de drugsverkoop en betaalde hen in hasj en eten.",
         "{pron} utilisait des mineurs pour vendre de la drogue et les payait en haschich et en nourriture.",
         "{pron} used minors to sell drugs and paid them in hashish and food.",
         "{pron} setzte Minderjährige für den Drogenverkauf ein und bezahlte sie mit Haschisch und Essen."),
    ),
    Scenario(
        "smuggling", "smuggling", (), "not_applicable",
        (("AF", 5), ("ER", 5), ("SY", 3), ("IQ", 4), ("VN", 2), ("EG", 1)),
        0.2, ("threats", "denial_of_basic_needs", "debt_bondage"),
        (("de parking van de E40", "le parking de l'E40", "the E40 car park", "den Parkplatz an der E40",
          "Parking {W}"),),
        ("{pron} betaalde {amount} euro aan een smokkelaar om naar het Verenigd Koninkrijk te gaan en zat "
         "urenlang zonder water in een vrachtwagen.",
         "{pron} a payé {amount} € à un passeur pour rejoindre le Royaume-Uni et a voyagé des heures sans "
         "eau dans un camion.",
         "{pron} paid €{amount} to a smuggler to reach the United Kingdom and spent hours in a lorry "
         "without water.",
         "{pron} zahlte {amount} Euro an einen Schleuser, um nach Großbritannien zu kommen, und saß "
         "stundenlang ohne Wasser im Lkw."),
        ("{pron} organiseerde het laden van migranten in vrachtwagens tegen {amount} euro per persoon.",
         "{pron} organisait le chargement de migrants dans des camions contre {amount} € par personne.",
         "{pron} organised the loading of migrants into lorries for €{amount} per person.",
         "{pron} organisierte das Verladen von Migranten in Lkw für {amount} Euro pro Person."),
    ),
    Scenario(
        "night_shop", "trafficking", ("labour",), "retail",
        (("IN", 4), ("PK", 3), ("AF", 2), ("NP", 2)),
        0.1, ("excessive_working_hours", "denial_of_basic_needs", "threats"),
        (("de nachtwinkel", "le night shop", "the night shop", "den Späti", "Night Shop {W}"),),
        ("{pron} stond 7 dagen op 7 van 10u tot 1u achter de toonbank, zonder loon, en sliep in de "
         "stockruimte.",
         "{pron} tenait le comptoir 7 jours sur 7 de 10h à 1h, sans salaire, et dormait dans la réserve.",
         "{pron} worked the counter 7 days a week from 10 am to 1 am, unpaid, and slept in the storeroom.",
         "{pron} stand 7 Tage die Woche von 10 bis 1 Uhr hinter der Theke, ohne Lohn, und schlief im Lager."),
        ("{pron} verklaart dat de man \"gewoon logeert\" en familie is.",
         "{pron} déclare que l'homme « loge simplement » chez lui et fait partie de la famille.",
         "{pron} claims the man is \"just staying\" and is family.",
         "{pron} behauptet, der Mann sei Familie und \"wohne nur\" bei ihm."),
    ),
)

_SCENARIO_WEIGHTS: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "police": (("sexual", 10), ("construction", 2), ("hospitality", 2), ("nails", 2), ("begging", 2),
               ("criminality", 3), ("smuggling", 5), ("domestic", 1), ("car_wash", 1), ("agriculture", 1)),
    "labour": (("construction", 5), ("hospitality", 4), ("agriculture", 4), ("car_wash", 3), ("cleaning", 3),
               ("meat", 2), ("transport", 2), ("domestic", 2), ("night_shop", 2), ("nails", 1)),
    "social": (("construction", 4), ("hospitality", 3), ("cleaning", 3), ("meat", 3), ("car_wash", 2),
               ("nails", 3), ("transport", 2), ("night_shop", 2), ("agriculture", 2)),
    "immigration": (("sexual", 5), ("smuggling", 5), ("construction", 2), ("hospitality", 2),
                    ("criminality", 2), ("domestic", 2), ("agriculture", 2), ("nails", 1)),
    "prosecutor": (("sexual", 6), ("smuggling", 3), ("construction", 2), ("hospitality", 2), ("transport", 1),
                   ("domestic", 1), ("criminality", 2), ("begging", 1), ("cleaning", 1), ("nails", 1)),
    "ngo": (("sexual", 8), ("domestic", 3), ("hospitality", 3), ("construction", 2), ("criminality", 2),
            ("nails", 2), ("cleaning", 2), ("agriculture", 1)),
}
_SUSPECT_NATIONALITY: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "construction": (("BE", 5), ("TR", 2), ("RO", 2), ("BG", 1), ("AL", 1)),
    "domestic": (("BE", 2), ("MA", 2), ("EG", 1), ("FR", 1)),
    "smuggling": (("IQ", 4), ("AF", 2), ("AL", 2), ("ER", 2), ("SY", 1)),
    "transport": (("BE", 3), ("PL", 1)),
    "meat": (("BE", 3), ("PL", 1), ("RO", 1)),
    "cleaning": (("BE", 2), ("BR", 2), ("BG", 1)),
}
_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
# fmt: on
_SCENARIO_BY_KEY: Final = {s.key: s for s in _SCENARIOS}
_EU: Final = frozenset({"RO", "BG", "PL", "HU", "SK", "FR", "BE"})
_LANGS: Final = ("nl", "fr", "en", "de")


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    pick = rng.randrange(sum(w for _, w in pairs))
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    raise AssertionError("unreachable")  # pragma: no cover


def long_date(day: date, lang: str) -> str:
    """``12 maart 2024``, ``12 mars 2024``, ``12 March 2024``, ``12. März 2024``."""
    month = _MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "de" else f"{day.day} {month} {day.year}"


# -- people and cases -----------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    """One synthetic person of a case. Every value is invented."""

    number: int  # position in the case, 1-based (0: named in narratives only, no row of their own)
    role: str  # victim | presumed_victim | suspect
    first: str
    last: str
    female: bool
    nat: str
    birth: date
    age: int
    national_number: str  # 11 digits, "" when the person has none
    bis: bool
    document: str  # passport, or the Belgian eID card
    phone: str
    foreign_phone: str
    email: str
    street: str
    house_number: str
    postcode: str
    municipality: str
    aliases: tuple[str, ...]
    iban: str
    plate: str
    handle: str
    has_birth_date: bool
    shows_age: bool

    @property
    def police(self) -> str:
        """``SURNAME Given``, the way the police write names."""
        return f"{self.last.upper()} {self.first}"

    @property
    def full(self) -> str:
        return f"{self.first} {self.last.upper()}"

    @property
    def street_line(self) -> str:
        return f"{self.street} {self.house_number}"

    @property
    def address(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.municipality}"


@dataclass(slots=True)
class Case:
    number: int
    scenario: Scenario
    place: Place
    lang: str
    registered: date
    exploitation_start: date
    business: str
    business_street: str
    kind: tuple[str, str, str, str]
    persons: list[Person]
    exploiter: Person  # whom the victims' narratives name: a suspect of the case, or one without a row
    victim: Person  # whom the suspects' narratives name
    means: tuple[str, ...]
    relation: str
    protection: str
    judicial: str
    hours: int
    wage: int
    debt: int
    amount: int
    platform: str

    @property
    def business_address(self) -> str:
        return f"{self.business_street}, {self.place.postcode} {self.place.municipality}"


class _World:
    """The people and cases of one generate() call, drawn from one seeded Random."""

    def __init__(self, partner: PartnerSpec, seed: int) -> None:
        self.partner = partner
        self.seed = seed
        self.rng = random.Random(f"ciateh-demo:{partner.name}:{seed}")
        self.pools: dict[str, _Names] = {}

    def names(self, iso: str) -> _Names:
        pool = self.pools.get(iso)
        if pool is None:
            pool = self.pools[iso] = _name_pool(iso, self.seed)
        return pool

    def person(
        self, number: int, role: str, nat: str, female: bool, registered: date, place: Place
    ) -> Person:
        rng = self.rng
        pool = self.names(nat)
        first = rng.choice(pool.female if female else pool.male)
        surnames = pool.last_female if female else pool.last_male
        last = rng.choice(surnames)
        if nat == "VN" and " " not in first:
            first = f"{'Thi' if female else rng.choice(('Van', 'Minh', 'Duc'))} {first}"
        if nat in ("BR", "PH") and rng.random() < 0.25:
            last = f"{rng.choice(surnames)} {last}"
        if role == "suspect":
            years = rng.randrange(22, 64)
        else:
            years = rng.randrange(15, 18) if rng.random() < 0.08 else rng.randrange(18, 56)
        birth = registered - timedelta(days=years * 365 + rng.randrange(1, 360))
        age = registered.year - birth.year - ((registered.month, registered.day) < (birth.month, birth.day))
        # Belgians, and EU citizens and suspects registered here, have a national number; other
        # foreigners may have a BIS number.
        resident = nat == "BE" or rng.random() < (0.5 if role == "suspect" else 0.3 if nat in _EU else 0)
        has_number = resident or rng.random() < 0.55
        bis = has_number and not resident
        origin = _ORIGINS[nat]
        foreign = _pattern(rng, origin.phone, digit="x") if nat != "BE" else belgian_phone(rng)
        home = rng.choice(_PLACES) if rng.random() < 0.3 else place
        street, house = _street(rng, home.lang)
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.35:
            aliases = (rng.choice((*_NICKNAMES, f"{first.split()[0][:3].capitalize()}i")),)
            if rng.random() < 0.2:  # a second identity: another given name with the same surname
                aliases += (f"{rng.choice(pool.female if female else pool.male)} {last}",)
        handle_base = re.sub(r"[^a-z]", "", fold(first).lower())[:8] or "user"
        tag = rng.choice(("bxl", "jobs", "eu", "vip", "official", "2060"))
        return Person(
            number=number,
            role=role,
            first=first,
            last=last,
            female=female,
            nat=nat,
            birth=birth,
            age=age,
            national_number=belgian_number(rng, birth, not female, bis) if has_number else "",
            bis=bis,
            document=belgian_id_card(rng) if nat == "BE" else _pattern(rng, origin.passport),
            phone=belgian_phone(rng) if rng.random() < 0.8 else foreign,
            foreign_phone=foreign,
            email=email(rng, first, last) if rng.random() < 0.4 else "",
            street=street,
            house_number=house,
            postcode=home.postcode,
            municipality=home.municipality,
            aliases=aliases,
            iban=iban(rng, "BE" if rng.random() < 0.7 else rng.choice(("RO", "BG", "LT", "NL"))),
            plate=plate(rng, "BE" if rng.random() < 0.7 else rng.choice(("RO", "BG", "NL", "PL"))),
            handle=f"{rng.choice(('@', ''))}{handle_base}_{tag}{rng.randrange(10, 99)}",
            has_birth_date=rng.random() < 0.85,
            shows_age=rng.random() < 0.3,
        )

    def _language(self, place: Place) -> str:
        rng = self.rng
        langs = self.partner.languages
        if place.lang == "bi":
            lang = "fr" if rng.random() < 0.7 else "nl"
        elif place.lang == "de":
            lang = "de" if "de" in langs else "fr"
        else:
            lang = place.lang
        if "en" in langs and rng.random() < 0.2:
            lang = "en"
        return lang if lang in langs else langs[0]

    def _roles(self) -> list[str]:
        rng = self.rng
        style = self.partner.style
        if style in ("ngo", "immigration"):
            victims, suspects = 1, 0
        elif style == "prosecutor":
            victims, suspects = rng.randrange(0, 3), rng.randrange(1, 3)
        elif style == "police":
            victims, suspects = rng.randrange(1, 4), rng.randrange(1, 3)
        else:
            victims, suspects = rng.randrange(1, 4), rng.randrange(0, 2)
        roles = ["victim" if rng.random() < 0.45 else "presumed_victim" for _ in range(victims)]
        return roles + ["suspect"] * suspects

    def case(self, number: int, room: int) -> Case:
        """Case ``number`` with at most ``room`` persons (the rows still to write)."""
        rng = self.rng
        scenario = _SCENARIO_BY_KEY[_weighted(rng, _SCENARIO_WEIGHTS[self.partner.style])]
        place = rng.choice(_PLACES)
        lang = self._language(place)
        registered = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
        start = registered - timedelta(days=rng.randrange(20, 900))
        roles = self._roles()[: max(1, room)]
        victim_nat = _weighted(rng, scenario.victims)
        suspect_nat = _weighted(rng, _SUSPECT_NATIONALITY.get(scenario.key, ((victim_nat, 3), ("BE", 1))))
        persons: list[Person] = []
        for i, role in enumerate(roles, start=1):
            if role == "suspect":
                nat, female = suspect_nat, rng.random() < 0.25
            else:
                nat = victim_nat if rng.random() < 0.85 else _weighted(rng, scenario.victims)
                female = rng.random() < scenario.female
            persons.append(self.person(i, role, nat, female, registered, place))
        suspects = [p for p in persons if p.role == "suspect"]
        victims = [p for p in persons if p.role != "suspect"]
        exploiter = (
            suspects[0] if suspects else self.person(0, "suspect", suspect_nat, False, registered, place)
        )
        victim = victims[0] if victims else self.person(0, "victim", victim_nat, True, registered, place)
        kind = scenario.places[rng.randrange(len(scenario.places))]
        legal = "BV" if lang == "nl" else "GmbH" if lang == "de" else "SRL"
        owner = exploiter.last
        business = kind[4].format(W=rng.choice(_WORDS), L=owner.title(), F=legal)
        if scenario.key == "domestic":
            business = owner.upper()
        k = min(len(scenario.means), rng.randrange(1, 4))
        chosen = set(rng.sample(scenario.means, k=k))
        means = tuple(m for m in scenario.means if m in chosen)
        relation = _weighted(
            rng,
            (("intimate_partner", 4 if scenario.key == "sexual" else 0), ("friend", 3), ("family", 2),
             ("other", 3), ("unknown", 3)),
        )  # fmt: skip
        if victim_nat in _EU and rng.random() < 0.6:
            protection = "not_applicable"
        else:
            protection = _weighted(
                rng,
                (("reflection_period", 4), ("temporary_residence", 5), ("permanent_residence", 2),
                 ("refused", 1), ("withdrawn", 1), ("unknown", 1)),
            )  # fmt: skip
        judicial = _weighted(
            rng,
            (("reported", 2), ("investigation", 5), ("prosecution", 3), ("trial", 2), ("convicted", 3),
             ("acquitted", 1), ("dismissed", 2)),
        )  # fmt: skip
        street, house = _street(rng, place.lang)
        return Case(
            number=number,
            scenario=scenario,
            place=place,
            lang=lang,
            registered=registered,
            exploitation_start=start,
            business=business,
            business_street=f"{street} {house}",
            kind=(kind[0], kind[1], kind[2], kind[3]),
            persons=persons,
            exploiter=exploiter,
            victim=victim,
            means=means,
            relation=relation,
            protection=protection,
            judicial=judicial,
            hours=rng.randrange(10, 17),
            wage=rng.choice((300, 350, 400, 450, 500, 600, 700, 800, 900)),
            debt=rng.choice((150, 200, 250, 350, 3000, 8000, 15000, 20000, 25000, 35000)),
            amount=rng.choice((1800, 2500, 3500, 6000, 8000, 12000, 16000)),
            platform=rng.choice(
                ("WhatsApp", "Telegram", "Facebook", "Instagram", "WeChat", "Viber", "Snapchat")
            ),
        )

    def cases(self, rows: int) -> Iterator[tuple[Case, Person]]:
        done = number = 0
        while done < rows:
            number += 1
            case = self.case(number, rows - done)
            for person in case.persons:
                yield case, person
                done += 1


# -- narratives -----------------------------------------------------------------------------------

_PRON: Final = {"nl": ("Zij", "Hij"), "fr": ("Elle", "Il"), "en": ("She", "He"), "de": ("Sie", "Er")}
_POSS: Final = {"nl": ("Haar", "Zijn"), "fr": ("Son", "Son"), "en": ("Her", "His"), "de": ("Ihr", "Sein")}
_TITLE: Final = {
    "nl": ("mevrouw", "de heer"),
    "fr": ("Mme", "M."),
    "en": ("Ms", "Mr"),
    "de": ("Frau", "Herr"),
}
_BORN: Final = {
    "nl": ("geboren op",) * 2,
    "fr": ("née le", "né le"),
    "en": ("born",) * 2,
    "de": ("geboren am",) * 2,
}
_ID_LABEL: Final = {  # short and long label, of a national number and of a BIS number
    "nl": ("RRN", "rijksregisternummer", "BIS", "BIS-nummer"),
    "fr": ("NN", "numéro de registre national", "BIS", "numéro BIS"),
    "en": ("NRN", "national register number", "BIS", "BIS number"),
    "de": ("NRN", "Nationalregisternummer", "BIS", "BIS-Nummer"),
}
_DOC_LABEL: Final = {
    "nl": ("identiteitskaart", "paspoort"),
    "fr": ("carte d'identité", "passeport"),
    "en": ("identity card", "passport"),
    "de": ("Personalausweis", "Reisepass"),
}

# Templates per (style, language, victim|suspect). {s}: the person, police style; {sn}: Given SURNAME;
# {x}/{xn}: the other side (the exploiter in a victim's text, a victim in a suspect's); {act}: what
# happened, from the scenario.
# fmt: off
_TEMPLATES: Final[dict[tuple[str, str, str], tuple[str, ...]]] = {
    ("police", "nl", "victim"): (
        "PV {ref} – {unit}\nOp {dmy} om {time} controleren wij {kind} {biz}, {biz_addr}. De genaamde {s}, "
        "°{dob}, {nat}, legt {doc_label} nr. {doc} voor. {act} {poss} gsm-nummer is {phone}. De uitbater, "
        "{x}, is bereikbaar op {x_phone}. De wagen voor de deur, nummerplaat {x_plate}, staat op naam van "
        "{x}.",
        "PV {ref} – verhoor\nOp {dmy} verhoren wij {s}, °{dob}, {id_short} {nn}, wonende {addr}. Het "
        "verhoor gebeurt met een tolk. {act} {pron} werd gerekruteerd via {platform} door een man gekend "
        "als '{x_alias}' ({x_foreign}). Het loon werd gestort op {x_iban}. Betrokkene wordt doorverwezen "
        "naar een gespecialiseerd opvangcentrum.",
        "INFORMATIERAPPORT – {dmy} – {unit}\nSlachtoffer: {s}, °{dob}, {nat}\nGsm: {phone}, "
        "{foreign}\nVerblijfadres: {addr}\nInfo: {act} De vermoedelijke dader, {x}, gebruikt het account "
        "{x_handle} en rijdt met {x_plate}.",
        "PV {ref}\nOp {dmy} om {time} wordt {s} aangetroffen in {kind} {biz} ({biz_addr}). {pron} heeft "
        "geen documenten bij zich; {poss_l} {doc_label} ({doc}) zou bij {x} liggen. {act} Familie in het "
        "land van herkomst: {foreign}.",
    ),
    ("police", "nl", "suspect"): (
        "PV {ref} – {unit}\nOp {dmy} om {time} wordt {s}, °{dob}, {id_short} {nn}, wonende {addr}, van "
        "{poss_l} vrijheid benomen. {act} Bij de huiszoeking worden twee gsm's in beslag genomen, "
        "waaronder {phone}. Slachtoffer {x} (°{x_dob}) verklaart dat de verdachte '{alias}' genoemd wordt.",
        "INFORMATIERAPPORT – {dmy} – {unit}\nBetrokkene: {s}, °{dob}, {nat}\nAliassen: '{alias}'\nGsm's: "
        "{phone}, {foreign}\nVoertuig: {plate}\nVerblijfadres: {addr}\nInfo: {act} Rekening: {iban}.",
        "PV {ref}\nSamenvatting telefoontap {dmy}: de gebruiker van {phone}, geïdentificeerd als {s}, belt "
        "met {x_foreign}. {act} Betalingen via {iban}; contact {email_or_phone}.",
    ),
    ("police", "fr", "victim"): (
        "PV {ref} – {unit}\nLe {dmy} à {time}, contrôle de {kind} {biz}, {biz_addr}. La personne nommée "
        "{s}, {born} {dob}, {nat}, présente sa pièce d'identité ({doc_label} n° {doc}). {act} Son GSM : "
        "{phone}. L'exploitant, {x}, est joignable au {x_phone} et circule avec le véhicule {x_plate}.",
        "PV {ref} – audition\nLe {dmy}, nous entendons {s}, {born} {dob}, {id_short} {nn}, domicilié{e} "
        "{addr}. L'audition se fait avec un interprète. {act} {pron} a été recruté{e} via {platform} par "
        "un homme se faisant appeler « {x_alias} » ({x_foreign}). Les gains étaient versés sur le compte "
        "{x_iban}.",
        "RAPPORT D'INFORMATION – {dmy} – {unit}\nVictime : {s}, °{dob}, {nat}\nGSM : {phone}, "
        "{foreign}\nAdresse : {addr}\nInfo : {act} L'auteur présumé, {x}, utilise le profil {x_handle}.",
        "PV {ref}\nLe {dmy} à {time}, {s} est trouvé{e} dans {kind} {biz} ({biz_addr}). {pron} n'a aucun "
        "document ; son {doc_label} ({doc}) serait chez {x}. {act} Contact de la famille : {foreign}.",
    ),
    ("police", "fr", "suspect"): (
        "PV {ref} – perquisition\nLe {dmy} à {time}, perquisition au domicile de {s}, {born} {dob}, "
        "{id_short} {nn}, {addr}. Saisies : deux GSM dont le {phone}, un carnet de « dettes » et des reçus "
        "de transfert. {act} La victime {x} (°{x_dob}) désigne le suspect sous le surnom « {alias} ».",
        "RAPPORT D'INFORMATION – {dmy} – {unit}\nIntéressé{e} : {s}, °{dob}, {nat}\nAlias : « {alias} "
        "»\nGSM : {phone}, {foreign}\nVéhicule : {plate}\nAdresse : {addr}\nInfo : {act} Compte : {iban}.",
        "PV {ref}\nÉcoutes du {dmy} : l'utilisateur du {phone}, identifié comme {s}, appelle le "
        "{x_foreign}. {act} Paiements via {iban} ; contact {email_or_phone}.",
    ),
    ("inspection", "nl", "victim"): (
        "{unit}\nDossier {ref}\nBij controle van {kind} {biz}, {biz_addr}, op {date} werd {s} "
        "aangetroffen, {nat}, {age} jaar. {act} {pron} legt {doc_label} {doc} voor. Werkgever: {x} (gsm "
        "{x_phone}). Geen Dimona.",
        "Van: {inspector_mail}\nAan: {police_mail}\nOnderwerp: {biz} – dringend\n\nDag "
        "collega,\n\nGisteren ({dmy}) troffen we bij {biz} ({biz_addr}) {s} aan, °{dob}. {act} {pron} is "
        "bereikbaar op {phone}. De ploegbaas heet {x} en rijdt met {x_plate}. Ons dossiernummer is "
        "{ref}.\n\nGroeten",
        "Verslag controle {date} – {biz}, {biz_addr}\nVerhoord: {s}, {id_short} {nn}, {nat}. {act} Het "
        "loon wordt gestort op {x_iban}, beheerd door {x}. Huisvesting: {addr}. Dossier {ref}; kopie naar "
        "de arbeidsauditeur.",
    ),
    ("inspection", "nl", "suspect"): (
        "{unit}\nDossier {ref}\nControle {date} bij {biz}, {biz_addr}. Zaakvoerder: {s}, {id_short} {nn}, "
        "gsm {phone}. {act} Werknemer {x} verklaart {x_age} jaar te zijn en geen contract te hebben.",
        "Verslag {dmy} – {biz}\nBedrijfsleider {s} (°{dob}, {email_or_phone}) verklaart niet te weten dat "
        "de tussenpersoon geld afnam. {act} Rekening van de vennootschap: {iban}. Dossier {ref}.",
    ),
    ("inspection", "fr", "victim"): (
        "{unit}\nRéf. {ref}\nLe {date}, visite de {kind} {biz}, {biz_addr}. {title} {s}, {age} ans, {nat}, "
        "déclare : {act} {pron} présente un {doc_label} n° {doc}. Employeur apparent : {x} (GSM {x_phone}).",
        "De : {inspector_mail}\nÀ : {police_mail}\nObjet : {biz}\n\nMadame, Monsieur,\n\nLe {dmy}, {title} "
        "{s}, {born} {dob}, {id_short} {nn}, s'est présenté{e} à notre service. {act} {pron} peut être "
        "joint{e} au {phone}. Le recruteur, {x}, utilise le numéro {x_foreign}.\n\nRéf. {ref}",
        "Constat du {date} – {biz}, {biz_addr}\nTravailleur entendu : {s}, {doc_label} {doc}. {act} Les "
        "salaires transitent par le compte {x_iban} de {x}. Logement : {addr}. Transmis à l'auditorat du "
        "travail.",
    ),
    ("inspection", "fr", "suspect"): (
        "{unit}\nRéf. {ref}\nContrôle du {date} chez {biz}, {biz_addr}. Gérant{e} : {title} {s}, {id_short} "
        "{nn}, GSM {phone}. {act} Le travailleur {x}, {x_age} ans, n'a aucun contrat.",
        "Constat du {dmy} – {biz}\nL'exploitant, {s} ({born} {dob}, {email_or_phone}), affirme ne rien "
        "savoir. {act} Compte de la société : {iban}. Dossier {ref}.",
    ),
    ("immigration", "nl", "victim"): (
        "DVZ – Cel Mensenhandel\nBetreft: {s}, {nat}, geboren te {birth_city} op {dob}\nDossiernummer DVZ: "
        "{ref}\n\nBetrokkene werd op {date} aangetroffen in {kind} {biz}, {biz_addr}. {act} {poss} "
        "{doc_label} (nr. {doc}) werd ingehouden door '{x_alias}'. Contact familie: {foreign}. Advocaat: "
        "Mr. {lawyer}.",
        "DVZ – Cel Mensenhandel\nNota {dmy} – dossier {ref}\n{Title} {s}, °{dob}, {id_short} {nn}, diende "
        "een verzoek in na een politiecontrole. {act} {pron} gaf het nummer {phone} op; de dader gebruikt "
        "{platform} ({x_handle}). Betalingen aan de dader via {x_iban}.",
    ),
    ("immigration", "fr", "victim"): (
        "Office des étrangers – note au dossier {ref}\nLe {date}, {title} {s}, {nat}, {born} {dob}, a été "
        "découvert{e} dans {kind} {biz}, {biz_addr}. {act} Le passeur est appelé « {x_alias} ». Numéro "
        "relevé dans le GSM : {x_foreign}. Identifiant : {id_short} {nn}.",
        "Office des étrangers – cellule TEH\nDossier {ref}\n{Title} {s} (°{dob}, {doc_label} {doc}) a été "
        "orienté{e} vers un centre spécialisé. {act} Adresse actuelle : {addr}. Tél. {phone}. Compte de "
        "l'exploitant : {x_iban}.",
    ),
    ("immigration", "en", "victim"): (
        "Immigration Office – THB Unit\nSubject: {sn} – {nat}, DOB {dob}\nOur ref.: {ref}\n\n{title} "
        "{last} was identified on {date} as a presumed victim. {act} {pron} holds {doc_label} {doc}; "
        "identifier in Belgium: {id_short} {nn}. Phone {phone}; contact {email_or_phone}.",
        "Immigration Office (Belgium) – THB Unit\nRef.: {ref}\nOn {date} {sn}, born {dob}, was found at "
        "{kind} {biz}, {biz_addr}. {act} The recruiter, {xn}, used {platform} ({x_handle}), the account "
        "{x_iban} and the number "
        "{x_foreign}.",
    ),
    ("prosecutor", "nl", "suspect"): (
        "Parket {court_nl} – samenvatting voor de raadkamer\nNotitienummer {ref}\n\nVerdachte {s} (°{dob}, "
        "{id_short} {nn}), zaakvoerder van {biz}, wordt verdacht van {offence_nl}. {act} Het geld werd "
        "gestort op {iban}. Voertuig: {plate}. Vordering: verwijzing naar de correctionele rechtbank.",
        "Parket {court_nl} – nota\nNotitie {ref}\nUit de gsm van verdachte {s} (°{dob}) blijkt een "
        "{platform}-conversatie met {x_foreign}, opgeslagen als \"{x_alias}\". {act} Verdachte woont "
        "{addr}.",
        "Correctionele rechtbank {court_nl} – samenvatting vonnis van {dmy}\nNotitienummer "
        "{ref}\nBeklaagde: {s} (°{dob}, {id_short} {nn}). Slachtoffer: {x}. {act} Beslissing: {offence_nl} "
        "bewezen.",
    ),
    ("prosecutor", "nl", "victim"): (
        "Parket {court_nl}\nNotitienummer {ref}\nSlachtoffer {s}, °{dob}, {nat}, verklaarde op {date}: "
        "{act} {pron} is bereikbaar via {phone} en woont {addr}. Beklaagde: {x}.",
    ),
    ("prosecutor", "fr", "suspect"): (
        "Parquet de {court_fr} – synthèse\nNotice {ref}\nPrévenu{e} : {s}, {born} {dob}, {id_short} {nn}, "
        "dit{e} « {alias} ». Faits : {offence_fr} à {biz}, {biz_addr}. {act} Compte : {iban}. Véhicule : "
        "{plate}. Audience fixée au {date}.",
        "Parquet de {court_fr} – réquisitoire (extraits)\nDossier {ref}\nLe ministère public requiert la "
        "condamnation de {s}, {born} {dob}, domicilié{e} {addr}, pour {offence_fr}. {act} Recrutement via "
        "{platform} (identifiant {handle}).",
    ),
    ("prosecutor", "fr", "victim"): (
        "Tribunal de première instance de {court_fr} – extrait\nNotice {ref}\nLa victime, {s}, {born} "
        "{dob}, {nat}, a été privée de son {doc_label} {doc}. {act} Joignable au {phone}. Prévenu : {x}.",
    ),
    ("prosecutor", "de", "suspect"): (
        "Staatsanwaltschaft Eupen – Vermerk\nAktenzeichen {ref}\nAm {date} wurde {sn}, geboren am {dob}, "
        "{id_long} {nn}, wohnhaft {addr}, vernommen. {act} {pron} bestreitet die Vorwürfe. Telefon: "
        "{phone}. Fahrzeug: {plate}.",
    ),
    ("prosecutor", "de", "victim"): (
        "Staatsanwaltschaft Eupen – Vermerk\nAktenzeichen {ref}\n{Title} {sn}, {nat} Staatsangehörigkeit, "
        "geboren am {dob}, wurde am {date} als Opfer angehört. {act} Erreichbar unter {phone}. "
        "Beschuldigt: {xn}.",
    ),
    ("ngo", "nl", "victim"): (
        "INTAKE {dmy} – opvangcentrum\nNaam: {s}\n°: {dob}, {nat}\nPas: {doc} (bij werkgever)\nTel: "
        "{phone}\nSituatie: {act} Gevlucht met hulp van een kennis, {x} ({x_phone}).\nAfspraken: medisch "
        "onderzoek, contact politie, bijlage 15 aanvragen.",
        "Dossiernota begeleiding – {dmy}\nCliënt{e}: {sn}, {nat}, {age} jaar, tel. {phone}.\n{sf} werd "
        "benaderd via {platform} ({x_handle}). {act} Verblijft nu {addr}. Afspraken: klacht bij de FGP.",
        "Van: {worker_mail}\nAan: {lawyer_mail}\nOnderwerp: verklaring van onze cliënt{e}\n\nBeste "
        "meester,\n\n{sn} ({id_short} {nn}) bevestigt de afspraak op {date}. {act} Bereikbaar op "
        "{phone}.\n\nMet vriendelijke groeten",
    ),
    ("ngo", "fr", "victim"): (
        "Note d'accueil – centre spécialisé\nLe {date}, {title} {sn}, {born} {dob}, se présente avec son "
        "avocat. {pron} a été recruté{e} via {platform} par « {x_alias} », joignable au {x_foreign}. {act} "
        "Référence : {ref}.",
        "Note d'accueil – {date}\nBénéficiaire : {s}, {nat}, {age} ans, {doc_label} {doc}.\nRécit : {act} "
        "Contact : {foreign}.\nDémarches : période de réflexion, ouverture d'un compte bancaire.",
        "De : {worker_mail}\nÀ : {police_mail}\nObjet : audition de {sf}\n\nBonjour,\nNotre résident{e} "
        "{sn} ({id_short} {nn}) confirme sa venue le {date}. {act}\nCordialement",
    ),
    ("ngo", "en", "victim"): (
        "Intake note – specialised reception centre\nDate of intake: {date}\nClient: {sn}, {nat}, DOB "
        "{dob}, {id_short} {nn}\n\n{act} The exploiter's {platform}: {x_foreign}. Earnings were deposited "
        "on {x_iban}.\nNext steps: reflection period, medical check.",
        "From: {worker_mail}\nTo: {lawyer_mail}\nSubject: statement of our client\n\nAs discussed, our "
        "client {sn} (DOB {dob}) told us: {act} The manager, {xn}, threatened to report {obj} to the "
        "police. {sf} now lives at {addr}; phone {phone}.",
    ),
}
_COURTS: Final[dict[str, tuple[str, str]]] = {
    "AN": ("Antwerpen", "Anvers"), "ME": ("Antwerpen, afdeling Mechelen", "Anvers, division Malines"),
    "TU": ("Antwerpen, afdeling Turnhout", "Anvers, division Turnhout"),
    "GE": ("Oost-Vlaanderen, afdeling Gent", "Flandre orientale, division Gand"),
    "DE": ("Oost-Vlaanderen, afdeling Dendermonde", "Flandre orientale, division Termonde"),
    "BG": ("West-Vlaanderen, afdeling Brugge", "Flandre occidentale, division Bruges"),
    "IE": ("West-Vlaanderen, afdeling Ieper", "Flandre occidentale, division Ypres"),
    "KO": ("West-Vlaanderen, afdeling Kortrijk", "Flandre occidentale, division Courtrai"),
    "HA": ("Limburg", "Limbourg"), "LE": ("Leuven", "Louvain"), "HV": ("Halle-Vilvoorde", "Hal-Vilvorde"),
    "BR": ("Brussel", "Bruxelles"), "LI": ("Luik", "Liège"), "VE": ("Luik, afdeling Verviers",
                                                                    "Liège, division Verviers"),
    "CH": ("Charleroi", "Charleroi"), "MO": ("Bergen", "Mons"), "TO": ("Doornik", "Tournai"),
    "NA": ("Namen", "Namur"), "NI": ("Waals-Brabant", "Brabant wallon"), "AR": ("Luxemburg", "Luxembourg"),
    "EU": ("Eupen", "Eupen"),
}
# fmt: on
_STYLE_TEMPLATES: Final = {"labour": "inspection", "social": "inspection"}


def _unit(case: Case, style: str) -> str:
    place, lang = case.place, case.lang
    if style == "labour":
        return ("Contrôle des lois sociales – " if lang == "fr" else "Toezicht op de Sociale Wetten – ") + (
            place.municipality
        )
    if style == "social":
        prefix = "ONSS – Inspection sociale, cellule ECOSOC " if lang == "fr" else "RSZ – Sociale Inspectie, "
        return prefix + ("" if lang == "fr" else "ECOSOC-team ") + place.municipality
    return place.unit_fr if lang == "fr" else place.unit_nl


def narrative(case: Case, person: Person, style: str, rng: random.Random) -> str:
    """The free text of one row, in the case's language, naming the person and others of the case."""
    lang = case.lang
    kind = "suspect" if person.role == "suspect" else "victim"
    key = _STYLE_TEMPLATES.get(style, style)
    options = _TEMPLATES.get((key, lang, kind)) or _TEMPLATES[(key, lang, "victim")]
    template = options[rng.randrange(len(options))]
    other = case.victim if kind == "suspect" else case.exploiter
    li = _LANGS.index(lang)
    sex = 0 if person.female else 1
    origin = _ORIGINS[person.nat]
    nat = (origin.nl, origin.fr_f if person.female else origin.fr_m, origin.en, origin.de)[li]
    doc_label = _DOC_LABEL[lang][0 if person.nat == "BE" else 1]
    if person.national_number:
        labels = _ID_LABEL[lang][2:] if person.bis else _ID_LABEL[lang][:2]
        nn = format_belgian_number(rng, person.national_number)
    else:  # no Belgian number: the texts give the passport or identity card instead
        labels, nn = (doc_label, doc_label), person.document
    sep = {"nl": "u", "fr": "h"}.get(lang, ":")
    thousands = "," if lang == "en" else "."
    values = {
        "ref": case_reference(case, style),
        "unit": _unit(case, style),
        "date": long_date(case.registered, lang),
        "dmy": case.registered.strftime("%d/%m/%Y"),
        "time": f"{rng.randrange(5, 23):02d}{sep}{rng.choice((0, 5, 10, 15, 30, 40, 45)):02d}",
        "kind": case.kind[li],
        "biz": case.business,
        "biz_addr": case.business_address,
        "s": person.police,
        "sn": person.full,
        "sf": person.first,
        "last": person.last.upper(),
        "title": _TITLE[lang][sex],
        "Title": _TITLE[lang][sex][0].upper() + _TITLE[lang][sex][1:],
        "e": "e" if person.female else "",  # French and Dutch feminine endings
        "pron": _PRON[lang][sex],
        "poss": _POSS[lang][sex],
        "poss_l": _POSS[lang][sex].lower(),
        "born": _BORN[lang][sex],
        "obj": {"nl": ("haar", "hem"), "fr": ("la", "le"), "en": ("her", "him"), "de": ("sie", "ihn")}[lang][
            sex
        ],
        "dob": person.birth.strftime("%d.%m.%Y" if lang == "de" else "%d/%m/%Y"),
        "age": str(person.age),
        "nat": nat,
        "id_short": labels[0],
        "id_long": labels[1],
        "nn": nn,
        "doc": person.document,
        "doc_label": doc_label,
        "phone": person.phone,
        "foreign": person.foreign_phone,
        "email_or_phone": person.email or person.foreign_phone,
        "addr": person.address,
        "alias": person.aliases[0] if person.aliases else person.first.split()[0],
        "iban": person.iban,
        "plate": person.plate,
        "handle": person.handle,
        "birth_city": rng.choice(_BIRTH_PLACES.get(person.nat, ("Kaboel", "Asmara", "Damascus"))),
        "x": other.police,
        "xn": other.full,
        "x_dob": other.birth.strftime("%d/%m/%Y"),
        "x_age": str(other.age),
        "x_phone": other.phone,
        "x_foreign": other.foreign_phone,
        "x_alias": other.aliases[0] if other.aliases else other.first.split()[0],
        "x_plate": other.plate,
        "x_iban": other.iban,
        "x_handle": other.handle,
        "platform": case.platform,
        "court_nl": _COURTS[case.place.arrondissement][0],
        "court_fr": _COURTS[case.place.arrondissement][1],
        "offence_nl": "mensensmokkel" if case.scenario.offence == "smuggling" else "mensenhandel",
        "offence_fr": "trafic d'êtres humains"
        if case.scenario.offence == "smuggling"
        else "traite des êtres humains",
        "lawyer": rng.choice(("Hermans", "Van Rompaey", "Dubois", "Claes", "Peeters", "Lambert")),
        "inspector_mail": rng.choice(("kristof.willems", "helene.bastin", "an.peeters", "marc.dupont"))
        + "@werk.belgie.be",
        "police_mail": rng.choice(("stijn.vermeulen", "tom.goethals", "v.lambotte")) + "@police.belgium.eu",
        "worker_mail": rng.choice(("lotte.goossens", "claire.devos", "marie.gilson")) + "@opvang-vzw.be",
        "lawyer_mail": rng.choice(("verstraete.advocaat", "kvanrompaey", "l.dubois")) + "@telenet.be",
        "hours": str(case.hours),
        "wage": str(case.wage),
        "debt": f"{case.debt:,}".replace(",", thousands),
        "amount": f"{case.amount:,}".replace(",", thousands),
    }
    acts = case.scenario.suspect_acts if kind == "suspect" else case.scenario.acts
    values["act"] = acts[li].format_map(values)
    return template.format_map(values)


def case_reference(case: Case, style: str) -> str:
    """The case's reference in the partner's numbering (PV or notice number, inspection file...)."""
    year = case.registered.year
    n = (case.number * 7919) % 100000 + 100
    arr = case.place.arrondissement
    letter = "LF"[case.number % 2]
    if style == "police":
        return f"{arr}.{(55, 41, 12, 18)[case.number % 4]}.{letter}{case.number % 5 + 1}.{n:06d}/{year}"
    if style == "prosecutor":
        return f"{arr}.{(37, 43, 20)[case.number % 3]}.{letter}{case.number % 4 + 1}.{n:06d}/{year}"
    town = fold(case.place.municipality[:3]).upper()
    if style == "labour":
        return (
            f"CLS/{town}/{year}/{n % 10000:04d}"
            if case.lang == "fr"
            else f"TSW-{town}-{year}-{n % 10000:04d}"
        )
    if style == "social":
        return (
            f"ECOSOC/{arr}/{year % 100}-{n % 10000:04d}" if case.lang == "fr" else f"SI/{arr}/{year}/{n:05d}"
        )
    if style == "immigration":
        return f"9.{n // 1000 % 1000:03d}.{n % 1000:03d}"
    return f"{n:08d}"


# -- rows, per partner ----------------------------------------------------------------------------

# fmt: off
_FORMS: Final[dict[str, tuple[str, str]]] = {
    "sexual": ("Seksuele uitbuiting", "Exploitation sexuelle"),
    "labour": ("Economische uitbuiting", "Exploitation économique"),
    "domestic_servitude": ("Huishoudelijke dienstbaarheid", "Servitude domestique"),
    "forced_begging": ("Gedwongen bedelarij", "Mendicité forcée"),
    "forced_criminality": ("Dwang tot misdrijven", "Contrainte à commettre des délits"),
}
_OFFENCES: Final[dict[str, tuple[str, str]]] = {
    "trafficking": ("Mensenhandel", "Traite des êtres humains"),
    "smuggling": ("Mensensmokkel", "Trafic d'êtres humains"),
}
_ROLES: Final[dict[str, tuple[str, str]]] = {
    "victim": ("Slachtoffer", "Victime"), "presumed_victim": ("Vermoedelijk slachtoffer", "Victime présumée"),
    "suspect": ("Verdachte", "Suspect"),
}
_LABOUR_SECTORS: Final[dict[str, tuple[str, str]]] = {
    "construction": ("Bouw", "Construction"), "hospitality": ("Horeca", "Horeca"),
    "agriculture": ("Land- en tuinbouw", "Agriculture"), "car_wash": ("Carwash", "Car-wash"),
    "cleaning": ("Schoonmaak", "Nettoyage"), "meat_processing": ("Vleessector", "Secteur de la viande"),
    "transport_logistics": ("Transport", "Transport"), "domestic_work": ("Huishoudhulp",
                                                                         "Travail domestique"),
    "retail": ("Nachtwinkel", "Night shop"), "beauty": ("Nagelstudio", "Bar à ongles"),
    "not_applicable": ("", ""),
}
_LABOUR_MEANS: Final[dict[str, tuple[str, str]]] = {
    "debt_bondage": ("Schuld", "Dette"), "threats": ("Bedreigingen", "Menaces"),
    "abuse": ("Geweld", "Violences"), "false_promises": ("Valse beloften", "Fausses promesses"),
    "drugs_alcohol": ("Drugs", "Drogues"), "denial_of_basic_needs": ("Mensonwaardige huisvesting",
                                                                     "Logement indigne"),
    "excessive_working_hours": ("Buitensporige werkuren", "Horaires excessifs"),
    "withheld_documents": ("Paspoort afgenomen", "Passeport confisqué"),
}
_NACE: Final[dict[str, tuple[str, ...]]] = {
    "construction": ("41.201", "43.320", "43.999"), "hospitality": ("56.101", "56.102"),
    "agriculture": ("01.130", "01.240"), "car_wash": ("45.203",), "cleaning": ("81.210",),
    "meat_processing": ("10.110", "10.120"), "transport_logistics": ("49.410",), "retail": ("47.110",),
    "beauty": ("96.022",), "domestic_work": ("97.000",), "not_applicable": ("",),
}
_SOCIAL_MEANS: Final[dict[str, str]] = {
    "debt_bondage": "SCH", "threats": "BED", "abuse": "GEW", "false_promises": "BEL", "drugs_alcohol": "DRU",
    "denial_of_basic_needs": "HUI", "excessive_working_hours": "UUR", "withheld_documents": "PAS",
}
_PROTECTION: Final[dict[str, tuple[str, str, str]]] = {
    "reflection_period": ("reflectieperiode", "période de réflexion", "reflection period"),
    "temporary_residence": ("AI", "AI", "AI"),
    "permanent_residence": ("onbeperkt verblijf", "séjour illimité", "permanent residence"),
    "refused": ("geweigerd", "refusé", "refused"),
    "withdrawn": ("stopgezet", "arrêté", "ended"),
    "not_applicable": ("", "", ""),
    "unknown": ("?", "?", "?"),
}
_JUDICIAL: Final[dict[str, tuple[str, str, str]]] = {
    "reported": ("opsporingsonderzoek", "information", "Ermittlungsverfahren"),
    "investigation": ("gerechtelijk onderzoek", "instruction", "Voruntersuchung"),
    "prosecution": ("dagvaarding", "citation", "Ladung"),
    "trial": ("zitting", "audience", "Hauptverhandlung"),
    "convicted": ("veroordeling", "condamnation", "Verurteilung"),
    "acquitted": ("vrijspraak", "acquittement", "Freispruch"),
    "dismissed": ("seponering", "classement sans suite", "Einstellung"),
}
_HTCDS_FORMS: Final[dict[str, str]] = {
    "sexual": "SexualExploitation", "labour": "ForcedLabour", "domestic_servitude": "Servitude",
    "forced_begging": "ForcedBegging", "forced_criminality": "Other",
}
_HTCDS_MEANS: Final[dict[str, str]] = {
    "debt_bondage": "DebtBondage", "threats": "PhysicalThreats", "abuse": "PsychologicalAbuse",
    "false_promises": "FalsePromises", "drugs_alcohol": "PsychoactiveSubstance",
    "denial_of_basic_needs": "WithholdsNecessities", "excessive_working_hours": "ExcessiveWorkingHours",
    "withheld_documents": "WithholdsDocuments",
}
_HTCDS_INDUSTRY: Final[dict[str, str]] = {
    "construction": "F_Construction", "hospitality": "I_AccommodationAndFoodServiceActivities",
    "agriculture": "A_AgricultureForestryAndFishing",
    "car_wash": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    "cleaning": "N_AdministrativeAndSupportServiceActivities", "meat_processing": "C_Manufacturing",
    "transport_logistics": "H_TransportationAndStorage",
    "domestic_work": "T_ActivitiesOfHouseholdsAsEmployers",
    "beauty": "S_OtherServiceActivities", "retail": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    "not_applicable": "",
}
_HTCDS_RELATION: Final[dict[str, str]] = {
    "intimate_partner": "Acquainted", "friend": "Acquainted", "family": "Familial", "other": "Unaquainted",
    "unknown": "",
}
_HTCDS_PROTECTION: Final[dict[str, str]] = {
    "reflection_period": "Reflection period", "temporary_residence": "Temporary residence",
    "permanent_residence": "Permanent residence", "refused": "Refused", "withdrawn": "Withdrawn or ended",
    "not_applicable": "Not applicable", "unknown": "",
}
_HTCDS_LABELS: Final[dict[str, str]] = {
    "prs_Id": "Person ID", "cas_CaseNumber": "Case Number",
    "cas_IncomingReferralDate": "Incoming Referral Date",
    "cas_ReferringOrganisation": "Referring Organisation", "cas_Status": "Status",
    "prs_FirstName": "First Name", "prs_SecondName": "Second Name", "prs_Birthdate": "Birthdate",
    "prs_Gender": "Gender", "prs_Citizenship": "Citizenship", "prs_IdentityNumber": "Identity Number",
    "prs_Email": "Email", "prs_MobilePhone": "Mobile Phone", "prs_MailingStreet": "Mailing Street",
    "prs_MailingPostalCode": "Mailing Zip/Postal Code", "prs_MailingCity": "Mailing City",
    "prs_MailingCountry": "Mailing Country", "prs_PrimaryLanguage": "Primary Language",
    "vic_TraffickingStatus": "Trafficking Status",
    "vic_TraffickingStatusDecisionMakingOrg": "Trafficking Status Decision Making Organization",
    "vic_RelationshipToTrafficker": "Relationship to Trafficker",
    "vic_AgeWhenTrafficked": "Age when Trafficked", "vic_MethodOfRecruitment": "Method of Recruitment",
    "vic_MethodsOfControl": "Methods of Control", "vic_TypeOfExploitation": "Type of Exploitation",
    "vic_ForcedLabourIndustry": "Forced Labour Industry", "hte_PostalCode": "Postal Code (trafficking event)",
    "hte_City": "City (trafficking event)", "hte_Country": "Country (trafficking event)",
    "hte_Date": "Date (trafficking event)",
    "cas_ProtectionStage__c": "Protection Stage (Belgian custom field)",
    "cas_CommentLanguage__c": "Comment Language (custom field)", "cco_CaseComment": "Case Comment",
    "con_Consent": "Consent",
}
# fmt: on


class _Rows:
    """Builds a partner's record (a flat or, for XML and JSON, nested dict) for a person of a case."""

    def __init__(self, rng: random.Random, codelists: CodeLists) -> None:
        self.rng = rng
        self.nationality = codelists["nationality"]

    def country(self, iso: str, lang: str) -> str:
        code = self.nationality.get(iso)
        return code.label(lang) if code is not None else iso

    def iso3(self, iso: str) -> str:
        code = self.nationality.get(iso)
        return code.mappings["iso3"][0] if code is not None and "iso3" in code.mappings else iso

    def police(self, case: Case, p: Person, text: str) -> dict[str, object]:
        rng = self.rng
        fr = int(case.lang == "fr")
        return {
            "PersoonID": f"P{case.number:06d}-{p.number:02d}",
            "PV": {
                "Nummer": case_reference(case, "police"),
                "Datum": case.registered.isoformat(),
                "Eenheid": _unit(case, "police"),
                "Taal": "FR" if fr else "NL",
                "Kwalificatie": _OFFENCES[case.scenario.offence][fr],
                "Uitbuitingsvorm": [_FORMS[f][fr] for f in case.scenario.forms],
                "PlaatsFeiten": {"Postcode": case.place.postcode, "Gemeente": case.place.municipality,
                                 "Land": "BEL"},
                "Inrichting": case.business,
            },
            "Persoon": {
                "Hoedanigheid": _ROLES[p.role][fr],
                "Naam": p.last.upper(),
                "Voornaam": p.first,
                "Alias": list(p.aliases),
                "Geslacht": ("F" if fr else "V") if p.female else "M",
                "Geboortedatum": p.birth.isoformat() if p.has_birth_date else "",
                "Geboorteplaats": rng.choice(_BIRTH_PLACES.get(p.nat, ("",))) if p.nat != "BE" else "",
                "Nationaliteit": self.iso3(p.nat),
                "Rijksregisternummer": p.national_number,
                "Paspoort": p.document if p.nat != "BE" and rng.random() < 0.6 else "",
                "GSM": p.phone,
                "Email": p.email,
                "Adres": {"Straat": p.street, "Huisnummer": p.house_number, "Postcode": p.postcode,
                          "Gemeente": p.municipality},
                "Voertuig": p.plate if p.role == "suspect" else "",
                "Rekeningnummer": p.iban if rng.random() < 0.4 else "",
            },
            "Relaas": text,
            "Verbalisant": f"INP {rng.choice(('DE SMET', 'PEETERS', 'DUBOIS', 'MAES', 'JACOBS'))} "
            f"{rng.randrange(1000, 9999)}",
        }  # fmt: skip

    def labour(self, case: Case, p: Person, text: str) -> dict[str, object]:
        rng = self.rng
        fr = int(case.lang == "fr")
        ref = case_reference(case, "labour")
        role = _ROLES[p.role][fr]
        if p.role == "suspect":
            role = rng.choice((role, ("Werkgever", "Employeur")[fr], ("Tussenpersoon", "Intermédiaire")[fr]))
        victim = p.role != "suspect"
        return {
            "DossierPersoonID": f"{ref}-{p.number:02d}",
            "Dossiernr/N° dossier": ref,
            "Datum controle/Date contrôle": case.registered.strftime("%d/%m/%Y"),
            "Rol/Rôle": role,
            "Kwalificatie/Qualification": _OFFENCES[case.scenario.offence][fr],
            "Naam/Nom": p.last.upper(),
            "Voornaam/Prénom": p.first,
            "Geboortedatum/Date de naissance": p.birth.strftime("%d/%m/%Y") if p.has_birth_date else "",
            "Leeftijd/Âge": str(p.age) if p.shows_age or not p.has_birth_date else "",
            "INSZ/NISS": p.national_number,
            "Paspoort/Passeport": p.document if p.nat != "BE" else "",
            "Nationaliteit/Nationalité": self.country(p.nat, case.lang),
            "Geslacht/Sexe": ("V", "F")[fr] if p.female else "M",
            "GSM": p.phone,
            "E-mail": p.email,
            "Adres/Adresse": p.address,
            "Werkgever/Employeur": case.business,
            "KBO/BCE": f"0{rng.randrange(200, 999)}.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}",
            "Straat werkplaats/Rue lieu de travail": case.business_street,
            "Postcode werkplaats/Code postal lieu de travail": case.place.postcode,
            "Gemeente werkplaats/Commune lieu de travail": case.place.municipality,
            "Sector/Secteur": _LABOUR_SECTORS[case.scenario.sector][fr],
            "Uitbuitingsvorm/Forme d'exploitation": "|".join(_FORMS[f][fr] for f in case.scenario.forms),
            "Indicatoren/Indices": "|".join(_LABOUR_MEANS[m][fr] for m in case.means) if victim else "",
            "Begin tewerkstelling/Début occupation": case.exploitation_start.strftime("%d/%m/%Y"),
            "Taal/Langue": ("N", "F")[fr],
            "Vaststellingen/Constatations": text,
            "Inspecteur": rng.choice(("K. WILLEMS", "H. BASTIN", "A. PEETERS", "M. DUPONT", "S. JANSSENS")),
            "Rekeningnummer/N° de compte": p.iban if rng.random() < 0.5 else "",
            "Opmerking intern/Remarque interne": rng.choice(("", "", "Opvolgen met auditeur", "Tolk nodig",
                                                             "Revoir dans 2 mois")),
        }  # fmt: skip

    def social(self, case: Case, p: Person, text: str) -> dict[str, object]:
        rng = self.rng
        role = {"victim": "SLO", "presumed_victim": "VSLO", "suspect": rng.choice(("WG", "TP", "VERD"))}[
            p.role
        ]
        if p.role == "suspect":
            stage = rng.choice(("PV", "PV", "AUD", "AUD", "SEP"))
        else:
            stage = rng.choice(("PV", "AUD", ""))
        return {
            "Dossier": case_reference(case, "social"),
            "Persoon": f"SI{case.number:05d}{p.number:02d}",
            "Datum vaststelling": case.registered,
            "Hoedanigheid": role,
            "Inbreuk": "MS" if case.scenario.offence == "smuggling" else "MH",
            "Naam": p.last.upper(),
            "Voornaam": p.first,
            "Geboortedatum": p.birth if p.has_birth_date else None,
            "INSZ": p.national_number,
            "Nationaliteit": p.nat,
            "Geslacht": "F" if p.female else "M",
            "Telefoon": p.phone,
            "E-mail": p.email,
            "Woonplaats": p.address,
            "Werkgever": case.business,
            "KBO-nummer": f"0{rng.randrange(200, 999)}{rng.randrange(1000):03d}{rng.randrange(1000):03d}",
            "Postcode werkplaats": int(case.place.postcode),
            "Gemeente werkplaats": case.place.municipality,
            "NACE": rng.choice(_NACE[case.scenario.sector]),
            "Dwangmiddelen": ",".join(_SOCIAL_MEANS[m] for m in case.means) if p.role != "suspect" else "",
            "Stand dossier": stage,
            "Begin tewerkstelling": case.exploitation_start,
            "Taal": "F" if case.lang == "fr" else "N",
            "Vaststellingen": text,
            "Uurloon (EUR)": round(case.wage / (case.hours * 26), 2),
            "Aantal werknemers": rng.randrange(2, 40),
            "Inspecteur": rng.choice(("Van Damme Griet", "Lemaire Pierre", "Claes Annelies", "Renard Luc")),
        }

    def immigration(self, case: Case, p: Person, text: str) -> dict[str, object]:
        rng = self.rng
        li = ("nl", "fr", "en").index(case.lang)
        status = {
            "victim": ("slachtoffer", "victime", "victim"),
            "presumed_victim": ("vermoedelijk slachtoffer", "victime présumée", "presumed victim"),
        }[p.role if p.role != "suspect" else "victim"][li]
        stage = _PROTECTION[case.protection][li]
        if case.protection == "temporary_residence":
            stage = rng.choice(("AI", "BIVR-A", "A-kaart"))
        forms = [{"sexual": "sexual exploitation", "labour": "labour exploitation",
                  "domestic_servitude": "domestic servitude", "forced_begging": "begging",
                  "forced_criminality": "forced criminality"}[f] for f in case.scenario.forms]  # fmt: skip
        record: dict[str, object] = {
            "dossier_oe": case_reference(case, "immigration"),
            "pv_reference": case_reference(case, "police") if rng.random() < 0.7 else None,
            "date_signalement": case.registered.isoformat(),
            "statut": status,
            "type": "smuggling" if case.scenario.offence == "smuggling" else rng.choice(("THB", "TEH", "MH")),
            "nom": p.last.upper(),
            "voornaam": p.first,
            "geboortedatum": p.birth.strftime("%d/%m/%Y") if p.has_birth_date else None,
            "lieu_de_naissance": rng.choice(_BIRTH_PLACES.get(p.nat, ("",))) or None,
            "sex": "F" if p.female else "M",
            "nationality": self.country(p.nat, "en"),
            "bis_number": p.national_number or None,
            "passport_no": p.document if p.nat != "BE" else None,
            "phone": p.phone,
            "email": p.email or None,
            "adresse": p.address,
            "exploitation": {
                k: v
                for k, v in (
                    ("vormen", forms),
                    ("gemeente", case.place.municipality),
                    ("postcode", case.place.postcode),
                )
                if v
            },
            "procedure": stage or None,
            "language": case.lang,
            "note": text,
            "agent": rng.choice(("dvz-thb-03", "dvz-thb-07", "oe-teh-02")),
        }
        # The Immigration Office system leaves the keys of empty values out.
        return {k: v for k, v in record.items() if v not in (None, "", {})}

    def prosecutor(self, case: Case, p: Person, text: str) -> dict[str, object]:
        rng = self.rng
        lang = case.lang
        li = ("nl", "fr", "de").index(lang)
        if p.role == "suspect":
            role = rng.choice((("verdachte", "inverdenkinggestelde", "beklaagde"), ("prévenu", "inculpé",
                                                                                    "suspect"),
                               ("Beschuldigter", "Angeklagter"))[li])  # fmt: skip
        else:
            role = {"victim": ("slachtoffer", "victime", "Opfer"),
                    "presumed_victim": ("benadeelde", "partie lésée",
                                        "Geschädigter")}[p.role][li]  # fmt: skip
        forms = ";".join({"sexual": "SEX", "labour": "ECO", "domestic_servitude": "DOM",
                          "forced_begging": "BED",
                          "forced_criminality": "MIS"}[f] for f in case.scenario.forms)  # fmt: skip
        return {
            "notitienummer": case_reference(case, "prosecutor"),
            "persoon_id": f"{case.number * 31 + p.number:07d}",
            "hoedanigheid": role,
            "tenlastelegging": "art. 77bis Vw."
            if case.scenario.offence == "smuggling"
            else "art. 433quinquies Sw.",
            "datum_registratie": case.registered.isoformat(),
            "naam": p.last.upper(),
            "voornaam": p.first,
            "geboortedatum": p.birth.isoformat() if p.has_birth_date else "",
            "rijksregisternummer": p.national_number,
            "nationaliteit": p.nat,
            "geslacht": (("V", "F", "W")[li] if p.female else "M"),
            "adres": p.address,
            "email": p.email,
            "vorm_uitbuiting": forms,
            "stand_procedure": _JUDICIAL[case.judicial][li],
            "magistraat": rng.choice(("Mr. J. Claes", "Mme V. Lambotte", "Mr. P. Hermans", "Frau A. Kremer")),
            "taal": ("N", "F", "D")[li],
            "samenvatting": text,
            "voertuig": p.plate if p.role == "suspect" else "",
            "rekening": p.iban if p.role == "suspect" else "",
        }

    def ngo(self, case: Case, p: Person, text: str) -> dict[str, object]:
        rng = self.rng
        control = [_HTCDS_MEANS[m] for m in case.means]
        if "debt_bondage" in case.means and rng.random() < 0.5:
            control.append("TakesEarnings")
        referrer = case.place.unit_fr if case.lang == "fr" else case.place.unit_nl
        recruitment = ("ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents",
                       "ThroughFamilyOrFamilyEvents",
                       "AtWork", "Other")  # fmt: skip
        return {
            "prs_Id": f"003{rng.randrange(16**12):012X}",
            "cas_CaseNumber": case_reference(case, "ngo"),
            "cas_IncomingReferralDate": case.registered,
            "cas_ReferringOrganisation": referrer,
            "cas_Status": rng.choice(("Active", "Active", "FollowUp", "Closed", "ClosedReferred")),
            "prs_FirstName": p.first,
            "prs_SecondName": p.last,
            "prs_Birthdate": p.birth if p.has_birth_date else None,
            "prs_Gender": "Feminine" if p.female else "Masculine",
            "prs_Citizenship": p.nat,
            "prs_IdentityNumber": p.national_number,
            "prs_Email": p.email,
            "prs_MobilePhone": p.phone,
            "prs_MailingStreet": p.street_line,
            "prs_MailingPostalCode": p.postcode,
            "prs_MailingCity": p.municipality,
            "prs_MailingCountry": "BE",
            "prs_PrimaryLanguage": rng.choice(("ron", "bul", "eng", "fra", "ara", "vie", "por", "tha")),
            "vic_TraffickingStatus": "ActualVictimOfTrafficking"
            if p.role == "victim"
            else "PossibleVictimOfTrafficking",
            "vic_TraffickingStatusDecisionMakingOrg": rng.choice(("Police", "CourtOrProsecution", "NGO")),
            "vic_RelationshipToTrafficker": _HTCDS_RELATION[case.relation],
            "vic_AgeWhenTrafficked": max(0, p.age - (case.registered.year - case.exploitation_start.year)),
            "vic_MethodOfRecruitment": rng.choice(recruitment),
            "vic_MethodsOfControl": ";".join(control),
            "vic_TypeOfExploitation": ";".join(_HTCDS_FORMS[f] for f in case.scenario.forms) or "Other",
            "vic_ForcedLabourIndustry": _HTCDS_INDUSTRY[case.scenario.sector],
            "hte_PostalCode": case.place.postcode,
            "hte_City": case.place.municipality,
            "hte_Country": "BE",
            "hte_Date": case.exploitation_start,
            "cas_ProtectionStage__c": _HTCDS_PROTECTION[case.protection],
            "cas_CommentLanguage__c": case.lang,
            "cco_CaseComment": text,
            "con_Consent": True,
        }


# -- writers --------------------------------------------------------------------------------------


def cp1252_text(text: str) -> str:
    """What a cp1252 export keeps of a text: a character outside cp1252 loses its accent (or is ``?``)."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = fold(ch)
            out.append(base if base and base.isascii() else "?")
    return "".join(out)


def _write_csv(path: Path, records: Iterator[dict[str, object]], *, delimiter: str, encoding: str) -> None:
    buffer = io.StringIO(newline="")
    writer: csv.DictWriter[str] | None = None
    for record in records:
        if writer is None:
            writer = csv.DictWriter(
                buffer, fieldnames=list(record), delimiter=delimiter, lineterminator="\r\n"
            )
            writer.writeheader()
        if encoding == "cp1252":
            record = {k: cp1252_text(str(v)) for k, v in record.items()}
        writer.writerow(record)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _xml(tag: str, value: object, indent: str, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"{indent}<{tag}>\n")
        for key, item in value.items():
            _xml(key, item, indent + "  ", out)
        out.append(f"{indent}</{tag}>\n")
    elif isinstance(value, list):  # a repeated element; none at all when the list is empty
        for item in value:
            _xml(tag, item, indent, out)
    elif value is None or value == "":
        out.append(f"{indent}<{tag}/>\n")
    else:
        out.append(f"{indent}<{tag}>{escape(str(value))}</{tag}>\n")


def _write_xml(path: Path, records: Iterator[dict[str, object]]) -> None:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        "<!-- Synthetic demo export (connectors.demo_data): every name, number and address is "
        "invented. -->\n",
        f'<ExportMensenhandel bron="ISLP" versie="2.3" aangemaakt="{EXPORTED_AT.isoformat()}">\n',
    ]
    for record in records:
        _xml("Betrokkene", record, "  ", out)
    out.append("</ExportMensenhandel>\n")
    path.write_text("".join(out), encoding="utf-8")


def _write_json(path: Path, records: Iterator[dict[str, object]]) -> None:
    document = {
        "export": {
            "system": "EVIBEL-THB",
            "unit": "Cel Mensenhandel / Cellule TEH",
            "generated_at": EXPORTED_AT.isoformat() + "+01:00",
            "note": "synthetic demo export: every name, number and address is invented",
        },
        "records": list(records),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


_ZIP_TIME: Final = (2026, 1, 5, 6, 0, 0)
_CORE_TIME: Final = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _write_xlsx(
    path: Path,
    sheet: str,
    titles: Sequence[Sequence[object]],
    records: Iterator[dict[str, object]],
    labels: Mapping[str, str] | None = None,
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "ciateh demo data"
    ws = workbook.create_sheet(sheet)
    for title in titles:
        ws.append(list(title))
    header: list[str] | None = None
    for record in records:
        if header is None:
            header = list(record)
            if labels is not None:
                ws.append([labels.get(k, "") for k in header])
            ws.append(header)
        cells: list[object] = []
        for key in header:
            value = record[key]
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
    raw = io.BytesIO()
    workbook.save(raw)
    # Make the file a function of its content only: fixed zip time stamps and document dates.
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>2026-01-05T06:00:00Z\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path.write_bytes(fixed.getvalue())


_HTCDS_TITLES: Final = (
    ("Human Trafficking Case Data Standard (HTCDS) 2.0 – data collection toolkit",),
    ("Organisation: specialised reception centre for victims of trafficking (synthetic demo data)",),
    (f"Export date: {EXPORTED_AT.date().isoformat()}", None, "Sheet: Cases (one row per person and case)"),
)


# -- entry points ---------------------------------------------------------------------------------


def generate(partner: str, rows: int, out_dir: Path, seed: int = 0) -> Path:
    """Write a synthetic export of ``rows`` records for ``partner`` into ``out_dir``; return its path.

    The file is named as in :data:`PARTNERS` and laid out as the partner's shipped mapping expects.
    """
    spec = PARTNERS.get(partner)
    if spec is None:
        raise ValueError(f"unknown partner {partner!r} (expected one of {', '.join(PARTNERS)})")
    if rows < 1:
        raise ValueError("rows must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / spec.export
    world = _World(spec, seed)
    build = getattr(_Rows(world.rng, default_codelists()), spec.style)
    text_rng = random.Random(f"ciateh-demo-text:{partner}:{seed}")

    def records() -> Iterator[dict[str, object]]:
        for case, person in world.cases(rows):
            record: dict[str, object] = build(case, person, narrative(case, person, spec.style, text_rng))
            yield record

    if spec.format == "xml":
        _write_xml(path, records())
    elif spec.format == "json":
        _write_json(path, records())
    elif spec.name == "labour_inspection":
        _write_csv(path, records(), delimiter=";", encoding="cp1252")
    elif spec.format == "csv":
        _write_csv(path, records(), delimiter=",", encoding="utf-8-sig")
    elif spec.name == "social_inspection":
        _write_xlsx(path, "Export ECOSOC", (), records())
    else:
        _write_xlsx(path, "Cases", _HTCDS_TITLES, records(), labels=_HTCDS_LABELS)
    return path


def write_samples(out_dir: Path = SAMPLES_DIR) -> list[Path]:
    """(Re)write the committed samples (``SAMPLE_ROWS`` rows, seed ``SAMPLE_SEED``)."""
    return [generate(name, SAMPLE_ROWS, out_dir, seed=SAMPLE_SEED) for name in PARTNERS]


def main_demo_data(argv: Sequence[str] | None = None) -> int:
    """``demo-data --partner NAME --rows N DIR`` (``--samples`` rewrites examples/exports)."""
    parser = argparse.ArgumentParser(
        prog="ciateh-connector demo-data", description="Write a synthetic export for a partner."
    )
    parser.add_argument("--partner", choices=sorted(PARTNERS), help="whose export to write")
    parser.add_argument(
        "--rows", type=int, default=SAMPLE_ROWS, help="number of records (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    parser.add_argument(
        "--samples", action="store_true", help="rewrite the committed samples in examples/exports"
    )
    parser.add_argument("dir", nargs="?", type=Path, help="output directory")
    args = parser.parse_args(argv)
    if args.samples:
        for path in write_samples():
            print(path)
        return 0
    if args.partner is None or args.dir is None:
        parser.error("give --partner NAME and an output directory (or --samples)")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    print(generate(args.partner, args.rows, args.dir, seed=args.seed))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main_demo_data())
