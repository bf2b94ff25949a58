"""The licence-plate recognizer: Belgian and foreign plates by shape, any plate after a plate word."""

from __future__ import annotations

import pytest

from anonymiser.detect import detect
from anonymiser.labels import LICENSE_PLATE
from anonymiser.recognizers.license_plate import LicensePlateRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_set_finder

values = value_set_finder(LicensePlateRecognizer(), LICENSE_PLATE)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Belgium
        ("De grijze Toyota voor de deur, nummerplaat 1-KJH-552, staat op naam van X.", "1-KJH-552"),
        ("Met zijn Audi 1-YLG-905 bracht hij de meisjes.", "1-YLG-905"),
        ("Véhicule : 1-FBW-774.", "1-FBW-774"),
        ("auto (1ABC234) in de garage", "1ABC234"),
        ("plaque 1 ABC 234 relevée", "1 ABC 234"),
        ("nummerplaat: 1-abc-234 (klein geschreven)", "1-abc-234"),
        ("oude plaat ABC-123 en 123-ABC", "ABC-123"),
        # the Netherlands, France, Italy
        ("a refrigerated trailer OR-18-KP (NL) pulled by a truck", "OR-18-KP"),
        ("pulled by tractor unit BT-NK-49. Driver: X.", "BT-NK-49"),
        ("kenteken 12-ABC-3 en een tweede wagen", "12-ABC-3"),
        ("Une camionnette Peugeot Boxer GH-902-LR, stationnée", "GH-902-LR"),
        ("un Renault Master immatriculé FG-417-TK sur l'E19", "FG-417-TK"),
        # Germany
        ("ein Wagen mit dem Kennzeichen B-AB 1234 vor dem Haus", "B-AB 1234"),
        ("Kennzeichen K AB 123, ein Kölner Wagen", "K AB 123"),
        ("Das Auto M-XY 99 parkte dort.", "M-XY 99"),
        # Romania, Bulgaria, Albania, Poland, Hungary, Lithuania, the UK
        ("en camionnette Ford Transit immatriculée B 417 KTR et récupère", "B 417 KTR"),
        ("rijdt met een witte Dacia SV 09 LGU.", "SV 09 LGU"),
        ("Opel Zafira grise GL 23 VCR, et lui", "GL 23 VCR"),
        ("Vrachtwagen Scania, trekker CA 8820 MH (BG), oplegger", "CA 8820 MH"),
        ("VW Passat mit dem Kennzeichen PB 6120 MX. Eine der Frauen", "PB 6120 MX"),
        ("immatriculée en Albanie TR 417 KD. Dans la", "TR 417 KD"),
        ("Lieferwagen mit dem Kennzeichen PO 7KR41 kontrolliert", "PO 7KR41"),
        ("mit ungarischem Kennzeichen AEX-514 und", "AEX-514"),
        ("Trekkers: LKR 552, LKR 559, MTZ 037.", "MTZ 037"),
        ("the van's registration AB12 CDE was noted", "AB12 CDE"),
    ],
)
def test_finds_plates(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        "op de E40 richting kust, dan de A12 en de R0",
        "sur l'E411 à hauteur de Wanlin",
        "postcode 2060 Antwerpen in 2024",
        "art. 433quinquies Sw. en art. 77bis",
        "Il a payé EUR 500 et 300 EUR.",
        "PV NR 12 van de zone",
        "RRN 880112 700 19, en twee vrouwen",
        "CNP 187.070 in het dossier",
        "plaque de 12 tonnes",
        "registration number 0123.456.789",
        "geboren op 12-03-1990",
        "Kennzeichen des Fahrzeugs unbekannt",
    ],
)
def test_near_misses_are_not_plates(text: str) -> None:
    assert values(text) == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # short foreign trailer and truck plates after a vehicle word
        ("a Latvian tractor unit and trailer KD 418 (LV) were stopped", "KD 418"),
        ("de vrachtwagen werd gevolgd, oplegger GX 905, lege laadruimte", "GX 905"),
        ("trekker MKP 274 met een Litouwse oplegger", "MKP 274"),
        ("la remorque TN 662 et le tracteur RZ 3071", "TN 662"),
        ("la remorque TN 662 et le tracteur RZ 3071", "RZ 3071"),
        ("Der Anhänger WX 5530 und der Auflieger KL 882 wurden kontrolliert.", "KL 882"),
        ("semi-trailer: BM 217 (PL), driver unknown", "BM 217"),
        ("een bestelwagen (VT 4471) stond voor het atelier", "VT 4471"),
        ("une camionnette DR 552 KB garée devant le dépôt", "DR 552 KB"),
        ("LKW HD 7312 mit rumänischen Arbeitern", "HD 7312"),
        ("camion 4417 JTK stationné sur le parking", "4417 JTK"),
    ],
)
def test_finds_short_plates_after_a_vehicle_word(text: str, value: str) -> None:
    assert value in values(text)


def test_a_normalised_non_breaking_hyphen_plate_is_found() -> None:
    # U+2011 is normalised to "-" before the recognizers run
    text = "a white van used to drive the men, 1\u2011TRV\u2011583, was seized"
    spans = detect(text)
    start = text.index("1\u2011TRV")
    assert any(s.start <= start and start + 9 <= s.end for s in spans)


@pytest.mark.parametrize(
    "text",
    [
        "een vrachtwagen Scania R450 en een trekker DAF 105",
        "le camion de 12 tonnes et la camionnette Peugeot Boxer 2.2 HDi",
        "der LKW MAN 18 und der Anhänger Krone",
        "the truck 2019 MAN was parked near the trailer on the E40",
        "trekker E313 richting Hasselt",
        "een vrachtwagen EUR 500 per rit",
        "une remorque de 40 m3 et un tracteur agricole",
        "trailer NL 123 and truck BE 4410",
    ],
)
def test_near_misses_after_a_vehicle_word(text: str) -> None:
    assert values(text) == set()
