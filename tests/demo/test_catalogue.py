"""The demo catalogue seeds believable listings with drawn photos, and is idempotent."""

from sqlalchemy import func, select

from marketplace.catalogue.models import Category, Product, ProductImage, ProductStatus
from marketplace.catalogue.queries.categories import category_tree
from marketplace.catalogue.queries.search import search_products
from marketplace.catalogue.queries.search_params import parse_search
from marketplace.demo import catalogue, people


def test_seed_twice_gives_the_same_world(db):
    people.seed(lambda _m: None)
    catalogue.seed(lambda _m: None)
    db.session.commit()
    products = db.session.scalar(select(func.count()).select_from(Product))
    images = db.session.scalar(select(func.count()).select_from(ProductImage))
    assert 55 <= products <= 65
    assert images >= products
    catalogue.seed(lambda _m: None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Product)) == products
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == images

    tableaux = db.session.scalar(select(Category).where(Category.slug == "carpet-tableaux"))
    keys = {d.key for d in tableaux.attributes}
    assert {"width_cm", "height_cm", "knot_density", "material", "colour_count", "design",
            "framed"} <= keys
    assert {c.slug for c in db.session.scalars(select(Category))} >= {
        "rugs-kilims", "handicrafts", "textiles-clothing", "woodwork", "food"}
    statuses = dict(db.session.execute(select(Product.status, func.count())
                                       .group_by(Product.status)).all())
    assert statuses[ProductStatus.ACTIVE] >= 40 and statuses[ProductStatus.SUBMITTED] >= 1

    from werkzeug.datastructures import MultiDict

    tree = category_tree()
    found = search_products(parse_search(MultiDict({"q": "تابلو فرش ابريشم"}), tree, "USD"),
                            tree)
    assert found.total >= 10
