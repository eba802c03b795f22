"""Refunds through a shipping payment (issue 17): `shipping_payments.goods_amount` (what of
the payment pays for the goods of a part that was to be paid at the booth) and
`refunded_amount`, and `refunds.shipping_payment_id` (a refund given back through a shipping
payment rather than the order's payment).

Revision ID: b5c1e7a2d904
Revises: 70bcb5a336b5
Create Date: 2026-12-08 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5c1e7a2d904'
down_revision = '70bcb5a336b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shipping_payments') as batch_op:
        batch_op.add_column(sa.Column('goods_amount', sa.BigInteger(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('refunded_amount', sa.BigInteger(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('refunds') as batch_op:
        batch_op.add_column(sa.Column('shipping_payment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_refunds_shipping_payment_id'),
                              ['shipping_payment_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_refunds_shipping_payment_id_shipping_payments'),
            'shipping_payments', ['shipping_payment_id'], ['id'])


def downgrade():
    with op.batch_alter_table('refunds') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_refunds_shipping_payment_id_shipping_payments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_refunds_shipping_payment_id'))
        batch_op.drop_column('shipping_payment_id')
    with op.batch_alter_table('shipping_payments') as batch_op:
        batch_op.drop_column('refunded_amount')
        batch_op.drop_column('goods_amount')
