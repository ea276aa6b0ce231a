"""When the try at a request's PDF now under way began: ``requests.pdf_render_began_at``.

The worker commits a try before rendering (so a renderer that takes the worker down leaves the
request to wait its turn), which ends the row's lock; until then only the wait it set kept other
workers off. `flask outbox send` ignores the waits, so it took a request whose PDF a worker was
still making: it rendered it a second time beside the worker and, on the third try, recorded that
the worker had stopped while making it, and sent the facilitators' email without the PDF. Now the
try's start is recorded, and no one takes the request until that try can have ended.

Empty for every request at the upgrade. The worker still running the older code until its restart
does not set it, so until then a PDF being made can be taken by `flask outbox send` as before.

Downgrading drops the column: the older code's `flask outbox send` can take a PDF being made again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf_render_began_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("pdf_render_began_at")
