"""Mail after commit, jobs, pagination and the auth helpers of the core."""

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import User
from marketplace.core.errors import BadRequest
from marketplace.core.jobs import after_commit
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.pagination import MAX_PER_PAGE, page_args, paginate


def test_mail_is_sent_only_after_the_commit(db, outbox, create_user):
    user = create_user(locale="en")
    send_mail_after_commit(user.email, "Reset your password", "password_reset", locale="en",
                           name="Zahra", link="http://localhost/x", minutes=60)
    assert outbox() == []
    db.session.commit()
    (mail,) = outbox()
    assert mail["Subject"] == "Reset your password" and "Zahra" in mail.get_content()


def test_a_rolled_back_transaction_sends_nothing(db, outbox):
    send_mail_after_commit("a@example.org", "Reset your password", "password_reset",
                           locale="fa", name="x", link="http://localhost/x", minutes=60)
    db.session.rollback()
    db.session.commit()
    assert outbox() == []


def test_mail_goes_through_smtp_when_a_server_is_set(app, db, monkeypatch, outbox):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"]))

    monkeypatch.setattr("marketplace.core.mail.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=2525, MAIL_USERNAME="bz")
    send_mail_after_commit("b@example.org", "Reset your password", "password_reset",
                           locale="en", name="x", link="http://localhost/x", minutes=60)
    db.session.commit()
    assert sent == [("connect", "smtp.example.org", 2525), ("starttls",), ("login", "bz"),
                    ("send", "b@example.org")]
    assert outbox() == []


calls = []


def remember(value):
    calls.append(value)


def test_after_commit_jobs_run_once_in_order(db):
    calls.clear()
    after_commit(remember, 1)
    after_commit(remember, 2)
    db.session.commit()
    db.session.commit()
    assert calls == [1, 2]


@pytest.mark.parametrize(("args", "expected"), [
    ({}, (1, 24)),
    ({"page": "۳", "per_page": "۱۰"}, (3, 10)),
    ({"page": "2", "per_page": str(MAX_PER_PAGE)}, (2, MAX_PER_PAGE)),
])
def test_page_args(args, expected):
    assert page_args(MultiDict(args)) == expected


@pytest.mark.parametrize("args", [{"page": "0"}, {"page": "x"}, {"per_page": "0"},
                                  {"per_page": str(MAX_PER_PAGE + 1)}, {"page": "-1"}])
def test_bad_page_args(args):
    with pytest.raises(BadRequest) as caught:
        page_args(MultiDict(args))
    assert caught.value.code == "bad_page"


def test_paginate_takes_two_queries_whatever_the_page_size(db, create_user):
    for _ in range(7):
        create_user()
    statements = []
    listener = lambda *args, **kwargs: statements.append(args[2])  # noqa: E731 - tiny probe
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = paginate(db.session, select(User).order_by(User.id), page=2, per_page=3)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [u.id for u in page.items] == sorted(u.id for u in page.items)
    assert (len(page.items), page.total, page.pages, page.has_prev, page.has_next) == (
        3, 7, 3, True, True)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_api_views_need_a_token_and_admin_views_an_admin(client, create_user, api_token):
    assert client.get("/api/v1/accounts/me").status_code == 401
    headers = api_token(create_user())
    response = client.post("/api/v1/municipalities", headers=headers,
                           json={"name_fa": "x", "city": "x"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_a_rolled_back_savepoint_drops_only_the_work_queued_inside_it(db):
    calls.clear()
    after_commit(remember, "before")
    try:
        with db.session.begin_nested():
            after_commit(remember, "inside")
            raise ValueError("caught, as services do with IntegrityError")
    except ValueError:
        pass
    with db.session.begin_nested():
        after_commit(remember, "kept savepoint")
    after_commit(remember, "after")
    db.session.commit()
    assert calls == ["before", "kept savepoint", "after"]


def test_a_full_rollback_drops_everything_queued(db):
    calls.clear()
    after_commit(remember, "outer")
    with db.session.begin_nested():
        after_commit(remember, "inner")
    db.session.rollback()
    db.session.commit()
    assert calls == []


def test_releasing_a_savepoint_does_not_run_the_queue_early(db):
    calls.clear()
    after_commit(remember, "queued")
    with db.session.begin_nested():
        pass
    assert calls == []
    db.session.commit()
    assert calls == ["queued"]


def test_a_persian_mail_reads_back_as_written(app, db, outbox):
    """Subject, sender name and body in Persian survive composing and parsing unchanged."""
    app.config["MAIL_DEFAULT_SENDER"] = "بازارچه <noreply@example.org>"
    send_mail_after_commit("c@example.org", "Your Bazaarche order", "password_reset",
                           locale="fa", name="زهرا", link="http://localhost/x", minutes=60)
    db.session.commit()
    (mail,) = outbox()
    assert mail["To"] == "c@example.org"
    assert mail["From"].addresses[0].display_name == "بازارچه"
    assert mail["From"].addresses[0].addr_spec == "noreply@example.org"
    assert mail["Subject"] == "سفارش شما در بازارچه"  # decoded back from RFC 2047
    assert "زهرا" in mail.get_content()
    assert mail.get_content_type() == "text/plain"
