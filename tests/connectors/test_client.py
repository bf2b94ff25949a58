"""The signed client against the real Centre (gunicorn on a random loopback port): signing as
docs/api.md says, 201 then 200 replay, 409, 401 (unknown key, clock skew), 413, 422, per-record
outcomes; and, against a small stub server, what the real Centre does not do on demand (5xx,
Retry-After, an answer that is not the Centre's, a timeout), backoff and the courier."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from anonymiser import RawCase, anonymise
from connectors.client import (
    CentreClient,
    Courier,
    Outcome,
    Signer,
    backoff_delay,
)
from connectors.keys import load_private_key, load_secret
from connectors.outbox import SENT, Outbox, encode_body, encode_record

PARTNER = "client-test"
PHONE = "0486 33 71 09"


def record(i: int, secret: bytes, narrative: str | None = None) -> bytes:
    """An anonymous record; ``narrative`` replaces the scrubbed one *after* anonymisation (to make
    a record the Centre must reject)."""
    raw = RawCase(
        partner_id=PARTNER,
        partner_record_id=f"R-{i}",
        role="victim",
        offence="trafficking",
        registration_date="14/10/2025",
        narrative="Zij werkt zes dagen per week.",
    )
    payload = anonymise(raw, secret)[0].to_dict()
    if narrative is not None:
        payload["narrative"] = narrative
    return encode_record(payload)


def new_id(tag: str) -> str:
    return f"{PARTNER}-{tag}-{time.time_ns()}"


@pytest.fixture(scope="module")
def partner(shared_centre: Any) -> Any:
    return shared_centre.add_partner(PARTNER, kind="police")


@pytest.fixture
def client(shared_centre: Any, partner: Any) -> Iterator[CentreClient]:
    with CentreClient(shared_centre.url, load_private_key(partner.private_key), read_timeout=120) as c:
        yield c


@pytest.fixture
def secret(partner: Any) -> bytes:
    return load_secret(partner.secret)


# -- signing --------------------------------------------------------------------------------------


def test_the_signature_is_the_documented_one() -> None:
    key = Ed25519PrivateKey.generate()
    signer = Signer(key, clock=lambda: 1_732_780_800.7)
    body = b'{"batch_id":"x","records":[]}'
    headers = signer.headers("post", "/api/v1/batches", body)
    raw_public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = hashlib.sha256(raw_public).hexdigest()[:32]
    assert headers["X-Ciateh-Key-Id"] == key_id
    assert headers["X-Ciateh-Timestamp"] == "1732780800"
    canonical = "\n".join(
        ["CIATEH-V1", "POST", "/api/v1/batches", "1732780800", key_id, hashlib.sha256(body).hexdigest()]
    ).encode("utf-8")
    signature = base64.b64decode(headers["X-Ciateh-Signature"], validate=True)
    assert len(signature) == 64
    key.public_key().verify(signature, canonical)  # raises if not


def test_a_request_signed_again_in_the_same_second_gets_a_later_timestamp() -> None:
    signer = Signer(Ed25519PrivateKey.generate(), clock=lambda: 1000.0)
    stamps = [signer.headers("POST", "/api/v1/batches", b"same")["X-Ciateh-Timestamp"] for _ in range(3)]
    assert stamps == ["1000", "1001", "1002"]
    assert signer.headers("POST", "/api/v1/batches", b"other")["X-Ciateh-Timestamp"] == "1000"


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (10, 300.0), (100, 300.0)]:
        delays = [backoff_delay(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1
    assert backoff_delay(3, base=0.1, cap=0.25) <= 0.25


# -- the real Centre ------------------------------------------------------------------------------


def test_a_new_batch_is_stored_and_the_same_bytes_again_are_a_replay(
    client: CentreClient, secret: bytes, shared_centre: Any
) -> None:
    batch_id = new_id("replay")
    body = encode_body(batch_id, [record(1, secret), record(2, secret)])
    first = client.send_batch(batch_id, body)
    assert first.outcome is Outcome.ACKNOWLEDGED and first.status == 201 and not first.replay
    assert first.counts == {"records": 2, "accepted": 2, "rejected": 0} and first.rejected == ()
    again = client.send_batch(
        batch_id, body
    )  # re-signed at once: a later timestamp, not a replayed signature
    assert again.outcome is Outcome.ACKNOWLEDGED and again.status == 200 and again.replay
    assert again.counts == first.counts
    stored = client.get_batch(batch_id)
    assert stored.status == 200 and stored.counts == first.counts
    assert [b for b in shared_centre.batches_of(PARTNER) if b[0] == batch_id] == [(batch_id, 2, 2, 0)]


def test_a_client_restarted_within_the_same_second_signs_again_instead_of_giving_up(
    shared_centre: Any, partner: Any, secret: bytes
) -> None:
    """Two processes (here: two clients) send the same bytes with the same timestamp: the second
    signature is the first one, the Centre calls it replayed, and that is a retry, not an error."""
    batch_id = new_id("restart")
    body = encode_body(batch_id, [record(3, secret)])
    frozen = float(int(time.time()))
    key = load_private_key(partner.private_key)
    with CentreClient(shared_centre.url, key, clock=lambda: frozen, read_timeout=120) as before_crash:
        assert before_crash.send_batch(batch_id, body).status == 201
    with CentreClient(shared_centre.url, key, clock=lambda: frozen, read_timeout=120) as after_restart:
        first = after_restart.send_batch(batch_id, body)
        assert first.outcome is Outcome.RETRY and first.status == 401 and "received before" in first.problem
        second = after_restart.send_batch(batch_id, body)  # signed with a later timestamp
        assert second.outcome is Outcome.ACKNOWLEDGED and second.status == 200 and second.replay


def test_the_same_batch_id_with_another_body_is_a_permanent_conflict(
    client: CentreClient, secret: bytes
) -> None:
    batch_id = new_id("conflict")
    assert client.send_batch(batch_id, encode_body(batch_id, [record(3, secret)])).acknowledged
    result = client.send_batch(batch_id, encode_body(batch_id, [record(4, secret)]))
    assert result.outcome is Outcome.PERMANENT and result.status == 409
    assert "conflict" in result.problem


def test_rejected_records_come_back_as_index_and_entity_types_only(
    client: CentreClient, secret: bytes
) -> None:
    batch_id = new_id("rejected")
    leaky = record(6, secret, narrative=f"Bel haar op {PHONE}.")  # bypasses the outbox's own check
    result = client.send_batch(batch_id, encode_body(batch_id, [record(5, secret), leaky]))
    assert result.outcome is Outcome.ACKNOWLEDGED and result.batch_status == "partially_accepted"
    assert result.counts == {"records": 2, "accepted": 1, "rejected": 1}
    (rejected,) = result.rejected
    assert rejected.index == 1 and rejected.record_key is not None
    assert ("narrative", "PHONE") in rejected.findings
    receipt = json.dumps(result.receipt())
    assert "0486" not in receipt and "Bel" not in receipt


def test_an_unregistered_key_is_refused_and_said_so(shared_centre: Any, secret: bytes) -> None:
    stranger = CentreClient(shared_centre.url, Ed25519PrivateKey.generate())
    batch_id = new_id("stranger")
    result = stranger.send_batch(batch_id, encode_body(batch_id, [record(7, secret)]))
    assert result.outcome is Outcome.AUTH and result.status == 401
    assert "not that of a registered key" in result.problem and stranger.key_id in result.problem


def test_a_clock_off_by_more_than_the_allowed_skew_is_reported_as_such(
    shared_centre: Any, partner: Any, secret: bytes
) -> None:
    late = CentreClient(
        shared_centre.url, load_private_key(partner.private_key), clock=lambda: time.time() - 1000
    )
    batch_id = new_id("skew")
    result = late.send_batch(batch_id, encode_body(batch_id, [record(8, secret)]))
    assert result.outcome is Outcome.AUTH and result.status == 401
    assert result.clock_skew is not None and 990 <= result.clock_skew <= 1010
    assert "clock skew" in result.problem and "ahead of" in result.problem and "NTP" in result.problem


def test_an_invalid_batch_is_a_permanent_422(client: CentreClient) -> None:
    batch_id = new_id("empty")
    result = client.send_batch(batch_id, encode_body(batch_id, []))
    assert result.outcome is Outcome.PERMANENT and result.status == 422
    assert "records" in result.problem


def test_a_body_over_the_centres_limit_is_a_permanent_413(client: CentreClient) -> None:
    batch_id = new_id("big")
    body = encode_body(batch_id, [b'{"narrative":"' + b"a" * (21 * 1024 * 1024) + b'"}'])
    result = client.send_batch(batch_id, body)
    assert result.outcome is Outcome.PERMANENT and result.status == 413


def test_no_centre_listening_is_retried_later(free_port_url: str) -> None:
    with CentreClient(free_port_url, Ed25519PrivateKey.generate(), connect_timeout=2) as nobody:
        result = nobody.send_batch("b-1", b"{}")
    assert result.outcome is Outcome.RETRY and result.status is None and "reached" in result.problem


# -- what the real Centre does not do on demand: a stub ------------------------------------------


class Stub:
    """A tiny HTTP server answering from a script of (status, headers, body, delay)."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str], bytes, float]] = []
        self.requests: list[dict[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                stub.requests.append(dict(self.headers))
                status, headers, answer, delay = stub.script.pop(0) if stub.script else (201, {}, b"", 0.0)
                if answer == b"ECHO":
                    batch_id = json.loads(body)["batch_id"]
                    answer = json.dumps(
                        {
                            "batch_id": batch_id,
                            "status": "accepted",
                            "counts": {"records": 1, "accepted": 1, "rejected": 0},
                            "outcomes": [{"index": 0, "status": "accepted", "errors": []}],
                        }
                    ).encode()
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def free_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_server_errors_and_retry_after_are_retried(stub: Stub) -> None:
    stub.script = [(503, {"Retry-After": "7"}, b'{"error":"unavailable"}', 0.0)]
    with CentreClient(stub.url, Ed25519PrivateKey.generate()) as c:
        result = c.send_batch("b-1", b'{"batch_id":"b-1"}')
    assert result.outcome is Outcome.RETRY and result.status == 503 and result.retry_after == 7.0


def test_an_acknowledgement_that_is_not_the_centres_is_retried(stub: Stub) -> None:
    stub.script = [(200, {"Content-Type": "text/html"}, b"<html>proxy</html>", 0.0)]
    with CentreClient(stub.url, Ed25519PrivateKey.generate()) as c:
        result = c.send_batch("b-1", b'{"batch_id":"b-1"}')
    assert result.outcome is Outcome.RETRY and not result.acknowledged


def test_no_answer_in_time_is_retried(stub: Stub) -> None:
    stub.script = [(201, {}, b"ECHO", 3.0)]
    with CentreClient(stub.url, Ed25519PrivateKey.generate(), read_timeout=0.5) as c:
        result = c.send_batch("b-1", b'{"batch_id":"b-1"}')
    assert result.outcome is Outcome.RETRY and "timeout" in result.problem


def test_the_courier_backs_off_then_delivers_and_resigns_every_attempt(stub: Stub, tmp_path: Path) -> None:
    stub.script = [(502, {}, b"", 0.0), (201, {}, b"ECHO", 0.0), (409, {}, b'{"error":"conflict"}', 0.0)]
    logged: list[str] = []
    with (
        Outbox(tmp_path / "o.sqlite3") as box,
        CentreClient(stub.url, Ed25519PrivateKey.generate()) as c,
    ):
        first = box.add_batch("p", [b'{"record_key":"a"}'])
        second = box.add_batch("p", [b'{"record_key":"b"}'])
        courier = Courier(c, backoff_base=0.3, backoff_cap=0.3, log=logged.append)
        problem = courier.deliver(box)
        assert problem is not None and problem.status == 502
        assert len(stub.requests) == 1  # the second batch did not hammer a failing Centre
        assert courier.deliver(box) is problem and len(stub.requests) == 1  # still backing off
        time.sleep(0.35)
        assert courier.deliver(box) is None
        states = {b.batch_id: b for b in box.batches()}
        assert states[first].state == SENT and states[first].attempts == 2
        assert states[second].state == "failed" and "409" in (states[second].last_error or "")
    stamps = [r["X-Ciateh-Timestamp"] for r in stub.requests[:2]]
    signatures = [r["X-Ciateh-Signature"] for r in stub.requests[:2]]
    assert stamps[0] != stamps[1] and signatures[0] != signatures[1]
    assert any("next attempt" in line for line in logged)
