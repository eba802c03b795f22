"""SQLite's word index becomes an FTS5 table with SQLite's own trigram tokenizer
(`product_search`, over products.search_key, kept in step by triggers) instead of the
hand-kept product_trigrams rows: a quoted phrase matches exactly the keys that contain it, so
no LIKE re-check is needed, and FTS5 intersects its postings in C (a search for words found
in most products: ~170 → ~60 ms on 100k products). product_trigrams goes on both databases
(PostgreSQL never filled it).

A later revision that rebuilds `products` on SQLite (batch_alter_table with a change SQLite
cannot make in place) drops these triggers with the old table and must create them again.

The DDL is catalogue.search_ddl's, the one copy `create_all` uses too (see there before
changing it).

Revision ID: c41e7b9a2d03
Revises: a7c3e9d41b52
Create Date: 2026-12-04 05:45:00

"""
from alembic import op
import sqlalchemy as sa

from marketplace.catalogue.search_ddl import SQLITE_SEARCH_DDL


# revision identifiers, used by Alembic.
revision = 'c41e7b9a2d03'
down_revision = 'a7c3e9d41b52'
branch_labels = None
depends_on = None

BATCH = 5000


def on(*dialects):
    """True when this migration runs on one of `dialects` (for objects made with ddl_if)."""
    return op.get_bind().dialect.name in dialects


def upgrade():
    if on("sqlite"):
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)
        op.execute("INSERT INTO product_search (product_search) VALUES ('rebuild')")
    with op.batch_alter_table('product_trigrams', schema=None) as batch_op:
        batch_op.drop_index('ix_product_trigrams_product')
    op.drop_table('product_trigrams')


def old_trigrams(search_key):
    """The rule of the revisions before this one (catalogue.search_index.trigrams then)."""
    grams = set()
    for word in (search_key or "").split():
        grams.update(word[i:i + 3] for i in range(len(word) - 2))
        if len(word) >= 2 and word[-2:].isdigit():
            grams.add(f"{word[-2:]} ")
    return grams


def downgrade():
    op.create_table('product_trigrams',
    sa.Column('trigram', sa.String(length=3), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_trigrams_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trigram', 'product_id', name=op.f('pk_product_trigrams')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('product_trigrams', schema=None) as batch_op:
        batch_op.create_index('ix_product_trigrams_product', ['product_id'], unique=False)
    if not on("sqlite"):
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER products_search_{trigger}")
    op.execute("DROP TABLE product_search")
    bind = op.get_bind()
    last_id = 0
    while rows := bind.execute(sa.text(
            "SELECT id, search_key FROM products WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last_id, "n": BATCH}).all():
        grams = [{"trigram": gram, "product_id": product_id}
                 for product_id, key in rows for gram in old_trigrams(key)]
        if grams:
            bind.execute(sa.text("INSERT INTO product_trigrams (trigram, product_id) "
                                 "VALUES (:trigram, :product_id)"), grams)
        last_id = rows[-1][0]
