"""A payment records the shares its gateway settles straight to trainees' Sheba accounts
(Zarinpal's split settlement, payments.services.split_settlement).

Revision ID: b7d2e4f81c05
Revises: 0b3a3ae77b2a
Create Date: 2026-12-07 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f81c05'
down_revision = '0b3a3ae77b2a'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: no table rebuild on SQLite.
    op.add_column('payments', sa.Column('gateway_shares', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('gateway_shares')
