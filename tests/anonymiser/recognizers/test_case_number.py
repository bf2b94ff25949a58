"""The case-number recognizer: PV numbers, prosecutor/court references, inspection and immigration files."""

from __future__ import annotations

import pytest

from anonymiser.labels import CASE_NUMBER
from anonymiser.recognizers.case_number import CaseNumberRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_set_finder

values = value_set_finder(CaseNumberRecognizer(), CASE_NUMBER)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # PV and notice numbers
        ("PV AN.55.L1.018734/2024 – Lokale Politie Antwerpen", "AN.55.L1.018734/2024"),
        ("PV n° BR.41.LL.026512/2023\nZone de police", "BR.41.LL.026512/2023"),
        ("A missing person report was filed (PV BR.55.L1.003108/2024) and the NGO", "BR.55.L1.003108/2024"),
        ("Notice du parquet LI.44.F1.012345/23 transmise.", "LI.44.F1.012345/23"),
        ("Belgian reference: FD.35.98.000117/2023\nRomanian counterpart", "FD.35.98.000117/2023"),
        ("Notitienummer AN50.98.1234/24 van het parket.", "AN50.98.1234/24"),
        ("Az. EU.43.L1.000254/2024, Betreff: Menschenhandel", "EU.43.L1.000254/2024"),
        # inspection, NGO and guardianship references
        ("Contrôle des lois sociales – Charleroi\nRéf. CLS/CHA/2024/0312\nLe 5 février", "CLS/CHA/2024/0312"),
        ("Ons dossiernummer is TSW/LIM/24/0193.\n\nGroeten", "TSW/LIM/24/0193"),
        ("Dossier ECOSOC/NA/24-0457\nLe 19 juin", "ECOSOC/NA/24-0457"),
        ("Pro Justitia n° CLS-MO/2023/1187\nConstat", "CLS-MO/2023/1187"),
        ("Dossier TSW-KEM-2024-0211; kopie naar het parket.", "TSW-KEM-2024-0211"),
        ("Our reference: NSSO/ECOSOC/GE/23/1190.", "NSSO/ECOSOC/GE/23/1190"),
        ("Client ref. SHL-2024-004\nSiriporn", "SHL-2024-004"),
        ("Romanian counterpart: DIICOT file 1249/D/P/2023\nMain targets", "1249/D/P/2023"),
        ("Rolnummer 2024/123/ABC bij de rechtbank.", "2024/123/ABC"),
        ("Voogdij: dossier VG/2024/1234 geopend.", "VG/2024/1234"),
        ("your ref.: IND-DUB-2024-11852\n\nMs J.", "IND-DUB-2024-11852"),
        # Immigration Office file numbers
        ("Dossiernummer DVZ: 8.812.604\n\nBetrokkene", "8.812.604"),
        ("Ref.: IO file 9.104.377\n\nOn 30 August", "9.104.377"),
        ("Office des étrangers – note au dossier 9.642.018\nLe 3 avril", "9.642.018"),
        ("Referentie: OV 9.317.550\nOp 21/06", "OV 9.317.550"),
        ("Dossier OE 1234567 bij de Dienst Vreemdelingenzaken.", "OE 1234567"),
        # anything reference-like after a context word
        ("PV n° 1234/2024 van de lokale politie.", "1234/2024"),
        ("Aktenzeichen 345-24-A der Beratungsstelle", "345-24-A"),
        ("Staatsanwaltschaft Aachen, Az. 12 Js 345/24, Vermerk", "12 Js 345/24"),
    ],
)
def test_finds_case_numbers(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        "mensenhandel (art. 433quinquies, §1, 5° Sw.)",
        "inbreuk op art. 77bis van de wet van 15/12/1980",
        "Il a payé 16.000 € au passeur.",
        "een schuld van 1.200 EUR en € 35.000",
        "Op 12/03/2024 om 06u10 controleren wij.",
        "Audition débutée le 06/02/2024 à 09h10.",
        "Dossier du 12/03/2024 – exploitation",
        "Ayoub (15 jaar) en 40 % van de omzet",
        "op de E40 en de E411",
        "in 2023-2024 werkte hij daar",
        "Dossier 2023 werd afgesloten.",
        "omzet van 1.200.000 euro",
        "A1-formulieren blijken niet geldig.",
    ],
)
def test_near_misses_are_not_case_numbers(text: str) -> None:
    assert values(text) == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Immigration Office files: any prefix of two or three capitals, a dotted 7-8 digit number
        ("DVZ – cel MINTEH\nDossier OV 10.472.118 – mail van 03/05/2024", "OV 10.472.118"),
        ("Note au dossier SP 8.305.927 du 14/02/2024", "SP 8.305.927"),
        ("File OE 11.639.204, note of 02/09/2024", "OE 11.639.204"),
        ("Réf. OE MA 9.118.460\nMadame,", "MA 9.118.460"),
        ("Betreft: DVZ 12.004.731 (verzoek verblijf)", "DVZ 12.004.731"),
        ("Unser Zeichen RT 10.551.072 vom Ausländeramt", "RT 10.551.072"),
        # court and youth-court references: hyphen-joined codes, a space, yy/nnnn
        ("réf. JC-NA 23/0918\nLe jeune", "JC-NA 23/0918"),
        ("Jeugdrechtbank, kenmerk JR-GE 24/2217 van de sectie", "JR-GE 24/2217"),
        ("tribunal de la jeunesse (TJ-BXL-PR 2024/03315)", "TJ-BXL-PR 2024/03315"),
        ("youth court reference YC-AN 22/471/B, hearing", "YC-AN 22/471/B"),
    ],
)
def test_finds_prefixed_immigration_files_and_court_references(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Il a payé EUR 1.250.000 pour le terrain.",
        "Een totaal van USD 12.345.678 werd witgewassen.",
        "omzet 2.450.000 EUR en een boete van € 35.000",
        "Dossier 2024 werd afgesloten",
        "contrat CDD-CDI 03/2024 signé",
        "De GSM 0475/123456 en FAX-NR 02/5551234.",
        "inbreuk op art. 77bis en art. 433quinquies",
        "RRN 85.070.123 en KBO 0403.170.701",
    ],
)
def test_near_misses_of_prefixed_references(text: str) -> None:
    assert values(text) == set()
