"""Who owns each session, attempt and plan: the signed-in user, or nobody when sign-in is off.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("sessions", "attempts", "plans")


def upgrade() -> None:
    """Add an owner column, indexed, to each table a user's history is read from."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner", sa.String(320)))
        op.create_index(f"ix_{table}_owner", table, ["owner"])


def downgrade() -> None:
    """Drop them."""
    for table in TABLES:
        op.drop_index(f"ix_{table}_owner", table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("owner")
