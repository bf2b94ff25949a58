"""Businesses that are parties in a case; institutions are not."""

from __future__ import annotations

import pytest

from anonymiser.recognizers.base import Document
from anonymiser.recognizers.organization import OrganizationRecognizer


@pytest.fixture(scope="module")
def recognizer() -> OrganizationRecognizer:
    return OrganizationRecognizer()


def found(recognizer: OrganizationRecognizer, text: str) -> set[str]:
    return {text[s.start : s.end] for s in recognizer.find(Document(text))}


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("Employeur apparent : Rénov'Plus SRL, gérant absent.", "Rénov'Plus SRL"),
        ("Ze werden gerekruteerd via Agro Muncă Expres SRL uit Suceava.", "Agro Muncă Expres SRL"),
        ("Ils sont détachés par l'agence Praca Plus Sp. z o.o. depuis mars.", "Praca Plus Sp. z o.o."),
        ("Posted by SlovWeld Services s.r.o. to the site.", "SlovWeld Services s.r.o."),
        ("Controle in het massagesalon Jade Wellness in het centrum.", "Jade Wellness"),
        (
            "Bei einer Kontrolle im Betrieb Reitstall Sonnenhof GmbH wurden drei Frauen angetroffen.",
            "Reitstall Sonnenhof GmbH",
        ),
        ("Werkgever: Prestige Facility Services BV, zetel in Gent.", "Prestige Facility Services BV"),
        ("Elle travaillait au bar à ongles Golden Nails & Beauty depuis un an.", "Golden Nails & Beauty"),
        ("contrôle de l'onglerie Ongles d'Or Wavre SRL, rue du Commerce", "Ongles d'Or Wavre SRL"),
        ("We inspected Himalayan Kitchen Brussels on a Monday.", "Himalayan Kitchen Brussels"),
        ("De Turkse firma Anadolu Yapı İnşaat Ltd. Şti. stuurde arbeiders.", "Anadolu Yapı İnşaat Ltd. Şti."),
    ],
)
def test_finds_the_business(recognizer: OrganizationRecognizer, text: str, org: str) -> None:
    assert org in found(recognizer, text)


def test_a_business_found_once_is_found_again(recognizer: OrganizationRecognizer) -> None:
    text = "Werkgever: Spice Route BV. Later bleek dat Spice Route ook een tweede zaak had."
    spans = list(recognizer.find(Document(text)))
    assert {text[s.start : s.end] for s in spans} >= {"Spice Route BV", "Spice Route"}


@pytest.mark.parametrize(
    "text",
    [
        "Lokale Politie Antwerpen, sectie Mensenhandel.",
        "Les mineurs sont signalés au Service des Tutelles.",
        "Guardianship Service – incident report",
        "DVZ – Cel Mensenhandel – nota aan het dossier",
        "Wij treffen drie vrouwen van Chinese nationaliteit aan.",
        "Elle déclare être en visite chez sa tante à Namur.",
        "Il travaille chez M. et Mme Dupont comme domestique.",
        "Le parquet de Charleroi a été avisé.",
    ],
)
def test_leaves_institutions_and_people(recognizer: OrganizationRecognizer, text: str) -> None:
    assert found(recognizer, text) == set()
