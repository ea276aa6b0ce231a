"""A request imported unchecked waits for a second person's check of its work email:
``requests.email_check_pending``.

Found (b157 review): a facilitator could import a PDF the service could not check it made, with
any address as the work email, and have the service email that address their own text (a session
invitation, its change, its cancellation), and count a request sent, a session held and a
feedback score. While this is true nothing is emailed to the request's work email, and nothing
about it is counted, until a facilitator other than the one who imported it (or an operator,
``flask requests confirm-email``) confirms that the work email is the practitioner's.

Requests already imported unchecked (their trail says so, whatever copy was uploaded since) wait
for the check too, unless their work email was confirmed already (a
``work_email_confirmed`` entry: this migration run before, then undone and run again). They were
counted as a request sent when they were imported, so confirming them does not count them again:
``requests.count_when_confirmed`` (true for every other request) is false for them (found, review
of that check: it counted them twice, and once more after each downgrade and upgrade).

Downgrading drops the column: the older code never waits.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

# As app.inbox.service.UNCHECKED_IMPORT was written at 0029. (Not excused by a copy uploaded since that the
# service could tell it made: before 0030 the service signed its own PDF of an unchecked import, so its importer
# alone could have uploaded that; found, regression review.)
UNCHECKED_IMPORT = "%the service could not check that it made this PDF%"
# As app.inbox.service.EMAIL_CONFIRMED.
CONFIRMED = "work_email_confirmed"


# (SQLite: the table made again keeps its numbers never given again, migration 0022.)
def upgrade():
    with op.batch_alter_table("requests", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("email_check_pending", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("count_when_confirmed", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute(
        sa.text(
            "UPDATE requests SET email_check_pending = :yes, count_when_confirmed = :no WHERE reference IN "
            "(SELECT reference FROM audit_events WHERE action = 'imported' AND detail LIKE :unchecked) "
            "AND reference NOT IN (SELECT reference FROM audit_events WHERE action = :confirmed "
            "AND reference IS NOT NULL)"
        ).bindparams(yes=True, no=False, unchecked=UNCHECKED_IMPORT, confirmed=CONFIRMED)
    )


def downgrade():
    with op.batch_alter_table("requests", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("count_when_confirmed")
        batch_op.drop_column("email_check_pending")
