"""Session numbers never given again on SQLite: ``space_sessions`` with AUTOINCREMENT.

SQLite gives a new row the highest number in the table plus one, so once the purge had removed
the newest session (cancelled, no request left in it), the next session arranged got its
number: a page still open on the removed session (its cancel page, its change form) then acted
on the new one. With AUTOINCREMENT SQLite never gives a number again (``sqlite_sequence`` keeps
the highest ever given). The table is made again (Alembic's batch mode: copied, then renamed),
its rows and numbers as they are; the highest number the audit trail names ("new session 12")
is kept too, so a session purged before this change is not given again either. PostgreSQL's
sequences never give a number again: nothing changes there.

Downgrading makes the table again without AUTOINCREMENT (its rows as they are).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# A session named in an audit event's detail (app.inbox.service.SESSION_NAMED).
SESSION_NAMED = re.compile(r"\bsession (\d{1,9})\b")


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    with op.batch_alter_table("space_sessions", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    named = connection.execute(sa.text("SELECT detail FROM audit_events WHERE detail LIKE '%session %'")).scalars()
    highest = max((int(found) for detail in named for found in SESSION_NAMED.findall(detail or "")), default=0)
    given = connection.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'space_sessions'")).scalar()
    if given is None:
        connection.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('space_sessions', :seq)"), {"seq": highest}
        )
    elif highest > given:
        connection.execute(
            sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'space_sessions'"), {"seq": highest}
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("space_sessions", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
