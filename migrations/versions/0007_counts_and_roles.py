"""Counts of every kind in one table (counts), and a role for each inbox account.

- ``counts`` (kind, month, mode, subject, count) replaces ``route_counts`` (month, mode,
  outcome_id, criterion, count), so that new kinds of count need no new table. The old rows
  are carried over: each criterion's count (summed over outcomes: exact), and each outcome's
  count. A journey that chose several criteria used to add one to several rows of its outcome,
  so an outcome's count becomes its journeys with no criteria plus the largest of its criteria
  rows: exact when nobody chose more than one criterion, otherwise the smallest number it can
  have been. Journeys started and finished and requests sent are counted from this version on.
- ``facilitators.role``: "facilitator" (every existing account) or "partnership" (read-only:
  the statistics only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facilitators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), server_default="facilitator", nullable=False))

    counts = op.create_table(
        "counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counts")),
        sa.UniqueConstraint("kind", "month", "mode", "subject", name=op.f("uq_counts_kind_month_mode_subject")),
    )
    old = sa.table(
        "route_counts",
        sa.column("month", sa.String),
        sa.column("mode", sa.String),
        sa.column("outcome_id", sa.String),
        sa.column("criterion", sa.String),
        sa.column("count", sa.Integer),
    )
    no_criteria: dict[tuple[str, str, str], int] = {}
    largest_criterion: dict[tuple[str, str, str], int] = {}
    criteria: dict[tuple[str, str, str], int] = {}
    for month, mode, outcome_id, criterion, count in op.get_bind().execute(
        sa.select(old.c.month, old.c.mode, old.c.outcome_id, old.c.criterion, old.c["count"])
    ):
        if count <= 0:
            continue
        key = (month, mode, outcome_id)
        if criterion == "":
            no_criteria[key] = no_criteria.get(key, 0) + count
        else:
            largest_criterion[key] = max(largest_criterion.get(key, 0), count)
            criteria[(month, mode, criterion)] = criteria.get((month, mode, criterion), 0) + count
    rows = [
        {
            "kind": "outcome",
            "month": month,
            "mode": mode,
            "subject": outcome_id,
            "count": no_criteria.get((month, mode, outcome_id), 0)
            + largest_criterion.get((month, mode, outcome_id), 0),
        }
        for month, mode, outcome_id in sorted(set(no_criteria) | set(largest_criterion))
    ]
    rows += [
        {"kind": "criterion", "month": month, "mode": mode, "subject": criterion, "count": count}
        for (month, mode, criterion), count in sorted(criteria.items())
    ]
    if rows:
        op.bulk_insert(counts, rows)
    op.drop_table("route_counts")


def downgrade():
    # Each outcome's count goes back as the row of journeys with no criteria (the split by criterion is gone).
    route_counts = op.create_table(
        "route_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("outcome_id", sa.String(length=40), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_counts")),
        sa.UniqueConstraint(
            "month", "mode", "outcome_id", "criterion", name=op.f("uq_route_counts_month_mode_outcome_id_criterion")
        ),
    )
    new = sa.table(
        "counts",
        sa.column("kind", sa.String),
        sa.column("month", sa.String),
        sa.column("mode", sa.String),
        sa.column("subject", sa.String),
        sa.column("count", sa.Integer),
    )
    found = op.get_bind().execute(
        sa.select(new.c.month, new.c.mode, new.c.subject, new.c["count"]).where(new.c.kind == "outcome")
    )
    rows = [
        {"month": month, "mode": mode, "outcome_id": subject, "criterion": "", "count": count}
        for month, mode, subject, count in found
    ]
    if rows:
        op.bulk_insert(route_counts, rows)
    op.drop_table("counts")

    with op.batch_alter_table("facilitators", schema=None) as batch_op:
        batch_op.drop_column("role")
