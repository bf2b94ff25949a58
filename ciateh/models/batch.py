"""Received batches, their per-record outcomes, and seen request signatures (replay protection).

A batch row holds ids, counts and, per record, the outcome: accepted, or rejected with field,
entity type and offsets. Never a value from the record: a rejected record is not stored at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ciateh.db import Base, UTCDateTime, utcnow


class Batch(Base):
    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("partner_id", "client_batch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    client_batch_id: Mapped[str] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # accepted | partially_accepted | rejected
    record_count: Mapped[int] = mapped_column(Integer)
    accepted_count: Mapped[int] = mapped_column(Integer)
    rejected_count: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SeenSignature(Base):
    """A request signature already accepted: the same signed request again is a replay."""

    __tablename__ = "seen_signature"

    signature_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
