"""The pages of a payment that is not an order's own (payments.services.side_payments): a
trainee's debt (payments.debt_views) and a buyer's shipping fee (payments.pickup_views). One
home for where the payer goes once a payment was started or came back, the Stripe card page
(test cards with the local stand-in), the development test-card confirmation and its bank
step (routed by payments.test_card_views, which serves an order's payment too), Stripe's return
and Zarinpal's callback; each blueprint keeps its own routes and says, in a `SidePaymentPages`,
how its payments are found, settled and where their payer goes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import (
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

from marketplace.core.auth import require_login
from marketplace.core.errors import BadRequest, CoreErrorCode
from marketplace.core.security import STRIPE_CSP, content_security_policy
from marketplace.extensions import db
from marketplace.payments.models import PaymentStatus
from marketplace.payments.providers import OFFERED_TEST_CARDS, StripeProvider, get_provider
from marketplace.payments.services import side_payments
from marketplace.payments.services.errors import PaymentUnavailable


def to_gateway(url: str):
    """A 303 to a gateway's page; the form's `form-action` must allow where it ends."""
    response = redirect(url, 303)
    parts = urlsplit(url)
    response.headers["Content-Security-Policy"] = content_security_policy().replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return response


@dataclass(frozen=True)
class SidePaymentPages:
    """What one kind of side payment's pages need to know."""

    # The card page's template (it includes payments/_card_payment.html).
    template: str
    # (actor, payment id) → the actor's own payment; 404 for anyone else's.
    find: Callable[[Any, int], Any]
    # (actor, payment, card) → the payment confirmed with a test card and settled.
    confirm_test_card: Callable[[Any, Any, str], Any]
    # (actor, payment) → the payment settled from Stripe's view.
    refresh: Callable[[Any, Any], Any]
    # (payment id, authority, status) → the payment verified with Zarinpal and settled.
    zarinpal_return: Callable[[int, str | None, str | None], Any]
    # What the payer reads once it is paid.
    paid_message: Callable[[], str]
    # payment → where its payer goes once it is paid, and once it did not go through.
    paid_url: Callable[[Any], str]
    retry_url: Callable[[Any], str]
    # Where the payer goes while Zarinpal does not answer (the payment id is all we know).
    waiting_url: Callable[[], str]
    # Its name in the test-authentication page's address (payments.test_card_views).
    kind: str
    # (actor, payment, approved?) → the payment after the test card's bank step, settled.
    authenticate_test: Callable[[Any, Any, bool], Any]
    # What the payer pays for, and the order it belongs to (if any), on that page.
    paying_for: Callable[[], str]
    order_number: Callable[[Any], str | None]

    def after(self, payment):
        """Where the payer goes once a payment was started or came back."""
        if payment.status == PaymentStatus.SUCCEEDED:
            flash(self.paid_message(), "success")
            return redirect(self.paid_url(payment), 303)
        if payment.status == PaymentStatus.REQUIRES_ACTION and payment.provider == "stripe" \
                and StripeProvider.is_standin():
            # The test card asks for the bank's confirmation: the stand-in's page for it
            # (with real Stripe, its Payment Element shows the bank's own step).
            return redirect(url_for("payments.test_authentication", kind=self.kind,
                                    payment_id=payment.id), 303)
        if payment.is_open:
            page = get_provider(payment.provider).payment_page_url(payment)
            if page:  # Zarinpal: pay on the gateway's page, come back to the callback
                return to_gateway(page)
            return self.card_page(payment)
        flash(_("The payment did not go through. Nothing was charged; please try again."),
              "error")
        return redirect(self.retry_url(payment), 303)

    def card_page(self, payment):
        standin = StripeProvider.is_standin()
        secret = None if standin else payment.client_secret
        response = make_response(render_template(
            self.template, payment=payment, standin=standin, test_cards=OFFERED_TEST_CARDS,
            client_secret=secret,
            publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY", "")))
        if secret:
            response.headers["Content-Security-Policy"] = STRIPE_CSP
        return response

    def test_card(self, payment_id: int):
        """Development with the Stripe stand-in: confirm server-side with a test card."""
        actor = require_login()
        payment = self.find(actor, payment_id)
        card = request.form.get("card", "")
        if card not in dict(OFFERED_TEST_CARDS):
            raise BadRequest(_("Choose one of the test cards."),
                             code=CoreErrorCode.VALIDATION_ERROR)
        payment = self.confirm_test_card(actor, payment, card)
        db.session.commit()
        return self.after(payment)

    def test_authentication_page(self, actor, payment_id: int) -> str:
        """The stand-in's bank step for the payer's own payment (payments.test_card_views)."""
        payment = side_payments.awaiting_test_authentication(self.find(actor, payment_id))
        return render_template("payments/test_authentication.html", payment=payment,
                               kind=self.kind, paying_for=self.paying_for(),
                               order_number=self.order_number(payment))

    def answer_test_authentication(self, actor, payment_id: int, approve: bool):
        """Approved, the payment settles as paid; failed, the payer may start another."""
        payment = self.authenticate_test(actor, self.find(actor, payment_id), approve)
        db.session.commit()
        return self.after(payment)

    def stripe_return(self, payment_id: int):
        """Where Stripe sends the payer after its Payment Element: settle from Stripe's view."""
        db.session.rollback()
        g.sqlite_write_lock = True  # a GET that writes
        actor = require_login()
        payment = self.refresh(actor, self.find(actor, payment_id))
        db.session.commit()
        return self.after(payment)

    def zarinpal_callback(self, payment_id: int):
        """Zarinpal sends the payer back (`?Authority=…&Status=OK|NOK`): verified with
        Zarinpal, settled once however often it comes (payments.services.zarinpal)."""
        db.session.rollback()
        g.sqlite_write_lock = True  # a GET that writes: concurrent deliveries wait their turn
        try:
            payment = self.zarinpal_return(payment_id, request.args.get("Authority"),
                                           request.args.get("Status"))
        except PaymentUnavailable as error:
            db.session.rollback()
            flash(str(error.message), "warning")
            return redirect(self.waiting_url(), 303)
        db.session.commit()
        if payment.is_open:
            flash(_("We are waiting for the payment to be confirmed."), "info")
            return redirect(self.paid_url(payment), 303)
        return self.after(payment)
