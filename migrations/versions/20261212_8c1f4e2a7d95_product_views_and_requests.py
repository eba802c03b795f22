"""Demand beside searches (issue 19): `product_view_days`, product page views per local day
(counted in each process, added in batches by catalogue.product_views), and
`product_requests`, a signed-in buyer asking for a sold-out item or for a made-to-order one
(catalogue.services.requests). The needs assessment counts both per category.

Revision ID: 8c1f4e2a7d95
Revises: 5e7a2c913b40
Create Date: 2026-12-08 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c1f4e2a7d95'
down_revision = '5e7a2c913b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product_view_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_view_days_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'product_id', name=op.f('pk_product_view_days'))
    )
    with op.batch_alter_table('product_view_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_view_days_product_id'), ['product_id'], unique=False)
    op.create_table('product_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sold_out', 'made_to_order', name='request_kind', native_enum=False, length=32, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_requests_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_product_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_requests')),
    sa.UniqueConstraint('product_id', 'user_id', name=op.f('uq_product_requests_product_id_user_id'))
    )
    with op.batch_alter_table('product_requests', schema=None) as batch_op:
        batch_op.create_index('ix_product_requests_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_requests_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('product_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_requests_user_id'))
        batch_op.drop_index('ix_product_requests_created_at')
    op.drop_table('product_requests')
    with op.batch_alter_table('product_view_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_view_days_product_id'))
    op.drop_table('product_view_days')
