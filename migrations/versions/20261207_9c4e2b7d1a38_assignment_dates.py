"""Assignments carry their market day's date, and a partial unique index over live assignments
on (trainee, date) holds a trainee to one booth per calendar date across markets (before, the
index on (trainee, market day) let one person hold booths at two markets on the same date).

Existing rows get the date of their market day. Where a trainee already holds two live booths
on one date, the earliest assignment (lowest id) stays and the later ones are cancelled with
reason `double_booked` (their due fees waived, their subsidy entries reversed, as a staff
cancellation does), so the index can be built. Downgrade drops the column; it does not restore
those cancellations.

Allocation runs gain `dropped_json`: the placements of a preview that no longer held when it was
confirmed, left out and listed.

Revision ID: 9c4e2b7d1a38
Revises: b3d9e1f27a64
Create Date: 2026-12-07 03:20:00.000000

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4e2b7d1a38'
down_revision = 'b3d9e1f27a64'
branch_labels = None
depends_on = None

LIVE = "status IN ('active', 'checked_in')"


def upgrade():
    op.add_column('allocation_runs', sa.Column('dropped_json', sa.Text(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot make a column NOT NULL in place, and rebuilding the table (batch mode)
        # fails on a filled database: dropping the old table breaks the foreign keys of booth
        # fees, subsidies and strikes. A NOT NULL column with a placeholder default is added
        # instead; every row gets its real date next, and the app always sets it on insert.
        op.execute("ALTER TABLE booth_assignments ADD COLUMN day DATE NOT NULL "
                   "DEFAULT '0001-01-01'")
    else:
        op.add_column('booth_assignments', sa.Column('day', sa.Date(), nullable=True))

    bind.execute(sa.text(
        "UPDATE booth_assignments SET day = (SELECT market_days.day FROM market_days "
        "WHERE market_days.id = booth_assignments.market_day_id)"))
    now = sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True))
    bind.execute(sa.text(
        "UPDATE booth_assignments SET status = 'cancelled', cancelled_at = :now, "
        "cancel_reason = 'double_booked' "
        f"WHERE {LIVE} AND EXISTS (SELECT 1 FROM booth_assignments AS earlier "
        "WHERE earlier.trainee_id = booth_assignments.trainee_id "
        "AND earlier.day = booth_assignments.day "
        "AND earlier.status IN ('active', 'checked_in') "
        "AND earlier.id < booth_assignments.id)").bindparams(now))
    doubled = "SELECT id FROM booth_assignments WHERE cancel_reason = 'double_booked'"
    bind.execute(sa.text(
        "UPDATE booth_fees SET status = 'waived', settled_at = :now "
        f"WHERE status = 'due' AND assignment_id IN ({doubled})").bindparams(now))
    bind.execute(sa.text(
        "UPDATE booth_subsidies SET is_reversed = :yes "
        f"WHERE assignment_id IN ({doubled})").bindparams(yes=True))

    if bind.dialect.name != "sqlite":
        op.alter_column('booth_assignments', 'day', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('booth_assignments', schema=None) as batch_op:
        batch_op.create_index('uq_booth_assignments_trainee_date_live', ['trainee_id', 'day'], unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    with op.batch_alter_table('booth_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_booth_assignments_trainee_date_live', sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    _drop_column('booth_assignments', 'day')
    _drop_column('allocation_runs', 'dropped_json')


def _drop_column(table, column):
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place; batch mode would rebuild the table, which
        # breaks the foreign keys pointing at it on a filled database.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
