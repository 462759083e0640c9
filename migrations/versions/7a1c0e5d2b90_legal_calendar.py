"""The legal calendar: the rest-day table, seeded from chinesecalendar; late duties marked

Revision ID: 7a1c0e5d2b90
Revises: a304a9194270
Create Date: 2026-12-01 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1c0e5d2b90'
down_revision = 'a304a9194270'
branch_labels = None
depends_on = None


def upgrade():
    rest_days = op.create_table(
        'rest_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.Enum('holiday', 'workday', name='restdaykind', native_enum=False, create_constraint=False, length=40), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_rest_days')),
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))

    # The State Council's schedules as the package knows them (administrators add later years).
    from datetime import UTC, datetime

    from odr.deadlines.restdays import package_rows

    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        rest_days,
        [
            {"day": day, "kind": kind, "name": name, "source": source, "updated_at": now}
            for day, kind, name, source in package_rows()
        ],
    )


def downgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('late')
    op.drop_table('rest_days')
