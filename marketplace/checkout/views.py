"""Checkout, payment and order pages: the buyer's orders and the trainee's sales.

The cart pages are in orders.views; refunds and "paid at pickup" post to payments.views.
"""

from __future__ import annotations

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
from marketplace.checkout.forms import choices_from_form
from marketplace.core.errors import BadRequest, NotFound
from marketplace.core.i18n import locale_code
from marketplace.core.money import Money
from marketplace.core.pagination import page_args, paginate
from marketplace.core.security import CSP
from marketplace.extensions import db
from marketplace.orders import policies, queries
from marketplace.orders.labels import status_label
from marketplace.orders.models import (
    VENDOR_ACTIONS,
    OrderStatus,
    VendorOrderStatus,
)
from marketplace.orders.services import fulfilment
from marketplace.orders.services.orders import cancel_order
from marketplace.orders.views import current_cart
from marketplace.payments import services as payments
from marketplace.payments.models import PaymentStatus
from marketplace.payments.providers import (
    PAY_AT_PICKUP,
    TEST_CARDS,
    StripeProvider,
    enabled_providers,
)

bp = Blueprint("checkout", __name__)


# The stand-in's test cards the development pay page offers.
OFFERED_TEST_CARDS = tuple((card, label) for card, label in TEST_CARDS.items() if label)
# Stripe's Payment Element must load Stripe.js from Stripe; only the card page allows it.
STRIPE_CSP = CSP.replace("script-src 'self'", "script-src 'self' https://js.stripe.com") \
    .replace("connect-src 'self'", "connect-src 'self' https://api.stripe.com") + \
    "; frame-src https://js.stripe.com https://hooks.stripe.com"


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
    }


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    locale = locale_code()
    cart = current_cart()
    if cart is not None:
        cart = queries.cart_with_lines(cart.id)
    if cart is None or not cart.lines:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("orders.cart"))
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        choices = choices_from_form(form)
        try:
            order = services.place_order(current_user, cart, choices, locale)
        except BadRequest as error:
            db.session.rollback()
            errors = error.fields
            flash(str(error.message), "error")
            cart = queries.cart_with_lines(cart.id)
        else:
            db.session.commit()
            return redirect(url_for("checkout.pay", number=order.number))
    context = _checkout_context(cart, locale)
    return render_template("checkout/checkout.html", errors=errors, form=form,
                           **context), 400 if errors else 200


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
        client_secret=getattr(payment, "client_secret", None) if payment else None,
        publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", ""),
        locale=locale_code()), status)
    if payment is not None and not standin:
        response.headers["Content-Security-Policy"] = STRIPE_CSP
    return response


@bp.get("/checkout/<number>/pay")
@login_required
def pay(number):
    order = _own_order(number)
    if order.status != OrderStatus.PENDING_PAYMENT or order.payment_provider == PAY_AT_PICKUP:
        return redirect(url_for("checkout.order_detail", number=order.number))
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
        return redirect(url_for("checkout.order_detail", number=order.number))
    if payment.status == PaymentStatus.SUCCEEDED:
        return redirect(url_for("checkout.order_detail", number=order.number))
    # Production: the page mounts Stripe's Payment Element with the client secret.
    return _pay_page(order, payment)


@bp.post("/checkout/<number>/pay/test-card")
@login_required
def pay_with_test_card(number):
    """Development with the Stripe stand-in: confirm server-side with a test card."""
    order = _own_order(number)
    card = request.form.get("card", "")
    if card not in dict(OFFERED_TEST_CARDS):
        raise BadRequest(_("Choose one of the test cards."), code="bad_card")
    payment = payments.start_payment(current_user, order, "stripe")
    if payment.status != PaymentStatus.SUCCEEDED:
        payment = payments.confirm_test_payment(current_user, payment, card)
    db.session.commit()
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(payments.payment_message(payment), "success")
        return redirect(url_for("checkout.order_detail", number=order.number))
    flash(payments.payment_message(payment), "error")
    return redirect(url_for("checkout.pay", number=order.number))


@bp.get("/checkout/<number>/return")
@login_required
def payment_return(number):
    """Where Stripe sends the buyer after the Payment Element: settle from the provider."""
    from marketplace.payments.queries import latest_payment

    order = _own_order(number)
    payment = latest_payment(order.id)
    if payment is not None and payment.provider == "stripe":
        payment = payments.settle_payment(payment)
        db.session.commit()
        if payment.status != PaymentStatus.SUCCEEDED:
            flash(payments.payment_message(payment), "error")
            return redirect(url_for("checkout.pay", number=order.number))
    return redirect(url_for("checkout.order_detail", number=order.number))


@bp.post("/checkout/<number>/cancel")
@login_required
def cancel(number):
    order = _own_order(number)
    cancel_order(current_user, order)
    db.session.commit()
    flash(_("Your order is cancelled."), "success")
    return redirect(url_for("checkout.my_orders"))


# --- the buyer's orders ----------------------------------------------------------------------

@bp.get("/orders/<number>")
@login_required
def order_detail(number):
    order = queries.order_by_number(number)
    if order is None or not policies.can_view_order(current_user, order):
        raise NotFound(_("We could not find that order."))
    return render_template("checkout/order.html", order=order, locale=locale_code())


@bp.get("/my/orders")
@login_required
def my_orders():
    page, per_page = page_args(request.args, 20)
    orders = paginate(db.session, queries.buyer_orders(current_user.id), page, per_page)
    return render_template("checkout/my_orders.html", page=orders, locale=locale_code())


# --- the trainee's sales ---------------------------------------------------------------------

@bp.get("/my/sales")
@login_required
def my_sales():
    trainee = current_user.trainee
    if trainee is None:
        raise NotFound(_("Only trainees have sales."))
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in VendorOrderStatus}:
        raise BadRequest(_("Unknown status."), code="bad_status")
    page, per_page = page_args(request.args, 20)
    sales = paginate(db.session, queries.vendor_orders_of(trainee.id, status), page, per_page)
    return render_template("checkout/my_sales.html", page=sales, status=status,
                           statuses=list(VendorOrderStatus), locale=locale_code())


@bp.get("/centre/sales")
@login_required
def centre_sales():
    """Centre staff follow their trainees' sales (read only); admins see every centre's."""
    if not (current_user.is_admin or current_user.is_centre_staff):
        raise NotFound(_("We could not find that page."))
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in VendorOrderStatus}:
        raise BadRequest(_("Unknown status."), code="bad_status")
    page, per_page = page_args(request.args, 20)
    centre_ids = None if current_user.is_admin else current_user.staff_centre_ids
    sales = paginate(db.session, queries.vendor_orders_of_centres(centre_ids, status), page,
                     per_page)
    return render_template("checkout/my_sales.html", page=sales, status=status,
                           statuses=list(VendorOrderStatus), locale=locale_code(),
                           staff_view=True)


@bp.get("/sales/<int:vendor_order_id>")
@login_required
def sale_detail(vendor_order_id):
    vendor_order = queries.vendor_order(vendor_order_id)
    if vendor_order is None or not policies.can_view_vendor_order(current_user, vendor_order):
        raise NotFound(_("We could not find that order."))
    return render_template("checkout/sale.html", vo=vendor_order,
                           can_manage=policies.can_manage_vendor_order(current_user,
                                                                       vendor_order),
                           locale=locale_code())


@bp.post("/sales/<int:vendor_order_id>/<action>")
@login_required
def sale_action(vendor_order_id, action):
    if action not in VENDOR_ACTIONS:
        raise NotFound(_("We could not find that page."))
    vendor_order = queries.vendor_order(vendor_order_id)
    if vendor_order is None:
        raise NotFound(_("We could not find that order."))
    if action == "confirm_paid_at_pickup":
        payments.confirm_paid_at_pickup(current_user, vendor_order)
    else:
        fulfilment.mark_vendor_order(current_user, vendor_order, action)
    db.session.commit()
    flash(_("The order is now “%(status)s”.",
            status=status_label(vendor_order.status)), "success")
    return redirect(url_for("checkout.sale_detail", vendor_order_id=vendor_order.id))
