"""Encryption at rest for the few secrets the Centre keeps (TOTP secrets): a MultiFernet column type.

As in Netflix/lemur: ``EncryptedText`` encrypts on the way into the database and decrypts on the way
out, with a :class:`cryptography.fernet.MultiFernet` over the configured keys. The first key encrypts;
every key decrypts, so a key is rotated by putting a new one first (``CIATEH_FERNET_KEYS``, comma
separated) and, later, re-saving the rows. The keys are installed once by the app factory
(:func:`configure`); a column read or written before that fails loudly.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

_fernet: MultiFernet | None = None


class KeysMissing(RuntimeError):
    pass


def configure(keys: str | Sequence[str]) -> None:
    """Install the keys (newest first), as a comma-separated string or a list."""
    global _fernet
    items = [k.strip() for k in (keys.split(",") if isinstance(keys, str) else keys) if k.strip()]
    if not items:
        raise KeysMissing("no encryption key configured (CIATEH_FERNET_KEYS)")
    _fernet = MultiFernet([Fernet(k.encode("ascii")) for k in items])


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _current() -> MultiFernet:
    if _fernet is None:
        raise KeysMissing("encryption keys are not configured: create the app first")
    return _fernet


class EncryptedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        if value is None:
            return None
        return _current().encrypt(value.encode("utf-8")).decode("ascii")

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        if value is None:
            return None
        return _current().decrypt(value.encode("ascii")).decode("utf-8")
