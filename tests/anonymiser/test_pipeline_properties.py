"""Property: whatever personal values a RawCase holds, none of them leaves in the anonymous record
or in the report.

Synthetic persons are generated with hypothesis: names (realistic and random), national register
numbers with valid check digits, Belgian phone numbers in several spellings, e-mail addresses,
street addresses, passport numbers, employers, partner ids and birth dates. They are put in the
structured fields and planted in the narrative. A last test plants values of *other* people (that
the record does not know, so only the detector can catch them); it runs for each entity type as
soon as the detector recognises that type, and is skipped (with the reason) until then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum.be import nn as stdnum_nn

from anonymiser import RawCase, anonymise, detect, verify
from anonymiser.pipeline import AnonymisationReport
from anonymiser.records import AnonymousCase

SECRET = b"property-test-secret-of-32-bytes!"
TODAY = date(2025, 1, 1)

FIRST_NAMES = [
    "Ioana", "Mihaela", "Elena", "Gabriela", "Chidinma", "Blessing", "Precious", "Oluwaseun", "Fatima",
    "Khadija", "Youssef", "Mohammed", "Nguyen", "Thanh", "Ardita", "Besnik", "Olena", "Oksana", "Priya",
    "Rajesh", "Jean-Pierre", "Marie-Claire", "Anneleen", "Wouter", "Ahmad", "Yonas", "Senait", "Luana",
]  # fmt: skip
LAST_NAMES = [
    "Popescu", "Ionescu", "Dumitrescu", "Okonkwo", "Adeyemi", "Eze", "El Amrani", "Benali", "Tran",
    "Hoxha", "Krasniqi", "Shevchenko", "Kovalenko", "Sharma", "Van den Berghe", "Vermeulen", "Peeters",
    "De Smet", "Haile", "Tesfaye", "Dos Santos", "Nowak", "Kowalczyk", "Dimitrova", "Petrov",
]  # fmt: skip
STREETS = [
    "Kerkstraat", "Stationsstraat", "Rue de la Loi", "Chaussée de Gand", "Rue Haute", "Molenstraat",
    "Avenue Louise", "Nieuwstraat", "Dorpsstraat", "Rue du Midi", "Turnhoutsebaan", "Brusselsesteenweg",
]  # fmt: skip
PLACES = [
    ("1000", "Bruxelles"), ("1080", "Molenbeek"), ("1210", "Saint-Josse-ten-Noode"), ("2060", "Antwerpen"),
    ("3500", "Hasselt"), ("4000", "Liège"), ("5000", "Namur"), ("6000", "Charleroi"), ("8400", "Oostende"),
    ("9000", "Gent"), ("8000", "Brugge"), ("7000", "Mons"),
]  # fmt: skip
DOMAINS = ["gmail.com", "yahoo.fr", "hotmail.com", "outlook.be", "mail.ru", "proton.me"]
LEGAL_FORMS = ["BV", "NV", "SRL", "BVBA", "VOF", "SPRL"]
SECTORS = ["Bouw", "Construct", "Cleaning", "Carwash", "Transport", "Horeca", "Nails"]

# Filler that contains no name, number or place, so any leak check is about the planted values.
FILLER = [
    "Zij werkte zeven dagen per week.",
    "Elle travaillait la nuit sans contrat.",
    "He was told to repay a large debt.",
    "Het loon werd ingehouden.",
    "Les documents ont été confisqués.",
]


def realistic_or_random(pool: list[str]) -> st.SearchStrategy[str]:
    random_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëïöü", min_size=4, max_size=10).map(
        lambda s: s[0].upper() + s[1:]
    )
    return st.one_of(st.sampled_from(pool), random_name)


@st.composite
def national_numbers(draw: st.DrawFn, born: date | None = None) -> tuple[str, str]:
    """A national register number with valid check digits, compact and in a written spelling."""
    birth = born or draw(st.dates(date(1930, 1, 1), date(2020, 12, 31)))
    serial = draw(st.integers(1, 997))
    base = f"{birth:%y%m%d}{serial:03d}"
    check = 97 - int(("2" if birth.year >= 2000 else "") + base) % 97
    compact = f"{base}{check:02d}"
    assert stdnum_nn.is_valid(compact)
    spelling = draw(
        st.sampled_from(
            [
                compact,
                f"{compact[:2]}.{compact[2:4]}.{compact[4:6]}-{compact[6:9]}.{compact[9:]}",
                f"{compact[:6]} {compact[6:9]} {compact[9:]}",
                f"{compact[:6]}-{compact[6:9]}-{compact[9:]}",
            ]
        )
    )
    return compact, spelling


@st.composite
def phones(draw: st.DrawFn) -> str:
    digits = f"4{draw(st.integers(70, 99))}{draw(st.integers(0, 999_999)):06d}"
    return draw(
        st.sampled_from(
            [
                f"0{digits}",
                f"0{digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}",
                f"+32 {digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}",
                f"0{digits[:3]}/{digits[3:5]}.{digits[5:7]}.{digits[7:]}",
                f"0032{digits}",
            ]
        )
    )


@st.composite
def ibans(draw: st.DrawFn) -> str:
    account = f"{draw(st.sampled_from(['001', '063', '068', '310', '363', '735', '751']))}"
    account += f"{draw(st.integers(0, 9_999_999)):07d}"
    national = int(account) % 97 or 97
    bban = f"{account}{national:02d}"
    check = 98 - int(bban + "111400") % 97
    compact = f"BE{check:02d}{bban}"
    assume(stdnum_iban.is_valid(compact))
    return " ".join(compact[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class Person:
    raw: RawCase
    values: tuple[str, ...]  # every personal value, in the spellings that must not leak
    place: tuple[str, str]


@st.composite
def persons(draw: st.DrawFn, with_narrative: bool) -> Person:
    first = draw(realistic_or_random(FIRST_NAMES))
    last = draw(realistic_or_random(LAST_NAMES))
    alias = draw(realistic_or_random(FIRST_NAMES))
    registered = draw(st.dates(date(2015, 1, 1), date(2024, 12, 31)))
    birth = draw(st.dates(date(1940, 1, 1), registered - timedelta(days=365)))
    nrn, nrn_spelling = draw(national_numbers(birth))
    phone = draw(phones())
    local = f"{first}.{last}".lower().replace(" ", "")
    email = f"{local}{draw(st.integers(1, 99))}@{draw(st.sampled_from(DOMAINS))}"
    postcode, municipality = draw(st.sampled_from(PLACES))
    street = f"{draw(st.sampled_from(STREETS))} {draw(st.integers(1, 250))}"
    address = f"{street}, {postcode} {municipality}"
    passport = f"{draw(st.sampled_from(['EM', 'EN', 'RA', 'AB']))}{draw(st.integers(100_000, 9_999_999))}"
    employer = f"{draw(st.sampled_from(SECTORS))} {last} {draw(st.sampled_from(LEGAL_FORMS))}"
    record_id = f"PV/{registered.year}/{draw(st.integers(1, 99_999)):05d}"
    case_id = f"AN.{draw(st.integers(10, 99))}.L{draw(st.integers(1, 9))}.{draw(st.integers(1, 999_999)):06d}"
    birth_text = draw(st.sampled_from([f"{birth:%d/%m/%Y}", birth.isoformat(), f"{birth:%d.%m.%Y}"]))

    narrative = None
    if with_narrative:
        sentences = [
            f"{first} {last} werd geboren op {birth:%d/%m/%Y}.",
            f"Haar rijksregisternummer is {nrn_spelling}.",
            f"Bereikbaar op {phone}.",
            f"Mail: {email}",
            f"Zij woonde in de {address}.",
            f"Ze werkte voor {employer}.",
            f"Dossier {record_id}, notitie {case_id}.",
            f"Men noemde haar {alias}.",
            f"Passeport n° {passport}.",
            *FILLER,
        ]
        chosen = draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=len(sentences), unique=True))
        narrative = " ".join(chosen)

    raw = RawCase(
        partner_id="police",
        partner_record_id=record_id,
        partner_case_id=case_id,
        role=draw(st.sampled_from(["victim", "presumed_victim", "suspect"])),
        offence=draw(st.sampled_from(["trafficking", "smuggling", "both"])),
        registration_date=registered,
        first_name=first,
        last_name=last,
        aliases=(alias,),
        birth_date=birth_text,
        age=draw(st.none() | st.integers(0, 130)),
        national_number=nrn_spelling,
        passport_number=passport,
        phone=phone,
        email=email,
        address=address,
        postcode=postcode,
        municipality=municipality,
        nationality=draw(st.sampled_from(["RO", "NG", "MA", "Roemenië", "LI", "TO", None])),
        sex=draw(st.sampled_from(["female", "male", "Vrouw", None])),
        exploitation_start=draw(st.none() | st.dates(birth, registered).map(date.isoformat)),
        exploitation_forms=tuple(draw(st.lists(st.sampled_from(["sexual", "labour", "forced_begging"])))),
        labour_sector=draw(st.sampled_from(["construction", "horeca", None])),
        employer_name=employer,
        means_of_control=tuple(draw(st.lists(st.sampled_from(["threats", "DebtBondage"])))),
        narrative=narrative,
        language=draw(st.sampled_from(["nl", "fr", None])),
    )
    values = (
        first,
        last,
        alias,
        f"{first} {last}",
        nrn,
        nrn_spelling,
        phone,
        email,
        address,
        street,
        passport,
        employer,
        record_id,
        case_id,
        birth_text,
        birth.isoformat(),
        f"{birth:%d/%m/%Y}",
    )
    return Person(raw, values, (postcode, municipality))


def assert_nothing_leaks(person: Person, case: AnonymousCase, report: AnonymisationReport) -> None:
    output = json.dumps(case.to_dict(), ensure_ascii=False)
    report_text = json.dumps(report.to_dict(), ensure_ascii=False) + repr(report)
    for value in person.values:
        assert value not in output, "a personal value is in the anonymous record"
        assert value not in report_text, "a personal value is in the report"
    # quasi-identifiers: the postcode and municipality only leave as a province
    without_keys = {k: v for k, v in case.to_dict().items() if k not in ("record_key", "case_key")}
    coarse = json.dumps(without_keys, ensure_ascii=False)
    for value in person.place:
        assert value not in coarse
        assert value not in report_text


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@PROPERTY_SETTINGS
@given(persons(with_narrative=False))
def test_structured_fields_never_leak(person: Person) -> None:
    case, report = anonymise(person.raw, SECRET, today=TODAY)
    assert_nothing_leaks(person, case, report)
    assert verify(case) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persons(with_narrative=True))
def test_the_records_own_values_never_leak_through_the_narrative(person: Person) -> None:
    case, report = anonymise(person.raw, SECRET, today=TODAY)
    assert_nothing_leaks(person, case, report)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    persons(with_narrative=True),
    st.binary(max_size=300),
    st.text(max_size=300),
)
def test_junk_around_the_values_never_crashes_or_leaks(person: Person, junk: bytes, text: str) -> None:
    narrative = (person.raw.narrative or "") + " " + junk.decode("utf-8", errors="replace") + " " + text
    raw = replace(person.raw, narrative=narrative)
    case, report = anonymise(raw, SECRET, today=TODAY)
    output = json.dumps(case.to_dict(), ensure_ascii=False)
    output.encode("utf-8")
    for value in person.values:
        assert value not in output
        assert value not in repr(report)


# -- values only the detector can find -----------------------------------------------------------

PROBES = {
    "NATIONAL_ID": "Rijksregisternummer 85.07.30-033.28 van de getuige.",
    "EMAIL": "Contact via jan.peeters77@gmail.com voor afspraken.",
    "PHONE": "Hij belde naar 0486 55 44 33 om afspraken te maken.",
    "IBAN": "Het loon ging naar rekening BE54 0000 0000 0097 van de werkgever.",
}


def detector_finds(label: str) -> bool:
    text = PROBES[label]
    return any(span.label == label for span in detect(text))


@st.composite
def strangers_values(draw: st.DrawFn) -> dict[str, str]:
    _, nrn = draw(national_numbers())
    return {
        "NATIONAL_ID": nrn,
        "EMAIL": f"{draw(st.sampled_from(['k.mensah', 'vova.p', 'aisha_b', 'd.ionescu']))}"
        f"{draw(st.integers(1, 999))}@{draw(st.sampled_from(DOMAINS))}",
        "PHONE": draw(phones()),
        "IBAN": draw(ibans()),
    }


@pytest.mark.parametrize("label", sorted(PROBES))
def test_values_only_the_detector_knows_never_leak(label: str) -> None:
    # every probed kind has its recognizer: the test must never pass by finding nothing to check
    assert detector_finds(label), f"no recognizer finds {label}"

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(persons(with_narrative=False), strangers_values(), st.sampled_from(FILLER))
    def check(person: Person, strangers: dict[str, str], filler: str) -> None:
        value = strangers[label]
        narrative = f"{filler} Een andere betrokkene gaf {value} op. {filler}"
        raw = replace(person.raw, narrative=narrative)
        case, _ = anonymise(raw, SECRET, today=TODAY)
        assert case.narrative is not None
        assert value not in case.narrative, f"a {label} the detector should find is in the narrative"
        assert value.replace(" ", "") not in case.narrative.replace(" ", "")

    check()
