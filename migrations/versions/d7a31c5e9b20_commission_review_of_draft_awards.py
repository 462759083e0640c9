"""The commission's review of a draft award before the arbitrators sign it

A draft now goes to the commission for review (核阅) before any arbitrator signs. Drafts that were
awaiting signatures when this runs have not been reviewed: they go back to the review, and the
signatures already on them (the chair's was added without a password) are set aside; the
arbitrators sign again, with their password, once the commission has reviewed the draft.

Revision ID: d7a31c5e9b20
Revises: a15c0e5e7f01
Create Date: 2026-12-01 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd7a31c5e9b20'
down_revision = 'a15c0e5e7f01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_remarks', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_awards_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id']
        )
        batch_op.create_check_constraint(
            'reviewed_has_reviewer', '(reviewed_at IS NULL) = (reviewed_by_id IS NULL)'
        )
    op.execute(
        "DELETE FROM award_signatures WHERE award_id IN "
        "(SELECT id FROM awards WHERE issued_at IS NULL AND withdrawn_at IS NULL)"
    )
    op.execute("UPDATE arbitration_cases SET state = 'award_review' WHERE state = 'award_pending'")


def downgrade():
    op.execute("UPDATE arbitration_cases SET state = 'award_pending' WHERE state = 'award_review'")
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_awards_reviewed_has_reviewer'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_awards_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('review_remarks')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('reviewed_at')
