"""PostgreSQL finds search terms through the words of the keys instead of LIKE over a pg_trgm
index of the whole keys: `search_words` holds every word once (with its own pg_trgm index),
and a GIN index holds each key's words (catalogue.search_ddl, POSTGRES_SEARCH_DDL). Nothing is
re-checked row by row, which cost common words 60-140 ms on 100k products. Triggers add the
words of new keys; the old index on the keys goes. SQLite keeps its FTS5 table.

The DDL is catalogue.search_ddl's, the one copy `create_all` uses too (see there before
changing it).

Revision ID: b3d9e1f27a64
Revises: e5b21f7c9a40
Create Date: 2026-12-04 12:20:00

"""
from alembic import op

from marketplace.catalogue.search_ddl import POSTGRES_SEARCH_DDL


# revision identifiers, used by Alembic.
revision = 'b3d9e1f27a64'
down_revision = 'e5b21f7c9a40'
branch_labels = None
depends_on = None

SEARCH_DDL = (
    *POSTGRES_SEARCH_DDL,
    # The words of the keys already there.
    """INSERT INTO search_words (word)
        SELECT DISTINCT word FROM products, unnest(string_to_array(search_key, ' ')) AS word
        WHERE word <> ''""",
    "DROP INDEX IF EXISTS ix_products_search_key_trgm",
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in SEARCH_DDL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_products_search_key_trgm ON products "
               "USING gin (search_key gin_trgm_ops)")
    op.execute("DROP TABLE search_words")
    op.execute("DROP FUNCTION search_words_of_new_rows, search_words_of_new_key CASCADE")
    op.execute("DROP INDEX ix_products_search_words")
