"""Feedback links given up on keep no text: ``outbox.body`` emptied for "feedback" messages the
worker has given up on (``given_up_at`` set: the mail server refused the address for good).

The worker now drops a feedback link's text, with its single-use token, when it gives up on it,
as it always did once one was sent; this does the same for those given up on before. Nothing
else of the row changes: its kind, address, subject, attempts and error still say what failed.

Downgrading changes nothing: the text is gone, and the older code never sends a message it has
given up on.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    outbox = sa.table(
        "outbox", sa.column("kind", sa.String), sa.column("given_up_at", sa.DateTime), sa.column("body", sa.Text)
    )
    op.get_bind().execute(
        sa.update(outbox)
        .where(outbox.c.kind == "feedback", outbox.c.given_up_at.is_not(None), outbox.c.body.is_not(None))
        .values(body=None)
    )


def downgrade():
    pass
