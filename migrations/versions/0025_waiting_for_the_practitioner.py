"""A request's status may be "waiting" (for the practitioner: asked for more before a session can
be offered), which is never overdue.

Found (facilitators' review): a request waiting on the practitioner's answer sat in triage and
turned overdue, with nothing to say why.

Downgrading moves waiting requests back to "in_triage" (where they waited before) and takes the
status out of the check; it deletes the emails telling a practitioner where to go instead that have
not been sent (the older worker knows no such email).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

BEFORE = (
    "new",
    "in_triage",
    "session_offered",
    "session_arranged",
    "session_held",
    "closed",
    "redirected",
    "duplicate",
)
AFTER = ("new", "in_triage", "waiting", *BEFORE[2:])


def _in(values):
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table("requests", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_requests_status"), _in(AFTER))


def downgrade():
    requests = sa.table("requests", sa.column("status", sa.String))
    op.execute(requests.update().where(requests.c.status == "waiting").values(status="in_triage"))
    # An email telling a practitioner where to go instead (new with this version) not sent yet: the
    # older worker knows no such email, and would try it for ever (found, regression review).
    outbox = sa.table(
        "outbox", sa.column("kind", sa.String), sa.column("sent_at", sa.DateTime), sa.column("given_up_at", sa.DateTime)
    )
    # (Not one given up on: the request's page says it was not sent, and the older worker leaves it.)
    op.execute(
        outbox.delete().where(outbox.c.kind == "redirected", outbox.c.sent_at.is_(None), outbox.c.given_up_at.is_(None))
    )
    with op.batch_alter_table("requests", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_requests_status"), _in(BEFORE))
