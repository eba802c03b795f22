"""Sales a trainee records face to face at the booth (`booth_sales`), on the same stock as the
online store; the ledger books them with the existing kinds (sale, commission, payout), so
`ledger_entries` is not touched. A sale the phone sends again carries the same client key, unique
per trainee. A market may take a fee on its trainees' booth sales (`markets.sales_fee_percent`).

Revision ID: a5c83e1f9d24
Revises: c4e1a9d7b352
Create Date: 2026-12-08 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5c83e1f9d24'
down_revision = 'c4e1a9d7b352'
branch_labels = None
depends_on = None


def upgrade():
    # In place on SQLite too (ALTER TABLE … ADD COLUMN with a default): rebuilding `markets`
    # would break the foreign keys of its filled child tables. Its bounds are the forms' and
    # schemas' to check, as a CHECK here would need that rebuild.
    op.add_column('markets', sa.Column('sales_fee_percent', sa.Integer(), nullable=False,
                                       server_default='0'))
    op.create_table('booth_sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_kind', sa.Enum('cash', 'card', name='booth_sale_payment', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('card_reference', sa.String(length=64), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_booth_sales_quantity_positive')),
    sa.CheckConstraint('unit_price_amount >= 0', name=op.f('ck_booth_sales_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['assignment_id'], ['booth_assignments.id'], name=op.f('fk_booth_sales_assignment_id_booth_assignments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_booth_sales_created_by_id_users')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_booth_sales_product_id_products')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_booth_sales_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booth_sales'))
    )
    with op.batch_alter_table('booth_sales', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booth_sales_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booth_sales_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_booth_sales_trainee_created', ['trainee_id', 'created_at'], unique=False)
        batch_op.create_index('uq_booth_sales_trainee_client_key', ['trainee_id', 'client_key'], unique=True)


def downgrade():
    with op.batch_alter_table('booth_sales', schema=None) as batch_op:
        batch_op.drop_index('uq_booth_sales_trainee_client_key')
        batch_op.drop_index('ix_booth_sales_trainee_created')
        batch_op.drop_index(batch_op.f('ix_booth_sales_product_id'))
        batch_op.drop_index(batch_op.f('ix_booth_sales_assignment_id'))

    op.drop_table('booth_sales')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE markets DROP COLUMN sales_fee_percent")  # SQLite 3.35+, in place
    else:
        op.drop_column('markets', 'sales_fee_percent')
