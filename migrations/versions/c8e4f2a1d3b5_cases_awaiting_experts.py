"""The clerk's assignments overview: an index on the organisation's cases that may wait for experts

Revision ID: c8e4f2a1d3b5
Revises: c8e1a2f4b6d0
Create Date: 2026-12-01 20:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c8e4f2a1d3b5"
down_revision = "c8e1a2f4b6d0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_cases_awaiting_experts",
        "cases",
        ["organisation_id", "id"],
        postgresql_where=sa.text("state IN ('awaiting_mediator', 'mediating')"),
        sqlite_where=sa.text("state IN ('awaiting_mediator', 'mediating')"),
    )


def downgrade():
    op.drop_index("ix_cases_awaiting_experts", table_name="cases")
