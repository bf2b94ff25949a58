"""Person names: positives in the four languages and police style, near-miss negatives."""

from __future__ import annotations

import pytest

from anonymiser.language import split_sentences
from anonymiser.recognizers.base import Document
from anonymiser.recognizers.person import PersonRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PersonRecognizer:
    return PersonRecognizer()


def found(recognizer: PersonRecognizer, text: str) -> set[str]:
    lang, sentences = split_sentences(text)
    return {text[s.start : s.end] for s in recognizer.find(Document(text, lang, sentences))}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # police style: surname in capitals
        ("De genaamde ZHANG Li, geboren in Wuhan, verklaart dat zij werkt.", "ZHANG Li"),
        ("Un deuxième ouvrier, Thiago SOUZA, n'a aucun document.", "Thiago SOUZA"),
        ("L'un d'eux, Rafael da SILVA COSTA, 27 ans, déclare être payé.", "Rafael da SILVA COSTA"),
        ("Beklaagden: Patrick DE WINTER en anderen.", "Patrick DE WINTER"),
        ("Bei der Kontrolle wurde Cornel LUPU angetroffen.", "Cornel LUPU"),
        ("The main target is IDAHOSA Ehigie, who runs the network.", "IDAHOSA Ehigie"),
        # titles and roles before a name
        ("Le gérant, M. Olivier Lambert, était absent.", "Olivier Lambert"),
        ("Zij werd opgevangen door mevrouw Veerle Claes van de dienst.", "Veerle Claes"),
        ("She was controlled by a madam called Mama Osas in Liège.", "Osas"),
        ("Betreiber der Bar ist Herr Stefan Marx aus Eupen.", "Stefan Marx"),
        ("Referred by inspector Renard of the judicial police.", "Renard"),
        # nicknames and aliases
        ("KOLEV Stoyan, dit « le Gros », gérait le salon.", "le Gros"),
        ('IONESCU Vasile alias "Vasi Boss" coordinated the transport.', "Vasi Boss"),
        ("Zij kent hem enkel als 'Hama Dubai' en belt hem soms.", "Hama Dubai"),
        # given names from the lists, initials, family references
        ("Blessing Adeyemi arrived via Libya and Italy in 2022.", "Blessing Adeyemi"),
        ("De zaak werd gemeld door Geert V. van de vakbond.", "Geert V"),
        ("Zij werkte als au pair bij het gezin DE CLERCQ in Brasschaat.", "DE CLERCQ"),
        # lower case after a context word
        ("Cliënte: olena voronova, 31 jaar, uit Kharkiv.", "olena voronova"),
        # a rare capitalised word in mid-sentence
        ("Hij kwam via een agent in Punjab, Harjeet, aan wie hij betaalde.", "Harjeet"),
        # a salutation
        ("Liebe Marie,\nwie telefonisch besprochen senden wir den Bericht.", "Marie"),
    ],
)
def test_finds_the_name(recognizer: PersonRecognizer, text: str, name: str) -> None:
    assert any(name in hit for hit in found(recognizer, text)), found(recognizer, text)


def test_a_name_found_once_is_found_again(recognizer: PersonRecognizer) -> None:
    text = "Client: Blessing ADEYEMI, Nigerian.\nBlessing arrived via Libya. Later Blessing left."
    hits = [s for s in recognizer.find(Document(text, "en", split_sentences(text)[1]))]
    assert sum(1 for s in hits if text[s.start : s.end] == "Blessing") == 2


@pytest.mark.parametrize(
    "text",
    [
        "Lokale Politie Antwerpen, sectie Mensenhandel.",
        "Het parket Antwerpen werd ingelicht om 07u05.",
        "Wij treffen drie vrouwen van Chinese nationaliteit aan.",
        "Ze werken op de Grote Markt in Brugge.",
        "Le parquet de Charleroi et la ZP Charleroi sont avisés.",
        "Die Frauen arbeiteten in der Bar, sagte die Polizei.",
        "De grijze Toyota voor de deur staat er al weken.",
        "Indices de traite (art. 433quinquies C. pén.) : logement indigne.",
        "PV AN.55.L1.018734/2024 werd opgesteld door de FGP.",
        "She travelled from Lagos to Milan and then to Brussels.",
        "Het slachtoffer is een Nigeriaanse vrouw van 24 jaar.",
        "Verhoor afgesloten op maandag om 14u30.",
    ],
)
def test_leaves_places_institutions_and_ordinary_words(recognizer: PersonRecognizer, text: str) -> None:
    assert found(recognizer, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mr LE was identified at the border in Calais.", "LE"),
        ("Beklaagde: DE MEESTER, zaakvoerder van de firma.", "DE MEESTER"),
        ("Le prévenu, PAPA Joseph, était absent à l'audience.", "PAPA Joseph"),
    ],
)
def test_particles_and_role_words_in_capitals_are_surnames(
    recognizer: PersonRecognizer, text: str, name: str
) -> None:
    assert name in found(recognizer, text)
