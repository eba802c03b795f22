"""Pickups that follow their booth, the pages: the buyer's one page per vendor order whose
booth-day went away (another day, shipping or a full refund), the QR image of the buyer's
handover code, and the trainee's handover page (typing the code, or opened by scanning that
QR, which carries it). Here in payments because a refund and a payment at the booth are money;
the services are orders.services.pickups and payments.services.pickup_changes."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from marketplace.core import qr
from marketplace.core.auth import require_login
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import locale_code
from marketplace.core.money import Money
from marketplace.core.urls import external_url
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.services import pickups
from marketplace.payments.forms import HandoverForm, RebookPickupForm, ShipInsteadForm
from marketplace.payments.models import ShippingPayment
from marketplace.payments.services import pickup_changes, shipping_payments
from marketplace.payments.services import zarinpal as zarinpal_payments
from marketplace.payments.services.access import check_vendor_access
from marketplace.payments.side_payment_pages import SidePaymentPages

bp = Blueprint("pickups", __name__)

# Refusals of a handover code that must be kept: the wrong try was counted.
COUNTED_REFUSALS = (OrderErrorCode.WRONG_HANDOVER_CODE, OrderErrorCode.HANDOVER_LOCKED)


def _part(number: str, vendor_order_id: int):
    user = require_login()
    vendor_order = pickups.disrupted_pickup_for(user, vendor_order_id)
    if vendor_order.order.number != number:
        raise NotFound(_("We could not find that order."))
    return user, vendor_order


def _choice_page(vendor_order, rebook=None, ship=None, status=200):
    locale = locale_code()
    options = pickups.rebook_options(vendor_order, locale)
    rebook = rebook or RebookPickupForm()
    rebook.assignment_id.choices = [(o.assignment_id, o.place) for o in options]
    refusal = pickups.shipping_refusal(vendor_order)
    due = shipping_payments.shipping_due(vendor_order)
    return render_template(
        "payments/pickup_choice.html", vo=vendor_order, options=options, rebook=rebook,
        ship=ship or ShipInsteadForm(), shipping_refusal=refusal[1] if refusal else None,
        payment_refusal=shipping_payments.online_refusal(vendor_order, due),
        shipping_due=due.money if due.total else None,
        goods_due=Money(due.goods, due.currency) if due.goods else None), status


@bp.get("/orders/<number>/pickups/<int:vendor_order_id>")
def choose(number, vendor_order_id):
    _user, vendor_order = _part(number, vendor_order_id)
    return _choice_page(vendor_order)


@bp.post("/orders/<number>/pickups/<int:vendor_order_id>/rebook")
def rebook(number, vendor_order_id):
    user, vendor_order = _part(number, vendor_order_id)
    form = RebookPickupForm()
    form.assignment_id.choices = []
    status = 422
    if form.validate():
        try:
            pickup_changes.rebook_lost_pickup(user, vendor_order.id, form.assignment_id.data,
                                              locale_code())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            status = error.status  # 409 while a shipping fee is being paid
        else:
            db.session.commit()
            flash(_("Your pickup is moved. Your handover code stays the same."), "success")
            return redirect(url_for("orders.order_detail", number=number), 303)
    return _choice_page(vendor_order, rebook=form, status=status)


@bp.post("/orders/<number>/pickups/<int:vendor_order_id>/ship")
def ship(number, vendor_order_id):
    user, vendor_order = _part(number, vendor_order_id)
    form = ShipInsteadForm()
    status = 422
    if form.validate():
        try:
            payment = shipping_payments.ship_or_pay(user, vendor_order.id,
                                                    form.shipping_address.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            status = error.status
        else:
            db.session.commit()
            if payment is not None:
                return SHIPPING_PAGES.after(payment)
            flash(_("Your items will be shipped to you."), "success")
            return redirect(url_for("orders.order_detail", number=number), 303)
    return _choice_page(vendor_order, ship=form, status=status)


# --- paying the shipping fee (payments.services.shipping_payments) ---------------------------

def _order_url(payment) -> str:
    return url_for("orders.order_detail", number=payment.vendor_order.order.number)


SHIPPING_PAGES = SidePaymentPages(
    template="payments/shipping_pay.html",
    find=shipping_payments.shipping_payment_for,
    confirm_test_card=lambda _actor, payment, card:
        shipping_payments.confirm_test_shipping_payment(payment, card),
    refresh=lambda _actor, payment: shipping_payments.refresh_shipping_payment(payment),
    zarinpal_return=partial(zarinpal_payments.handle_side_callback, ShippingPayment),
    paid_message=lambda: _("Thank you: the shipping is paid and your items will be shipped to "
                           "you."),
    paid_url=_order_url,
    retry_url=lambda payment: url_for("pickups.choose",
                                      number=payment.vendor_order.order.number,
                                      vendor_order_id=payment.vendor_order_id),
    waiting_url=lambda: url_for("orders.my_orders"),
    kind="shipping",
    authenticate_test=lambda _actor, payment, approve:
        shipping_payments.authenticate_test_shipping_payment(payment, approve),
    paying_for=lambda: _("Shipping"),
    order_number=lambda payment: payment.vendor_order.order.number)


@bp.post("/orders/shipping-payments/<int:payment_id>/test-card")
def shipping_test_card(payment_id: int):
    """Development with the Stripe stand-in: confirm server-side with a test card."""
    return SHIPPING_PAGES.test_card(payment_id)


@bp.get("/orders/shipping-payments/<int:payment_id>/return")
def shipping_payment_return(payment_id: int):
    """Where Stripe sends the buyer after its Payment Element."""
    return SHIPPING_PAGES.stripe_return(payment_id)


@bp.get("/payments/zarinpal/shipping-callback/<int:payment_id>")
def zarinpal_shipping_callback(payment_id: int):
    """Zarinpal sends the buyer back here."""
    return SHIPPING_PAGES.zarinpal_callback(payment_id)


@bp.post("/orders/<number>/pickups/<int:vendor_order_id>/refund")
def refund(number, vendor_order_id):
    user, vendor_order = _part(number, vendor_order_id)
    pickup_changes.refund_lost_pickup(user, vendor_order.id)
    db.session.commit()
    flash(_("That part of your order is refunded in full."), "success")
    return redirect(url_for("orders.order_detail", number=number), 303)


@bp.get("/orders/<number>/parts/<int:vendor_order_id>/handover.svg")
def handover_qr(number, vendor_order_id):
    """The buyer's handover code as a QR code: the trainee's phone opens the handover page
    with the code filled in."""
    user = require_login()
    vendor_order = queries.vendor_order(vendor_order_id)
    if vendor_order is None or vendor_order.order.number != number or \
            vendor_order.order.buyer_id != user.id or not vendor_order.handover_code:
        raise NotFound(_("We could not find that order."))
    url = external_url("pickups.handover", vendor_order_id=vendor_order.id,
                       code=vendor_order.handover_code)
    response = Response(qr.svg_bytes(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/sales/<int:vendor_order_id>/handover", methods=["GET", "POST"])
def handover(vendor_order_id):
    user = require_login()
    vendor_order = queries.vendor_order(vendor_order_id)
    if vendor_order is None:
        raise NotFound(_("We could not find that order."))
    check_vendor_access(user, vendor_order)  # its trainee or an admin: 404 / 403 otherwise
    form = HandoverForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:12]  # opened from the buyer's QR code
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                pickup_changes.hand_over(user, vendor_order, form.code.data)
            except DomainError as error:
                if error.code in COUNTED_REFUSALS:
                    db.session.commit()  # the wrong try stays counted
                else:
                    db.session.rollback()
                apply_domain_error(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("Handed over. The pickup is complete."), "success")
                return redirect(url_for("orders.sale_detail", vendor_order_id=vendor_order_id),
                                303)
    return render_template("payments/handover.html", vo=vendor_order, form=form), status
