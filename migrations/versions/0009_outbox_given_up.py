"""An email the mail server refused for good: ``outbox.given_up_at``.

When the mail server refuses the address an email is for (a permanent refusal, such as "550
no such mailbox"), trying again cannot help: the worker records when it gave up, stops
trying, and the inbox says so. Empty: not given up.

Email addresses are taken out of the mail errors already recorded: the outbox's
``last_error`` and the audit log's "email_failed" details quoted the mail server's refusal,
which names the address, and the audit log is kept after a request is deleted. (The worker now
records the error without them: ``app.mail.describe_error``.)

Downgrading drops the column; an email given up on is then tried again by the older worker.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from app.mail import without_addresses

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("given_up_at", sa.DateTime(), nullable=True))
    connection = op.get_bind()
    for table, column, where in (
        ("outbox", "last_error", "last_error LIKE '%@%'"),
        ("audit_events", "detail", "action = 'email_failed' AND detail LIKE '%@%'"),
    ):
        # The table, column and condition are this migration's own constants, never input.
        rows = connection.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {where}")).all()  # noqa: S608
        for row_id, text in rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :text WHERE id = :id"),  # noqa: S608
                {"text": without_addresses(text), "id": row_id},
            )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("given_up_at")
