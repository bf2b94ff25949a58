"""Checks shared by the integrity tests of the held-out corpora (tests/corpus, tests/corpus2).

Imported as ``tests.corpus.integrity``. Each check takes the records of one corpus and, where it needs
the converter, that corpus's ``build`` module (tests/corpus/build.py or its wrapper tests/corpus2/build.py).
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
