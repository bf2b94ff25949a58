#!/usr/bin/env python3
"""Synthetic identifier generator for the third held-out corpus (tests/corpus3).

Thin wrapper around ``tests/corpus2/gen_ids.py`` (python-stdnum based generators for Belgian national
register / BIS numbers consistent with a date of birth, IBANs, Romanian CNP, Bulgarian EGN, Polish PESEL,
Chinese resident ID, Brazilian CPF, Spanish NIE, Dutch BSN, Turkish T.C. Kimlik), pointed at
``tests/corpus3/src`` with its own random seed. Values already used in the development set or in the first
and second held-out sets are never produced. The placeholders ``<<KIND|arg|...>>`` in ``src/*.txt`` were
filled once with it; the committed sources contain the literal values.

    .venv/bin/python tests/corpus3/gen_ids.py fill      # replace remaining placeholders in src/*.txt
    .venv/bin/python tests/corpus3/gen_ids.py sample    # print a few example values
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("corpus2_gen_ids", HERE.parent / "corpus2" / "gen_ids.py")
assert _spec is not None and _spec.loader is not None
gen: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

gen.HERE = HERE
gen.RNG = random.Random(20241203)
for line in (HERE.parent / "corpus2" / "heldout2.jsonl").read_text(encoding="utf-8").splitlines():
    for sp in json.loads(line)["spans"]:
        gen.USED.add("".join(c for c in sp["text"] if c.isalnum()).upper())
for path in (HERE / "src").glob("*.txt"):
    raw = path.read_text(encoding="utf-8")
    gen.USED.update(re.findall(r"\d{6,}", raw))
    for surface in re.findall(r"\[\[[A-Z_]+\|([^\n|]+?)\]\]", raw):
        surface = re.sub(r"\{[A-Z]{2,6}\}", "", surface)
        gen.USED.add("".join(c for c in unicodedata.normalize("NFKC", surface) if c.isalnum()).upper())

if __name__ == "__main__":
    sys.exit({"fill": gen.fill, "sample": gen.sample}[sys.argv[1] if len(sys.argv) > 1 else "sample"]())
