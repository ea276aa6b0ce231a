"""The questions to prepare as PDFs, made by the outbox worker: ``questions_pdfs``.

The questions-to-prepare PDF was rendered inside a web request (the first in each process for
each rules version and mode) and kept in that process's memory. Now the outbox worker makes one
for each mode the page offers, for the rule pack and partnership file it has loaded, and stores
it here; the page serves the stored one. Rows for other versions are deleted by the worker.

Downgrading drops the table: the worker makes them again after an upgrade.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "questions_pdfs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_version", sa.String(length=200), nullable=False),
        sa.Column("partnership_version", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("made_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("render_began_at", sa.DateTime(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pack_version", "partnership_version", "mode"),
    )


def downgrade():
    op.drop_table("questions_pdfs")
