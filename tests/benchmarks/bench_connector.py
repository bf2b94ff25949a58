"""`make bench`, connector part: a 20,000-row police export from file to rows stored at the Centre.

A synthetic federal-police XML export (narratives included) is written with the demo-data generator;
a real Centre runs on loopback (gunicorn, the embedded SQLite store, migrated and with the partner's
key registered through the admin CLI, all as subprocesses); then ``ciateh-connector run`` reads,
maps, anonymises, queues and sends it. Printed: records/s from file to stored rows (the connector's
wall time, with the Centre's own work inside it), the rows stored, and the connector's peak RSS.
Figures are reported, never asserted; they are written to bench-results/connector.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.connectors.conftest import Centre, connector_env  # noqa: E402  (the same real Centre as the tests)

ROWS = int(os.environ.get("CIATEH_BENCH_CONNECTOR_ROWS", "20000"))
PARTNER = "police-fed"
MAPPING = ROOT / "config" / "connectors" / "federal_police.yaml"

_RUN_MEASURED = (
    "import resource, sys\n"
    "from connectors.agent import main\n"
    "rc = main(sys.argv[1:])\n"
    "print('peak-rss-kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def main() -> int:
    from connectors.demo_data import generate

    with tempfile.TemporaryDirectory(prefix="ciateh-bench-connector-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        export = generate("federal_police", ROWS, root / "export", seed=7)
        generated = time.perf_counter() - t0
        centre = Centre(root / "centre")
        centre.root.mkdir()
        centre.migrate()
        partner = centre.add_partner(PARTNER, kind="police")
        centre.start(workers=2)
        try:
            env = connector_env(root)
            t0 = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _RUN_MEASURED,
                    "run",
                    str(export),
                    "--mapping",
                    str(MAPPING),
                    "--centre",
                    centre.url,
                    "--key",
                    str(partner.private_key),
                    "--secret",
                    str(partner.secret),
                    "--outbox",
                    str(root / "outbox.sqlite3"),
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=3600,
                check=False,
            )
            elapsed = time.perf_counter() - t0
        finally:
            centre.stop()
        stored = len(centre.records_of(PARTNER))
        peak = next(
            (
                int(line.split()[1]) / 1024
                for line in done.stderr.splitlines()
                if line.startswith("peak-rss-kib")
            ),
            float("nan"),
        )
    figures = {
        "rows_in_export": ROWS,
        "rows_stored": stored,
        "connector_exit_code": done.returncode,
        "seconds_file_to_stored": round(elapsed, 2),
        "records_per_s": round(stored / elapsed, 1) if elapsed else None,
        "connector_peak_rss_mib": round(peak, 1),
        "export_generation_s": round(generated, 2),
        "centre_workers": 2,
        "centre_store": "sqlite",
    }
    print(f"connector end to end: {ROWS} police rows (XML with narratives) -> Centre on loopback")
    print(
        f"  stored {stored} rows in {elapsed:.1f} s: {stored / elapsed:.0f} records/s (file to stored rows)"
    )
    print(f"  connector peak RSS: {peak:.0f} MiB   (exit code {done.returncode})")
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "connector.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
