"""Public products and their cards, a product's page, a trainee's listings, the review queue."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload

from marketplace.accounts.models import Trainee, TraineeStatus, TrainingCentre, User
from marketplace.catalogue.models import (
    PUBLISHED_STATUSES,
    Category,
    Product,
    ProductAttributeValue,
    ProductStatus,
)
from marketplace.core.pagination import Page, paginate
from marketplace.extensions import db

# Larger numbers in a query string are nonsense and overflow the columns: ids are 32-bit
# INTEGER on PostgreSQL, amounts BIGINT.
MAX_ID = 2**31 - 1
MAX_AMOUNT = 10**15
MAX_PAGE = 100_000


def listed_makers(centre_id: int | None = None, city: str | None = None):
    """Trainees whose products are listed: verified and enabled (and of one centre or city).

    Products are filtered by `trainee_id IN (this)`: a short list the database builds once
    per statement, checked on each product from its index entry, where joining every product
    to its trainee and user costs two lookups per product."""
    makers = (select(Trainee.id).join(User, Trainee.user_id == User.id)
              .where(Trainee.status == TraineeStatus.VERIFIED, User.is_disabled.is_(False)))
    if centre_id:
        makers = makers.where(Trainee.centre_id == centre_id)
    if city:
        makers = makers.join(TrainingCentre, Trainee.centre_id == TrainingCentre.id).where(
            TrainingCentre.city == city)
    # Never correlated: a page query joins trainees too, for the cards.
    return makers.correlate(None)


def public_product_conditions(centre_id: int | None = None, city: str | None = None) -> list:
    """Listed for everyone: approved (for sale or sold out), by a verified, enabled trainee."""
    return list(_public_conditions(centre_id, city))


@lru_cache(maxsize=512)
def _public_conditions(centre_id: int | None, city: str | None) -> tuple:
    # Built once per centre and city: building them cost every browse and search about 5 %
    # of its time. SQL expressions are immutable, so every statement may share them.
    return (Product.status.in_(PUBLISHED_STATUSES),
            Product.trainee_id.in_(listed_makers(centre_id, city)))


def _joined(statement):
    """Products with their maker, the maker's account and centre: what a card shows."""
    return (statement.join(Trainee, Product.trainee_id == Trainee.id)
            .join(User, Trainee.user_id == User.id)
            .join(TrainingCentre, Trainee.centre_id == TrainingCentre.id))


def card_options() -> list:
    """What a product card shows: its maker's store, name and centre (joined) and photos (one
    more query). Only those columns of the maker's rows, and not the product's long texts
    (descriptions, search key): the widest parts of each row, which no card shows."""
    maker = contains_eager(Product.trainee)
    return [maker.load_only(Trainee.store_name, Trainee.store_slug, Trainee.status,
                            Trainee.user_id, Trainee.centre_id),
            maker.contains_eager(Trainee.user).load_only(User.display_name),
            maker.contains_eager(Trainee.centre).load_only(
                TrainingCentre.name_fa, TrainingCentre.name_en, TrainingCentre.slug,
                TrainingCentre.city),
            selectinload(Product.images),
            defer(Product.description_fa), defer(Product.description_en),
            defer(Product.search_key)]


# Products by id with what their cards show. Built once: building the loader options and
# their SQL-cache key cost ~0.7 ms on each call, a quarter of loading a page of cards.
_CARDS_BY_ID = (_joined(select(Product)).where(Product.id.in_(bindparam("ids", expanding=True)))
                .options(*card_options()))


def products_in_order(ids: list[int]) -> list[Product]:
    """These products, in this order, with what their cards show (card_options)."""
    if not ids:
        return []
    by_id = {p.id: p for p in db.session.scalars(_CARDS_BY_ID, {"ids": ids})}
    return [by_id[i] for i in ids if i in by_id]


def newest_products(limit: int = 8) -> list[Product]:
    statement = (_joined(select(Product)).where(*public_product_conditions())
                 .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
                 .options(*card_options()))
    return list(db.session.scalars(statement).unique())


# Everything the product page shows; the category with two levels of parents (deeper trees
# load the rest lazily, one query per extra level). Built once per process: building the
# loader options on each request cost the page about 3 % of its time.
_PRODUCT_PAGE = (
    select(Product).where(Product.id == bindparam("product_id"))
    .options(joinedload(Product.category).joinedload(Category.parent)
             .joinedload(Category.parent),
             joinedload(Product.trainee).joinedload(Trainee.user),
             joinedload(Product.trainee).joinedload(Trainee.centre),
             selectinload(Product.images),
             selectinload(Product.attribute_values)
             .joinedload(ProductAttributeValue.definition)))


def load_product(product_id: int) -> Product | None:
    """A product with everything its page shows, in a constant number of queries."""
    if not 0 < product_id <= MAX_ID:
        return None
    return db.session.scalars(_PRODUCT_PAGE, {"product_id": product_id}).first()


def trainee_products(trainee_id: int, page: int = 1, per_page: int = 50) -> Page:
    page = min(page, MAX_PAGE)
    statement = (select(Product).where(Product.trainee_id == trainee_id)
                 .order_by(Product.updated_at.desc(), Product.id.desc())
                 .options(selectinload(Product.images), joinedload(Product.category)))
    return paginate(db.session, statement, page, per_page)


def review_queue(centre_ids: set[int] | None, page: int = 1, per_page: int = 24) -> Page:
    """Listings waiting for review: of the given centres' trainees, or all (admins: None)."""
    page = min(page, MAX_PAGE)
    statement = (_joined(select(Product)).where(Product.status == ProductStatus.SUBMITTED)
                 .order_by(Product.updated_at.asc(), Product.id.asc())
                 .options(*card_options(), joinedload(Product.category),
                          selectinload(Product.attribute_values)
                          .joinedload(ProductAttributeValue.definition)))
    if centre_ids is not None:
        statement = statement.where(Trainee.centre_id.in_(centre_ids or {-1}))
    return paginate(db.session, statement, page, per_page)

