"""Pickups follow their booth, and waitlist offers (issue 17).

- `vendor_orders.pickup_assignment_id`: a pickup part refers to its trainee's booth-day (the
  assignment), not to a booth code, so when that booth-day goes away its buyer is told and
  offered another day, shipping or a refund (`pickup_disrupted_at`, `pickup_disruption`).
  Existing pickup parts get the assignment of their market day and trainee whose booth code
  matches the code kept at checkout (a live one first). The code shown is derived from the
  assignment from now on; `pickup_booth_code` stays as written at checkout.
- `vendor_orders.handover_code` (+ wrong tries and the last one's time): the code the buyer
  shows at the booth. Existing parts get a random one.
- `booth_offers` and `markets.offer_hours`: a freed booth-day is offered to the next applicant
  in lottery order, who answers before the market's deadline (24 hours unless set); partial
  unique indexes keep one pending offer per booth-day and per trainee and day.

Revision ID: e8b3f1c6a2d9
Revises: 09ba3cf93543
Create Date: 2026-12-10 17:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b3f1c6a2d9'
down_revision = '09ba3cf93543'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    with op.batch_alter_table('vendor_orders') as batch:
        batch.add_column(sa.Column('pickup_assignment_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('pickup_disrupted_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('pickup_disruption', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('handover_code', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('handover_failures', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('handover_failed_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.create_foreign_key(op.f('fk_vendor_orders_pickup_assignment_id_booth_assignments'),
                                 'booth_assignments', ['pickup_assignment_id'], ['id'])
        batch.create_index(batch.f('ix_vendor_orders_pickup_assignment_id'),
                           ['pickup_assignment_id'], unique=False)
    op.execute(
        "UPDATE vendor_orders SET pickup_assignment_id = ("
        " SELECT a.id FROM booth_assignments a JOIN booths b ON b.id = a.booth_id"
        " WHERE a.market_day_id = vendor_orders.pickup_market_day_id"
        " AND a.trainee_id = vendor_orders.trainee_id"
        " AND b.code = vendor_orders.pickup_booth_code"
        " ORDER BY CASE WHEN a.status IN ('active', 'checked_in') THEN 0 ELSE 1 END, a.id DESC"
        " LIMIT 1)"
        " WHERE fulfilment = 'pickup' AND pickup_market_day_id IS NOT NULL"
        " AND pickup_booth_code IS NOT NULL")
    bind = op.get_bind()
    ids = bind.execute(sa.text("SELECT id FROM vendor_orders WHERE handover_code IS NULL")
                       ).scalars().all()
    for vendor_order_id in ids:
        bind.execute(sa.text("UPDATE vendor_orders SET handover_code = :code WHERE id = :id"),
                     {"code": f"{secrets.randbelow(10**6):06d}", "id": vendor_order_id})

    # In place on SQLite too (ALTER TABLE … ADD COLUMN with a default): rebuilding `markets`
    # would break the foreign keys of its filled child tables.
    op.add_column('markets', sa.Column('offer_hours', sa.Integer(), nullable=False,
                                       server_default='24'))
    op.create_table(
        'booth_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('market_day_id', sa.Integer(), nullable=False),
        sa.Column('booth_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('trainee_id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'expired', 'withdrawn',
                                    name='offer_status', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['booth_applications.id'],
                                name=op.f('fk_booth_offers_application_id_booth_applications')),
        sa.ForeignKeyConstraint(['assignment_id'], ['booth_assignments.id'],
                                name=op.f('fk_booth_offers_assignment_id_booth_assignments')),
        sa.ForeignKeyConstraint(['booth_id'], ['booths.id'],
                                name=op.f('fk_booth_offers_booth_id_booths')),
        sa.ForeignKeyConstraint(['market_day_id'], ['market_days.id'],
                                name=op.f('fk_booth_offers_market_day_id_market_days')),
        sa.ForeignKeyConstraint(['run_id'], ['allocation_runs.id'],
                                name=op.f('fk_booth_offers_run_id_allocation_runs')),
        sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'],
                                name=op.f('fk_booth_offers_trainee_id_trainees')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booth_offers')),
    )
    op.create_index(op.f('ix_booth_offers_application_id'), 'booth_offers', ['application_id'])
    op.create_index(op.f('ix_booth_offers_market_day_id'), 'booth_offers', ['market_day_id'])
    op.create_index(op.f('ix_booth_offers_trainee_id'), 'booth_offers', ['trainee_id'])
    op.create_index('ix_booth_offers_status_expires', 'booth_offers', ['status', 'expires_at'])
    op.create_index('uq_booth_offers_booth_day_pending', 'booth_offers',
                    ['booth_id', 'market_day_id'], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index('uq_booth_offers_trainee_day_pending', 'booth_offers',
                    ['trainee_id', 'market_day_id'], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    op.drop_index('uq_booth_offers_trainee_day_pending', table_name='booth_offers')
    op.drop_index('uq_booth_offers_booth_day_pending', table_name='booth_offers')
    op.drop_index('ix_booth_offers_status_expires', table_name='booth_offers')
    op.drop_index(op.f('ix_booth_offers_trainee_id'), table_name='booth_offers')
    op.drop_index(op.f('ix_booth_offers_market_day_id'), table_name='booth_offers')
    op.drop_index(op.f('ix_booth_offers_application_id'), table_name='booth_offers')
    op.drop_table('booth_offers')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE markets DROP COLUMN offer_hours")  # SQLite 3.35+, in place
    else:
        op.drop_column('markets', 'offer_hours')
    with op.batch_alter_table('vendor_orders') as batch:
        batch.drop_index(batch.f('ix_vendor_orders_pickup_assignment_id'))
        batch.drop_constraint(op.f('fk_vendor_orders_pickup_assignment_id_booth_assignments'),
                              type_='foreignkey')
        batch.drop_column('handover_failed_at')
        batch.drop_column('handover_failures')
        batch.drop_column('handover_code')
        batch.drop_column('pickup_disruption')
        batch.drop_column('pickup_disrupted_at')
        batch.drop_column('pickup_assignment_id')
