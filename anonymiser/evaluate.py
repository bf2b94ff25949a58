"""Recall and precision of a detector on an annotated JSONL corpus (shared corpus format).

Strict recall: a gold span counts as caught only when every letter and digit of it lies inside some
detected span (the label is ignored: redacted is redacted). Precision: the share of redacted letters
and digits that lie inside gold spans.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anonymiser.spans import Span


@dataclass(frozen=True, slots=True)
class GoldSpan:
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class CorpusDoc:
    id: str
    lang: str
    text: str
    spans: tuple[GoldSpan, ...]


class CorpusError(ValueError):
    """A corpus line that is not in the expected format (the message names the line)."""


def read_corpus(path: str | Path) -> Iterator[CorpusDoc]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw: dict[str, Any] = json.loads(line)
                text = raw["text"]
                spans = tuple(
                    GoldSpan(int(s["start"]), int(s["end"]), str(s["label"])) for s in raw.get("spans", [])
                )
                doc = CorpusDoc(str(raw["id"]), str(raw.get("lang", "")), text, spans)
            except (ValueError, KeyError, TypeError) as exc:
                raise CorpusError(f"{path}:{lineno}: not a corpus document ({type(exc).__name__})") from None
            if not isinstance(text, str):
                raise CorpusError(f"{path}:{lineno}: 'text' is not a string")
            yield doc


@dataclass
class Tally:
    gold: int = 0
    caught: int = 0

    @property
    def recall(self) -> float:
        return self.caught / self.gold if self.gold else 1.0


@dataclass
class Scores:
    by_label: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    overall: Tally = field(default_factory=Tally)
    redacted_chars: int = 0
    redacted_in_gold: int = 0
    missed: list[tuple[str, GoldSpan]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.redacted_in_gold / self.redacted_chars if self.redacted_chars else 1.0


def _covered(text_len: int, spans: Iterable[Span | GoldSpan]) -> bytearray:
    mask = bytearray(text_len)
    for s in spans:
        mask[max(0, s.start) : min(text_len, s.end)] = b"\x01" * (min(text_len, s.end) - max(0, s.start))
    return mask


def score(docs: Iterable[CorpusDoc], detector: Callable[[str], Sequence[Span]]) -> Scores:
    scores = Scores()
    for doc in docs:
        found = detector(doc.text)
        redacted = _covered(len(doc.text), found)
        gold = _covered(len(doc.text), doc.spans)
        for i, ch in enumerate(doc.text):
            if ch.isalnum() and redacted[i]:
                scores.redacted_chars += 1
                scores.redacted_in_gold += gold[i]
        for g in doc.spans:
            caught = all(redacted[i] for i in range(g.start, g.end) if doc.text[i].isalnum())
            for tally in (scores.by_label[g.label], scores.by_lang[doc.lang], scores.overall):
                tally.gold += 1
                tally.caught += caught
            if not caught:
                scores.missed.append((doc.id, g))
    return scores


def format_report(scores: Scores) -> str:
    lines = [f"{'label':<15} {'gold':>5} {'caught':>6} {'recall':>7}"]
    for label in sorted(scores.by_label):
        t = scores.by_label[label]
        lines.append(f"{label:<15} {t.gold:>5} {t.caught:>6} {t.recall:>7.3f}")
    lines.append("")
    lines.append(f"{'language':<15} {'gold':>5} {'caught':>6} {'recall':>7}")
    for lang in sorted(scores.by_lang):
        t = scores.by_lang[lang]
        lines.append(f"{lang:<15} {t.gold:>5} {t.caught:>6} {t.recall:>7.3f}")
    lines.append("")
    lines.append(
        f"overall recall    {scores.overall.recall:.3f} ({scores.overall.caught}/{scores.overall.gold})"
    )
    lines.append(
        f"char precision    {scores.precision:.3f} ({scores.redacted_in_gold}/{scores.redacted_chars} "
        "redacted letters and digits inside gold spans)"
    )
    return "\n".join(lines)
