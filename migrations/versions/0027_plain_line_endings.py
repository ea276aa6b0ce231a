"""Line endings made plain in the free text typed into the inbox and the feedback form: a session's
joining instructions or place, a triage note, a redirect's reason and a feedback comment.

Found (regression review): a browser sends each line break typed in a text area as CR LF, and these
were stored so, where the journey's own fields made them plain. Forms now make them plain as they
arrive (``app.input_guard``), so a session saved before, then saved again with nothing changed, had
"changed" joining instructions: the practitioner was emailed an update saying the place had
changed, above the same place. Stored text is made plain here, as it is now typed.

Downgrading leaves the text as it is: the older code reads plain line endings as well.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# (table, its id's type, column): each free-text column the inbox's and feedback's forms write.
TYPED = (
    ("space_sessions", sa.Integer(), "place"),
    ("triage_notes", sa.Integer(), "text"),
    ("requests", sa.Integer(), "redirect_reason"),
    ("feedback_comments", sa.String(32), "text"),
)


def upgrade():
    bind = op.get_bind()
    for table_name, id_type, column_name in TYPED:
        table = sa.table(table_name, sa.column("id", id_type), sa.column(column_name, sa.Text()))
        column = table.c[column_name]
        rows = bind.execute(sa.select(table.c.id, column).where(column.contains("\r"))).all()
        for row_id, text in rows:
            plain = text.replace("\r\n", "\n").replace("\r", "\n")
            bind.execute(sa.update(table).where(table.c.id == row_id).values({column_name: plain}))


def downgrade():
    pass
