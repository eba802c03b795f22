"""What trainees owe (issue 16): the debt and its age from one query, the statement that shows
it (en and fa), paying it online through Zarinpal's stand-in, credited once however often the
callback comes, a second start refused with a clear 409 and nothing written, payouts netting
it, the admins' list, who may see and do what, and PICKUP_DEBT_LIMIT at checkout."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from marketplace.core.db import utcnow
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments import queries
from marketplace.payments.models import DebtPayment, LedgerEntry, LedgerKind, PaymentStatus, Payout
from marketplace.payments.services import pay_at_pickup, payments, payouts
from marketplace.payments.services.ledger import post_entry
from tests.factories.payments import zarinpal_config
from tests.payments.test_zarinpal_flow import gateway

LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test",
            "PICKUP_DEBT_LIMIT": 1000}


def owe(db, trainee, amount: int, days_ago: int = 0, kind=LedgerKind.COMMISSION) -> None:
    """Post a debit (or a credit, for a positive amount) `days_ago` days back."""
    when = utcnow() - timedelta(days=days_ago)
    post_entry(trainee.id, kind, amount, "IRR", created_at=when, available_at=when,
               memo="test")
    db.session.commit()


def cash_sale(db, shop, place_test_order, trainee, product):
    """A buyer pays `trainee` in cash at pickup: the commission becomes a debt."""
    order = place_test_order(shop.buyer, product)
    payments.start_payment(shop.buyer, order, "pay_at_pickup")
    db.session.commit()
    pay_at_pickup.confirm_paid_at_pickup(trainee.user, order.vendor_orders[0])
    db.session.commit()
    return order


def start_paying(client) -> str:
    """Press "Pay online" on the statement: the authority of the StartPay page we reach."""
    answer = client.post("/my/debt/pay?lang=en")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    location = urlsplit(answer.headers["Location"])
    assert location.path.startswith("/pg/StartPay/")
    return location.path.rsplit("/", 1)[1]


def debt_payments(db) -> list[DebtPayment]:
    db.session.expire_all()
    return list(db.session.scalars(select(DebtPayment).order_by(DebtPayment.id)))


def credits(db) -> list[LedgerEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(LedgerEntry)
                                   .where(LedgerEntry.debt_payment_id.is_not(None))))


# --- the query ----------------------------------------------------------------------------------

def test_debt_is_the_negative_balance_dated_by_its_oldest_unsettled_debit(db, create_trainee):
    trainee = create_trainee()
    assert queries.debt_of(trainee.id, "IRR") is None
    owe(db, trainee, -500, days_ago=30, kind=LedgerKind.BOOTH_FEE)
    owe(db, trainee, 800, days_ago=20, kind=LedgerKind.SALE)   # covers the booth fee
    assert queries.debt_of(trainee.id, "IRR") is None          # +300: owed, not owing
    owe(db, trainee, -400, days_ago=10)                        # -100 from 10 days ago
    owe(db, trainee, -50, days_ago=2)                          # -150
    debt = queries.debt_of(trainee.id, "IRR")
    assert debt.amount.amount == 150 and debt.amount.currency == "IRR"
    assert debt.age_days(utcnow()) == 10
    owe(db, trainee, -1000, days_ago=1)                        # newer debits alone: 1050
    assert queries.debt_of(trainee.id, "IRR").age_days(utcnow()) == 10
    owe(db, trainee, 1100, days_ago=0, kind=LedgerKind.SALE)   # 1150-1100: only the 50 left?
    debt = queries.debt_of(trainee.id, "IRR")
    # Credits settle the oldest debits first: what is left is the newest 50 (2 days ago).
    assert debt.amount.amount == 50 and debt.age_days(utcnow()) == 1
    assert queries.debts("USD") == []                          # another currency's ledger


def test_every_debt_oldest_first(db, create_trainee):
    young, old, clear = create_trainee(), create_trainee(), create_trainee()
    owe(db, young, -100, days_ago=3)
    owe(db, old, -700, days_ago=40, kind=LedgerKind.BOOTH_FEE)
    owe(db, clear, -100, days_ago=50)
    owe(db, clear, 100, days_ago=49, kind=LedgerKind.SALE)
    found = queries.debts("IRR")
    assert [(d.trainee_id, d.amount.amount, d.age_days(utcnow())) for d in found] == \
        [(old.id, 700, 40), (young.id, 100, 3)]
    assert found[0].store_name == old.store_name


# --- the statement and paying it ----------------------------------------------------------------

def test_a_trainee_pays_their_cash_sale_commission_online_once(
        app, db, client, login, shop, place_test_order, create_product, zarinpal_standin):
    """Issue 16's "done when": cash-sale commission owed, paid online through Zarinpal."""
    tableau = create_product(trainee=shop.trainee_a, price_amount=25_000, currency="IRR")
    cash_sale(db, shop, place_test_order, shop.trainee_a, tableau)
    assert queries.debt_of(shop.trainee_a.id, "IRR").amount.amount == 2500  # 10 % of 25000
    login(shop.trainee_a.user)
    page = client.get("/my/ledger?lang=en").get_data(as_text=True)
    assert "What you owe the marketplace" in page and 'id="pay-debt"' in page
    assert "Pay online" in page and "Owed since" in page

    authority = start_paying(client)
    [payment] = debt_payments(db)
    assert (payment.provider, payment.status, payment.amount, payment.currency) == \
        ("zarinpal", PaymentStatus.PENDING, 2500, "IRR")
    assert payment.provider_reference == authority
    # The statement now offers to go on with that payment, not to start another.
    page = client.get("/my/ledger?lang=en").get_data(as_text=True)
    assert "is in progress" in page and 'id="pay-debt"' not in page

    callback = gateway(zarinpal_standin, authority, "pay")
    assert callback.startswith(f"/payments/zarinpal/debt-callback/{payment.id}?")
    first = client.get(callback)
    assert first.status_code == 303 and first.headers["Location"].endswith("/my/ledger")
    for _ in range(3):  # reloads, the back button, a second delivery
        assert client.get(callback).status_code == 303
    [payment] = debt_payments(db)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None
    [credit] = credits(db)
    assert (credit.kind, credit.amount, credit.trainee_id) == \
        (LedgerKind.PAYOUT, 2500, shop.trainee_a.id)
    assert queries.debt_of(shop.trainee_a.id, "IRR") is None
    assert queries.balance(shop.trainee_a.id, "IRR").amount == 0
    assert zarinpal_standin.status_of(authority) == "verified"
    page = client.get("/my/ledger?lang=en").get_data(as_text=True)
    assert "What you owe the marketplace" not in page and "Debt paid online" in page

    # Paying again: nothing is owed — a clear 409, nothing written.
    again = client.post("/my/debt/pay?lang=en", headers={"Accept": "application/json"})
    assert again.status_code == 409 and "You owe the marketplace nothing." in \
        again.get_data(as_text=True)
    assert len(debt_payments(db)) == 1 and len(credits(db)) == 1


def test_a_second_start_while_one_is_open_is_a_409_and_writes_nothing(
        db, client, login, shop, zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    login(shop.trainee_a.user)
    authority = start_paying(client)
    answer = client.post("/my/debt/pay?lang=en")
    assert answer.status_code == 409
    assert "already in progress" in answer.get_data(as_text=True)
    [payment] = debt_payments(db)
    assert payment.provider_reference == authority and payment.status == PaymentStatus.PENDING
    # "Continue paying" sends the trainee back to the same gateway page.
    back = client.get(f"/my/debt/payments/{payment.id}")
    assert back.status_code == 303 and back.headers["Location"].endswith(authority)


def test_a_payment_left_open_is_closed_before_a_new_one_starts(
        app, db, client, login, shop, zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    login(shop.trainee_a.user)
    first = start_paying(client)
    stale = debt_payments(db)[0]
    stale.created_at = utcnow() - timedelta(minutes=app.config["ORDER_HOLD_MINUTES"] + 1)
    db.session.commit()
    second = start_paying(client)
    assert second != first
    rows = debt_payments(db)
    assert [p.status for p in rows] == [PaymentStatus.CANCELLED, PaymentStatus.PENDING]
    assert rows[1].idempotency_key.endswith("-payment-2")


def test_cancel_on_zarinpal_credits_nothing(db, client, login, shop, zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    login(shop.trainee_a.user)
    authority = start_paying(client)
    back = client.get(gateway(zarinpal_standin, authority, "cancel"))
    assert back.status_code == 303 and back.headers["Location"].endswith("/my/ledger")
    assert debt_payments(db)[0].status == PaymentStatus.CANCELLED
    assert credits(db) == []
    assert queries.debt_of(shop.trainee_a.id, "IRR").amount.amount == 3000


def test_forged_and_foreign_callbacks_write_nothing(db, client, login, shop, zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    owe(db, shop.trainee_b, -2000)
    login(shop.trainee_a.user)
    authority = start_paying(client)
    mine = debt_payments(db)[0]
    zarinpal_standin.pay(authority)
    for payment_id, forged, status in [(mine.id + 1, authority, 404),
                                       (mine.id, "A" + "7" * 35, 404),
                                       (mine.id, "../x", 400)]:
        answer = client.get(f"/payments/zarinpal/debt-callback/{payment_id}"
                            f"?Authority={forged}&Status=OK&lang=en")
        assert answer.status_code == status
    assert debt_payments(db)[0].status == PaymentStatus.PENDING and credits(db) == []


def test_zarinpal_not_answering_writes_nothing(db, client, login, shop, zarinpal_standin):
    owe(db, shop.trainee_a, -3000)
    login(shop.trainee_a.user)
    zarinpal_standin.fail("request", "http_500")
    assert client.post("/my/debt/pay?lang=en").status_code == 503
    assert debt_payments(db) == []


def test_a_debt_below_the_gateways_minimum_is_explained_not_sent(
        app, db, client, login, shop, zarinpal_standin):
    """Zarinpal refuses less than its minimum with a bare validation error; the trainee is told
    why and how to pay instead, on the statement and if they post anyway, and nothing is
    written or asked of the gateway."""
    owe(db, shop.trainee_a, -(app.config["ZARINPAL_MINIMUM_AMOUNT"] - 1))
    login(shop.trainee_a.user)
    asked_before = len(zarinpal_standin.state.payments)
    statement = client.get("/my/ledger?lang=en").get_data(as_text=True)
    assert 'id="debt-below-minimum"' in statement and 'id="pay-debt"' not in statement
    answer = client.post("/my/debt/pay?lang=en")
    assert answer.status_code == 422
    assert "less than the smallest online payment" in answer.get_data(as_text=True)
    assert debt_payments(db) == []
    assert len(zarinpal_standin.state.payments) == asked_before


def test_statement_in_persian(db, client, login, shop):
    owe(db, shop.trainee_a, -2500, days_ago=12)
    shop.trainee_a.user.locale = "fa"
    db.session.commit()
    login(shop.trainee_a.user)
    text = client.get("/my/ledger?lang=fa").get_data(as_text=True)
    section = text[text.index('id="debt"'):text.index("</section>", text.index('id="debt"'))]
    assert "بدهی شما به بازارچه" in section and "پرداخت آنلاین" in section
    assert "۲۵۰\xa0تومان" in section                 # 2,500 rials, in toman and Persian digits
    assert "۱۲ روز" in section
    assert not LATIN_DIGIT.search(re.sub(r"<[^>]+>", "", section))  # no Latin digit shown


# --- payouts ------------------------------------------------------------------------------------

def test_payouts_net_the_debt_first(app, db, shop, create_admin):
    from marketplace.payments.services.payouts import PayoutAccountData, save_payout_account

    trainee = shop.trainee_a
    save_payout_account(trainee.user, trainee, PayoutAccountData(
        "A", "IR820540102680020817909002", "Bank", None))
    owe(db, trainee, -3000, days_ago=5, kind=LedgerKind.BOOTH_FEE)
    owe(db, trainee, 2500, days_ago=4, kind=LedgerKind.SALE)
    admin = create_admin()
    with pytest.raises(Exception) as refused:  # in debt: nobody to pay
        payouts.create_payout_batch(admin, "bank_transfer")
    assert refused.value.code == "nothing_to_pay"
    db.session.rollback()
    owe(db, trainee, 6000, days_ago=3, kind=LedgerKind.SALE)
    batch = payouts.create_payout_batch(admin, "bank_transfer")
    db.session.commit()
    [payout] = batch.payouts
    assert payout.amount == 5500  # 2500 + 6000 − the 3000 owed
    assert queries.balance(trainee.id, "IRR").amount == 0
    assert db.session.scalar(select(func.count(Payout.id))) == 1


# --- who may see and do what --------------------------------------------------------------------

ROLES = ["owning_trainee", "other_trainee", "centre_staff", "municipal_staff", "admin",
         "anonymous"]
LEDGER = {"owning_trainee": 200, "other_trainee": 200, "centre_staff": 404,
          "municipal_staff": 404, "admin": 404, "anonymous": 302}
PAY = {"owning_trainee": 303, "other_trainee": 409, "centre_staff": 404,
       "municipal_staff": 404, "admin": 404, "anonymous": 302}
CONTINUE = {"owning_trainee": 303, "other_trainee": 404, "centre_staff": 404,
            "municipal_staff": 404, "admin": 404, "anonymous": 302}
ADMIN_LIST = {"owning_trainee": 403, "other_trainee": 403, "centre_staff": 403,
              "municipal_staff": 403, "admin": 200, "anonymous": 302}


@pytest.fixture
def debt_world(db, shop, create_centre_staff, create_municipal_staff, create_admin,
               zarinpal_standin):
    owe(db, shop.trainee_a, -3000, days_ago=4)
    payment = DebtPayment(trainee_id=shop.trainee_a.id, provider="zarinpal", amount=3000,
                          currency="IRR", idempotency_key="debt-test-1",
                          provider_reference="A" + "1" * 35)
    db.session.add(payment)
    db.session.commit()
    users = {"owning_trainee": shop.trainee_a.user, "other_trainee": shop.trainee_b.user,
             "centre_staff": create_centre_staff(centre=shop.trainee_a.centre),
             "municipal_staff": create_municipal_staff(), "admin": create_admin(),
             "anonymous": None}
    return payment, users


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(db, client, login, shop, debt_world, role):
    payment, users = debt_world
    if users[role] is not None:
        login(users[role])
    ledger = client.get("/my/ledger?lang=en")
    assert ledger.status_code == LEDGER[role]
    if ledger.status_code == 200:  # a trainee sees their own debt only
        assert ("What you owe the marketplace" in ledger.get_data(as_text=True)) == \
            (role == "owning_trainee")
    assert client.get(f"/my/debt/payments/{payment.id}").status_code == CONTINUE[role]
    listing = client.get("/admin/debts?lang=en")
    assert listing.status_code == ADMIN_LIST[role]
    if role == "admin":
        assert shop.trainee_a.store_name in listing.get_data(as_text=True)
    # Starting a payment: only one's own debt (here the open one is a 409 for its owner too,
    # so it is closed first to let the owner start).
    payment.status = PaymentStatus.CANCELLED
    db.session.commit()
    before = len(debt_payments(db))
    assert client.post("/my/debt/pay").status_code == PAY[role]
    assert len(debt_payments(db)) == before + (1 if role == "owning_trainee" else 0)


# --- the limit at checkout ----------------------------------------------------------------------

def test_a_trainee_over_the_limit_takes_no_pay_at_pickup_order(
        db, client, login, shop, place_test_order):
    owe(db, shop.trainee_a, -1001)   # the limit is 1000: passed
    owe(db, shop.trainee_b, -1000)   # at the limit: still allowed
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    order_id, number = order.id, order.number
    login(shop.buyer)
    page = client.get(f"/checkout/{number}/pay?lang=en").get_data(as_text=True)
    assert 'id="pickup-refusal"' in page and 'id="pay-at-pickup"' not in page
    assert f"{shop.trainee_a.store_name} cannot take orders paid at pickup" in page
    assert shop.trainee_b.store_name not in page[page.index('id="pickup-refusal"'):][:300]

    answer = client.post(f"/checkout/{number}/pay?lang=en", data={"provider": "pay_at_pickup"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 422
    db.session.expire_all()
    order = db.session.get(Order, order_id)
    assert order.status == OrderStatus.PENDING_PAYMENT and not order.pays_at_pickup
    assert order.payment_provider is None
    assert queries.payments_of_order(order_id) == []

    # Once the debt is paid, pay at pickup is offered and taken again.
    owe(db, shop.trainee_a, 1001, kind=LedgerKind.PAYOUT)
    page = client.get(f"/checkout/{number}/pay?lang=en").get_data(as_text=True)
    assert 'id="pay-at-pickup"' in page and 'id="pickup-refusal"' not in page
    assert client.post(f"/checkout/{number}/pay?lang=en",
                       data={"provider": "pay_at_pickup"}).status_code == 302


def test_the_refusal_in_the_api_carries_its_code(db, client, shop, place_test_order, api_token):
    owe(db, shop.trainee_a, -5000)
    order = place_test_order(shop.buyer, shop.product_a)
    answer = client.post(f"/api/v1/orders/{order.number}/payments", headers=api_token(shop.buyer),
                         json={"provider": "pay_at_pickup"})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "debt_limit_passed"
    assert queries.payments_of_order(order.id) == []
