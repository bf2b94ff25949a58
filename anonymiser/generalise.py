"""Coarsen quasi-identifiers: a date to its month, an age or birth date to an age band at
registration, a Belgian postcode or municipality to its province, a rare nationality to its region.

Every function either returns a code or raises :class:`GeneraliseError`, whose ``problem`` is one
word of a fixed vocabulary (never the value), so that the pipeline can report it and fall back to
``unknown``. Nothing here crashes on bad input: wrong types, impossible dates (30 February, the
year 1800, a birth after the registration), ages of 150 all become a :class:`GeneraliseError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Final

from anonymiser.codelists import ABROAD, UNKNOWN, CodeLists, normalise_name

NOT_A_DATE: Final = "not_a_date"
OUT_OF_RANGE: Final = "out_of_range"
AFTER_REGISTRATION: Final = "after_registration"
NOT_A_POSTCODE: Final = "not_a_postcode"
UNKNOWN_MUNICIPALITY: Final = "unknown_municipality"
NOT_A_CODE: Final = "not_a_code"
WRONG_TYPE: Final = "wrong_type"

#: No date in a case record is earlier than this (birth dates included).
EARLIEST_DATE: Final = date(1900, 1, 1)
#: Oldest plausible age in years.
MAX_AGE: Final = 120
ADULT_AGE: Final = 18

_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ][\d:.+\-Z]*)?")
_DMY = re.compile(r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})")
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_POSTCODE = re.compile(r"(?:B|BE)?\s*[-‐ ]?\s*(?P<code>\d{4})(?!\d)", re.IGNORECASE)
_LEADING_POSTCODE = re.compile(r"^\s*(?:B|BE)?\s*[-‐]?\s*\d{4}\s+", re.IGNORECASE)


class GeneraliseError(ValueError):
    """A value that cannot be generalised; ``problem`` says why, in one word, without the value."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


# -- dates ----------------------------------------------------------------------------------------


def parse_date(value: object, *, latest: date | None = None) -> date:
    """A date from a ``date``/``datetime`` or from text (``YYYY-MM-DD``, ``DD/MM/YYYY``,
    ``DD.MM.YYYY``, ``DD-MM-YYYY``, ``YYYYMMDD``), between 1900-01-01 and ``latest`` (default:
    tomorrow, to allow for time zones)."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        day = _parse_text_date(value.strip())
    else:
        raise GeneraliseError(WRONG_TYPE)
    upper = latest if latest is not None else date.today() + timedelta(days=1)
    if not EARLIEST_DATE <= day <= upper:
        raise GeneraliseError(OUT_OF_RANGE)
    return day


def _parse_text_date(text: str) -> date:
    for pattern in (_ISO, _DMY, _COMPACT):
        m = pattern.fullmatch(text)
        if m:
            try:
                return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:  # 30 February, month 13, year 0
                raise GeneraliseError(NOT_A_DATE) from None
    raise GeneraliseError(NOT_A_DATE)


def to_month(value: object, *, latest: date | None = None) -> str:
    """``YYYY-MM`` of a date (see :func:`parse_date` for what is accepted)."""
    day = parse_date(value, latest=latest)
    return f"{day.year:04d}-{day.month:02d}"


# -- ages -----------------------------------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    """Completed years between ``birth`` and ``day`` (a 29 February birthday counts on 1 March)."""
    if birth > day:
        raise GeneraliseError(AFTER_REGISTRATION)
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def check_age(age: object) -> int:
    if isinstance(age, bool) or not isinstance(age, int):
        raise GeneraliseError(WRONG_TYPE)
    if not 0 <= age <= MAX_AGE:
        raise GeneraliseError(OUT_OF_RANGE)
    return age


def age_band(age: object, codelists: CodeLists) -> str:
    """The age band code of an age in completed years."""
    years = check_age(age)
    for band in codelists.age_bands:
        if band.contains(years):
            return band.code
    raise GeneraliseError(OUT_OF_RANGE)  # pragma: no cover - the loader checks the bands cover 0..


def birth_date_to_age(birth_date: object, registered: date) -> int:
    """Age at registration from a birth date; the birth must not be after the registration."""
    birth = parse_date(birth_date)
    if birth > registered:
        raise GeneraliseError(AFTER_REGISTRATION)
    return check_age(age_on(birth, registered))


def age_band_at_registration(
    registered: date,
    codelists: CodeLists,
    *,
    birth_date: object = None,
    age: object = None,
) -> str:
    """Band of the age at registration: from the birth date when it is usable, else from the
    given age; ``unknown`` when neither is given. A given but impossible value raises."""
    if birth_date is not None:
        return age_band(birth_date_to_age(birth_date, registered), codelists)
    if age is not None:
        return age_band(age, codelists)
    return UNKNOWN


def minor_on(birth: date, day: date) -> str:
    """``yes`` when the person was under 18 on ``day``, else ``no``."""
    return "yes" if age_on(birth, day) < ADULT_AGE else "no"


def band_is_minor(band_code: str, codelists: CodeLists) -> bool | None:
    """Whether every age in the band is under 18 (True), none is (False), or it is mixed/unknown."""
    for band in codelists.age_bands:
        if band.code == band_code:
            if band.max_age is not None and band.max_age < ADULT_AGE:
                return True
            if band.min_age >= ADULT_AGE:
                return False
    return None


# -- places ---------------------------------------------------------------------------------------


def parse_postcode(value: object) -> int:
    """A Belgian postcode (1000-9999) from ``"1000"``, ``"B-1000"``, ``"BE 1000"``, ``"1000 Brussel"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        m = _POSTCODE.match(value.strip())
        if m is None:
            raise GeneraliseError(NOT_A_POSTCODE)
        number = int(m.group("code"))
    else:
        raise GeneraliseError(WRONG_TYPE)
    if not 1000 <= number <= 9999:
        raise GeneraliseError(NOT_A_POSTCODE)
    return number


def province_of_postcode(value: object, codelists: CodeLists) -> str:
    number = parse_postcode(value)
    for rng in codelists.postcode_ranges:
        if rng.low <= number <= rng.high:
            return rng.province
    raise GeneraliseError(NOT_A_POSTCODE)  # pragma: no cover - the loader checks full coverage


def province_of_municipality(value: object, codelists: CodeLists) -> str:
    """Province of a municipality name in nl/fr/de/en (``"1000 Brussel"`` uses the postcode;
    ``"Bruxelles/Brussel"`` and ``"Brussel (Laken)"`` are tried part by part)."""
    if not isinstance(value, str):
        raise GeneraliseError(WRONG_TYPE)
    text = value.strip()
    if _LEADING_POSTCODE.match(text):
        try:
            return province_of_postcode(text, codelists)
        except GeneraliseError:
            text = _LEADING_POSTCODE.sub("", text)
    candidates = [text, *re.split(r"[/()]", text)]
    for candidate in candidates:
        province = codelists.municipalities.get(normalise_name(candidate))
        if province is not None:
            return province
    raise GeneraliseError(UNKNOWN_MUNICIPALITY)


def resolve_country(value: object, codelists: CodeLists) -> str:
    """ISO 3166-1 alpha-2 code of a country given as code, alpha-3 or name (en/nl/fr)."""
    if not isinstance(value, str):
        raise GeneraliseError(WRONG_TYPE)
    code = codelists["nationality"].resolve(value.strip())
    if code is None:
        raise GeneraliseError(NOT_A_CODE)
    return code


def province_of_country(value: object, codelists: CodeLists) -> str | None:
    """``abroad`` for a country other than Belgium; ``None`` for Belgium or ``unknown`` (look at
    the postcode and municipality)."""
    code = resolve_country(value, codelists)
    if code in ("BE", UNKNOWN):
        return None
    if code not in codelists.regions:  # "stateless" is no country
        raise GeneraliseError(NOT_A_CODE)
    return ABROAD


# -- nationality ----------------------------------------------------------------------------------


def nationality_or_region(value: object, keeps: Callable[[str], bool], codelists: CodeLists) -> str:
    """The ISO code of a nationality when ``keeps(code)``, else its UN M49 sub-region code.
    ``stateless`` and ``unknown`` stay as they are."""
    code = resolve_country(value, codelists)
    region = codelists.regions.get(code)
    if region is None or keeps(code):
        return code
    return region
