"""The demo payout step is idempotent and gives every verified trainee payout details."""

from sqlalchemy import func, select

from marketplace.demo import orders
from marketplace.payments.models import LedgerEntry, PayoutAccount
from marketplace.payments.sheba import normalise_sheba


def test_seed_payouts_twice(db, create_trainee, create_product, create_user, place_test_order):
    trainees = [create_trainee(), create_trainee()]
    product = create_product(trainee=trainees[0], price_amount=2500, stock=3)
    place_test_order(create_user(), product, paid=True)
    lines = []
    orders.seed_payouts(lines.append)
    db.session.commit()
    orders.seed_payouts(lines.append)
    db.session.commit()
    assert db.session.scalar(select(func.count(PayoutAccount.id))) == 2
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2   # sale + commission
    assert lines[-1].endswith("(0 new)")
    # Every demo Sheba passes the check that the payout page makes.
    for iban in db.session.scalars(select(PayoutAccount.iban)):
        assert normalise_sheba(iban) == iban
