"""When the worker stopped holding the facilitators' email for a request's PDF: ``requests.pdf_failed_at``.

The facilitators' email used to wait for the request's PDF, so a request whose PDF could never be
made (a document that makes the renderer hang or fail every time) was never announced: it sat in
the inbox, tried again every hour for ever. Now, once the PDF has failed
``app.outbox.PDF_TRIES_BEFORE_EMAIL`` times, this is set, the facilitators' email goes without
the PDF (saying so), and the PDF is tried again once a day. Empty: the email still waits for it.

Requests already without a PDF after that many tries get the time of this upgrade, so the
first pass of the worker after it announces them.

Downgrading drops the column: the older code holds the facilitators' email for the PDF again
(an email already sent without it stays sent).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# app.outbox.PDF_TRIES_BEFORE_EMAIL when this was written (a migration does not import the app).
TRIES_BEFORE_EMAIL = 3


def upgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf_failed_at", sa.DateTime(), nullable=True))
    requests = sa.table(
        "requests",
        sa.column("pdf_made_at", sa.DateTime),
        sa.column("pdf_attempts", sa.Integer),
        sa.column("pdf_failed_at", sa.DateTime),
    )
    op.get_bind().execute(
        sa.update(requests)
        .where(requests.c.pdf_made_at.is_(None), requests.c.pdf_attempts >= TRIES_BEFORE_EMAIL)
        .values(pdf_failed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    )


def downgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("pdf_failed_at")
