"""The purges' clock: when the worker's purges past a retention period last ran, believing the
server's clock (one row, ``purge_clock``).

Found (regression review): with the server's clock 100 days fast, a worker refused to purge only
until it was restarted (a deploy, a reboot): it had noted, meanwhile, that it ran, at the wrong
time, and the next worker believed the clock and deleted every request. The time the purges last
ran is kept apart, and moved on only by a purge that believed the clock, so a clock far past it is
doubted until someone says it is right (``flask outbox trust-clock``).

Downgrading drops the table: the older code does not doubt the clock this way.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "purge_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trusted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_clock")),
    )


def downgrade():
    op.drop_table("purge_clock")
