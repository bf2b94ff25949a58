"""The e-mail recognizer: plain and (once normalised) obfuscated addresses."""

from __future__ import annotations

import pytest

from anonymiser.detect import detect
from anonymiser.labels import EMAIL
from anonymiser.recognizers.email import EmailRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_list_finder

values = value_list_finder(EmailRecognizer(), EMAIL)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Van: kristof.willems@werk.belgie.be\nAan: iemand", "kristof.willems@werk.belgie.be"),
        ("Contact de la mère : Sophie M., sophie.marchal77@hotmail.com.", "sophie.marchal77@hotmail.com"),
        ("E-mail:fernanda.souza96@gmail.com.", "fernanda.souza96@gmail.com"),
        ("(jan.peeters+thb@mail.police.belgium.eu)", "jan.peeters+thb@mail.police.belgium.eu"),
        ("Von: k.schroeder@beratung-aachen.de\nAn: marie", "k.schroeder@beratung-aachen.de"),
        ("Her lawyer is K. V., kvanrompaey@advocaten-vrk.be.", "kvanrompaey@advocaten-vrk.be"),
        ("mail: JAN_PEETERS@Example.CO.UK, dringend", "JAN_PEETERS@Example.CO.UK"),
        ("schrijf naar jan @ gmail.com vandaag", "jan @ gmail.com"),
    ],
)
def test_finds_emails(text: str, value: str) -> None:
    assert values(text) == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mail jan.peeters[at]gmail[dot]com vandaag", "jan.peeters[at]gmail[dot]com"),
        ("écrire à sophie (at) hotmail (dot) fr demain", "sophie (at) hotmail (dot) fr"),
        ("write to joy.o at outlook dot com please", "joy.o at outlook dot com"),
        ("Adresse: lea{at}proton{dot}me.", "lea{at}proton{dot}me"),
    ],
)
def test_obfuscated_emails_are_redacted_by_the_detector(text: str, value: str) -> None:
    assert any(s.label == EMAIL for s in detect(text))
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Via Instagram @dams_bxl_officiel werd ze benaderd.",
        "via Instagram @dams.bxl",
        "Afspraak @ 14u in het station.",
        "Elle était at home.",
        "x@y zonder domein",
    ],
)
def test_near_misses_are_not_emails(text: str) -> None:
    assert values(text) == []
