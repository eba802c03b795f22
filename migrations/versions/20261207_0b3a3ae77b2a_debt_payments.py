"""Trainees pay what they owe online: `debt_payments` (one attempt through one provider; a
partial unique index keeps one open attempt per trainee) and `ledger_entries.debt_payment_id`,
the credit that settles it, unique so a debt payment is credited once.

On SQLite the column is added in place (ALTER TABLE … ADD COLUMN … REFERENCES) rather than by
rebuilding `ledger_entries` in batch mode: dropping the old table breaks the foreign keys of
`payout_items` on a filled database. The credit is a `payout` row with a positive amount, so the
`ledger_kind` CHECK constraint (which SQLite cannot change in place) stays as it is.

Revision ID: 0b3a3ae77b2a
Revises: 4f1a8c2e6b90
Create Date: 2026-12-07 14:09:00.754085

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b3a3ae77b2a'
down_revision = '4f1a8c2e6b90'
branch_labels = None
depends_on = None


def on(*dialects):
    """True when this migration runs on one of `dialects` (for objects made with ddl_if)."""
    return op.get_bind().dialect.name in dialects


def upgrade():
    op.create_table('debt_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('pending', 'requires_action', 'succeeded', 'failed', 'cancelled', name='debt_payment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('provider_reference', sa.String(length=255), nullable=True),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('confirm_attempts', sa.Integer(), nullable=False),
    sa.Column('error_code', sa.String(length=64), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_debt_payments_amount_positive')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_debt_payments_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_payments')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_debt_payments_idempotency_key')),
    sa.UniqueConstraint('provider_reference', name=op.f('uq_debt_payments_provider_reference'))
    )
    with op.batch_alter_table('debt_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debt_payments_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index('uq_debt_payments_trainee_open', ['trainee_id'], unique=True, sqlite_where=sa.text("status IN ('pending', 'requires_action')"), postgresql_where=sa.text("status IN ('pending', 'requires_action')"))

    if on("sqlite"):
        op.execute("ALTER TABLE ledger_entries ADD COLUMN debt_payment_id INTEGER "
                   "CONSTRAINT fk_ledger_entries_debt_payment_id_debt_payments "
                   "REFERENCES debt_payments (id)")
    else:
        op.add_column('ledger_entries', sa.Column('debt_payment_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_ledger_entries_debt_payment_id_debt_payments'),
                              'ledger_entries', 'debt_payments', ['debt_payment_id'], ['id'])
    op.create_index('uq_ledger_entries_debt_payment_id', 'ledger_entries', ['debt_payment_id'],
                    unique=True)


def downgrade():
    op.drop_index('uq_ledger_entries_debt_payment_id', table_name='ledger_entries')
    if on("sqlite"):
        # SQLite 3.35+ drops a column in place (its index is dropped above); no rebuild.
        op.execute("ALTER TABLE ledger_entries DROP COLUMN debt_payment_id")
    else:
        op.drop_constraint(op.f('fk_ledger_entries_debt_payment_id_debt_payments'),
                           'ledger_entries', type_='foreignkey')
        op.drop_column('ledger_entries', 'debt_payment_id')

    with op.batch_alter_table('debt_payments', schema=None) as batch_op:
        batch_op.drop_index('uq_debt_payments_trainee_open', sqlite_where=sa.text("status IN ('pending', 'requires_action')"), postgresql_where=sa.text("status IN ('pending', 'requires_action')"))
        batch_op.drop_index(batch_op.f('ix_debt_payments_trainee_id'))

    op.drop_table('debt_payments')
