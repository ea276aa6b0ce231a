"""The outbox: how many times the mail server refused an email itself, ``outbox.refusals``.

An email to the person who asked is given up once the mail server has refused the email itself
(``mail.message_refused``) ``mail.MESSAGE_REFUSED_TRIES`` times. It went by ``attempts``, which
counts every failure: tried twice while the mail server was down, an email was given up at its
first refusal, and the inbox said it was refused "3 times". Now refusals are counted apart.

Rows already stored start at 0 (the refusals before cannot be told from other failures): such an
email is given up after that many refusals from now on. Downgrading drops the column.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("refusals", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("refusals")
