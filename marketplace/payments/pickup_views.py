"""Pickups that follow their booth, the pages: the buyer's one page per vendor order whose
booth-day went away (another day, shipping or a full refund), the QR image of the buyer's
handover code, and the trainee's handover page (typing the code, or opened by scanning that
QR, which carries it). Here in payments because a refund and a payment at the booth are money;
the services are orders.services.pickups and payments.services.pickup_changes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from marketplace.core import qr
from marketplace.core.auth import require_login
from marketplace.core.errors import BadRequest, CoreErrorCode, DomainError, NotFound
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import locale_code
from marketplace.core.money import Money
from marketplace.core.security import STRIPE_CSP, content_security_policy
from marketplace.core.urls import external_url
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.services import pickups
from marketplace.payments.forms import HandoverForm, RebookPickupForm, ShipInsteadForm
from marketplace.payments.models import PaymentStatus
from marketplace.payments.providers import OFFERED_TEST_CARDS, StripeProvider, get_provider
from marketplace.payments.services import pickup_changes, shipping_payments
from marketplace.payments.services import zarinpal as zarinpal_payments
from marketplace.payments.services.access import check_vendor_access
from marketplace.payments.services.errors import PaymentUnavailable

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
    fee = pickups.shipping_difference(vendor_order)
    return render_template(
        "payments/pickup_choice.html", vo=vendor_order, options=options, rebook=rebook,
        ship=ship or ShipInsteadForm(), shipping_refusal=refusal[1] if refusal else None,
        provider=shipping_payments.provider_for(vendor_order),
        shipping_fee=Money(fee, vendor_order.currency) if fee else None), status


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
                return _after_shipping_payment(payment)
            flash(_("Your items will be shipped to you."), "success")
            return redirect(url_for("orders.order_detail", number=number), 303)
    return _choice_page(vendor_order, ship=form, status=status)


# --- paying the shipping fee (payments.services.shipping_payments) ---------------------------

def _to_gateway(url: str):
    """A 303 to a gateway's page; the form's `form-action` must allow where it ends."""
    response = redirect(url, 303)
    parts = urlsplit(url)
    response.headers["Content-Security-Policy"] = content_security_policy().replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return response


def _after_shipping_payment(payment):
    """Where the buyer goes once a shipping fee's payment was started or came back."""
    number = payment.vendor_order.order.number
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(_("Thank you: the shipping is paid and your items will be shipped to you."),
              "success")
        return redirect(url_for("orders.order_detail", number=number), 303)
    if payment.is_open:
        page = get_provider(payment.provider).payment_page_url(payment)
        if page:  # Zarinpal: pay on the gateway's page, come back to the callback
            return _to_gateway(page)
        return _card_page(payment)
    flash(_("The payment did not go through. Nothing was charged; please try again."), "error")
    return redirect(url_for("pickups.choose", number=number,
                            vendor_order_id=payment.vendor_order_id), 303)


def _card_page(payment):
    standin = StripeProvider.is_standin()
    secret = None if standin else payment.client_secret
    response = make_response(render_template(
        "payments/shipping_pay.html", payment=payment, standin=standin,
        test_cards=OFFERED_TEST_CARDS, client_secret=secret,
        publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", "")))
    if secret:
        response.headers["Content-Security-Policy"] = STRIPE_CSP
    return response


@bp.post("/orders/shipping-payments/<int:payment_id>/test-card")
def shipping_test_card(payment_id: int):
    """Development with the Stripe stand-in: confirm server-side with a test card."""
    payment = shipping_payments.shipping_payment_for(require_login(), payment_id)
    card = request.form.get("card", "")
    if card not in dict(OFFERED_TEST_CARDS):
        raise BadRequest(_("Choose one of the test cards."), code=CoreErrorCode.VALIDATION_ERROR)
    payment = shipping_payments.confirm_test_shipping_payment(payment, card)
    db.session.commit()
    return _after_shipping_payment(payment)


@bp.get("/orders/shipping-payments/<int:payment_id>/return")
def shipping_payment_return(payment_id: int):
    """Where Stripe sends the buyer after its Payment Element: settle from Stripe's view."""
    db.session.rollback()
    g.sqlite_write_lock = True  # a GET that writes
    payment = shipping_payments.refresh_shipping_payment(
        shipping_payments.shipping_payment_for(require_login(), payment_id))
    db.session.commit()
    return _after_shipping_payment(payment)


@bp.get("/payments/zarinpal/shipping-callback/<int:payment_id>")
def zarinpal_shipping_callback(payment_id: int):
    """Zarinpal sends the buyer back here (`?Authority=…&Status=OK|NOK`): verified with
    Zarinpal, settled once however often it comes (payments.services.zarinpal)."""
    db.session.rollback()
    g.sqlite_write_lock = True  # a GET that writes: concurrent deliveries wait their turn
    try:
        payment = zarinpal_payments.handle_shipping_callback(
            payment_id, request.args.get("Authority"), request.args.get("Status"))
    except PaymentUnavailable as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        return redirect(url_for("orders.my_orders"), 303)
    db.session.commit()
    if payment.is_open:
        flash(_("We are waiting for the payment to be confirmed."), "info")
        return redirect(url_for("orders.order_detail",
                                number=payment.vendor_order.order.number), 303)
    return _after_shipping_payment(payment)


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
