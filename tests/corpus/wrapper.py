"""The converter of the first held-out set (tests/corpus/build.py) set up for a further held-out corpus.

The build.py of tests/corpus2 and tests/corpus3 each call :func:`derive` with their own settings (paths,
id scheme, corpus-level minimums, the corpora they must be independent of). It returns a fresh copy of the
converter whose parsing, checks, serialisation and statistics are unchanged, pointed at that corpus, plus
an independence check: any text id, identifier value (national id, passport, phone, e-mail, IBAN, plate,
case number, online id), address or multi-word person name that also occurs in one of the other corpora
(those present) is rejected.

Loaded by file path (the build scripts run as plain scripts, outside any package).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import phonenumbers

BASE_BUILD = Path(__file__).resolve().parent / "build.py"
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


def derive(
    name: str,
    *,
    src_dir: Path,
    out_file: Path,
    id_pattern: str,
    other_corpora: Iterable[Path],
    minimums: tuple[int, int, int] | None = None,
) -> Any:
    """A copy of the converter, loaded as module ``name``, for the corpus of ``src_dir`` -> ``out_file``.

    Its text ids must match ``id_pattern``; ``minimums`` (texts, spans, spans per label) replaces the
    converter's corpus-level minimums when given. Besides the converter's API (``build``, ``load``,
    ``dumps``, ``check_corpus``, ``check_record``, ``stats``, ``main``, ...) it has ``OTHER_CORPORA``,
    ``value_key``, ``other_corpora_keys`` and ``check_independence``; its ``check_corpus`` (which its
    ``build`` and ``main`` use) adds the independence check.
    """
    spec = importlib.util.spec_from_file_location(name, BASE_BUILD)
    assert spec is not None and spec.loader is not None
    conv: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)

    def value_key(label: str, text: str) -> str:
        """Normalised form of a value: differently formatted copies of the same value compare equal."""
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

    def keys_of(rec: dict[str, Any]) -> set[tuple[str, str]]:
        out = set()
        for sp in rec["spans"]:
            lab = sp["label"]
            if lab in IDENTIFIER_LABELS or (lab == "PERSON" and len(conv.fold(sp["text"]).split()) > 1):
                out.add((lab, value_key(lab, sp["text"])))
        return out

    def other_corpora_keys() -> tuple[set[str], dict[tuple[str, str], str]]:
        ids: set[str] = set()
        keys: dict[tuple[str, str], str] = {}
        for path in conv.OTHER_CORPORA:
            if not path.exists():
                continue
            for rec in conv.load(path):
                ids.add(rec["id"])
                for k in keys_of(rec):
                    keys.setdefault(k, rec["id"])
        return ids, keys

    def check_independence(records: list[dict[str, Any]]) -> list[str]:
        """Ids and identifier values of this corpus must not occur in any of the other corpora."""
        problems = []
        ids, keys = other_corpora_keys()
        for rec in records:
            if rec.get("id") in ids:
                problems.append(f"{rec['id']}: id also used in another corpus")
            for lab, val in sorted(keys_of(rec)):
                if (lab, val) in keys:
                    problems.append(f"{rec['id']}: {lab} {val!r} also occurs in {keys[(lab, val)]}")
        return problems

    base_check_corpus = conv.check_corpus

    def check_corpus(records: list[dict[str, Any]], *, full: bool = True) -> list[str]:
        """All checks of the converter plus the independence check."""
        problems: list[str] = base_check_corpus(records, full=full)
        return problems + check_independence(records)

    # the converter's build() and main() look these names up at call time
    conv.ID_RE = re.compile(id_pattern)
    if minimums is not None:
        conv.MIN_TEXTS, conv.MIN_SPANS, conv.MIN_PER_LABEL = minimums
    conv.SRC_DIR, conv.OUT_FILE = src_dir, out_file
    conv.OTHER_CORPORA = tuple(other_corpora)
    conv.check_corpus = check_corpus
    conv.value_key, conv.other_corpora_keys, conv.check_independence = (
        value_key,
        other_corpora_keys,
        check_independence,
    )
    return conv
