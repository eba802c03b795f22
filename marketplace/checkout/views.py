"""The buyer's path from cart to paid order: the checkout page (place the order), the pay page
(start a payment, the development test cards), and the return from Stripe.

The cart, the order and sales pages are in orders.views; refunds and "paid at pickup" post to
payments.views.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.checkout import services
from marketplace.checkout.errors import CheckoutErrorCode
from marketplace.checkout.forms import checkout_form
from marketplace.core.errors import BadRequest, NotFound
from marketplace.core.i18n import locale_code
from marketplace.core.money import Money
from marketplace.core.security import STRIPE_CSP, content_security_policy
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.cart_cookie import browsing_cart
from marketplace.orders.models import (
    OrderStatus,
)
from marketplace.payments.models import PaymentStatus
from marketplace.payments.providers import (
    OFFERED_TEST_CARDS,
    PAY_AT_PICKUP,
    ZARINPAL,
    StripeProvider,
    enabled_providers,
    get_provider,
    is_enabled,
)
from marketplace.payments.queries import latest_payment
from marketplace.payments.services import pay_at_pickup, payments

bp = Blueprint("checkout", __name__)




# --- checkout --------------------------------------------------------------------------------

def _checkout_context(cart, locale: str) -> dict:
    groups = queries.group_lines(cart)
    trainees = [group.trainee for group in groups]
    rates = queries.shipping_rates(t.id for t in trainees)
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    return {
        "cart": cart, "groups": groups, "rates": rates,
        "pickup": queries.pickup_options(trainees, locale),
        "subtotal": Money(sum(g.subtotal_amount for g in groups), currency),
        "currency": currency, "locale": locale,
        # Every part can be picked up, so the choice is offered whenever pay at pickup is on;
        # checkout.js hides it while no part is picked up.
        "offers_pay_at_pickup": is_enabled(PAY_AT_PICKUP),
    }


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    locale = locale_code()
    cart = browsing_cart()
    if cart is not None:
        cart = queries.cart_with_lines(cart.id)
    if cart is None or not cart.lines:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("orders.cart"))
    errors: dict = {}
    form = checkout_form({line.product.trainee_id for line in cart.lines})
    if request.method == "POST":
        if not form.validate():
            errors = form.errors
            flash(_("Please check the highlighted fields."), "error")
        else:
            try:
                order = services.place_order(current_user, cart, form.choices(), locale)
            except BadRequest as error:
                db.session.rollback()
                errors = error.fields
                flash(str(error.message), "error")
                cart = queries.cart_with_lines(cart.id)
            else:
                db.session.commit()
                if order.pays_at_pickup:  # nothing to pay online
                    flash(_("Your order is placed. Pay each trainee when you pick up."),
                          "success")
                    return redirect(url_for("orders.order_detail", number=order.number))
                return redirect(url_for("checkout.pay", number=order.number))
    # The page shows what was typed (request.form) and the errors by field name.
    return render_template("checkout/checkout.html", errors=errors, form=request.form,
                           **_checkout_context(cart, locale)), 400 if errors else 200


# --- paying ----------------------------------------------------------------------------------

def _own_order(number: str):
    order = queries.order_by_number(number)
    if order is None or not current_user.is_authenticated or order.buyer_id != current_user.id:
        raise NotFound(_("We could not find that order."))
    return order


def _pay_page(order, payment=None, status: int = 200):
    providers = [p.name for p in enabled_providers()]
    all_pickup = all(vo.fulfilment.value == "pickup" for vo in order.vendor_orders)
    standin = "stripe" in providers and StripeProvider.is_standin()
    response = make_response(render_template(
        "checkout/pay.html", order=order, providers=providers, all_pickup=all_pickup,
        standin=standin, test_cards=OFFERED_TEST_CARDS, payment=payment,
        pickup_refusal=pay_at_pickup.pickup_refusal(vo.trainee_id for vo in order.vendor_orders),
        client_secret=getattr(payment, "client_secret", None) if payment else None,
        publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", ""),
        locale=locale_code()), status)
    if payment is not None and not standin:
        response.headers["Content-Security-Policy"] = STRIPE_CSP
    if ZARINPAL in providers:
        _allow_form_to_gateway(response, current_app.config.get("ZARINPAL_API_BASE", ""))
    return response


def _allow_form_to_gateway(response, gateway_url: str) -> None:
    """Let the pay page's form end at a payment gateway: browsers apply `form-action` to the
    redirect that follows the POST, too."""
    parts = urlsplit(gateway_url)
    if not parts.scheme or not parts.netloc:
        return
    policy = response.headers.get("Content-Security-Policy") or content_security_policy()
    response.headers["Content-Security-Policy"] = policy.replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


@bp.get("/checkout/<number>/pay")
@login_required
def pay(number):
    order = _own_order(number)
    if order.status != OrderStatus.PENDING_PAYMENT or order.pays_at_pickup:
        return redirect(url_for("orders.order_detail", number=order.number))
    return _pay_page(order)


@bp.post("/checkout/<number>/pay")
@login_required
def start_payment(number):
    order = _own_order(number)
    provider = request.form.get("provider", "")
    payment = payments.start_payment(current_user, order, provider)
    db.session.commit()
    if provider == PAY_AT_PICKUP:
        flash(_("Your order is placed. Pay each trainee when you pick up."), "success")
        return redirect(url_for("orders.order_detail", number=order.number))
    if payment.status == PaymentStatus.SUCCEEDED:
        return redirect(url_for("orders.order_detail", number=order.number))
    gateway_page = get_provider(payment.provider).payment_page_url(payment)
    if gateway_page:  # Zarinpal: the buyer pays on the gateway's page and comes back
        response = redirect(gateway_page, 303)
        _allow_form_to_gateway(response, gateway_page)
        return response
    # Production: the page mounts Stripe's Payment Element with the client secret.
    return _pay_page(order, payment)


@bp.post("/checkout/<number>/pay/test-card")
@login_required
def pay_with_test_card(number):
    """Development with the Stripe stand-in: confirm server-side with a test card."""
    order = _own_order(number)
    card = request.form.get("card", "")
    if card not in dict(OFFERED_TEST_CARDS):
        raise BadRequest(_("Choose one of the test cards."), code=CheckoutErrorCode.BAD_CARD)
    payment = payments.start_payment(current_user, order, "stripe")
    if payment.status != PaymentStatus.SUCCEEDED:
        payment = payments.confirm_test_payment(current_user, payment, card)
    db.session.commit()
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(payments.payment_message(payment), "success")
        return redirect(url_for("orders.order_detail", number=order.number))
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        # The card asks for the bank's confirmation: the stand-in's page for it.
        return redirect(url_for("payments.test_authentication", payment_id=payment.id))
    flash(payments.payment_message(payment), "error")
    return redirect(url_for("checkout.pay", number=order.number))


@bp.get("/checkout/<number>/return")
@login_required
def payment_return(number):
    """Where Stripe sends the buyer after the Payment Element: settle from the provider."""
    order = _own_order(number)
    payment = latest_payment(order.id)
    if payment is not None and payment.provider == "stripe":
        payment = payments.settle_payment(payment)
        db.session.commit()
        if payment.status != PaymentStatus.SUCCEEDED:
            flash(payments.payment_message(payment), "error")
            return redirect(url_for("checkout.pay", number=order.number))
    return redirect(url_for("orders.order_detail", number=order.number))
