"""Partners' Ed25519 public keys: the key id, and reading a public key from a file.

A key id is the first 32 hex characters (128 bits) of the SHA-256 of the raw 32-byte public key. Partners
put it in the signature header of each request; the Centre finds the key by it. The same raw key always
has the same id, on both sides, whatever file format it travelled in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

RAW_KEY_BYTES = 32
KEY_ID_HEX_CHARS = 32


class KeyFormatError(ValueError):
    """The bytes given are not an Ed25519 public key in a format we read (message safe to print)."""


def key_id_for(raw: bytes) -> str:
    """The key id of a raw 32-byte Ed25519 public key: the first 32 hex chars of its SHA-256."""
    if len(raw) != RAW_KEY_BYTES:
        raise KeyFormatError(f"an Ed25519 public key has {RAW_KEY_BYTES} bytes, not {len(raw)}")
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_HEX_CHARS]


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def parse_public_key(data: bytes) -> bytes:
    """The raw 32 bytes of an Ed25519 public key given as PEM ("PUBLIC KEY", SubjectPublicKeyInfo) or
    as the base64 of the raw 32 bytes (what ``connectors`` prints). Raises KeyFormatError otherwise."""
    text = data.strip()
    if not text:
        raise KeyFormatError("the key file is empty")
    if text.startswith(b"-----BEGIN"):
        if b"PRIVATE KEY" in text.split(b"\n", 1)[0]:
            # never read (or keep in memory longer than this) a private key given by mistake
            raise KeyFormatError("this is a PRIVATE key: register the partner's PUBLIC key only")
        if not text.startswith(b"-----BEGIN PUBLIC KEY-----"):
            raise KeyFormatError('expected a PEM block "PUBLIC KEY"')
        try:
            key = serialization.load_pem_public_key(text)
        except (ValueError, TypeError) as exc:
            raise KeyFormatError("the PEM block is not a readable public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFormatError(f"the PEM key is not Ed25519 but {type(key).__name__}")
        return raw_public_key(key)
    try:
        raw = base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError("expected a PEM public key or the base64 of a raw 32-byte key") from exc
    if len(raw) != RAW_KEY_BYTES:
        raise KeyFormatError(f"the base64 decodes to {len(raw)} bytes, an Ed25519 public key has 32")
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise KeyFormatError("the 32 bytes are not a valid Ed25519 public key") from exc
    return raw
