"""The facilitators' workflow: new statuses, due dates, redirected and duplicate requests,
and the acknowledgement email.

- ``requests.status`` takes the statuses of ``app.workflow`` (new, in triage, session
  offered, session arranged, session held, closed, redirected, duplicate); a request that
  was "arranged" becomes "session arranged", the others keep their status.
- ``requests.how_soon``, ``due_on`` and ``flag_ids`` are copied from each request's details
  and flags (the list filters and sorts on them); the due date follows ``app.workflow``'s rule.
- ``requests.redirected_to``, ``redirect_reason`` and ``duplicate_of`` go with the statuses
  "redirected" and "duplicate".
- ``outbox.kind`` says which email a message is: "facilitators" (every message so far) or
  "acknowledgement".

Downgrading maps the statuses back (offered → in triage, arranged and held → arranged,
redirected and duplicate → closed) and drops the new columns.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from app.workflow import OLD_STATUSES, due_date

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD = ("new", "in_triage", "arranged", "closed")
# The statuses as this migration made them (migration 0025 added "waiting").
STATUSES = (
    "new",
    "in_triage",
    "session_offered",
    "session_arranged",
    "session_held",
    "closed",
    "redirected",
    "duplicate",
)
BACK = {
    "new": "new",
    "in_triage": "in_triage",
    "session_offered": "in_triage",
    "session_arranged": "arranged",
    "session_held": "arranged",
    "closed": "closed",
    "redirected": "closed",
    "duplicate": "closed",
}
UK_TIME = ZoneInfo("Europe/London")


def _in(values):
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _json(value):
    """A JSON column's value as Python data (SQLite gives text; PostgreSQL may give it parsed)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _received(created_at):
    """The UK date a request was received on (its created_at is UTC)."""
    try:
        return created_at.replace(tzinfo=dt.UTC).astimezone(UK_TIME).date()
    except (OverflowError, ValueError):
        return created_at.date()


def upgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_status"), type_="check")
        batch_op.add_column(sa.Column("how_soon", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("flag_ids", sa.String(length=400), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("redirected_to", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("redirect_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_requests_due_on"), ["due_on"], unique=False)
    bind = op.get_bind()
    for old, new in OLD_STATUSES.items():
        if old != new:
            bind.execute(sa.text("UPDATE requests SET status = :new WHERE status = :old"), {"old": old, "new": new})
    rows = bind.execute(sa.text("SELECT id, created_at, details, flags FROM requests")).all()
    for row in rows:
        details = _json(row.details)
        flags = _json(row.flags)
        how_soon = details.get("how_soon") if isinstance(details, dict) else None
        how_soon = how_soon if isinstance(how_soon, str) and len(how_soon) <= 20 else None
        created_at = row.created_at
        if isinstance(created_at, str):  # SQLite without type information
            created_at = dt.datetime.fromisoformat(created_at)
        ids = [flag.get("id") for flag in flags if isinstance(flag, dict)] if isinstance(flags, list) else []
        flag_ids = "," + ",".join(i for i in ids if isinstance(i, str)) + "," if ids else ""
        bind.execute(
            sa.text("UPDATE requests SET how_soon = :how_soon, due_on = :due_on, flag_ids = :flag_ids WHERE id = :id"),
            {
                "id": row.id,
                "how_soon": how_soon,
                "due_on": due_date(_received(created_at), how_soon),
                "flag_ids": flag_ids[:400],
            },
        )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_requests_status"), _in(STATUSES))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="facilitators"))


def downgrade():
    # Without its kind an acknowledgement would look like the facilitators' email (and be sent
    # with the request's PDF to the person who asked): acknowledgements go.
    op.execute("DELETE FROM outbox WHERE kind = 'acknowledgement'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_status"), type_="check")
    bind = op.get_bind()
    for new, old in BACK.items():
        if new != old:
            bind.execute(sa.text("UPDATE requests SET status = :old WHERE status = :new"), {"old": old, "new": new})
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_due_on"))
        batch_op.drop_column("duplicate_of")
        batch_op.drop_column("redirect_reason")
        batch_op.drop_column("redirected_to")
        batch_op.drop_column("flag_ids")
        batch_op.drop_column("due_on")
        batch_op.drop_column("how_soon")
        batch_op.create_check_constraint(op.f("ck_requests_status"), _in(OLD))
