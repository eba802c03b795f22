"""Demo data for payments: payout details for the verified demo trainees, and ledger rows for
demo orders that are already paid (idempotent: each step looks before it writes)."""

from sqlalchemy import select

from marketplace.accounts.models import Trainee, TraineeStatus
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.models import PayoutAccount
from marketplace.payments.services import ledger


def _demo_iban(trainee_id: int) -> str:
    # The shape of an Iranian IBAN (Sheba), not a real account.
    return f"IR{trainee_id % 90 + 10:02d}0170000000{trainee_id:012d}"


def seed(echo) -> None:
    trainees = list(db.session.scalars(
        select(Trainee).where(Trainee.status == TraineeStatus.VERIFIED).order_by(Trainee.id)))
    known = set(db.session.scalars(select(PayoutAccount.trainee_id)))
    added = 0
    for trainee in trainees:
        if trainee.id in known:
            continue
        db.session.add(PayoutAccount(trainee_id=trainee.id,
                                     account_holder=trainee.user.display_name,
                                     iban=_demo_iban(trainee.id), bank_name="بانک ملی ایران"))
        added += 1
    db.session.flush()
    echo(f"payments: payout details for {len(trainees)} verified trainees ({added} new)")

    booked = 0
    for order in db.session.scalars(select(Order).where(Order.status == OrderStatus.PAID)
                                    .order_by(Order.id)):
        booked += len(ledger.book_order_sales(order))
    echo(f"payments: ledger rows for paid demo orders ({booked} new)")
