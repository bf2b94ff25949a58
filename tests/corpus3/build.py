#!/usr/bin/env python3
"""Build and check the third held-out THB de-identification corpus (tests/corpus3).

Thin wrapper around the converter of the first held-out set (``tests/corpus/build.py``, set up for this
corpus by ``tests/corpus/wrapper.py``): its parsing, checks, serialisation and statistics are reused
unchanged, with these differences:

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
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

_spec = importlib.util.spec_from_file_location(
    "heldout3_corpus_wrapper", HERE.parent / "corpus" / "wrapper.py"
)
assert _spec is not None and _spec.loader is not None
wrapper: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wrapper)

#: the converter set up for this corpus (``conv.build``, ``conv.load``, ``conv.check_corpus``, ...)
conv = wrapper.derive(
    "heldout3_corpus_build_base",
    src_dir=HERE / "src",
    out_file=HERE / "heldout3.jsonl",
    id_pattern=r"^h3-\d{3}$",
    minimums=(40, 400, 8),
    other_corpora=(
        HERE.parent / "corpus" / "heldout.jsonl",
        HERE.parent / "corpus2" / "heldout2.jsonl",
        Path("/work/shared/corpus/dev.jsonl"),
    ),
)


if __name__ == "__main__":
    sys.exit(conv.main())
