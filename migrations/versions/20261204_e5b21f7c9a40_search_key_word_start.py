"""Search keys start with a space, like every later word, so that a term of one or two
letters is looked for at the start of a word (" گل") by the same trigram indexes as longer
terms (catalogue.queries._text_conditions). On SQLite the FTS5 triggers re-index each row.

Revision ID: e5b21f7c9a40
Revises: d8a2f6c1b950
Create Date: 2026-12-04 08:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5b21f7c9a40'
down_revision = 'd8a2f6c1b950'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE products SET search_key = ' ' || search_key "
               "WHERE search_key NOT LIKE ' %'")


def downgrade():
    op.execute("UPDATE products SET search_key = substr(search_key, 2) "
               "WHERE search_key LIKE ' %'")
