#!/usr/bin/env python3
"""Build and check the third held-out THB de-identification corpus (tests/corpus3).

Thin wrapper around the converter of the first held-out set (``tests/corpus/build.py``): it imports that
module and reuses its parsing, checks, serialisation and statistics unchanged, with three differences:

* sources are ``tests/corpus3/src/*.txt``, output is ``tests/corpus3/heldout3.jsonl``;
* text ids are ``h3-NNN`` (instead of ``own-NNN``);
* the corpus-level minimums fit this smaller set: at least 40 texts, 400 spans and 8 spans per label;
* an extra independence check rejects any text id, identifier value (national id, passport, phone, e-mail,
  IBAN, plate, case number, online id), address or multi-word person name that also occurs in
  ``tests/corpus/heldout.jsonl``, ``tests/corpus2/heldout2.jsonl`` or ``/work/shared/corpus/dev.jsonl``
  (when present).

    .venv/bin/python tests/corpus3/build.py            # src/*.txt -> heldout3.jsonl (after all checks)
    .venv/bin/python tests/corpus3/build.py --stats    # same, and print counts per label / language / source
    .venv/bin/python tests/corpus3/build.py --check    # only re-validate the committed heldout3.jsonl

Nothing is written when any check fails (exit status 1, problems listed on stderr).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import phonenumbers

HERE = Path(__file__).resolve().parent
BASE_BUILD = HERE.parent / "corpus" / "build.py"
SRC_DIR = HERE / "src"
OUT_FILE = HERE / "heldout3.jsonl"
OTHER_CORPORA = (
    HERE.parent / "corpus" / "heldout.jsonl",
    HERE.parent / "corpus2" / "heldout2.jsonl",
    Path("/work/shared/corpus/dev.jsonl"),
)

_spec = importlib.util.spec_from_file_location("heldout3_corpus_build_base", BASE_BUILD)
assert _spec is not None and _spec.loader is not None
conv: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conv)
# the parameters of the converter that differ for this corpus: the id scheme and the corpus minimums
conv.ID_RE = re.compile(r"^h3-\d{3}$")
conv.MIN_TEXTS, conv.MIN_SPANS, conv.MIN_PER_LABEL = 40, 400, 8

CorpusError = conv.CorpusError
LABELS, LANGS, SOURCES = conv.LABELS, conv.LANGS, conv.SOURCES
IDENTIFIER_LABELS = (
    "NATIONAL_ID",
    "PASSPORT",
    "PHONE",
    "EMAIL",
    "IBAN",
    "LICENSE_PLATE",
    "CASE_NUMBER",
    "ONLINE_ID",
    "ADDRESS",
)


def value_key(label: str, text: str) -> str:
    """Normalised form of a value, so that differently formatted copies of the same value compare equal."""
    if label == "EMAIL":
        email: str = conv.deobfuscate_email(text)
        return email
    if label == "PHONE":
        digits = conv.phone_digits(text) or ""
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        try:
            return phonenumbers.format_number(
                phonenumbers.parse(digits, "BE"), phonenumbers.PhoneNumberFormat.E164
            )
        except phonenumbers.NumberParseException:
            return digits
    if label == "PERSON":
        return " ".join(conv.fold(text).lower().split())
    key: str = conv.alnum(text)
    return key


def _keys(rec: dict[str, Any]) -> set[tuple[str, str]]:
    out = set()
    for sp in rec["spans"]:
        lab = sp["label"]
        if lab in IDENTIFIER_LABELS or (lab == "PERSON" and len(conv.fold(sp["text"]).split()) > 1):
            out.add((lab, value_key(lab, sp["text"])))
    return out


def other_corpora_keys() -> tuple[set[str], dict[tuple[str, str], str]]:
    ids: set[str] = set()
    keys: dict[tuple[str, str], str] = {}
    for path in OTHER_CORPORA:
        if not path.exists():
            continue
        for rec in conv.load(path):
            ids.add(rec["id"])
            for k in _keys(rec):
                keys.setdefault(k, rec["id"])
    return ids, keys


def check_independence(records: list[dict[str, Any]]) -> list[str]:
    """Ids and identifier values of this corpus must not occur in the dev set or the other held-out sets."""
    problems = []
    ids, keys = other_corpora_keys()
    for rec in records:
        if rec.get("id") in ids:
            problems.append(f"{rec['id']}: id also used in another corpus")
        for lab, val in sorted(_keys(rec)):
            if (lab, val) in keys:
                problems.append(f"{rec['id']}: {lab} {val!r} also occurs in {keys[(lab, val)]}")
    return problems


_base_check_corpus = conv.check_corpus


def check_corpus(records: list[dict[str, Any]], *, full: bool = True) -> list[str]:
    """All checks of the converter plus the independence check."""
    problems: list[str] = _base_check_corpus(records, full=full)
    return problems + check_independence(records)


# point the converter at this corpus; its build() and main() look these names up at call time
conv.check_corpus = check_corpus
conv.SRC_DIR, conv.OUT_FILE = SRC_DIR, OUT_FILE


def build(src_dir: Path = SRC_DIR) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = conv.build(src_dir)
    return records


load, dumps, stats, main = conv.load, conv.dumps, conv.stats, conv.main
check_record, national_id_kinds, iban_ok, phone_ok, email_ok, parse_date = (
    conv.check_record,
    conv.national_id_kinds,
    conv.iban_ok,
    conv.phone_ok,
    conv.email_ok,
    conv.parse_date,
)


if __name__ == "__main__":
    sys.exit(main())
