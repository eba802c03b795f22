"""Demo orders and payments: flat shipping fees for half of the verified trainees, payout
details (a Sheba) for every verified trainee, ledger rows for paid orders, and the demo buyer's
two orders — one paid (its sale booked in the ledger), one to be paid at pickup; and the second
buyer's order of three weeks ago, shipped and delivered, whose sales are past the holding period
(PAYOUT_HOLD_DAYS), so the administrator can make a payout batch.

The orders are placed the real way (cart → place_order), so stock is taken as in production.
Every step looks before it writes: shipping fees and payout details per trainee, ledger rows
per order line (`book_order_sales` books each sale once), and the buyer's orders only when the
buyer has none; the order of three weeks ago when the second buyer has no order that old.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts.models import Trainee, TraineeStatus, User
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.core import db as core_db
from marketplace.core.db import utcnow
from marketplace.demo.catalogue import price
from marketplace.demo.people import SECOND_BUYER, demo_email
from marketplace.extensions import db
from marketplace.orders.models import Fulfilment, Order, OrderStatus, ShippingRate
from marketplace.orders.services import cart as carts
from marketplace.orders.services.fulfilment import mark_vendor_order
from marketplace.orders.services.orders import hold_order_for_pickup
from marketplace.payments.models import PayoutAccount
from marketplace.payments.providers import PAY_AT_PICKUP, StripeProvider
from marketplace.payments.services import ledger
from marketplace.payments.services.payments import record_paid_order
from marketplace.payments.sheba import sheba_from_account

SHIPPING_USD = 5
BUYER_EMAIL = demo_email("buyer")


def _verified_trainees() -> list[Trainee]:
    return list(db.session.scalars(
        select(Trainee).where(Trainee.status == TraineeStatus.VERIFIED).order_by(Trainee.id)))


def seed_shipping_rates(echo) -> None:
    """Every other verified trainee ships, for a flat fee."""
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    trainees = _verified_trainees()
    known = set(db.session.scalars(select(ShippingRate.trainee_id)))
    added = 0
    for trainee in trainees[::2]:
        if trainee.id not in known:
            db.session.add(ShippingRate(trainee_id=trainee.id, currency=currency,
                                        amount=price(SHIPPING_USD, currency)))
            added += 1
    db.session.flush()
    echo(f"orders: shipping fees for {len(trainees[::2])} trainees ({added} new)")


def _demo_iban(trainee_id: int) -> str:
    # A well-formed Sheba (its check digits match), not a real account.
    return sheba_from_account(f"0170000000{trainee_id:012d}")


def seed_payouts(echo) -> None:
    """Payout details for the verified trainees, and ledger rows for orders already paid."""
    trainees = _verified_trainees()
    known = set(db.session.scalars(select(PayoutAccount.trainee_id)))
    added = 0
    for trainee in trainees:
        if trainee.id in known:
            continue
        db.session.add(PayoutAccount(trainee_id=trainee.id,
                                     account_holder=trainee.user.display_name,
                                     iban=_demo_iban(trainee.id), bank_name="بانک ملی ایران"))
        added += 1
    db.session.flush()
    echo(f"payments: payout details for {len(trainees)} verified trainees ({added} new)")

    booked = 0
    for order in db.session.scalars(select(Order).where(Order.status == OrderStatus.PAID)
                                    .order_by(Order.id)):
        booked += len(ledger.book_order_sales(order))
    echo(f"payments: ledger rows for paid demo orders ({booked} new)")


def seed_orders(echo) -> None:
    """The demo buyer's orders: one paid by card, one to be paid at the booth."""
    buyer = db.session.scalar(select(User).where(User.email == BUYER_EMAIL))
    if buyer is None:
        return
    if db.session.scalar(select(func.count(Order.id)).where(Order.buyer_id == buyer.id)):
        echo("checkout: demo orders already there")
        return
    unique = _for_sale(ProductKind.ONE_OF_A_KIND, limit=3)
    regular = _for_sale(ProductKind.REGULAR, limit=1)
    if len(unique) < 3 or not regular:
        echo("checkout: not enough listings for demo orders")
        return
    paid = place_pickup_order(buyer, [unique[0], regular[0]])
    record_paid_order(paid, StripeProvider.name, f"pi_demo_{paid.number}")
    at_pickup = place_pickup_order(buyer, [unique[1], unique[2]])
    hold_order_for_pickup(at_pickup, PAY_AT_PICKUP)
    db.session.flush()
    echo(f"checkout: demo orders {paid.number} (paid) and {at_pickup.number} "
         f"(pay at pickup) for {buyer.email}")


def _for_sale(kind: ProductKind, limit: int) -> list[Product]:
    return list(db.session.scalars(
        select(Product).join(Trainee, Product.trainee_id == Trainee.id)
        .where(Product.kind == kind, Product.status == ProductStatus.ACTIVE,
               Product.stock > 0, Product.currency == current_app.config["MARKETPLACE_CURRENCY"],
               Trainee.status == TraineeStatus.VERIFIED)
        .order_by(Product.id).limit(limit)))


def place_pickup_order(buyer: User, products: list[Product],
                       pickup: dict[int, str] | None = None) -> Order:
    """An order placed the real way, every part collected at a booth: at the place key chosen
    per trainee in `pickup` (a booth-day, `day-<market day id>`), else the first offered."""
    cart = carts.get_or_create_cart(buyer, None)
    for product in products:
        carts.add_to_cart(buyer, cart, product.id, 1)
    choices = CheckoutChoices(contact_name=buyer.display_name, contact_phone="09141234567",
                              fulfilment={p.trainee_id: Fulfilment.PICKUP for p in products},
                              pickup=dict(pickup or {}))
    return place_order(buyer, cart, choices, "fa")


# The second buyer's order of three weeks ago: a week past the holding period when the demo is
# made; one part from each of this many trainees who ship.
PAST_SALE_DAYS_BACK = 7
PAST_SALE_TRAINEES = 3


def seed_past_sales(echo) -> None:
    """The second buyer's order of three weeks ago from three trainees who ship, paid, shipped
    and delivered, so those trainees have a balance past the holding period and the
    administrator can make a payout batch. It is placed, paid and moved along the real way,
    on a clock set three weeks back (the demo cannot wait two weeks), so every moment of it —
    the ledger rows too, which are never changed once written — is of then. Made once: a second
    buyer with an order that old has it already."""
    buyer = db.session.scalar(select(User).where(User.email == demo_email(SECOND_BUYER[0])))
    if buyer is None:
        return
    back = timedelta(days=current_app.config.get("PAYOUT_HOLD_DAYS", 14) + PAST_SALE_DAYS_BACK)
    if db.session.scalar(select(Order.id).where(Order.buyer_id == buyer.id,
                                                Order.created_at < utcnow() - back
                                                + timedelta(days=1)).limit(1)):
        echo("payments: the order of three weeks ago is already there")
        return
    products = _shipped_by_paid_trainees()
    if not products:
        echo("payments: no trainee ships with payout details; no sales past the hold")
        return
    with _clock_back(back):
        cart = carts.get_or_create_cart(buyer, None)
        for product in products:
            carts.add_to_cart(buyer, cart, product.id, 1)
        order = place_order(buyer, cart, CheckoutChoices(
            contact_name=buyer.display_name, contact_phone="09141234568",
            shipping_address="تبریز، خیابان امام، کوچه‌ی گلستان، پلاک ۱۲",
            fulfilment={p.trainee_id: Fulfilment.SHIPPING for p in products}), "fa")
        record_paid_order(order, StripeProvider.name, f"pi_demo_{order.number}")
        for part in order.vendor_orders:
            seller = part.trainee.user
            mark_vendor_order(seller, part, "mark_shipped", f"DEMO{part.id:06d}")
            mark_vendor_order(seller, part, "complete")
        db.session.flush()
    echo(f"payments: order {order.number} of {order.created_at.date()} from "
         f"{len(products)} trainees, delivered; its sales can be paid out now")


@contextmanager
def _clock_back(back: timedelta) -> Iterator[None]:
    """Every moment the services stamp (core.db.utcnow, the columns' defaults too) is `back`
    earlier while this lasts. Only for the demo's seeding, which runs alone in its command."""
    real = core_db.datetime

    class Earlier(real):  # type: ignore[valid-type, misc]
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) - back

    core_db.datetime = Earlier  # type: ignore[misc]
    try:
        yield
    finally:
        core_db.datetime = real  # type: ignore[misc]


def _shipped_by_paid_trainees() -> list[Product]:
    """A regular piece (with stock to spare) of each of the first trainees who ship and have
    payout details; never a one-of-a-kind piece, which the other steps sell."""
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    shipping = set(db.session.scalars(select(ShippingRate.trainee_id)))
    paid = set(db.session.scalars(select(PayoutAccount.trainee_id)))
    chosen: dict[int, Product] = {}
    for product in db.session.scalars(
            select(Product).where(Product.kind == ProductKind.REGULAR,
                                  Product.status == ProductStatus.ACTIVE, Product.stock > 1,
                                  Product.currency == currency)
            .order_by(Product.trainee_id, Product.id)):
        if product.trainee_id in shipping & paid and product.trainee_id not in chosen and \
                product.trainee.status == TraineeStatus.VERIFIED:
            chosen[product.trainee_id] = product
    return list(chosen.values())[:PAST_SALE_TRAINEES]

