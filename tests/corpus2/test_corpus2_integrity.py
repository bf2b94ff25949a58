"""Integrity of the second held-out de-identification corpus (tests/corpus2/heldout2.jsonl).

Re-runs the checks of the converter (tests/corpus/build.py, reused through tests/corpus2/build.py) on the
committed JSONL: offsets, labels, languages, sources, word counts, check digits of national register / BIS /
foreign ids and IBANs, NRN <-> date of birth, phone numbers, e-mail shape, leftover markup, unannotated
personal data, plus the independence check against the dev set and the first held-out set. Also makes
sure the JSONL is exactly what ``src/`` produces.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("heldout2_corpus_build", HERE / "build.py")
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

RECORDS = build.load(HERE / "heldout2.jsonl")


def test_corpus_passes_all_converter_checks() -> None:
    assert build.check_corpus(RECORDS) == []


def test_jsonl_is_what_the_sources_build() -> None:
    rebuilt = build.dumps(build.build(HERE / "src"))
    assert rebuilt == (HERE / "heldout2.jsonl").read_text(encoding="utf-8"), (
        "heldout2.jsonl is stale: run .venv/bin/python tests/corpus2/build.py"
    )


def test_no_generator_placeholders_left_in_sources() -> None:
    for path in sorted((HERE / "src").glob("*.txt")):
        assert "<<" not in path.read_text(encoding="utf-8"), path.name


def test_ids_size_labels_and_language_mix() -> None:
    assert all(re.fullmatch(r"h2-\d{3}", r["id"]) for r in RECORDS)
    assert len(RECORDS) >= 70
    assert sum(len(r["spans"]) for r in RECORDS) >= 700
    for label in build.LABELS:
        assert sum(sp["label"] == label for r in RECORDS for sp in r["spans"]) >= 12, label
    share = {lg: sum(r["lang"] == lg for r in RECORDS) / len(RECORDS) for lg in build.LANGS}
    for lg, target in {"nl": 0.35, "fr": 0.30, "en": 0.17, "de": 0.08, "mixed": 0.10}.items():
        assert abs(share[lg] - target) <= 0.05, (lg, share[lg])


def test_about_a_quarter_of_the_texts_is_adversarial() -> None:
    n = sum(build.conv.is_adversarial(r["text"]) for r in RECORDS)
    assert 0.2 <= n / len(RECORDS) <= 0.4, n


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
            elif sp["label"] == "EMAIL":
                assert build.email_ok(sp["text"]), (rec["id"], sp["text"])
            elif sp["label"] in ("DATE", "DATE_OF_BIRTH"):
                assert build.parse_date(sp["text"]), (rec["id"], sp["text"])


def _first(label: str) -> tuple[dict[str, Any], int]:
    for rec in RECORDS:
        for i, sp in enumerate(rec["spans"]):
            if sp["label"] == label and re.search(r"[0-9]", sp["text"]):
                return copy.deepcopy(rec), i
    raise AssertionError(label)


def _corrupt_digit(rec: dict[str, Any], i: int) -> None:
    """Change one ASCII digit inside span i (keeping the length, so offsets stay valid)."""
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
        for k, sp in enumerate(rec["spans"]):
            d = build.parse_date(sp["text"]) if sp["label"] == "DATE_OF_BIRTH" else None
            if d is None or d[2] > 27 or not any(
                    s["label"] == "NATIONAL_ID" and any(kd[1] for kd in build.national_id_kinds(s["text"]))
                    for s in rec["spans"]):
                continue
            fake = sp["text"].replace(f"{d[2]:02d}", f"{d[2] + 1:02d}", 1)
            if fake == sp["text"] or len(fake) != len(sp["text"]):
                continue
            rec2 = copy.deepcopy(rec)
            s = rec2["spans"][k]
            rec2["text"] = rec2["text"][:s["start"]] + fake + rec2["text"][s["end"]:]
            s["text"] = fake
            assert any("birth date" in p for p in build.check_record(rec2)), rec["id"]
            return
    pytest.fail("no text with a numeric DOB next to a national id")


def test_checks_catch_offset_and_markup_errors() -> None:
    rec, i = _first("PHONE")
    bad = copy.deepcopy(rec)
    bad["spans"][i]["start"] += 1
    assert build.check_record(bad)
    bad = copy.deepcopy(rec)
    bad["text"] = bad["text"] + " [[PERSON|x]]"
    assert any("markup" in p for p in build.check_record(bad))
    bad = copy.deepcopy(rec)
    bad["spans"][i]["label"] = "NAME"
    assert any("unknown label" in p for p in build.check_record(bad))


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
    for line in (HERE / "heldout2.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert list(obj) == ["id", "lang", "source", "text", "spans"]
        for sp in obj["spans"]:
            assert list(sp) == ["start", "end", "label", "text"]
