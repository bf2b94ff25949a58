"""The admin commands (``flask --app ciateh partner|key|audit ...``) through Flask's CLI runner, and the
services behind them. The commands commit through the app's session, which the test fixture joins with
savepoints, so everything is still rolled back after each test."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from ciateh import admin, audit
from ciateh.keys import KeyFormatError, key_id_for, parse_public_key
from ciateh.models import AuditEntry, Partner, PartnerKey


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(runner: FlaskCliRunner, *args: str) -> Result:
    result = runner.invoke(args=list(args))
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _keypair() -> tuple[Ed25519PrivateKey, bytes]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return private, raw


def _pem_file(tmp_path: Path, name: str = "partner.pub.pem") -> tuple[Path, bytes]:
    private, raw = _keypair()
    path = tmp_path / name
    path.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path, raw


def _actions(session: Session) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def _add_police(runner: FlaskCliRunner) -> None:
    result = run(runner, "partner", "add", "police-fed", "--name", "Federale Politie", "--kind", "police")
    assert result.exit_code == 0, result.output


# --- partners -------------------------------------------------------------------------------------


def test_partner_add_stores_the_partner_and_audits_it(runner: FlaskCliRunner, session: Session) -> None:
    _add_police(runner)
    partner = session.scalar(sa.select(Partner).where(Partner.code == "police-fed"))
    assert partner is not None
    assert (partner.name, partner.kind) == ("Federale Politie", "police")
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "partner.added"))
    assert entry is not None
    assert entry.actor == "admin:cli"
    assert entry.details == {"partner": "police-fed", "partner_id": partner.id, "kind": "police"}


def test_partner_add_twice_is_a_clear_error(runner: FlaskCliRunner, session: Session) -> None:
    _add_police(runner)
    result = run(runner, "partner", "add", "police-fed", "--name", "Other", "--kind", "police")
    assert result.exit_code == 1
    assert "Error: a partner with code 'police-fed' already exists" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _actions(session) == [("admin:cli", "partner.added")]  # the refusal audits nothing


def test_partner_add_refuses_an_unknown_kind_and_a_bad_code(runner: FlaskCliRunner, session: Session) -> None:
    result = run(runner, "partner", "add", "x", "--name", "X", "--kind", "secret_service")
    assert result.exit_code == 2
    assert "secret_service" in result.output
    result = run(runner, "partner", "add", "Police Fed", "--name", "X", "--kind", "police")
    assert result.exit_code == 1
    assert "partner code" in result.output
    assert session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 0


def test_partner_list_shows_kind_name_and_active_keys(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    assert run(runner, "partner", "list").output.strip() == "no partners"
    _add_police(runner)
    run(runner, "partner", "add", "myria", "--name", "Myria", "--kind", "myria")
    for i in range(2):
        path, _ = _pem_file(tmp_path, f"k{i}.pem")
        assert run(runner, "key", "register", "police-fed", str(path)).exit_code == 0
    lines = run(runner, "partner", "list").output.strip().splitlines()
    assert lines[0].split() == ["code", "kind", "active", "keys", "name"]
    assert lines[1].split() == ["myria", "myria", "0", "Myria"]
    assert lines[2].split() == ["police-fed", "police", "2", "Federale", "Politie"]


# --- keys -----------------------------------------------------------------------------------------


def test_key_register_from_pem_prints_the_key_id_and_audits(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    _add_police(runner)
    path, raw = _pem_file(tmp_path)
    result = run(runner, "key", "register", "police-fed", str(path))
    assert result.exit_code == 0, result.output
    key_id = hashlib.sha256(raw).hexdigest()[:32]
    assert result.stdout.strip() == key_id
    assert key_id_for(raw) == key_id
    key = session.scalar(sa.select(PartnerKey).where(PartnerKey.key_id == key_id))
    assert key is not None
    assert key.public_key == raw and key.revoked_at is None and key.partner.code == "police-fed"
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "key.registered"))
    assert entry is not None
    assert entry.details == {"partner": "police-fed", "partner_id": key.partner_id, "key_id": key_id}


def test_key_register_from_raw_base64(runner: FlaskCliRunner, tmp_path: Path) -> None:
    _add_police(runner)
    _, raw = _keypair()
    path = tmp_path / "partner.pub"
    path.write_text(base64.b64encode(raw).decode() + "\n")
    result = run(runner, "key", "register", "police-fed", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == key_id_for(raw)


def test_key_register_refusals(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _add_police(runner)
    path, _ = _pem_file(tmp_path)
    assert run(runner, "key", "register", "police-fed", str(path)).exit_code == 0

    again = run(runner, "key", "register", "police-fed", str(path))
    assert again.exit_code == 1 and "already registered" in again.output

    unknown = run(runner, "key", "register", "nobody", str(path))
    assert unknown.exit_code == 1 and "no partner with code 'nobody'" in unknown.output

    private = tmp_path / "private.pem"
    private.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    wrong = run(runner, "key", "register", "police-fed", str(private))
    assert wrong.exit_code == 1 and "PRIVATE key" in wrong.output

    junk = tmp_path / "junk.txt"
    junk.write_text("not a key at all")
    bad = run(runner, "key", "register", "police-fed", str(junk))
    assert bad.exit_code == 1 and bad.output.startswith("Error: ")

    assert run(runner, "key", "register", "police-fed", str(tmp_path / "missing.pem")).exit_code == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(PartnerKey)) == 1


def test_key_list_all_and_per_partner(runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert run(runner, "key", "list").output.strip() == "no keys"
    _add_police(runner)
    run(runner, "partner", "add", "myria", "--name", "Myria", "--kind", "myria")
    p1, raw1 = _pem_file(tmp_path, "a.pem")
    p2, raw2 = _pem_file(tmp_path, "b.pem")
    run(runner, "key", "register", "police-fed", str(p1))
    run(runner, "key", "register", "myria", str(p2))

    everything = run(runner, "key", "list").output
    assert key_id_for(raw1) in everything and key_id_for(raw2) in everything
    header = everything.splitlines()[0].split()
    assert header == ["key_id", "partner", "created", "revoked", "status"]

    police = run(runner, "key", "list", "police-fed").output
    assert key_id_for(raw1) in police and key_id_for(raw2) not in police
    assert police.splitlines()[1].split()[3:] == ["-", "active"]

    unknown = run(runner, "key", "list", "nobody")
    assert unknown.exit_code == 1 and "no partner" in unknown.output


def test_key_revoke_with_a_date(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _add_police(runner)
    path, raw = _pem_file(tmp_path)
    key_id = key_id_for(raw)
    run(runner, "key", "register", "police-fed", str(path))

    result = run(runner, "key", "revoke", key_id, "--at", "2026-03-01T00:00:00+01:00")
    assert result.exit_code == 0, result.output
    assert "revoked from 2026-02-28T23:00:00Z" in result.output

    key = session.scalar(sa.select(PartnerKey).where(PartnerKey.key_id == key_id))
    assert key is not None
    session.refresh(key)
    assert key.revoked_at == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert not key.active_at(datetime(2026, 3, 1, tzinfo=UTC))
    assert key.active_at(datetime(2026, 2, 28, 22, 59, tzinfo=UTC))

    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "key.revoked"))
    assert entry is not None
    assert entry.details["key_id"] == key_id
    assert entry.details["revoked_at"] == "2026-02-28T23:00:00.000000+00:00"

    listed = run(runner, "key", "list", "police-fed").output.splitlines()[1].split()
    assert listed[3:] == ["2026-02-28T23:00:00Z", "revoked"]
    assert _actions(session) == [
        ("admin:cli", "partner.added"),
        ("admin:cli", "key.registered"),
        ("admin:cli", "key.revoked"),
    ]


def test_key_revoke_defaults_to_now(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _add_police(runner)
    path, raw = _pem_file(tmp_path)
    run(runner, "key", "register", "police-fed", str(path))
    before = datetime.now(UTC)
    assert run(runner, "key", "revoke", key_id_for(raw)).exit_code == 0
    key = session.scalar(sa.select(PartnerKey).where(PartnerKey.key_id == key_id_for(raw)))
    assert key is not None and key.revoked_at is not None
    assert before <= key.revoked_at <= datetime.now(UTC)


def test_key_revoke_refusals(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _add_police(runner)
    path, raw = _pem_file(tmp_path)
    key_id = key_id_for(raw)
    run(runner, "key", "register", "police-fed", str(path))
    assert run(runner, "key", "revoke", key_id, "--at", "2026-03-01T00:00:00Z").exit_code == 0

    twice = run(runner, "key", "revoke", key_id)
    assert twice.exit_code == 1
    assert f"key {key_id} is already revoked" in twice.output

    naive = run(runner, "key", "revoke", key_id, "--at", "2026-03-01T00:00:00")
    assert naive.exit_code == 2 and "timezone" in naive.output
    garbage = run(runner, "key", "revoke", key_id, "--at", "next tuesday")
    assert garbage.exit_code == 2 and "ISO" in garbage.output
    unknown = run(runner, "key", "revoke", "0" * 32)
    assert unknown.exit_code == 1 and "no key with id" in unknown.output
    assert [a for _, a in _actions(session)].count("key.revoked") == 1


def test_rotation_two_active_keys_then_the_old_one_revoked(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    _add_police(runner)
    old, old_raw = _pem_file(tmp_path, "old.pem")
    new, _ = _pem_file(tmp_path, "new.pem")
    run(runner, "key", "register", "police-fed", str(old))
    run(runner, "key", "register", "police-fed", str(new))
    assert admin.list_partners(session)[0].active_keys == 2
    later = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    assert run(runner, "key", "revoke", key_id_for(old_raw), "--at", later).exit_code == 0
    assert admin.list_partners(session)[0].active_keys == 2  # the old key retires in a week
    assert admin.list_partners(session, at=datetime.now(UTC) + timedelta(days=8))[0].active_keys == 1


# --- audit ----------------------------------------------------------------------------------------


def test_audit_verify_on_an_intact_chain(
    runner: FlaskCliRunner, session: Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _add_police(runner)
    path, _ = _pem_file(tmp_path)
    run(runner, "key", "register", "police-fed", str(path))
    head = audit.verify_chain(session).head
    with caplog.at_level(logging.INFO, logger="ciateh"):
        result = run(runner, "audit", "verify")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["audit chain intact: 2 entries", f"head: {head}"]
    logged = [r for r in caplog.records if r.getMessage() == "audit.verified"]
    assert len(logged) == 1
    assert logged[0].fields == {"entries": 2, "head": head, "anchor": None}  # type: ignore[attr-defined]


def test_audit_verify_on_an_empty_log(runner: FlaskCliRunner) -> None:
    result = run(runner, "audit", "verify")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "audit chain intact: 0 entries"


def test_audit_verify_on_a_tampered_chain(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    _add_police(runner)
    run(runner, "partner", "add", "myria", "--name", "Myria", "--kind", "myria")
    path, _ = _pem_file(tmp_path)
    run(runner, "key", "register", "police-fed", str(path))
    target = session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "partner.added").limit(1))
    session.execute(
        sa.text("UPDATE audit_entry SET actor = 'admin:someone-else' WHERE id = :id"), {"id": target}
    )
    result = run(runner, "audit", "verify")
    assert result.exit_code == 1
    assert f"entry {target}" in result.output
    assert "edited" in result.output
    assert "audit chain intact" not in result.output


def test_audit_verify_with_an_anchor_detects_a_cut_end(runner: FlaskCliRunner, session: Session) -> None:
    _add_police(runner)
    run(runner, "partner", "add", "myria", "--name", "Myria", "--kind", "myria")
    head = audit.verify_chain(session).head
    assert run(runner, "audit", "verify", "--anchor", head).exit_code == 0
    last = session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    session.execute(sa.text("DELETE FROM audit_entry WHERE id = :id"), {"id": last})
    assert run(runner, "audit", "verify").exit_code == 0  # the chain alone cannot tell
    result = run(runner, "audit", "verify", "--anchor", head)
    assert result.exit_code == 1
    assert "anchor" in result.output


def test_audit_tail(runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert run(runner, "audit", "tail").output.strip() == "the audit log is empty"
    _add_police(runner)
    path, raw = _pem_file(tmp_path)
    run(runner, "key", "register", "police-fed", str(path))
    run(runner, "key", "revoke", key_id_for(raw))
    lines = run(runner, "audit", "tail", "-n", "2").output.strip().splitlines()
    assert len(lines) == 2
    assert "key.registered" in lines[0] and key_id_for(raw) in lines[0]
    assert "key.revoked" in lines[1]
    assert len(run(runner, "audit", "tail").output.strip().splitlines()) == 3
    assert run(runner, "audit", "tail", "-n", "0").exit_code == 2


# --- the services directly ------------------------------------------------------------------------


def test_services_leave_the_commit_to_the_caller(session: Session) -> None:
    admin.add_partner(session, "police-fed", "Federale Politie", "police")
    _, raw = _keypair()
    admin.register_key(session, "police-fed", raw)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 0
    assert audit.count(session) == 0


def test_service_refusals_are_admin_errors(session: Session) -> None:
    with pytest.raises(admin.AdminError, match="unknown partner kind"):
        admin.add_partner(session, "x", "X", "secret_service")
    with pytest.raises(admin.AdminError, match="partner name"):
        admin.add_partner(session, "x", "   ", "other")
    admin.add_partner(session, "x", "X", "other")
    with pytest.raises(admin.AdminError, match="32 bytes"):
        admin.register_key(session, "x", b"short")
    with pytest.raises(admin.AdminError, match="timezone"):
        admin.revoke_key(session, "0" * 32, datetime(2026, 3, 1))


def test_parse_public_key_formats() -> None:
    private, raw = _keypair()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert parse_public_key(pem) == raw
    assert parse_public_key(base64.b64encode(raw) + b"\n") == raw
    for bad in (b"", b"abc", base64.b64encode(raw[:31]), b"-----BEGIN CERTIFICATE-----\nxx\n"):
        with pytest.raises(KeyFormatError):
            parse_public_key(bad)


def test_audit_verify_refuses_an_anchor_that_is_not_a_hash(runner: FlaskCliRunner) -> None:
    result = run(runner, "audit", "verify", "--anchor", "yesterday's head")
    assert result.exit_code == 2
    assert "64 hexadecimal" in result.output
