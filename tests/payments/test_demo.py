"""The payments demo seed is idempotent and gives every verified trainee payout details."""

from sqlalchemy import func, select

from marketplace.payments import demo
from marketplace.payments.models import LedgerEntry, PayoutAccount


def test_seed_twice(db, shop, place_test_order):
    place_test_order(shop.buyer, shop.product_a, paid=True)
    lines = []
    demo.seed(lines.append)
    db.session.commit()
    demo.seed(lines.append)
    db.session.commit()
    assert db.session.scalar(select(func.count(PayoutAccount.id))) == 2
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2   # sale + commission
    assert lines[-1].endswith("(0 new)")
