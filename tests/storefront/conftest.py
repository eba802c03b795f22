"""Helpers for storefront tests: products made straight from the catalogue models."""

import itertools

import pytest

from marketplace.catalogue.models import Category, Product, ProductStatus

_seq = itertools.count(1)


@pytest.fixture
def category(db):
    n = next(_seq)
    row = Category(slug=f"carpet-tableaux-{n}", name_fa="تابلو فرش", name_en="Carpet tableaux")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def make_product(db, category):
    """make_product(trainee, **overrides) -> an active product of that trainee."""

    def make(trainee, **overrides) -> Product:
        n = next(_seq)
        values = {"title_fa": f"تابلو فرش گل و مرغ {n}", "title_en": f"Flowers and birds {n}",
                  "price_amount": 1_250_000 + n, "currency": "USD", "stock": 1,
                  "status": ProductStatus.ACTIVE, "category": category, **overrides}
        product = Product(trainee=trainee, **values)
        db.session.add(product)
        db.session.commit()
        return product

    return make
