"""Sales a trainee records face to face at the booth, on the same stock as the online store.

The stock is taken with catalogue's `take_stock`, the one conditional UPDATE online checkout
uses, so a piece sold at the booth disappears online in the same transaction and two sales of
the last piece — at the booth or online — can never both succeed. The sale is booked in the
ledger as money already in the trainee's hand (`ledger.book_booth_sale`); the commission (and
any market fee) on it is then a debit, and the sale that turns the trainee's balance into a
debt tells them so, with the debt-due notice booth fees send. Functions flush and never
commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.policies import is_active_vendor
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    BoothSale,
    BoothSalePayment,
)
from marketplace.catalogue.models import Product
from marketplace.catalogue.queries.listings import MAX_ID
from marketplace.catalogue.services.stock import take_stock
from marketplace.core.errors import Conflict, Forbidden, NotFound
from marketplace.core.i18n import today_here
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.errors import OrderErrorCode
from marketplace.payments import queries
from marketplace.payments.services.debts import tell_debt_due
from marketplace.payments.services.ledger import book_booth_sale

# The most of one product one sale may record (the form's and the schema's bound).
MAX_QUANTITY = 999


@dataclass(frozen=True)
class BoothSaleData:
    """A booth sale as the form or a client typed it (shape already checked)."""

    product_id: int
    quantity: int
    payment_kind: BoothSalePayment
    card_reference: str = ""
    # Made by the page once per sale typed; sending it again records nothing new.
    client_key: str = ""


def check_seller(actor):
    """The actor, when a verified trainee of an enabled account; 403 otherwise."""
    if not is_active_vendor(actor):
        raise Forbidden(_("Only verified trainees can record booth sales."),
                        code=BoothErrorCode.NOT_ACTIVE_VENDOR)
    return actor


def record_booth_sale(actor, data: BoothSaleData) -> BoothSale:
    """Record a face-to-face sale of the actor's own product: take the stock (409
    `out_of_stock` when not enough is left), keep the sale and book it in the ledger. A sale
    whose client key was recorded already is answered with that sale, and nothing changes."""
    trainee = check_seller(actor).trainee
    product = db.session.get(Product, data.product_id) \
        if 0 < data.product_id <= MAX_ID else None
    if product is None or product.trainee_id != trainee.id:
        # Someone else's product is as missing as one that does not exist.
        raise NotFound(_("Choose one of your own products."),
                       code=BoothErrorCode.NOT_YOUR_PRODUCT, fields={"product_id": [
                           _("Choose one of your own products.")]})
    if data.client_key:
        already = _sale_with_key(trainee.id, data.client_key)
        if already is not None:
            return already
    title = product.title(actor.locale)
    price, currency = product.price_amount, product.currency  # read before the UPDATE expires it
    try:
        # A savepoint: if the same key is being recorded by another request at this moment,
        # its unique index refuses this row and the stock taken here is given back with it.
        with db.session.begin_nested():
            if not take_stock(product.id, data.quantity):
                raise Conflict(_("Sorry, “%(title)s” is sold out or has fewer left than that. "
                                 "Nothing was recorded.", title=title),
                               code=OrderErrorCode.OUT_OF_STOCK)
            sale = BoothSale(
                trainee_id=trainee.id, product_id=product.id, quantity=data.quantity,
                unit_price_amount=price, currency=currency, payment_kind=data.payment_kind,
                card_reference=(data.card_reference or None)
                if data.payment_kind == BoothSalePayment.CARD else None,
                assignment_id=booth_today(trainee.id), client_key=data.client_key or None,
                created_by_id=actor.id)
            db.session.add(sale)
            db.session.flush()
    except IntegrityError:
        same = _sale_with_key(trainee.id, data.client_key) if data.client_key else None
        if same is None:
            raise
        return same
    _tell_if_now_in_debt(trainee, sale.currency, book_booth_sale(sale))
    return sale


def _tell_if_now_in_debt(trainee, currency: str, entries) -> None:
    """Told once: when this sale's entries take the balance from nothing owed to a debt. A
    sale that adds to a debt the trainee already has (and was told of) tells nothing new."""
    after = queries.balance(trainee.id, currency)
    before = after.amount - sum(entry.amount for entry in entries)
    if after.amount < 0 <= before:
        tell_debt_due(trainee.user, Money(-after.amount, currency))


def _sale_with_key(trainee_id: int, client_key: str) -> BoothSale | None:
    return db.session.scalar(select(BoothSale).where(BoothSale.trainee_id == trainee_id,
                                                     BoothSale.client_key == client_key))


def booth_today(trainee_id: int) -> int | None:
    """The trainee's live booth assignment for today (the marketplace's date), if any."""
    today = today_here()
    return db.session.scalar(select(Assignment.id).where(
        Assignment.trainee_id == trainee_id, Assignment.day == today,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)))
