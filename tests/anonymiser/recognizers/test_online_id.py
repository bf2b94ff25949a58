"""The online-ID recognizer: URLs, handles, messenger IDs, ad pseudonyms and IP addresses."""

from __future__ import annotations

import pytest

from anonymiser.detect import detect
from anonymiser.labels import ONLINE_ID
from anonymiser.recognizers.base import Document
from anonymiser.recognizers.online_id import OnlineIdRecognizer

RECOGNIZER = OnlineIdRecognizer()


def values(text: str) -> set[str]:
    spans = list(RECOGNIZER.find(Document(text)))
    assert all(s.label == ONLINE_ID for s in spans)
    return {text[s.start : s.end] for s in spans}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # URLs and bare links
        (
            "Une annonce a été repérée : https://www.vivastreet.be/annonce-bruxelles/409918273.",
            "https://www.vivastreet.be/annonce-bruxelles/409918273",
        ),
        (
            "Ik leerde Florin kennen via Facebook (facebook.com/florin.dumitru.9041). Hij zei",
            "facebook.com/florin.dumitru.9041",
        ),
        (
            'a profile called "Anh Long Bien" (facebook.com/profile.php?id=100084416290537). His',
            "facebook.com/profile.php?id=100084416290537",
        ),
        ("Kontakt über wa.me/32470123456, sagt sie.", "wa.me/32470123456"),
        ("Le groupe t.me/travail_belgique recrute.", "t.me/travail_belgique"),
        ("Zie www.escort-site.be/profiel/anna, geplaatst in maart.", "www.escort-site.be/profiel/anna"),
        ("Video on tiktok.com/@lisa.x was removed.", "tiktok.com/@lisa.x"),
        # handles
        (
            "Instagram un jeune homme utilisant le compte @dams_bxl_officiel, qui se présente",
            "@dams_bxl_officiel",
        ),
        ("De recruiter gebruikte het account @job_belgium_hostess. In Antwerpen", "@job_belgium_hostess"),
        # messenger IDs and account names after a platform or account word
        ("De verdachte gebruikte het Snapchat-account ziko_2060 en het nummer", "ziko_2060"),
        ("Contact: LINE ID siri_kaew81, phone unknown.", "siri_kaew81"),
        ("Il recrutait via WeChat (identifiant gaoxm_spa888) ;", "gaoxm_spa888"),
        ("een vrouw die haar via WeChat (fangjie_0571) instructies gaf", "fangjie_0571"),
        ("die ik leerde kennen op Snapchat, zijn account was yassin.gnt9000. Na een paar", "yassin.gnt9000"),
        ("Telegram: bellagirl, daar werden de klanten geregeld.", "bellagirl"),
        ("Benutzername: kitty_69 auf der Plattform.", "kitty_69"),
        # quoted pseudonyms and profile names
        (
            "annonces publiées sur un site d'escorte sous le pseudo « Bella_Albana24 ». Menaces",
            "Bella_Albana24",
        ),
        ("avec des annonces publiées sous le profil « Sexy_Vanya_LG ». Les revenus", "Sexy_Vanya_LG"),
        ("sur un site d'escorte (profils « Kitty_Charleroi » et « NewGirlDora »), nous", "NewGirlDora"),
        ('chatting on Messenger with a profile called "Anh Long Bien" (link)', "Anh Long Bien"),
        ("et la page Facebook « Munca in Belgia - Ion C. ».", "Munca in Belgia - Ion C."),
        ('een Zalo-account "thuhoang.nails88". De BMW', "thuhoang.nails88"),
        ("livre sous le compte « rider_BX_44718 » enregistré", "rider_BX_44718"),
        # IP addresses
        ("Het IP-adres 192.168.1.24 werd gelogd.", "192.168.1.24"),
        ("connexion depuis 2001:db8::8a2e:370:7334 le soir", "2001:db8::8a2e:370:7334"),
    ],
)
def test_finds_online_ids(text: str, value: str) -> None:
    assert value in values(text)
    start = text.index(value)
    spans = detect(text)
    assert all(
        any(s.start <= i < s.end for s in spans)
        for i in range(start, start + len(value))
        if text[i].isalnum()
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ze leerde hem kennen via Facebook en WhatsApp.",
        'Hij werd via een Telegram-kanaal benaderd voor "hostessewerk" in Antwerpen.',
        "Il dit sur Facebook : « Je travaille ici depuis deux ans ».",
        "het account van zijn broer werd geblokkeerd",
        "mail jan.peeters@gmail.com vandaag",
        "op 12.03.2024 om 14:30:00",
        "Sur le compte BE35 0003 9816 9337 du frère.",
        "le site vivastreet.be publie des annonces",
    ],
)
def test_near_misses_are_not_online_ids(text: str) -> None:
    assert values(text) == set()
