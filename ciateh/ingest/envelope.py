"""The batch as a whole: ``{"batch_id": "...", "records": [...]}``, or a 422 naming the problem.

Only the envelope is checked here; a record that is not a valid anonymous record is rejected on its
own later (:mod:`ciateh.ingest.checks`) and does not fail the batch. Messages name the field and the
limit, never a value from the body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from ciateh.ingest.limits import BATCH_ID_CHARS, BATCH_ID_RE, IngestLimits

ENVELOPE_FIELDS: Final = ("batch_id", "records")


class InvalidBatch(Exception):
    """A batch that cannot be processed at all (HTTP 422); ``field`` is ``body``, ``batch_id`` or
    ``records``."""

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}")


@dataclass(frozen=True, slots=True)
class BatchRequest:
    batch_id: str
    records: list[object]


def _reject_constant(_name: str) -> object:
    raise ValueError("NaN and Infinity are not JSON")


def parse_json(body: bytes) -> object:
    """The JSON value of a UTF-8 body; :class:`InvalidBatch` if it is not one."""
    try:
        text = body.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise InvalidBatch("body", "the body is not UTF-8 text") from None
    except (ValueError, RecursionError):
        raise InvalidBatch("body", "the body is not valid JSON") from None


def check_batch_id(value: object, limits: IngestLimits) -> str:
    if value is None:
        raise InvalidBatch("batch_id", "batch_id is missing")
    if not isinstance(value, str):
        raise InvalidBatch("batch_id", "batch_id must be a string")
    if not value:
        raise InvalidBatch("batch_id", "batch_id must not be empty")
    if len(value) > limits.max_batch_id_chars:
        raise InvalidBatch(
            "batch_id", f"batch_id is longer than the limit of {limits.max_batch_id_chars} characters"
        )
    if BATCH_ID_RE.fullmatch(value) is None:
        raise InvalidBatch("batch_id", f"batch_id may only use the characters [{BATCH_ID_CHARS}]")
    return value


def parse_batch(body: bytes, limits: IngestLimits) -> BatchRequest:
    """Read and check the envelope of a batch; :class:`InvalidBatch` names the first problem."""
    payload = parse_json(body)
    if not isinstance(payload, dict):
        raise InvalidBatch("body", "the body must be a JSON object with the fields batch_id and records")
    extra = sum(1 for key in payload if key not in ENVELOPE_FIELDS)
    if extra:
        raise InvalidBatch(
            "body", f"the body has {extra} unexpected field(s): only batch_id and records are allowed"
        )
    batch_id = check_batch_id(payload.get("batch_id"), limits)
    records = payload.get("records")
    if records is None:
        raise InvalidBatch("records", "records is missing")
    if not isinstance(records, list):
        raise InvalidBatch("records", "records must be a list")
    if not records:
        raise InvalidBatch("records", "records must hold at least one record")
    if len(records) > limits.max_batch_records:
        raise InvalidBatch(
            "records",
            f"records holds {len(records)} records, more than the limit of {limits.max_batch_records}",
        )
    return BatchRequest(batch_id=batch_id, records=records)
