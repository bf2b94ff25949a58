"""Month snapshots: the true count tables of one month, frozen; and the Bureau's approvals of them.

A snapshot row is immutable (``ciateh.snapshots`` refuses updates and deletes). When a month's data
change after a snapshot, the next build adds a new *revision* of that month; an approval names the
revision it approves. Tables are stored as true counts (JSON) and protected when shown, by
``ciateh.aggregates``: protection is deterministic, so a snapshot always shows the same figures.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ciateh.db import Base, UTCDateTime, utcnow


class MonthSnapshot(Base):
    __tablename__ = "month_snapshot"
    __table_args__ = (
        UniqueConstraint("month", "revision"),
        # the same content is never stored twice for a month: two builders racing insert one row
        UniqueConstraint("month", "digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    revision: Mapped[int] = mapped_column(Integer)  # 1, 2, ...
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical JSON of ``tables``
    #: cheap fingerprint of the month's rows when built (count, last update): "data changed since"
    source_rows: Mapped[int] = mapped_column(Integer)
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    tables: Mapped[dict[str, Any]] = mapped_column(JSON)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    built_by: Mapped[str] = mapped_column(String(100))  # an audit actor: user:NAME, job:NAME

    approvals: Mapped[list[MonthApproval]] = relationship(
        back_populates="snapshot", order_by="MonthApproval.id"
    )


class MonthApproval(Base):
    """The Bureau approved this revision of the month."""

    __tablename__ = "month_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("month_snapshot.id"), unique=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by: Mapped[str] = mapped_column(String(100))

    snapshot: Mapped[MonthSnapshot] = relationship(back_populates="approvals")
