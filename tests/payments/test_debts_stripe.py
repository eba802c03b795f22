"""Paying a debt in a dollar world: through the Stripe stand-in with a test card, and settled
once by Stripe's webhook however often it is delivered."""

import pytest
from sqlalchemy import select

from marketplace.payments import queries
from marketplace.payments.models import DebtPayment, LedgerEntry, LedgerKind, PaymentStatus
from marketplace.payments.services.ledger import post_entry
from tests.payments.conftest import intent_event, signed, standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


def owe(db, trainee, amount: int) -> None:
    post_entry(trainee.id, LedgerKind.BOOTH_FEE, -amount, "USD", memo="test")
    db.session.commit()


def only_debt_payment(db) -> DebtPayment:
    db.session.expire_all()
    [payment] = db.session.scalars(select(DebtPayment))
    return payment


def credits(db) -> list[LedgerEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(LedgerEntry)
                                   .where(LedgerEntry.debt_payment_id.is_not(None))))


def test_a_debt_paid_with_a_test_card_is_credited_once(db, client, login, shop):
    owe(db, shop.trainee_a, 1500)
    login(shop.trainee_a.user)
    page = client.post("/my/debt/pay?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Pay what you owe" in text and "$15.00" in text and "pm_card_visa" in text
    payment = only_debt_payment(db)
    assert payment.provider == "stripe" and payment.provider_reference.startswith("pi_")
    assert payment.idempotency_key.startswith(f"debt-{shop.trainee_a.id}-")

    declined = client.post(f"/my/debt/payments/{payment.id}/test-card",
                           data={"card": "pm_card_chargeDeclined"})
    assert declined.status_code == 303 and credits(db) == []
    assert only_debt_payment(db).status == PaymentStatus.FAILED
    # A failed attempt is closed: a new one may start at once.
    assert client.post("/my/debt/pay?lang=en").status_code == 200
    payment = db.session.scalars(select(DebtPayment).order_by(DebtPayment.id.desc())).first()
    paid = client.post(f"/my/debt/payments/{payment.id}/test-card",
                       data={"card": "pm_card_visa"})
    assert paid.status_code == 303 and paid.headers["Location"].endswith("/my/ledger")
    for _ in range(2):  # the button pressed again, the return page reloaded
        client.post(f"/my/debt/payments/{payment.id}/test-card", data={"card": "pm_card_visa"})
        client.get(f"/my/debt/payments/{payment.id}/return")
    [credit] = credits(db)
    assert (credit.kind, credit.amount, credit.debt_payment_id) == \
        (LedgerKind.PAYOUT, 1500, payment.id)
    assert queries.debt_of(shop.trainee_a.id, "USD") is None


def test_the_webhook_settles_a_debt_payment_once(db, client, login, shop):
    owe(db, shop.trainee_a, 1500)
    login(shop.trainee_a.user)
    assert client.post("/my/debt/pay").status_code == 200
    payment = only_debt_payment(db)
    # The card is paid on Stripe's page (here: confirmed on the stand-in directly).
    from marketplace.payments.gateway import current_gateway

    current_gateway().confirm_payment_intent(payment.provider_reference, "pm_card_visa", "k-1")
    for event_id in ("evt_1", "evt_1", "evt_2"):  # a replay and a second event
        body, headers = signed(intent_event(event_id, "payment_intent.succeeded",
                                            payment.provider_reference, amount=1500))
        assert client.post("/payments/stripe/webhook", data=body,
                           headers=headers).status_code == 200
    assert only_debt_payment(db).status == PaymentStatus.SUCCEEDED
    assert [c.amount for c in credits(db)] == [1500]


def test_someone_else_cannot_use_the_test_card_on_my_payment(db, client, login, shop):
    owe(db, shop.trainee_a, 1500)
    login(shop.trainee_a.user)
    client.post("/my/debt/pay")
    payment = only_debt_payment(db)
    login(shop.trainee_b.user)
    answer = client.post(f"/my/debt/payments/{payment.id}/test-card",
                         data={"card": "pm_card_visa"})
    assert answer.status_code == 404
    assert client.get(f"/my/debt/payments/{payment.id}/return").status_code == 404
    assert only_debt_payment(db).status == PaymentStatus.PENDING and credits(db) == []
