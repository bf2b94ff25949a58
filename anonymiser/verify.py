"""The gate at the Centre: find anything in an anonymous record that should not be there.

:func:`verify` checks an :class:`~anonymiser.records.AnonymousCase`, :func:`verify_dict` a received
JSON payload. Both return :class:`Finding` tuples (field, entity type, start, end) and never a
value, so a finding can be logged, stored and sent back to the partner as it is.

* Structured fields: every coded field holds a code of its list (else ``NOT_A_CODE``; for a
  multi-valued field start/end give the item's index), ``registered_month`` is ``YYYY-MM``, the
  keys are 64 lowercase hex characters, the versions are short tokens (else ``BAD_FORMAT``); a
  field of the wrong JSON type is ``WRONG_TYPE``, a missing one ``MISSING``, a RawCase field name
  ``RAW_FIELD``, any other extra key ``UNEXPECTED_FIELD`` (reported by position, not by name).
* Narrative: the detector runs over it, and every span it finds is a finding with its character
  offsets, except spans that lie inside a typed placeholder such as ``[PERSON]``. If the detector
  itself fails, the finding ``DETECTOR_ERROR`` is returned, so a failure never lets a record pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, NamedTuple

from anonymiser.codelists import CodeLists
from anonymiser.detect import detect
from anonymiser.labels import ALL_LABELS, placeholder
from anonymiser.records import ANONYMOUS_FIELDS, NARRATIVE_MAX_CHARS, AnonymousCase, schema_problems

DETECTOR_ERROR: Final = "DETECTOR_ERROR"
_PLACEHOLDER: Final = re.compile("|".join(re.escape(placeholder(label)) for label in ALL_LABELS))


class Finding(NamedTuple):
    """Residual personal data or a schema problem: where and what kind, never the value."""

    field: str
    entity_type: str
    start: int
    end: int


def narrative_findings(text: str, lang: str | None = None) -> list[Finding]:
    """Spans of personal data the detector finds in ``text``, outside the typed placeholders."""
    if not text.strip():
        return []
    # the typed placeholders are blanked out (same length, so offsets hold): they are not personal
    # data, and left in they would only give the recognizers candidates to reject
    masked = _PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
    try:
        spans = detect(masked, lang)
    except Exception:  # fail closed: a broken detector must not let a narrative through
        return [Finding("narrative", DETECTOR_ERROR, 0, 0)]
    holders = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
    findings: list[Finding] = []
    for span in spans:
        if any(start <= span.start and span.end <= end for start, end in holders):
            continue
        findings.append(Finding("narrative", span.label, span.start, span.end))
    return findings


def verify_dict(payload: object, codelists: CodeLists | None = None) -> list[Finding]:
    """Every finding in a received payload (the JSON object of one anonymous record)."""
    findings = [Finding(p.field, p.kind, p.start, p.end) for p in schema_problems(payload, codelists)]
    if isinstance(payload, Mapping):
        narrative = payload.get("narrative")
        if isinstance(narrative, str) and len(narrative) <= NARRATIVE_MAX_CHARS:
            findings.extend(narrative_findings(narrative))
    return findings


def verify(case: AnonymousCase, codelists: CodeLists | None = None) -> list[Finding]:
    """Every finding in an anonymous record; an empty list means it may be stored."""
    if not isinstance(case, AnonymousCase):
        return [Finding("<payload>", "WRONG_TYPE", 0, 0)]
    return verify_dict({name: getattr(case, name) for name in ANONYMOUS_FIELDS}, codelists)
