"""The supervision records waiting for the outbox worker, or made: ``supervision_records``.

The supervision record's PDF was rendered inside the web request. Now the page stores the
record's HTML (the rule pack's wording for the journey's answers: no case details) under a
random key held only in the journey session, and the outbox worker makes the PDF. A row lives
no longer than the journey session's idle limit (the worker's purge deletes it).

Downgrading drops the table: records being made are lost (the person asks again).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supervision_records",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("made_at", sa.DateTime(), nullable=True),
        sa.Column("render_began_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_records_expires_at"), ["expires_at"], unique=False)


def downgrade():
    op.drop_table("supervision_records")
