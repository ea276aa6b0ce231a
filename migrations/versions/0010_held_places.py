"""A held session's history: ``held_places``.

A request whose session was held, then closed and reopened, stayed in that session, so no new
session could be arranged for it. Reopening now moves its place into ``held_places`` (the
request, the session, when it joined and when it was reopened), and the held session's page
still lists it. A request is in at most one session at a time, as before (``session_places``).

Requests reopened before this change are still in their held session: their places (a request
no longer "session arranged", "session held" or "closed" is in a session only this way) are
moved to ``held_places`` now.

Downgrading drops the table: the held sessions' pages no longer list the requests reopened since.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "held_places",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_held_places_request_id_requests"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["space_sessions.id"],
            name=op.f("fk_held_places_session_id_space_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "session_id", name=op.f("pk_held_places")),
    )
    with op.batch_alter_table("held_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_places_session_id"), ["session_id"], unique=False)

    # A place left behind by reopening a request after its session was held: its request is in
    # none of the statuses in which a request may be in a session (app.workflow).
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "INSERT INTO held_places (request_id, session_id, added_at, left_at) "
            "SELECT request_id, session_id, added_at, :now FROM session_places WHERE request_id IN "
            "(SELECT id FROM requests WHERE status NOT IN ('session_arranged', 'session_held', 'closed'))"
        ),
        {"now": dt.datetime.now(dt.UTC).replace(tzinfo=None)},  # UTC without tzinfo, as every time is stored
    )
    connection.execute(
        sa.text(
            "DELETE FROM session_places WHERE request_id IN "
            "(SELECT id FROM requests WHERE status NOT IN ('session_arranged', 'session_held', 'closed'))"
        )
    )


def downgrade():
    with op.batch_alter_table("held_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_places_session_id"))
    op.drop_table("held_places")
