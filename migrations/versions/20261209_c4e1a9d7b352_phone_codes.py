"""Phone first (issue 17): a user's number may be verified by a one-time code
(`users.phone_verified_at`; a verified number belongs to one user only), and the codes
themselves, hashed, in `phone_codes`. `users.email` becomes optional: a buyer may sign up with
a verified mobile number alone.

Revision ID: c4e1a9d7b352
Revises: 6d2b9e4f0a17
Create Date: 2026-12-09 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a9d7b352'
down_revision = '6d2b9e4f0a17'
branch_labels = None
depends_on = None

VERIFIED = sa.text('phone_verified_at IS NOT NULL')


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('phone_verified_at', sa.DateTime(timezone=True), nullable=True))
        # A buyer may sign up with a verified mobile number and no email.
        batch.alter_column('email', existing_type=sa.String(length=254), nullable=True)
    op.create_index('uq_users_verified_phone', 'users', ['phone'], unique=True,
                    postgresql_where=VERIFIED, sqlite_where=VERIFIED)
    op.create_table(
        'phone_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('purpose', sa.Enum('verify_phone', 'sign_in', 'sign_up', name='code_purpose',
                                     native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_phone_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_codes')),
    )
    op.create_index('ix_phone_codes_phone_created', 'phone_codes', ['phone', 'created_at'])
    op.create_index(op.f('ix_phone_codes_user_id'), 'phone_codes', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_phone_codes_user_id'), table_name='phone_codes')
    op.drop_index('ix_phone_codes_phone_created', table_name='phone_codes')
    op.drop_table('phone_codes')
    op.drop_index('uq_users_verified_phone', table_name='users')
    # Phone-only users cannot keep a NULL email: they get a placeholder they can replace.
    op.execute("UPDATE users SET email = 'phone-' || id || '@invalid' WHERE email IS NULL")
    with op.batch_alter_table('users') as batch:
        batch.alter_column('email', existing_type=sa.String(length=254), nullable=False)
        batch.drop_column('phone_verified_at')
