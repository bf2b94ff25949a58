"""The Bureau's proposals to the Cell, and the Cell's decisions with their follow-up.

Their texts are written by staff, not copied from cases; still, they are checked by the anonymiser's
detector before they are stored (``ciateh.proposals``), like everything else the Centre keeps.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ciateh.db import Base, UTCDateTime, utcnow

PROPOSAL_STATUSES: Final = ("draft", "submitted", "decided", "withdrawn")
DECISION_OUTCOMES: Final = ("adopted", "amended", "rejected", "postponed")
FOLLOW_UP_STATUSES: Final = ("not_started", "in_progress", "done", "dropped")


class Proposal(Base):
    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: the month whose figures the proposal rests on (optional)
    month: Mapped[str | None] = mapped_column(String(7), default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decisions: Mapped[list[Decision]] = relationship(back_populates="proposal", order_by="Decision.id")


class Decision(Base):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    follow_up_status: Mapped[str] = mapped_column(String(20), default="not_started")
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="decisions")
