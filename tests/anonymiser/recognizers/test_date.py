"""The date recognizer: day-precise dates in nl/fr/en/de, and dates of birth from their context."""

from __future__ import annotations

import pytest

from anonymiser.detect import Detector
from anonymiser.labels import DATE, DATE_OF_BIRTH
from anonymiser.recognizers.base import Document
from anonymiser.recognizers.date import DateRecognizer

DETECTOR = Detector([DateRecognizer()])


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in DETECTOR.detect(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Dutch
        ("Op 12/03/2024 om 06u10 controleren wij het salon.", "12/03/2024"),
        ("Betrokkene werd op 2 oktober 2024 aangetroffen.", "2 oktober 2024"),
        ("Vluchtte op 1 februari met hulp van een klant.", "1 februari"),
        ("Voorstel: dinsdag 20 februari om 10u bij ons.", "20 februari"),
        ("Verhoor afgesloten op 28-12-23 om 17u45.", "28-12-23"),
        ("Gesprek op 3 mei '24 in Gent.", "3 mei '24"),
        ("Controle van 14 mrt. 2024 in de haven.", "14 mrt. 2024"),
        ("Zij kwam aan op 3de maart.", "3de maart"),
        ("Afspraak op 12/3 in het opvangcentrum.", "12/3"),
        ("Tewerkgesteld van 01.03.2021 tot de controle.", "01.03.2021"),
        # French
        ("Le 5 février 2024, visite du chantier.", "5 février 2024"),
        ("Elle est arrivée le 1er mars à Bruxelles.", "1er mars"),
        ("Contrôle du lundi 5 févr. à la première heure.", "5 févr."),
        ("Audience fixée au 9 décembre 2024 devant le tribunal.", "9 décembre 2024"),
        ("Il a été contrôlé le 18 mai par la police.", "18 mai"),
        ("Le 14.11.2023 vers 23h00, patrouille.", "14.11.2023"),
        ("Rendez-vous le 12 janv. 2024.", "12 janv. 2024"),
        ("Le 03.IV.2024, perquisition.", "03.IV.2024"),
        # English
        ("Date of intake: 18 January 2024.", "18 January 2024"),
        ("The hearing is on January 18, 2024 in Ghent.", "January 18, 2024"),
        # "the Nth of Month": the article is part of the span (corpus convention)
        ("She escaped on the 18th of January.", "the 18th of January"),
        ("Please attend on March 3rd at the office.", "March 3rd"),
        ("Interview planned for 2024-01-25 in Brussels.", "2024-01-25"),
        ("The payment was made on Sept. 14.", "Sept. 14"),
        ("Flight booked for 03/25/2024 from Lagos.", "03/25/2024"),
        # German
        ("Am 3. Mai 2024 kontrollierten wir den Betrieb.", "3. Mai 2024"),
        ("Am 03.07.2024 gegen 04:30 Uhr.", "03.07.2024"),
        ("Könnt ihr am 5. Dezember ein Erstgespräch machen?", "5. Dezember"),
        ("Termin am 12. Dez. in Eupen.", "12. Dez."),
        ("Kontrolle am 3.7. um 8 Uhr.", "3.7."),
        # ranges before a month: one span
        ("Dans la nuit du 27 au 28 janvier 2024, elle a fui.", "27 au 28 janvier 2024"),
        ("In de nacht van 27 op 28 januari vluchtte zij.", "27 op 28 januari"),
        ("Vom 3. bis zum 5. Mai war sie in Aachen.", "3. bis zum 5. Mai"),
    ],
)
def test_finds_the_exact_date(text: str, value: str) -> None:
    assert found(text) == [(value, DATE)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Verdachte Vandenberghe Luc (°17/06/1970), zonder vast adres.", "17/06/1970"),
        ("BENALI Karim, ° 25/12/1991, Marokkaan.", "25/12/1991"),
        ("Mevrouw LIN Mei, Chinese, (° 3/4/1990).", "3/4/1990"),
        ("De genaamde ZHANG Li, geboren op 02/06/1990, legt een kaart voor.", "02/06/1990"),
        ("Naam: REYES Jonalyn\n°: 14/09/1986", "14/09/1986"),
        ("Geboren te Nghe An op 19/10/2002.", "19/10/2002"),
        ("Verklaarde geboortedatum 01/01/2009, aangetroffen in Brussel.", "01/01/2009"),
        ("Jana, geb. 12.03.2000, werd gehoord.", "12.03.2000"),
        ("Audition de OSAGIE Joy, née le 21/07/1990 à Benin City.", "21/07/1990"),
        ("STAN Ionuț, né le 03/09/2003, de nationalité roumaine.", "03/09/2003"),
        ("Je suis né(e) le 9 mars 1992 à Bacău.", "9 mars 1992"),
        ("Date de naissance : 15/05/1990", "15/05/1990"),
        ("Blessing ADEYEMI, Nigerian, DOB 1999-04-06, NRN unknown.", "1999-04-06"),
        ("Jaswinder GILL, born 12 March 1994, holds an Indian passport.", "12 March 1994"),
        ("I was born on 15 November 2000 in Kumasi.", "15 November 2000"),
        ("Date of birth: 04/11/2008", "04/11/2008"),
        ("NOWAK Agnieszka, geboren am 11.11.1995, polnische Staatsangehörige.", "11.11.1995"),
        ("Geburtsdatum: 22.09.1998", "22.09.1998"),
        ("Geb.-Datum 3. Mai 1985", "3. Mai 1985"),
    ],
)
def test_a_date_after_a_birth_cue_is_a_date_of_birth(text: str, value: str) -> None:
    assert found(text) == [(value, DATE_OF_BIRTH)]


@pytest.mark.parametrize(
    "text",
    [
        "Wij treffen haar aan om 06u10, later om 14h30 en om 22:15.",
        "In maart 2024 werkte zij in de bar.",
        "Elle est arrivée en Belgique en 2023, puis en mars 2024.",
        "She came to Belgium in 2022.",
        "Sie arbeitete jeden Montag und Dienstag.",
        "Zij werkte zeven dagen op zeven, 12 uur per dag.",
        "Il a payé 3.500 € pour 3 mois.",
        "Zie art. 433quinquies, § 1, 3° Sw. en artikel 77bis.",
        "The app was updated to version 2.10.15 yesterday.",
        "Zijn gsm 0475/31.88.02 werd afgeluisterd.",
        "Bel 0475.12.03.24 voor een afspraak.",
        "RRN 01.02.03-123.45 werd gecontroleerd.",
        "IP address 192.168.1.10 was logged.",
        "He may 12 times have called her.",
        "Op 2 Jan Peeters verklaarde niets.",
        "Op 1/3 van de lonen werd beslag gelegd.",
        "Afstand: 3.5 km tot de grens.",
        "The 31/04/2024 and 30/02/2024 do not exist.",
        "Friday 13th was a normal day.",
        "Opening hours: tot 10.12 uur.",
    ],
)
def test_not_a_date(text: str) -> None:
    assert found(text) == []


def test_dates_with_and_without_birth_cue_in_one_text() -> None:
    text = "Verhoor van POPA Mihaela, °20/02/1964, op 15/07/2024 in Brugge."
    assert found(text) == [("20/02/1964", DATE_OF_BIRTH), ("15/07/2024", DATE)]


def test_a_birth_cue_does_not_reach_past_another_number_or_a_comma() -> None:
    assert found("geboren in Roemenië, kwam op 12/03/2024 aan") == [("12/03/2024", DATE)]
    assert found("DOB unknown, arrived on 12/03/2024") == [("12/03/2024", DATE)]
    assert found("geboren op 02/06/1990, gehoord op 12/03/2024") == [
        ("02/06/1990", DATE_OF_BIRTH),
        ("12/03/2024", DATE),
    ]


def test_a_date_range_between_two_numeric_dates() -> None:
    # on the recognizer itself: the normaliser maps a run of four numbers as one block
    text = "tewerkgesteld van 01/03/2021-30/06/2023 zonder aangifte"
    spans = DateRecognizer().find(Document(text))
    assert [(text[s.start : s.end], s.label) for s in spans] == [("01/03/2021", DATE), ("30/06/2023", DATE)]


def test_obfuscated_digits_are_found_after_normalisation() -> None:
    # full-width digits and a zero-width space inside the date
    assert found("Op １２/０３/２０２４ gezien.") == [("１２/０３/２０２４", DATE)]
    assert found("Op 12/0\u200b3/2024 gezien.") == [("12/0\u200b3/2024", DATE)]


def test_validates_day_and_month() -> None:
    assert found("le 29/02/2024 et le 29 février") == [("29/02/2024", DATE), ("29 février", DATE)]
    assert found("le 32/01/2024, le 31 avril, le 2024-13-01") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The raid took place on the 4th of March 2023 at dawn.", "the 4th of March 2023"),
        ("Statement recorded the 22nd of October 2024, Ostend.", "the 22nd of October 2024"),
        ("She left Lagos on the 1st of August 2022.", "the 1st of August 2022"),
        ("Interview held on The 30th of November 2023 in Liège.", "The 30th of November 2023"),
        ("They met on the 3rd of May.", "the 3rd of May"),
    ],
)
def test_english_the_nth_of_month_includes_the_article(text: str, value: str) -> None:
    assert found(text) == [(value, DATE)]


@pytest.mark.parametrize(
    "text",
    [
        "She lived on the 3rd floor with the 2nd group.",
        "the 5th of the month was payday",
        "He stayed from the 1st to the 5th.",
    ],
)
def test_english_ordinals_without_a_month_are_not_dates(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Berichten uit de gsm:\n– 09/11 23:47 Mirela: kom nu\n", "09/11"),
        ("[27/02 07:05] Bogdan: wacht beneden", "27/02"),
        ("Messages: 14/06 21h40 « tu viens ? »", "14/06"),
        ("Chat: 30.01 18:02 – bel me terug", "30.01"),
        ('- 05/12, 06u15 "ben je wakker"', "05/12"),
    ],
)
def test_day_and_month_before_a_time_is_a_date(text: str, value: str) -> None:
    assert found(text) == [(value, DATE)]


@pytest.mark.parametrize(
    "text",
    [
        "Hij werkte 7/7 van 10:00 tot 22:00.",
        "Een derde (1/3) van 14:00 tot 18:00.",
        "Score 31/02 22:14 in de tabel.",  # no 31 February
        "Tel. 0475/12 22:14 gebeld",
    ],
)
def test_not_a_date_before_a_time(text: str) -> None:
    assert found(text) == []
