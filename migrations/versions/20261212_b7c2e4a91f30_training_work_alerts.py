"""Buyers who opted in to hear when a course's graduates list work in its trade (issue 20):
`training_work_alerts`, one row per course and buyer.

Revision ID: b7c2e4a91f30
Revises: b5c1e7a2d904
Create Date: 2026-12-08 00:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c2e4a91f30'
down_revision = 'b5c1e7a2d904'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_work_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_work_alerts_course_id_training_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_work_alerts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_work_alerts')),
    sa.UniqueConstraint('course_id', 'user_id', name=op.f('uq_training_work_alerts_course_id_user_id'))
    )
    with op.batch_alter_table('training_work_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_work_alerts_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_work_alerts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('training_work_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_work_alerts_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_work_alerts_course_id'))

    op.drop_table('training_work_alerts')
