"""flask reconcile-payments and flask charge-booth-fees."""

import click
from flask.cli import with_appcontext

from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.payments import queries
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import DebtPayment, ShippingPayment
from marketplace.payments.providers import ZARINPAL, is_enabled
from marketplace.payments.services import booth_fees, debts, shipping_payments, webhooks
from marketplace.payments.services import zarinpal as zarinpal_payments


@click.command("reconcile-payments")
@with_appcontext
def reconcile_payments():
    """Settle every payment still open — an order's, a trainee's debt payment or a
    shipping fee's — by asking its
    provider (repairs lost webhooks and callbacks, and requests that died between charging and
    committing). One transaction per payment."""
    counts: dict[str, int] = {}
    payment_ids = set(queries.payment_ids_to_reconcile())
    if is_enabled(ZARINPAL):
        try:
            payment_ids.update(zarinpal_payments.unverified_payment_ids())
        except GatewayError as error:
            click.echo(f"Zarinpal's list of unverified payments: {error}", err=True)
    for payment_id in sorted(payment_ids):
        try:
            status = str(webhooks.reconcile_payment(payment_id))
            db.session.commit()
        except (GatewayError, DomainError) as error:
            db.session.rollback()
            status = "error"
            click.echo(f"payment {payment_id}: {error}", err=True)
        counts[status] = counts.get(status, 0) + 1
    side = (("debt", DebtPayment, debts.debt_payment_ids_to_reconcile,
             debts.settle_debt_payment),
            ("shipping", ShippingPayment, shipping_payments.shipping_payment_ids_to_reconcile,
             shipping_payments.settle_shipping_payment))
    for kind, model, open_ids, settle in side:
        for payment_id in open_ids():
            try:
                status = f"{settle(db.session.get(model, payment_id)).status} ({kind})"
                db.session.commit()
            except (GatewayError, DomainError) as error:
                db.session.rollback()
                status = "error"
                click.echo(f"{kind} payment {payment_id}: {error}", err=True)
            counts[status] = counts.get(status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing open"
    click.echo(f"Reconciled payments: {summary}.")


@click.command("charge-booth-fees")
@with_appcontext
def charge_booth_fees():
    """Deduct due booth fees of market days that have begun from the trainees' balances."""
    count = booth_fees.charge_booth_fees()
    db.session.commit()
    click.echo(f"Charged {count} booth fee(s).")
