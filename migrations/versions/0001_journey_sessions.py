"""Journey sessions: server-side session data, keyed by a random id held in the cookie.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "journey_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_sessions")),
    )
    with op.batch_alter_table("journey_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journey_sessions_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("journey_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journey_sessions_expires_at"))
    op.drop_table("journey_sessions")
