"""The partner's key material: an Ed25519 key pair to sign requests and a secret for record keys.

``keygen(dir)`` writes three files and refuses to overwrite any of them:

``private.pem``
    the Ed25519 private key (PEM, PKCS#8, unencrypted), created with mode 0600 in one step
    (``os.open(..., O_CREAT | O_EXCL, 0o600)``), so it is never readable by others, not even briefly.
``public.pem``
    the public key (PEM ``PUBLIC KEY``): what the Centre's administrator registers with
    ``flask --app ciateh key register PARTNER public.pem``.
``secret.key``
    32 random bytes in base64 (mode 0600): the partner secret under which ``record_key`` and
    ``case_key`` are computed. It never leaves the partner; lose it and re-sent records get new keys.

The key id (first 32 hex characters of the SHA-256 of the raw public key) is what both sides compare
over the phone when the public key is registered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

PRIVATE_KEY_FILE: Final = "private.pem"
PUBLIC_KEY_FILE: Final = "public.pem"
SECRET_FILE: Final = "secret.key"
SECRET_BYTES: Final = 32
MIN_SECRET_BYTES: Final = 32


class KeyFileError(Exception):
    """A key or secret file that cannot be written or used; the message names the file and why."""


@dataclass(frozen=True, slots=True)
class KeyFiles:
    private_key: Path
    public_key: Path
    secret: Path
    key_id: str


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The Centre's key id: the first 32 hex characters of the SHA-256 of the raw 32-byte key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` (never wider, whatever the umask) and write ``data``; refuse an
    existing file (``O_EXCL``: no race between the check and the creation)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    except FileExistsError:
        raise KeyFileError(f"{path}: exists already; refusing to overwrite it") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot be created ({exc.strerror})") from None
    try:
        os.fchmod(fd, mode)  # an umask cannot widen it, but be explicit about the final mode
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def keygen(directory: Path | str) -> KeyFiles:
    """Make the partner's key pair and secret in ``directory`` (created if needed, mode 0700)."""
    folder = Path(directory)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyFileError(f"{folder}: cannot be created ({exc.strerror})") from None
    paths = KeyFiles(folder / PRIVATE_KEY_FILE, folder / PUBLIC_KEY_FILE, folder / SECRET_FILE, "")
    existing = [p for p in (paths.private_key, paths.public_key, paths.secret) if p.exists()]
    if existing:
        names = ", ".join(str(p) for p in existing)
        raise KeyFileError(f"{names}: exists already; refusing to overwrite (use another directory)")
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public_pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    secret = base64.b64encode(secrets.token_bytes(SECRET_BYTES)) + b"\n"
    _write_new(paths.private_key, private_pem, 0o600)
    _write_new(paths.secret, secret, 0o600)
    _write_new(paths.public_key, public_pem, 0o644)
    _fsync_dir(folder)
    return KeyFiles(paths.private_key, paths.public_key, paths.secret, key_id_of(private.public_key()))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no such {what} file") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the {what} file ({exc.strerror})") from None


def too_open(path: Path) -> bool:
    """True when group or others may read the file (POSIX)."""
    try:
        return os.name == "posix" and bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False


def load_private_key(path: Path | str) -> Ed25519PrivateKey:
    """The Ed25519 private key of a PEM file (PKCS#8 or OpenSSL's ``genpkey`` output)."""
    file = Path(path)
    data = _read(file, "private key")
    try:
        key = load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyFileError(f"{file}: the private key is encrypted; give an unencrypted key") from None
    except (ValueError, binascii.Error):
        raise KeyFileError(f"{file}: not a PEM private key") from None
    except Exception:  # cryptography's UnsupportedAlgorithm and friends
        raise KeyFileError(f"{file}: not a usable PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{file}: not an Ed25519 private key")
    return key


def load_secret(path: Path | str) -> bytes:
    """The partner secret: base64 text of at least 32 bytes (whitespace around it ignored)."""
    file = Path(path)
    text = _read(file, "secret").strip()
    try:
        secret = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{file}: the secret is not base64 text") from None
    if len(secret) < MIN_SECRET_BYTES:
        raise KeyFileError(f"{file}: the secret is shorter than {MIN_SECRET_BYTES} bytes")
    return secret
