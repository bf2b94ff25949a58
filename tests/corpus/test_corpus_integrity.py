"""Integrity of the held-out de-identification corpus (tests/corpus/heldout.jsonl).

Re-runs the checks of build.py on the committed JSONL (offsets, labels, languages, sources, word counts,
check digits of national register / BIS / foreign ids and IBANs, NRN <-> date of birth, phone numbers,
leftover markup, unannotated personal data) and makes sure the JSONL is exactly what the sources produce.
The checks shared with tests/corpus2 are in tests/corpus/integrity.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.corpus import integrity

HERE = Path(__file__).resolve().parent
JSONL = HERE / "heldout.jsonl"
build = integrity.load_module("heldout_corpus_build", HERE / "build.py")

RECORDS = build.load(JSONL)


def test_corpus_passes_all_build_checks() -> None:
    assert build.check_corpus(RECORDS) == []


def test_jsonl_is_what_the_sources_build() -> None:
    integrity.assert_jsonl_is_built(build, HERE / "src", JSONL, "tests/corpus/build.py")


def test_size_and_language_mix() -> None:
    integrity.assert_size_and_language_mix(RECORDS, build.LANGS)


@pytest.mark.parametrize("rec", RECORDS, ids=[r["id"] for r in RECORDS])
def test_offsets_round_trip(rec: dict[str, Any]) -> None:
    integrity.assert_offsets_round_trip(rec, build.LABELS)


def test_identifier_check_digits() -> None:
    integrity.assert_values_validate(
        RECORDS, {"NATIONAL_ID": build.national_id_kinds, "IBAN": build.iban_ok, "PHONE": build.phone_ok}
    )


@pytest.mark.parametrize("label", ["NATIONAL_ID", "IBAN"])
def test_checks_catch_broken_check_digits(label: str) -> None:
    rec, i = integrity.first_span(RECORDS, label)
    integrity.assert_broken_check_digit_caught(build, rec, i)


def test_checks_catch_nrn_dob_mismatch() -> None:
    integrity.assert_nrn_dob_mismatch_caught(build, RECORDS)


def test_checks_catch_offset_and_markup_errors() -> None:
    rec, i = integrity.first_span(RECORDS, "PERSON")
    integrity.assert_offset_and_markup_errors_caught(build, rec, i)


def test_jsonl_format() -> None:
    integrity.assert_jsonl_format(JSONL)
