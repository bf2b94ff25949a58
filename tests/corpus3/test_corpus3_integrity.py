"""Integrity of the third held-out de-identification corpus (tests/corpus3/heldout3.jsonl).

Re-runs the checks of the converter (tests/corpus/build.py, reused through tests/corpus3/build.py) on the
committed JSONL: offsets, labels, languages, sources, word counts, check digits of national register / BIS /
foreign ids and IBANs, NRN <-> date of birth, phone numbers, e-mail shape, leftover markup, unannotated
personal data, plus the independence check against the dev set and the first and second held-out sets.
Also makes sure the JSONL is exactly what ``src/`` produces. The checks shared with tests/corpus are in
tests/corpus/integrity.py.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import integrity

HERE = Path(__file__).resolve().parent
JSONL = HERE / "heldout3.jsonl"
build = integrity.load_module("heldout3_corpus_build", HERE / "build.py")

RECORDS = build.load(JSONL)


def test_corpus_passes_all_converter_checks() -> None:
    assert build.check_corpus(RECORDS) == []


def test_jsonl_is_what_the_sources_build() -> None:
    integrity.assert_jsonl_is_built(build, HERE / "src", JSONL, "tests/corpus3/build.py")


def test_no_generator_placeholders_left_in_sources() -> None:
    for path in sorted((HERE / "src").glob("*.txt")):
        assert "<<" not in path.read_text(encoding="utf-8"), path.name


def test_ids_size_labels_and_language_mix() -> None:
    # a smaller set than tests/corpus and tests/corpus2: 40 texts, 400 spans, 8 spans per label
    assert all(re.fullmatch(r"h3-\d{3}", r["id"]) for r in RECORDS)
    assert [r["id"] for r in RECORDS] == [f"h3-{i:03d}" for i in range(1, len(RECORDS) + 1)]
    assert len(RECORDS) >= 40
    assert sum(len(r["spans"]) for r in RECORDS) >= 400
    for label in build.LABELS:
        assert sum(sp["label"] == label for r in RECORDS for sp in r["spans"]) >= 8, label
    for lg, target in integrity.LANGUAGE_TARGETS.items():
        share = sum(r["lang"] == lg for r in RECORDS) / len(RECORDS)
        assert abs(share - target) <= integrity.LANGUAGE_TOLERANCE, (lg, share)


def test_corpus_minimums_of_this_set_are_enforced_by_the_build() -> None:
    assert (build.conv.MIN_TEXTS, build.conv.MIN_SPANS, build.conv.MIN_PER_LABEL) == (40, 400, 8)
    problems = build.check_corpus(RECORDS[:10])
    assert any("texts" in p for p in problems) and any("spans" in p for p in problems)


def test_about_a_quarter_of_the_texts_is_adversarial() -> None:
    n = sum(build.conv.is_adversarial(r["text"]) for r in RECORDS)
    assert 0.2 <= n / len(RECORDS) <= 0.4, n


@pytest.mark.parametrize("rec", RECORDS, ids=[r["id"] for r in RECORDS])
def test_offsets_round_trip(rec: dict[str, Any]) -> None:
    integrity.assert_offsets_round_trip(rec, build.LABELS)


def test_identifier_check_digits() -> None:
    integrity.assert_values_validate(
        RECORDS,
        {
            "NATIONAL_ID": build.national_id_kinds,
            "IBAN": build.iban_ok,
            "PHONE": build.phone_ok,
            "EMAIL": build.email_ok,
            "DATE": build.parse_date,
            "DATE_OF_BIRTH": build.parse_date,
        },
    )


@pytest.mark.parametrize("label", ["NATIONAL_ID", "IBAN"])
def test_checks_catch_broken_check_digits(label: str) -> None:
    # full-width digits are no ASCII digits to corrupt: take the first span that has one
    rec, i = integrity.first_span(RECORDS, label, with_ascii_digit=True)
    integrity.assert_broken_check_digit_caught(build, rec, i)


def test_checks_catch_nrn_dob_mismatch() -> None:
    integrity.assert_nrn_dob_mismatch_caught(build, RECORDS)


def test_checks_catch_offset_and_markup_errors() -> None:
    rec, i = integrity.first_span(RECORDS, "PHONE", with_ascii_digit=True)
    integrity.assert_offset_and_markup_errors_caught(build, rec, i)


def test_independence_check_rejects_values_of_other_corpora() -> None:
    ids, keys = build.other_corpora_keys()
    if not keys:
        pytest.skip("other corpora not available")
    (label, _), origin = next(iter(keys.items()))
    other = next(r for p in build.OTHER_CORPORA if p.exists() for r in build.load(p) if r["id"] == origin)
    sp = next(s for s in other["spans"] if s["label"] == label)
    rec = copy.deepcopy(RECORDS[0])
    start = len(rec["text"]) + 1
    rec["text"] += " " + sp["text"]
    rec["spans"].append({"start": start, "end": start + len(sp["text"]), "label": label, "text": sp["text"]})
    assert any("also occurs in" in p for p in build.check_independence([rec]))
    clash = copy.deepcopy(RECORDS[0])
    clash["id"] = sorted(ids)[0]
    assert any("id also used" in p for p in build.check_independence([clash]))


def test_jsonl_format() -> None:
    integrity.assert_jsonl_format(JSONL)
