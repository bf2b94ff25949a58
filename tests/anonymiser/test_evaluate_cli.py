"""The `anonymiser` command: scrub, detect and evaluate, through a real child process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from anonymiser.evaluate import CorpusDoc, GoldSpan, score
from anonymiser.spans import Span

CLI = [sys.executable, "-m", "anonymiser.cli"]


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=120, check=False)


def test_strict_recall_needs_every_letter_and_digit() -> None:
    doc = CorpusDoc("d1", "en", "Call Jan Peeters now", (GoldSpan(5, 16, "PERSON"),))
    partly = score([doc], lambda _t: [Span(5, 8, "PERSON")])
    assert partly.overall.recall == 0.0
    whole = score([doc], lambda _t: [Span(4, 17, "ORGANIZATION")])  # label ignored, spaces too
    assert whole.overall.recall == 1.0
    # precision: letters and digits redacted inside gold / all redacted letters and digits
    assert whole.precision == pytest.approx(10 / 10)
    wide = score([doc], lambda _t: [Span(0, 16, "PERSON")])
    assert wide.precision == pytest.approx(10 / 14)


def test_scrub_reads_stdin_and_writes_placeholders() -> None:
    out = run("scrub", stdin=b"Bel 0475 12 34 56 of mail jan@example.be")
    assert out.returncode == 0
    assert out.stdout.decode() == "Bel [PHONE] of mail [EMAIL]"


def test_scrub_survives_invalid_utf8() -> None:
    out = run("scrub", stdin=b"\xff\xfe GSM 0475 12 34 56 \xc3\x28")
    assert out.returncode == 0
    assert "[PHONE]" in out.stdout.decode()


def write_corpus(path: Path) -> None:
    docs = [
        {
            "id": "a",
            "lang": "nl",
            "text": "GSM 0475 12 34 56.",
            "spans": [{"start": 4, "end": 17, "label": "PHONE"}],
        },
        {"id": "b", "lang": "en", "text": "Nothing here.", "spans": []},
    ]
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")


def test_detect_writes_one_line_per_document(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus)
    out = run("detect", str(corpus))
    assert out.returncode == 0
    lines = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["spans"] == [{"start": 4, "end": 17, "label": "PHONE"}]
    assert lines[1]["spans"] == []


def test_evaluate_prints_recall_and_precision(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus)
    out = run("evaluate", str(corpus))
    assert out.returncode == 0
    text = out.stdout.decode()
    assert "PHONE" in text and "overall recall    1.000" in text and "char precision    1.000" in text


def test_a_broken_corpus_line_is_named(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    out = run("detect", str(corpus))
    assert out.returncode == 2
    assert b"bad.jsonl:2" in out.stderr
    assert b"Traceback" not in out.stderr


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    out = run("evaluate", str(tmp_path / "nope.jsonl"))
    assert out.returncode == 2
    assert b"no such file" in out.stderr
