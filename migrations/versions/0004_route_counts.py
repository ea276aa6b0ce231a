"""Anonymous route counts: outcome reached, criterion chosen, mode and month.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "route_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("outcome_id", sa.String(length=40), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_counts")),
        sa.UniqueConstraint(
            "month", "mode", "outcome_id", "criterion", name=op.f("uq_route_counts_month_mode_outcome_id_criterion")
        ),
    )


def downgrade():
    op.drop_table("route_counts")
