"""POST and GET /api/v1/batches through the app: acceptance, rejection without a trace of the rejected
values, upsert, idempotency, limits, isolation between partners, one transaction per batch."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh.ingest import service
from ciateh.models import AuditEntry, Batch, CaseRecord
from tests.ciateh.factories import (
    BATCHES,
    CLEAN_NARRATIVE,
    PartnerWithKey,
    batch_body,
    dump_database,
    get_batch,
    make_partner,
    post_batch,
    record,
    row_counts,
    signed_post,
)

# Planted personal data: every value has characters that cannot occur in a hex key or hash, so that
# finding one in a dump can only mean it was stored.
NAME = "Jan Peeters"
PHONE = "0475 12 34 56"
IBAN = "BE68 5390 0754 7034"
NATIONAL_NUMBER = "85.07.30-033.61"
ADDRESS = "Kerkstraat 12, 2000 Antwerpen"
EMAIL = "jan.peeters[at]gmail(dot)com"
PLANTED = (NAME, "Peeters", PHONE, IBAN, NATIONAL_NUMBER, "Kerkstraat", "gmail", "85073003361")


@pytest.fixture
def police(session: Session) -> PartnerWithKey:
    return make_partner(session, "police-test")


@pytest.fixture
def labour(session: Session) -> PartnerWithKey:
    return make_partner(session, "labour-test", kind="labour_inspection")


def stored_case(session: Session, partner: PartnerWithKey, record_key: str) -> CaseRecord | None:
    session.expire_all()
    return session.scalar(
        sa.select(CaseRecord).where(CaseRecord.partner_id == partner.id, CaseRecord.record_key == record_key)
    )


def errors_of(outcome: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["entity_type"]) for e in outcome["errors"]}


# -- acceptance -----------------------------------------------------------------------------------


def test_a_clean_batch_is_stored(client: FlaskClient, session: Session, police: PartnerWithKey) -> None:
    records = [record(), record(narrative=None), record(exploitation_forms=[], means_of_control=[])]
    response = post_batch(client, police.key, "2024-11-28T10:00:00Z.1", records)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["batch_id"] == "2024-11-28T10:00:00Z.1"
    assert body["status"] == "accepted"
    assert body["counts"] == {"records": 3, "accepted": 3, "rejected": 0}
    assert body["outcomes"] == [
        {"index": i, "status": "accepted", "record_key": r["record_key"], "errors": []}
        for i, r in enumerate(records)
    ]
    case = stored_case(session, police, str(records[0]["record_key"]))
    assert case is not None
    assert (case.role, case.labour_sector, case.nationality, case.registered_month) == (
        "presumed_victim",
        "car_wash",
        "202",
        "2024-11",
    )
    assert case.narrative == CLEAN_NARRATIVE
    assert [f.code for f in case.exploitation_forms] == ["forced_criminality", "labour"]
    assert [m.code for m in case.means_of_control] == ["withheld_documents"]
    batch = session.scalar(sa.select(Batch).where(Batch.partner_id == police.id))
    assert batch is not None
    assert (batch.record_count, batch.accepted_count, batch.rejected_count) == (3, 3, 0)
    assert batch.key_id == police.key_id
    assert case.batch_id == batch.id


def test_a_batch_is_audited_with_ids_and_counts(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    response = post_batch(client, police.key, "b-1", [record(), record(role="Jan")])
    assert response.status_code == 201
    entry = session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry is not None
    assert entry.action == "batch.received"
    assert entry.actor == "partner:police-test"
    assert entry.details["client_batch_id"] == "b-1"
    assert entry.details["partner_id"] == police.id
    assert (entry.details["records"], entry.details["accepted"], entry.details["rejected"]) == (2, 1, 1)
    assert (entry.details["inserted"], entry.details["updated"]) == (1, 0)
    assert all(isinstance(v, (int, str)) for v in entry.details.values())


# -- rejection: field, entity type, offsets; never the value; nothing stored -----------------------


def planted_batch() -> tuple[list[object], str]:
    narrative = (
        f"{NAME} werkte in een carwash. Bel {PHONE}, rekening {IBAN}, rijksregister {NATIONAL_NUMBER}. "
        f"Zij woonde in de {ADDRESS}. Mail: {EMAIL}."
    )
    coded = record(role=NAME, labour_sector=PHONE, case_key="85073003361", record_key=NATIONAL_NUMBER)
    raw = record(first_name="Jan", Peeters=IBAN)
    return [record(), record(narrative=narrative), coded, raw, "Jan Peeters", record()], narrative


def test_personal_data_is_rejected_by_field_type_and_offset_only(
    client: FlaskClient, session: Session, police: PartnerWithKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    records, narrative = planted_batch()
    response = post_batch(client, police.key, "planted-1", records)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "partially_accepted"
    assert body["counts"] == {"records": 6, "accepted": 2, "rejected": 4}
    outcomes = body["outcomes"]
    assert [o["status"] for o in outcomes] == [
        "accepted",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "accepted",
    ]

    found = {(e["entity_type"], narrative[e["start"] : e["end"]]) for e in outcomes[1]["errors"]}
    assert {"PERSON", "PHONE", "IBAN", "ADDRESS", "EMAIL"} <= {kind for kind, _ in found}
    assert ("PHONE", PHONE) in found and ("IBAN", IBAN) in found  # the offsets point at the value
    assert all(e["field"] == "narrative" for e in outcomes[1]["errors"])
    assert outcomes[1]["record_key"] == records[1]["record_key"]  # type: ignore[index]

    assert errors_of(outcomes[2]) == {
        ("role", "NOT_A_CODE"),
        ("labour_sector", "NOT_A_CODE"),
        ("case_key", "BAD_FORMAT"),
        ("record_key", "BAD_FORMAT"),
    }
    assert "record_key" not in outcomes[2]  # a malformed key is not even echoed
    assert errors_of(outcomes[3]) == {("first_name", "RAW_FIELD"), ("<unexpected>", "UNEXPECTED_FIELD")}
    assert errors_of(outcomes[4]) == {("<payload>", "WRONG_TYPE")}

    # nothing of a rejected record is stored; the clean ones are
    for rejected in (records[1], records[3]):
        assert stored_case(session, police, rejected["record_key"]) is None  # type: ignore[index]
    for accepted in (records[0], records[5]):
        assert stored_case(session, police, accepted["record_key"]) is not None  # type: ignore[index]

    text = response.get_data(as_text=True)
    dump = dump_database(session)
    logs = caplog.text + json.dumps([getattr(r, "fields", {}) for r in caplog.records], default=str)
    for value in PLANTED:
        assert value not in text, value
        assert value not in dump, value
        assert value not in logs, value


def test_the_stored_outcomes_equal_the_response_and_get(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    records, _ = planted_batch()
    posted = post_batch(client, police.key, "planted-2", records)
    fetched = get_batch(client, police.key, "planted-2")
    assert fetched.status_code == 200
    assert fetched.get_data() == posted.get_data()
    for value in PLANTED:
        assert value not in fetched.get_data(as_text=True)


def test_a_batch_of_only_rejected_records_is_kept_as_rejected(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    before = row_counts(session)
    response = post_batch(client, police.key, "b-1", [record(sex="Jan"), record(narrative=f"Bel {PHONE}.")])
    assert response.status_code == 201
    assert response.get_json()["status"] == "rejected"
    after = row_counts(session)
    assert after["batch"] == before["batch"] + 1
    assert after["anonymous_case"] == before["anonymous_case"]


def test_over_long_fields_are_too_long(
    client: FlaskClient, session: Session, police: PartnerWithKey, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_NARRATIVE_CHARS", 50)
    records = [
        record(role="x" * 201, narrative=None),
        record(narrative="a" * 51),
        record(exploitation_forms=["labour", "y" * 201], narrative=None),
        record(narrative="a" * 50),
    ]
    outcomes = post_batch(client, police.key, "b-1", records).get_json()["outcomes"]
    assert outcomes[0]["errors"] == [{"field": "role", "entity_type": "TOO_LONG", "start": 0, "end": 0}]
    assert outcomes[1]["errors"] == [{"field": "narrative", "entity_type": "TOO_LONG", "start": 0, "end": 0}]
    assert outcomes[2]["errors"] == [
        {"field": "exploitation_forms", "entity_type": "TOO_LONG", "start": 1, "end": 2}
    ]
    assert outcomes[3]["status"] == "accepted"


def test_a_narrative_with_control_characters_is_rejected(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    bad = record(narrative="[PERSON] werkte\x00 hier.")
    outcome = post_batch(client, police.key, "b-1", [bad]).get_json()["outcomes"][0]
    assert outcome["errors"] == [
        {"field": "narrative", "entity_type": "BAD_CHARACTER", "start": 15, "end": 16}
    ]
    assert stored_case(session, police, str(bad["record_key"])) is None


def test_a_record_key_used_twice_in_a_batch_keeps_the_first(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    first = record()
    second = record(record_key=first["record_key"], sex="female")
    outcomes = post_batch(client, police.key, "b-1", [first, second]).get_json()["outcomes"]
    assert outcomes[0]["status"] == "accepted"
    assert errors_of(outcomes[1]) == {("record_key", "DUPLICATE_RECORD_KEY")}
    case = stored_case(session, police, str(first["record_key"]))
    assert case is not None and case.sex == "male"


# -- upsert ---------------------------------------------------------------------------------------


def test_a_record_sent_again_is_updated_not_duplicated(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    original = record()
    assert post_batch(client, police.key, "b-1", [original]).status_code == 201
    first = stored_case(session, police, str(original["record_key"]))
    assert first is not None
    first_id, first_received, first_batch = first.id, first.received_at, first.batch_id

    corrected = {
        **original,
        "judicial_stage": "convicted",
        "sex": "female",
        "exploitation_forms": ["sexual"],
        "means_of_control": [],
        "narrative": None,
    }
    response = post_batch(client, police.key, "b-2", [corrected, record()])
    assert response.status_code == 201
    case = stored_case(session, police, str(original["record_key"]))
    assert case is not None
    assert case.id == first_id
    assert case.received_at == first_received
    assert case.batch_id != first_batch
    assert (case.judicial_stage, case.sex, case.narrative) == ("convicted", "female", None)
    assert [f.code for f in case.exploitation_forms] == ["sexual"]
    assert case.means_of_control == []
    count = session.scalar(
        sa.select(sa.func.count()).select_from(CaseRecord).where(CaseRecord.partner_id == police.id)
    )
    assert count == 2
    audit = session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert audit is not None
    assert (audit.details["inserted"], audit.details["updated"]) == (1, 1)


def test_the_same_record_key_from_two_partners_is_two_records(
    client: FlaskClient, session: Session, police: PartnerWithKey, labour: PartnerWithKey
) -> None:
    shared = record()
    assert post_batch(client, police.key, "b-1", [shared]).status_code == 201
    assert post_batch(client, labour.key, "b-1", [{**shared, "sex": "female"}]).status_code == 201
    police_case = stored_case(session, police, str(shared["record_key"]))
    labour_case = stored_case(session, labour, str(shared["record_key"]))
    assert police_case is not None and labour_case is not None
    assert (police_case.sex, labour_case.sex) == ("male", "female")


# -- idempotency ----------------------------------------------------------------------------------


def test_the_same_batch_again_returns_the_stored_result_and_writes_nothing(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    records, _ = planted_batch()
    body = batch_body("b-1", records)
    first = signed_post(client, police.key, body)
    assert first.status_code == 201
    before = row_counts(session)
    again = signed_post(client, police.key, body)  # signed anew: not a replay of the request
    assert again.status_code == 200
    assert again.get_data() == first.get_data()
    after = row_counts(session)
    assert after == {**before, "seen_signature": before["seen_signature"] + 1}


def test_the_same_batch_id_with_another_body_is_a_conflict(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    assert post_batch(client, police.key, "b-1", [record()]).status_code == 201
    before = row_counts(session)
    response = post_batch(client, police.key, "b-1", [record(narrative=f"{NAME} belde.")])
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert "Peeters" not in response.get_data(as_text=True)
    assert row_counts(session) == {**before, "seen_signature": before["seen_signature"] + 1}


def test_the_same_batch_id_from_another_partner_is_another_batch(
    client: FlaskClient, police: PartnerWithKey, labour: PartnerWithKey
) -> None:
    assert post_batch(client, police.key, "b-1", [record()]).status_code == 201
    assert post_batch(client, labour.key, "b-1", [record(), record()]).status_code == 201


def test_two_identical_submissions_racing_store_the_batch_once(
    client: FlaskClient, session: Session, police: PartnerWithKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The twin that loses the race meets the unique (partner, batch id), rolls back and answers
    with the stored result: simulated by hiding the stored batch from its checks once."""
    body = batch_body("b-1", [record(), record()])
    first = signed_post(client, police.key, body)
    before = row_counts(session)
    real_known = service._known
    hidden = {"calls": 0}

    def late_known(*args: Any, **kwargs: Any) -> Any:
        hidden["calls"] += 1
        return None if hidden["calls"] <= 2 else real_known(*args, **kwargs)

    monkeypatch.setattr(service, "_known", late_known)
    second = signed_post(client, police.key, body)
    assert hidden["calls"] == 3  # before checking, in the first write (IntegrityError), in the retry
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert row_counts(session) == {**before, "seen_signature": before["seen_signature"] + 1}


# -- one transaction per batch --------------------------------------------------------------------


def test_a_batch_that_fails_midway_leaves_nothing_and_can_be_sent_again(
    client: FlaskClient, session: Session, police: PartnerWithKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [record() for _ in range(5)]
    body = batch_body("b-1", records)
    real_upsert = service.upsert_cases

    def upsert_then_crash(*args: Any, **kwargs: Any) -> Any:
        real_upsert(*args, **kwargs)  # the rows are written (flushed) ...
        raise RuntimeError(f"simulated crash after writing {NAME}")  # ... and the process dies

    monkeypatch.setattr(service, "upsert_cases", upsert_then_crash)
    before = row_counts(session)
    response = signed_post(client, police.key, body)
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "internal_error",
        "detail": "the request failed on the server; no part of the batch was stored",
    }
    assert "Traceback" not in response.get_data(as_text=True)
    assert NAME not in response.get_data(as_text=True)
    assert row_counts(session) == {**before, "seen_signature": before["seen_signature"] + 1}

    monkeypatch.setattr(service, "upsert_cases", real_upsert)
    assert signed_post(client, police.key, body).status_code == 201
    assert signed_post(client, police.key, body).status_code == 200
    after = row_counts(session)
    assert after["batch"] == before["batch"] + 1
    assert after["anonymous_case"] == before["anonymous_case"] + 5


# -- limits ---------------------------------------------------------------------------------------


def test_a_body_over_the_size_limit_is_413(
    client: FlaskClient, session: Session, police: PartnerWithKey, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    before = row_counts(session)
    response = post_batch(client, police.key, "b-1", [record() for _ in range(5)])
    assert response.status_code == 413
    assert response.is_json
    assert response.get_json() == {
        "error": "payload_too_large",
        "detail": "the request body is larger than the limit of 2000 bytes",
    }
    assert row_counts(session) == before
    assert post_batch(client, police.key, "b-1", [record()]).status_code == 201


INVALID_BATCHES: dict[str, tuple[bytes, str, str]] = {
    "not json": (b"batch_id=Jan Peeters", "body", "the body is not valid JSON"),
    "not utf-8": ('{"batch_id": "Peeters\xe9"}'.encode("latin-1"), "body", "the body is not UTF-8 text"),
    "NaN": (b'{"batch_id": "b", "records": [NaN]}', "body", "the body is not valid JSON"),
    "a list": (b'[{"batch_id": "b"}]', "body", "the body must be a JSON object with the fields"),
    "extra field": (
        b'{"batch_id": "b", "records": [{}], "Peeters": 1}',
        "body",
        "the body has 1 unexpected field(s): only batch_id and records are allowed",
    ),
    "no batch_id": (b'{"records": [{}]}', "batch_id", "batch_id is missing"),
    "batch_id not a string": (b'{"batch_id": 85073003361, "records": [{}]}', "batch_id", "must be a string"),
    "empty batch_id": (b'{"batch_id": "", "records": [{}]}', "batch_id", "batch_id must not be empty"),
    "batch_id too long": (
        json.dumps({"batch_id": "Peeters" * 15, "records": [{}]}).encode(),
        "batch_id",
        "batch_id is longer than the limit of 100 characters",
    ),
    "batch_id with a space": (
        b'{"batch_id": "Jan Peeters", "records": [{}]}',
        "batch_id",
        "batch_id may only use the characters [A-Za-z0-9._:-]",
    ),
    "batch_id with a slash": (b'{"batch_id": "Peeters/1", "records": [{}]}', "batch_id", "may only use"),
    "batch_id not ascii": (
        json.dumps({"batch_id": "Peetérs", "records": [{}]}).encode(),
        "batch_id",
        "may only use",
    ),
    "no records": (b'{"batch_id": "b"}', "records", "records is missing"),
    "records not a list": (
        b'{"batch_id": "b", "records": {"Peeters": 1}}',
        "records",
        "records must be a list",
    ),
    "empty records": (b'{"batch_id": "b", "records": []}', "records", "at least one record"),
}


@pytest.mark.parametrize("case", list(INVALID_BATCHES.values()), ids=list(INVALID_BATCHES))
def test_an_invalid_batch_is_422_naming_the_problem(
    client: FlaskClient, session: Session, police: PartnerWithKey, case: tuple[bytes, str, str]
) -> None:
    body, field, message = case
    before = row_counts(session)
    response = signed_post(client, police.key, body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["error"] == "invalid_batch"
    assert payload["field"] == field
    assert message in payload["detail"]
    text = response.get_data(as_text=True)
    for value in ("Peeters", "85073003361"):
        assert value not in text
    # only the (valid) signature is recorded
    assert row_counts(session) == {**before, "seen_signature": before["seen_signature"] + 1}


def test_more_than_5000_records_is_422(client: FlaskClient, session: Session, police: PartnerWithKey) -> None:
    before = row_counts(session)
    response = signed_post(client, police.key, batch_body("b-1", [{}] * 5001))
    assert response.status_code == 422
    assert response.get_json() == {
        "error": "invalid_batch",
        "field": "records",
        "detail": "records holds 5001 records, more than the limit of 5000",
    }
    assert row_counts(session)["batch"] == before["batch"]


def test_the_record_limit_is_inclusive_and_configurable(
    client: FlaskClient, police: PartnerWithKey, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_BATCH_RECORDS", 3)
    assert (
        post_batch(client, police.key, "b-3", [record(narrative=None) for _ in range(3)]).status_code == 201
    )
    response = post_batch(client, police.key, "b-4", [record(narrative=None) for _ in range(4)])
    assert response.status_code == 422
    assert "limit of 3" in response.get_json()["detail"]


def test_a_batch_of_5000_records_is_stored(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    records = [record(narrative=None) for _ in range(5000)]
    response = post_batch(client, police.key, "big", records)
    assert response.status_code == 201
    assert response.get_json()["counts"] == {"records": 5000, "accepted": 5000, "rejected": 0}
    count = session.scalar(
        sa.select(sa.func.count()).select_from(CaseRecord).where(CaseRecord.partner_id == police.id)
    )
    assert count == 5000


# -- reading a batch ------------------------------------------------------------------------------


def test_a_partner_reads_its_own_batch_only(
    client: FlaskClient, police: PartnerWithKey, labour: PartnerWithKey
) -> None:
    posted = post_batch(client, police.key, "b-1", [record(), record(role="Jan")])
    own = get_batch(client, police.key, "b-1")
    assert own.status_code == 200
    assert own.get_json() == posted.get_json()
    other = get_batch(client, labour.key, "b-1")
    unknown = get_batch(client, police.key, "b-2")
    malformed = get_batch(client, police.key, "Peeters~1")
    for response in (other, unknown, malformed):
        assert response.status_code == 404
        assert response.get_json() == {
            "error": "not_found",
            "detail": "no batch with this batch_id was received from your organisation",
        }
    assert "Peeters" not in malformed.get_data(as_text=True)


# -- errors are JSON ------------------------------------------------------------------------------


def test_unknown_paths_and_methods_under_the_api_are_json(client: FlaskClient) -> None:
    missing = client.get("/api/v1/Peeters")
    assert missing.status_code == 404 and missing.is_json
    assert missing.get_json()["error"] == "not_found"
    assert "Peeters" not in missing.get_data(as_text=True)
    wrong = client.delete(BATCHES)
    assert wrong.status_code == 405 and wrong.is_json
    assert "POST" in wrong.headers["Allow"]


def test_paths_outside_the_api_keep_flasks_errors(client: FlaskClient) -> None:
    response = client.get("/not-the-api")
    assert response.status_code == 404
    assert not response.is_json


def test_an_unexpected_failure_is_a_json_500_without_details(
    client: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"failed on {NAME}")

    monkeypatch.setattr("ciateh.ingest.api.ingest_batch", broken)
    response = post_batch(client, police.key, "b-1", [record()])
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal_error"
    assert NAME not in response.get_data(as_text=True)
    assert NAME not in caplog.text
    assert any(getattr(r, "fields", {}).get("exception") == "RuntimeError" for r in caplog.records)


def test_logs_hold_ids_counts_and_entity_types(
    client: FlaskClient, police: PartnerWithKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ciateh")
    post_batch(client, police.key, "b-1", [record(), record(narrative=f"Bel {PHONE} nu.")])
    stored = [r for r in caplog.records if r.getMessage() == "batch.stored"]
    assert len(stored) == 1
    fields = stored[0].fields  # type: ignore[attr-defined]
    assert fields["partner"] == "police-test"
    assert (fields["records"], fields["accepted"], fields["rejected"]) == (2, 1, 1)
    assert fields["entity_types"] == {"PHONE": 1}
    assert PHONE not in caplog.text


def test_received_at_is_utc(client: FlaskClient, police: PartnerWithKey) -> None:
    body = post_batch(client, police.key, "b-1", [record()]).get_json()
    received = datetime.fromisoformat(body["received_at"].replace("Z", "+00:00"))
    assert received.tzinfo is not None
    assert abs((datetime.now(UTC) - received).total_seconds()) < 60
