"""Request, email and questions' PDF numbers never given again on SQLite: ``requests``,
``outbox`` and ``questions_pdfs`` with AUTOINCREMENT, as ``space_sessions`` has (0020).

SQLite gives a new row the highest number in the table plus one, so once the newest row was
deleted the next row took its number, and the outbox worker, which holds no lock there while it
sends an email or renders a PDF, wrote what it had done onto the row that took the number. Found
(regression review): a session cancelled while its invitation was being sent deleted the
invitation (it counts as sent there), the cancellation queued next took its number, and the
worker marked that cancellation sent (it never went) or gave it the invitation's failure. A
request deleted (``flask requests delete``) while its PDF was being made could have its PDF
stored on the next request received. With AUTOINCREMENT SQLite never gives a number again
(``sqlite_sequence`` keeps the highest ever given), so what the worker writes for a row deleted
meanwhile finds no row (which it says, and goes on). The tables are made again (Alembic's batch
mode: copied, then renamed), their rows and numbers as they are. PostgreSQL's sequences never
give a number again: nothing changes there.

Downgrading makes the tables again without AUTOINCREMENT (their rows as they are).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

TABLES = ("requests", "outbox", "questions_pdfs")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
