"""The OpenAPI document is valid OpenAPI 3.1 and matches the implementation: the same routes and
methods, the configured limits, the code lists, and real responses validate against its schemas.

Needs ``openapi-spec-validator`` and ``jsonschema`` (dev dependencies); the tests that use them are
skipped without them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from anonymiser.codelists import default_codelists
from anonymiser.records import ANONYMOUS_FIELDS, CODED_FIELDS, MULTI_CODED_FIELDS, OPTIONAL_FIELDS
from ciateh.ingest.api import bp
from ciateh.ingest.limits import IngestLimits
from ciateh.ingest.openapi import build_openapi
from ciateh.ingest.signatures import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.ciateh.factories import (
    BATCHES,
    PartnerWithKey,
    batch_body,
    get_batch,
    make_partner,
    post_batch,
    record,
    signed_post,
)

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")  # unsigned
    assert response.status_code == 200
    assert response.is_json
    payload: dict[str, Any] = response.get_json()
    return payload


@pytest.fixture
def police(session: Session) -> PartnerWithKey:
    return make_partner(session, "police-test")


def validator_for(document: dict[str, Any], schema_name: str) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(document: dict[str, Any], schema_name: str, instance: object) -> None:
    errors = list(validator_for(document, schema_name).iter_errors(instance))
    assert not errors, [e.message for e in errors]


def documented_response(document: dict[str, Any], path: str, method: str, status: int) -> str:
    """The schema name a documented response refers to (fails if the status is not documented)."""
    responses = document["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} -> {status} is not documented"
    ref: str = responses[str(status)]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def check_response(document: dict[str, Any], path: str, response: TestResponse) -> None:
    method = response.request.method
    assert_valid(
        document, documented_response(document, path, method, response.status_code), response.get_json()
    )


# -- a valid OpenAPI 3.1 document ---------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    assert document["openapi"].startswith("3.1")
    validator.validate(document)


def test_the_schemas_are_valid_json_schema(document: dict[str, Any]) -> None:
    for name in document["components"]["schemas"]:
        validator_for(document, name)


# -- it matches the implementation -----------------------------------------------------------------


def routes(app: Flask) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(f"{bp.name}."):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<{argument}>", f"{{{argument}}}")
            found.update((path, m) for m in (rule.methods or set()) - IGNORED_METHODS)
    return found


def test_every_route_is_documented_and_every_documented_route_exists(
    app: Flask, document: dict[str, Any]
) -> None:
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    assert documented == routes(app)


def test_the_path_parameters_are_documented(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for operation in item.values():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            expected = {part[1:-1] for part in path.split("/") if part.startswith("{")}
            assert names == expected, path


def test_the_limits_are_the_configured_ones(app: Flask, document: dict[str, Any]) -> None:
    config = app.config
    assert document["x-ciateh-limits"] == {
        "max_content_length": config["MAX_CONTENT_LENGTH"],
        "max_batch_records": config["MAX_BATCH_RECORDS"],
        "max_batch_id_chars": config["MAX_BATCH_ID_CHARS"],
        "max_field_chars": config["MAX_FIELD_CHARS"],
        "max_narrative_chars": config["MAX_NARRATIVE_CHARS"],
        "signature_max_skew_seconds": config["SIGNATURE_MAX_SKEW_SECONDS"],
    }
    schemas = document["components"]["schemas"]
    batch = schemas["BatchRequest"]["properties"]
    assert batch["records"]["maxItems"] == config["MAX_BATCH_RECORDS"] == 5000
    assert batch["batch_id"]["maxLength"] == config["MAX_BATCH_ID_CHARS"]
    case = schemas["AnonymousCase"]["properties"]
    assert case["narrative"]["maxLength"] == config["MAX_NARRATIVE_CHARS"]
    assert case["role"]["maxLength"] == config["MAX_FIELD_CHARS"]
    too_large = document["paths"][BATCHES]["post"]["responses"]["413"]["description"]
    assert str(config["MAX_CONTENT_LENGTH"]) in too_large


def test_a_changed_setting_changes_the_document(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_BATCH_RECORDS", 17)
    monkeypatch.setitem(app.config, "MAX_NARRATIVE_CHARS", 999)
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["schemas"]["BatchRequest"]["properties"]["records"]["maxItems"] == 17
    assert document["components"]["schemas"]["AnonymousCase"]["properties"]["narrative"]["maxLength"] == 999


def test_the_record_schema_follows_the_anonymous_case_and_the_code_lists(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["AnonymousCase"]
    assert set(schema["properties"]) == set(ANONYMOUS_FIELDS)
    assert set(schema["required"]) == set(ANONYMOUS_FIELDS) - OPTIONAL_FIELDS
    assert schema["additionalProperties"] is False
    lists = default_codelists()
    for field, list_name in CODED_FIELDS.items():
        assert schema["properties"][field]["enum"] == [c.code for c in lists[list_name]], field
    for field, list_name in MULTI_CODED_FIELDS.items():
        assert schema["properties"][field]["items"]["enum"] == [c.code for c in lists[list_name]], field
    nationality = set(schema["properties"]["nationality"]["enum"])
    assert nationality == lists["nationality"].values | lists["region"].values


def test_the_signature_headers_are_documented(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert {s["name"] for s in schemes.values()} == {KEY_ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER}
    assert all(s["in"] == "header" for s in schemes.values())
    assert "CIATEH-V1" in schemes["CiatehKeyId"]["description"]
    for path, item in document["paths"].items():
        for operation in item.values():
            expected = [] if path.endswith("openapi.json") else [{name: [] for name in schemes}]
            assert operation["security"] == expected, path


def test_the_document_is_built_from_the_same_limits(app: Flask, document: dict[str, Any]) -> None:
    assert build_openapi(IngestLimits.from_config(app.config)) == document


# -- real requests and responses validate against it --------------------------------------------


def test_a_valid_record_validates_against_the_record_schema(document: dict[str, Any]) -> None:
    assert_valid(document, "AnonymousCase", record())
    assert_valid(document, "AnonymousCase", record(narrative=None))
    assert_valid(document, "BatchRequest", {"batch_id": "2024-11-28T10:00:00Z.1", "records": [record()]})
    errors = list(validator_for(document, "AnonymousCase").iter_errors(record(role="Jan")))
    assert errors


def test_real_responses_validate_against_the_documented_schemas(
    app: Flask,
    client: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    document: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch_path = f"{BATCHES}/{{batch_id}}"
    records: list[object] = [
        record(),
        record(narrative="Bel 0475 12 34 56 of mail x@voorbeeld.be."),
        record(role="Jan", first_name="Jan", extra=1),
        "not a record",
        record(record_key="short"),
    ]
    created = post_batch(client, police.key, "b-1", records)
    assert created.status_code == 201
    assert created.get_json()["status"] == "partially_accepted"
    check_response(document, BATCHES, created)

    replayed = post_batch(client, police.key, "b-1", records)
    assert replayed.status_code == 200
    check_response(document, BATCHES, replayed)

    conflict = post_batch(client, police.key, "b-1", [record()])
    assert conflict.status_code == 409
    check_response(document, BATCHES, conflict)

    invalid = signed_post(client, police.key, b'{"batch_id": "b 2", "records": []}')
    assert invalid.status_code == 422
    check_response(document, BATCHES, invalid)

    unsigned = client.post(BATCHES, data=batch_body("b-3", [record()]))
    assert unsigned.status_code == 401
    check_response(document, BATCHES, unsigned)

    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    too_large = post_batch(client, police.key, "b-4", [record()])
    assert too_large.status_code == 413
    check_response(document, BATCHES, too_large)
    monkeypatch.undo()

    fetched = get_batch(client, police.key, "b-1")
    assert fetched.status_code == 200
    check_response(document, batch_path, fetched)
    missing = get_batch(client, police.key, "b-9")
    assert missing.status_code == 404
    check_response(document, batch_path, missing)
    unsigned_get = client.get(f"{BATCHES}/b-1")
    assert unsigned_get.status_code == 401
    check_response(document, batch_path, unsigned_get)
