"""Structured logging: one JSON object per line, ids, counts and entity types only.

Call sites pass an event name and keyword fields (``log_event(logger, "batch.received",
partner="police-fed", records=1000)``); nothing else is formatted into a message, so no free text
from a request can reach a log line.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from flask import Flask

LOGGER_NAME = "ciateh"
_ALLOWED = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            payload.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # the exception type only: an exception's message may quote request data
            payload["exception"] = record.exc_info[0].__name__
        return json.dumps(payload, ensure_ascii=False, default=str)


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log an event with scalar fields; anything that is not a scalar or a list of scalars is refused."""
    for key, value in fields.items():
        ok = (
            isinstance(value, _ALLOWED)
            or (isinstance(value, (list, tuple)) and all(isinstance(v, _ALLOWED) for v in value))
            or (isinstance(value, dict) and all(isinstance(v, _ALLOWED) for v in value.values()))
        )
        if not ok:
            raise TypeError(f"log field {key!r} is not a scalar")
    logger.log(level, event, extra={"fields": fields})


def configure_logging(app: Flask) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    logger.propagate = True  # so that tests can capture records with caplog
