"""The passport recognizer: machine-readable shapes anywhere, document numbers after a passport word."""

from __future__ import annotations

import pytest

from anonymiser.labels import PASSPORT
from anonymiser.recognizers.passport import PassportRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_set_finder

values = value_set_finder(PassportRecognizer(), PASSPORT)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Dutch
        ("Haar paspoort (EG7731094) zou bij de uitbaatster liggen.", "EG7731094"),
        ("GJOKA Ardit, Albanees, paspoort BK3307245;", "BK3307245"),
        ("Zijn paspoort (nr. C4183027) werd ingehouden.", "C4183027"),
        ("Pas: P6620154A (bij werkgever)", "P6620154A"),
        ("Nigeriaans paspoort A09417725, staande gehouden.", "A09417725"),
        ("onder wie Faith E. (B01847263) en een tweede vrouw", "B01847263"),
        ("Pasnummer: EG 773 1094, afgegeven in Peking.", "EG 773 1094"),
        # French
        ("Il présente un passeport brésilien n° FX482913 au contrôle.", "FX482913"),
        ("Son passeport (n° E76651230) est conservé par le patron.", "E76651230"),
        ("Elle montre son passeport n°EG7731094.", "EG7731094"),
        ("passeport moldave AB0912746.", "AB0912746"),
        # English
        ("He holds Indian passport T4821637 and a permit.", "T4821637"),
        ("Her passport AC4817253 was kept in the safe.", "AC4817253"),
        ("Interviewed: Rajesh N. (passport R7734102) and another man.", "R7734102"),
        ("passport no. eg7731094 (lower case in the scan)", "eg7731094"),
        # German
        ("Er legte seinen Reisepass Nr. C01X00T47 vor.", "C01X00T47"),
        ("Pass-Nr.: PA0938174, ausgestellt in Kathmandu.", "PA0938174"),
    ],
)
def test_finds_passports(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value, every_character=True)


@pytest.mark.parametrize(
    "text",
    [
        "Zij gaf haar paspoort af aan de uitbater.",
        "passeport expiré depuis 2019.",
        "passport issued 12.03.2020 in Lagos",
        "De afname van paspoorten en bedreigingen met uitzetting.",
        "Referentie OE1234567 van de Dienst Vreemdelingenzaken.",
        "Snelweg E40 richting kust, afrit 12.",
        "art. 433quinquies Sw.",
        "Hij betaalde 2.000 euro voor een paspoort.",
    ],
)
def test_near_misses_are_not_passports(text: str) -> None:
    assert values(text) == set()
