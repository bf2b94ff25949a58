"""The IDENTIFIER catch-all: long digit runs and letter-digit tokens that validate as nothing specific."""

from __future__ import annotations

import pytest

from anonymiser.detect import detect
from anonymiser.labels import IDENTIFIER
from anonymiser.recognizers.identifier import IdentifierRecognizer
from tests.anonymiser.recognizers.helpers import value_set_finder

values = value_set_finder(IdentifierRecognizer(), IDENTIFIER)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # national numbers with a wrong check digit, in every writing
        ("Verdachte (RRN 99040635818) werd gehoord.", "99040635818"),
        ("Numéro national 99.04.06-358.18, domicilié à Liège.", "99.04.06-358.18"),
        ("Nationalregisternummer 990406 358 18, bestreitet.", "990406 358 18"),
        ("NRN:99.04.06-358-18.", "99.04.06-358-18"),
        # unknown foreign IDs and client numbers
        ("Klantnummer 1234 5678 9012 bij de bank.", "1234 5678 9012"),
        ("Hungarian ID 123456AB7 shown at the border.", "123456AB7"),
        ("nummer X12345678Q op het document", "X12345678Q"),
        ("de kaart AB1234567 werd ingehouden", "AB1234567"),
    ],
)
def test_finds_identifiers(text: str, value: str) -> None:
    assert value in values(text)


@pytest.mark.parametrize(
    "text",
    [
        "Op 12/03/2024 om 06u10 controleren wij.",
        "op 12 03 2024 en in 2023 2024",
        "van 08.00-12.00 en van 13.00-17.00",
        "Il a payé 12.500.000 EUR et € 12 500 000.",
        "omzet van 12345678 euro",
        "art. 433quinquies Sw.",
        "Ayoub (15 jaar) verdiende 50 euro per week.",
        "postcode 2060 Antwerpen",
    ],
)
def test_near_misses_are_not_identifiers(text: str) -> None:
    assert values(text) == set()


def test_typo_national_number_is_redacted_as_identifier_by_the_detector() -> None:
    text = "Verdachte Luc (°06/04/1999, RRN 99.04.06-358.18) werd gehoord."
    value = "99.04.06-358.18"
    start = text.index(value)
    spans = [s for s in detect(text) if s.start <= start and start + len(value) <= s.end]
    assert spans and spans[0].label == IDENTIFIER
