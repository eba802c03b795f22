"""The demo's notices step: a pickup reminder on the demo buyer's bell (texted to their number,
in the development SMS outbox) and a market's notice on the demo trainee's; twice is once."""

from sqlalchemy import func, select

from marketplace.core.db import utcnow
from marketplace.core.sms.outbox import outbox_messages
from marketplace.demo import notices
from marketplace.demo.people import demo_email
from marketplace.notifications.models import EventKind, Notification


def test_seed_notices_twice(db, create_user, create_trainee, create_market):
    buyer = create_user(email=demo_email("buyer"), locale="fa", phone="+989141234567",
                        phone_verified_at=utcnow())
    trainee = create_trainee(user=create_user(email=demo_email("trainee1"), locale="fa"))
    market = create_market()
    lines: list[str] = []
    for _ in range(2):
        notices.seed(lines.append)
        db.session.commit()

    kinds = dict(db.session.execute(select(Notification.recipient_id, Notification.kind)).all())
    assert kinds == {buyer.id: EventKind.PICKUP_REMINDER,
                     trainee.user.id: EventKind.STAFF_BROADCAST}
    assert db.session.scalar(select(func.count(Notification.id))) == 2
    assert len(lines) == 1  # the second run found both sent
    (sms,) = outbox_messages()
    assert sms["to"] == buyer.phone and market.name_fa in sms["text"]
