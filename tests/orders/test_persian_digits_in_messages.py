"""QA P3: counts in Persian messages use Persian digits («فقط ۳ عدد»)."""

import pytest
from flask_babel import force_locale

from marketplace.core.errors import RuleViolation
from marketplace.orders.services import cart as carts


def test_over_stock_message_uses_the_locales_digits(db, create_user, create_product):
    buyer = create_user()
    product = create_product(stock=3)
    cart = carts.get_or_create_cart(buyer, None)
    with force_locale("fa"), pytest.raises(RuleViolation) as error:
        carts.add_to_cart(buyer, cart, product.id, 5)
    assert "۳" in error.value.message and "3" not in error.value.message
    assert "۳" in str(error.value.fields["quantity"][0])
    with force_locale("en"), pytest.raises(RuleViolation) as error:
        carts.add_to_cart(buyer, cart, product.id, 5)
    assert "3" in error.value.message
