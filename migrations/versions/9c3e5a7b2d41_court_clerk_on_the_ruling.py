"""The court clerk (书记员) named on the ruling

Revision ID: 9c3e5a7b2d41
Revises: 7051d7822833
Create Date: 2026-12-01 17:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c3e5a7b2d41'
down_revision = '7051d7822833'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('confirmation_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clerk_name', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('confirmation_applications', schema=None) as batch_op:
        batch_op.drop_column('clerk_name')
