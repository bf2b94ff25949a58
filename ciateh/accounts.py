"""Portal accounts: creation, sign-in (password, then TOTP), lock-out and throttling, and changes.

Each function takes a session, changes what it must, writes the audit entry in the same transaction and
leaves the commit to the caller (the ``user`` CLI, the portal's sign-in pages). Refused changes raise
``AccountError`` with a one-line message that is safe to print and to log (never a password, a TOTP
secret or code, and never a username that is not an account's).

Sign-in, in two steps:

1. ``authenticate_password``: the username and password. Returns the account, or ``None`` for any
   failure (wrong password, unknown or disabled account: the caller shows one generic message), or
   raises ``LoginBlocked`` while the account is locked or the source address throttled. An unknown
   username costs the same argon2 work as a known one (a dummy hash is checked), and is locked out
   after the same number of failures (a keyed hash of the typed name is counted, never the name), so
   neither the time nor the messages tell whether an account exists.
2. ``verify_totp``: the 6-digit code, within one 30-second step either side; a code is accepted once
   (its step must be later than the last accepted one). Failed codes count towards the lock-out.
   ``record_login`` then writes ``user.login``.

Failures are recorded in the session even when the function returns ``None`` or raises
``LoginBlocked``: the caller commits them (they are the lock-out's memory). The limits come in as a
``LoginPolicy`` (built from the app's ``LOGIN_*`` settings by the caller): services never read the app.

The per-source throttle counts failures by an HMAC of the client address keyed with the app's secret
(``source_key``), and the lock-out of names that are no accounts by an HMAC of the name (``name_key``)
in the same table: ``login_throttle`` holds neither an address nor a typed name.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Final, Literal

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ciateh import audit
from ciateh.db import utcnow
from ciateh.models import LANGUAGES, ROLES, LoginThrottle, Partner, User

USERNAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9_.-]{2,59}")
MIN_PASSWORD_CHARS: Final = 12
MAX_PASSWORD_CHARS: Final = 200
TOTP_ISSUER: Final = "ciateh"
TOTP_DIGITS: Final = 6
TOTP_INTERVAL: Final = 30
TOTP_VALID_WINDOW: Final = 1
_CODE_RE: Final = re.compile(r"[0-9]{6}")
#: forgotten after this long: the rows counting failed attempts on names that are no accounts
THROTTLE_RETENTION: Final = timedelta(days=30)

FailureReason = Literal[
    "password", "unknown_user", "disabled", "locked", "totp", "totp_replay", "totp_format", "password_change"
]

_hasher: Final = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi's defaults)


class AccountError(Exception):
    """A refused change to an account; the message is one line, safe to print. ``code`` names the
    refusal for callers that show their own (translated) text."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


class LoginBlocked(AccountError):
    """Sign-in refused for a while: the account is locked or the source sent too many failures.

    ``reason`` is ``"locked"`` or ``"throttled"``; the message (the same for both, and for a name that
    is no account) does not say which."""

    def __init__(self, reason: Literal["locked", "throttled"], minutes: int) -> None:
        super().__init__(f"too many failed sign-in attempts: try again in {minutes} minutes", reason)
        self.reason = reason
        self.minutes = minutes


@dataclass(frozen=True)
class LoginPolicy:
    """The lock-out limits (the app's ``LOGIN_*`` settings) and the key of the throttle's HMACs (the
    app's ``SECRET_KEY``)."""

    secret: bytes = field(repr=False)
    max_failures: int = 5
    lock_minutes: int = 15
    max_failures_per_source: int = 20

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("the throttle's key must have at least 16 bytes")
        if self.max_failures < 1 or self.lock_minutes < 1 or self.max_failures_per_source < 1:
            raise ValueError("login limits must be positive")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoginPolicy:
        return cls(
            secret=str(config["SECRET_KEY"]).encode("utf-8"),
            max_failures=int(config["LOGIN_MAX_FAILURES"]),
            lock_minutes=int(config["LOGIN_LOCK_MINUTES"]),
            max_failures_per_source=int(config["LOGIN_MAX_FAILURES_PER_SOURCE"]),
        )

    @property
    def lock(self) -> timedelta:
        return timedelta(minutes=self.lock_minutes)


@dataclass(frozen=True)
class UserSummary:
    username: str
    role: str
    partner: str | None  # partner code
    language: str
    active: bool
    locked: bool
    last_login_at: datetime | None


def user_actor(user: User) -> str:
    return f"user:{user.username}"


# --- secrets ---------------------------------------------------------------------------------------


def generate_password(username: str = "") -> str:
    """A random password of 20 URL-safe characters (120 bits) that passes the rules."""
    while True:
        password = secrets.token_urlsafe(15)
        if not username or username.lower() not in password.lower():
            return password


def otpauth_uri(username: str, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as a QR code or pasted)."""
    return str(
        pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).provisioning_uri(
            name=username, issuer_name=TOTP_ISSUER
        )
    )


def source_key(address: str, secret: bytes) -> str:
    """The throttle's key for a client address: HMAC-SHA256 keyed with the app's secret (hex)."""
    return hmac.new(secret, b"login-source\x00" + address.encode("utf-8"), hashlib.sha256).hexdigest()


def name_key(username: str, secret: bytes) -> str:
    """The lock-out's key for a typed name that is no account (the name itself is never stored)."""
    return hmac.new(secret, b"login-name\x00" + username.encode("utf-8"), hashlib.sha256).hexdigest()


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password has at least {MIN_PASSWORD_CHARS} characters", "password_short")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"a password has at most {MAX_PASSWORD_CHARS} characters", "password_long")
    if username.lower() in password.lower():
        raise AccountError("a password must not contain the username", "password_username")


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        return False


# --- lookups ---------------------------------------------------------------------------------------


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no account with username {username!r}")
    return user


def _find_user(session: Session, username: str) -> User | None:
    if not USERNAME_RE.fullmatch(username):
        return None
    return session.scalar(
        select(User)
        .where(User.username == username)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def list_users(session: Session) -> list[UserSummary]:
    now = utcnow()
    rows = session.execute(
        select(User, Partner.code).outerjoin(Partner, Partner.id == User.partner_id).order_by(User.username)
    )
    return [
        UserSummary(
            user.username,
            user.role,
            code,
            user.language,
            user.active,
            is_locked(user, now),
            user.last_login_at,
        )
        for user, code in rows
    ]


# --- creation and changes --------------------------------------------------------------------------


def _check_username(username: str) -> None:
    if not USERNAME_RE.fullmatch(username):
        raise AccountError(
            "a username is 3 to 60 lower-case letters, digits, '_', '.' or '-', starting with a letter"
            " or digit (a handle such as bureau-anna, not a full name)"
        )


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise AccountError(f"unknown language {language!r}; one of: {', '.join(LANGUAGES)}")


def create_user(
    session: Session,
    username: str,
    role: str,
    *,
    partner_code: str | None = None,
    language: str = "en",
    actor: str,
) -> tuple[User, str, str]:
    """A new account with a generated password and TOTP secret: returns (user, password, secret).
    The secret is shown this once (and again only by ``reset_totp``, which replaces it)."""
    _check_username(username)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    _check_language(language)
    partner: Partner | None = None
    if role == "partner":
        if partner_code is None:
            raise AccountError("a partner account needs its organisation (--partner CODE)")
        partner = session.scalar(select(Partner).where(Partner.code == partner_code))
        if partner is None:
            raise AccountError(f"no partner with code {partner_code!r}")
    elif partner_code is not None:
        raise AccountError(f"a {role} account belongs to no partner organisation")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"an account with username {username!r} already exists")
    password = generate_password(username)
    secret = pyotp.random_base32()
    user = User(
        username=username,
        role=role,
        partner_id=partner.id if partner is not None else None,
        password_hash=hash_password(password),
        totp_secret=secret,
        totp_last_step=0,
        language=language,
        active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    details: dict[str, object] = {
        "user_id": user.id,
        "username": username,
        "role": role,
        "language": language,
    }
    if partner is not None:
        details["partner"] = partner.code
    audit.append(session, actor, "user.created", details)
    return user, password, secret


def reset_totp(session: Session, username: str, actor: str) -> str:
    """Replace the account's TOTP secret (lost phone); returns the new secret, shown once."""
    user = get_user(session, username)
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_last_step = 0
    user.end_sessions()
    session.flush()
    audit.append(session, actor, "user.totp_reset", {"user_id": user.id, "username": user.username})
    return secret


def set_password(session: Session, username: str, actor: str, password: str | None = None) -> str:
    """Set a new password (generated when none is given); returns it. Unlocks the account."""
    user = get_user(session, username)
    new = password if password is not None else generate_password(user.username)
    check_password_rules(new, user.username)
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    user.end_sessions()
    session.flush()
    audit.append(session, actor, "user.password_set", {"user_id": user.id, "username": user.username})
    return new


def change_password(session: Session, user: User, current: str, new: str, policy: LoginPolicy) -> None:
    """The user's own change, with the current password. A wrong current password is a failed
    attempt like one at sign-in (it counts towards the lock-out and is audited): on ``AccountError``
    with code ``"current_password"`` the caller commits; on any other code nothing was changed."""
    if not _password_matches(user.password_hash, current):
        _failed(session, user, "password_change")
        _count_account_failure(session, user, policy, utcnow())
        raise AccountError("the current password is not correct", "current_password")
    check_password_rules(new, user.username)
    if _password_matches(user.password_hash, new):
        raise AccountError("the new password is the same as the current one", "password_same")
    user.password_hash = hash_password(new)
    user.end_sessions()
    session.flush()
    audit.append(session, user_actor(user), "user.password_changed", {"user_id": user.id})


def set_language(session: Session, user: User, language: str, actor: str) -> None:
    _check_language(language)
    if user.language == language:
        return
    user.language = language
    session.flush()
    audit.append(session, actor, "user.language_set", {"user_id": user.id, "language": language})


def disable_user(session: Session, username: str, actor: str) -> User:
    """The account can no longer sign in, and its open sessions end at their next request."""
    user = get_user(session, username)
    if not user.active:
        raise AccountError(f"account {username!r} is already disabled")
    user.active = False
    user.end_sessions()
    session.flush()
    audit.append(session, actor, "user.disabled", {"user_id": user.id, "username": user.username})
    return user


def unlock_user(session: Session, username: str, actor: str) -> User:
    """End a lock-out now and clear the failure count."""
    user = get_user(session, username)
    was_locked = is_locked(user)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    audit.append(
        session,
        actor,
        "user.unlocked",
        {"user_id": user.id, "username": user.username, "was_locked": was_locked},
    )
    return user


# --- failure counters ------------------------------------------------------------------------------


def _throttle_row(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter row of ``key``, created if missing (race-safe), locked for this transaction."""
    dialect = session.get_bind(LoginThrottle).dialect.name
    values = {"source": key, "window_start": now, "failures": 0}
    if dialect == "postgresql":
        session.execute(pg_insert(LoginThrottle).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(LoginThrottle).values(values).on_conflict_do_nothing())
    row = session.scalar(
        select(LoginThrottle)
        .where(LoginThrottle.source == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None  # inserted above or already there
    return row


def _source_throttled(session: Session, source: str, policy: LoginPolicy, now: datetime) -> bool:
    row = session.get(LoginThrottle, source)
    return (
        row is not None
        and row.failures >= policy.max_failures_per_source
        and now < row.window_start + policy.lock
    )


def _count_source_failure(session: Session, source: str, policy: LoginPolicy, now: datetime) -> None:
    """One more failure from ``source`` in the current window (the window starts at the first one)."""
    _purge_old_counters(session, now)
    row = _throttle_row(session, source, now)
    if row.failures == 0 or now >= row.window_start + policy.lock:
        row.window_start = now
        row.failures = 1
    else:
        row.failures += 1
    if row.failures == policy.max_failures_per_source:
        audit.append(
            session,
            "portal:login",
            "login.throttled",
            {"failures": row.failures, "minutes": policy.lock_minutes},
        )
    session.flush()


def _name_locked(session: Session, key: str, policy: LoginPolicy, now: datetime) -> bool:
    row = session.get(LoginThrottle, key)
    return row is not None and row.failures >= policy.max_failures and now < row.window_start + policy.lock


def _count_name_failure(session: Session, key: str, policy: LoginPolicy, now: datetime) -> bool:
    """As ``_count_account_failure`` for a name that is no account; True when it is now locked."""
    row = _throttle_row(session, key, now)
    if row.failures >= policy.max_failures:  # a lock that has run out
        row.failures = 0
    row.failures += 1
    row.window_start = now  # the last failure, or the start of the lock
    session.flush()
    return row.failures >= policy.max_failures


def _count_account_failure(session: Session, user: User, policy: LoginPolicy, now: datetime) -> bool:
    """One more failure on the account; at the limit it is locked. True when it is now locked."""
    user.failed_logins += 1
    if user.failed_logins < policy.max_failures:
        session.flush()
        return False
    user.failed_logins = 0
    user.locked_until = now + policy.lock
    session.flush()
    audit.append(
        session,
        "portal:login",
        "user.locked",
        {"user_id": user.id, "username": user.username, "minutes": policy.lock_minutes},
    )
    return True


def _failed(session: Session, user: User | None, reason: FailureReason) -> None:
    details: dict[str, object] = {"reason": reason}
    if user is not None:
        details["user_id"] = user.id
        details["username"] = user.username
    audit.append(session, "portal:login", "user.login_failed", details)


def _purge_old_counters(session: Session, now: datetime) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.window_start < now - THROTTLE_RETENTION))


# --- sign-in ---------------------------------------------------------------------------------------


def authenticate_password(
    session: Session,
    username: str,
    password: str,
    source: str,
    policy: LoginPolicy,
) -> User | None:
    """The first step of sign-in. ``source`` is the client's address: only its HMAC is stored.

    Returns the account when the password is right and the account active (not yet signed in: the
    TOTP step follows); ``None`` otherwise. Raises ``LoginBlocked`` while the source is throttled or
    the account (or the name) locked, and when this failure locks it. The caller commits either way.
    """
    rules = policy
    now = utcnow()
    source = source_key(source, rules.secret)
    if _source_throttled(session, source, rules, now):
        raise LoginBlocked("throttled", rules.lock_minutes)
    name = username.strip().lower()
    user = _find_user(session, name)

    if user is None:
        _password_matches(_dummy_hash(), password)  # the same work as for an account
        _count_source_failure(session, source, rules, now)
        key = name_key(name, rules.secret)
        if _name_locked(session, key, rules, now):
            _failed(session, None, "locked")
            raise LoginBlocked("locked", rules.lock_minutes)
        _failed(session, None, "unknown_user")
        if _count_name_failure(session, key, rules, now):
            raise LoginBlocked("locked", rules.lock_minutes)
        return None

    if is_locked(user, now):
        _password_matches(_dummy_hash(), password)
        _count_source_failure(session, source, rules, now)
        _failed(session, user, "locked")
        raise LoginBlocked("locked", rules.lock_minutes)

    if not _password_matches(user.password_hash, password):
        _count_source_failure(session, source, rules, now)
        _failed(session, user, "password")
        if _count_account_failure(session, user, rules, now):
            raise LoginBlocked("locked", rules.lock_minutes)
        return None

    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    if not user.active:
        _count_source_failure(session, source, rules, now)
        _failed(session, user, "disabled")
        if _count_account_failure(session, user, rules, now):
            raise LoginBlocked("locked", rules.lock_minutes)
        return None
    return user


def _current_step(now: datetime) -> int:
    return int(now.timestamp()) // TOTP_INTERVAL


def verify_totp(
    session: Session,
    user: User,
    code: str,
    policy: LoginPolicy,
    now: datetime | None = None,
) -> bool:
    """The second step: True when ``code`` is the account's TOTP of the current 30-second step or one
    either side, and of a step later than the last accepted one (a code is good once).

    A wrong, replayed or malformed code counts towards the lock-out (``LoginBlocked`` when it locks
    the account); a locked or disabled account is refused whatever the code. The caller commits.
    """
    rules = policy
    when = now or utcnow()
    if is_locked(user, when):
        _failed(session, user, "locked")
        raise LoginBlocked("locked", rules.lock_minutes)
    if not user.active:
        _failed(session, user, "disabled")
        return False
    typed = "".join(code.split())
    reason: FailureReason
    if not _CODE_RE.fullmatch(typed):
        reason = "totp_format"
    else:
        totp = pyotp.TOTP(user.totp_secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)
        current = _current_step(when)
        matching = [
            step
            for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1)
            if hmac.compare_digest(str(totp.generate_otp(step)), typed)
        ]
        fresh = [step for step in matching if step > user.totp_last_step]
        if fresh:
            user.totp_last_step = max(fresh)
            user.failed_logins = 0
            user.locked_until = None
            session.flush()
            return True
        reason = "totp_replay" if matching else "totp"
    _failed(session, user, reason)
    if _count_account_failure(session, user, rules, when):
        raise LoginBlocked("locked", rules.lock_minutes)
    return False


def record_login(session: Session, user: User) -> None:
    """The account has passed both steps."""
    user.last_login_at = utcnow()
    session.flush()
    audit.append(session, user_actor(user), "user.login", {"user_id": user.id})


def record_logout(session: Session, user: User) -> None:
    """Signing out ends every session of the account (a copied cookie included)."""
    user.end_sessions()
    session.flush()
    audit.append(session, user_actor(user), "user.logout", {"user_id": user.id})
