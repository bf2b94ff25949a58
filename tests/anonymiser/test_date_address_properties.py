"""Property tests: generated dates and addresses in nl/fr/en/de sentences are always fully redacted.

A value counts as covered when every letter and digit of it lies inside a span of
:func:`anonymiser.detect.detect`, the rule of the corpus evaluation.
"""

from __future__ import annotations

import calendar

from hypothesis import given, settings
from hypothesis import strategies as st

from anonymiser.detect import detect

MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
}  # fmt: skip
SHORT = {
    "nl": ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."],
}
DATE_TEMPLATES = {
    "nl": ["Op {} werd zij gehoord in Gent.", "Verhoor afgesloten op {}.",
           "Zij vluchtte op {} met een klant.", "De genaamde Jan, geboren op {}, verklaart dat.",
           "Betrokkene (°{}) zwijgt.", "Datum: {}\nOnderwerp"],
    "fr": ["Le {}, contrôle du salon.", "Audience fixée au {} devant le tribunal.",
           "Il est né le {} à Liège.", "Elle a été contrôlée le {} par la police.",
           "Date de naissance : {}, nationalité marocaine."],
    "en": ["On {} the police inspected the bar.", "She was born on {} in Lagos.", "DOB {}, NRN unknown.",
           "The hearing is scheduled for {}.", "Date of intake: {}\nClient: Joy"],
    "de": ["Am {} kontrollierten wir den Betrieb.", "Sie wurde am {} geboren.", "Geburtsdatum: {}, Polin.",
           "Termin am {} in Eupen.", "Der Zeuge, geb. {}, erschien nicht."],
}  # fmt: skip


def ordinal_en(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


@st.composite
def dates(draw: st.DrawFn) -> tuple[str, str]:
    lang = draw(st.sampled_from(sorted(MONTHS)))
    year = draw(st.integers(1940, 2035))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    name, short = MONTHS[lang][month - 1], SHORT[lang][month - 1]
    forms = [
        f"{day:02d}/{month:02d}/{year}",
        f"{day}/{month}/{year}",
        f"{day:02d}.{month:02d}.{year}",
        f"{day:02d}-{month:02d}-{year % 100:02d}",
        f"{year}-{month:02d}-{day:02d}",
        f"{day} {name} {year}",
        f"{day} {name}",
        f"{day} {short} {year}",
    ]
    if lang == "en":
        forms += [f"{name} {day}, {year}", f"{ordinal_en(day)} of {name}", f"{ordinal_en(day)} {name} {year}"]
    if lang == "de":
        forms += [f"{day}. {name} {year}", f"{day}. {name}", f"{day}. {short}"]
    if lang == "fr" and day == 1:
        forms.append(f"1er {name}")
    if lang == "nl":
        forms.append(f"{day} {name} '{year % 100:02d}")
    value = draw(st.sampled_from(forms))
    template = draw(st.sampled_from(DATE_TEMPLATES[lang]))
    return template.format(value), value


SYLLABLES = ["ka", "lo", "mer", "dri", "sel", "bo", "ten", "rik", "lan", "mo", "ge", "ster", "pa", "vel",
             "hu", "tor", "bra", "ni", "go", "wes", "lin", "du", "ker", "sa", "vo", "zen"]  # fmt: skip
NL_SUFFIXES = ["straat", "laan", "lei", "steenweg", "dreef", "plein", "kaai", "dijk", "vest", "singel", "weg"]
FR_TYPES = [
    "rue",
    "avenue",
    "boulevard",
    "chaussée",
    "place",
    "quai",
    "chemin",
    "impasse",
    "allée",
    "Rue",
    "Avenue",
]
FR_PARTICLES = ["", "de ", "du ", "des ", "de la "]
DE_SUFFIXES = ["straße", "strasse", "weg", "platz", "gasse", "allee", "ring", "str."]
EN_TYPES = ["Street", "Road", "Lane", "Avenue", "Close", "Drive", "Way", "Square"]
ADDRESS_TEMPLATES = {
    "nl": ["Zij woont {} sinds vorig jaar.", "Het salon is gevestigd {}.", "Adres: {}.",
           "wonende {}, gekend.", "De woning aan de {} werd doorzocht."],
    "fr": ["Elle habite {} depuis l'an passé.", "Le salon situé {} a été fermé.", "Domicilié {}.",
           "Perquisition dans une maison {} avec la police."],
    "en": ["She lives at {} with her aunt.", "The address is {}.", "They were housed at {}; rent was high."],
    "de": ["Sie wohnt in der {} seit Mai.", "Adresse: {}.", "Die Wohnung {} wurde durchsucht."],
}  # fmt: skip


@st.composite
def words(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3))).capitalize()


@st.composite
def house_numbers(draw: st.DrawFn, boxes: tuple[str, ...]) -> str:
    # up to 1949: after a street word that is also an ordinary noun or a town ("-weg", "-berg",
    # "-dam"), a bare 1950-2039 reads as a year and is left alone by design
    number = str(draw(st.integers(1, 1949)))
    extra = draw(st.sampled_from(["", "", "A", "b", "/3", "-5", *boxes]))
    return number + extra


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, str]:
    lang = draw(st.sampled_from(sorted(ADDRESS_TEMPLATES)))
    name = draw(words())
    if lang == "nl":
        street = f"{name}{draw(st.sampled_from(NL_SUFFIXES))} {draw(house_numbers((' bus 3', ' bus 12')))}"
    elif lang == "fr":
        kind, particle = draw(st.sampled_from(FR_TYPES)), draw(st.sampled_from(FR_PARTICLES))
        number = draw(house_numbers((" bte 2", " boîte 4", " bis")))
        if draw(st.booleans()):
            street = f"{kind} {particle}{name} {number}"
        else:
            street = f"{number.split()[0]}, {kind} {particle}{name}"
    elif lang == "de":
        street = f"{name}{draw(st.sampled_from(DE_SUFFIXES))} {draw(house_numbers(()))}"
    else:
        street = f"{draw(st.integers(1, 400))} {name} {draw(st.sampled_from(EN_TYPES))}"
    town = draw(words())
    if draw(st.booleans()):
        town = f"{town}-{draw(words())}"
    postcode = draw(st.integers(1000, 9999))
    value = draw(
        st.sampled_from([street, f"{street}, {postcode} {town}", f"{street} {postcode} {town}",
                         f"{postcode} {town}, {street}" if lang != "en" else f"{street}, {town}"])
    )  # fmt: skip
    template = draw(st.sampled_from(ADDRESS_TEMPLATES[lang]))
    return template.format(value), value


def assert_covered(text: str, value: str) -> None:
    start = text.index(value)
    spans = detect(text)
    missed = [
        i
        for i in range(start, start + len(value))
        if text[i].isalnum() and not any(s.start <= i < s.end for s in spans)
    ]
    assert not missed, (
        f"{value!r} not fully covered in {text!r}: {[(text[s.start : s.end], s.label) for s in spans]}"
    )


@settings(max_examples=300, deadline=None)
@given(dates())
def test_generated_dates_are_always_covered(case: tuple[str, str]) -> None:
    assert_covered(*case)


@settings(max_examples=300, deadline=None)
@given(addresses())
def test_generated_addresses_are_always_covered(case: tuple[str, str]) -> None:
    assert_covered(*case)
