"""Generalisation: postcode and municipality -> province, ages and birth dates -> band, dates -> month."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from anonymiser.codelists import CodeLists, default_codelists
from anonymiser.generalise import (
    AFTER_REGISTRATION,
    NOT_A_CODE,
    NOT_A_DATE,
    NOT_A_POSTCODE,
    OUT_OF_RANGE,
    UNKNOWN_MUNICIPALITY,
    WRONG_TYPE,
    GeneraliseError,
    age_band,
    age_band_at_registration,
    age_on,
    band_is_minor,
    minor_on,
    nationality_or_region,
    parse_date,
    province_of_country,
    province_of_municipality,
    province_of_postcode,
    to_month,
)


@pytest.fixture(scope="module")
def lists() -> CodeLists:
    return default_codelists()


# -- postcodes ------------------------------------------------------------------------------------

POSTCODE_BOUNDARIES = [
    (1000, "BE-BRU"),
    (1299, "BE-BRU"),
    (1300, "BE-WBR"),
    (1499, "BE-WBR"),
    (1500, "BE-VBR"),
    (1999, "BE-VBR"),
    (2000, "BE-VAN"),
    (2999, "BE-VAN"),
    (3000, "BE-VBR"),
    (3499, "BE-VBR"),
    (3500, "BE-VLI"),
    (3999, "BE-VLI"),
    (4000, "BE-WLG"),
    (4999, "BE-WLG"),
    (5000, "BE-WNA"),
    (5999, "BE-WNA"),
    (6000, "BE-WHT"),
    (6599, "BE-WHT"),
    (6600, "BE-WLX"),
    (6999, "BE-WLX"),
    (7000, "BE-WHT"),
    (7999, "BE-WHT"),
    (8000, "BE-VWV"),
    (8999, "BE-VWV"),
    (9000, "BE-VOV"),
    (9999, "BE-VOV"),
]


@pytest.mark.parametrize(("postcode", "province"), POSTCODE_BOUNDARIES)
def test_postcode_boundaries(lists: CodeLists, postcode: int, province: str) -> None:
    assert province_of_postcode(str(postcode), lists) == province
    assert province_of_postcode(postcode, lists) == province


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("B-1000", "BE-BRU"),
        ("BE-2000", "BE-VAN"),
        ("BE 9000", "BE-VOV"),
        ("b1300", "BE-WBR"),
        ("  6600  ", "BE-WLX"),
        ("1000 Brussel", "BE-BRU"),
        ("4000 Liège", "BE-WLG"),
    ],
)
def test_postcode_formats(lists: CodeLists, text: str, province: str) -> None:
    assert province_of_postcode(text, lists) == province


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0999", NOT_A_POSTCODE),
        ("999", NOT_A_POSTCODE),
        ("10000", NOT_A_POSTCODE),
        ("75001", NOT_A_POSTCODE),
        ("abcd", NOT_A_POSTCODE),
        ("", NOT_A_POSTCODE),
        (999, NOT_A_POSTCODE),
        (10000, NOT_A_POSTCODE),
        (None, WRONG_TYPE),
        (True, WRONG_TYPE),
        (12.5, WRONG_TYPE),
    ],
)
def test_bad_postcodes(lists: CodeLists, value: object, problem: str) -> None:
    with pytest.raises(GeneraliseError) as err:
        province_of_postcode(value, lists)
    assert err.value.problem == problem


# -- municipalities -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("Antwerpen", "BE-VAN"),
        ("Anvers", "BE-VAN"),
        ("Antwerp", "BE-VAN"),
        ("Bruxelles", "BE-BRU"),
        ("Brussel", "BE-BRU"),
        ("BRUSSELS", "BE-BRU"),
        ("Liège", "BE-WLG"),
        ("Liege", "BE-WLG"),
        ("Luik", "BE-WLG"),
        ("Gent", "BE-VOV"),
        ("Gand", "BE-VOV"),
        ("Charleroi", "BE-WHT"),
        ("Namur", "BE-WNA"),
        ("Namen", "BE-WNA"),
        ("Mons", "BE-WHT"),
        ("Bergen", "BE-WHT"),
        ("Leuven", "BE-VBR"),
        ("Louvain", "BE-VBR"),
        ("Louvain-la-Neuve", "BE-WBR"),
        ("Brugge", "BE-VWV"),
        ("Bruges", "BE-VWV"),
        ("Hasselt", "BE-VLI"),
        ("Arlon", "BE-WLX"),
        ("Aarlen", "BE-WLX"),
        ("Wavre", "BE-WBR"),
        ("Waver", "BE-WBR"),
        ("Sint Jans Molenbeek", "BE-BRU"),
        ("sint-jans-molenbeek", "BE-BRU"),
        ("Saint-Nicolas", "BE-WLG"),
        ("Sint-Niklaas", "BE-VOV"),
        ("Bruxelles/Brussel", "BE-BRU"),
        ("Brussel (Laken)", "BE-BRU"),
        ("2000 Antwerpen", "BE-VAN"),
        ("9999 Anvers", "BE-VOV"),  # the postcode decides
    ],
)
def test_municipalities(lists: CodeLists, name: str, province: str) -> None:
    assert province_of_municipality(name, lists) == province


@pytest.mark.parametrize("name", ["Atlantis", "", "Paris", "12"])
def test_unknown_municipality(lists: CodeLists, name: str) -> None:
    with pytest.raises(GeneraliseError) as err:
        province_of_municipality(name, lists)
    assert err.value.problem == UNKNOWN_MUNICIPALITY
    assert name not in str(err.value) or not name


def test_country_of_exploitation(lists: CodeLists) -> None:
    assert province_of_country("NL", lists) == "abroad"
    assert province_of_country("Frankrijk", lists) == "abroad"
    assert province_of_country("BE", lists) is None
    assert province_of_country("België", lists) is None
    assert province_of_country("unknown", lists) is None
    for bad in ("Narnia", "stateless"):
        with pytest.raises(GeneraliseError) as err:
            province_of_country(bad, lists)
        assert err.value.problem == NOT_A_CODE


# -- ages -----------------------------------------------------------------------------------------

AGE_EDGES = [
    (0, "0-8"),
    (8, "0-8"),
    (9, "9-17"),
    (17, "9-17"),
    (18, "18-20"),
    (20, "18-20"),
    (21, "21-23"),
    (23, "21-23"),
    (24, "24-26"),
    (26, "24-26"),
    (27, "27-29"),
    (29, "27-29"),
    (30, "30-38"),
    (38, "30-38"),
    (39, "39-47"),
    (47, "39-47"),
    (48, "48+"),
    (120, "48+"),
]


@pytest.mark.parametrize(("age", "band"), AGE_EDGES)
def test_age_band_edges(lists: CodeLists, age: int, band: str) -> None:
    assert age_band(age, lists) == band


@pytest.mark.parametrize(
    ("age", "problem"),
    [(-1, OUT_OF_RANGE), (121, OUT_OF_RANGE), (150, OUT_OF_RANGE), (True, WRONG_TYPE), ("12", WRONG_TYPE)],
)
def test_impossible_ages(lists: CodeLists, age: object, problem: str) -> None:
    with pytest.raises(GeneraliseError) as err:
        age_band(age, lists)
    assert err.value.problem == problem


@pytest.mark.parametrize(
    ("birth", "registered", "band"),
    [
        (date(2005, 5, 17), date(2023, 5, 16), "9-17"),  # the day before the 18th birthday
        (date(2005, 5, 17), date(2023, 5, 17), "18-20"),  # on the birthday
        (date(2005, 5, 17), date(2023, 5, 18), "18-20"),
        ("17/05/2005", date(2023, 5, 16), "9-17"),
        ("2005-05-17", date(2023, 5, 17), "18-20"),
        (date(2023, 5, 17), date(2023, 5, 17), "0-8"),  # born on the day of registration
        (date(1975, 1, 1), date(2023, 1, 1), "48+"),
        (date(1975, 1, 2), date(2023, 1, 1), "39-47"),
    ],
)
def test_age_band_at_registration(lists: CodeLists, birth: object, registered: date, band: str) -> None:
    assert age_band_at_registration(registered, lists, birth_date=birth) == band


def test_age_band_at_registration_prefers_birth_date(lists: CodeLists) -> None:
    assert age_band_at_registration(date(2023, 1, 1), lists, birth_date="2000-01-01", age=40) == "21-23"
    assert age_band_at_registration(date(2023, 1, 1), lists, age=40) == "39-47"
    assert age_band_at_registration(date(2023, 1, 1), lists) == "unknown"


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (date(2024, 1, 1), AFTER_REGISTRATION),
        ("2024-01-01", AFTER_REGISTRATION),
        ("1800-01-01", OUT_OF_RANGE),
        ("1901-01-01", OUT_OF_RANGE),  # 122 years old
        ("2020-02-30", NOT_A_DATE),
        ("30/02/2020", NOT_A_DATE),
        ("yesterday", NOT_A_DATE),
        (19900101, WRONG_TYPE),
    ],
)
def test_impossible_birth_dates(lists: CodeLists, birth: object, problem: str) -> None:
    with pytest.raises(GeneraliseError) as err:
        age_band_at_registration(date(2023, 6, 1), lists, birth_date=birth)
    assert err.value.problem == problem
    assert str(birth) not in str(err.value)


def test_leap_day_birthday() -> None:
    assert age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18
    assert age_on(date(2004, 2, 29), date(2024, 2, 29)) == 20


def test_minor_on() -> None:
    assert minor_on(date(2005, 5, 17), date(2023, 5, 16)) == "yes"
    assert minor_on(date(2005, 5, 17), date(2023, 5, 17)) == "no"


def test_band_is_minor(lists: CodeLists) -> None:
    assert band_is_minor("0-8", lists) is True
    assert band_is_minor("9-17", lists) is True
    assert band_is_minor("18-20", lists) is False
    assert band_is_minor("unknown", lists) is None


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "month"),
    [
        (date(2023, 1, 31), "2023-01"),
        (datetime(2023, 12, 1, 23, 59), "2023-12"),
        ("2023-02-28", "2023-02"),
        ("2024-02-29", "2024-02"),
        ("2023-7-4", "2023-07"),
        ("04/07/2023", "2023-07"),
        ("4.7.2023", "2023-07"),
        ("04-07-2023", "2023-07"),
        ("20230704", "2023-07"),
        ("2023-07-04T10:15:00+02:00", "2023-07"),
        ("1900-01-01", "1900-01"),
    ],
)
def test_to_month(value: object, month: str) -> None:
    assert to_month(value, latest=date(2025, 1, 1)) == month


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2023-02-30", NOT_A_DATE),
        ("2023-02-29", NOT_A_DATE),
        ("2023-13-01", NOT_A_DATE),
        ("31/04/2023", NOT_A_DATE),
        ("0000-01-01", NOT_A_DATE),
        ("1800-01-01", OUT_OF_RANGE),
        ("1899-12-31", OUT_OF_RANGE),
        ("2999-01-01", OUT_OF_RANGE),
        ("07/04/23", NOT_A_DATE),
        ("", NOT_A_DATE),
        ("\x00\xff", NOT_A_DATE),
        (None, WRONG_TYPE),
        (2023, WRONG_TYPE),
    ],
)
def test_impossible_dates(value: object, problem: str) -> None:
    with pytest.raises(GeneraliseError) as err:
        parse_date(value, latest=date(2025, 1, 1))
    assert err.value.problem == problem


def test_default_latest_is_tomorrow() -> None:
    parse_date(date.today())
    with pytest.raises(GeneraliseError):
        parse_date(date(date.today().year + 2, 1, 1))


# -- nationality ----------------------------------------------------------------------------------


def test_nationality_or_region(lists: CodeLists) -> None:
    def keep_romania(code: str) -> bool:
        return code == "RO"

    assert nationality_or_region("RO", keep_romania, lists) == "RO"
    assert nationality_or_region("Roumanie", keep_romania, lists) == "RO"
    assert nationality_or_region("NG", keep_romania, lists) == "202"
    assert nationality_or_region("LI", keep_romania, lists) == "155"
    assert nationality_or_region("stateless", keep_romania, lists) == "stateless"
    assert nationality_or_region("unknown", keep_romania, lists) == "unknown"
    with pytest.raises(GeneraliseError) as err:
        nationality_or_region("Narnian", keep_romania, lists)
    assert err.value.problem == NOT_A_CODE
