"""Fixtures for the order and sales pages: a small shop (checkout's page tests use it too)."""

import pytest

from marketplace.catalogue.models import ProductKind


@pytest.fixture
def shop(create_trainee, create_product, create_user, create_centre):
    """Two trainees (two centres) with carpet tableaux, and a buyer."""

    class Shop:
        centre_a = create_centre()
        centre_b = create_centre()
        trainee_a = create_trainee(centre=centre_a)
        trainee_b = create_trainee(centre=centre_b)
        tableau_a = create_product(trainee=trainee_a, price_amount=120_000,
                                   kind=ProductKind.ONE_OF_A_KIND, title_en="Tabriz tableau")
        tableau_b = create_product(trainee=trainee_b, price_amount=95_000,
                                   kind=ProductKind.ONE_OF_A_KIND, title_en="Heris tableau")
        cushion = create_product(trainee=trainee_a, price_amount=8_000, stock=6,
                                 title_en="Kilim cushion")
        buyer = create_user()

    return Shop
