"""`make demo` for now: scrub the synthetic sample narratives in examples/ and show what would leave.

Later issues grow the demo into the whole product (connectors, the Centre, the portal).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    t0 = time.perf_counter()
    from anonymiser.text import scrub

    samples = sorted((ROOT / "examples" / "narratives").glob("*.txt"))
    for path in samples:
        text = path.read_text(encoding="utf-8")
        result = scrub(text)
        print(f"=== {path.relative_to(ROOT)} (synthetic) ===")
        print("--- as the partner holds it:")
        print(text.strip())
        print("--- what may leave the partner:")
        print(result.text.strip())
        counts = ", ".join(f"{label} x{n}" for label, n in sorted(result.counts().items()))
        print(f"--- report: {counts}\n")
    print(f"{len(samples)} narratives scrubbed in {time.perf_counter() - t0:.2f} s (model load included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
