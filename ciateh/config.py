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
    # portal
    "SECRET_KEY": None,  # None: created once in <instance>/secrets.json
    "FERNET_KEYS": None,  # comma-separated, newest first; None: as SECRET_KEY
    "SECURE_COOKIES": True,  # False only for plain-http local use (make demo, tests)
    "SUPPRESSION_K": 5,  # counts 1..k-1 are shown as "<k" (at least 3)
    "LOGIN_MAX_FAILURES": 5,  # per account, then locked for LOGIN_LOCK_MINUTES
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_SOURCE": 20,  # per source address and LOGIN_LOCK_MINUTES window
}
