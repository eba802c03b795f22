"""Product views for the needs assessment (demand per category), counted without a write per
page view: each process counts the views of the product pages it serves (rendered, or from
the page cache through `cached_page(on_hit=...)`) in a buffer like the search log's
(`search_log.RowBuffer`; PRODUCT_VIEWS_FLUSH_SECONDS / PRODUCT_VIEWS_BATCH, also in tests, so a
test writes them with `flush()`), and adds them to `ProductViewDay` as one upsert per batch,
after a response, in a transaction of its own. The page itself sends no statement for it. A
killed worker loses at most a batch of views."""

from __future__ import annotations

from collections import Counter

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.catalogue.models import Product, ProductViewDay
from marketplace.catalogue.search_log import RowBuffer
from marketplace.core.i18n import today_here
from marketplace.extensions import db

_KEY = "product_views"


def init_app(app) -> None:
    app.extensions[_KEY] = RowBuffer(app, add_views,
                                     ("PRODUCT_VIEWS_FLUSH_SECONDS", "PRODUCT_VIEWS_BATCH"))


def count_view(product_id: int) -> None:
    """One view of the product's page (in a request)."""
    current_app.extensions[_KEY].add_after_response({"day": today_here(), "product_id": product_id})


def count_cached_view(meta: dict) -> None:
    """The product page served from the page cache is a view all the same."""
    if meta.get("product_view"):
        count_view(int(meta["product_view"]))


def add_views(rows: list[dict]) -> None:
    """Add a batch of views to the daily counters (one upsert), and commit. Views of a
    product deleted meanwhile are dropped."""
    counts = Counter((row["day"], row["product_id"]) for row in rows)
    alive = set(db.session.scalars(select(Product.id).where(
        Product.id.in_({product_id for _day, product_id in counts}))))
    values = [{"day": day, "product_id": product_id, "views": views}
              for (day, product_id), views in sorted(counts.items()) if product_id in alive]
    if values:
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(ProductViewDay).values(values)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=[ProductViewDay.day, ProductViewDay.product_id],
            set_={"views": ProductViewDay.views + stmt.excluded.views}))
    db.session.commit()


def flush() -> None:
    """Write whatever views wait now (in an app context)."""
    buffer = current_app.extensions[_KEY]
    with buffer.lock:
        rows = buffer.take()
    if rows:
        db.session.rollback()
        add_views(rows)
