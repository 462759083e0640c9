"""A hand-over package's summary PDF may be rendered just after the sweep that ended the mediation;
indexes for the clerk's assignments overview, a case's running time limits and a user's own cases

Revision ID: b7d3e1f0c2a4
Revises: b7d41e2c9a50
Create Date: 2026-12-01 19:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7d3e1f0c2a4"
down_revision = "b7d41e2c9a50"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.alter_column("pdf_sha256", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("pdf_size", existing_type=sa.Integer(), nullable=True)
    op.create_index(
        "ix_handovers_unrendered",
        "handovers",
        ["id"],
        postgresql_where=sa.text("pdf_sha256 IS NULL"),
        sqlite_where=sa.text("pdf_sha256 IS NULL"),
    )
    op.create_index(
        "ix_assignments_proposed_due",
        "assignments",
        ["answer_due_at", "id"],
        postgresql_where=sa.text("state = 'proposed'"),
        sqlite_where=sa.text("state = 'proposed'"),
    )
    op.create_index(
        "ix_assignments_investigator_accepted",
        "assignments",
        ["answered_at", "id"],
        postgresql_where=sa.text("seat = 'technical_investigator' AND state = 'accepted'"),
        sqlite_where=sa.text("seat = 'technical_investigator' AND state = 'accepted'"),
    )
    op.create_index(
        "ix_deadlines_running_case",
        "deadlines",
        ["case_id", "due_at", "id"],
        postgresql_where=sa.text("state = 'pending'"),
        sqlite_where=sa.text("state = 'pending'"),
    )
    op.create_index("ix_cases_id_state_updated", "cases", ["id", "state", "updated_at"])
    op.create_index("ix_case_parties_user_case", "case_parties", ["user_id", "case_id"])


def downgrade():
    op.drop_index("ix_case_parties_user_case", table_name="case_parties")
    op.drop_index("ix_cases_id_state_updated", table_name="cases")
    op.drop_index("ix_deadlines_running_case", table_name="deadlines")
    op.drop_index("ix_assignments_investigator_accepted", table_name="assignments")
    op.drop_index("ix_assignments_proposed_due", table_name="assignments")
    op.drop_index("ix_handovers_unrendered", table_name="handovers")
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.alter_column("pdf_size", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("pdf_sha256", existing_type=sa.String(length=64), nullable=False)
