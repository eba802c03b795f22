"""Demo shipping fees: half of the verified trainees ship, for a flat fee (idempotent).
The demo orders themselves are placed by checkout.demo, the real way."""

from sqlalchemy import select

from marketplace.accounts.models import Trainee, TraineeStatus
from marketplace.catalogue.demo import _price
from marketplace.extensions import db
from marketplace.orders.models import ShippingRate

SHIPPING_USD = 5


def seed(echo) -> None:
    from flask import current_app

    currency = current_app.config["MARKETPLACE_CURRENCY"]
    trainees = list(db.session.scalars(
        select(Trainee).where(Trainee.status == TraineeStatus.VERIFIED).order_by(Trainee.id)))
    known = set(db.session.scalars(select(ShippingRate.trainee_id)))
    added = 0
    for trainee in trainees[::2]:
        if trainee.id not in known:
            db.session.add(ShippingRate(trainee_id=trainee.id, currency=currency,
                                        amount=_price(SHIPPING_USD, currency)))
            added += 1
    db.session.flush()
    echo(f"orders: shipping fees for {len(trainees[::2])} trainees ({added} new)")
