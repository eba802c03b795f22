"""One trade list for courses and the needs assessment (issue 20): `report_term_skills.trade`,
the trade a search term's skill belongs to (a code of training.labels.TRADES; empty on older
entries), and `training_bookings.trade`, the trade a centre means to teach when it says (a
course proposal made from the needs report carries it to the course).

Revision ID: df9561d2cbf3
Revises: d2f7a9c41e86
Create Date: 2026-12-07 21:00:33.354348

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df9561d2cbf3'
down_revision = 'd2f7a9c41e86'
branch_labels = None
depends_on = None


def on(*dialects):
    """True when this migration runs on one of `dialects` (for objects made with ddl_if)."""
    return op.get_bind().dialect.name in dialects


def upgrade():
    with op.batch_alter_table('report_term_skills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trade', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_term_skills_trade'), ['trade'], unique=False)

    with op.batch_alter_table('training_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trade', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('training_bookings', schema=None) as batch_op:
        batch_op.drop_column('trade')

    with op.batch_alter_table('report_term_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_term_skills_trade'))
        batch_op.drop_column('trade')
