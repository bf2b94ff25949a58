"""The OpenAPI 3.1 description of the ingestion API, built from the constants the code enforces.

Limits come from :class:`~ciateh.ingest.limits.IngestLimits` (the app's configuration), code list
enums from :mod:`anonymiser.codelists`, the header names and canonical string from
:mod:`ciateh.ingest.signatures`, entity types and finding fields from :mod:`ciateh.ingest.checks`:
a change to any of them changes the document. ``tests/ciateh/test_openapi.py`` checks the document
against the routes and a real response.
"""

from __future__ import annotations

from typing import Any, Final

from anonymiser.codelists import CodeLists, default_codelists
from anonymiser.records import (
    ANONYMOUS_FIELDS,
    CODED_FIELDS,
    KEY_FIELDS,
    MULTI_CODED_FIELDS,
    NATIONALITY_LISTS,
    OPTIONAL_FIELDS,
    VERSION_FIELDS,
)
from ciateh.ingest.checks import ACCEPTED, ENTITY_TYPES, FINDING_FIELDS, REJECTED
from ciateh.ingest.limits import BATCH_ID_PATTERN, IngestLimits
from ciateh.ingest.service import BATCH_STATUSES
from ciateh.ingest.signatures import (
    KEY_ID_HEADER,
    SCHEME,
    SIGNATURE_BYTES,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from ciateh.keys import KEY_ID_HEX_CHARS as KEY_ID_CHARS

API_VERSION: Final = "1.0.0"
PREFIX: Final = "/api/v1"
KEY_PATTERN: Final = "^[0-9a-f]{64}$"
MONTH_PATTERN: Final = "^[0-9]{4}-(0[1-9]|1[0-2])$"
VERSION_PATTERN: Final = "^[A-Za-z0-9][A-Za-z0-9._+\\-]{0,39}$"
SECURITY: Final[list[dict[str, list[str]]]] = [
    {"CiatehKeyId": [], "CiatehTimestamp": [], "CiatehSignature": []}
]

SIGNING: Final = (
    "Every request but GET /api/v1/openapi.json is signed with an Ed25519 key registered for the "
    "partner; the key determines the partner. The signed message is the UTF-8 text\n\n"
    f"    {SCHEME}\\n{{METHOD}}\\n{{path_with_query}}\\n{{timestamp}}\\n{{key_id}}"
    "\\n{sha256_hex_of_body}\n\n"
    "(METHOD in upper case; path_with_query the request target as sent, e.g. /api/v1/batches; "
    "timestamp the X-Ciateh-Timestamp value; sha256_hex_of_body the lowercase hex SHA-256 of the "
    f"exact body bytes, of the empty string for a GET). Headers: {KEY_ID_HEADER} (the first "
    f"{KEY_ID_CHARS} hex characters of the SHA-256 of the raw 32-byte public key), {TIMESTAMP_HEADER} "
    f"(integer unix seconds) and {SIGNATURE_HEADER} (standard base64 of the {SIGNATURE_BYTES}-byte "
    "signature). A request with a missing or malformed header, an unknown or revoked key, a signature "
    "that does not match, a timestamp too far from the server's clock, or a signature already seen "
    "is refused with 401 and changes nothing."
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def record_schema(limits: IngestLimits, codelists: CodeLists) -> dict[str, Any]:
    """JSON Schema of one anonymous record (``AnonymousCase.to_dict()``)."""
    short = limits.max_field_chars

    def codes(*lists: str) -> list[str]:
        return [code.code for name in lists for code in codelists[name]]

    properties: dict[str, Any] = {}
    for name in ANONYMOUS_FIELDS:
        if name in CODED_FIELDS:
            schema: dict[str, Any] = {"type": "string", "maxLength": short, "enum": codes(CODED_FIELDS[name])}
        elif name in MULTI_CODED_FIELDS:
            item = {"type": "string", "maxLength": short, "enum": codes(MULTI_CODED_FIELDS[name])}
            schema = {"type": "array", "items": item}
        elif name == "nationality":
            schema = {"type": "string", "maxLength": short, "enum": codes(*NATIONALITY_LISTS)}
        elif name in KEY_FIELDS:
            schema = {"type": "string", "maxLength": short, "pattern": KEY_PATTERN}
        elif name in VERSION_FIELDS:
            schema = {"type": "string", "maxLength": short, "pattern": VERSION_PATTERN}
        elif name == "registered_month":
            schema = {"type": "string", "maxLength": short, "pattern": MONTH_PATTERN}
        elif name == "narrative":
            schema = {
                "type": ["string", "null"],
                "maxLength": limits.max_narrative_chars,
                "description": "scrubbed free text: personal data only as typed placeholders ([PERSON])",
            }
        else:  # pragma: no cover - a new field of AnonymousCase must be described here
            raise AssertionError(f"no schema for field {name}")
        properties[name] = schema
    return {
        "type": "object",
        "description": (
            "One anonymous record. A record that does not match this schema, or whose narrative "
            "still holds personal data, is rejected on its own (its outcome lists the findings) "
            "and nothing of it is stored; the rest of the batch is processed."
        ),
        "properties": properties,
        "required": [name for name in ANONYMOUS_FIELDS if name not in OPTIONAL_FIELDS],
        "additionalProperties": False,
    }


def _schemas(limits: IngestLimits, codelists: CodeLists) -> dict[str, Any]:
    return {
        "AnonymousCase": record_schema(limits, codelists),
        "BatchRequest": {
            "type": "object",
            "properties": {
                "batch_id": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": limits.max_batch_id_chars,
                    "pattern": BATCH_ID_PATTERN,
                    "description": "chosen by the partner, unique per partner; must not say anything "
                    "about a case or a person (use a UUID or a timestamp)",
                },
                "records": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": limits.max_batch_records,
                    "items": _ref("AnonymousCase"),
                },
            },
            "required": ["batch_id", "records"],
            "additionalProperties": False,
        },
        "Finding": {
            "type": "object",
            "description": "where and what kind of problem: never a value",
            "properties": {
                "field": {"type": "string", "enum": list(FINDING_FIELDS)},
                "entity_type": {"type": "string", "enum": list(ENTITY_TYPES)},
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
            },
            "required": ["field", "entity_type", "start", "end"],
            "additionalProperties": False,
        },
        "RecordOutcome": {
            "type": "object",
            "properties": {
                "index": {"type": "integer", "minimum": 0, "description": "position in records"},
                "status": {"type": "string", "enum": [ACCEPTED, REJECTED]},
                "record_key": {
                    "type": "string",
                    "pattern": KEY_PATTERN,
                    "description": "present when the record carried a well-formed record_key",
                },
                "errors": {"type": "array", "items": _ref("Finding")},
            },
            "required": ["index", "status", "errors"],
            "additionalProperties": False,
        },
        "BatchResult": {
            "type": "object",
            "properties": {
                "batch_id": {"type": "string"},
                "status": {"type": "string", "enum": list(BATCH_STATUSES)},
                "received_at": {"type": "string", "format": "date-time"},
                "counts": {
                    "type": "object",
                    "properties": {
                        "records": {"type": "integer", "minimum": 0},
                        "accepted": {"type": "integer", "minimum": 0},
                        "rejected": {"type": "integer", "minimum": 0},
                    },
                    "required": ["records", "accepted", "rejected"],
                    "additionalProperties": False,
                },
                "outcomes": {"type": "array", "items": _ref("RecordOutcome")},
            },
            "required": ["batch_id", "status", "received_at", "counts", "outcomes"],
            "additionalProperties": False,
        },
        "Error": {
            "type": "object",
            "properties": {
                "error": {"type": "string", "description": "a stable code, e.g. unauthorized"},
                "detail": {"type": "string", "description": "what is wrong; never a value sent"},
                "field": {"type": "string", "description": "for 422: batch_id, records or body"},
            },
            "required": ["error", "detail"],
            "additionalProperties": False,
        },
    }


def _paths(limits: IngestLimits) -> dict[str, Any]:
    signed_errors = {
        "401": _error("not signed as required, or a replay: nothing was changed"),
        "500": _error("the server failed; nothing of the batch was stored, it can be sent again"),
    }
    return {
        f"{PREFIX}/batches": {
            "post": {
                "operationId": "postBatch",
                "summary": "Send a batch of anonymous records",
                "security": SECURITY,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("BatchRequest")}},
                },
                "responses": {
                    "201": _json(_ref("BatchResult"), "stored (some records may be rejected)"),
                    "200": _json(_ref("BatchResult"), "sent before with the same body: the stored result"),
                    "409": _error("sent before with a different body under the same batch_id"),
                    "413": _error(f"the body is larger than {limits.max_content_length} bytes"),
                    "422": _error("not a batch: not JSON, batch_id or records missing or invalid"),
                    **signed_errors,
                },
            }
        },
        f"{PREFIX}/batches/{{batch_id}}": {
            "get": {
                "operationId": "getBatch",
                "summary": "The result of one of your batches",
                "security": SECURITY,
                "parameters": [
                    {
                        "name": "batch_id",
                        "in": "path",
                        "required": True,
                        "schema": {
                            "type": "string",
                            "maxLength": limits.max_batch_id_chars,
                            "pattern": BATCH_ID_PATTERN,
                        },
                    }
                ],
                "responses": {
                    "200": _json(_ref("BatchResult"), "the stored result"),
                    "404": _error("no such batch from your organisation"),
                    **signed_errors,
                },
            }
        },
        f"{PREFIX}/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "the OpenAPI 3.1 description")},
            }
        },
    }


def build_openapi(limits: IngestLimits, codelists: CodeLists | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document for these limits and code lists."""
    lists = codelists if codelists is not None else default_codelists()
    header = {"type": "apiKey", "in": "header"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ciateh ingestion API",
            "version": API_VERSION,
            "description": (
                "Partners send batches of anonymous human-trafficking case records. Nothing personal "
                "may be sent: every record is checked on arrival and a record with residual personal "
                "data is rejected (its outcome names the field, entity type and offsets, never the "
                "value) and not stored.\n\n" + SIGNING
            ),
        },
        "servers": [{"url": "/"}],
        "x-ciateh-limits": {
            "max_content_length": limits.max_content_length,
            "max_batch_records": limits.max_batch_records,
            "max_batch_id_chars": limits.max_batch_id_chars,
            "max_field_chars": limits.max_field_chars,
            "max_narrative_chars": limits.max_narrative_chars,
            "signature_max_skew_seconds": limits.max_skew_seconds,
        },
        "paths": _paths(limits),
        "components": {
            "schemas": _schemas(limits, lists),
            "securitySchemes": {
                "CiatehKeyId": {**header, "name": KEY_ID_HEADER, "description": SIGNING},
                "CiatehTimestamp": {
                    **header,
                    "name": TIMESTAMP_HEADER,
                    "description": f"integer unix seconds; at most {limits.max_skew_seconds} s from "
                    "the server's clock either way",
                },
                "CiatehSignature": {
                    **header,
                    "name": SIGNATURE_HEADER,
                    "description": f"standard base64 of the {SIGNATURE_BYTES}-byte Ed25519 signature",
                },
            },
        },
    }
