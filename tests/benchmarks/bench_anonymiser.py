"""`make bench`: the anonymiser against vanilla Presidio on the same annotated texts, in one run.

Vanilla Presidio is set up as a new user would: ``AnalyzerEngine`` with spaCy's ``fr_core_news_md``,
the default recognizers, every text analysed as French. Both run in this process on the same texts;
the anonymiser's cold start (interpreter start to the first document detected) and peak memory are
measured on the real ``anonymiser detect`` command in a child process.

Prints documents per second of each, their ratio, the recall of each (strict, as in
``anonymiser evaluate``), cold start and peak RSS, and writes the figures to bench-results/.
Timings are reported, never asserted.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [
    ROOT.parent / "shared" / "corpus" / "dev.jsonl",
    ROOT / "tests" / "corpus" / "heldout.jsonl",
    ROOT / "tests" / "corpus2" / "heldout2.jsonl",
    ROOT / "tests" / "corpus3" / "heldout3.jsonl",
]
ANONYMISER = Path(sys.executable).with_name("anonymiser")


def corpus_docs() -> list[Any]:
    from anonymiser.evaluate import read_corpus

    docs = []
    for path in CORPORA:
        if path.exists():
            docs.extend(read_corpus(path))
    if not docs:
        raise SystemExit("no annotated corpus found (looked for " + ", ".join(map(str, CORPORA)) + ")")
    return docs


def cold_start(one_doc: Path) -> float:
    """Wall time of `anonymiser detect` on a one-document corpus: start-up, model load, one text."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([str(ANONYMISER), "detect", str(one_doc)], check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def peak_rss_mib(corpus: Path) -> tuple[float, float]:
    """Peak RSS of `anonymiser detect` over the whole corpus, and its wall time."""
    t0 = time.perf_counter()
    code = (
        "import resource, sys\n"
        "from anonymiser.cli import main\n"
        "rc = main(['detect', sys.argv[1]])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(corpus)], check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - t0
    return int(proc.stderr.strip().splitlines()[-1]) / 1024, elapsed


def run_anonymiser(texts: list[str]) -> tuple[float, list[list[Any]]]:
    from anonymiser import ner
    from anonymiser.detect import default_detector

    detector = default_detector()
    detector.detect(texts[0])
    ner.load()  # what is loaded lazily is loaded before timing, as in any long-running service
    t0 = time.perf_counter()
    out = [detector.detect(t) for t in texts]
    return time.perf_counter() - t0, out


def run_presidio(texts: list[str]) -> tuple[float, float, list[list[Any]]]:
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from anonymiser.spans import Span

    # Presidio's e-mail recognizer calls tldextract, which would fetch the public suffix list over the
    # network; use the snapshot tldextract ships (the offline path), as the machine has no internet.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    t0 = time.perf_counter()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["fr"])
    engine.analyze(texts[0], language="fr")
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = []
    for text in texts:
        results = engine.analyze(text, language="fr")
        out.append([Span(r.start, r.end, r.entity_type) for r in results if r.end > r.start])
    return time.perf_counter() - t0, load, out


def main() -> int:
    from anonymiser.evaluate import score

    docs = corpus_docs()
    texts = [d.text for d in docs]
    with tempfile.TemporaryDirectory() as tmp:
        whole = Path(tmp) / "corpus.jsonl"
        one = Path(tmp) / "one.jsonl"
        lines = [json.dumps({"id": d.id, "lang": d.lang, "text": d.text, "spans": []}) for d in docs]
        whole.write_text("\n".join(lines) + "\n", encoding="utf-8")
        one.write_text(lines[0] + "\n", encoding="utf-8")
        cold = cold_start(one)
        rss, cli_wall = peak_rss_mib(whole)

    ours_time, ours_spans = run_anonymiser(texts)
    presidio_time, presidio_load, presidio_spans = run_presidio(texts)

    by_text = dict(zip(texts, ours_spans, strict=True))
    ours_scores = score(docs, lambda t: by_text[t])
    by_text_p = dict(zip(texts, presidio_spans, strict=True))
    presidio_scores = score(docs, lambda t: by_text_p[t])

    n = len(texts)
    ours_rate, presidio_rate = n / ours_time, n / presidio_time
    figures = {
        "documents": n,
        "cpu_count": os.cpu_count(),
        "anonymiser_docs_per_s": round(ours_rate, 1),
        "presidio_docs_per_s": round(presidio_rate, 1),
        "ratio": round(ours_rate / presidio_rate, 1),
        "anonymiser_recall": round(ours_scores.overall.recall, 4),
        "presidio_recall": round(presidio_scores.overall.recall, 4),
        "anonymiser_char_precision": round(ours_scores.precision, 4),
        "presidio_char_precision": round(presidio_scores.precision, 4),
        "anonymiser_cold_start_s": round(cold, 2),
        "anonymiser_peak_rss_mib": round(rss, 1),
        "anonymiser_cli_wall_s": round(cli_wall, 2),
        "presidio_load_s": round(presidio_load, 2),
        "bench_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    names = ", ".join(p.name for p in CORPORA if p.exists())
    print(f"anonymiser vs vanilla Presidio on {n} annotated texts ({names})")
    print(f"{'':28} {'anonymiser':>12} {'presidio':>12}")
    print(f"{'documents per second':28} {ours_rate:>12.1f} {presidio_rate:>12.1f}")
    print(f"{'strict recall':28} {ours_scores.overall.recall:>12.3f} {presidio_scores.overall.recall:>12.3f}")
    print(f"{'character precision':28} {ours_scores.precision:>12.3f} {presidio_scores.precision:>12.3f}")
    print(f"ratio (anonymiser / presidio docs/s): {ours_rate / presidio_rate:.1f}x   (target >= 5x)")
    print(f"anonymiser cold start: {cold:.2f} s (target < 3 s)   peak RSS: {rss:.0f} MiB (target < 1024 MiB)")
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "anonymiser.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
