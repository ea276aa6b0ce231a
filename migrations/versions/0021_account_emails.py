"""Emails about an inbox account, not a request: ``outbox.request_id`` may be empty, and
``outbox.facilitator_id`` names the account.

A facilitator is emailed when their password is changed (on the inbox's "Change your password"
page, or by ``flask facilitators reset-password``), through the outbox like every other email, so
the mail server is never waited on inside a web request. Such an email belongs to no request: its
``request_id`` is empty and ``facilitator_id`` is the account's (deleted with it, as a request's
emails are with the request). Every email stored before is a request's, as it was.

Downgrading deletes the account emails (the old outbox had nowhere to keep them: one not yet
sent is not sent), then makes ``request_id`` required again and drops ``facilitator_id``.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("facilitator_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_facilitator_id_facilitators"),
            "facilitators",
            ["facilitator_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_outbox_facilitator_id"), ["facilitator_id"], unique=False)


def downgrade():
    # Found (upgrade review): an account's email not yet sent went without a word. Said, with the
    # addresses, so whoever goes back can tell those account holders themselves.
    unsent = op.get_bind().execute(
        sa.text(
            "SELECT facilitators.email FROM outbox JOIN facilitators ON facilitators.id = outbox.facilitator_id "
            "WHERE outbox.request_id IS NULL AND outbox.sent_at IS NULL AND outbox.given_up_at IS NULL "
            "ORDER BY outbox.id"
        )
    )
    addresses = [row[0] for row in unsent]
    if addresses:
        emails = "email" if len(addresses) == 1 else "emails"
        print(
            f"Going back before migration 0021 deletes {len(addresses)} unsent {emails} telling facilitators their "
            "password was changed or reset. The earlier version cannot send them. Tell these people yourself that "
            "their password was changed: " + ", ".join(addresses)
        )
    op.execute(sa.text("DELETE FROM outbox WHERE request_id IS NULL"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_facilitator_id"))
        batch_op.drop_constraint(batch_op.f("fk_outbox_facilitator_id_facilitators"), type_="foreignkey")
        batch_op.drop_column("facilitator_id")
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=False)
