"""Attribute definitions of a number type may carry a minimum and a maximum; a product's value
is checked against them (catalogue.services). The demo's bounds are set by `flask seed-demo`.

Revision ID: f3a8c2d5e716
Revises: 9c4e2b7d1a38
Create Date: 2026-12-07 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a8c2d5e716'
down_revision = '9c4e2b7d1a38'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: no table rebuild on SQLite.
    op.add_column('attribute_definitions', sa.Column('minimum', sa.Float(), nullable=True))
    op.add_column('attribute_definitions', sa.Column('maximum', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('attribute_definitions', schema=None) as batch_op:
        batch_op.drop_column('maximum')
        batch_op.drop_column('minimum')
