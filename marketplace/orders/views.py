"""Order pages: the cart, the buyer's orders (and cancelling an unpaid one), the trainee's sales
and their moves, the centre's view of its trainees' sales, and the trainee's shipping fee.
Checkout (place, pay) is in checkout.views; refunds and "paid at pickup" post to payments.views.

A guest's cart lives in the database behind a signed cookie holding its random token; at login
(Flask-Login's `user_logged_in` signal) its lines move into the user's cart.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in
from sqlalchemy import select

from marketplace.core.errors import BadRequest, NotFound
from marketplace.core.i18n import amount_input_text, locale_code
from marketplace.core.money import Money
from marketplace.core.pagination import page_args, paginate
from marketplace.core.redirects import safe_redirect_target
from marketplace.extensions import db
from marketplace.orders import cart_cookie, policies, queries
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.forms import AddToCartForm, CartLineForm, ShippingFeeForm
from marketplace.orders.labels import order_heading, status_label
from marketplace.orders.models import FULFILMENT_ACTIONS, ShippingRate, VendorOrderStatus
from marketplace.orders.services import cart as carts
from marketplace.orders.services import fulfilment
from marketplace.orders.services import orders as order_life
from marketplace.orders.services.shipping_rates import set_shipping_rate

log = logging.getLogger(__name__)
bp = Blueprint("orders", __name__)



bp.after_app_request(cart_cookie.write_cart_cookie)


@user_logged_in.connect
def merge_cart_on_login(app, user, **_extra):
    """Move the guest's lines into the user's cart as they sign in."""
    token = cart_cookie.guest_token() if request else None
    if not token:
        return
    try:
        carts.merge_guest_cart(user, token)
        db.session.commit()
    except Exception:  # signing in must never fail because of a cart
        db.session.rollback()
        log.exception("could not merge the guest cart at login")
    g.clear_cart_cookie = True


def _back(default: str) -> str:
    return safe_redirect_target(request.form.get("next"), default)


# --- cart pages ------------------------------------------------------------------------------

@bp.app_template_global("pickup_place")
def pickup_place(vendor_order) -> str:
    """Where a part of an order is picked up, in the reader's language (checkout macros)."""
    return queries.pickup_place_text(vendor_order)


@bp.get("/cart")
def cart():
    cart = cart_cookie.browsing_cart()
    if g.get("clear_cart_cookie"):
        db.session.commit()
    if cart is not None:
        cart = queries.cart_with_lines(cart.id)
    groups = queries.group_lines(cart) if cart is not None else []
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    total = Money(sum(group.subtotal_amount for group in groups), currency)
    changed = any(line.price_changed or line.stock_short
                  for group in groups for line in group.lines)
    return render_template("orders/cart.html", cart=cart, groups=groups, total=total,
                           changed=changed, locale=locale_code())


@bp.post("/cart/add")
def add_to_cart():
    form = AddToCartForm()
    if not form.validate():
        raise form.refusal()
    cart = cart_cookie.browsing_cart(create=True)
    carts.add_to_cart(current_user, cart, form.product_id.data, form.quantity.data)
    db.session.commit()
    flash(_("Added to your cart."), "success")
    return redirect(_back(url_for("orders.cart")))


@bp.post("/cart/lines/<int:line_id>")
def update_line(line_id):
    cart = cart_cookie.browsing_cart()
    if cart is None:
        raise NotFound(_("That item is not in your cart."))
    form = CartLineForm()
    if not form.validate():
        raise form.refusal()
    carts.update_cart_line(current_user, cart, line_id, form.quantity.data)
    db.session.commit()
    flash(_("Your cart is updated."), "success")
    return redirect(url_for("orders.cart"))


@bp.post("/cart/lines/<int:line_id>/remove")
def remove_line(line_id):
    cart = cart_cookie.browsing_cart()
    if cart is None:
        raise NotFound(_("That item is not in your cart."))
    carts.remove_cart_line(current_user, cart, line_id)
    db.session.commit()
    flash(_("Removed from your cart."), "success")
    return redirect(url_for("orders.cart"))


@bp.post("/cart/accept-changes")
def accept_changes():
    cart = cart_cookie.browsing_cart()
    if cart is not None:
        carts.accept_cart_changes(queries.cart_with_lines(cart.id))
        db.session.commit()
    return redirect(url_for("orders.cart"))


# --- the trainee's shipping fee --------------------------------------------------------------

@bp.route("/my/shipping", methods=["GET", "POST"])
@login_required
def shipping():
    if current_user.trainee is None:
        raise NotFound(_("Only trainees set a shipping fee."))
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    rate = db.session.scalar(select(ShippingRate).where(
        ShippingRate.trainee_id == current_user.trainee.id))
    form = ShippingFeeForm()
    if request.method == "POST":
        if form.validate():
            set_shipping_rate(current_user, form.fee())
            db.session.commit()
            flash(_("Your shipping fee is saved.") if form.offers_shipping.data else
                  _("You no longer offer shipping; buyers pick up."), "success")
            return redirect(url_for("orders.shipping"))
        return render_template("orders/shipping.html", rate=rate, currency=currency,
                               error=next(m for ms in form.errors.values() for m in ms),
                               value=form.amount._value(),
                               offers=True), 400
    value = amount_input_text(Money(rate.amount, currency)) if rate else ""
    return render_template("orders/shipping.html", rate=rate, currency=currency, error=None,
                           value=value, offers=rate is not None)


# --- the buyer's orders ----------------------------------------------------------------------

@bp.get("/orders/<number>")
@login_required
def order_detail(number):
    order = queries.viewable_order(current_user, number)
    return render_template("orders/order.html", order=order, heading=order_heading(order),
                           locale=locale_code())


@bp.get("/my/orders")
@login_required
def my_orders():
    page, per_page = page_args(request.args, 20)
    orders = paginate(db.session, queries.buyer_orders(current_user.id), page, per_page)
    return render_template("orders/my_orders.html", page=orders, locale=locale_code())


@bp.post("/checkout/<number>/cancel")
@login_required
def cancel_order(number):
    """The buyer drops their unpaid order (from the pay page); its stock is returned at once."""
    order = queries.order_by_number(number)
    if order is None or order.buyer_id != current_user.id:
        raise NotFound(_("We could not find that order."))
    order_life.cancel_order(current_user, order)
    db.session.commit()
    flash(_("Your order is cancelled."), "success")
    return redirect(url_for("orders.my_orders"))


# --- the trainee's sales ---------------------------------------------------------------------

def _status_filter() -> str | None:
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in VendorOrderStatus}:
        raise BadRequest(_("Unknown status."), code=OrderErrorCode.BAD_STATUS)
    return status


@bp.get("/my/sales")
@login_required
def my_sales():
    trainee = current_user.trainee
    if trainee is None:
        raise NotFound(_("Only trainees have sales."))
    status = _status_filter()
    page, per_page = page_args(request.args, 20)
    sales = paginate(db.session, queries.vendor_orders_of(trainee.id, status), page, per_page)
    return render_template("orders/my_sales.html", page=sales, status=status,
                           statuses=list(VendorOrderStatus), locale=locale_code())


@bp.get("/centre/sales")
@login_required
def centre_sales():
    """Centre staff follow their trainees' sales (read only); admins see every centre's."""
    if not (current_user.is_admin or current_user.is_centre_staff):
        raise NotFound(_("We could not find that page."))
    status = _status_filter()
    page, per_page = page_args(request.args, 20)
    centre_ids = None if current_user.is_admin else current_user.staff_centre_ids
    sales = paginate(db.session, queries.vendor_orders_of_centres(centre_ids, status), page,
                     per_page)
    return render_template("orders/my_sales.html", page=sales, status=status,
                           statuses=list(VendorOrderStatus), locale=locale_code(),
                           staff_view=True)


@bp.get("/sales/<int:vendor_order_id>")
@login_required
def sale_detail(vendor_order_id):
    vendor_order = queries.viewable_vendor_order(current_user, vendor_order_id)
    return render_template("orders/sale.html", vo=vendor_order,
                           can_manage=policies.can_manage_vendor_order(current_user,
                                                                       vendor_order),
                           locale=locale_code())


@bp.post("/sales/<int:vendor_order_id>/<action>")
@login_required
def sale_action(vendor_order_id, action):
    """Ready, shipped, handed over, cancelled. Paid at pickup is a payment: its form posts to
    payments.paid_at_pickup."""
    if action not in FULFILMENT_ACTIONS:
        raise NotFound(_("We could not find that page."))
    vendor_order = queries.vendor_order(vendor_order_id)
    if vendor_order is None:
        raise NotFound(_("We could not find that order."))
    fulfilment.mark_vendor_order(current_user, vendor_order, action,
                                 tracking_code=request.form.get("tracking_code"))
    db.session.commit()
    flash(_("The order is now “%(status)s”.", status=status_label(vendor_order.status)),
          "success")
    return redirect(url_for("orders.sale_detail", vendor_order_id=vendor_order.id))
