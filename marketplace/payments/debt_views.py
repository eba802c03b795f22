"""Pages of trainees' debts (payments.services.debts): paying one online — Zarinpal's page and
callback, or Stripe's card page (test cards with the local stand-in) and its return, all
through payments.side_payment_pages — and the admins' list of every debt, oldest first. The
statement that shows a trainee's debt is payments.views.ledger."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _

from marketplace.core.auth import admin_required, require_login
from marketplace.core.db import utcnow
from marketplace.extensions import db
from marketplace.payments import queries
from marketplace.payments.models import DebtPayment
from marketplace.payments.providers import get_provider
from marketplace.payments.services import debts
from marketplace.payments.services import zarinpal as zarinpal_payments
from marketplace.payments.side_payment_pages import SidePaymentPages

bp = Blueprint("debts", __name__)

PAGES = SidePaymentPages(
    template="payments/debt_pay.html",
    find=debts.debt_payment_for,
    confirm_test_card=debts.confirm_test_debt_payment,
    refresh=debts.refresh_debt_payment,
    zarinpal_return=partial(zarinpal_payments.handle_side_callback, DebtPayment),
    paid_message=lambda: _("Thank you: your debt is paid."),
    paid_url=lambda _payment: url_for("payments.ledger"),
    retry_url=lambda _payment: url_for("payments.ledger"),
    waiting_url=lambda: url_for("payments.ledger"),
    kind="debt",
    authenticate_test=debts.authenticate_test_debt_payment,
    paying_for=lambda: _("What you owe the marketplace"),
    order_number=lambda _payment: None)


@bp.post("/my/debt/pay")
def pay_debt():
    payment = debts.start_debt_payment(require_login())
    db.session.commit()
    return PAGES.after(payment)


@bp.get("/my/debt/payments/<int:payment_id>")
def debt_payment(payment_id: int):
    """Go on with an open payment (the statement links to it)."""
    actor = require_login()
    payment = debts.debt_payment_for(actor, payment_id)
    if payment.is_open and payment.provider == "stripe" and payment.provider_reference:
        payment.client_secret = get_provider("stripe").fetch_payment(payment).client_secret
    return PAGES.after(payment)


@bp.post("/my/debt/payments/<int:payment_id>/test-card")
def debt_test_card(payment_id: int):
    """Development with the Stripe stand-in: confirm server-side with a test card."""
    return PAGES.test_card(payment_id)


@bp.get("/my/debt/payments/<int:payment_id>/return")
def debt_payment_return(payment_id: int):
    """Where Stripe sends the trainee after its Payment Element."""
    return PAGES.stripe_return(payment_id)


@bp.get("/payments/zarinpal/debt-callback/<int:payment_id>")
def zarinpal_callback(payment_id: int):
    """Zarinpal sends the trainee back here."""
    return PAGES.zarinpal_callback(payment_id)


@bp.get("/admin/debts")
@admin_required
def admin_debts():
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    return render_template("payments/admin_debts.html", debts=queries.debts(currency),
                           now=utcnow())
