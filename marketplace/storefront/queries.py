"""Read-only lookups behind the store, centre and QR pages — each a fixed number of queries."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Trainee, TraineeStatus, TrainingCentre, User
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import Product, ProductStatus
from marketplace.catalogue.policies import is_publicly_visible
from marketplace.core.errors import NotFound
from marketplace.core.pagination import Page, paginate
from marketplace.extensions import db
from marketplace.storefront.errors import StorefrontErrorCode


def get_store(slug: str) -> Trainee:
    """The verified trainee behind /s/<slug>, with user and centre; 404 for anyone else."""
    trainee = db.session.scalar(
        select(Trainee)
        .options(joinedload(Trainee.user), joinedload(Trainee.centre))
        .where(Trainee.store_slug == slug, Trainee.status == TraineeStatus.VERIFIED))
    if trainee is None or trainee.user.is_disabled:
        raise NotFound(_("There is no such store, or it is closed."),
                       code=StorefrontErrorCode.STORE_NOT_FOUND)
    return trainee


def store_products(trainee: Trainee, page: int, per_page: int) -> Page:
    """A page of the trainee's active products, newest first (2 queries + product options)."""
    statement = (select(Product)
                 .where(Product.trainee_id == trainee.id, Product.status == ProductStatus.ACTIVE)
                 .order_by(Product.created_at.desc(), Product.id.desc()))
    statement = statement.options(*product_card_options())
    result = paginate(db.session, statement, page, per_page)
    for product in result.items:
        # Every product on the page is this trainee's: reuse the loaded object, no lazy load.
        product.trainee = trainee
    return result


def product_card_options() -> list:
    """Loader options for a product card: its category's name and its images (for the cover),
    one extra query for the whole page."""
    return [joinedload(Product.category), selectinload(Product.images)]


def get_centre(slug: str) -> TrainingCentre:
    centre = db.session.scalar(select(TrainingCentre).where(TrainingCentre.slug == slug))
    if centre is None:
        raise NotFound(_("There is no such training centre."),
                       code=StorefrontErrorCode.CENTRE_NOT_FOUND)
    return centre


def _verified_stores():
    return (select(Trainee)
            .join(Trainee.user)
            .where(Trainee.status == TraineeStatus.VERIFIED)
            .where(User.is_disabled.is_(False)))


def centre_stores(centre: TrainingCentre, page: int, per_page: int) -> Page:
    """A page of the centre's verified trainees' stores, by store name then id (2 queries)."""
    statement = (_verified_stores()
                 .options(joinedload(Trainee.user))
                 .where(Trainee.centre_id == centre.id)
                 .order_by(Trainee.store_name, Trainee.id))
    result = paginate(db.session, statement, page, per_page)
    for trainee in result.items:
        trainee.centre = centre
    return result


def active_product_counts(trainee_ids: list[int]) -> dict[int, int]:
    """Number of active products per trainee, in one grouped query."""
    if not trainee_ids:
        return {}
    rows = db.session.execute(
        select(Product.trainee_id, func.count(Product.id))
        .where(Product.trainee_id.in_(trainee_ids), Product.status == ProductStatus.ACTIVE)
        .group_by(Product.trainee_id))
    return {row[0]: row[1] for row in rows}


def centres_with_store_counts() -> list[tuple[TrainingCentre, int]]:
    """Every centre with its number of verified stores, by province, city and name (1 query)."""
    stores = (_verified_stores()
              .with_only_columns(Trainee.centre_id, func.count(Trainee.id).label("n"))
              .group_by(Trainee.centre_id)
              .subquery())
    rows = db.session.execute(
        select(TrainingCentre, func.coalesce(stores.c.n, 0))
        .outerjoin(stores, stores.c.centre_id == TrainingCentre.id)
        .order_by(TrainingCentre.province, TrainingCentre.city, TrainingCentre.name_fa,
                  TrainingCentre.id))
    return [(centre, count) for centre, count in rows]


def get_public_product(product_id: int) -> Product:
    """A product the public may see (as on its page), with trainee, user and centre; 404
    otherwise."""
    product = db.session.scalar(
        select(Product)
        .options(joinedload(Product.trainee).joinedload(Trainee.user),
                 joinedload(Product.trainee).joinedload(Trainee.centre))
        .where(Product.id == product_id))
    if product is None or not is_publicly_visible(product):
        raise NotFound(_("There is no such product on sale."),
                       code=CatalogueErrorCode.PRODUCT_NOT_FOUND)
    return product
