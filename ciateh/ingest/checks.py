"""The privacy gate for each record of a batch: accepted as an :class:`AnonymousCase`, or rejected
with findings (field, entity type, start, end) that never carry a value.

On top of :func:`anonymiser.verify_dict` (schema against the code lists, residual personal data in
the narrative) the Centre enforces its own limits: a field longer than ``MAX_FIELD_CHARS`` (or a
narrative longer than ``MAX_NARRATIVE_CHARS``) is ``TOO_LONG``, a narrative with control characters
or lone surrogates is ``BAD_CHARACTER`` (at the first such offset), and a ``record_key`` already used
by an earlier record of the same batch is ``DUPLICATE_RECORD_KEY``. An over-long or malformed
narrative is not run through the detector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from anonymiser import AnonymousCase, Finding, verify_dict
from anonymiser.labels import ALL_LABELS
from anonymiser.records import (
    ANONYMOUS_FIELDS,
    BAD_FORMAT,
    MISSING,
    NOT_A_CODE,
    RAW_FIELD,
    RAW_FIELDS,
    TOO_LONG,
    UNEXPECTED_FIELD,
    WRONG_TYPE,
)
from anonymiser.verify import DETECTOR_ERROR
from ciateh.ingest.limits import IngestLimits

BAD_CHARACTER: Final = "BAD_CHARACTER"
DUPLICATE_RECORD_KEY: Final = "DUPLICATE_RECORD_KEY"
ACCEPTED: Final = "accepted"
REJECTED: Final = "rejected"

_RECORD_KEY: Final = re.compile(r"[0-9a-f]{64}")
_BAD_CHARACTER: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

Status = Literal["accepted", "rejected"]

#: Every entity type a finding can have: the detector's labels, the schema's problem kinds, ours.
ENTITY_TYPES: Final[tuple[str, ...]] = (
    *ALL_LABELS,
    DETECTOR_ERROR,
    MISSING,
    WRONG_TYPE,
    NOT_A_CODE,
    BAD_FORMAT,
    RAW_FIELD,
    UNEXPECTED_FIELD,
    TOO_LONG,
    BAD_CHARACTER,
    DUPLICATE_RECORD_KEY,
)
#: Every field name a finding can name: the record's fields, a RawCase field sent by mistake, the
#: payload as a whole (not an object) and an unexpected key (reported by position, not by name).
FINDING_FIELDS: Final[tuple[str, ...]] = (
    *ANONYMOUS_FIELDS,
    *(name for name in RAW_FIELDS if name not in ANONYMOUS_FIELDS),
    "<payload>",
    "<unexpected>",
)


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """The outcome for one record. ``case`` is set exactly when the record is accepted;
    ``record_key`` only when the payload carried a well-formed key (64 lowercase hex)."""

    index: int
    record_key: str | None
    findings: tuple[Finding, ...]
    case: AnonymousCase | None

    @property
    def status(self) -> Status:
        return "accepted" if self.case is not None else "rejected"

    def outcome(self) -> dict[str, object]:
        """The JSON outcome: index, status, record_key (if well formed) and errors."""
        out: dict[str, object] = {"index": self.index, "status": self.status}
        if self.record_key is not None:
            out["record_key"] = self.record_key
        out["errors"] = [
            {"field": f.field, "entity_type": f.entity_type, "start": f.start, "end": f.end}
            for f in self.findings
        ]
        return out


def well_formed_key(payload: object) -> str | None:
    if not isinstance(payload, Mapping):
        return None
    key = payload.get("record_key")
    return key if isinstance(key, str) and _RECORD_KEY.fullmatch(key) else None


def limit_findings(payload: Mapping[str, object], limits: IngestLimits) -> list[Finding]:
    """Fields over the Centre's length limits, and a narrative with characters that are not text."""
    findings: list[Finding] = []
    for name in ANONYMOUS_FIELDS:
        value = payload.get(name)
        if name == "narrative":
            if isinstance(value, str):
                if len(value) > limits.max_narrative_chars:
                    findings.append(Finding(name, TOO_LONG, 0, 0))
                elif (bad := _BAD_CHARACTER.search(value)) is not None:
                    findings.append(Finding(name, BAD_CHARACTER, bad.start(), bad.end()))
        elif isinstance(value, str):
            if len(value) > limits.max_field_chars:
                findings.append(Finding(name, TOO_LONG, 0, 0))
        elif isinstance(value, list):
            findings.extend(
                Finding(name, TOO_LONG, i, i + 1)
                for i, item in enumerate(value)
                if isinstance(item, str) and len(item) > limits.max_field_chars
            )
    return findings


def check_record(index: int, payload: object, limits: IngestLimits) -> RecordCheck:
    """Run every check on one received record."""
    key = well_formed_key(payload)
    if not isinstance(payload, Mapping):
        return RecordCheck(index, None, tuple(verify_dict(payload)), None)
    own = limit_findings(payload, limits)
    flagged = {f.field for f in own}
    checked: Mapping[str, object] = payload
    if "narrative" in flagged:  # too long or not text: not worth (or safe) running the detector on
        checked = {k: v for k, v in payload.items() if k != "narrative"}
    # a too-long field is also not a code: report it once, as TOO_LONG
    findings = own + [f for f in verify_dict(checked) if f.field not in flagged]
    if findings:
        return RecordCheck(index, key, tuple(findings), None)
    return RecordCheck(index, key, (), AnonymousCase.from_verified_dict(payload))


def check_records(records: Sequence[object], limits: IngestLimits) -> list[RecordCheck]:
    """Check every record of a batch; a record_key used by an earlier record is a duplicate."""
    checks: list[RecordCheck] = []
    used: set[str] = set()
    for index, payload in enumerate(records):
        check = check_record(index, payload, limits)
        key = check.record_key
        if key is not None:
            if key in used:
                duplicate = Finding("record_key", DUPLICATE_RECORD_KEY, 0, 0)
                check = RecordCheck(index, key, (*check.findings, duplicate), None)
            used.add(key)
        checks.append(check)
    return checks
