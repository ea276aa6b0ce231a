"""The facilitators' inbox: facilitator accounts, request assignments and triage notes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "facilitators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitators")),
        sa.UniqueConstraint("email", name=op.f("uq_facilitators_email")),
    )

    op.create_table(
        "request_assignments",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["facilitators.id"], name=op.f("fk_request_assignments_facilitator_id_facilitators")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_request_assignments_request_id_requests"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_assignments")),
    )
    with op.batch_alter_table("request_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_assignments_facilitator_id"), ["facilitator_id"], unique=False)

    op.create_table(
        "triage_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["facilitators.id"], name=op.f("fk_triage_notes_author_id_facilitators")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_triage_notes_request_id_requests"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_notes")),
    )
    with op.batch_alter_table("triage_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_notes_request_id"), ["request_id"], unique=False)


def downgrade():
    with op.batch_alter_table("triage_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_notes_request_id"))
    op.drop_table("triage_notes")

    with op.batch_alter_table("request_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_assignments_facilitator_id"))
    op.drop_table("request_assignments")

    op.drop_table("facilitators")
