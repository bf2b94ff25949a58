"""The phone recognizer: Belgian and foreign numbers in every common writing, checked by phonenumbers."""

from __future__ import annotations

import pytest

from anonymiser.labels import PHONE
from anonymiser.recognizers.phone import PhoneRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_list_finder

values = value_list_finder(PhoneRecognizer(), PHONE)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Belgian mobile and landline numbers, national writing
        ("De uitbaatster is bereikbaar op 0488 61 27 90. De wagen staat buiten.", "0488 61 27 90"),
        ("gérant M. LAMBERT (GSM 0475/31.88.02). Six ouvriers.", "0475/31.88.02"),
        ("Baas: Rachid (0486 73 91 25), dreigt met aangifte.", "0486 73 91 25"),
        ("Bel hem op 0475-12-34-56 of stuur een sms.", "0475-12-34-56"),
        ("GSM0475123456 gevonden in de wagen.", "0475123456"),
        ("Tel. 02/512.34.56 (kantoor).", "02/512.34.56"),
        ("Michel DUBOIS, tél. 04 224 61 38. Ils sont huit.", "04 224 61 38"),
        ("Sociaal inspecteur TSW Limburg\n011 26 48 61", "011 26 48 61"),
        ("Betreiber der Bar ist Stefan M., Telefon 080 22 71 45.", "080 22 71 45"),
        ("Kantoor: (02) 512 34 56, open op weekdagen.", "(02) 512 34 56"),
        # Belgian numbers, international writing
        ("The madam's WhatsApp: +32 466 19 40 72. Earnings were deposited.", "+32 466 19 40 72"),
        ("tel:+32475123456 in het adresboek", "+32475123456"),
        ("door een tussenpersoon (tel. 0032 471 93 05 66), die per week betaalt", "0032 471 93 05 66"),
        ("Rufnummer +32 (0)470 12 34 56 aus Belgien.", "+32 (0)470 12 34 56"),
        ("Kantoor 0032 2 123 45 67 op weekdagen.", "0032 2 123 45 67"),
        # foreign numbers
        ("she used +234 803 412 7781 to reach her family.", "+234 803 412 7781"),
        ("Le GSM saisi contient le contact « Gica » : +40 742 318 906.", "+40 742 318 906"),
        ("gsm +359 88 741 2093);", "+359 88 741 2093"),
        ("Contact : sa sœur, +355 69 432 1178.", "+355 69 432 1178"),
        ("nummers uit Turkije (+90 532 604 18 73) en Frankrijk", "+90 532 604 18 73"),
        ("Frankrijk (+33 7 58 24 19 06). Hij wil terug.", "+33 7 58 24 19 06"),
        ("ein Mann, erreichbar unter +44 7700 914 352. Einer der Männer", "+44 7700 914 352"),
        ("Il recrute via le numéro +373 691 20 447 et la page.", "+373 691 20 447"),
        ("Numéro marocain +212 6 61 23 45 67 relevé dans le GSM.", "+212 6 61 23 45 67"),
        ("Nederlands nummer +31 6 12345678 van de chauffeur.", "+31 6 12345678"),
        # foreign numbers in national writing, after a phone word
        ("tél. 06 12 34 56 78 (portable français)", "06 12 34 56 78"),
        ("Handy 0170 1234567, sagt der Zeuge.", "0170 1234567"),
        ("mobiel 06-12345678 van de Nederlandse chauffeur", "06-12345678"),
    ],
)
def test_finds_phones(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value)


def test_two_numbers_joined_by_a_slash_are_two_phones() -> None:
    text = "Gsm's: 0475 12 34 56 / 0476 65 43 21, beide in beslag genomen."
    assert values(text) == ["0475 12 34 56", "0476 65 43 21"]


def test_trailing_year_is_cut_off() -> None:
    text = "nummer 0475 123 456 2024 genoteerd"
    assert values(text) == ["0475 123 456"]


def test_date_in_front_is_not_part_of_the_number() -> None:
    text = "Op 02/06/1990 0475 12 34 56 gebeld."
    assert values(text) == ["0475 12 34 56"]


@pytest.mark.parametrize(
    "text",
    [
        "geboren op 02/06/1990 te Lagos",
        "controle om 06u10 en om 14h30",
        "van 09.30-17.30 open",
        "Il a payé 1.200 € et 35.000 EUR.",
        "PV LI.44.F1.012345/23 werd opgesteld.",
        "RRN 00.07.29-820.37 in het register.",
        "KBO 0403.170.701 van de werkgever.",
        "Noodnummer 112 en 101.",
        "Ondernemingsnummer 0403 170 701 van de werkgever.",
        "+ 20 % winst",
    ],
)
def test_near_misses_are_not_phones(text: str) -> None:
    assert values(text) == []
