"""Integrity of the third held-out de-identification corpus (tests/corpus3/heldout3.jsonl).

Re-runs the checks of the converter (tests/corpus/build.py, reused through tests/corpus3/build.py) on the
committed JSONL: offsets, labels, languages, sources, word counts, check digits of national register / BIS /
foreign ids and IBANs, NRN <-> date of birth, phone numbers, e-mail shape, leftover markup, unannotated
personal data, plus the independence check against the dev set and the first and second held-out sets.
Also makes sure the JSONL is exactly what ``src/`` produces. The checks shared with tests/corpus and the
tests shared with tests/corpus2 are in tests/corpus/integrity.py; here are only this corpus's own settings.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.corpus import integrity

HERE = Path(__file__).resolve().parent
JSONL = HERE / "heldout3.jsonl"
build = integrity.load_module("heldout3_corpus_build", HERE / "build.py").conv

RECORDS = build.load(JSONL)

# the tests shared with tests/corpus2 (converter checks, offsets, check digits, independence, format, ...)
globals().update(
    integrity.derived_corpus_tests(build, RECORDS, HERE / "src", JSONL, "tests/corpus3/build.py")
)


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
    assert (build.MIN_TEXTS, build.MIN_SPANS, build.MIN_PER_LABEL) == (40, 400, 8)
    problems = build.check_corpus(RECORDS[:10])
    assert any("texts" in p for p in problems) and any("spans" in p for p in problems)
