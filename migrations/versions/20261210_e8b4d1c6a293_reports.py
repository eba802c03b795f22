"""Reports (issue 19): the search log names its visitor by a keyed hash
(`search_log.visitor`, catalogue.search_log.visitor_key), so the needs assessment can count
distinct visitors per term and hide terms fewer than REPORTS_MIN_VISITORS people searched for;
and the staff-kept mapping from search terms to trades and skills (`report_term_skills`).
Rows logged before have no visitor and never count towards a term.

Revision ID: e8b4d1c6a293
Revises: a5c83e1f9d24
Create Date: 2026-12-10 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b4d1c6a293'
down_revision = 'a5c83e1f9d24'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column: SQLite adds it without rebuilding the table.
    op.add_column('search_log', sa.Column('visitor', sa.String(length=16), nullable=True))
    op.create_table(
        'report_term_skills',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=120), nullable=False),
        sa.Column('skill_fa', sa.String(length=120), nullable=False),
        sa.Column('skill_en', sa.String(length=120), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_report_term_skills_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_term_skills')),
        sa.UniqueConstraint('term', name=op.f('uq_report_term_skills_term')),
    )


def downgrade():
    op.drop_table('report_term_skills')
    with op.batch_alter_table('search_log') as batch:
        batch.drop_column('visitor')
