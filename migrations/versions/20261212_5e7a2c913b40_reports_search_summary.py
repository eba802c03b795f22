"""The needs assessment at real size (issue 19): `report_search_summary`, each past day's
search log added up per normalised term, category filter, city filter and found-little, with
the day's distinct visitor keys, and `report_search_days`, which days it holds, with which
REPORTS_FEW_RESULTS, and whether late searches touched them since (reports.search_summary;
`flask summarise-searches` fills both).

Revision ID: 5e7a2c913b40
Revises: c4d8e2f1a7b3
Create Date: 2026-12-08 00:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a2c913b40'
down_revision = 'c4d8e2f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_search_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('few', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_report_search_days'))
    )
    op.create_table('report_search_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('city', sa.Text(), nullable=True),
    sa.Column('little', sa.Boolean(), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('zero', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_search_summary'))
    )
    with op.batch_alter_table('report_search_summary', schema=None) as batch_op:
        batch_op.create_index('ix_report_search_summary_day', ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('report_search_summary', schema=None) as batch_op:
        batch_op.drop_index('ix_report_search_summary_day')
    op.drop_table('report_search_summary')
    op.drop_table('report_search_days')
