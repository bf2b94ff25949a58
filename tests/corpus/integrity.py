"""Checks shared by the integrity tests of the held-out corpora (tests/corpus, tests/corpus2, tests/corpus3).

Imported as ``tests.corpus.integrity``. Each check takes the records of one corpus and, where it needs
the converter, that corpus's ``build`` module (tests/corpus/build.py, or the converter that the wrappers
tests/corpus2/build.py and tests/corpus3/build.py set up). :func:`derived_corpus_tests` holds the tests
that tests/corpus2 and tests/corpus3 run alike.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

Record = dict[str, Any]

# share of the texts in each language, and how far a corpus may be off it
LANGUAGE_TARGETS = {"nl": 0.35, "fr": 0.30, "en": 0.17, "de": 0.08, "mixed": 0.10}
LANGUAGE_TOLERANCE = 0.05


def load_module(name: str, path: Path) -> ModuleType:
    """Load a script (a corpus's build.py) as a module of its own."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_jsonl_is_built(build: ModuleType, src_dir: Path, jsonl: Path, script: str) -> None:
    """The committed JSONL is exactly what the converter makes of the sources."""
    rebuilt = build.dumps(build.build(src_dir))
    stale = f"{jsonl.name} is stale: run .venv/bin/python {script}"
    assert rebuilt == jsonl.read_text(encoding="utf-8"), stale


def assert_size_and_language_mix(records: list[Record], langs: Iterable[str]) -> None:
    assert len(records) >= 70
    assert sum(len(r["spans"]) for r in records) >= 700
    share = {lg: sum(r["lang"] == lg for r in records) / len(records) for lg in langs}
    for lg, target in LANGUAGE_TARGETS.items():
        assert abs(share[lg] - target) <= LANGUAGE_TOLERANCE, (lg, share[lg])


def assert_offsets_round_trip(rec: Record, labels: Iterable[str]) -> None:
    """Each span is the text at its offsets, spans come in order without overlap, labels are known."""
    prev_end = 0
    for sp in rec["spans"]:
        assert rec["text"][sp["start"] : sp["end"]] == sp["text"]
        assert sp["start"] >= prev_end
        assert sp["label"] in labels
        prev_end = sp["end"]


def assert_values_validate(records: list[Record], checks: Mapping[str, Callable[[str], object]]) -> None:
    """Every span of a label in ``checks`` passes that label's check (check digits, date, shape)."""
    for rec in records:
        for sp in rec["spans"]:
            check = checks.get(sp["label"])
            if check is not None:
                assert check(sp["text"]), (rec["id"], sp["text"])


def first_span(records: list[Record], label: str, *, with_ascii_digit: bool = False) -> tuple[Record, int]:
    """A copy of the first record with a span of ``label`` (holding an ASCII digit, if asked), and the
    index of that span."""
    for rec in records:
        for i, sp in enumerate(rec["spans"]):
            if sp["label"] == label and (not with_ascii_digit or re.search(r"[0-9]", sp["text"])):
                return copy.deepcopy(rec), i
    raise AssertionError(label)


def corrupt_digit(rec: Record, i: int) -> None:
    """Change one ASCII digit inside span i (keeping the length, so offsets stay valid)."""
    sp = rec["spans"][i]
    s = sp["text"]
    j = max(k for k, c in enumerate(s) if c in "0123456789")
    new = s[:j] + str((int(s[j]) + 1) % 10) + s[j + 1 :]
    rec["text"] = rec["text"][: sp["start"]] + new + rec["text"][sp["end"] :]
    sp["text"] = new


def assert_broken_check_digit_caught(build: ModuleType, rec: Record, i: int) -> None:
    corrupt_digit(rec, i)
    assert any("valid" in p or "birth date" in p for p in build.check_record(rec))


def _holds_national_id_with_birth_date(build: ModuleType, rec: Record) -> bool:
    return any(
        sp["label"] == "NATIONAL_ID" and any(birth for _, birth in build.national_id_kinds(sp["text"]))
        for sp in rec["spans"]
    )


def assert_nrn_dob_mismatch_caught(build: ModuleType, records: list[Record]) -> None:
    """Shift a numeric date of birth by one day in a text that also holds a national id with a birth date:
    the check must see that the id no longer matches the date of birth."""
    for rec in records:
        if not _holds_national_id_with_birth_date(build, rec):
            continue
        for k, sp in enumerate(rec["spans"]):
            d = build.parse_date(sp["text"]) if sp["label"] == "DATE_OF_BIRTH" else None
            if d is None or d[2] > 27:
                continue
            fake = sp["text"].replace(f"{d[2]:02d}", f"{d[2] + 1:02d}", 1)
            if fake == sp["text"] or len(fake) != len(sp["text"]):
                continue
            rec2 = copy.deepcopy(rec)
            s = rec2["spans"][k]
            rec2["text"] = rec2["text"][: s["start"]] + fake + rec2["text"][s["end"] :]
            s["text"] = fake
            assert any("birth date" in p for p in build.check_record(rec2)), rec["id"]
            return
    pytest.fail("no text with a numeric DOB next to a national id")


def assert_offset_and_markup_errors_caught(build: ModuleType, rec: Record, i: int) -> None:
    """A shifted offset, leftover markup and an unknown label on span i are each reported."""
    bad = copy.deepcopy(rec)
    bad["spans"][i]["start"] += 1
    assert build.check_record(bad)
    bad = copy.deepcopy(rec)
    bad["text"] = bad["text"] + " [[PERSON|x]]"
    assert any("markup" in p for p in build.check_record(bad))
    bad = copy.deepcopy(rec)
    bad["spans"][i]["label"] = "NAME"
    assert any("unknown label" in p for p in build.check_record(bad))


def assert_jsonl_format(jsonl: Path) -> None:
    """One record per line, keys in the documented order."""
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert list(obj) == ["id", "lang", "source", "text", "spans"]
        for sp in obj["spans"]:
            assert list(sp) == ["start", "end", "label", "text"]


def derived_corpus_tests(
    build: Any, records: list[Record], src_dir: Path, jsonl: Path, script: str
) -> dict[str, Callable[..., None]]:
    """The tests that every corpus built by a wrapper of the converter (tests/corpus/wrapper.py) runs:
    ``build`` is the converter set up for it, ``records`` its committed JSONL ``jsonl``, ``script`` its
    build.py. The test module puts them in its namespace (``globals().update(...)``), where pytest
    collects them under their own names."""

    def test_corpus_passes_all_converter_checks() -> None:
        assert build.check_corpus(records) == []

    def test_jsonl_is_what_the_sources_build() -> None:
        assert_jsonl_is_built(build, src_dir, jsonl, script)

    def test_no_generator_placeholders_left_in_sources() -> None:
        for path in sorted(src_dir.glob("*.txt")):
            assert "<<" not in path.read_text(encoding="utf-8"), path.name

    def test_about_a_quarter_of_the_texts_is_adversarial() -> None:
        n = sum(build.is_adversarial(r["text"]) for r in records)
        assert 0.2 <= n / len(records) <= 0.4, n

    @pytest.mark.parametrize("rec", records, ids=[r["id"] for r in records])
    def test_offsets_round_trip(rec: Record) -> None:
        assert_offsets_round_trip(rec, build.LABELS)

    def test_identifier_check_digits() -> None:
        assert_values_validate(
            records,
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
        rec, i = first_span(records, label, with_ascii_digit=True)
        assert_broken_check_digit_caught(build, rec, i)

    def test_checks_catch_nrn_dob_mismatch() -> None:
        assert_nrn_dob_mismatch_caught(build, records)

    def test_checks_catch_offset_and_markup_errors() -> None:
        rec, i = first_span(records, "PHONE", with_ascii_digit=True)
        assert_offset_and_markup_errors_caught(build, rec, i)

    def test_independence_check_rejects_values_of_other_corpora() -> None:
        ids, keys = build.other_corpora_keys()
        if not keys:
            pytest.skip("other corpora not available")
        (label, _), origin = next(iter(keys.items()))
        other = next(r for p in build.OTHER_CORPORA if p.exists() for r in build.load(p) if r["id"] == origin)
        sp = next(s for s in other["spans"] if s["label"] == label)
        rec = copy.deepcopy(records[0])
        start = len(rec["text"]) + 1
        rec["text"] += " " + sp["text"]
        rec["spans"].append(
            {"start": start, "end": start + len(sp["text"]), "label": label, "text": sp["text"]}
        )
        assert any("also occurs in" in p for p in build.check_independence([rec]))
        clash = copy.deepcopy(records[0])
        clash["id"] = sorted(ids)[0]
        assert any("id also used" in p for p in build.check_independence([clash]))

    def test_jsonl_format() -> None:
        assert_jsonl_format(jsonl)

    defined = dict(locals())
    return {name: obj for name, obj in defined.items() if name.startswith("test_")}
