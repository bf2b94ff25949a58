"""The entity labels the anonymiser detects, and the placeholder each one is replaced with.

The first thirteen are the labels of the annotated corpus (see the shared corpus README);
``IDENTIFIER`` is the anonymiser's own catch-all for a number that looks like an identifier of a
person but validates as no known kind (a national number with a typo, an unknown foreign ID).
"""

from __future__ import annotations

from typing import Final

PERSON: Final = "PERSON"
NATIONAL_ID: Final = "NATIONAL_ID"
PASSPORT: Final = "PASSPORT"
PHONE: Final = "PHONE"
EMAIL: Final = "EMAIL"
ADDRESS: Final = "ADDRESS"
IBAN: Final = "IBAN"
LICENSE_PLATE: Final = "LICENSE_PLATE"
DATE_OF_BIRTH: Final = "DATE_OF_BIRTH"
DATE: Final = "DATE"
ORGANIZATION: Final = "ORGANIZATION"
CASE_NUMBER: Final = "CASE_NUMBER"
ONLINE_ID: Final = "ONLINE_ID"
IDENTIFIER: Final = "IDENTIFIER"

CORPUS_LABELS: Final[tuple[str, ...]] = (
    PERSON,
    NATIONAL_ID,
    PASSPORT,
    PHONE,
    EMAIL,
    ADDRESS,
    IBAN,
    LICENSE_PLATE,
    DATE_OF_BIRTH,
    DATE,
    ORGANIZATION,
    CASE_NUMBER,
    ONLINE_ID,
)
ALL_LABELS: Final[tuple[str, ...]] = (*CORPUS_LABELS, IDENTIFIER)

# When two detections overlap, the one whose label comes first here names the merged span.
# Validated identifiers beat context guesses; specific beats generic.
PRIORITY: Final[dict[str, int]] = {
    label: rank
    for rank, label in enumerate(
        (
            EMAIL,
            IBAN,
            NATIONAL_ID,
            PHONE,
            ONLINE_ID,
            LICENSE_PLATE,
            PASSPORT,
            DATE_OF_BIRTH,
            DATE,
            CASE_NUMBER,
            ADDRESS,
            ORGANIZATION,
            PERSON,
            IDENTIFIER,
        )
    )
}


def placeholder(label: str) -> str:
    """The typed placeholder that replaces a detected value, e.g. ``[PERSON]``."""
    return f"[{label}]"
