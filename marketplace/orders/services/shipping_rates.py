"""A trainee's flat shipping fee: offered at checkout for their part of an order."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.errors import BadRequest, NotFound
from marketplace.extensions import db
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import ShippingRate

MAX_SHIPPING_FEE = 10**9


def set_shipping_rate(actor, amount: int | None) -> ShippingRate | None:
    """A trainee's flat shipping fee; None stops offering shipping (pickup only)."""
    trainee = actor.trainee if actor is not None and actor.is_authenticated else None
    if trainee is None:
        raise NotFound(_("Only trainees set a shipping fee."))
    rate = db.session.scalar(select(ShippingRate).where(ShippingRate.trainee_id == trainee.id))
    if amount is None:
        if rate is not None:
            db.session.delete(rate)
            db.session.flush()
        return None
    if not isinstance(amount, int) or isinstance(amount, bool) or \
            not 0 <= amount <= MAX_SHIPPING_FEE:
        raise BadRequest(_("Enter a shipping fee of zero or more."), code=OrderErrorCode.BAD_AMOUNT,
                         fields={"amount": [_("Enter a shipping fee of zero or more.")]})
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    if rate is None:
        rate = ShippingRate(trainee_id=trainee.id, amount=amount, currency=currency)
        db.session.add(rate)
    else:
        rate.amount, rate.currency = amount, currency
    db.session.flush()
    return rate
