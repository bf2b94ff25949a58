"""Ed25519 request signatures: who sent a request, that it is unaltered, fresh and not a replay.

A partner signs, with one of its registered Ed25519 keys, the canonical string

    CIATEH-V1\\n{METHOD}\\n{path_with_query}\\n{timestamp}\\n{key_id}\\n{sha256_hex_of_body}

(UTF-8, lines joined by a single ``\\n``, no trailing newline) and sends three headers:
``X-Ciateh-Key-Id`` (:func:`key_id_for` of the public key), ``X-Ciateh-Timestamp`` (integer unix
seconds) and ``X-Ciateh-Signature`` (standard base64 of the 64-byte signature). The key determines
the partner: there is no partner header that could be claimed.

Checking is split in two steps so that a request that fails changes nothing:
:func:`authenticate` only reads (headers, clock skew, key, revocation, signature, replay), and
:func:`consume` records the SHA-256 of an authenticated signature in ``seen_signature`` (and purges
entries older than twice the allowed skew, which can no longer be replayed) in a transaction of its
own. Every failure is a :class:`SignatureError` with a reason code and a fixed message: neither ever
contains anything taken from the request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ciateh.keys import KEY_ID_HEX_CHARS as KEY_ID_CHARS
from ciateh.keys import key_id_for
from ciateh.models import Partner, PartnerKey, SeenSignature

SCHEME: Final = "CIATEH-V1"
KEY_ID_HEADER: Final = "X-Ciateh-Key-Id"
TIMESTAMP_HEADER: Final = "X-Ciateh-Timestamp"
SIGNATURE_HEADER: Final = "X-Ciateh-Signature"
SIGNATURE_HEADERS: Final = (KEY_ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)
SIGNATURE_BYTES: Final = 64

_KEY_ID: Final = re.compile(f"[0-9a-f]{{{KEY_ID_CHARS}}}")
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}")
_BASE64_MAX_CHARS: Final = 4 * ((SIGNATURE_BYTES + 2) // 3)

#: Reason code -> the message sent back (fixed text: never anything from the request).
REASONS: Final[dict[str, str]] = {
    "missing_headers": (
        f"the request must carry the headers {KEY_ID_HEADER}, {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}"
    ),
    "bad_timestamp": f"{TIMESTAMP_HEADER} must be a whole number of seconds since 1970-01-01T00:00:00Z",
    "bad_key_id": f"{KEY_ID_HEADER} must be {KEY_ID_CHARS} lowercase hexadecimal characters",
    "bad_signature_encoding": (
        f"{SIGNATURE_HEADER} must be the standard base64 encoding of a {SIGNATURE_BYTES}-byte "
        "Ed25519 signature"
    ),
    "stale_timestamp": f"{TIMESTAMP_HEADER} is too far from the server's clock",
    "unknown_key": "the key id is not that of a registered key",
    "revoked_key": "the key has been revoked",
    "bad_signature": "the signature does not match the request (method, path, timestamp, key id, body)",
    "replayed": "this signed request was received before: sign every request anew",
}


class SignatureError(Exception):
    """A request that is not authenticated. ``detail`` is a fixed text for the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.detail = REASONS[reason]
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A request whose signature checks out: the partner its key belongs to, and the key."""

    partner: Partner
    key_id: str
    signature_sha256: str


# -- the canonical string, shared with the partners ------------------------------------------------


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_string(method: str, path_with_query: str, timestamp: int, key_id: str, body: bytes) -> bytes:
    """The bytes that are signed (see the module docstring and docs/api.md)."""
    lines = (SCHEME, method.upper(), path_with_query, str(timestamp), key_id, body_sha256(body))
    return "\n".join(lines).encode("utf-8")


def sign_request(
    private_key: Ed25519PrivateKey,
    method: str,
    path: str,
    body: bytes,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The three signature headers for a request (``path`` with its query string, if any)."""
    raw_public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = key_id_for(raw_public)
    when = int(time.time()) if timestamp is None else timestamp
    signature = private_key.sign(canonical_string(method, path, when, key_id, body))
    return {
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: str(when),
        SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
    }


# -- checking a request (read only) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Headers:
    key_id: str
    timestamp: int
    signature: bytes


def _parse(key_id: str | None, timestamp: str | None, signature: str | None) -> _Headers:
    if not key_id or not timestamp or not signature:
        raise SignatureError("missing_headers")
    if _TIMESTAMP.fullmatch(timestamp) is None:
        raise SignatureError("bad_timestamp")
    if _KEY_ID.fullmatch(key_id) is None:
        raise SignatureError("bad_key_id")
    if len(signature) > _BASE64_MAX_CHARS:
        raise SignatureError("bad_signature_encoding")
    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise SignatureError("bad_signature_encoding") from None
    if len(raw) != SIGNATURE_BYTES:
        raise SignatureError("bad_signature_encoding")
    return _Headers(key_id, int(timestamp), raw)


def authenticate(
    session: Session,
    *,
    method: str,
    path_with_query: str,
    body: bytes,
    key_id: str | None,
    timestamp: str | None,
    signature: str | None,
    max_skew_seconds: int,
    now: datetime | None = None,
) -> Authenticated:
    """Check a request's signature headers; reads the database, writes nothing.

    Raises :class:`SignatureError` for missing or malformed headers, a timestamp more than
    ``max_skew_seconds`` from ``now`` (either way), an unknown or revoked key, a signature that
    does not match, or a signature seen before.
    """
    when = now or datetime.now(UTC)
    headers = _parse(key_id, timestamp, signature)
    if abs(when.timestamp() - headers.timestamp) > max_skew_seconds:
        raise SignatureError("stale_timestamp")
    key = session.scalar(select(PartnerKey).where(PartnerKey.key_id == headers.key_id))
    if key is None:
        raise SignatureError("unknown_key")
    if not key.active_at(when):
        raise SignatureError("revoked_key")
    message = canonical_string(method, path_with_query, headers.timestamp, headers.key_id, body)
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(headers.signature, message)
    except (InvalidSignature, ValueError):
        raise SignatureError("bad_signature") from None
    seen = hashlib.sha256(headers.signature).hexdigest()
    if session.get(SeenSignature, seen) is not None:
        raise SignatureError("replayed")
    return Authenticated(partner=key.partner, key_id=key.key_id, signature_sha256=seen)


# -- recording an accepted signature ---------------------------------------------------------------


def consume(
    session: Session, authenticated: Authenticated, max_skew_seconds: int, now: datetime | None = None
) -> None:
    """Record an authenticated signature (commits), so that the same request is refused as a replay.

    Signatures seen more than twice the allowed skew ago are purged: their timestamps can no longer
    pass the skew check. When a concurrent request has just recorded the same signature, the unique
    key refuses the second one, which is then a replay.
    """
    when = now or datetime.now(UTC)
    horizon = when - timedelta(seconds=2 * max_skew_seconds)
    # rows another request is purging right now are skipped, not waited for (no deadlock between
    # two purges on PostgreSQL; SQLite, one writer at a time, ignores FOR UPDATE)
    expired = (
        select(SeenSignature.signature_sha256)
        .where(SeenSignature.seen_at < horizon)
        .with_for_update(skip_locked=True)
    )
    try:
        session.execute(
            delete(SeenSignature).where(SeenSignature.signature_sha256.in_(expired)),
            execution_options={"synchronize_session": False},
        )
        session.add(SeenSignature(signature_sha256=authenticated.signature_sha256, seen_at=when))
        session.commit()
    except IntegrityError:
        session.rollback()
        raise SignatureError("replayed") from None
    except BaseException:
        session.rollback()
        raise
