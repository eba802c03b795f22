"""HTML forms of the orders pages; they give typed values the services take."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import ValidationError

from marketplace.core.forms import AmountField, Bounds, Form

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
