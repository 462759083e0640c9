"""party representatives: an organisation's legal representative on its case parties and account, and
who signed an agreement in what capacity

Revision ID: b7d41e2c9a50
Revises: d4b7e2a91c30
Create Date: 2026-12-01 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41e2c9a50'
down_revision = 'd4b7e2a91c30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representative', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('representative_title', sa.String(length=40), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_case_parties_representative_of_company'), "kind = 'company' OR representative IS NULL"
        )
        batch_op.create_check_constraint(
            op.f('ck_case_parties_representative_has_title'), '(representative IS NULL) = (representative_title IS NULL)'
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_representative', sa.String(length=100), nullable=True))
    with op.batch_alter_table('agreement_signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatory_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signatory_title', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('agreement_signatures', schema=None) as batch_op:
        batch_op.drop_column('signatory_title')
        batch_op.drop_column('signatory_name')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('legal_representative')
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_parties_representative_has_title'), type_='check')
        batch_op.drop_constraint(op.f('ck_case_parties_representative_of_company'), type_='check')
        batch_op.drop_column('representative_title')
        batch_op.drop_column('representative')
