"""The questions to prepare as PDFs: when a worker running their rules last wanted them, ``questions_pdfs.wanted_at``.

Each outbox worker deleted every row made for other rules than its own. During a rolling deploy,
workers on the old rules and the new run side by side, so each deleted the other's PDFs, and
remade its own at every pass: renders wasted, and pages saying "being made" all the while. Now a
worker notes, at most once an hour, that it still wants its rules' rows (``wanted_at``), and
deletes another version's rows only once no worker has wanted them for a day.

Rows already stored have no ``wanted_at``: their ``created_at`` stands in. Downgrading drops the
column (a worker of the code before deletes other versions' rows at once again).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions_pdfs") as batch:
        batch.add_column(sa.Column("wanted_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("questions_pdfs") as batch:
        batch.drop_column("wanted_at")
