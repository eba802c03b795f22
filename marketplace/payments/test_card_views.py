"""Development with the local Stripe stand-in (issue 18): the bank's confirmation step of the
"needs authentication" test card, one page for every kind of payment — an order's
(services.payments), a trainee's debt and a buyer's shipping fee (side_payment_pages). The
payer approves or fails it on a page of its own, as on a real 3-D Secure page, and only then
does the payment complete or fail. Routes on the payments blueprint; with a real Stripe account
every answer here is a 404."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.core.errors import BadRequest, NotFound
from marketplace.extensions import db
from marketplace.payments.debt_views import PAGES as DEBT_PAGES
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.pickup_views import SHIPPING_PAGES
from marketplace.payments.services import payments
from marketplace.payments.views import bp

OUTCOMES = {"approve": True, "fail": False}
# An order's payment keeps the plain address (/payments/<id>/…); a side payment's names its
# kind, as the ids of the three tables overlap.
SIDE_PAGES = {pages.kind: pages for pages in (DEBT_PAGES, SHIPPING_PAGES)}
ORDER = "order"
SIDE_KINDS = ", ".join(SIDE_PAGES)


def _payment(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("We could not find that payment."))
    return payment


def _outcome() -> bool:
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        raise BadRequest(_("Approve or fail the authentication."),
                         code=PaymentErrorCode.BAD_OUTCOME)
    return OUTCOMES[outcome]


@bp.get("/payments/<int:payment_id>/test-authentication", defaults={"kind": ORDER})
@bp.get(f"/payments/<any({SIDE_KINDS}):kind>/<int:payment_id>/test-authentication")
@login_required
def test_authentication(kind: str, payment_id: int):
    if kind != ORDER:
        return SIDE_PAGES[kind].test_authentication_page(current_user, payment_id)
    payment = payments.awaiting_test_authentication(current_user, _payment(payment_id))
    return render_template("payments/test_authentication.html", payment=payment, kind=kind,
                           paying_for=None, order_number=payment.order.number)


@bp.post("/payments/<int:payment_id>/test-authentication", defaults={"kind": ORDER})
@bp.post(f"/payments/<any({SIDE_KINDS}):kind>/<int:payment_id>/test-authentication")
@login_required
def answer_test_authentication(kind: str, payment_id: int):
    approve = _outcome()
    if kind != ORDER:
        return SIDE_PAGES[kind].answer_test_authentication(current_user, payment_id, approve)
    payment = payments.authenticate_test_payment(current_user, _payment(payment_id), approve)
    db.session.commit()
    order = payment.order
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(payments.payment_message(payment), "success")
        return redirect(url_for("orders.order_detail", number=order.number))
    flash(payments.payment_message(payment), "error")
    return redirect(url_for("checkout.pay", number=order.number))
