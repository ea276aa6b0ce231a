"""A request's status may be "waiting" (for the practitioner: asked for more before a session can
be offered), which is never overdue.

Found (facilitators' review): a request waiting on the practitioner's answer sat in triage and
turned overdue, with nothing to say why.

Downgrading moves waiting requests back to "in_triage" (where they waited before) and takes the
status out of the check; it deletes the emails telling a practitioner where to go instead, or that
their request was reopened, that have not been sent (the older worker knows no such email), saying
which requests' went, there and in each one's audit trail.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

import datetime as dt

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
    # An email telling a practitioner where to go instead (new with this version), or that their
    # redirected request was reopened (7 December 2026), not sent yet: the older worker knows no such
    # email, and would try it for ever (found, regression review). (Not one given up on: the request's
    # page says it was not sent, and the older worker leaves it.)
    kinds = ("redirected", "reopened")
    outbox = sa.table(
        "outbox",
        sa.column("request_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("sent_at", sa.DateTime),
        sa.column("given_up_at", sa.DateTime),
    )
    unsent = sa.and_(outbox.c.kind.in_(kinds), outbox.c.sent_at.is_(None), outbox.c.given_up_at.is_(None))
    # Said, with each request's reference, and in each request's audit trail: found (upgrade review),
    # they went without a word, the trail still saying "it will be tried again", and the
    # practitioner was never told where to go.
    requests_table = sa.table("requests", sa.column("id", sa.Integer), sa.column("reference", sa.String))
    # Which email, for each (found, regression review: named by request alone, whoever went back could
    # not tell whether to send the route or that the request was reopened).
    what = {"redirected": "where to go instead", "reopened": "that it was reopened"}
    found = sorted(
        {
            (row[0], row[1])
            for row in op.get_bind().execute(
                sa.select(requests_table.c.reference, outbox.c.kind)
                .join(outbox, outbox.c.request_id == requests_table.c.id)
                .where(unsent)
            )
        }
    )
    if found:
        emails = "email" if len(found) == 1 else "emails"
        print(
            f"Going back before migration 0025 deletes {len(found)} unsent {emails} telling practitioners where "
            "to go instead of a Space to Think session, or that their request was reopened. The earlier version "
            "cannot send them. Tell the practitioners of these requests yourself: "
            + ", ".join(f"{reference} ({what[kind]})" for reference, kind in found)
        )
        audit = sa.table(
            "audit_events",
            sa.column("at", sa.DateTime),
            sa.column("actor", sa.String),
            sa.column("action", sa.String),
            sa.column("reference", sa.String),
            sa.column("detail", sa.String),
        )
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        op.bulk_insert(
            audit,
            [
                {
                    "at": now,
                    "actor": "system",
                    "action": "email_not_sent",
                    "reference": reference,
                    "detail": (
                        f"The email telling the practitioner {what[kind]} will not be sent: the service went back to "
                        "an earlier version, which cannot send it. Tell the practitioner yourself."
                    ),
                }
                for reference, kind in found
            ],
        )
    op.execute(outbox.delete().where(unsent))
    with op.batch_alter_table("requests", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_requests_status"), _in(BEFORE))
