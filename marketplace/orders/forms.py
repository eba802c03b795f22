"""HTML forms of the orders pages; they give typed values the services take."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import InputRequired, ValidationError

from marketplace.core.api import MAX_ID
from marketplace.core.errors import BadRequest
from marketplace.core.forms import AmountField, Bounds, Form, LocalizedIntegerField
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.services.cart import quantity_problem

MAX_SHIPPING_FEE = 10**9  # minor units; anything above is a typo
FEE_AS_NUMBER = _l("Enter the fee as a number, e.g. %(example)s.")


class ShippingFeeForm(Form):
    """A trainee's flat shipping fee, or none (pickup only)."""

    offers_shipping = BooleanField(_l("I ship orders"), false_values=("", "0", "false"))
    amount = AmountField(_l("Shipping fee"), message=FEE_AS_NUMBER,
                         validators=[Bounds(0, MAX_SHIPPING_FEE)])

    def validate_amount(self, field) -> None:
        if self.offers_shipping.data and field.data is None and not field.errors:
            raise ValidationError(field.problem())

    def validate(self, extra_validators=None) -> bool:
        """Without shipping, whatever stands in the fee field does not matter."""
        if super().validate(extra_validators):
            return True
        if not self.offers_shipping.data and set(self.errors) == {"amount"}:
            self.amount.errors = []
            return True
        return False

    def fee(self) -> int | None:
        """The fee in minor units, or None when the trainee does not ship."""
        return self.amount.data if self.offers_shipping.data else None


QUANTITY_WHOLE = _l("Quantity must be a whole number.")
CHOOSE_A_PRODUCT = _l("Choose a product.")


class QuantityField(LocalizedIntegerField):
    """How many of a product, typed with Latin or Persian digits; the field's default when
    the form does not send it at all."""

    def process_formdata(self, valuelist):
        if not valuelist:
            self.data = self.object_data
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(QUANTITY_WHOLE)) from None


def _quantity_rules(form, field) -> None:
    if field.data is None:
        if not field.errors:
            raise ValidationError(str(QUANTITY_WHOLE))
        return
    problem = quantity_problem(field.data)
    if problem:
        raise ValidationError(problem)


class CartLineForm(Form):
    """A cart line's new quantity (the cart page)."""

    quantity = QuantityField(_l("Quantity"), validators=[_quantity_rules])

    def refusal(self) -> BadRequest:
        """The 400 a refused form is: `bad_product` or `bad_quantity`, naming the fields."""
        code = OrderErrorCode.BAD_PRODUCT if "product_id" in self.errors \
            else OrderErrorCode.BAD_QUANTITY
        message = next(m for messages in self.errors.values() for m in messages)
        return BadRequest(message, code=code, fields=dict(self.errors))


class AddToCartForm(CartLineForm):
    """A product and how many of it (1 when not asked: a one-of-a-kind item's button)."""

    product_id = LocalizedIntegerField(validators=[InputRequired(message=CHOOSE_A_PRODUCT),
                                                   Bounds(1, MAX_ID)])
    quantity = QuantityField(_l("Quantity"), default=1, validators=[_quantity_rules])
