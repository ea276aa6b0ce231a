"""The counts each quarter's first reading hid, kept so that every later reading hides them too.

Found (privacy review of the statistics): the cells suppression hides depend on the rule pack the
statistics are read with, so a change to the rules after a quarter was over could show, in a
later reading of that quarter, a number an earlier reading hid; read side by side, the two gave
hidden numbers away (in 97 of 300 random quarters, when "None of these" was changed to lead on to
the questions after the criteria). The first reading's hidden cells are stored and hidden again
at every later reading (``app.stats.models.HiddenCounts``).

Downgrading drops the table: the older code reads each quarter with the rules in use.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hidden_counts",
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("first_read_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("quarter", name=op.f("pk_hidden_counts")),
    )


def downgrade():
    op.drop_table("hidden_counts")
