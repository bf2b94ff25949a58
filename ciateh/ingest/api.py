"""The ingestion API (``/api/v1``): signed batches in, per-record outcomes out. See docs/api.md.

The views only translate HTTP to the services: :mod:`ciateh.ingest.signatures` (who sent it),
:mod:`ciateh.ingest.envelope` (is it a batch), :mod:`ciateh.ingest.service` (check and store).
"""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, request

from ciateh.db import db
from ciateh.ingest.envelope import InvalidBatch, parse_batch
from ciateh.ingest.errors import ApiError, register_error_handlers
from ciateh.ingest.limits import BATCH_ID_RE, IngestLimits
from ciateh.ingest.openapi import build_openapi
from ciateh.ingest.service import ingest_batch, stored_batch
from ciateh.ingest.signatures import (
    KEY_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Authenticated,
    SignatureError,
    authenticate,
    body_sha256,
    consume,
)
from ciateh.logs import LOGGER_NAME, log_event

logger = logging.getLogger(f"{LOGGER_NAME}.api")

bp = Blueprint("ingest", __name__, url_prefix="/api/v1")
register_error_handlers(bp)

AUTH_SCHEME: Final = "Ciateh-Ed25519"
CONFLICT_DETAIL: Final = (
    "a batch with this batch_id was received before with a different body; "
    "send new content under a new batch_id"
)
NOT_FOUND_DETAIL: Final = "no batch with this batch_id was received from your organisation"
_PATH_SAFE: Final = "/:@!$&'()*+,;=-._~"


def limits() -> IngestLimits:
    return IngestLimits.from_config(current_app.config)


def path_with_query() -> str:
    """The request target as the client sent it: the raw (still percent-encoded) path, and the
    query string when there is one. WSGI servers pass the raw target as ``RAW_URI`` (gunicorn,
    Werkzeug) or ``REQUEST_URI``; without either it is rebuilt from ``PATH_INFO``."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if isinstance(raw, str) and raw:
        path = raw.split("?", 1)[0]
        if "://" in path:  # absolute-form target: keep the path only
            path = "/" + path.split("://", 1)[1].partition("/")[2]
    else:
        decoded = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
        path = quote(decoded.encode("latin-1"), safe=_PATH_SAFE)
    query = str(environ.get("QUERY_STRING", ""))
    return f"{path}?{query}" if query else path


def authenticated(body: bytes, settings: IngestLimits) -> Authenticated:
    """The signed request's partner and key, its signature recorded; a 401 otherwise."""
    session = db.session
    try:
        auth = authenticate(
            session,
            method=request.method,
            path_with_query=path_with_query(),
            body=body,
            key_id=request.headers.get(KEY_ID_HEADER),
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            signature=request.headers.get(SIGNATURE_HEADER),
            max_skew_seconds=settings.max_skew_seconds,
        )
        consume(session, auth, settings.max_skew_seconds)
    except SignatureError as exc:
        session.rollback()
        log_event(logger, "auth.rejected", logging.WARNING, endpoint=request.endpoint, reason=exc.reason)
        # "replayed" gets its own code: a client that restarted within the same second re-signs
        # with a later timestamp and tries again, instead of giving up as for a bad key
        error = "replayed" if exc.reason == "replayed" else None
        raise ApiError(401, exc.detail, headers={"WWW-Authenticate": AUTH_SCHEME}, error=error) from None
    return auth


@bp.post("/batches")
def post_batch() -> tuple[Response, int]:
    settings = limits()
    body = request.get_data(cache=False)  # 413 beyond MAX_CONTENT_LENGTH
    auth = authenticated(body, settings)
    partner = auth.partner
    try:
        batch = parse_batch(body, settings)
    except InvalidBatch as exc:
        log_event(logger, "batch.invalid", logging.WARNING, partner=partner.code, field=exc.field)
        raise ApiError(422, exc.detail, field=exc.field) from None
    result = ingest_batch(
        db.session, partner, auth.key_id, batch.batch_id, body_sha256(body), batch.records, settings
    )
    if result.disposition == "conflict":
        raise ApiError(409, CONFLICT_DETAIL, error="conflict")
    return jsonify(result.to_json()), 201 if result.disposition == "created" else 200


@bp.get("/batches/<batch_id>")
def get_batch(batch_id: str) -> tuple[Response, int]:
    settings = limits()
    auth = authenticated(request.get_data(cache=False), settings)
    partner_id = auth.partner.id
    well_formed = len(batch_id) <= settings.max_batch_id_chars and BATCH_ID_RE.fullmatch(batch_id)
    result = stored_batch(db.session, partner_id, batch_id) if well_formed else None
    db.session.rollback()  # read only
    if result is None:
        raise ApiError(404, NOT_FOUND_DETAIL)
    return jsonify(result.to_json()), 200


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_openapi(limits()))
