"""The limits of the ingestion API, read once from the app's configuration.

The same object feeds the checks (:mod:`ciateh.ingest.envelope`, :mod:`ciateh.ingest.checks`) and
the OpenAPI document (:mod:`ciateh.ingest.openapi`), so that the documented limits are the enforced
ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

#: Characters a client-chosen batch id may use.
BATCH_ID_CHARS: Final = "A-Za-z0-9._:-"
BATCH_ID_PATTERN: Final = f"^[{BATCH_ID_CHARS}]+$"
BATCH_ID_RE: Final = re.compile(f"[{BATCH_ID_CHARS}]+")
#: Width of the column that stores it (``batch.client_batch_id``): a larger setting is capped.
BATCH_ID_COLUMN_CHARS: Final = 100


@dataclass(frozen=True, slots=True)
class IngestLimits:
    max_content_length: int
    max_batch_records: int
    max_batch_id_chars: int
    max_field_chars: int
    max_narrative_chars: int
    max_skew_seconds: int

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> IngestLimits:
        return cls(
            max_content_length=_int(config, "MAX_CONTENT_LENGTH"),
            max_batch_records=_int(config, "MAX_BATCH_RECORDS"),
            max_batch_id_chars=min(_int(config, "MAX_BATCH_ID_CHARS"), BATCH_ID_COLUMN_CHARS),
            max_field_chars=_int(config, "MAX_FIELD_CHARS"),
            max_narrative_chars=_int(config, "MAX_NARRATIVE_CHARS"),
            max_skew_seconds=_int(config, "SIGNATURE_MAX_SKEW_SECONDS"),
        )


def _int(config: Mapping[str, object], name: str) -> int:
    value = config.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"setting {name} must be a whole number")
    number = int(value)
    if number <= 0:
        raise ValueError(f"setting {name} must be positive")
    return number
