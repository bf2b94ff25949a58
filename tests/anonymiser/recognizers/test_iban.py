"""The IBAN recognizer: any country, grouped or compact, upper or lower case, checked by stdnum."""

from __future__ import annotations

import pytest

from anonymiser.labels import IBAN
from anonymiser.recognizers.iban import IbanRecognizer
from tests.anonymiser.recognizers.helpers import covered, value_list_finder

values = value_list_finder(IbanRecognizer(), IBAN)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Earnings were deposited on BE27 7515 7714 3673.\nNext steps", "BE27 7515 7714 3673"),
        ("Lonen gestort op BE18 0636 0974 5065; de bankkaart", "BE18 0636 0974 5065"),
        ("(BE71 0887 1074 5869).", "BE71 0887 1074 5869"),
        ("IBAN:BE27751577143673.", "BE27751577143673"),
        ("rekening be27 7515 7714 3673 van de baas", "be27 7515 7714 3673"),
        ("Konto BE27-7515-7714-3673, sagt sie.", "BE27-7515-7714-3673"),
        ("compte BE 27 7515 7714 3673 au nom de", "BE 27 7515 7714 3673"),
        ("een Litouwse rekening LT87 3250 0461 4419 8012 die door", "LT87 3250 0461 4419 8012"),
        ("vers le compte BG52 UNCR 8645 98M0 UEL9 UI. Véhicule", "BG52 UNCR 8645 98M0 UEL9 UI"),
        ("op zijn rekening RO38 INGB 0134 MAZ4 FTV8 2HNL. Als ik", "RO38 INGB 0134 MAZ4 FTV8 2HNL"),
        (
            "le compte polonais PL35 1542 3751 8078 3752 3463 2026, contrôlé",
            "PL35 1542 3751 8078 3752 3463 2026",
        ),
        ("Überweisung auf DE89 3704 0044 0532 0130 00 am Montag", "DE89 3704 0044 0532 0130 00"),
        ("rekening NL91ABNA0417164300 van de chauffeur", "NL91ABNA0417164300"),
    ],
)
def test_finds_ibans(text: str, value: str) -> None:
    assert value in values(text)
    assert covered(text, value, every_character=True)


def test_two_ibans_joined_by_a_word_are_both_found() -> None:
    text = "les comptes BE45 0889 5879 6289 et BE63 0018 7234 3308 avant"
    assert values(text) == ["BE45 0889 5879 6289", "BE63 0018 7234 3308"]


@pytest.mark.parametrize(
    "text",
    [
        "Earnings were deposited on BE27 7515 7714 3674.",  # wrong ISO check digits
        "rekening BE28 7515 7714 3673 van de baas",  # wrong ISO check digits
        "compte BE27 7515 7714 367 (incomplet)",
        "Ondernemingsnummer BE 0403.170.701",
        "Op 12 maart 2024 om 06u10 controleren wij.",
    ],
)
def test_near_misses_are_not_ibans(text: str) -> None:
    assert values(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # groups apart by two spaces (a layout left by copy-paste from a PDF or a bank statement)
        (
            "Het loon ging naar ES66  8301  6613  1860  9139  0996 van de broer.",
            "ES66  8301  6613  1860  9139  0996",
        ),
        ("versé sur BG86  BHBU  2462  8194  8219  93, puis retiré", "BG86  BHBU  2462  8194  8219  93"),
        ("konto PL85 5181 9093  7865 7975  4323 1948 (mixed)", "PL85 5181 9093  7865 7975  4323 1948"),
        ("rekening BE50  5260  1815  9018.", "BE50  5260  1815  9018"),
        ("conta PT53  7529  1703  4236  6712  7684  2 em Lisboa", "PT53  7529  1703  4236  6712  7684  2"),
        # a dash or a dot between the groups
        ("compte RO80-SLRK-9118-6252-7601-8955 ouvert", "RO80-SLRK-9118-6252-7601-8955"),
        ("Überweisung auf DE42.5979.7114.7104.9746.50 am Freitag", "DE42.5979.7114.7104.9746.50"),
    ],
)
def test_finds_ibans_with_wider_separators(text: str, value: str) -> None:
    assert values(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "rekening ES66  8301  6613  1860  9139  0997 (een cijfer fout)",
        "compte BE50   5260 1815 9018 (trois espaces)",
        "score ES 12  34  56  78 in de tabel",
    ],
)
def test_near_misses_with_wider_separators(text: str) -> None:
    assert values(text) == []
