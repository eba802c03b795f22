"""A real order's mail through RQ (REDIS_URL set): what the services queue survives the trip
through Redis, and the worker sends it; the request sends nothing itself."""

from sqlalchemy import select

from marketplace.orders.models import Order

# The fixtures that send this module's jobs to a Redis queue of each test's own.
from tests.redis_server import fresh_job_queue, jobs_on_redis_config, run_queued_jobs  # noqa: F401


def test_order_mail_goes_through_the_queue(client, db, login, shop, fill_cart, outbox):
    fill_cart(shop.buyer, shop.tableau_a, shop.tableau_b)
    login(shop.buyer)
    response = client.post("/checkout", data={
        "contact_name": "Sara", "contact_phone": "09120000000",
        f"fulfilment_{shop.trainee_a.id}": "pickup", f"fulfilment_{shop.trainee_b.id}": "pickup"})
    assert response.status_code == 302
    number = db.session.scalar(select(Order.number))
    response = client.post(f"/checkout/{number}/pay", data={"provider": "pay_at_pickup"})
    assert response.status_code == 302
    assert outbox() == []  # the requests only queued the mail

    assert run_queued_jobs() == 0
    sent = {m["To"]: m for m in outbox()}
    assert set(sent) == {shop.buyer.email, shop.trainee_a.user.email, shop.trainee_b.user.email}
    assert all(number in mail.get_content() for mail in sent.values())
