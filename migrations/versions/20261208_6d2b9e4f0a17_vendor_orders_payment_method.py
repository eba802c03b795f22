"""Each vendor order says how it is paid (`payment_method`: online, or at_pickup to its trainee
at the booth), so one order may have parts paid online and parts paid at pickup. Parts of
existing pay-at-pickup orders are at_pickup; every other part is online.

Revision ID: 6d2b9e4f0a17
Revises: b7d2e4f81c05
Create Date: 2026-12-08 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d2b9e4f0a17'
down_revision = 'b7d2e4f81c05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vendor_orders') as batch:
        batch.add_column(sa.Column(
            'payment_method',
            sa.Enum('online', 'at_pickup', name='payment_method', native_enum=False,
                    create_constraint=True, length=32),
            nullable=False, server_default='online'))
    op.execute("UPDATE vendor_orders SET payment_method = 'at_pickup' WHERE order_id IN "
               "(SELECT id FROM orders WHERE pays_at_pickup)")


def downgrade():
    with op.batch_alter_table('vendor_orders') as batch:
        # SQLite's table rebuild would keep the CHECK on the dropped column.
        batch.drop_constraint(op.f('ck_vendor_orders_payment_method'), type_='check')
        batch.drop_column('payment_method')
