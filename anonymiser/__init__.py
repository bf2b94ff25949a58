"""ciateh's anonymiser: turn a partner's case record into an anonymous one, and check the result.

``__version__`` is set before the imports below: the pipeline stamps it on every anonymous
record. The functions ``detect`` and ``verify`` share their names with their modules; importing
them here, once, makes ``anonymiser.detect`` and ``anonymiser.verify`` the functions.
"""

from __future__ import annotations

__version__ = "0.1.0"

from anonymiser.detect import detect
from anonymiser.pipeline import AnonymisationReport, anonymise
from anonymiser.records import AnonymousCase, RawCase
from anonymiser.text import scrub
from anonymiser.verify import Finding, verify, verify_dict

__all__ = [
    "AnonymisationReport",
    "AnonymousCase",
    "Finding",
    "RawCase",
    "__version__",
    "anonymise",
    "detect",
    "scrub",
    "verify",
    "verify_dict",
]
