"""The online-ID recognizer: URLs, handles, messenger IDs, ad pseudonyms and IP addresses."""

from __future__ import annotations

import pytest

from anonymiser.detect import detect
from anonymiser.labels import ONLINE_ID
from anonymiser.recognizers.online_id import OnlineIdRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_set_finder

values = value_set_finder(OnlineIdRecognizer(), ONLINE_ID)


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
    assert covered(text, value)


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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # an underscore between letters or digits, no platform word needed
        ("As mensagens vinham do perfil Lia_Morena_GNT e do número", "Lia_Morena_GNT"),
        ("Klanten contacteerden haar via Kiki_Antwerp_VIP, zegt ze.", "Kiki_Antwerp_VIP"),
        ("the recruiter (nadia_jobs_eu) promised work", "nadia_jobs_eu"),
        ("perfil Rosa_Latina_LGG en el sitio", "Rosa_Latina_LGG"),
        # a lower-case dotted token with digits
        ("Le Snap de « Le Boss » est boss.mons7000. Il roule", "boss.mons7000"),
        ("zij gebruikte thao.beauty0311 voor de afspraken", "thao.beauty0311"),
        ("contact went through karim.gent.93 and a burner phone", "karim.gent.93"),
        # a login written like an e-mail address without a top-level domain
        (
            "les prestations via le compte Edenred nettoyage.bxl@edenred sont fictives",
            "nettoyage.bxl@edenred",
        ),
        ("login jdv_cleaning@monizze gebruikt door de werkgever", "jdv_cleaning@monizze"),
        # courier and rider IDs
        ("le compte Uber Eats d'un tiers (ID coursier KAM-558213) était loué", "KAM-558213"),
        ("his rider ID 4471902 on the Deliveroo app", "4471902"),
        ("courier ID: dlv-88314-x was shared", "dlv-88314-x"),
        ("Fahrer-ID TX-20931 bei Lieferando", "TX-20931"),
        # naming phrases
        ('Zij adverteert op Telegram onder de naam "nina.gold77".', "nina.gold77"),
        ("Il se présente sous le nom yass_trader_be aux victimes.", "yass_trader_be"),
        ('Her Signal account runs under the name "MissLotusBxl" since May', "MissLotusBxl"),
        # a hyphen-joined name after a username word
        ("de chatsite, gebruikersnaam Hot-Lina-ANR, en betalingen", "Hot-Lina-ANR"),
        ("pseudo: Doudou-Mons-2024 sur le site", "Doudou-Mons-2024"),
        # a profile name of capitalised words after a profile word
        ("via Facebook (profil Emplois Rapides Belgique) pour un poste", "Emplois Rapides Belgique"),
        ("Het profiel Werk In Belgie Snel bood jobs aan.", "Werk In Belgie Snel"),
        ("She answered the profile Golden Care Agency on Instagram.", "Golden Care Agency"),
        ("o perfil Trabalho Europa Já publicava anúncios", "Trabalho Europa Já"),
    ],
)
def test_finds_handle_shaped_tokens_and_named_profiles(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value)


@pytest.mark.parametrize(
    "text",
    [
        # file names, versions, decimals, law articles, abbreviations with a number
        "Het bestand rapport_final.pdf en de foto IMG_2031 werden bewaard.",
        "Open data_2024.csv and notes_v2.txt",
        "De app versie v1.2.3 en release 2.10.15 of 3.14 euro.",
        "Volgens art.77bis en art.433quinquies van de wet.",
        "tel.0475 en nr.12 en blz.112",
        # domains (bare domains are platforms) and e-mail addresses
        "le site escort123.be publie des annonces",
        "mail naar jan_peeters@gmail.com of info@fedasil.be",
        # ordinary words after profile words, in German, and single capitalised words
        "The risk profile High was assigned to the file.",
        "Im Profil Fotos ihrer Kinder und Bilder vom Urlaub.",
        "Son profil Facebook a été supprimé. Le profil de Marie aussi.",
        "Elle est connue sous le nom de « Mama Rose » dans le quartier.",
        "Il est connu sous le nom Ziko dans le quartier.",
        # hyphenated words after a username word, ids after other words
        "pseudo anti-fraude et username well-known",
        "The team had to handle COVID-19 measures and a pseudo-COVID-19 scare.",
        "the driver ID card was checked and the rider id unknown",
        "ID 12345 van de klant",
    ],
)
def test_near_misses_of_handle_shaped_tokens(text: str) -> None:
    assert values(text) == set()


def test_capitalised_nouns_after_profil_in_german_are_no_profile_name() -> None:
    text = "Die Frau hat auf ihrem Profil Bilder Ihrer Kinder und Videos gepostet, sagte die Zeugin."
    assert [s for s in detect(text) if s.label == ONLINE_ID] == []
