"""The bell, the notices page, marking read, the preferences page, and the API."""

from datetime import timedelta

import pytest

from marketplace.core.db import utcnow
from marketplace.notifications.models import EventKind, Notification, NotificationPreference


@pytest.fixture
def give_notices(db):
    """give_notices(user, n, read=0) -> n notices in the user's feed, the first `read` read."""

    def make(user, n: int, read: int = 0) -> list[Notification]:
        now = utcnow()
        rows = [Notification(recipient_id=user.id, kind=EventKind.LISTING_APPROVED,
                             title=f"Notice {i}", body="", context={}, link="/my/products",
                             created_at=now - timedelta(minutes=n - i),
                             read_at=now if i < read else None)
                for i in range(n)]
        db.session.add_all(rows)
        db.session.commit()
        return rows

    return make


def test_the_bell_shows_the_unread_count_in_persian_digits(client, login, create_user,
                                                           give_notices):
    user = create_user(locale="fa")
    give_notices(user, 14, read=2)
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert 'class="bell-count" data-unread="12">۱۲</span>' in page
    assert 'href="/notifications"' in page


def test_visitors_have_no_bell(client):
    assert "bell-count" not in client.get("/").get_data(as_text=True)


def test_the_bell_costs_one_query_whatever_the_count(client, login, create_user, give_notices,
                                                     count_queries, db):
    user = create_user()
    login(user)
    db.session.expunge_all()
    with count_queries() as none:
        client.get("/my/orders")
    give_notices(db.session.get(type(user), user.id), 30)
    db.session.expunge_all()
    with count_queries() as many:
        client.get("/my/orders")
    assert none.n == many.n, many.statements
    assert sum("FROM notifications" in s for s in many.statements) == 1


def test_the_notices_page_pages_and_marks_read(client, login, create_user, give_notices, db):
    user = create_user(locale="en")
    other = create_user()
    notices = give_notices(user, 25)
    (theirs,) = give_notices(other, 1)
    login(user)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Notice 24" in first and "Notice 4" not in first  # newest first, 20 a page
    assert "Notice 4" in client.get("/notifications?page=2").get_data(as_text=True)

    response = client.post(f"/notifications/{notices[0].id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/my/products"
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, notices[0].id).read_at is not None
    assert db.session.get(Notification, theirs.id).read_at is None

    client.post("/notifications/read-all")
    db.session.expire_all()
    assert 'data-unread="0"' in client.get("/notifications").get_data(as_text=True)
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_notices_page_in_persian(client, login, create_user, give_notices):
    user = create_user(locale="fa")
    give_notices(user, 1)
    login(user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "اطلاعیه‌ها" in page and "همه خوانده شد" in page


def test_the_preferences_page_saves_channels_per_kind(client, login, create_user, db):
    user = create_user(locale="fa")
    login(user)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "راه‌های دریافت اطلاعیه‌ها" in page
    assert 'name="order_paid:email" value="1" aria-label' in page
    response = client.post("/notifications/preferences", data={
        "order_paid:in_app": "1", "order_ready_for_pickup:sms": "1"})
    assert response.status_code == 302
    rows = {p.kind: p for p in db.session.query(NotificationPreference).filter_by(
        user_id=user.id)}
    assert rows[EventKind.ORDER_PAID].channels() == {"in_app"}
    assert rows[EventKind.ORDER_READY_FOR_PICKUP].channels() == {"sms"}
    assert rows[EventKind.ORDER_SHIPPED].channels() == frozenset()  # every box unticked


def test_pages_need_a_signed_in_user(client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/notifications/preferences").status_code == 302


# --- the API ---------------------------------------------------------------------------------

def test_api_lists_marks_read_and_sets_preferences(client, create_user, api_token,
                                                   give_notices):
    user = create_user()
    headers = api_token(user)
    notices = give_notices(user, 3)
    (theirs,) = give_notices(create_user(), 1)

    body = client.get("/api/v1/notifications?per_page=2", headers=headers).get_json()
    assert body["total"] == 3 and body["unread"] == 3 and len(body["items"]) == 2
    assert body["items"][0]["id"] == notices[2].id and body["items"][0]["kind"] == \
        "listing_approved"

    answer = client.post(f"/api/v1/notifications/{notices[0].id}/read", headers=headers)
    assert answer.status_code == 200 and answer.get_json()["read_at"]
    missing = client.post(f"/api/v1/notifications/{theirs.id}/read", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "unknown_notice"
    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json() == \
        {"marked": 2}

    prefs = client.get("/api/v1/notifications/preferences", headers=headers).get_json()
    paid = next(p for p in prefs["preferences"] if p["kind"] == "order_paid")
    assert paid["channels"] == ["in_app", "email"]
    saved = client.put("/api/v1/notifications/preferences", headers=headers, json={
        "preferences": [{"kind": "order_paid", "channels": ["sms"]}]})
    assert saved.status_code == 200
    paid = next(p for p in saved.get_json()["preferences"] if p["kind"] == "order_paid")
    assert paid["channels"] == ["sms"]
    bad = client.put("/api/v1/notifications/preferences", headers=headers, json={
        "preferences": [{"kind": "order_paid", "channels": ["pigeon"]}]})
    assert bad.status_code == 422


def test_api_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
