"""The search index's DDL, in one place: what `create_all` attaches to `products`
(catalogue.models; the tests' and benchmarks' schema) and what the revisions that made these
objects run (migrations/versions/…_sqlite_fts5_search.py and …_postgres_search_words.py).

Neither SQLAlchemy's table definitions nor Alembic's autogenerate know FTS5 tables, triggers or
plpgsql functions, so the statements are written out. Because those revisions import them,
changing a statement here changes what a fresh `flask db upgrade` makes: a change needs a new
revision that turns the old objects into the new ones, and the old revisions must then keep
the old statements (copy them into the revision) so they still mean what they meant.
`scripts/check-migrations` compares the triggers and virtual tables a migrated SQLite database
has with those `create_all` makes.
"""

# SQLite's substring index (ARCHITECTURE §4): an FTS5 table with SQLite's own trigram
# tokenizer over products.search_key, kept in step by triggers. A quoted phrase of 3+
# characters matches exactly the keys that contain it (LIKE '%phrase%' without the scan), so
# results equal a LIKE over every key, as on PostgreSQL. The table holds no copy of the
# text (content='products'); the triggers give it each old key to remove.
SQLITE_SEARCH_TABLE = "product_search"
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE product_search USING fts5(search_key, content='products', "
    "content_rowid='id', tokenize='trigram case_sensitive 1')",
    """CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
        INSERT INTO product_search (rowid, search_key) VALUES (new.id, new.search_key);
    END""",
    """CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
        INSERT INTO product_search (product_search, rowid, search_key)
            VALUES ('delete', old.id, old.search_key);
    END""",
    """CREATE TRIGGER products_search_update AFTER UPDATE OF search_key ON products BEGIN
        INSERT INTO product_search (product_search, rowid, search_key)
            VALUES ('delete', old.id, old.search_key);
        INSERT INTO product_search (rowid, search_key) VALUES (new.id, new.search_key);
    END""",
)
SQLITE_SEARCH_DROP = ("DROP TABLE IF EXISTS product_search",)

# PostgreSQL's substring index (ARCHITECTURE §4): every word of every search key, once, in
# `search_words` (pg_trgm indexes that short list), and a GIN index of each key's words. A term
# is looked up among the words first (LIKE, as on the whole key), then the products holding one
# of those words come from the GIN index, exactly: a key's words are split at its single spaces
# (core.text.normalize) and a term has none, so it occurs in a key exactly when it occurs in
# one of its words. Unlike LIKE over a pg_trgm index of the keys, nothing is re-checked row by
# row, which cost common words (most carpet tableaux say «تابلو», «فرش», «رج») 60-140 ms.
# Triggers add a new key's words. Words no key holds any more stay: they match no product,
# and removing one could race a writer that is adding it back.
POSTGRES_SEARCH_WORDS_TABLE = "search_words"
POSTGRES_SEARCH_DDL = (
    "CREATE TABLE search_words (word text PRIMARY KEY)",
    "CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)",
    "CREATE INDEX ix_products_search_words ON products "
    "USING gin (string_to_array(search_key, ' '))",
    # Sorted, so that two writers that add the same new words take their locks in one order.
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
    # Inserts once per statement (bulk loads); updates per row, only when the key changed, so
    # the stock updates of checkout never run it.
    """CREATE TRIGGER products_search_words_insert AFTER INSERT ON products
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION search_words_of_new_rows()""",
    """CREATE TRIGGER products_search_words_update AFTER UPDATE OF search_key ON products
        FOR EACH ROW WHEN (OLD.search_key IS DISTINCT FROM NEW.search_key)
        EXECUTE FUNCTION search_words_of_new_key()""",
)
POSTGRES_SEARCH_DROP = (
    "DROP TABLE IF EXISTS search_words",
    "DROP FUNCTION IF EXISTS search_words_of_new_rows, search_words_of_new_key CASCADE",
)
