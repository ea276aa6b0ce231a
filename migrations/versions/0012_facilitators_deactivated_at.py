"""When an inbox account was deactivated, and when its personal data was removed:
``facilitators.deactivated_at`` and ``facilitators.anonymised_at``.

An account deactivated for longer than ``AUDIT_RETENTION_DAYS`` has its name, email address
and password removed by the outbox worker's hourly purge (and ``flask requests purge``): by
then the audit log holds nothing the account did while it could sign in. The row stays, as
"Former facilitator <id>", so the audit log's ``facilitator:<id>`` never comes to name another
account. Empty ``deactivated_at``: the account is active (reactivating empties it again).

Accounts deactivated already get the time of their last "facilitator_deactivated" audit entry,
or, where the log has none, the time of this upgrade (so they are kept that long from now).

Downgrading drops both columns: the older code keeps deactivated accounts for ever, and an
account whose personal data was removed stays as it is (it cannot sign in).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facilitators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
    facilitators = sa.table(
        "facilitators",
        sa.column("id", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("deactivated_at", sa.DateTime),
    )
    audit_events = sa.table(
        "audit_events", sa.column("at", sa.DateTime), sa.column("action", sa.String), sa.column("detail", sa.String)
    )
    connection = op.get_bind()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for (account_id,) in connection.execute(sa.select(facilitators.c.id).where(sa.not_(facilitators.c.active))).all():
        deactivated_at = connection.scalar(
            sa.select(sa.func.max(audit_events.c.at)).where(
                audit_events.c.action == "facilitator_deactivated",
                audit_events.c.detail == f"facilitator:{account_id}",
            )
        )
        if isinstance(deactivated_at, str):  # SQLite may hand back its text
            deactivated_at = dt.datetime.fromisoformat(deactivated_at)
        connection.execute(
            sa.update(facilitators).where(facilitators.c.id == account_id).values(deactivated_at=deactivated_at or now)
        )


def downgrade():
    with op.batch_alter_table("facilitators", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("deactivated_at")
