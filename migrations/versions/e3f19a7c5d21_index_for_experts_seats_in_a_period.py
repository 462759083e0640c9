"""Index for the statistics' count of the seats each expert took up in a period

Revision ID: e3f19a7c5d21
Revises: c8e4f2a1d3b5
Create Date: 2026-12-01 20:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e3f19a7c5d21"
down_revision = "c8e4f2a1d3b5"
branch_labels = None
depends_on = None

WHERE = "state IN ('accepted', 'released')"


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_served",
            ["declaration_signed_at", "expert_id"],
            unique=False,
            postgresql_where=sa.text(WHERE),
            sqlite_where=sa.text(WHERE),
            if_not_exists=True,
        )


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_served")
