"""Index sessions by creation time: the history lists and the repeat check read them newest first.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the index."""
    op.create_index("ix_sessions_created_at", "sessions", ["created_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_sessions_created_at", "sessions")
