"""audit chain: UNIQUE(audit_entry.prev_hash), so the database refuses a fork

Each audit entry carries the hash of the entry before it. With ``prev_hash`` unique, an entry can have
only one successor: two entries chained onto the same head (a fork, which the chain lock in
``ciateh.audit.append`` already prevents) are refused by the database itself, whoever writes them.

A log that already forks cannot take the constraint: the upgrade then stops with a message naming
the number of forks (never an entry's content) and changes nothing; ``flask --app ciateh audit verify``
shows where the chain breaks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CONSTRAINT = "uq_audit_entry_prev_hash"


def _forks() -> int:
    """How many prev_hash values are shared by more than one entry."""
    duplicated = (
        sa.select(sa.column("prev_hash"))
        .select_from(sa.table("audit_entry"))
        .group_by(sa.column("prev_hash"))
        .having(sa.func.count() > 1)
        .subquery()
    )
    return int(op.get_bind().scalar(sa.select(sa.func.count()).select_from(duplicated)) or 0)


def upgrade() -> None:
    forks = _forks()
    if forks:
        raise RuntimeError(
            f"the audit log forks at {forks} entr{'y' if forks == 1 else 'ies'} (several entries share a"
            " prev_hash): UNIQUE(audit_entry.prev_hash) cannot be added. Nothing was changed; run"
            " 'flask --app ciateh audit verify' and resolve the fork first."
        )
    # batch mode: SQLite adds a constraint by rebuilding the table (indexes and data kept)
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f(CONSTRAINT), ["prev_hash"])


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="unique")
