"""The address recognizer: street and house number with postcode and town, as one span."""

from __future__ import annotations

import pytest

from anonymiser.detect import Detector
from anonymiser.labels import ADDRESS
from anonymiser.recognizers.address import AddressRecognizer

DETECTOR = Detector([AddressRecognizer()])


def found(text: str) -> list[str]:
    spans = DETECTOR.detect(text)
    assert all(s.label == ADDRESS for s in spans)
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Belgian Dutch
        (
            "Controle in het salon, Carnotstraat 141, 2060 Antwerpen. Wij treffen",
            "Carnotstraat 141, 2060 Antwerpen",
        ),
        ("Zij woont in de Kerkstraat 5A sinds januari.", "Kerkstraat 5A"),
        (
            "Adres: Brusselsesteenweg 12 bus 3, 9050 Gentbrugge.",
            "Brusselsesteenweg 12 bus 3, 9050 Gentbrugge",
        ),
        ("Afspraak aan de Grote Markt 1 om tien uur.", "Grote Markt 1"),
        ("Kot in de Sint-Pietersnieuwstraat 41 te Gent.", "Sint-Pietersnieuwstraat 41 te Gent"),
        ("Kantoor Leopold II-laan 10, 1000 Brussel.", "Leopold II-laan 10, 1000 Brussel"),
        ("Verblijfadres: 2060 Antwerpen, Carnotstraat 141.", "2060 Antwerpen, Carnotstraat 141"),
        (
            "Rijhuis aan de Gistelse Steenweg 287, 8200 Sint-Andries; daarvoor",
            "Gistelse Steenweg 287, 8200 Sint-Andries",
        ),
        ("Bedrijf gevestigd Heikant 4, 2480 Dessel.", "Heikant 4, 2480 Dessel"),
        ("wonende Kerkstraat 5 te 2000 Antwerpen.", "Kerkstraat 5 te 2000 Antwerpen"),
        (
            "Appartement Lange Lozanastraat 19 bus 4, 2018 Antwerpen; gsm",
            "Lange Lozanastraat 19 bus 4, 2018 Antwerpen",
        ),
        ("Op de O.L.Vrouwstraat 5 werd zij opgepikt.", "O.L.Vrouwstraat 5"),
        ("Woning Steenweg op Gent 123, 9300 Aalst.", "Steenweg op Gent 123, 9300 Aalst"),
        ("Op het Sint-Jansplein 3 bus 2 woonde zij.", "Sint-Jansplein 3 bus 2"),
        (
            "Tijdelijk aan de Kortrijksesteenweg 1120 bus 11, 9051 Sint-Denijs-Westrem.",
            "Kortrijksesteenweg 1120 bus 11, 9051 Sint-Denijs-Westrem",
        ),
        # Belgian French
        (
            "Chantier situé rue de la Providence 88, 6030 Marchienne-au-Pont, avec",
            "rue de la Providence 88, 6030 Marchienne-au-Pont",
        ),
        ("Elle travaillait rue de l'Agneau 27, 4000 Liège. Son GSM", "rue de l'Agneau 27, 4000 Liège"),
        ("Entrepôt Chaussée de Mons 1234 bte 5 à Anderlecht.", "Chaussée de Mons 1234 bte 5 à Anderlecht"),
        ("Cabinet Av. Louise 54/3, 1050 Ixelles.", "Av. Louise 54/3, 1050 Ixelles"),
        ("Restaurant Grand-Rue 17, 7000 Mons.", "Grand-Rue 17, 7000 Mons"),
        ("Salon Chaussée d'Ixelles 219, 1050 Ixelles.", "Chaussée d'Ixelles 219, 1050 Ixelles"),
        (
            "Domicilié rue des Commerçants 39 bte 2, 1000 Bruxelles.",
            "rue des Commerçants 39 bte 2, 1000 Bruxelles",
        ),
        ("Rendez-vous au 15, boulevard Anspach à midi.", "15, boulevard Anspach"),
        ("Logement Place du Jeu de Balle 12, 1000 Bruxelles.", "Place du Jeu de Balle 12, 1000 Bruxelles"),
        ("Il habitait rue des champs 12 à Namur.", "rue des champs 12 à Namur"),
        ("Rencontre Place du 20 Août 1, 4000 Liège.", "Place du 20 Août 1, 4000 Liège"),
        ("Bureau Rue de la Loi 16, B-1000 Bruxelles.", "Rue de la Loi 16, B-1000 Bruxelles"),
        # German (Belgian and German)
        ("Betrieb Zur Hütte 7, 4760 Büllingen. Zwei", "Zur Hütte 7, 4760 Büllingen"),
        (
            "Bar in der Malmedyer Straße 55, 4780 Sankt Vith, am Abend.",
            "Malmedyer Straße 55, 4780 Sankt Vith",
        ),
        ("Wohnung Hauptstraße 12, 52062 Aachen.", "Hauptstraße 12, 52062 Aachen"),
        ("Sie wohnt in der Bahnhofstr. 3 seit Mai.", "Bahnhofstr. 3"),
        ("Adresse in Brüssel: Rue du Progrès 210, 1030 Schaerbeek.", "Rue du Progrès 210, 1030 Schaerbeek"),
        # Dutch (Netherlands), English, French (France)
        ("Woning Damrak 22, 1012 LM Amsterdam.", "Damrak 22, 1012 LM Amsterdam"),
        ("She lives at 12 Church Street with her aunt.", "12 Church Street"),
        ("Her address was Flat 3, 45 Green Road, London.", "Flat 3, 45 Green Road, London"),
        ("Office at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        ("Il logeait 12 rue des Lilas, 59000 Lille.", "12 rue des Lilas, 59000 Lille"),
        # foreign
        ("residing Strada Mihai Viteazu 12, Craiova;", "Strada Mihai Viteazu 12, Craiova"),
        ("Adresa: str. Victoriei nr. 5, bl. A3, ap. 14, Iași.", "str. Victoriei nr. 5, bl. A3, ap. 14, Iași"),
        ("Mieszka ul. Marszałkowska 5/12, Warszawa.", "ul. Marszałkowska 5/12, Warszawa"),
        ("Adres: bul. Vitosha 15, Sofia.", "bul. Vitosha 15, Sofia"),
        ("Domicile Calle Mayor 5, 28013 Madrid.", "Calle Mayor 5, 28013 Madrid"),
        ("He stayed at 12 Allen Avenue, Ikeja, Lagos.", "12 Allen Avenue, Ikeja, Lagos"),
        (
            "Zuvor in der Str. Mircea cel Bătrân nr. 24, Constanța.",
            "Str. Mircea cel Bătrân nr. 24, Constanța",
        ),
        ("Controle in de loods aan de Industrielaan 8 in Temse.", "Industrielaan 8 in Temse"),
    ],
)
def test_finds_the_whole_address(text: str, value: str) -> None:
    assert found(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Hij woont in Antwerpen sinds 2020.",
        "Op de Grote Markt was het druk.",
        "Controle op de parking Jabbeke langs de E40 om 03u40.",
        "Zij werkte in de provincie Antwerpen en in Limburg.",
        "Elle a traversé la rue et 3 hommes sont arrivés.",
        "La rue de la Loi est fermée le dimanche.",
        "Il est venu sur place 3 fois.",
        "Sur la place Flagey, 11 des 18 coursiers étaient en règle.",
        "Zij woonde in de Kerkstraat, 2000 Antwerpen.",
        "Il habitait rue de la Loi, 1000 Bruxelles.",
        "Onderweg 3 keer gestopt.",
        "Zij werkte in Amsterdam 2019 en 2020.",
        "Verklaring 3: zij werkte 12 uur per dag.",
        "Paspoort 3 was vervalst.",
        "Vergadering 3 maart met het parket.",
        "Groep 3 bestond uit 14 Roemenen.",
        "Im Jahr 2023 kam sie nach Aachen.",
        "Sie arbeitete auf dem Parkplatz 3 Tage lang.",
        "She was moved to Birmingham in 2021 and then to Brussels.",
        "Via Western Union 3 transfers were made.",
        "Het Hof van Beroep Antwerpen, 12de kamer, oordeelde.",
        "PV CH.55.L7.014402/2023 werd opgesteld.",
        "Op het Sint-Pietersplein stonden 3 agenten.",
        "Zie art. 433quinquies Sw. en hoofdstuk 3.",
    ],
)
def test_not_an_address(text: str) -> None:
    assert found(text) == []


def test_two_addresses_in_one_text() -> None:
    text = "Uitbater PATEL, wonende Hoogstraat 14, 3600 Genk; winkel Stalenstraat 28, 3600 Genk."
    assert found(text) == ["Hoogstraat 14, 3600 Genk", "Stalenstraat 28, 3600 Genk"]


def test_upper_and_lower_case_streets() -> None:
    assert found("ADRES: CARNOTSTRAAT 141, 2060 ANTWERPEN") == ["CARNOTSTRAAT 141, 2060 ANTWERPEN"]
    assert found("adres: carnotstraat 141") == ["carnotstraat 141"]


def test_obfuscated_address_is_found_after_normalisation() -> None:
    text = "Adres: Carnot\u00adstraat 1\u200b41, 2060\u00a0Antwerpen."
    assert found(text) == ["Carnot\u00adstraat 1\u200b41, 2060\u00a0Antwerpen"]
