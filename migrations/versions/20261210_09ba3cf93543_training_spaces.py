"""Training spaces and courses (issue 20): spaces in municipal venues and their blocked
periods, centres' bookings of them with one row per session (`training_sessions`), public
courses on approved bookings, registrations with a waitlist, and attendance per session.

No two approved sessions of one space overlap: on PostgreSQL an exclusion constraint over
(space_id, tstzrange(starts_at, ends_at)) for approved rows, which needs `btree_gist` (created
here if missing; create it once as a superuser if the app's user may not). SQLite has no such
constraint: there the service checks under the write lock every write request takes.

Revision ID: 09ba3cf93543
Revises: e8b4d1c6a293
Create Date: 2026-12-07 17:45:59.369771

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '09ba3cf93543'
down_revision = 'e8b4d1c6a293'
branch_labels = None
depends_on = None


def on(*dialects):
    """True when this migration runs on one of `dialects` (for objects made with ddl_if)."""
    return op.get_bind().dialect.name in dialects


def upgrade():
    op.create_table('training_spaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('name_fa', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('equipment', sa.JSON(), nullable=False),
    sa.Column('is_accessible', sa.Boolean(), nullable=False),
    sa.Column('accessibility_note', sa.String(length=300), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.Column('open_weekdays', sa.JSON(), nullable=False),
    sa.Column('used_by_markets', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('photo_key', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 10000', name=op.f('ck_training_spaces_capacity_range')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_training_spaces_hours_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_training_spaces_created_by_id_users')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_training_spaces_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_spaces'))
    )
    with op.batch_alter_table('training_spaces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_spaces_venue_id'), ['venue_id'], unique=False)

    op.create_table('training_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('class', 'one_day_course', 'workshop', 'seminar', name='booking_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('expected_attendance', sa.Integer(), nullable=False),
    sa.Column('equipment_needs', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=True),
    sa.Column('every_weeks', sa.Integer(), nullable=True),
    sa.Column('series_starts_on', sa.Date(), nullable=True),
    sa.Column('series_ends_on', sa.Date(), nullable=True),
    sa.Column('recurrence_rule', sa.String(length=300), nullable=True),
    sa.Column('starts_at_local', sa.Time(), nullable=False),
    sa.Column('ends_at_local', sa.Time(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'withdrawn', name='booking_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('every_weeks IS NULL OR every_weeks BETWEEN 1 AND 4', name=op.f('ck_training_bookings_every_weeks_range')),
    sa.CheckConstraint('expected_attendance BETWEEN 1 AND 10000', name=op.f('ck_training_bookings_attendance_range')),
    sa.ForeignKeyConstraint(['centre_id'], ['training_centres.id'], name=op.f('fk_training_bookings_centre_id_training_centres')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_training_bookings_requested_by_id_users')),
    sa.ForeignKeyConstraint(['space_id'], ['training_spaces.id'], name=op.f('fk_training_bookings_space_id_training_spaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_bookings'))
    )
    with op.batch_alter_table('training_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_bookings_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_bookings_space_id'), ['space_id'], unique=False)

    op.create_table('training_space_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('repairs', 'official_event', 'other', name='training_block_reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_training_space_blocks_period_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_training_space_blocks_created_by_id_users')),
    sa.ForeignKeyConstraint(['space_id'], ['training_spaces.id'], name=op.f('fk_training_space_blocks_space_id_training_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_space_blocks'))
    )
    with op.batch_alter_table('training_space_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_space_blocks_space_id'), ['space_id'], unique=False)

    op.create_table('training_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('trade', sa.String(length=40), nullable=False),
    sa.Column('teacher', sa.String(length=120), nullable=False),
    sa.Column('audience', sa.String(length=300), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('waitlist_size', sa.Integer(), nullable=False),
    sa.Column('fee_amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('first_session_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_session_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 10000', name=op.f('ck_training_courses_capacity_range')),
    sa.CheckConstraint('fee_amount >= 0', name=op.f('ck_training_courses_fee_not_negative')),
    sa.CheckConstraint('waitlist_size BETWEEN 0 AND 10000', name=op.f('ck_training_courses_waitlist_range')),
    sa.ForeignKeyConstraint(['booking_id'], ['training_bookings.id'], name=op.f('fk_training_courses_booking_id_training_bookings')),
    sa.ForeignKeyConstraint(['centre_id'], ['training_centres.id'], name=op.f('fk_training_courses_centre_id_training_centres')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_training_courses_created_by_id_users')),
    sa.ForeignKeyConstraint(['space_id'], ['training_spaces.id'], name=op.f('fk_training_courses_space_id_training_spaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_courses')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_training_courses_booking_id'))
    )
    with op.batch_alter_table('training_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_courses_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_courses_first_session_at'), ['first_session_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_courses_space_id'), ['space_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_courses_trade'), ['trade'], unique=False)

    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('requested', 'approved', 'proposed', 'rejected', 'withdrawn', name='training_session_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('proposed_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_training_sessions_times_ordered')),
    sa.CheckConstraint('proposed_starts_at IS NULL OR proposed_ends_at > proposed_starts_at', name=op.f('ck_training_sessions_proposal_ordered')),
    sa.ForeignKeyConstraint(['booking_id'], ['training_bookings.id'], name=op.f('fk_training_sessions_booking_id_training_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_training_sessions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['space_id'], ['training_spaces.id'], name=op.f('fk_training_sessions_space_id_training_spaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions'))
    )
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_sessions_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('ix_training_sessions_space_starts', ['space_id', 'starts_at'], unique=False)

    op.create_table('training_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waitlisted', 'cancelled', name='registration_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_registrations_course_id_training_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_registrations'))
    )
    with op.batch_alter_table('training_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_registrations_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_registrations_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_training_registrations_live', ['course_id', 'user_id'], unique=True, sqlite_where=sa.text("status IN ('registered', 'waitlisted')"), postgresql_where=sa.text("status IN ('registered', 'waitlisted')"))

    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_training_attendance_marked_by_id_users')),
    sa.ForeignKeyConstraint(['registration_id'], ['training_registrations.id'], name=op.f('fk_training_attendance_registration_id_training_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_attendance_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance'))
    )
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attendance_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_training_attendance', ['registration_id', 'session_id'], unique=True)

    if on('postgresql'):
        # The same statements as the models' DDL events (training.models.bookings).
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute("ALTER TABLE training_sessions ADD CONSTRAINT ex_training_sessions_no_overlap "
                   "EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') "
                   "WITH &&) WHERE (status = 'approved')")


def downgrade():
    # btree_gist stays: other schemas of the database may use it.
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.drop_index('uq_training_attendance')
        batch_op.drop_index(batch_op.f('ix_training_attendance_session_id'))

    op.drop_table('training_attendance')
    with op.batch_alter_table('training_registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_training_registrations_live', sqlite_where=sa.text("status IN ('registered', 'waitlisted')"), postgresql_where=sa.text("status IN ('registered', 'waitlisted')"))
        batch_op.drop_index(batch_op.f('ix_training_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_registrations_course_id'))

    op.drop_table('training_registrations')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_training_sessions_space_starts')
        batch_op.drop_index(batch_op.f('ix_training_sessions_booking_id'))

    op.drop_table('training_sessions')
    with op.batch_alter_table('training_courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_courses_trade'))
        batch_op.drop_index(batch_op.f('ix_training_courses_space_id'))
        batch_op.drop_index(batch_op.f('ix_training_courses_first_session_at'))
        batch_op.drop_index(batch_op.f('ix_training_courses_centre_id'))

    op.drop_table('training_courses')
    with op.batch_alter_table('training_space_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_space_blocks_space_id'))

    op.drop_table('training_space_blocks')
    with op.batch_alter_table('training_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_bookings_space_id'))
        batch_op.drop_index(batch_op.f('ix_training_bookings_centre_id'))

    op.drop_table('training_bookings')
    with op.batch_alter_table('training_spaces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_spaces_venue_id'))

    op.drop_table('training_spaces')
