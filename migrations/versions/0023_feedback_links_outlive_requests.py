"""Feedback links outlive their request: ``feedback_tokens.request_id`` may be empty, and is
emptied (not the link deleted) when the request is deleted.

Found (regression review): a request kept past its retention period for its session's outcome to
be recorded, then marked held, was deleted at the next hourly purge, and the feedback link just
emailed to its practitioner, which works for 60 days, stopped working with it. A link's row holds
only the hash of its token and its dates: nothing of the request or the practitioner. Deleted with
a request, it is now kept, no longer tied to any request, until it is used (answering deletes it)
or the purge finds it expired.

Downgrading deletes the links no longer tied to a request (the older code deleted them with their
request: they stop working), then makes ``request_id`` required again, deleted with its request.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_feedback_tokens_request_id_requests"


def upgrade():
    with op.batch_alter_table("feedback_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(FOREIGN_KEY, "requests", ["request_id"], ["id"], ondelete="SET NULL")


def downgrade():
    left = op.get_bind().execute(sa.text("SELECT count(*) FROM feedback_tokens WHERE request_id IS NULL")).scalar()
    if left:
        links = "feedback link" if left == 1 else "feedback links"
        print(
            f"Going back before migration 0023 deletes {left} {links} whose requests were already deleted. "
            "Practitioners sent these links can no longer use them."
        )
    op.execute(sa.text("DELETE FROM feedback_tokens WHERE request_id IS NULL"))
    with op.batch_alter_table("feedback_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(FOREIGN_KEY, "requests", ["request_id"], ["id"], ondelete="CASCADE")
