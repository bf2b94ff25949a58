"""The national-ID recognizer: Belgian national register / BIS numbers and foreign personal numbers.

All numbers below are synthetic: generated with valid check digits for invented dates and serials.
"""

from __future__ import annotations

import pytest

from anonymiser.detect import detect
from anonymiser.labels import NATIONAL_ID
from anonymiser.recognizers.national_id import NationalIdRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_set_finder

values = value_set_finder(NationalIdRecognizer(), NATIONAL_ID)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Belgian national register numbers, every written form
        ("Verdachte Luc V. (°06/04/1999, RRN 99040635817) werd gehoord.", "99040635817"),
        ("Rijksregisternummer 99.04.06-358.17, wonende te Gent.", "99.04.06-358.17"),
        ("Nationalregisternummer 990406 358 17, bestreitet die Vorwürfe.", "990406 358 17"),
        ("Numéro national : 99.04.06-358-17.", "99.04.06-358-17"),
        ("NRN:99040635817; referred by the police.", "99040635817"),
        ("RRN99.04.06-358.17 (typo-free, glued)", "99.04.06-358.17"),
        ("Betrokkene (RRN 990406-358-17) zwijgt.", "990406-358-17"),
        ("De RRN is 99 04 06 358 17 volgens het register.", "99 04 06 358 17"),
        ("Son numéro national 99/04/06-358/17 figure au dossier.", "99/04/06-358/17"),
        ("Born in 2000: NRN 00031225616, living in Antwerp.", "00031225616"),
        # BIS numbers (month + 20 or + 40)
        ("Numéro BIS attribué : 08.21.01-841.55.", "08.21.01-841.55"),
        ("Mon numéro BIS est 92230919774. Je travaille.", "92230919774"),
        ("Verhoorde arbeider: ILIEV (BIS 87.31.27-727.22), Bulgaar.", "87.31.27-727.22"),
        # foreign personal numbers with check digits
        ("Identité déclarée : STAN, de nationalité roumaine, CNP 5030903018613.", "5030903018613"),
        ("Chauffeur ANGELOV, °03/05/1983, EGN 8305036640.", "8305036640"),
        ("Frau NOWAK, geboren am 11.11.1995, PESEL 95111102343, gab an.", "95111102343"),
        ("He was identified (Dutch BSN 374758219) at the border.", "374758219"),
        ("He came with a Spanish NIE (X1819107Z) in 2021.", "X1819107Z"),
        ("Il présente son CPF 422.608.973-12 au contrôle.", "422.608.973-12"),
        (
            "Chinese identiteitskaart met nummer 21020319900602184X; haar paspoort ontbreekt.",
            "21020319900602184X",
        ),
        ("carte d'identité chinoise 320102199008027157, gérant.", "320102199008027157"),
        ("Belgische identiteitskaart 591-1917064-58 werd afgegeven.", "591-1917064-58"),
        ("His National Insurance number is JT 12 34 56 C, he said.", "JT 12 34 56 C"),
        ("Il cittadino, codice fiscale RSSMRA85T10A562S, lavora a Liegi.", "RSSMRA85T10A562S"),
        ("Numéro de sécurité sociale français 2 95 10 99 126 111 93, sans emploi.", "2 95 10 99 126 111 93"),
        # identity-card and residence-permit numbers after a context word
        ("Elle présente une carte d'identité roumaine GL 841267. Elle déclare.", "GL 841267"),
        ("Zijn Italiaanse verblijfskaart (CA81204KL) blijkt vervallen.", "CA81204KL"),
        ("titre de séjour français n° 7502184539, et neuf autres.", "7502184539"),
        ("holds a Portuguese permit no. 0K7341029 and a passport.", "0K7341029"),
        ("Italian residence permit I05483917, Italian mobile.", "I05483917"),
        ("leurs cartes d'identité (n° 482917LA pour Mme X).", "482917LA"),
        ("Sie zeigte ihren Personalausweis Nr. L01X00T47 vor.", "L01X00T47"),
        ("ID card n°AB123456, issued in Bucharest.", "AB123456"),
    ],
)
def test_finds_national_ids(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        # a wrong check digit is no national number (the IDENTIFIER catch-all redacts it instead)
        "RRN 99040635818 werd genoteerd.",
        "Rijksregisternummer 99.04.06-358.18, wonende te Gent.",
        "Numéro BIS 92230919775 attribué.",
        # a mistyped national number after an identity-card word is not accepted by context either
        "identiteitskaart met rijksregisternummer 99040635818",
        # phones, dates, amounts, years
        "Gsm 0475 12 34 56 van de uitbater.",
        "Geboren op 06/04/1999 te Lagos.",
        "Il a payé 16.000 € au passeur.",
        "titre de séjour valable jusqu'au 12.03.2030.",
        "residence permit issued in 2019 for five years",
        "Zijn verblijfskaart kostte 3 tot 4 euro per uur aan werk.",
        # a nine-digit number passes the Dutch eleven-test one time in eleven: only after "BSN"
        "Factuur 374758219 werd betaald.",
        # CPF check digits on a plain 11-digit number without a CPF context
        "Referentie 42260897312 in het systeem.",
    ],
)
def test_near_misses_are_not_national_ids(text: str) -> None:
    assert values(text) == set()


def test_typo_national_number_is_still_redacted_by_the_detector() -> None:
    text = "Verdachte (RRN 99.04.06-358.18) werd gehoord."
    assert covered(text, "99.04.06-358.18")
    labels = {s.label for s in detect(text) if text[s.start : s.end] == "99.04.06-358.18"}
    assert NATIONAL_ID not in labels


def test_two_numbers_in_a_row_are_both_found() -> None:
    text = "Numéros BIS attribués : 78.43.14-911.26 (père), 90.47.21-436.86 (mère)."
    assert values(text) == {"78.43.14-911.26", "90.47.21-436.86"}
