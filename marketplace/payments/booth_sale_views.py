"""The trainee's booth-sale page (`/booths/sell`): record a face-to-face sale of one of their
own products — picked from the list, or opened from the item's QR tag, which links here with
`?product=<id>` — and see today's booth sales. The service takes the stock with online
checkout's statement (payments.services.booth_sales); this page only commits. Its service
worker (static/js/booth_sale_worker.js) keeps it opening with no signal."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace.catalogue.models import Product
from marketplace.core.auth import require_login
from marketplace.core.errors import DomainError
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import format_number
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.payments import queries
from marketplace.payments.forms import BoothSaleForm
from marketplace.payments.services.booth_sales import check_seller, record_booth_sale

bp = Blueprint("booth_sales", __name__)


def _product_choices(products: list[Product], locale: str) -> list[tuple[int, str]]:
    return [(p.id, _("%(title)s — %(n)s left", title=p.title(locale), n=format_number(p.stock)))
            for p in products]


@bp.route("/booths/sell", methods=["GET", "POST"])
def sell():
    # Anyone but a verified trainee is refused (403, or the login page).
    user = check_seller(require_login())
    trainee_id, locale = user.trainee.id, user.locale
    form = BoothSaleForm()
    products = queries.booth_sale_products(trainee_id)
    form.product_id.choices = _product_choices(products, locale)
    # For the offline queue's list (static/js/booth_sales.js).
    titles = {str(p.id): p.title(locale) for p in products}
    status, error_code = 200, None
    if request.method == "GET" and request.args.get("product", "").isdigit():
        form.product_id.data = int(request.args["product"])  # from the item's QR tag
    if form.is_submitted():
        if not form.validate():
            status = 422
        else:
            try:
                sale = record_booth_sale(user, form.sale_data())
            except DomainError as error:
                db.session.rollback()
                apply_domain_error(form, error)
                status, error_code = error.status, error.code
                # The stock changed meanwhile: offer what is left.
                form.product_id.choices = _product_choices(
                    queries.booth_sale_products(trainee_id), locale)
            else:
                title = sale.product.title(locale)
                db.session.commit()
                flash(_("Sale recorded: %(n)s × %(title)s.", n=format_number(sale.quantity),
                        title=title), "success")
                return redirect(url_for("booth_sales.sell"), 303)
    sales = queries.booth_sales_today(trainee_id)
    total = Money(sum(s.total.amount for s in sales), sales[0].currency) if sales else None
    return render_template("payments/booth_sell.html", form=form, sales=sales, titles=titles,
                           sales_total=total, error_code=error_code), status


@bp.route("/booths/booth-sale-worker.js")
def worker():
    """The page's service worker, a file of static/ served here, beside the page: a worker's
    scope can be no wider than the folder it is served from, and /static/js/ does not hold
    /booths/sell. Checked for a newer version at every visit (no-cache)."""
    response = current_app.send_static_file("js/booth_sale_worker.js")
    response.headers["Cache-Control"] = "no-cache"
    return response
