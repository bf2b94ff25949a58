"""Keyed hashes of the partner's own ids."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from anonymiser.keys import (
    CASE_NAMESPACE,
    MIN_SECRET_BYTES,
    RECORD_NAMESPACE,
    IdError,
    SecretError,
    case_key,
    record_key,
)

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))
HEX64 = re.compile(r"[0-9a-f]{64}")


def test_keys_are_64_lowercase_hex() -> None:
    assert HEX64.fullmatch(record_key("PV/2023/00123", SECRET))
    assert HEX64.fullmatch(case_key("PV/2023/00123", SECRET))


def test_keys_are_hmac_sha256_of_the_namespaced_id() -> None:
    expected = hmac.new(SECRET, RECORD_NAMESPACE + b"PV/2023/00123", hashlib.sha256).hexdigest()
    assert record_key("PV/2023/00123", SECRET) == expected
    expected = hmac.new(SECRET, CASE_NAMESPACE + "dossier-é".encode(), hashlib.sha256).hexdigest()
    assert case_key("dossier-é", SECRET) == expected


def test_deterministic() -> None:
    assert record_key("A-1", SECRET) == record_key("A-1", SECRET)


def test_record_and_case_keys_of_the_same_id_differ() -> None:
    assert record_key("A-1", SECRET) != case_key("A-1", SECRET)


def test_ids_and_secrets_separate_keys() -> None:
    assert record_key("A-1", SECRET) != record_key("A-2", SECRET)
    assert record_key("A-1", SECRET) != record_key("A-1", OTHER_SECRET)
    assert record_key("A-1", SECRET) != record_key("a-1", SECRET)  # ids are case-sensitive


def test_surrounding_space_and_unicode_form_do_not_matter() -> None:
    assert record_key("  A-1\t", SECRET) == record_key("A-1", SECRET)
    assert record_key("Jose\u0301", SECRET) == record_key("Jos\u00e9", SECRET)


def test_bytearray_secret_accepted() -> None:
    assert record_key("A-1", bytearray(SECRET)) == record_key("A-1", SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", [b"", b"x" * (MIN_SECRET_BYTES - 1)])
def test_short_secret_refused(secret: bytes) -> None:
    with pytest.raises(SecretError, match="at least 32 bytes"):
        record_key("A-1", secret)


def test_text_secret_refused() -> None:
    with pytest.raises(SecretError, match="bytes"):
        record_key("A-1", "a" * 40)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "   ", None, 123])
def test_bad_ids_refused_without_echo(value: object) -> None:
    with pytest.raises(IdError) as err:
        record_key(value, SECRET)  # type: ignore[arg-type]
    assert "123" not in str(err.value)


def test_error_never_contains_the_secret() -> None:
    secret = b"super-secret-but-too-short"
    with pytest.raises(SecretError) as err:
        case_key("A-1", secret)
    assert "super-secret" not in str(err.value)
