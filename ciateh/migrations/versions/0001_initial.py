"""anonymous store: partners, keys, batches, cases, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-28 08:10:36.919888
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entry_hash")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_action"), ["action"], unique=False)

    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("code", name=op.f("uq_partner_code")),
    )
    op.create_table(
        "seen_signature",
        sa.Column("signature_sha256", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature_sha256", name=op.f("pk_seen_signature")),
    )
    with op.batch_alter_table("seen_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seen_signature_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("client_batch_id", sa.String(length=100), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], name=op.f("fk_batch_partner_id_partner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch")),
        sa.UniqueConstraint(
            "partner_id", "client_batch_id", name=op.f("uq_batch_partner_id_client_batch_id")
        ),
    )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_received_at"), ["received_at"], unique=False)

    op.create_table(
        "partner_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_partner_key_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_partner_key_key_id")),
    )
    with op.batch_alter_table("partner_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_key_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "anonymous_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.Column("case_key", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("offence", sa.String(length=40), nullable=False),
        sa.Column("registered_month", sa.String(length=7), nullable=False),
        sa.Column("labour_sector", sa.String(length=40), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=40), nullable=False),
        sa.Column("minor_at_exploitation", sa.String(length=40), nullable=False),
        sa.Column("nationality", sa.String(length=40), nullable=False),
        sa.Column("province", sa.String(length=40), nullable=False),
        sa.Column("recruiter_relation", sa.String(length=40), nullable=False),
        sa.Column("protection_stage", sa.String(length=40), nullable=False),
        sa.Column("judicial_stage", sa.String(length=40), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("anonymiser_version", sa.String(length=20), nullable=False),
        sa.Column("policy_version", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"], name=op.f("fk_anonymous_case_batch_id_batch")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_anonymous_case_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_case")),
        sa.UniqueConstraint("partner_id", "record_key", name=op.f("uq_anonymous_case_partner_id_record_key")),
    )
    with op.batch_alter_table("anonymous_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anonymous_case_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_anonymous_case_case_key"), ["case_key"], unique=False)
        batch_op.create_index(
            "ix_anonymous_case_month_partner", ["registered_month", "partner_id"], unique=False
        )
        batch_op.create_index("ix_anonymous_case_month_role", ["registered_month", "role"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_anonymous_case_registered_month"), ["registered_month"], unique=False
        )

    op.create_table(
        "case_exploitation_form",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["anonymous_case.id"],
            name=op.f("fk_case_exploitation_form_case_id_anonymous_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "code", name=op.f("pk_case_exploitation_form")),
    )
    with op.batch_alter_table("case_exploitation_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_exploitation_form_code"), ["code"], unique=False)

    op.create_table(
        "case_means_of_control",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["anonymous_case.id"],
            name=op.f("fk_case_means_of_control_case_id_anonymous_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "code", name=op.f("pk_case_means_of_control")),
    )
    with op.batch_alter_table("case_means_of_control", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_means_of_control_code"), ["code"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("case_means_of_control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_means_of_control_code"))

    op.drop_table("case_means_of_control")
    with op.batch_alter_table("case_exploitation_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_exploitation_form_code"))

    op.drop_table("case_exploitation_form")
    with op.batch_alter_table("anonymous_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anonymous_case_registered_month"))
        batch_op.drop_index("ix_anonymous_case_month_role")
        batch_op.drop_index("ix_anonymous_case_month_partner")
        batch_op.drop_index(batch_op.f("ix_anonymous_case_case_key"))
        batch_op.drop_index(batch_op.f("ix_anonymous_case_batch_id"))

    op.drop_table("anonymous_case")
    with op.batch_alter_table("partner_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_key_partner_id"))

    op.drop_table("partner_key")
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_received_at"))

    op.drop_table("batch")
    with op.batch_alter_table("seen_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_signature_seen_at"))

    op.drop_table("seen_signature")
    op.drop_table("partner")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_action"))

    op.drop_table("audit_entry")
