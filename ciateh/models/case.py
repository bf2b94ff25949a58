"""The anonymous case table: one row per person in a case, as reported by one partner.

Nothing here can hold a personal datum: coded fields only, keyed hashes that mean nothing at the
Centre, the month of registration, and the narrative as scrubbed on the partner's side and checked
again on arrival.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ciateh.db import Base, UTCDateTime, utcnow

CODE = String(40)


class CaseRecord(Base):
    __tablename__ = "anonymous_case"
    __table_args__ = (
        UniqueConstraint("partner_id", "record_key"),
        # per-month aggregates: by month alone, by month and role, by month and partner
        Index("ix_anonymous_case_month_role", "registered_month", "role"),
        Index("ix_anonymous_case_month_partner", "registered_month", "partner_id"),
        # the month's fingerprint (count, last update) for snapshots: an index-only scan
        Index("ix_anonymous_case_month_updated", "registered_month", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    record_key: Mapped[str] = mapped_column(String(64))
    case_key: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(CODE)
    offence: Mapped[str] = mapped_column(CODE)
    registered_month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    labour_sector: Mapped[str] = mapped_column(CODE)
    sex: Mapped[str] = mapped_column(CODE)
    age_band: Mapped[str] = mapped_column(CODE)
    minor_at_exploitation: Mapped[str] = mapped_column(CODE)
    nationality: Mapped[str] = mapped_column(CODE)
    province: Mapped[str] = mapped_column(CODE)
    recruiter_relation: Mapped[str] = mapped_column(CODE)
    protection_stage: Mapped[str] = mapped_column(CODE)
    judicial_stage: Mapped[str] = mapped_column(CODE)
    narrative: Mapped[str | None] = mapped_column(Text, default=None)
    anonymiser_version: Mapped[str] = mapped_column(String(20))
    policy_version: Mapped[str] = mapped_column(String(20))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    exploitation_forms: Mapped[list[CaseExploitationForm]] = relationship(
        cascade="all, delete-orphan", order_by="CaseExploitationForm.code"
    )
    means_of_control: Mapped[list[CaseMeansOfControl]] = relationship(
        cascade="all, delete-orphan", order_by="CaseMeansOfControl.code"
    )


class CaseExploitationForm(Base):
    __tablename__ = "case_exploitation_form"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("anonymous_case.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(CODE, primary_key=True, index=True)


class CaseMeansOfControl(Base):
    __tablename__ = "case_means_of_control"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("anonymous_case.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(CODE, primary_key=True, index=True)
