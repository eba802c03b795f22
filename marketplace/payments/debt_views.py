"""Pages of trainees' debts (payments.services.debts): paying one online — Zarinpal's page and
callback, or Stripe's card page (test cards with the local stand-in) and its return — and the
admins' list of every debt, oldest first. The statement that shows a trainee's debt is
payments.views.ledger."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
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

from marketplace.core.auth import admin_required, require_login
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, CoreErrorCode
from marketplace.core.security import STRIPE_CSP, content_security_policy
from marketplace.extensions import db
from marketplace.payments import queries
from marketplace.payments.models import DebtPayment, PaymentStatus
from marketplace.payments.providers import OFFERED_TEST_CARDS, StripeProvider, get_provider
from marketplace.payments.services import debts
from marketplace.payments.services import zarinpal as zarinpal_payments
from marketplace.payments.services.errors import PaymentUnavailable

bp = Blueprint("debts", __name__)



def _to_gateway(url: str):
    """A 303 to a gateway's page; the form's `form-action` must allow where it ends."""
    response = redirect(url, 303)
    parts = urlsplit(url)
    response.headers["Content-Security-Policy"] = content_security_policy().replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return response


def _card_page(payment: DebtPayment, client_secret: str | None = None, status: int = 200):
    standin = StripeProvider.is_standin()
    response = make_response(render_template(
        "payments/debt_pay.html", payment=payment, standin=standin,
        test_cards=OFFERED_TEST_CARDS, client_secret=None if standin else client_secret,
        publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", "")), status)
    if client_secret and not standin:
        response.headers["Content-Security-Policy"] = STRIPE_CSP
    return response


def _after(payment: DebtPayment):
    """Where the trainee goes once a payment was started or came back."""
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(_("Thank you: your debt is paid."), "success")
        return redirect(url_for("payments.ledger"), 303)
    if payment.is_open:
        page = get_provider(payment.provider).payment_page_url(payment)
        if page:  # Zarinpal: pay on the gateway's page, come back to the callback
            return _to_gateway(page)
        return _card_page(payment, payment.client_secret)
    flash(_("The payment did not go through. Nothing was charged; please try again."), "error")
    return redirect(url_for("payments.ledger"), 303)


@bp.post("/my/debt/pay")
def pay_debt():
    payment = debts.start_debt_payment(require_login())
    db.session.commit()
    return _after(payment)


@bp.get("/my/debt/payments/<int:payment_id>")
def debt_payment(payment_id: int):
    """Go on with an open payment (the statement links to it)."""
    actor = require_login()
    payment = debts.debt_payment_for(actor, payment_id)
    if payment.is_open and payment.provider == "stripe" and payment.provider_reference:
        payment.client_secret = get_provider("stripe").fetch_payment(payment).client_secret
    return _after(payment)


@bp.post("/my/debt/payments/<int:payment_id>/test-card")
def debt_test_card(payment_id: int):
    """Development with the Stripe stand-in: confirm server-side with a test card."""
    actor = require_login()
    card = request.form.get("card", "")
    if card not in dict(OFFERED_TEST_CARDS):
        raise BadRequest(_("Choose one of the test cards."), code=CoreErrorCode.VALIDATION_ERROR)
    payment = debts.confirm_test_debt_payment(actor, debts.debt_payment_for(actor, payment_id),
                                              card)
    db.session.commit()
    return _after(payment)


@bp.get("/my/debt/payments/<int:payment_id>/return")
def debt_payment_return(payment_id: int):
    """Where Stripe sends the trainee after its Payment Element: settle from Stripe's view."""
    db.session.rollback()
    g.sqlite_write_lock = True  # a GET that writes
    actor = require_login()
    payment = debts.refresh_debt_payment(actor, debts.debt_payment_for(actor, payment_id))
    db.session.commit()
    return _after(payment)


@bp.get("/payments/zarinpal/debt-callback/<int:payment_id>")
def zarinpal_callback(payment_id: int):
    """Zarinpal sends the trainee back here (`?Authority=…&Status=OK|NOK`): verified with
    Zarinpal, settled once however often it comes (payments.services.zarinpal)."""
    db.session.rollback()
    g.sqlite_write_lock = True  # a GET that writes: concurrent deliveries wait their turn
    try:
        payment = zarinpal_payments.handle_debt_callback(
            payment_id, request.args.get("Authority"), request.args.get("Status"))
    except PaymentUnavailable as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        return redirect(url_for("payments.ledger"), 303)
    db.session.commit()
    if payment.is_open:
        flash(_("We are waiting for the payment to be confirmed."), "info")
        return redirect(url_for("payments.ledger"), 303)
    return _after(payment)


@bp.get("/admin/debts")
@admin_required
def admin_debts():
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    return render_template("payments/admin_debts.html", debts=queries.debts(currency),
                           now=utcnow())
