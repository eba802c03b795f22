"""Pages and endpoints of payments: the Stripe webhook, Zarinpal's callback, refunds,
pay-at-pickup confirmation, the trainee's ledger statement (page and CSV), payout details, and
the admins' payout batches."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.core.auth import admin_required, require_login
from marketplace.core.dates import jalali_column
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, CoreErrorCode, NotFound
from marketplace.core.i18n import locale_for
from marketplace.core.money import Money
from marketplace.core.redirects import referrer_target
from marketplace.extensions import csrf, db
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import VendorOrder
from marketplace.payments import queries
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.forms import PayoutAccountForm, PeriodForm, RefundForm
from marketplace.payments.models import LedgerKind, PaymentStatus, PayoutBatch, PayoutMethod
from marketplace.payments.services import debts, pay_at_pickup, payouts, refunds, webhooks
from marketplace.payments.services import zarinpal as zarinpal_payments
from marketplace.payments.services.errors import PaymentUnavailable
from marketplace.payments.services.payments import payment_message

bp = Blueprint("payments", __name__)


KIND_LABELS = {
    LedgerKind.SALE: _l("Sale"),
    LedgerKind.COMMISSION: _l("Commission"),
    LedgerKind.REFUND: _l("Refund"),
    LedgerKind.REFUND_COMMISSION: _l("Commission returned"),
    LedgerKind.SHIPPING: _l("Shipping"),
    LedgerKind.BOOTH_FEE: _l("Booth fee"),
    LedgerKind.SUBSIDY: _l("Subsidy"),
    LedgerKind.PAYOUT: _l("Payout"),
}
METHOD_LABELS = {
    PayoutMethod.BANK_TRANSFER: _l("Bank transfer (CSV)"),
    PayoutMethod.STRIPE_CONNECT: _l("Stripe Connect transfer"),
}


@bp.app_context_processor
def payment_labels():
    return {"ledger_kind_label": lambda kind: str(KIND_LABELS.get(kind, kind)),
            "payout_method_label": lambda method: str(METHOD_LABELS.get(method, method))}


# --- webhook --------------------------------------------------------------------------------

@bp.route("/payments/stripe/webhook", methods=["POST"])
@csrf.exempt
def stripe_webhook():
    """Stripe's events: signature checked on the raw body, recorded once, acted on at once."""
    raw_body = request.get_data(cache=False)
    outcome = webhooks.handle_webhook("stripe", raw_body, request.headers)
    db.session.commit()
    return jsonify({"received": True, "outcome": outcome})


@bp.get("/payments/zarinpal/callback/<number>")
def zarinpal_callback(number: str):
    """Where Zarinpal sends the buyer back (`?Authority=…&Status=OK|NOK`): verified with
    Zarinpal whatever `Status` says, settled once however often it is delivered. Answers with
    a 303 to the order (paid, or still being confirmed) or to the pay page (not paid)."""
    # A GET that writes: on SQLite it must take the write lock at BEGIN, else concurrent
    # deliveries fail with "database is locked" instead of waiting their turn.
    db.session.rollback()
    g.sqlite_write_lock = True
    try:
        payment = zarinpal_payments.handle_callback(number, request.args.get("Authority"),
                                                    request.args.get("Status"))
    except PaymentUnavailable as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        return redirect(url_for("orders.order_detail", number=number), 303)
    db.session.commit()
    if payment.status == PaymentStatus.SUCCEEDED:
        if payment.refunded_amount:  # paid too late, or after choosing pay at pickup
            flash(_("Your payment could not be used for this order, so the money will be "
                    "given back to you in full; we have sent you an email that says why."),
                  "warning")
        else:
            flash(payment_message(payment), "success")
        return redirect(url_for("orders.order_detail", number=number), 303)
    if payment.is_open:
        flash(payment_message(payment), "info")
        return redirect(url_for("orders.order_detail", number=number), 303)
    flash(payment_message(payment), "error")
    return redirect(url_for("checkout.pay", number=number), 303)


# --- refunds and pay-at-pickup ----------------------------------------------------------------

def _vendor_order(vendor_order_id: int) -> VendorOrder:
    vendor_order = db.session.get(VendorOrder, vendor_order_id)
    if vendor_order is None:
        raise NotFound(_("We could not find that order."))
    return vendor_order


def _back(default: str):
    return redirect(referrer_target(default))


@bp.route("/payments/vendor-orders/<int:vendor_order_id>/refund", methods=["POST"])
def refund(vendor_order_id: int):
    actor = require_login()
    vendor_order = _vendor_order(vendor_order_id)
    form = RefundForm(meta={"currency": vendor_order.currency})
    if not form.validate():
        raise BadRequest(next(m for ms in form.errors.values() for m in ms),
                         code=OrderErrorCode.BAD_AMOUNT if form.amount.errors
                         else CoreErrorCode.VALIDATION_ERROR,
                         fields=form.errors)
    refund = refunds.refund_vendor_order(actor, vendor_order, form.amount.data,
                                         form.restock.data, reason=form.reason.data or "")
    db.session.commit()
    flash(_("Refunded %(amount)s to the buyer.", amount=refund.money.format(locale_for())),
          "success")
    return _back(url_for("orders.sale_detail", vendor_order_id=vendor_order.id))


@bp.route("/payments/vendor-orders/<int:vendor_order_id>/paid-at-pickup", methods=["POST"])
def paid_at_pickup(vendor_order_id: int):
    actor = require_login()
    vendor_order = _vendor_order(vendor_order_id)
    pay_at_pickup.confirm_paid_at_pickup(actor, vendor_order)
    db.session.commit()
    flash(_("Marked as paid at pickup."), "success")
    return _back(url_for("orders.sale_detail", vendor_order_id=vendor_order.id))


# --- the trainee's ledger -------------------------------------------------------------------

def _trainee():
    user = require_login()
    if user.trainee is None:
        raise NotFound(_("We could not find that page."))
    return user.trainee


def _period(form: PeriodForm) -> tuple[date, date, datetime, datetime]:
    """The form's period (inclusive, marketplace time zone); this month by default, and for a
    date the form refused (its error is on the form)."""
    zone = ZoneInfo(current_app.config.get("MARKETPLACE_TIMEZONE", "UTC"))
    today = utcnow().astimezone(zone).date()
    form.validate()
    first = form.first.data or today.replace(day=1)
    last = form.last.data or today
    # The fields show the period in force (a refused text stays, beside its error).
    for field, shown in ((form.first, first), (form.last, last)):
        if field.data is None and not field.errors:
            field.data = shown
    if last < first or (last - first).days > 3660:
        raise BadRequest(_("The period must end after it starts and span at most ten years."),
                         code=PaymentErrorCode.BAD_PERIOD)
    start = datetime.combine(first, time.min, zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(UTC)
    return first, last, start, end


@bp.route("/my/ledger")
def ledger():
    trainee = _trainee()
    period = PeriodForm(formdata=request.args)
    first, last, start, end = _period(period)
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    report = queries.statement(trainee.id, currency, start, end)
    now = utcnow()
    debt = queries.debt_of(trainee.id, currency)
    provider = debts.online_provider(currency)
    return render_template(
        "payments/ledger.html", report=report, first=first, last=last, period=period,
        balance=queries.balance(trainee.id, currency),
        available=queries.available_balance(trainee.id, currency, now),
        account=queries.payout_account(trainee.id), debt=debt, now=now,
        debt_payment=queries.open_debt_payment(trainee.id) if debt else None,
        pays_online=provider is not None,
        online_minimum=debts.online_minimum(provider, currency) if provider else None), \
        400 if period.errors else 200


@bp.route("/my/ledger.csv")
def ledger_csv():
    trainee = _trainee()
    period = PeriodForm(formdata=request.args)
    first, last, start, end = _period(period)
    if period.errors:
        raise BadRequest(str(next(iter(period.errors.values()))[0]),
                         code=PaymentErrorCode.BAD_DATE)
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    report = queries.statement(trainee.id, currency, start, end)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    zone = ZoneInfo(current_app.config.get("MARKETPLACE_TIMEZONE", "UTC"))
    # ISO columns for machines; a Jalali one beside the date for people (issue 18).
    writer.writerow(["date", "date_jalali", "kind", "description", "order", "amount",
                     "currency", "balance"])
    running = report.opening
    writer.writerow([first.isoformat(), jalali_column(first), "opening_balance", "", "", "",
                     currency, report.opening.to_decimal_string()])
    for entry in report.entries:
        running = running + entry.money
        writer.writerow([entry.created_at.isoformat(), jalali_column(entry.created_at, zone),
                         entry.kind.value, entry.memo,
                         entry.vendor_order.order.number if entry.vendor_order else "",
                         entry.money.to_decimal_string(), currency,
                         running.to_decimal_string()])
    writer.writerow([last.isoformat(), jalali_column(last), "closing_balance", "", "", "",
                     currency, report.closing.to_decimal_string()])
    filename = f"ledger-{trainee.store_slug}-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/my/payout-account", methods=["GET", "POST"])
def payout_account():
    trainee = _trainee()
    account = queries.payout_account(trainee.id)
    form = PayoutAccountForm(obj=account)
    if form.validate_on_submit():
        payouts.save_payout_account(current_user, trainee, form.payout_account_data())
        db.session.commit()
        flash(_("Your payout details are saved."), "success")
        return redirect(url_for("payments.ledger"))
    # A refused form is a 400, as before the form checked it; nothing was written.
    status = 400 if form.errors else 200
    return render_template("payments/payout_account.html", form=form), status


# --- admin payouts --------------------------------------------------------------------------

@bp.route("/admin/payouts", methods=["GET", "POST"])
@admin_required
def admin_payouts():
    if request.method == "POST":
        batch = payouts.create_payout_batch(current_user, request.form.get("method", ""))
        db.session.commit()
        flash(_("Payout batch %(id)s created for %(amount)s.", id=batch.id,
                amount=batch.total.format(locale_for())), "success")
        for problem in batch.failures:
            flash(problem, "warning")
        return redirect(url_for("payments.admin_payout_batch", batch_id=batch.id))
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    return render_template(
        "payments/admin_payouts.html", methods=list(PayoutMethod),
        balances=queries.available_by_trainee(utcnow(), currency),
        minimum=Money(int(current_app.config.get("PAYOUT_MINIMUM", 0)), currency),
        hold_days=current_app.config.get("PAYOUT_HOLD_DAYS", 0),
        batches=queries.payout_batches())


def _batch(batch_id: int) -> PayoutBatch:
    batch = queries.payout_batch(batch_id)
    if batch is None:
        raise NotFound(_("We could not find that payout batch."))
    return batch


@bp.route("/admin/payouts/<int:batch_id>")
@admin_required
def admin_payout_batch(batch_id: int):
    return render_template("payments/admin_payout_batch.html", batch=_batch(batch_id))


@bp.route("/admin/payouts/<int:batch_id>.csv")
@admin_required
def admin_payout_batch_csv(batch_id: int):
    batch = _batch(batch_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["payout", "account_holder", "iban", "stripe_account", "amount", "currency",
                     "reference", "status"])
    for payout in batch.payouts:
        writer.writerow([payout.id, payout.account_holder, payout.iban or "",
                         payout.stripe_account_id or "", payout.money.to_decimal_string(),
                         payout.currency, f"Bazaarche payout {batch.id}-{payout.id}",
                         payout.status.value])
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="payout-batch-{batch.id}.csv"'})


@bp.route("/admin/payouts/<int:batch_id>/mark-paid", methods=["POST"])
@admin_required
def admin_payout_batch_paid(batch_id: int):
    payouts.mark_batch_paid(current_user, _batch(batch_id))
    db.session.commit()
    flash(_("The batch is marked as paid."), "success")
    return redirect(url_for("payments.admin_payout_batch", batch_id=batch_id))


# --- refunds owed (paid by hand) ------------------------------------------------------------

@bp.route("/admin/refunds-owed")
@admin_required
def admin_refunds_owed():
    return render_template("payments/admin_refunds_owed.html", refunds=queries.refunds_owed(
        current_app.config["MARKETPLACE_CURRENCY"]))


@bp.route("/admin/refunds-owed/<int:refund_id>/paid", methods=["POST"])
@admin_required
def admin_refund_paid(refund_id: int):
    refund = refunds.mark_refund_paid(current_user, refund_id)
    db.session.commit()
    flash(_("Refund of %(amount)s marked as paid by bank transfer.",
            amount=refund.money.format(locale_for())), "success")
    return redirect(url_for("payments.admin_refunds_owed"))
