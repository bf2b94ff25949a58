"""`make demo` for now: what leaves a partner, shown on synthetic data.

1. a partner's case record (examples/raw_case.json) becomes an anonymous record and a report;
2. the sample narratives in examples/narratives are scrubbed.

Later issues grow the demo into the whole product (connectors, the Centre, the portal).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_SECRET = b"demo-partner-secret-not-for-production-use!"


def show_record() -> None:
    from anonymiser import RawCase, anonymise, verify

    source = (ROOT / "examples" / "raw_case.json").read_text(encoding="utf-8")
    raw = RawCase.from_mapping(json.loads(source))
    anonymous, report = anonymise(raw, DEMO_SECRET)
    print("=== examples/raw_case.json (synthetic): a partner's record, anonymised ===")
    print("--- the partner's record (it never leaves the partner):")
    print(source.strip())
    print("--- the anonymous record that may leave the partner:")
    print(json.dumps(anonymous.to_dict(), indent=2, ensure_ascii=False))
    print("--- the anonymisation report (field names and counts only):")
    print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    findings = verify(anonymous)
    print(f"--- the Centre's check finds {len(findings)} residual personal data\n")


def show_narratives() -> None:
    from anonymiser.text import scrub

    for path in sorted((ROOT / "examples" / "narratives").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = scrub(text)
        print(f"=== {path.relative_to(ROOT)} (synthetic) ===")
        print("--- as the partner holds it:")
        print(text.strip())
        print("--- what may leave the partner:")
        print(result.text.strip())
        counts = ", ".join(f"{label} x{n}" for label, n in sorted(result.counts().items()))
        print(f"--- report: {counts}\n")


def main() -> int:
    t0 = time.perf_counter()
    show_record()
    show_narratives()
    print(f"done in {time.perf_counter() - t0:.2f} s (model load included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
