"""An email the mail server refused for good: ``outbox.given_up_at``.

When the mail server refuses the address an email is for (a permanent refusal, such as "550
no such mailbox"), trying again cannot help: the worker records when it gave up, stops
trying, and the inbox says so. Empty: not given up.

Downgrading drops the column; an email given up on is then tried again by the older worker.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("given_up_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("given_up_at")
