"""Keyed hashes of a partner's own record and case ids.

``record_key`` lets the Centre recognise a re-submission of the same record (and update it instead
of counting it twice) and ``case_key`` lets it group the persons of one case, without ever learning
the partner's ids: both are HMAC-SHA256 under a secret that only the partner holds, so the Centre
cannot test a guessed id. The two are computed in different namespaces, so the record key and the
case key of the same id differ. Ids are compared after Unicode NFC normalisation and trimming of
surrounding white space, so an export that pads a column does not create a new record.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from cryptography.hazmat.primitives import hashes, hmac

MIN_SECRET_BYTES: Final = 32
RECORD_NAMESPACE: Final = b"ciateh/record_key/v1\x00"
CASE_NAMESPACE: Final = b"ciateh/case_key/v1\x00"


class KeyDerivationError(ValueError):
    """Base class of the errors of this module."""


class SecretError(KeyDerivationError):
    """The partner secret is missing, not bytes, or shorter than :data:`MIN_SECRET_BYTES`."""


class IdError(KeyDerivationError):
    """An id that is empty (or not text); the message never contains the id."""


def check_secret(secret: object) -> bytes:
    if not isinstance(secret, bytes | bytearray | memoryview):
        raise SecretError("the partner secret must be bytes")
    data = bytes(secret)
    if len(data) < MIN_SECRET_BYTES:
        raise SecretError(f"the partner secret must be at least {MIN_SECRET_BYTES} bytes")
    return data


def normalise_id(value: object) -> str:
    if not isinstance(value, str):
        raise IdError("an id must be text")
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise IdError("an id must not be empty")
    return text


def keyed_hash(namespace: bytes, value: str, secret: bytes) -> str:
    """Hex HMAC-SHA256 of ``namespace + value`` (UTF-8) under ``secret``."""
    mac = hmac.HMAC(check_secret(secret), hashes.SHA256())
    mac.update(namespace)
    mac.update(normalise_id(value).encode("utf-8", errors="surrogatepass"))
    return mac.finalize().hex()


def record_key(partner_record_id: str, secret: bytes) -> str:
    """64 hex characters identifying one record of one partner, meaningless without the secret."""
    return keyed_hash(RECORD_NAMESPACE, partner_record_id, secret)


def case_key(partner_case_id: str, secret: bytes) -> str:
    """64 hex characters identifying one case of one partner, meaningless without the secret."""
    return keyed_hash(CASE_NAMESPACE, partner_case_id, secret)
