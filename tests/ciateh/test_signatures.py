"""Request signatures: every unsigned, forged, stale or replayed request gets 401 and changes nothing
(no batch, record, seen signature or audit entry); a valid one records its signature."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from ciateh.ingest import signatures
from ciateh.ingest.signatures import (
    KEY_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Authenticated,
    SignatureError,
    canonical_string,
    consume,
    sign_request,
)
from ciateh.keys import key_id_for
from ciateh.models import SeenSignature
from tests.ciateh.factories import (
    BATCHES,
    PartnerWithKey,
    add_key,
    batch_body,
    get_batch,
    make_partner,
    raw_public,
    record,
    row_counts,
    signed_post,
)

SKEW = 300  # the default SIGNATURE_MAX_SKEW_SECONDS


@pytest.fixture
def police(session: Session) -> PartnerWithKey:
    return make_partner(session, "police-test")


@pytest.fixture
def body() -> bytes:
    return batch_body("b-1", [record()])


def send(
    client: FlaskClient,
    key: Ed25519PrivateKey,
    body: bytes,
    *,
    method: str = "POST",
    path: str = BATCHES,
    sign_method: str | None = None,
    sign_path: str | None = None,
    sign_body: bytes | None = None,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
    drop: str | None = None,
) -> TestResponse:
    """A request whose signature covers ``sign_*`` (default: what is sent), headers overridden."""
    signed = sign_request(
        key,
        sign_method or method,
        sign_path or path,
        body if sign_body is None else sign_body,
        timestamp,
    )
    signed.update(headers or {})
    if drop:
        del signed[drop]
    return client.open(path, method=method, data=body, headers=signed)


def assert_unauthorized(response: TestResponse, *secrets: str, error: str = "unauthorized") -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.is_json
    payload = response.get_json()
    assert set(payload) == {"error", "detail"}
    assert payload["error"] == error
    assert response.headers["WWW-Authenticate"] == "Ciateh-Ed25519"
    text = response.get_data(as_text=True)
    for secret in secrets:
        assert secret not in text


# -- the building blocks --------------------------------------------------------------------------


def test_canonical_string_is_exactly_the_documented_one() -> None:
    body = b'{"batch_id":"x","records":[]}'
    expected = (
        "CIATEH-V1\nPOST\n/api/v1/batches?a=1\n1700000000\n"
        + "ab" * 16
        + "\n"
        + hashlib.sha256(body).hexdigest()
    ).encode()
    assert canonical_string("post", "/api/v1/batches?a=1", 1700000000, "ab" * 16, body) == expected


def test_key_id_is_the_start_of_the_sha256_of_the_raw_public_key() -> None:
    raw = raw_public(Ed25519PrivateKey.generate())
    assert key_id_for(raw) == hashlib.sha256(raw).hexdigest()[:32]
    with pytest.raises(ValueError):
        key_id_for(raw[:31])


def test_key_id_agrees_with_the_admin_commands() -> None:
    keys = pytest.importorskip("ciateh.keys")
    raw = raw_public(Ed25519PrivateKey.generate())
    assert keys.key_id_for(raw) == key_id_for(raw)


def test_sign_request_makes_a_verifiable_signature() -> None:
    key = Ed25519PrivateKey.generate()
    headers = sign_request(key, "POST", "/api/v1/batches", b"{}", timestamp=1700000000)
    assert headers[TIMESTAMP_HEADER] == "1700000000"
    assert headers[KEY_ID_HEADER] == key_id_for(raw_public(key))
    signature = base64.b64decode(headers[SIGNATURE_HEADER], validate=True)
    message = canonical_string("POST", "/api/v1/batches", 1700000000, headers[KEY_ID_HEADER], b"{}")
    key.public_key().verify(signature, message)  # raises if it does not match


# -- accepted requests ----------------------------------------------------------------------------


def test_a_valid_request_is_accepted_and_its_signature_recorded(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes
) -> None:
    before = row_counts(session)
    response = signed_post(client, police.key, body)
    assert response.status_code == 201, response.get_json()
    after = row_counts(session)
    assert after["seen_signature"] == before["seen_signature"] + 1
    assert after["batch"] == before["batch"] + 1
    signature = base64.b64decode(response.request.headers[SIGNATURE_HEADER])
    assert session.get(SeenSignature, hashlib.sha256(signature).hexdigest()) is not None


def test_every_active_key_of_a_partner_is_accepted(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes
) -> None:
    second = add_key(session, police.partner)
    not_yet_revoked = add_key(session, police.partner, revoked_at=datetime.now(UTC) + timedelta(days=1))
    assert signed_post(client, police.key, body).status_code == 201
    assert signed_post(client, second, body).status_code == 200  # same batch, same body: a replay
    assert signed_post(client, not_yet_revoked, body).status_code == 200


@pytest.mark.parametrize("offset", [-(SKEW - 5), SKEW - 5])
def test_a_timestamp_within_the_skew_is_accepted(
    client: FlaskClient, police: PartnerWithKey, body: bytes, offset: int
) -> None:
    response = send(client, police.key, body, timestamp=int(time.time()) + offset)
    assert response.status_code == 201


def test_old_signatures_are_purged(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes
) -> None:
    now = datetime.now(UTC)
    session.add(SeenSignature(signature_sha256="a" * 64, seen_at=now - timedelta(seconds=2 * SKEW + 5)))
    session.add(SeenSignature(signature_sha256="b" * 64, seen_at=now - timedelta(seconds=2 * SKEW - 60)))
    session.commit()
    assert signed_post(client, police.key, body).status_code == 201
    assert session.get(SeenSignature, "a" * 64) is None
    assert session.get(SeenSignature, "b" * 64) is not None


# -- refused requests: 401 and nothing stored ---------------------------------------------------

Forgery = Callable[[FlaskClient, PartnerWithKey, PartnerWithKey, bytes], TestResponse]


def _unknown_key(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, Ed25519PrivateKey.generate(), b)


def _other_partners_key_id(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    # signed with our key, claiming the other partner's key: the key determines the partner
    return send(c, p.key, b, headers={KEY_ID_HEADER: o.key_id})


def _altered_body(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b.replace(b"b-1", b"b-2"), sign_body=b)


def _altered_path(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, sign_path="/api/v1/batches/other")


def _added_query(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, path=BATCHES + "?x=1", sign_path=BATCHES)


def _altered_method(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, sign_method="PUT")


def _old_timestamp(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, timestamp=int(time.time()) - SKEW - 5)


def _future_timestamp(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, timestamp=int(time.time()) + SKEW + 5)


def _timestamp_changed_after_signing(
    c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes
) -> TestResponse:
    return send(c, p.key, b, headers={TIMESTAMP_HEADER: str(int(time.time()) + 1)})


def _malformed_base64(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, headers={SIGNATURE_HEADER: "not*base64!"})


def _short_signature(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, headers={SIGNATURE_HEADER: base64.b64encode(b"x" * 63).decode()})


def _zero_signature(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, headers={SIGNATURE_HEADER: base64.b64encode(bytes(64)).decode()})


def _bad_timestamp(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, headers={TIMESTAMP_HEADER: f"{time.time():.1f}"})


def _negative_timestamp(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, headers={TIMESTAMP_HEADER: "-1"})


def _bad_key_id(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return send(c, p.key, b, headers={KEY_ID_HEADER: p.key_id.upper()})


def _missing(header: str) -> Forgery:
    def forge(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
        return send(c, p.key, b, drop=header)

    return forge


def _empty(header: str) -> Forgery:
    def forge(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
        return send(c, p.key, b, headers={header: ""})

    return forge


def _unsigned(c: FlaskClient, p: PartnerWithKey, o: PartnerWithKey, b: bytes) -> TestResponse:
    return c.post(BATCHES, data=b, content_type="application/json")


FORGERIES: dict[str, Forgery] = {
    "unknown key": _unknown_key,
    "other partner's key id": _other_partners_key_id,
    "altered body": _altered_body,
    "altered path": _altered_path,
    "added query string": _added_query,
    "altered method": _altered_method,
    "old timestamp": _old_timestamp,
    "future timestamp": _future_timestamp,
    "timestamp changed after signing": _timestamp_changed_after_signing,
    "malformed base64": _malformed_base64,
    "63-byte signature": _short_signature,
    "all-zero signature": _zero_signature,
    "fractional timestamp": _bad_timestamp,
    "negative timestamp": _negative_timestamp,
    "upper-case key id": _bad_key_id,
    "missing key id": _missing(KEY_ID_HEADER),
    "missing timestamp": _missing(TIMESTAMP_HEADER),
    "missing signature": _missing(SIGNATURE_HEADER),
    "empty signature": _empty(SIGNATURE_HEADER),
    "unsigned": _unsigned,
}


@pytest.mark.parametrize("forgery", list(FORGERIES.values()), ids=list(FORGERIES))
def test_forged_requests_get_401_and_change_nothing(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes, forgery: Forgery
) -> None:
    other = make_partner(session, "labour-test", kind="labour_inspection")
    before = row_counts(session)
    response = forgery(client, police, other, body)
    assert_unauthorized(response, "b-1", "presumed_victim")
    assert row_counts(session) == before


def test_a_revoked_key_gets_401_and_changes_nothing(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes
) -> None:
    revoked = add_key(session, police.partner, revoked_at=datetime.now(UTC) - timedelta(seconds=1))
    before = row_counts(session)
    response = signed_post(client, revoked, body)
    assert_unauthorized(response)
    assert response.get_json()["detail"] == signatures.REASONS["revoked_key"]
    assert row_counts(session) == before


def test_a_key_revoked_just_now_is_refused(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes
) -> None:
    key = police.partner.keys[0]
    key.revoked_at = datetime.now(UTC)
    session.commit()
    before = row_counts(session)
    assert_unauthorized(signed_post(client, police.key, body))
    assert row_counts(session) == before


def test_a_replayed_request_gets_401_and_changes_nothing(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes
) -> None:
    headers = sign_request(police.key, "POST", BATCHES, body)
    first = client.post(BATCHES, data=body, headers=headers)
    assert first.status_code == 201
    after_first = row_counts(session)
    replay = client.post(BATCHES, data=body, headers=headers)
    assert_unauthorized(replay, error="replayed")
    assert replay.get_json()["detail"] == signatures.REASONS["replayed"]
    assert row_counts(session) == after_first


def test_a_replayed_request_of_a_rejected_batch_is_refused_too(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    body = b'{"batch_id": "b-1"}'  # 422: no records; the signature is consumed all the same
    headers = sign_request(police.key, "POST", BATCHES, body)
    assert client.post(BATCHES, data=body, headers=headers).status_code == 422
    before = row_counts(session)
    assert_unauthorized(client.post(BATCHES, data=body, headers=headers), error="replayed")
    assert row_counts(session) == before


@pytest.mark.parametrize("forgery", ["unsigned", "altered path", "other partner's key id", "old timestamp"])
def test_reading_a_batch_needs_a_valid_signature_too(
    client: FlaskClient, session: Session, police: PartnerWithKey, body: bytes, forgery: str
) -> None:
    other = make_partner(session, "labour-test", kind="labour_inspection")
    assert signed_post(client, police.key, body).status_code == 201
    path = f"{BATCHES}/b-1"
    before = row_counts(session)
    if forgery == "unsigned":
        response = client.get(path)
    elif forgery == "altered path":
        response = send(client, police.key, b"", method="GET", path=path, sign_path=f"{BATCHES}/b-2")
    elif forgery == "other partner's key id":
        response = send(
            client, police.key, b"", method="GET", path=path, headers={KEY_ID_HEADER: other.key_id}
        )
    else:
        response = send(client, police.key, b"", method="GET", path=path, timestamp=int(time.time()) - 3600)
    assert_unauthorized(response)
    assert row_counts(session) == before
    assert get_batch(client, police.key, "b-1").status_code == 200


def test_concurrent_twins_meet_at_the_unique_signature(session: Session, police: PartnerWithKey) -> None:
    """Two identical requests that both passed the read-only check: the second one to record its
    signature is refused as a replay, and nothing of it remains."""
    auth = Authenticated(partner=police.partner, key_id=police.key_id, signature_sha256="c" * 64)
    consume(session, auth, SKEW)
    with pytest.raises(SignatureError) as refused:
        consume(session, auth, SKEW)
    assert refused.value.reason == "replayed"
    count = session.scalar(sa.select(sa.func.count()).select_from(SeenSignature))
    assert count == 1


def test_the_401_body_never_echoes_the_request(
    client: FlaskClient, session: Session, police: PartnerWithKey
) -> None:
    planted = "Jan Peeters 0475 12 34 56"
    body = json.dumps({"batch_id": "b-1", "records": [record(narrative=planted)]}).encode()
    response = send(client, police.key, body, headers={KEY_ID_HEADER: "f" * 32})
    assert_unauthorized(response, planted, "Peeters", "f" * 32)


def documented_signer() -> Callable[[Ed25519PrivateKey, str, str, bytes], dict[str, str]]:
    """The ``signed_headers`` function of the Python example in docs/api.md."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    after_marker = text.split("<!-- signing-example", 1)[1]
    code = after_marker.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)
    signer: Callable[[Ed25519PrivateKey, str, str, bytes], dict[str, str]] = namespace["signed_headers"]
    return signer


def test_the_documented_example_signs_requests_the_server_accepts(
    client: FlaskClient, police: PartnerWithKey, body: bytes
) -> None:
    signer = documented_signer()
    headers = signer(police.key, "POST", BATCHES, body)
    assert client.post(BATCHES, data=body, headers=headers).status_code == 201
    path = f"{BATCHES}/b-1"
    assert client.get(path, headers=signer(police.key, "GET", path, b"")).status_code == 200
