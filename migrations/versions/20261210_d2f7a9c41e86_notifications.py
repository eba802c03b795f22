"""The notification centre (issue 17): `notifications`, each notice to one person (its text as
rendered in their language, the context it came from, whether it shows in their feed, a key
that keeps it from going twice), and `notification_preferences`, a person's channels (in-app,
email, SMS) per kind of notice; without a row the kind's defaults hold. Kinds are stored as
plain strings with no CHECK constraint, so a new kind needs no migration. Also
`vendor_orders.tracking_code`, the carrier's code a trainee gives when shipping, which the
buyer's "shipped" notice carries.

Revision ID: d2f7a9c41e86
Revises: e8b3f1c6a2d9
Create Date: 2026-12-10 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f7a9c41e86'
down_revision = 'e8b3f1c6a2d9'
branch_labels = None
depends_on = None

KEYED = sa.text('dedupe_key IS NOT NULL')


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('context', sa.JSON(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('in_app', sa.Boolean(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'],
                                name=op.f('fk_notifications_recipient_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    op.create_index('ix_notifications_recipient_unread', 'notifications',
                    ['recipient_id', 'in_app', 'read_at'])
    op.create_index('uq_notifications_dedupe', 'notifications', ['recipient_id', 'dedupe_key'],
                    unique=True, postgresql_where=KEYED, sqlite_where=KEYED)
    op.create_index(op.f('ix_notifications_created_at'), 'notifications', ['created_at'])
    op.create_table(
        'notification_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('in_app', sa.Boolean(), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.Column('sms', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
        sa.UniqueConstraint('user_id', 'kind',
                            name=op.f('uq_notification_preferences_user_id_kind')),
    )
    with op.batch_alter_table('vendor_orders') as batch:
        batch.add_column(sa.Column('tracking_code', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('vendor_orders') as batch:
        batch.drop_column('tracking_code')
    op.drop_table('notification_preferences')
    op.drop_index(op.f('ix_notifications_created_at'), table_name='notifications')
    op.drop_index('uq_notifications_dedupe', table_name='notifications')
    op.drop_index('ix_notifications_recipient_unread', table_name='notifications')
    op.drop_table('notifications')
