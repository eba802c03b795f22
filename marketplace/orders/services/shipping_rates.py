"""A trainee's flat shipping fee: offered at checkout for their part of an order."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.orders.models import ShippingRate


def set_shipping_rate(actor, amount: int | None) -> ShippingRate | None:
    """A trainee's flat shipping fee in minor units (the form checks its range); None stops
    offering shipping (pickup only)."""
    trainee = actor.trainee if actor is not None and actor.is_authenticated else None
    if trainee is None:
        raise NotFound(_("Only trainees set a shipping fee."))
    rate = db.session.scalar(select(ShippingRate).where(ShippingRate.trainee_id == trainee.id))
    if amount is None:
        if rate is not None:
            db.session.delete(rate)
            db.session.flush()
        return None
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    if rate is None:
        rate = ShippingRate(trainee_id=trainee.id, amount=amount, currency=currency)
        db.session.add(rate)
    else:
        rate.amount, rate.currency = amount, currency
    db.session.flush()
    return rate
