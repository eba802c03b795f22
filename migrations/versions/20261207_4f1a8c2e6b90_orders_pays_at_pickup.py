"""Orders say whether the buyer pays the trainees at pickup (`pays_at_pickup`), so orders no
longer compare `payment_provider` with a provider's name; payments sets it when the buyer chooses
to pay at pickup. Existing pay-at-pickup orders get it from their `payment_provider`.

Revision ID: 4f1a8c2e6b90
Revises: f3a8c2d5e716
Create Date: 2026-12-07 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f1a8c2e6b90'
down_revision = 'f3a8c2d5e716'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('orders', sa.Column('pays_at_pickup', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE orders SET pays_at_pickup = true WHERE payment_provider = 'pay_at_pickup'")


def downgrade():
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('pays_at_pickup')
