"""A detected span of personal data: offsets and a label, never the value itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open interval ``[start, end)`` of code points in a text, with the entity label.

    A span deliberately carries no copy of the text it covers, so that reports and logs built
    from spans can never contain a personal value.
    """

    start: int
    end: int
    label: str
    score: float = 1.0
    recognizer: str = ""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def as_dict(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "label": self.label}
