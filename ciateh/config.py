"""Default settings of the central service; every one can be overridden by a ``CIATEH_*`` variable.

``CIATEH_DATABASE_URL=postgresql+psycopg://user@host/db`` selects PostgreSQL (production, CI);
without it the service uses an SQLite file in the instance folder (the embedded default, demo).
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: sqlite:///<instance>/ciateh.sqlite3
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,  # request body limit (bytes): 413 beyond
    "MAX_BATCH_RECORDS": 5000,
    "MAX_NARRATIVE_CHARS": 20_000,
    "MAX_FIELD_CHARS": 200,
    "MAX_BATCH_ID_CHARS": 100,
    "SIGNATURE_MAX_SKEW_SECONDS": 300,
    "LOG_LEVEL": "INFO",
}
