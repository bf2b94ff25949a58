"""Integrity of the held-out de-identification corpus (tests/corpus/heldout.jsonl).

Re-runs the checks of build.py on the committed JSONL (offsets, labels, languages, sources, word counts,
check digits of national register / BIS / foreign ids and IBANs, NRN <-> date of birth, phone numbers,
leftover markup, unannotated personal data) and makes sure the JSONL is exactly what the sources produce.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("heldout_corpus_build", HERE / "build.py")
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

RECORDS = build.load(HERE / "heldout.jsonl")


def test_corpus_passes_all_build_checks() -> None:
    assert build.check_corpus(RECORDS) == []


def test_jsonl_is_what_the_sources_build() -> None:
    rebuilt = build.dumps(build.build(HERE / "src"))
    assert rebuilt == (HERE / "heldout.jsonl").read_text(encoding="utf-8"), (
        "heldout.jsonl is stale: run .venv/bin/python tests/corpus/build.py"
    )


def test_size_and_language_mix() -> None:
    assert len(RECORDS) >= 70
    assert sum(len(r["spans"]) for r in RECORDS) >= 700
    share = {lg: sum(r["lang"] == lg for r in RECORDS) / len(RECORDS) for lg in build.LANGS}
    for lg, target in {"nl": 0.35, "fr": 0.30, "en": 0.17, "de": 0.08, "mixed": 0.10}.items():
        assert abs(share[lg] - target) <= 0.05, (lg, share[lg])


@pytest.mark.parametrize("rec", RECORDS, ids=[r["id"] for r in RECORDS])
def test_offsets_round_trip(rec: dict[str, Any]) -> None:
    prev_end = 0
    for sp in rec["spans"]:
        assert rec["text"][sp["start"]:sp["end"]] == sp["text"]
        assert sp["start"] >= prev_end
        assert sp["label"] in build.LABELS
        prev_end = sp["end"]


def test_identifier_check_digits() -> None:
    for rec in RECORDS:
        for sp in rec["spans"]:
            if sp["label"] == "NATIONAL_ID":
                assert build.national_id_kinds(sp["text"]), (rec["id"], sp["text"])
            elif sp["label"] == "IBAN":
                assert build.iban_ok(sp["text"]), (rec["id"], sp["text"])
            elif sp["label"] == "PHONE":
                assert build.phone_ok(sp["text"]), (rec["id"], sp["text"])


def _first(label: str) -> tuple[dict[str, Any], int]:
    for rec in RECORDS:
        for i, sp in enumerate(rec["spans"]):
            if sp["label"] == label:
                return copy.deepcopy(rec), i
    raise AssertionError(label)


def _corrupt_digit(rec: dict[str, Any], i: int) -> None:
    """Change one digit inside span i (keeping the length, so offsets stay valid)."""
    sp = rec["spans"][i]
    s = sp["text"]
    j = max(k for k, c in enumerate(s) if c in "0123456789")
    new = s[:j] + str((int(s[j]) + 1) % 10) + s[j + 1:]
    rec["text"] = rec["text"][:sp["start"]] + new + rec["text"][sp["end"]:]
    sp["text"] = new


@pytest.mark.parametrize("label", ["NATIONAL_ID", "IBAN"])
def test_checks_catch_broken_check_digits(label: str) -> None:
    rec, i = _first(label)
    _corrupt_digit(rec, i)
    assert any("valid" in p or "birth date" in p for p in build.check_record(rec))


def test_checks_catch_nrn_dob_mismatch() -> None:
    for rec in RECORDS:
        for sp in rec["spans"]:
            if sp["label"] == "DATE_OF_BIRTH" and build.parse_date(sp["text"]):
                rec2 = copy.deepcopy(rec)
                d = build.parse_date(sp["text"])
                ids = [s for s in rec2["spans"] if s["label"] == "NATIONAL_ID"
                       and any(k[1] for k in build.national_id_kinds(s["text"]))]
                if not ids or d is None or d[2] > 27:
                    continue
                # shift the day of birth by one, same length: the id no longer matches the DOB
                s = rec2["spans"][rec2["spans"].index(sp)]
                fake = s["text"].replace(f"{d[2]:02d}", f"{d[2] + 1:02d}", 1)
                if fake == s["text"] or len(fake) != len(s["text"]):
                    continue
                rec2["text"] = rec2["text"][:s["start"]] + fake + rec2["text"][s["end"]:]
                s["text"] = fake
                assert any("birth date" in p for p in build.check_record(rec2)), rec["id"]
                return
    pytest.fail("no text with a numeric DOB next to a national id")


def test_checks_catch_offset_and_markup_errors() -> None:
    rec, i = _first("PERSON")
    bad = copy.deepcopy(rec)
    bad["spans"][i]["start"] += 1
    assert build.check_record(bad)
    bad = copy.deepcopy(rec)
    bad["text"] = bad["text"] + " [[PERSON|x]]"
    assert any("markup" in p for p in build.check_record(bad))
    bad = copy.deepcopy(rec)
    bad["spans"][i]["label"] = "NAME"
    assert any("unknown label" in p for p in build.check_record(bad))


def test_jsonl_format() -> None:
    for line in (HERE / "heldout.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert list(obj) == ["id", "lang", "source", "text", "spans"]
        for sp in obj["spans"]:
            assert list(sp) == ["start", "end", "label", "text"]
