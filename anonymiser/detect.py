"""Run every recognizer over a normalised text and return merged spans in original offsets."""

from __future__ import annotations

from collections.abc import Sequence

from anonymiser.labels import PRIORITY
from anonymiser.language import split_sentences
from anonymiser.normalise import normalise
from anonymiser.recognizers import Document, Recognizer, default_recognizers
from anonymiser.spans import Span

MAX_TEXT_CHARS = 2_000_000


class TextTooLong(ValueError):
    """A narrative longer than :data:`MAX_TEXT_CHARS`; split it before scrubbing."""


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Union overlapping spans; the merged span takes the label with the highest priority."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            label = min((last.label, span.label), key=lambda lab: PRIORITY.get(lab, 99))
            keep = last if label == last.label else span
            merged[-1] = Span(
                last.start, max(last.end, span.end), label, max(last.score, span.score), keep.recognizer
            )
        else:
            merged.append(span)
    return merged


class Detector:
    """Find personal data in free text. Build once, reuse: construction loads the recognizers."""

    def __init__(self, recognizers: Sequence[Recognizer] | None = None) -> None:
        self.recognizers = list(recognizers) if recognizers is not None else default_recognizers()

    def detect(self, text: str, lang: str | None = None) -> list[Span]:
        if len(text) > MAX_TEXT_CHARS:
            raise TextTooLong(f"text of {len(text)} characters is over the limit of {MAX_TEXT_CHARS}")
        if not text.strip():
            return []
        norm = normalise(text)
        whole, sentences = split_sentences(norm.text, lang)
        doc = Document(norm.text, whole, sentences)
        found: list[Span] = []
        for recognizer in self.recognizers:
            found.extend(recognizer.find(doc))
        spans = []
        for span in merge_spans(found):
            start, end = norm.to_original(span.start, span.end)
            if end > start:
                spans.append(Span(start, end, span.label, span.score, span.recognizer))
        return merge_spans(spans)


_default: Detector | None = None


def default_detector() -> Detector:
    global _default
    if _default is None:
        _default = Detector()
    return _default


def detect(text: str, lang: str | None = None) -> list[Span]:
    """Spans of personal data in ``text`` (original offsets), using the shared default detector."""
    return default_detector().detect(text, lang)
