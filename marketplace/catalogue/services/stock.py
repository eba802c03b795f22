"""Stock taken when an order is placed and given back when it is not paid (used by orders)."""

from __future__ import annotations

from sqlalchemy import bindparam, case, update
from sqlalchemy.orm.util import identity_key

from marketplace.catalogue.models import Product, ProductStatus
from marketplace.core.db import rows_changed, utcnow
from marketplace.extensions import db


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValueError("quantity must be a positive int")


def _forget_cached(product_id: int) -> None:
    """The UPDATE bypassed the ORM; make a loaded Product re-read stock and status."""
    product = db.session.identity_map.get(identity_key(Product, product_id))
    if product is not None:
        db.session.expire(product, ["stock", "status", "updated_at"])


def take_stock(product_id: int, quantity: int) -> bool:
    """Take `quantity` of an active product; False (and nothing changed) if there is not enough.

    One statement — `UPDATE products SET stock = stock - :n WHERE id = :id AND stock >= :n AND
    status = 'active'` — so two buyers of the last item can never both succeed, on SQLite or
    PostgreSQL. A product whose stock reaches zero becomes sold out in the same statement.
    """
    _check_quantity(quantity)
    changed = rows_changed(db.session.execute(_TAKE_STOCK, {
        "product_id": product_id, "quantity": quantity, "now": utcnow()})) == 1
    _forget_cached(product_id)
    return changed


# Built once: every order placed runs it per line, and a statement object that is reused keeps
# its SQL-cache key (as accounts.api_tokens' lookup does).
_TAKE_STOCK = (
    update(Product)
    .where(Product.id == bindparam("product_id"), Product.stock >= bindparam("quantity"),
           Product.status == ProductStatus.ACTIVE)
    .values(stock=Product.stock - bindparam("quantity"),
            status=case((Product.stock == bindparam("quantity"), ProductStatus.SOLD_OUT.value),
                        else_=Product.status),
            updated_at=bindparam("now", type_=Product.__table__.c.updated_at.type))
    .execution_options(synchronize_session=False)
)


def return_stock(product_id: int, quantity: int) -> None:
    """Give stock back (an order expired unpaid, was cancelled, its payment failed); a sold-out
    product is for sale again."""
    _check_quantity(quantity)
    statement = (
        update(Product)
        .where(Product.id == product_id)
        .values(stock=Product.stock + quantity,
                status=case((Product.status == ProductStatus.SOLD_OUT.value,
                             ProductStatus.ACTIVE.value), else_=Product.status),
                updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(statement)
    _forget_cached(product_id)

