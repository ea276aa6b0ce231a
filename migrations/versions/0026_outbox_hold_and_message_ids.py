"""The outbox held after a restore from a backup (one row, ``outbox_hold``), and each email's
Message-ID stored with it (``outbox.message_id``).

Found (restore review): following the README's restore, the first pass of the worker sent "your
session is tomorrow" to a practitioner whose session had been cancelled, and whose request erased,
after the backup; and restored under another ``SECRET_KEY``, every email waiting in the backup had a
Message-ID (made at each attempt under the key) found nowhere in the mail server's log, so the
emails that had gone after the backup went again. ``scripts/backup --restore`` now holds the
outbox until `flask outbox release`, and a Message-ID is made when an email is queued and kept.

``scripts/backup --restore`` makes the table itself when the backup restored is older than this
migration (``CREATE TABLE IF NOT EXISTS``, the same table), so the hold is in place before this
runs; here it is made only if it is not there. Emails queued before the upgrade keep no stored
Message-ID (empty): they keep the keyed one, as before.

Downgrading drops both: the older code holds nothing (a hold in place is said, and ends: run the
older code's worker only once the checks after a restore are done) and makes each Message-ID
under the key again, so an email not yet sent gets another Message-ID (which matters only if it
is sent twice, across the downgrade).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    if "outbox_hold" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            "outbox_hold",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("held_at", sa.DateTime(), nullable=False),
            sa.Column("backup_taken_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_hold")),
        )
    with op.batch_alter_table("outbox", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=200), nullable=True))


def downgrade():
    if op.get_bind().execute(sa.text("SELECT count(*) FROM outbox_hold")).scalar():
        print(
            "Going back before migration 0026 ends the outbox's hold after a restore from a backup: the earlier "
            "version sends every email waiting, and queues the reminders due, as soon as its worker runs. Start "
            'its worker only once the checks after the restore are done (README, "Restore").'
        )
    with op.batch_alter_table("outbox", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("message_id")
    op.drop_table("outbox_hold")
