"""Peak memory of the CSV reader on a big export: streamed (``max_bytes`` raised) and refused (the
default 100 MiB limit). Synthetic data only.

    .venv/bin/python tests/connectors/readers/bench_csv_stream.py            # 200 MB, both cases
    .venv/bin/python tests/connectors/readers/bench_csv_stream.py --mb 50
    .venv/bin/python tests/connectors/readers/bench_csv_stream.py --read FILE [--max-bytes N]

Each case runs in a fresh interpreter and reports its high-water RSS (``VmHWM``), so the peak is
the reader's own, not that of whatever ran before; the baseline is the RSS after the imports, before
the file is opened.
``test_csv.py`` runs the same measurement (marked ``slow``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024
HEADER = "DossierID;Naam;Voornaam;Geboortedatum;Nationaliteit;Gemeente;Rol;Vaststellingen\r\n"
_NAMES = ("Verbeke", "Dubois", "Peeters", "Lambert", "Claes", "Dupont", "Wouters", "Mertens")
_FIRST = ("Zoë", "Jérôme", "Anaïs", "Bart", "Inès", "Koen", "Léa", "Wim")
_PLACES = ("Liège", "Gent", "Namur", "Antwerpen", "Charleroi", "Brugge", "Mons", "Leuven")
_NARRATIVE = (
    "Synthetische vaststelling: de persoon werkte zeven dagen per week in een car wash, zonder "
    "contract; het paspoort werd door de werkgever bijgehouden. Constatation synthétique, aucune "
    "personne réelle. "
)


def write_export(path: Path, size_bytes: int) -> int:
    """A cp1252 ';' export as Belgian Excel writes it, with a quoted multi-line narrative in every
    tenth record, until the file holds ``size_bytes``. Returns the number of data records."""
    count = 0
    written = 0
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(HEADER)
        written += len(HEADER)
        batch: list[str] = []
        while written < size_bytes:
            i = count
            narrative = _NARRATIVE * (1 + i % 3)
            if i % 10 == 0:
                narrative += '\r\nTweede regel met ""aanhalingstekens"".'
            narrative = f'"{narrative}"'  # it holds ';', so Excel quotes it
            line = (
                f"PV/{2020 + i % 5}/{i:07d};{_NAMES[i % 8]};{_FIRST[i % 7]};{1 + i % 28:02d}/"
                f"{1 + i % 12:02d}/{1960 + i % 45};BE;{_PLACES[i % 8]};slachtoffer;{narrative}\r\n"
            )
            batch.append(line)
            written += len(line)
            count += 1
            if len(batch) == 5000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    return count


def measure(path: Path, max_bytes: int | None) -> dict[str, object]:
    """Read ``path`` here and report rows, errors, rejection, time and memory (run in a fresh process)."""
    import psutil

    from connectors.readers.base import FileRejected, ReadOptions, RowError
    from connectors.readers.csv_reader import CsvReader

    process = psutil.Process()
    baseline = process.memory_info().rss
    options = ReadOptions() if max_bytes is None else ReadOptions(max_bytes=max_bytes)
    rows = errors = 0
    samples: list[int] = []
    rejected: str | None = None
    started = time.perf_counter()
    try:
        for item in CsvReader().rows(path, options):
            if isinstance(item, RowError):
                errors += 1
            else:
                rows += 1
            if (rows + errors) % 100_000 == 0:
                samples.append(process.memory_info().rss)
    except FileRejected as exc:
        rejected = str(exc)
    seconds = time.perf_counter() - started
    samples.append(process.memory_info().rss)
    peak = max(_peak_rss(), *samples)
    return {
        "file_mib": round(path.stat().st_size / MIB, 1),
        "max_bytes": options.max_bytes,
        "rows": rows,
        "errors": errors,
        "rejected": rejected,
        "seconds": round(seconds, 2),
        "baseline_rss_mib": round(baseline / MIB, 1),
        "peak_rss_mib": round(peak / MIB, 1),
        "rss_samples_mib": [round(s / MIB, 1) for s in samples[:: max(1, len(samples) // 8)]],
    }


def _peak_rss() -> int:
    """This process's high-water RSS. On Linux ``VmHWM`` (per address space, so not inherited from
    the parent that forked this process, unlike ``ru_maxrss``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB, macOS: bytes


def run_in_subprocess(path: Path, max_bytes: int | None) -> dict[str, object]:
    command = [sys.executable, __file__, "--read", str(path)]
    if max_bytes is not None:
        command += ["--max-bytes", str(max_bytes)]
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root, timeout=300)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=int, default=200, help="size of the generated export (MiB)")
    parser.add_argument("--read", type=Path, help="measure reading this file (in this process)")
    parser.add_argument("--max-bytes", type=int, help="ReadOptions.max_bytes (default: the default limit)")
    args = parser.parse_args()
    if args.read:
        sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
        print(json.dumps(measure(args.read, args.max_bytes)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        records = write_export(path, args.mb * MIB)
        print(f"generated {path.stat().st_size / MIB:.1f} MiB, {records:,} records")
        streamed = run_in_subprocess(path, path.stat().st_size + MIB)
        print("streamed with max_bytes raised:", json.dumps(streamed))
        refused = run_in_subprocess(path, None)
        print("default limit:", json.dumps(refused))


if __name__ == "__main__":
    main()
