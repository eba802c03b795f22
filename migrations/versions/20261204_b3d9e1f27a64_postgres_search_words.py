"""PostgreSQL finds search terms through the words of the keys instead of LIKE over a pg_trgm
index of the whole keys: `search_words` holds every word once (with its own pg_trgm index),
and a GIN index holds each key's words (catalogue.models, POSTGRES_SEARCH_DDL). Nothing is
re-checked row by row, which cost common words 60-140 ms on 100k products. Triggers add the
words of new keys; the old index on the keys goes. SQLite keeps its FTS5 table.

The DDL is repeated here, not imported, so this revision means the same whatever the code
becomes.

Revision ID: b3d9e1f27a64
Revises: e5b21f7c9a40
Create Date: 2026-12-04 12:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3d9e1f27a64'
down_revision = 'e5b21f7c9a40'
branch_labels = None
depends_on = None

SEARCH_DDL = (
    "CREATE TABLE search_words (word text PRIMARY KEY)",
    "CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)",
    "CREATE INDEX ix_products_search_words ON products "
    "USING gin (string_to_array(search_key, ' '))",
    """CREATE FUNCTION search_words_of_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_words (word)
            SELECT DISTINCT word FROM new_rows, unnest(string_to_array(search_key, ' ')) AS word
            WHERE word <> '' ORDER BY word
            ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION search_words_of_new_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_words (word)
            SELECT DISTINCT word FROM unnest(string_to_array(NEW.search_key, ' ')) AS word
            WHERE word <> '' ORDER BY word
            ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER products_search_words_insert AFTER INSERT ON products
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION search_words_of_new_rows()""",
    """CREATE TRIGGER products_search_words_update AFTER UPDATE OF search_key ON products
        FOR EACH ROW WHEN (OLD.search_key IS DISTINCT FROM NEW.search_key)
        EXECUTE FUNCTION search_words_of_new_key()""",
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
