"""The ``anonymiser`` command: scrub stdin, detect over a corpus, evaluate against gold spans."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from anonymiser.evaluate import CorpusError, format_report, read_corpus, score


def _cmd_scrub(args: argparse.Namespace) -> int:
    from anonymiser.text import scrub

    data = sys.stdin.buffer.read()
    text = data.decode("utf-8", errors="replace")
    sys.stdout.write(scrub(text, lang=args.lang).text)
    return 0


def _cmd_detect(args: argparse.Namespace) -> int:
    from anonymiser.detect import default_detector

    detector = default_detector()
    out = sys.stdout
    for doc in read_corpus(args.corpus):
        spans = detector.detect(doc.text)
        out.write(
            json.dumps({"id": doc.id, "spans": [s.as_dict() for s in spans]}, ensure_ascii=False) + "\n"
        )
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from anonymiser.detect import default_detector

    detector = default_detector()
    scores = score(read_corpus(args.corpus), detector.detect)
    print(format_report(scores))
    if args.show_missed:
        # Shows offsets and labels only; open the corpus at those offsets to see the text.
        for doc_id, g in scores.missed:
            print(f"missed {doc_id} {g.label} [{g.start}, {g.end})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anonymiser", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("scrub", help="read text on stdin, write it with personal data replaced")
    p.add_argument("--lang", choices=["nl", "fr", "en", "de"], default=None, help="skip language detection")
    p.set_defaults(func=_cmd_scrub)
    p = sub.add_parser("detect", help="one JSON line of spans per document of a JSONL corpus")
    p.add_argument("corpus")
    p.set_defaults(func=_cmd_detect)
    p = sub.add_parser("evaluate", help="recall per label and language, character precision")
    p.add_argument("corpus")
    p.add_argument("--show-missed", action="store_true", help="list missed gold spans (offsets only)")
    p.set_defaults(func=_cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CorpusError as exc:
        print(f"anonymiser: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"anonymiser: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
