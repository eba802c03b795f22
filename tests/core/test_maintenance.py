"""`flask maintenance` runs every upkeep command once (what cron or `flask worker` runs)."""

from marketplace.orders.models import Order, OrderStatus
from tests.orders.test_order_services import make_due


def test_maintenance_expires_due_orders_and_runs_every_upkeep_command(
        db, runner, place_test_order, create_product):
    order = place_test_order(None, (create_product(stock=3), 1))
    make_due(order)

    result = runner.invoke(args=["maintenance"])

    assert result.exit_code == 0, result.output
    assert "Expired 1 unpaid order(s)" in result.output
    assert "Reconciled payments" in result.output
    assert "no-shows marked" in result.output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.EXPIRED


def test_a_failing_upkeep_command_does_not_stop_the_others(app, db, runner, monkeypatch):
    import marketplace.orders.services.orders as order_services

    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr(order_services, "due_order_ids", broken)
    monkeypatch.setattr("marketplace.orders.cli.due_order_ids", broken)

    result = runner.invoke(args=["maintenance"])

    assert result.exit_code == 0, result.output
    assert "Reconciled payments" in result.output
    assert "no-shows marked" in result.output
