"""The narrow base every recognizer implements, and the document it reads.

A recognizer is a small class with one job: find one kind of personal datum. It reads the
*normalised* text of a :class:`Document` (obfuscation already undone, see ``anonymiser.normalise``)
and yields :class:`~anonymiser.spans.Span` objects in normalised offsets; the detector maps them back
to the original text, merges overlaps and resolves labels.

Modelled on Presidio's ``EntityRecognizer`` (one recognizer per module, supported entities, context
words), without its NLP-artifacts coupling: a recognizer here needs no spaCy ``Doc``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from anonymiser.spans import Span


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    lang: str


@dataclass(slots=True)
class Document:
    """What recognizers read: the normalised text, its language per sentence, shared findings."""

    text: str
    lang: str = "nl"
    sentences: tuple[Sentence, ...] = ()
    # Names found so far in this document (surface forms), so that later mentions of a first name
    # or surname alone are caught too (document-level propagation, as Deduce does).
    known_names: set[str] = field(default_factory=set)
    # per-document results a recognizer computes once and reuses (keyed by "<recognizer>.<what>")
    cache: dict[str, object] = field(default_factory=dict)

    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def lang_at(self, offset: int) -> str:
        sentence = self.sentence_at(offset)
        return sentence.lang if sentence else self.lang

    def sentence_bounds(self, offset: int) -> tuple[int, int]:
        sentence = self.sentence_at(offset)
        return (sentence.start, sentence.end) if sentence else (0, len(self.text))

    def lowered(self) -> str:
        """The text in lower case, offsets unchanged: case-sensitive patterns of lower-case words
        run on it several times faster than case-insensitive ones on the text."""
        lowered = self.cache.get("lowered")
        if not isinstance(lowered, str):
            lowered = self.text.lower()
            if len(lowered) != len(self.text):  # a few characters grow when lowered ("İ")
                lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.text)
            self.cache["lowered"] = lowered
        return lowered

    def window_before(self, offset: int, width: int = 40) -> str:
        """The lower-cased text just before ``offset``, for context words."""
        return self.text[max(0, offset - width) : offset].lower()

    def window_after(self, offset: int, width: int = 40) -> str:
        return self.text[offset : offset + width].lower()


class Recognizer(ABC):
    """Find one kind of personal datum in a :class:`Document`."""

    #: registry key, unique
    name: ClassVar[str]
    #: labels this recognizer may emit
    labels: ClassVar[tuple[str, ...]]
    #: the order in which recognizers run; later ones may use what earlier ones put on the document
    order: ClassVar[int] = 100

    @abstractmethod
    def find(self, doc: Document) -> Iterable[Span]:
        """Yield spans in offsets of ``doc.text``."""


class PatternRecognizer(Recognizer):
    """A recognizer made of compiled regular expressions, each candidate checked by :meth:`accept`.

    Subclasses set ``patterns`` (compiled, with the value in group ``value`` if they have one, else
    the whole match) and may override :meth:`accept` to validate a candidate (a check digit, a
    context word) and :meth:`label_for` to choose the label.
    """

    patterns: ClassVar[tuple[re.Pattern[str], ...]] = ()
    score: ClassVar[float] = 0.9

    def accept(self, value: str, doc: Document, start: int, end: int) -> bool:
        return True

    def label_for(self, value: str, doc: Document, start: int, end: int) -> str:
        return self.labels[0]

    def find(self, doc: Document) -> Iterator[Span]:
        for pattern in self.patterns:
            for m in pattern.finditer(doc.text):
                if "value" in pattern.groupindex and m.group("value") is not None:
                    start, end = m.span("value")
                else:
                    start, end = m.span()
                if end <= start:
                    continue
                value = doc.text[start:end]
                if self.accept(value, doc, start, end):
                    yield Span(start, end, self.label_for(value, doc, start, end), self.score, self.name)


# What may stand between a context word and its value: a short word ("moldave", "met nummer"), "n°" or
# a punctuation mark ("(", ":", "«").
CONTEXT_GAP = re.compile(r"[ \t]*(?:n[°º]|[^\W\d_]{1,20}\.?|[#:(«\"'’\-–°º])")


def values_after_context(
    doc: Document,
    context: re.Pattern[str],
    value: re.Pattern[str],
    accept: Callable[[str, Document, int, int], bool],
    *,
    gap: re.Pattern[str] = CONTEXT_GAP,
    max_gap: int = 4,
) -> Iterator[tuple[int, int]]:
    """The offsets of the value after each context word ("passeport moldave n° AB0912746").

    After each match of ``context`` in the document's text: the first match of ``value`` (read at that
    point, the value in its group ``value``) that ``accept(value, doc, start, end)`` takes, with at most
    ``max_gap`` matches of ``gap`` skipped before it.
    """
    text = doc.text
    for m in context.finditer(text):
        pos = m.end()
        for _ in range(max_gap + 1):
            found = value.match(text, pos)
            if found is not None:
                start, end = found.span("value")
                if accept(found.group("value"), doc, start, end):
                    yield start, end
                    break
            step = gap.match(text, pos) or found  # a rejected value (a date) is skipped too
            if step is None:
                break
            pos = step.end()
