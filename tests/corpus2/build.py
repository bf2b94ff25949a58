#!/usr/bin/env python3
"""Build and check the second held-out THB de-identification corpus (tests/corpus2).

Thin wrapper around the converter of the first held-out set (``tests/corpus/build.py``, set up for this
corpus by ``tests/corpus/wrapper.py``): its parsing, checks, serialisation and statistics are reused
unchanged, with three differences:

* sources are ``tests/corpus2/src/*.txt``, output is ``tests/corpus2/heldout2.jsonl``;
* text ids are ``h2-NNN`` (instead of ``own-NNN``);
* an extra independence check rejects any text id, identifier value (national id, passport, phone, e-mail,
  IBAN, plate, case number, online id), address or multi-word person name that also occurs in
  ``tests/corpus/heldout.jsonl`` or ``/work/shared/corpus/dev.jsonl`` (when present).

    .venv/bin/python tests/corpus2/build.py            # src/*.txt -> heldout2.jsonl (after all checks)
    .venv/bin/python tests/corpus2/build.py --stats    # same, and print counts per label / language / source
    .venv/bin/python tests/corpus2/build.py --check    # only re-validate the committed heldout2.jsonl

Nothing is written when any check fails (exit status 1, problems listed on stderr).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

_spec = importlib.util.spec_from_file_location(
    "heldout2_corpus_wrapper", HERE.parent / "corpus" / "wrapper.py"
)
assert _spec is not None and _spec.loader is not None
wrapper: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wrapper)

#: the converter set up for this corpus (``conv.build``, ``conv.load``, ``conv.check_corpus``, ...)
conv = wrapper.derive(
    "heldout_corpus_build_base",
    src_dir=HERE / "src",
    out_file=HERE / "heldout2.jsonl",
    id_pattern=r"^h2-\d{3}$",
    other_corpora=(HERE.parent / "corpus" / "heldout.jsonl", Path("/work/shared/corpus/dev.jsonl")),
)


if __name__ == "__main__":
    sys.exit(conv.main())
