"""Word-end trigrams: on SQLite, product_trigrams also holds "NN " for every word of a search
key that ends in two digits, so a number-and-unit search («۶۰ رج») narrows by "60 " instead of
reading every key (catalogue.search_index.trigrams). Adds those rows to existing products; the
rule is repeated here, not imported, so this revision means the same whatever the code becomes.

Revision ID: a7c3e9d41b52
Revises: fdf986c5756f
Create Date: 2026-12-04 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d41b52'
down_revision = 'fdf986c5756f'
branch_labels = None
depends_on = None

BATCH = 5000


def on(*dialects):
    """True when this migration runs on one of `dialects` (for objects made with ddl_if)."""
    return op.get_bind().dialect.name in dialects


def word_end_trigrams(search_key):
    return {f"{word[-2:]} " for word in (search_key or "").split()
            if len(word) >= 2 and word[-2:].isdigit()}


def upgrade():
    if not on("sqlite"):
        return  # PostgreSQL searches through pg_trgm; product_trigrams stays empty there
    bind = op.get_bind()
    last_id = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, search_key FROM products WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last_id, "n": BATCH}).all()
        if not rows:
            return
        grams = [{"trigram": gram, "product_id": product_id}
                 for product_id, key in rows for gram in word_end_trigrams(key)]
        if grams:
            bind.execute(sa.text("INSERT OR IGNORE INTO product_trigrams (trigram, product_id) "
                                 "VALUES (:trigram, :product_id)"), grams)
        last_id = rows[-1][0]


def downgrade():
    if on("sqlite"):
        op.execute("DELETE FROM product_trigrams WHERE substr(trigram, 3, 1) = ' '")
