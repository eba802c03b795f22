"""A trainee's store banner (issue 18): `trainees.banner_path`, the storage key of the banner
photo the trainee uploads, beside `avatar_path` (their store photo), which already exists.

Revision ID: ec06e85c3023
Revises: f3260d2295e2
Create Date: 2026-12-07 21:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ec06e85c3023'
down_revision = 'f3260d2295e2'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('trainees', sa.Column('banner_path', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('trainees') as batch_op:
        batch_op.drop_column('banner_path')
