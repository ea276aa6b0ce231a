"""Sessions: a session for one request or a group, the requests in it, feedback after it.

- ``space_sessions``: date and time (UTC), length, format, joining instructions or place, the
  calendar UID and SEQUENCE, and when it was cancelled.
- ``session_places``: which session a request is in (at most one), and the SEQUENCE its
  practitioner was last invited to; goes with the request (``ON DELETE CASCADE``).
- ``feedback_tokens``: the hash of each single-use feedback link, with its request (only so a
  purge removes it) and when it expires.
- ``feedback_comments``: what someone wrote in their feedback, with the month only (and a
  random id, so the order they came in cannot be read from the ids).
- ``outbox.body``, ``outbox.calendar``: a session email's text and calendar file, made when it
  was queued; ``outbox.dedupe_key``: unique, so a reminder is never queued twice.

Downgrading drops them (and the session emails not yet sent, which the older worker could not send).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "space_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=80), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_sessions")),
        sa.UniqueConstraint("uid", name=op.f("uq_space_sessions_uid")),
    )
    with op.batch_alter_table("space_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_space_sessions_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "session_places",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("invited_sequence", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_session_places_request_id_requests"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["space_sessions.id"],
            name=op.f("fk_session_places_session_id_space_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_session_places")),
    )
    with op.batch_alter_table("session_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_places_session_id"), ["session_id"], unique=False)

    op.create_table(
        "feedback_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_feedback_tokens_request_id_requests"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_feedback_tokens")),
    )
    with op.batch_alter_table("feedback_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_tokens_request_id"), ["request_id"], unique=False)

    op.create_table(
        "feedback_comments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_comments")),
    )
    with op.batch_alter_table("feedback_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_comments_month"), ["month"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("calendar", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_dedupe_key"), ["dedupe_key"])


def downgrade():
    op.execute("DELETE FROM outbox WHERE kind IN ('invitation', 'cancellation', 'reminder', 'feedback')")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_outbox_dedupe_key"), type_="unique")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("calendar")
        batch_op.drop_column("body")
    op.drop_table("feedback_comments")
    op.drop_table("feedback_tokens")
    op.drop_table("session_places")
    op.drop_table("space_sessions")
