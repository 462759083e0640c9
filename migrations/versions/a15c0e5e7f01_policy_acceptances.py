"""policy acceptances: which version of the terms and of the personal information notice each user accepted

Revision ID: a15c0e5e7f01
Revises: 9c3e5a7b2d41
Create Date: 2026-12-01 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a15c0e5e7f01'
down_revision = '9c3e5a7b2d41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policy_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=20), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.CheckConstraint("document IN ('terms', 'privacy')", name=op.f('ck_policy_acceptances_known_document')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_policy_acceptances_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_acceptances')),
    sa.UniqueConstraint('user_id', 'document', 'version', name='uq_policy_acceptances_once')
    )
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_acceptances_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_acceptances_user_id'))
    op.drop_table('policy_acceptances')
