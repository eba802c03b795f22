"""A narrow index of what counting and sorting search matches needs (id, status, maker,
category, date, price), so each match found by id is read from it and not from the wide
product row (catalogue.queries: facets and word searches visit every match).

Revision ID: d8a2f6c1b950
Revises: c41e7b9a2d03
Create Date: 2026-12-04 05:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8a2f6c1b950'
down_revision = 'c41e7b9a2d03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_listing', ['id', 'status', 'trainee_id', 'category_id', 'created_at', 'price_amount'], unique=False)


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_listing')
