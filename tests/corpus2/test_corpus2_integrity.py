"""Integrity of the second held-out de-identification corpus (tests/corpus2/heldout2.jsonl).

Re-runs the checks of the converter (tests/corpus/build.py, reused through tests/corpus2/build.py) on the
committed JSONL: offsets, labels, languages, sources, word counts, check digits of national register / BIS /
foreign ids and IBANs, NRN <-> date of birth, phone numbers, e-mail shape, leftover markup, unannotated
personal data, plus the independence check against the dev set and the first held-out set. Also makes
sure the JSONL is exactly what ``src/`` produces. The checks shared with tests/corpus and the tests shared
with tests/corpus3 are in tests/corpus/integrity.py; here are only this corpus's own settings.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.corpus import integrity

HERE = Path(__file__).resolve().parent
JSONL = HERE / "heldout2.jsonl"
build = integrity.load_module("heldout2_corpus_build", HERE / "build.py").conv

RECORDS = build.load(JSONL)

# the tests shared with tests/corpus3 (converter checks, offsets, check digits, independence, format, ...)
globals().update(
    integrity.derived_corpus_tests(build, RECORDS, HERE / "src", JSONL, "tests/corpus2/build.py")
)


def test_ids_size_labels_and_language_mix() -> None:
    assert all(re.fullmatch(r"h2-\d{3}", r["id"]) for r in RECORDS)
    for label in build.LABELS:
        assert sum(sp["label"] == label for r in RECORDS for sp in r["spans"]) >= 12, label
    integrity.assert_size_and_language_mix(RECORDS, build.LANGS)
