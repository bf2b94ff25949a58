"""Portal accounts: staff of the Centre's partners, the Bureau, the Cell and administrators.

An account holds a handle chosen by the administrator (not a civil name), an argon2id hash, the TOTP
secret (encrypted at rest with MultiFernet), the role, the partner organisation of a partner account,
the preferred language and the counters of the login lock-out. Nothing of a case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ciateh.crypto import EncryptedText
from ciateh.db import Base, UTCDateTime, utcnow
from ciateh.models.partner import Partner

ROLES: Final = ("partner", "bureau", "cell", "admin")
LANGUAGES: Final = ("nl", "fr", "en")


class User(Base):
    __tablename__ = "portal_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), default=None)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str] = mapped_column(EncryptedText())
    #: the last TOTP time step accepted: a code is good once (no replay within its 30 s window)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    #: part of the session's user id: raising it ends every open session of the account (sign-out,
    #: password change or reset, new second factor, disabling), even a copied session cookie
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    partner: Mapped[Partner | None] = relationship()

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def end_sessions(self) -> None:
        """Every session signed in before this call stops working at its next request."""
        self.session_epoch = (self.session_epoch or 0) + 1


class LoginThrottle(Base):
    """Failed logins per source address in the current window (keyed by an HMAC of the address, so
    the table holds no address)."""

    __tablename__ = "login_throttle"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
