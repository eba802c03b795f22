"""Demo orders and payments: flat shipping fees for half of the verified trainees, payout
details (a Sheba) for every verified trainee, ledger rows for paid orders, and the demo buyer's
two orders — one paid (its sale booked in the ledger), one to be paid at pickup.

The orders are placed the real way (cart → place_order), so stock is taken as in production.
Every step looks before it writes: shipping fees and payout details per trainee, ledger rows
per order line (`book_order_sales` books each sale once), and the buyer's orders only when the
buyer has none.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts.models import Trainee, TraineeStatus, User
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.demo.catalogue import price
from marketplace.demo.people import demo_email
from marketplace.extensions import db
from marketplace.orders.models import Fulfilment, Order, OrderStatus, ShippingRate
from marketplace.orders.services import cart as carts
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
