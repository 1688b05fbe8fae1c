"""Practice attempts (a question answered again, a critique drill), practice plans, and the time an answer took.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the attempts and plans tables and the turns' seconds."""
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("backend", sa.String(64), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("seconds", sa.Float),
        sa.Column("result", sa.JSON, nullable=False),
    )
    op.create_index("ix_attempts_item", "attempts", ["kind", "item_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("seconds", sa.Float))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("seconds")
    op.drop_table("plans")
    op.drop_index("ix_attempts_item", "attempts")
    op.drop_table("attempts")
