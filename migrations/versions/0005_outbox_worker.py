"""The outbox worker: a request's PDF is made after it is stored, and emails are retried with backoff.

``requests.pdf`` may now be empty until the worker renders it; ``pdf_made_at``,
``pdf_attempts``, ``pdf_error`` and ``pdf_next_attempt_at`` say where that stands.
``outbox.next_attempt_at`` is when a worker may next try an unsent email (empty: now).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.add_column(sa.Column("pdf_made_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("pdf_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("pdf_error", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("pdf_next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_requests_pdf_made_at"), ["pdf_made_at"], unique=False)
    # Every request stored so far had its PDF made when it was submitted or imported.
    op.execute("UPDATE requests SET pdf_made_at = created_at WHERE pdf IS NOT NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_next_attempt_at"), ["next_attempt_at"], unique=False)


def downgrade():
    # A request without its PDF cannot go back to a schema that requires one; nothing is deleted to make it fit.
    waiting = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM requests WHERE pdf IS NULL")).scalar()
    if waiting:
        raise RuntimeError(
            f"{waiting} request(s) have no PDF yet: run `flask outbox worker --once` "
            "until every PDF is made, then downgrade"
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_next_attempt_at"))
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_pdf_made_at"))
        batch_op.drop_column("pdf_next_attempt_at")
        batch_op.drop_column("pdf_error")
        batch_op.drop_column("pdf_attempts")
        batch_op.drop_column("pdf_made_at")
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
