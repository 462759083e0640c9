"""obligation kinds: an ongoing undertaking (stop infringing, not resume) has no due date and is never
overdue; the other side reports a breach of it with evidence

Existing cease-infringement obligations become ongoing undertakings from the day they named; their
due-date deadlines are cancelled, and an agreement put in default by nothing else returns to
enforceable.

Revision ID: d4b7e2a91c30
Revises: d7a31c5e9b20
Create Date: 2026-12-01 19:30:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = 'd4b7e2a91c30'
down_revision = 'd7a31c5e9b20'
branch_labels = None
depends_on = None

KIND_DATES = (
    "(kind = 'by_date' AND due_on IS NOT NULL AND starts_on IS NULL)"
    " OR (kind = 'ongoing' AND due_on IS NULL AND starts_on IS NOT NULL)"
)


def _set_from_date_type(connection, field_type, obligation):
    templates = sa.table(
        'clause_templates', sa.column('id', sa.Integer), sa.column('key', sa.String),
        sa.column('fields', sa.JSON), sa.column('obligation', sa.String),
    )
    for row in connection.execute(sa.select(templates.c.id, templates.c.fields).where(templates.c.key == 'cease_infringement')):
        fields = [
            {**spec, 'type': field_type} if spec.get('name') == 'from_date' else spec for spec in (row.fields or [])
        ]
        connection.execute(
            templates.update().where(templates.c.id == row.id).values(fields=fields, obligation=obligation)
        )


def upgrade():
    op.create_table('obligation_breaches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('evidence_name', sa.String(length=200), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=False),
    sa.Column('evidence_type', sa.String(length=60), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(answer IS NULL) = (answered_at IS NULL)', name=op.f('ck_obligation_breaches_answer_has_time')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_obligation_breaches_answered_by_id_users')),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligations.id'], name=op.f('fk_obligation_breaches_obligation_id_obligations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_obligation_breaches_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligation_breaches'))
    )
    with op.batch_alter_table('obligation_breaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligation_breaches_obligation_id'), ['obligation_id'], unique=False)

    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('by_date', 'ongoing', name='obligationkind', native_enum=False, length=20), server_default='by_date', nullable=False))
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=True)

    connection = op.get_bind()
    _set_from_date_type(connection, 'start_date', 'undertaking')
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    obligations = sa.table(
        'obligations', sa.column('id', sa.Integer), sa.column('agreement_id', sa.Integer),
        sa.column('clause_key', sa.String), sa.column('kind', sa.String), sa.column('due_on', sa.Date),
        sa.column('starts_on', sa.Date), sa.column('state', sa.String), sa.column('overdue_at', sa.DateTime),
    )
    ongoing = obligations.c.clause_key == 'cease_infringement'
    ids = [row.id for row in connection.execute(sa.select(obligations.c.id).where(ongoing))]
    agreement_ids = {row.agreement_id for row in connection.execute(sa.select(obligations.c.agreement_id).where(ongoing))}
    connection.execute(
        obligations.update().where(ongoing).values(
            kind='ongoing', starts_on=obligations.c.due_on, due_on=None, overdue_at=None, state='pending'
        )
    )
    deadlines = sa.table(
        'deadlines', sa.column('kind', sa.String), sa.column('object_type', sa.String),
        sa.column('object_id', sa.Integer), sa.column('state', sa.String),
        sa.column('closed_at', sa.DateTime), sa.column('outcome', sa.String),
    )
    if ids:
        connection.execute(
            deadlines.update()
            .where(
                deadlines.c.kind == 'obligation_due',
                deadlines.c.object_type == 'obligations',
                deadlines.c.object_id.in_(ids),
                deadlines.c.state.in_(('pending', 'paused')),
            )
            .values(state='cancelled', closed_at=now, outcome='ongoing undertaking: no due date')
        )
    agreements = sa.table('agreements', sa.column('id', sa.Integer), sa.column('state', sa.String))
    for agreement_id in agreement_ids:
        still_overdue = connection.scalar(
            sa.select(sa.func.count()).select_from(obligations).where(
                obligations.c.agreement_id == agreement_id, obligations.c.overdue_at.is_not(None)
            )
        )
        if not still_overdue:
            connection.execute(
                agreements.update()
                .where(agreements.c.id == agreement_id, agreements.c.state == 'in_default')
                .values(state='enforceable')
            )

    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_obligations_kind_dates'), KIND_DATES)


def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_obligations_kind_dates'), type_='check')
    connection = op.get_bind()
    obligations = sa.table(
        'obligations', sa.column('kind', sa.String), sa.column('due_on', sa.Date), sa.column('starts_on', sa.Date),
    )
    connection.execute(
        obligations.update().where(obligations.c.kind == 'ongoing').values(due_on=obligations.c.starts_on)
    )
    _set_from_date_type(connection, 'date', 'act')
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.alter_column('due_on', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('starts_on')
        batch_op.drop_column('kind')
    with op.batch_alter_table('obligation_breaches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_obligation_breaches_obligation_id'))
    op.drop_table('obligation_breaches')
