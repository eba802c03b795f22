"""`flask expire-orders`: give back the stock of unpaid orders past their hold;
`flask remind-pickups`: remind tomorrow's pickups to their buyers."""

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.orders.services.cart import delete_stale_guest_carts
from marketplace.orders.services.orders import due_order_ids, expire_order
from marketplace.orders.services.reminders import remind_pickups as queue_pickup_reminders


@click.command("expire-orders")
@click.option("--quiet", is_flag=True, help="Say nothing when nothing expired (for a loop).")
@with_appcontext
def expire_orders(quiet):
    """Expire unpaid orders past ORDER_HOLD_MINUTES and return their stock (run by cron)."""
    expired = 0
    for order_id in due_order_ids():
        # One transaction per order: a long run never holds locks on everything at once.
        order = db.session.get(Order, order_id)
        if order is not None and expire_order(order):
            expired += 1
        db.session.commit()
    carts = delete_stale_guest_carts()
    db.session.commit()
    if expired or carts or not quiet:
        click.echo(f"Expired {expired} unpaid order(s); deleted {carts} stale guest cart(s).")


@click.command("remind-pickups")
@with_appcontext
def remind_pickups():
    """Remind each buyer of tomorrow's pickups (market, booth, time), once (run by cron)."""
    count = queue_pickup_reminders()
    db.session.commit()
    click.echo(f"Reminded {count} pickup(s).")
