"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def on(*dialects):
    """True when this migration runs on one of `dialects` (for objects made with ddl_if)."""
    return op.get_bind().dialect.name in dialects


def upgrade():
% if not down_revision:
    if on("postgresql"):
        # Trigram indexes serve Persian substring search (needs a UTF-8 LC_CTYPE database).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

% endif
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
