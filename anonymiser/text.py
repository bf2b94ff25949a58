"""Scrub a narrative: detect personal data and replace each span with a typed placeholder."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from anonymiser.detect import default_detector
from anonymiser.labels import placeholder
from anonymiser.spans import Span


@dataclass(frozen=True, slots=True)
class ScrubResult:
    text: str
    spans: tuple[Span, ...]

    def counts(self) -> dict[str, int]:
        return dict(Counter(s.label for s in self.spans))


def replace_spans(text: str, spans: tuple[Span, ...] | list[Span]) -> str:
    out: list[str] = []
    pos = 0
    for s in sorted(spans):
        out.append(text[pos : s.start])
        out.append(placeholder(s.label))
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def scrub(text: str, lang: str | None = None) -> ScrubResult:
    spans = tuple(default_detector().detect(text, lang))
    return ScrubResult(replace_spans(text, spans), spans)
