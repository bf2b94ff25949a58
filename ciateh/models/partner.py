"""Partner organisations and their Ed25519 public keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ciateh.db import Base, UTCDateTime, utcnow

PARTNER_KINDS = (
    "police",
    "labour_inspection",
    "social_inspection",
    "immigration_office",
    "prosecution",
    "reception_centre",
    "child_focus",
    "myria",
    "guardianship",
    "other",
)


class Partner(Base):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    keys: Mapped[list[PartnerKey]] = relationship(back_populates="partner", order_by="PartnerKey.id")


class PartnerKey(Base):
    """One Ed25519 public key of a partner. Several may be active at once (rotation)."""

    __tablename__ = "partner_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    partner: Mapped[Partner] = relationship(back_populates="keys")

    def active_at(self, when: datetime) -> bool:
        return self.revoked_at is None or when < self.revoked_at
