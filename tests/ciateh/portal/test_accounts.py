"""The account services (``ciateh.accounts``): creation rules, argon2id, the password step with its
lock-out and per-source throttle, TOTP with replay refusal, and the audit of every change."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Literal

import pyotp
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from ciateh import accounts, audit
from ciateh.accounts import AccountError, LoginBlocked, LoginPolicy
from ciateh.db import utcnow
from ciateh.models import AuditEntry, LoginThrottle, Partner, User

ACTOR = "admin:cli"
SECRET = b"test-secret-key-not-for-production"
POLICY = LoginPolicy(secret=SECRET, max_failures=3, lock_minutes=15, max_failures_per_source=10)
ADDRESS = "192.0.2.10"


def entries(session: Session, action: str | None = None) -> list[AuditEntry]:
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(session.scalars(stmt))


def all_audit_text(session: Session) -> str:
    return "\n".join(f"{e.actor} {e.action} {e.details}" for e in entries(session))


@pytest.fixture
def partner(session: Session) -> Partner:
    p = Partner(code="police-fed", name="Federale Politie", kind="police")
    session.add(p)
    session.commit()
    return p


def create(
    session: Session, username: str = "bureau-anna", role: str = "bureau", **kw: object
) -> tuple[User, str, str]:
    result = accounts.create_user(session, username, role, actor=ACTOR, **kw)  # type: ignore[arg-type]
    session.commit()
    return result


def code_at(secret: str, offset: int = 0, when: datetime | None = None) -> str:
    moment = (when or utcnow()).timestamp()
    return str(pyotp.TOTP(secret).at(moment, counter_offset=offset))


# --- creation ----------------------------------------------------------------------------------------


def test_create_user_hashes_with_argon2id_and_audits(session: Session) -> None:
    user, password, secret = create(session, language="nl")
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, password)
    assert len(password) >= accounts.MIN_PASSWORD_CHARS
    assert len(secret) >= 32 and pyotp.TOTP(secret).now().isdigit()
    stored = session.scalar(sa.select(User).where(User.username == "bureau-anna"))
    assert stored is not None and stored.totp_secret == secret and stored.language == "nl"
    # the secret is encrypted at rest: the raw column does not hold it
    raw = session.execute(
        sa.text("SELECT totp_secret FROM portal_user WHERE id = :id"), {"id": user.id}
    ).scalar()
    assert secret not in str(raw)
    (entry,) = entries(session, "user.created")
    assert entry.actor == ACTOR
    assert entry.details == {
        "user_id": user.id,
        "username": "bureau-anna",
        "role": "bureau",
        "language": "nl",
    }
    text = all_audit_text(session)
    assert password not in text and secret not in text


def test_two_accounts_get_different_secrets(session: Session) -> None:
    _, p1, s1 = create(session, "cell-one", "cell")
    _, p2, s2 = create(session, "cell-two", "cell")
    assert p1 != p2 and s1 != s2


@pytest.mark.parametrize(
    "username",
    ["ab", "Anna", "-anna", "anna smith", "anna@example", "é-user", "a" * 61, ""],
)
def test_bad_usernames_are_refused(session: Session, username: str) -> None:
    with pytest.raises(AccountError, match="username is 3 to 60"):
        accounts.create_user(session, username, "bureau", actor=ACTOR)


@pytest.mark.parametrize("username", ["abc", "bureau.anna", "p_1-x", "9lives", "a" * 60])
def test_good_usernames_fit_the_audit_actor(session: Session, username: str) -> None:
    user, _, _ = create(session, username)
    audit.append(session, accounts.user_actor(user), "user.test", {})  # the actor pattern accepts it


def test_partner_role_needs_an_existing_partner(session: Session, partner: Partner) -> None:
    with pytest.raises(AccountError, match="needs its organisation"):
        accounts.create_user(session, "partner-x", "partner", actor=ACTOR)
    with pytest.raises(AccountError, match="no partner with code 'nope'"):
        accounts.create_user(session, "partner-x", "partner", partner_code="nope", actor=ACTOR)
    user, _, _ = create(session, "partner-x", "partner", partner_code="police-fed")
    assert user.partner_id == partner.id
    assert entries(session, "user.created")[-1].details["partner"] == "police-fed"


@pytest.mark.parametrize("role", ["bureau", "cell", "admin"])
def test_other_roles_refuse_a_partner(session: Session, partner: Partner, role: str) -> None:
    with pytest.raises(AccountError, match="belongs to no partner"):
        accounts.create_user(session, "someone", role, partner_code="police-fed", actor=ACTOR)


def test_unknown_role_language_and_duplicates_are_refused(session: Session) -> None:
    with pytest.raises(AccountError, match="unknown role"):
        accounts.create_user(session, "someone", "root", actor=ACTOR)
    with pytest.raises(AccountError, match="unknown language"):
        accounts.create_user(session, "someone", "cell", language="de", actor=ACTOR)
    create(session, "someone", "cell")
    with pytest.raises(AccountError, match="already exists"):
        accounts.create_user(session, "someone", "bureau", actor=ACTOR)


# --- password step -----------------------------------------------------------------------------------


def test_right_password_returns_the_account_without_signing_in(session: Session) -> None:
    user, password, _ = create(session)
    assert accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY) is user
    assert entries(session, "user.login") == []  # only after the TOTP step
    assert user.last_login_at is None


def test_typed_username_is_case_and_space_insensitive(session: Session) -> None:
    user, password, _ = create(session)
    assert accounts.authenticate_password(session, "  Bureau-Anna ", password, ADDRESS, POLICY) is user


def test_wrong_password_is_none_and_audited_without_the_password(session: Session) -> None:
    user, _, _ = create(session)
    typed = "Wrong-Password-42!"
    assert accounts.authenticate_password(session, "bureau-anna", typed, ADDRESS, POLICY) is None
    (entry,) = entries(session, "user.login_failed")
    assert entry.details == {"reason": "password", "user_id": user.id, "username": "bureau-anna"}
    assert user.failed_logins == 1
    assert typed not in all_audit_text(session)


def test_unknown_username_is_none_and_not_recorded(session: Session) -> None:
    typed_name = "no-such-person"
    assert accounts.authenticate_password(session, typed_name, "whatever-pass", ADDRESS, POLICY) is None
    (entry,) = entries(session, "user.login_failed")
    assert entry.details == {"reason": "unknown_user"}
    stored = "\n".join(f"{r.source} {r.failures}" for r in session.scalars(sa.select(LoginThrottle)))
    assert typed_name not in all_audit_text(session) + stored
    assert ADDRESS not in all_audit_text(session) + stored


def test_unknown_username_costs_an_argon2_verification(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append(str(hash)[:10])
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    accounts.authenticate_password(session, "no-such-person", "whatever-pass", ADDRESS, POLICY)
    assert calls == ["$argon2id$"]
    user, _, _ = create(session)
    user.locked_until = utcnow() + timedelta(minutes=5)
    with pytest.raises(LoginBlocked):  # a locked account costs the same work
        accounts.authenticate_password(session, "bureau-anna", "whatever-pass", ADDRESS, POLICY)
    assert calls == ["$argon2id$", "$argon2id$"]


def test_lock_out_after_max_failures_then_right_password_is_refused(session: Session) -> None:
    user, password, _ = create(session)
    for _ in range(POLICY.max_failures - 1):
        assert (
            accounts.authenticate_password(session, "bureau-anna", "bad-password-1", ADDRESS, POLICY) is None
        )
    with pytest.raises(LoginBlocked) as blocked:
        accounts.authenticate_password(session, "bureau-anna", "bad-password-1", ADDRESS, POLICY)
    assert blocked.value.reason == "locked" and blocked.value.minutes == 15
    assert accounts.is_locked(user)
    (locked,) = entries(session, "user.locked")
    assert locked.details == {"user_id": user.id, "username": "bureau-anna", "minutes": 15}
    with pytest.raises(LoginBlocked):
        accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY)
    assert entries(session, "user.login_failed")[-1].details["reason"] == "locked"
    # the lock runs out
    user.locked_until = utcnow() - timedelta(seconds=1)
    assert accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY) is user


def test_an_unknown_name_locks_out_like_an_account(session: Session) -> None:
    """The lock-out message appears after the same number of failures whether the account exists."""
    create(session)

    def failures_until_blocked(name: str) -> int:
        for attempt in range(1, 10):
            try:
                accounts.authenticate_password(
                    session, name, "bad-password-1", f"198.51.100.{attempt}", POLICY
                )
            except LoginBlocked:
                return attempt
        return 0

    assert failures_until_blocked("bureau-anna") == failures_until_blocked("bureau-nobody") == 3
    with pytest.raises(LoginBlocked):
        accounts.authenticate_password(session, "bureau-nobody", "x", "203.0.113.1", POLICY)


def test_source_throttle_blocks_every_account_from_that_address(session: Session) -> None:
    _, password, _ = create(session)
    for i in range(POLICY.max_failures_per_source):
        assert (
            accounts.authenticate_password(session, f"guess-{i}", "bad-password-1", ADDRESS, POLICY) is None
        )
    assert [e.details for e in entries(session, "login.throttled")] == [{"failures": 10, "minutes": 15}]
    with pytest.raises(LoginBlocked) as blocked:
        accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY)
    assert blocked.value.reason == "throttled"
    # another address is not throttled
    assert accounts.authenticate_password(session, "bureau-anna", password, "192.0.2.99", POLICY) is not None
    # the table holds the HMAC of the address, not the address
    sources = list(session.scalars(sa.select(LoginThrottle.source)))
    assert accounts.source_key(ADDRESS, SECRET) in sources
    assert all(ADDRESS not in s for s in sources)
    # the window ends
    row = session.get(LoginThrottle, accounts.source_key(ADDRESS, SECRET))
    assert row is not None
    row.window_start = utcnow() - timedelta(minutes=16)
    assert accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY) is not None


def test_source_key_depends_on_the_secret() -> None:
    assert accounts.source_key(ADDRESS, SECRET) != accounts.source_key(ADDRESS, b"another-secret-of-16+")
    assert len(accounts.source_key(ADDRESS, SECRET)) == 64


def test_disabled_account_with_the_right_password_is_refused(session: Session) -> None:
    user, password, _ = create(session)
    accounts.disable_user(session, "bureau-anna", ACTOR)
    assert accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY) is None
    assert entries(session, "user.login_failed")[-1].details["reason"] == "disabled"
    assert entries(session, "user.disabled")[-1].details == {"user_id": user.id, "username": "bureau-anna"}
    with pytest.raises(AccountError, match="already disabled"):
        accounts.disable_user(session, "bureau-anna", ACTOR)


def test_old_hash_parameters_are_upgraded_on_login(session: Session) -> None:
    user, _, _ = create(session)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user.password_hash = weak.hash("an-old-password-1")
    session.commit()
    assert (
        accounts.authenticate_password(session, "bureau-anna", "an-old-password-1", ADDRESS, POLICY) is user
    )
    assert user.password_hash.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(user.password_hash)
    assert PasswordHasher().verify(user.password_hash, "an-old-password-1")


# --- TOTP --------------------------------------------------------------------------------------------


def test_totp_current_and_adjacent_steps_are_accepted_once(session: Session) -> None:
    user, _, secret = create(session)
    now = datetime(2026, 3, 1, 9, 15, 10, tzinfo=UTC)
    step = int(now.timestamp()) // 30
    assert accounts.verify_totp(session, user, code_at(secret, -1, now), POLICY, now=now)
    assert user.totp_last_step == step - 1
    assert accounts.verify_totp(session, user, code_at(secret, 0, now), POLICY, now=now)
    assert user.totp_last_step == step
    # the same code again, or an older one: refused (replay)
    assert not accounts.verify_totp(session, user, code_at(secret, 0, now), POLICY, now=now)
    assert entries(session, "user.login_failed")[-1].details["reason"] == "totp_replay"
    assert not accounts.verify_totp(session, user, code_at(secret, -1, now), POLICY, now=now)
    assert accounts.verify_totp(session, user, code_at(secret, 1, now), POLICY, now=now)
    # two steps away is outside the window
    later = now + timedelta(minutes=5)
    assert not accounts.verify_totp(session, user, code_at(secret, -2, later), POLICY, now=later)
    assert entries(session, "user.login_failed")[-1].details["reason"] == "totp"


def test_totp_accepts_spaces_and_refuses_garbage(session: Session) -> None:
    user, _, secret = create(session)
    code = code_at(secret)
    assert accounts.verify_totp(session, user, f"{code[:3]} {code[3:]}", POLICY)
    user2, _, _ = create(session, "cell-two", "cell")
    lenient = LoginPolicy(secret=SECRET, max_failures=10)
    for bad in ("", "12345", "1234567", "abcdef", "12345x"):
        assert not accounts.verify_totp(session, user2, bad, lenient)
    assert user2.failed_logins == 5
    assert entries(session, "user.login_failed")[-1].details["reason"] == "totp_format"


def test_wrong_totp_codes_lock_the_account_and_the_code_is_never_audited(session: Session) -> None:
    user, _, secret = create(session)
    good = code_at(secret)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for _ in range(POLICY.max_failures - 1):
        assert not accounts.verify_totp(session, user, wrong, POLICY)
    with pytest.raises(LoginBlocked):
        accounts.verify_totp(session, user, wrong, POLICY)
    with pytest.raises(LoginBlocked):  # locked: even the right code
        accounts.verify_totp(session, user, good, POLICY)
    assert wrong not in all_audit_text(session) and good not in all_audit_text(session)


def test_success_clears_the_failure_count_and_record_login_audits(session: Session) -> None:
    user, password, secret = create(session)
    accounts.authenticate_password(session, "bureau-anna", "bad-password-1", ADDRESS, POLICY)
    assert user.failed_logins == 1
    # the password step alone does not clear it (else the TOTP could be guessed without end)
    accounts.authenticate_password(session, "bureau-anna", password, ADDRESS, POLICY)
    assert user.failed_logins == 1
    assert accounts.verify_totp(session, user, code_at(secret), POLICY)
    assert user.failed_logins == 0
    accounts.record_login(session, user)
    assert user.last_login_at is not None
    (entry,) = entries(session, "user.login")
    assert (entry.actor, entry.details) == ("user:bureau-anna", {"user_id": user.id})
    accounts.record_logout(session, user)
    assert entries(session, "user.logout")[-1].actor == "user:bureau-anna"


def test_disabled_account_cannot_pass_the_totp_step(session: Session) -> None:
    user, _, secret = create(session)
    accounts.disable_user(session, "bureau-anna", ACTOR)
    assert not accounts.verify_totp(session, user, code_at(secret), POLICY)


# --- changes -----------------------------------------------------------------------------------------


def test_reset_totp_replaces_the_secret(session: Session) -> None:
    user, _, old = create(session)
    user.totp_last_step = int(time.time()) // 30
    new = accounts.reset_totp(session, "bureau-anna", ACTOR)
    assert new != old and user.totp_secret == new and user.totp_last_step == 0
    assert not accounts.verify_totp(session, user, code_at(old), POLICY) or code_at(old) == code_at(new)
    assert accounts.verify_totp(session, user, code_at(new), POLICY)
    (entry,) = entries(session, "user.totp_reset")
    assert entry.details == {"user_id": user.id, "username": "bureau-anna"}
    assert new not in all_audit_text(session)


def test_set_password_generates_unlocks_and_audits(session: Session) -> None:
    user, old, _ = create(session)
    user.locked_until = utcnow() + timedelta(minutes=10)
    new = accounts.set_password(session, "bureau-anna", ACTOR)
    assert new != old and not accounts.is_locked(user)
    assert accounts.authenticate_password(session, "bureau-anna", new, ADDRESS, POLICY) is user
    assert accounts.authenticate_password(session, "bureau-anna", old, ADDRESS, POLICY) is None
    assert entries(session, "user.password_set")[-1].details == {
        "user_id": user.id,
        "username": "bureau-anna",
    }


@pytest.mark.parametrize(
    ("password", "code"),
    [("short-1", "password_short"), ("x" * 201, "password_long"), ("my-bureau-anna-pw", "password_username")],
)
def test_password_rules(session: Session, password: str, code: str) -> None:
    create(session)
    with pytest.raises(AccountError) as refused:
        accounts.set_password(session, "bureau-anna", ACTOR, password)
    assert refused.value.code == code


def test_change_password_needs_the_current_one(session: Session) -> None:
    user, password, _ = create(session)
    with pytest.raises(AccountError) as wrong:
        accounts.change_password(session, user, "not-the-password", "a-new-long-password", POLICY)
    assert wrong.value.code == "current_password"
    assert user.failed_logins == 1  # counts like a failed sign-in
    assert entries(session, "user.login_failed")[-1].details["reason"] == "password_change"
    with pytest.raises(AccountError) as same:
        accounts.change_password(session, user, password, password, POLICY)
    assert same.value.code == "password_same"
    accounts.change_password(session, user, password, "a-new-long-password", POLICY)
    assert PasswordHasher().verify(user.password_hash, "a-new-long-password")
    assert entries(session, "user.password_changed")[-1].actor == "user:bureau-anna"
    assert "a-new-long-password" not in all_audit_text(session)


def test_set_language_and_unlock(session: Session) -> None:
    user, _, _ = create(session)
    accounts.set_language(session, user, "fr", "user:bureau-anna")
    assert user.language == "fr"
    assert entries(session, "user.language_set")[-1].details == {"user_id": user.id, "language": "fr"}
    with pytest.raises(AccountError, match="unknown language"):
        accounts.set_language(session, user, "de", "user:bureau-anna")
    user.locked_until = utcnow() + timedelta(minutes=5)
    user.failed_logins = 2
    accounts.unlock_user(session, "bureau-anna", ACTOR)
    assert not accounts.is_locked(user) and user.failed_logins == 0
    assert entries(session, "user.unlocked")[-1].details["was_locked"] is True


def test_list_users_shows_no_secret(session: Session, partner: Partner) -> None:
    _, password, secret = create(session, "partner-x", "partner", partner_code="police-fed")
    create(session, "admin-1", "admin")
    summaries = accounts.list_users(session)
    assert [(u.username, u.role, u.partner) for u in summaries] == [
        ("admin-1", "admin", None),
        ("partner-x", "partner", "police-fed"),
    ]
    assert password not in repr(summaries) and secret not in repr(summaries)


def test_otpauth_uri_names_the_issuer(session: Session) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    uri = accounts.otpauth_uri("bureau-anna", secret)
    assert uri.startswith("otpauth://totp/ciateh:bureau-anna?")
    assert f"secret={secret}" in uri and "issuer=ciateh" in uri


def test_policy_from_config() -> None:
    policy = LoginPolicy.from_config(
        {
            "SECRET_KEY": "s" * 32,
            "LOGIN_MAX_FAILURES": 4,
            "LOGIN_LOCK_MINUTES": 7,
            "LOGIN_MAX_FAILURES_PER_SOURCE": 9,
        }
    )
    assert (policy.max_failures, policy.lock_minutes, policy.max_failures_per_source) == (4, 7, 9)
    assert "s" * 32 not in repr(policy)
    with pytest.raises(ValueError):
        LoginPolicy(secret=b"short")
