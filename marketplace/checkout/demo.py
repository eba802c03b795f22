"""Demo orders of the demo buyer: one paid (its sale booked in the ledger), one to be paid at
pickup. Placed the real way (cart → place_order), so stock is taken as in production.
Idempotent: nothing is placed when the demo buyer already has orders."""

from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts.models import Trainee, TraineeStatus, User
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.orders.services import cart as carts
from marketplace.orders.services.orders import hold_order_for_pickup, mark_order_paid
from marketplace.payments.providers import PAY_AT_PICKUP
from marketplace.payments.services.ledger import book_order_sales

BUYER_EMAIL = "buyer@demo.bazaarche.ir"


def seed(echo) -> None:
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
    paid = _place(buyer, [unique[0], regular[0]])
    mark_order_paid(paid)
    db.session.flush()
    db.session.refresh(paid)
    book_order_sales(paid)
    at_pickup = _place(buyer, [unique[1], unique[2]])
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


def _place(buyer: User, products: list[Product]) -> Order:
    cart = carts.get_or_create_cart(buyer, None)
    for product in products:
        carts.add_to_cart(buyer, cart, product.id, 1)
    choices = CheckoutChoices(contact_name=buyer.display_name, contact_phone="09141234567",
                              fulfilment={p.trainee_id: "pickup" for p in products})
    return place_order(buyer, cart, choices, "fa")
