"""portal_user.session_epoch: sessions that can be ended (sign-out, password or second-factor change)

Portal sessions are signed cookies. The session's user id now carries the account's epoch
(``ID:EPOCH``); raising the epoch makes every earlier session, a copied cookie included, fail at its
next request. Existing accounts start at 0; sessions signed in before this migration (plain ``ID``)
are no longer accepted, so everyone signs in again once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 11:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("portal_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("portal_user", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
