"""An inbox account whose password someone else chose: ``facilitators.must_change_password``.

Found (b149 review): ``flask facilitators add`` and ``reset-password`` have whoever runs them type
the facilitator's password, and nothing made the facilitator change it, so the person who chose
it (and anyone it was passed to) could go on signing in as them. Set by those two commands, it
sends every inbox page to "Change your password" first; changing it there clears it.

Existing accounts are not made to change theirs (the server default is false): they have
signed in with it already, and many will have changed it.

Downgrading drops the column: the older code never asks.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facilitators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("facilitators", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
