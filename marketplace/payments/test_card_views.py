"""Development with the local Stripe stand-in (issue 18): the bank's confirmation step of the
"needs authentication" test card. The buyer approves or fails it on a page of its own, as on a
real 3-D Secure page, and only then does the payment complete or fail (services.payments).
Routes on the payments blueprint; with a real Stripe account every answer here is a 404."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.core.errors import BadRequest, NotFound
from marketplace.extensions import db
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.services import payments
from marketplace.payments.views import bp

OUTCOMES = {"approve": True, "fail": False}


def _payment(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("We could not find that payment."))
    return payment


@bp.get("/payments/<int:payment_id>/test-authentication")
@login_required
def test_authentication(payment_id: int):
    payment = payments.awaiting_test_authentication(current_user, _payment(payment_id))
    return render_template("payments/test_authentication.html", payment=payment)


@bp.post("/payments/<int:payment_id>/test-authentication")
@login_required
def answer_test_authentication(payment_id: int):
    outcome = request.form.get("outcome", "")
    if outcome not in OUTCOMES:
        raise BadRequest(_("Approve or fail the authentication."),
                         code=PaymentErrorCode.BAD_OUTCOME)
    payment = payments.authenticate_test_payment(current_user, _payment(payment_id),
                                                 OUTCOMES[outcome])
    db.session.commit()
    order = payment.order
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(payments.payment_message(payment), "success")
        return redirect(url_for("orders.order_detail", number=order.number))
    flash(payments.payment_message(payment), "error")
    return redirect(url_for("checkout.pay", number=order.number))
