"""Emails that are no use late: ``outbox.send_before``.

A session's invitation is sent only before the session starts, and its reminder ("your session
is tomorrow") only before the session's day begins (UK time). A worker that reaches one later
(the mail server down for hours, the worker stopped) gives it up rather than send it late, and
the request page says so. Empty: no deadline (the request, the acknowledgement, a cancellation,
the feedback link).

Invitations and reminders still waiting to be sent get their deadline now, from the session
their request is in.

Downgrading drops the column; the older worker then sends late invitations and reminders.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UK = ZoneInfo("Europe/London")


def _start_of_uk_day(moment: dt.datetime) -> dt.datetime:
    """The start (UTC, no tzinfo, as stored) of the UK day that a stored UTC time falls on."""
    day = moment.replace(tzinfo=dt.UTC).astimezone(UK).date()
    return dt.datetime.combine(day, dt.time(), tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_before", sa.DateTime(), nullable=True))
    connection = op.get_bind()
    waiting = connection.execute(
        sa.text(
            "SELECT outbox.id, outbox.kind, space_sessions.starts_at FROM outbox "
            "JOIN session_places ON session_places.request_id = outbox.request_id "
            "JOIN space_sessions ON space_sessions.id = session_places.session_id "
            "WHERE outbox.kind IN ('invitation', 'reminder') "
            "AND outbox.sent_at IS NULL AND outbox.given_up_at IS NULL"
        )
    ).all()
    for message_id, kind, starts_at in waiting:
        if isinstance(starts_at, str):  # SQLite hands back its text
            starts_at = dt.datetime.fromisoformat(starts_at)
        send_before = starts_at if kind == "invitation" else _start_of_uk_day(starts_at)
        connection.execute(
            sa.text("UPDATE outbox SET send_before = :send_before WHERE id = :id"),
            {"send_before": send_before, "id": message_id},
        )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("send_before")
