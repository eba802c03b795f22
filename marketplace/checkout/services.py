"""The buyer's path from cart to order: place the order (taking stock), then pay it.

Checkout has no tables: it orchestrates catalogue (stock), orders (cart, order rows) and
payments (providers). Functions flush and never commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.catalogue.services.stock import take_stock
from marketplace.checkout.errors import CheckoutErrorCode
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, NotFound, RuleViolation
from marketplace.core.fast_writes import insert_now
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import (
    Cart,
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    VendorOrder,
)
from marketplace.orders.services.cart import MAX_LINE_QUANTITY, empty_cart
from marketplace.payments.providers import PAY_AT_PICKUP, is_enabled
from marketplace.payments.services import pay_at_pickup, payments

# The longest input each field takes (checkout.forms and checkout.schemas check them).
NAME_MAX = 120
PHONE_MAX = 32
ADDRESS_MAX = 1000
NOTE_MAX = 1000
PICKUP_KEY_MAX = 40


@dataclass
class CheckoutChoices:
    """What the buyer chose at checkout, per trainee (keyed by trainee id): the page's form
    (checkout.forms) and the API's schema (checkout.schemas) give it, its fields checked for
    shape; `place_order` checks what needs the cart and the database."""

    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    shipping_address: str = ""
    fulfilment: dict[int, Fulfilment] = field(default_factory=dict)
    pickup: dict[int, str] = field(default_factory=dict)
    # The goods total the buyer saw; a different one now (a price changed) is a 409.
    expected_subtotal: int | None = None
    note: str = ""
    # How the pickup parts are paid: online with the rest, or to their trainees at the booth
    # (shipped parts are always paid online).
    pickup_payment: PaymentMethod = PaymentMethod.ONLINE


class _OutOfStock(Exception):
    def __init__(self, title: str):
        super().__init__(title)
        self.title = title


def new_order_number() -> str:
    # 8 characters of an unambiguous alphabet: easy to read out at a booth.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "BZ-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def place_order(buyer, cart: Cart, choices: CheckoutChoices, locale: str = "fa") -> Order:
    """Turn the buyer's cart into one order with one vendor order per trainee, each paid online
    or — a pickup part, when the buyer chose so — at the booth. An order with nothing to pay
    online is held for pickup at once.

    Everything is checked before the first write. Stock is taken with one conditional UPDATE
    per line (in product order, so two checkouts never wait on each other in a cycle); if any
    line cannot be had, the savepoint rolls back every take and nothing is written.
    """
    if buyer is None or not buyer.is_authenticated:
        raise NotFound(_("We could not find your cart."))
    if cart is None or cart.user_id != buyer.id:
        raise NotFound(_("We could not find your cart."))
    if not cart.lines:
        raise RuleViolation(_("Your cart is empty."), code=CheckoutErrorCode.EMPTY_CART)

    currency = current_app.config["MARKETPLACE_CURRENCY"]
    for line in cart.lines:
        product = line.product
        if product.status not in (ProductStatus.ACTIVE, ProductStatus.SOLD_OUT) or \
                not product.trainee.is_verified or product.currency != currency:
            raise RuleViolation(
                _("“%(title)s” is not for sale any more; remove it from your cart.",
                  title=product.title(locale)), code=OrderErrorCode.PRODUCT_UNAVAILABLE)
        if product.trainee.user_id == buyer.id:
            raise RuleViolation(_("You cannot buy your own item."), code=OrderErrorCode.OWN_PRODUCT)
        limit = 1 if product.kind == ProductKind.ONE_OF_A_KIND else MAX_LINE_QUANTITY
        if line.quantity > limit:
            raise RuleViolation(_("Only %(n)s of this item can be ordered.", n=limit),
                                code=OrderErrorCode.NOT_ENOUGH_STOCK)

    errors: dict[str, list[str]] = {}
    contact_name = _one_line(choices.contact_name) or buyer.display_name
    address = choices.shipping_address.strip()
    groups = queries.group_lines(cart)
    chosen = choices.fulfilment
    # Shipping fees and pickup places are read only for the trainees whose part needs them.
    rates = queries.shipping_rates(
        g.trainee.id for g in groups if chosen.get(g.trainee.id) == Fulfilment.SHIPPING)
    options = queries.pickup_options(
        [g.trainee for g in groups if chosen.get(g.trainee.id) == Fulfilment.PICKUP], locale)

    plans: list[dict[str, Any]] = []
    for group in groups:
        trainee = group.trainee
        fulfilment = chosen.get(trainee.id)
        if fulfilment is None:  # every part of the cart needs a choice
            errors.setdefault(f"fulfilment_{trainee.id}", []).append(
                _("Choose shipping or pickup."))
            continue
        fulfilment = Fulfilment(fulfilment)
        plan: dict[str, Any] = {"group": group, "fulfilment": fulfilment, "shipping": 0,
                                "place": None,
                "day": None, "market_day_id": None, "address": None}
        if fulfilment == Fulfilment.SHIPPING:
            rate = rates.get(trainee.id)
            if rate is None:
                errors.setdefault(f"fulfilment_{trainee.id}", []).append(
                    _("%(store)s does not ship; choose pickup.", store=trainee.store_name))
                continue
            if not address:  # needed only for a part that really ships
                errors.setdefault("shipping_address", []).append(
                    _("Enter the address to ship to."))
            plan.update(shipping=rate.amount, address=address)
        else:
            wanted = choices.pickup.get(trainee.id) or options[trainee.id][0].key
            option = next((o for o in options[trainee.id] if o.key == wanted), None)
            if option is None:
                errors.setdefault(f"pickup_{trainee.id}", []).append(
                    _("Choose one of the pickup places offered."))
                continue
            plan.update(place=option.place, day=option.day, market_day_id=option.market_day_id,
                        booth_code=option.booth_code, assignment_id=option.assignment_id)
        plans.append(plan)
    if errors:
        raise BadRequest(_("Please check the highlighted fields."),
                         code=CheckoutErrorCode.INVALID_CHECKOUT,
                         fields=errors)
    at_pickup = _check_pickup_payment(choices.pickup_payment, plans)

    subtotal = sum(p["group"].subtotal_amount for p in plans)
    total = subtotal + sum(p["shipping"] for p in plans)
    if choices.expected_subtotal is not None and choices.expected_subtotal != subtotal:
        raise Conflict(_("Prices changed since you looked; please check your order again."),
                       code=CheckoutErrorCode.PRICES_CHANGED)

    now = utcnow()
    try:
        _take_stock_of(cart, locale)
    except _OutOfStock as gone:
        raise Conflict(_("Sorry, “%(title)s” was just sold out. Remove it from your cart and "
                         "try again.", title=gone.title),
                       code=OrderErrorCode.OUT_OF_STOCK) from None

    order = Order(
        number=new_order_number(), buyer_id=buyer.id, status=OrderStatus.PENDING_PAYMENT,
        total_amount=total, currency=currency,
        expires_at=now + timedelta(minutes=current_app.config["ORDER_HOLD_MINUTES"]),
        contact_name=contact_name, contact_phone=_one_line(choices.contact_phone),
        contact_email=(choices.contact_email or buyer.email or "").strip().lower(),
        note=_one_line(choices.note))
    for plan in plans:
        group = plan["group"]
        subtotal = group.subtotal_amount
        vendor_order = VendorOrder(
            trainee=group.trainee, fulfilment=plan["fulfilment"],
            pickup_place=plan["place"], pickup_day=plan["day"],
            pickup_market_day_id=plan["market_day_id"], pickup_booth_code=plan.get("booth_code"),
            pickup_assignment_id=plan.get("assignment_id"),
            shipping_address=plan["address"],
            payment_method=PaymentMethod.AT_PICKUP
            if at_pickup and plan["fulfilment"] == Fulfilment.PICKUP else PaymentMethod.ONLINE,
            subtotal_amount=subtotal, shipping_amount=plan["shipping"],
            total_amount=subtotal + plan["shipping"], refunded_amount=0, currency=currency)
        for line in group.lines:
            product = line.product
            vendor_order.lines.append(OrderLine(
                product_id=product.id, title=product.title(locale)[:200],
                quantity=line.quantity, unit_price_amount=product.price_amount,
                currency=currency))
        order.vendor_orders.append(vendor_order)
    _insert_order(order)
    empty_cart(cart)
    if at_pickup and not order.online_amount:
        # Nothing is paid online: the order is held for pickup at once, as the pay page's
        # "I will pay at pickup" does.
        payments.start_payment(buyer, order, PAY_AT_PICKUP)
    return order


def _check_pickup_payment(choice: PaymentMethod, plans: list[dict[str, Any]]) -> bool:
    """Does the buyer pay the pickup parts at the booth? Only where pay at pickup is offered
    and some part is picked up; else a 400 naming the choice (nothing is written yet)."""
    if choice != PaymentMethod.AT_PICKUP:
        return False
    if not is_enabled(PAY_AT_PICKUP):
        raise BadRequest(_("Paying at pickup is not offered here; choose to pay online."),
                         code=CheckoutErrorCode.PAY_AT_PICKUP_UNAVAILABLE,
                         fields={"pickup_payment": [_("Choose to pay online.")]})
    if not any(p["fulfilment"] == Fulfilment.PICKUP for p in plans):
        raise BadRequest(_("Only parts you pick up can be paid at the booth; every part of this "
                           "order is shipped, so choose to pay online."),
                         code=CheckoutErrorCode.NO_PICKUP_PARTS,
                         fields={"pickup_payment": [_("Choose to pay online.")]})
    # A trainee owing more than PICKUP_DEBT_LIMIT takes no cash at the booth (422).
    pay_at_pickup.check_pickup_allowed(p["group"].trainee.id for p in plans
                                       if p["fulfilment"] == Fulfilment.PICKUP)
    return True


def _insert_order(order: Order) -> None:
    """Write the order, its vendor orders and their lines, one INSERT each, without the unit of
    work's flush (half the CPU for the same statements; see core.fast_writes)."""
    insert_now(db.session, order)
    for vendor_order in order.vendor_orders:
        insert_now(db.session, vendor_order)
        for line in vendor_order.lines:
            insert_now(db.session, line)
    db.session.add(order)


def _take_stock_of(cart: Cart, locale: str) -> None:
    """Take every line's stock, or none of it (raises _OutOfStock).

    Lines are taken in product order, so two checkouts never wait on each other in a cycle.
    With several lines a savepoint undoes the takes that succeeded before one failed; a
    single take that fails has changed nothing, so it needs no savepoint (two round trips)."""
    lines = sorted(cart.lines, key=lambda ln: ln.product_id)
    if len(lines) == 1:
        if not take_stock(lines[0].product_id, lines[0].quantity):
            raise _OutOfStock(lines[0].product.title(locale))
        return
    with db.session.begin_nested():
        for line in lines:
            if not take_stock(line.product_id, line.quantity):
                raise _OutOfStock(line.product.title(locale))
