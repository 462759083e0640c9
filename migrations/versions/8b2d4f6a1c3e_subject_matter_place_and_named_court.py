"""Where the subject matter is, the court the clerk names when the rule connects none, and the
service of an arbitration on the respondent

Revision ID: 8b2d4f6a1c3e
Revises: 9dd63b4d8ee2
Create Date: 2026-12-01 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b2d4f6a1c3e'
down_revision = '9dd63b4d8ee2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_matter_place', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('named_court_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('named_court_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_cases_named_court_id_organisations'), 'organisations', ['named_court_id'], ['id']
        )
    with op.batch_alter_table('arbitration_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('served_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('service_method', sa.String(length=40), nullable=True))
    # Applications accepted before: the respondent was served at acceptance, through the platform.
    op.execute(
        "UPDATE arbitration_cases SET served_at = accepted_at, service_method = 'electronic' "
        "WHERE accepted_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('arbitration_cases', schema=None) as batch_op:
        batch_op.drop_column('service_method')
        batch_op.drop_column('served_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_named_court_id_organisations'), type_='foreignkey')
        batch_op.drop_column('named_court_reason')
        batch_op.drop_column('named_court_id')
        batch_op.drop_column('subject_matter_place')
