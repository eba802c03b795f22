"""Sales at the booth (issue 17): the same stock as online checkout, booked in the ledger as
money already in the trainee's hand, on a page only the product's own trainee may use."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import TraineeStatus
from marketplace.booths.models import BoothSale, BoothSalePayment
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.catalogue.services.stock import take_stock
from marketplace.core.errors import Conflict, Forbidden, NotFound
from marketplace.core.i18n import marketplace_zone
from marketplace.notifications.models import EventKind, Notification
from marketplace.notifications.service import site_path
from marketplace.payments import queries
from marketplace.payments.models import LedgerEntry, LedgerKind
from marketplace.payments.services.booth_sales import BoothSaleData, record_booth_sale
from marketplace.payments.services.ledger import post_entry

LATIN_DIGIT = re.compile(r"[0-9]")
PAGE = "/booths/sell"


def ledger_of(db, trainee) -> list[tuple[LedgerKind, int]]:
    return [(e.kind, e.amount) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.trainee_id == trainee.id)
        .order_by(LedgerEntry.id))]


def booth_sales(db) -> int:
    return db.session.scalar(select(func.count(BoothSale.id)))


@pytest.fixture
def seller(create_trainee, create_product):
    trainee = create_trainee()
    tableau = create_product(trainee=trainee, kind=ProductKind.ONE_OF_A_KIND,
                             title_fa="تابلوی فیروزه‌کوب", price_amount=50_000)
    rugs = create_product(trainee=trainee, title_fa="گلیم دستباف", price_amount=2500, stock=5)
    return trainee, tableau, rugs


def sell(user, product, quantity=1, kind=BoothSalePayment.CASH, reference=""):
    return record_booth_sale(user, BoothSaleData(product_id=product.id, quantity=quantity,
                                                 payment_kind=kind, card_reference=reference))


def test_a_one_of_a_kind_sold_at_the_booth_leaves_the_online_store(app, db, seller):
    trainee, tableau, _rugs = seller
    sale = sell(trainee.user, tableau)
    db.session.commit()
    db.session.expire_all()
    product = db.session.get(Product, tableau.id)
    assert (product.stock, product.status) == (0, ProductStatus.SOLD_OUT)
    assert (sale.quantity, sale.unit_price_amount, sale.trainee_id) == (1, 50_000, trainee.id)
    # Online checkout's statement now refuses it.
    assert take_stock(tableau.id, 1) is False
    # Booked like cash collected at pickup: sale, commission, and the cash as paid out.
    percent = app.config.get("COMMISSION_PERCENT", 10)
    commission = 50_000 * percent // 100
    assert ledger_of(db, trainee) == [(LedgerKind.SALE, 50_000),
                                      (LedgerKind.COMMISSION, -commission),
                                      (LedgerKind.PAYOUT, -50_000)]
    assert all(f"booth sale #{sale.id}" in e.memo for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.trainee_id == trainee.id)))


def test_the_last_piece_cannot_be_sold_twice_and_a_refusal_writes_nothing(db, seller):
    trainee, tableau, rugs = seller
    sell(trainee.user, tableau)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        sell(trainee.user, tableau)
    db.session.rollback()
    assert refused.value.code == "out_of_stock" and refused.value.status == 409
    with pytest.raises(Conflict):
        sell(trainee.user, rugs, quantity=6)
    db.session.rollback()
    assert booth_sales(db) == 1 and len(ledger_of(db, trainee)) == 3
    assert db.session.get(Product, rugs.id).stock == 5


def test_card_sales_keep_the_reader_reference_and_cash_sales_none(db, seller):
    trainee, _tableau, rugs = seller
    card = sell(trainee.user, rugs, 2, BoothSalePayment.CARD, "123456")
    cash = sell(trainee.user, rugs, 1, BoothSalePayment.CASH, "999")
    db.session.commit()
    assert (card.card_reference, cash.card_reference) == ("123456", None)
    assert card.total.amount == 5000 and db.session.get(Product, rugs.id).stock == 2


def test_a_sale_on_a_booth_day_names_the_assignment(db, seller, create_market, create_booth,
                                                    create_assignment):
    trainee, _tableau, rugs = seller
    today = datetime.now(marketplace_zone()).date()
    market = create_market(days=1, starts_on=today, ends_on=today)
    assignment = create_assignment(create_booth(venue=market.venue), market.days[0], trainee)
    tomorrow_seller = sell(trainee.user, rugs)
    db.session.commit()
    assert tomorrow_seller.assignment_id == assignment.id


def test_a_sale_off_any_booth_day_has_no_assignment(db, seller):
    trainee, _tableau, rugs = seller
    assert sell(trainee.user, rugs).assignment_id is None


def test_only_the_products_own_verified_trainee_may_sell_it(db, seller, create_trainee,
                                                              create_user):
    _trainee, tableau, _rugs = seller
    with pytest.raises(NotFound) as other:
        sell(create_trainee().user, tableau)
    assert other.value.code == "not_your_product"
    for user in (create_user(), create_trainee(status=TraineeStatus.PENDING).user):
        with pytest.raises(Forbidden) as refused:
            sell(user, tableau)
        assert refused.value.code == "not_active_vendor"
    db.session.rollback()
    assert db.session.get(Product, tableau.id).stock == 1 and booth_sales(db) == 0


# --- the page --------------------------------------------------------------------------------

def test_a_trainee_records_a_sale_with_persian_digits(db, client, login, seller):
    trainee, _tableau, rugs = seller
    trainee.user.locale = "fa"
    db.session.commit()
    login(trainee.user)
    page = client.get(PAGE)
    assert page.status_code == 200
    response = client.post(PAGE, data={"product_id": rugs.id, "quantity": "۲",
                                       "payment_kind": "card", "card_reference": "۴۴۵۵"})
    assert response.status_code == 303, response.get_data(as_text=True)
    sale = db.session.scalars(select(BoothSale)).one()
    assert (sale.quantity, sale.payment_kind, sale.card_reference) == (
        2, BoothSalePayment.CARD, "4455")
    html = client.get(PAGE).get_data(as_text=True)
    body = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", body)
    assert "گلیم دستباف" in text and "۴۴۵۵" in text and "فروش ثبت شد" in text
    assert not LATIN_DIGIT.search(text), LATIN_DIGIT.findall(text)
    assert not re.search(r"[A-Za-z]{3,}", text), text


def test_sold_out_meanwhile_is_a_clear_409(db, client, login, seller):
    trainee, tableau, _rugs = seller
    login(trainee.user)
    assert take_stock(tableau.id, 1)  # an online buyer took it after the page loaded
    db.session.commit()
    response = client.post(PAGE, data={"product_id": tableau.id, "quantity": "1",
                                       "payment_kind": "cash"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-error-code="out_of_stock"' in html and "sold out" in html
    assert booth_sales(db) == 0 and ledger_of(db, trainee) == []


@pytest.mark.parametrize("quantity", ["0", "abc", "", "1000"])
def test_bad_quantities_are_422_and_write_nothing(db, client, login, seller, quantity):
    trainee, _tableau, rugs = seller
    login(trainee.user)
    response = client.post(PAGE, data={"product_id": rugs.id, "quantity": quantity,
                                       "payment_kind": "cash"})
    assert response.status_code == 422
    assert booth_sales(db) == 0 and db.session.get(Product, rugs.id).stock == 5


def test_bad_payment_kind_and_product_are_refused(db, client, login, seller):
    trainee, _tableau, rugs = seller
    login(trainee.user)
    assert client.post(PAGE, data={"product_id": rugs.id, "quantity": "1",
                                   "payment_kind": "bitcoin"}).status_code == 422
    assert client.post(PAGE, data={"product_id": "x", "quantity": "1",
                                   "payment_kind": "cash"}).status_code == 422
    assert client.post(PAGE, data={"product_id": "99999999999999", "quantity": "1",
                                   "payment_kind": "cash"}).status_code == 404
    assert booth_sales(db) == 0


def test_the_qr_tag_link_preselects_the_product(db, client, login, seller):
    trainee, tableau, _rugs = seller
    login(trainee.user)
    html = client.get(f"{PAGE}?product={tableau.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{tableau.id}"|<option value="{tableau.id}" '
                     r'selected', html)


@pytest.mark.parametrize("who", ["anonymous", "buyer", "pending_trainee", "other_trainee",
                                 "centre_staff", "municipal_staff", "admin"])
def test_role_matrix(db, client, login, seller, who, create_user, create_trainee,
                     create_centre_staff, create_municipal_staff, create_admin):
    trainee, tableau, _rugs = seller
    users = {
        "anonymous": lambda: None,
        "buyer": create_user,
        "pending_trainee": lambda: create_trainee(status=TraineeStatus.PENDING).user,
        "other_trainee": lambda: create_trainee().user,
        "centre_staff": lambda: create_centre_staff(centre=trainee.centre),
        "municipal_staff": create_municipal_staff,
        "admin": create_admin,
    }
    user = users[who]()
    if user is not None:
        login(user)
    page = client.get(PAGE)
    posted = client.post(PAGE, data={"product_id": tableau.id, "quantity": "1",
                                     "payment_kind": "cash"})
    if who == "anonymous":
        assert page.status_code == posted.status_code == 302
        assert "/login" in page.headers["Location"]
    elif who == "other_trainee":
        assert page.status_code == 200 and "تابلوی فیروزه‌کوب" not in page.get_data(as_text=True)
        assert posted.status_code == 404
    else:
        assert page.status_code == posted.status_code == 403
    assert db.session.get(Product, tableau.id).stock == 1 and booth_sales(db) == 0


def test_the_page_runs_a_constant_number_of_queries(db, client, login, seller, count_queries,
                                                    create_product):
    trainee, _tableau, rugs = seller
    login(trainee.user)
    client.post(PAGE, data={"product_id": rugs.id, "quantity": "1", "payment_kind": "cash"})
    client.get(PAGE)
    with count_queries() as few:
        client.get(PAGE)
    for _ in range(4):
        product = create_product(trainee=trainee)
        client.post(PAGE, data={"product_id": product.id, "quantity": "1",
                                "payment_kind": "cash"})
    with count_queries() as many:
        client.get(PAGE)
    assert many.n == few.n


def test_todays_sales_since_start_of_day_only(db, seller):
    trainee, _tableau, rugs = seller
    sale = sell(trainee.user, rugs)
    sale.created_at = sale.created_at - timedelta(days=2)
    db.session.commit()
    zone = marketplace_zone()
    start = datetime.combine(datetime.now(zone).date(), datetime.min.time(), tzinfo=zone)
    assert queries.booth_sales_since(trainee.id, start) == []


def test_the_owner_scanning_the_items_qr_tag_can_go_on_to_sell_it(db, client, login, seller,
                                                                    create_trainee):
    """The tag's QR code opens the product page; there its own trainee finds the sale link."""
    trainee, tableau, _rugs = seller
    link = f"{PAGE}?product={tableau.id}"
    login(create_trainee().user)
    assert link not in client.get(f"/p/{tableau.id}").get_data(as_text=True)
    login(trainee.user)
    assert link in client.get(f"/p/{tableau.id}").get_data(as_text=True).replace("&amp;", "&")


def test_the_page_in_english(db, client, login, seller):
    trainee, _tableau, _rugs = seller
    trainee.user.locale = "en"
    db.session.commit()
    login(trainee.user)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Sell at the booth" in html and "Record the sale" in html and "5 left" in html


def test_the_page_registers_its_service_worker_served_beside_it(db, client, login, seller):
    trainee, _tableau, _rugs = seller
    login(trainee.user)
    html = client.get(PAGE).get_data(as_text=True)
    assert 'data-worker="/booths/booth-sale-worker.js"' in html
    assert f'data-worker-scope="{PAGE}"' in html
    client.post("/logout")  # the worker itself is no one's: served signed out too
    # The worker's folder (/booths/) holds the page: its scope may be the page.
    worker = client.get("/booths/booth-sale-worker.js")
    assert worker.status_code == 200 and "javascript" in worker.content_type
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "caches.open" in worker.get_data(as_text=True)


def test_a_sale_sent_again_with_its_client_key_is_recorded_once(db, client, login, seller):
    trainee, _tableau, rugs = seller
    login(trainee.user)
    data = {"product_id": rugs.id, "quantity": "2", "payment_kind": "cash",
            "client_key": "3f1c9a2e-0b7d-4e55-9a61-2c0d8e4b7a10"}
    assert client.post(PAGE, data=data).status_code == 303
    assert client.post(PAGE, data=data).status_code == 303  # the phone retried
    assert booth_sales(db) == 1 and db.session.get(Product, rugs.id).stock == 3
    assert len(ledger_of(db, trainee)) == 3
    assert client.post(PAGE, data={**data, "client_key": "bad key!"}).status_code == 422


def test_the_markets_fee_on_sales_is_booked_with_a_sale_on_its_day(
        app, db, seller, create_market, create_booth, create_assignment):
    trainee, _tableau, rugs = seller
    today = datetime.now(marketplace_zone()).date()
    market = create_market(days=1, starts_on=today, ends_on=today, sales_fee_percent=4)
    create_assignment(create_booth(venue=market.venue), market.days[0], trainee)
    sell(trainee.user, rugs, quantity=2)
    db.session.commit()
    percent = app.config.get("COMMISSION_PERCENT", 10)
    assert ledger_of(db, trainee) == [(LedgerKind.SALE, 5000),
                                      (LedgerKind.COMMISSION, -5000 * percent // 100),
                                      (LedgerKind.BOOTH_FEE, -200),
                                      (LedgerKind.PAYOUT, -5000)]


# --- the API ---------------------------------------------------------------------------------

API = "/api/v1/booth-sales"


def test_the_api_records_a_sale_once_per_client_key_and_lists_today(db, client, api_token,
                                                                    seller):
    trainee, tableau, rugs = seller
    headers = api_token(trainee.user)
    body = {"product_id": rugs.id, "quantity": 2, "payment_kind": "card",
            "card_reference": "7788", "client_key": "k-1"}
    first = client.post(API, json=body, headers=headers)
    assert first.status_code == 201, first.json
    assert (first.json["quantity"], first.json["total_amount"], first.json["payment_kind"]) == (
        2, 5000, "card")
    again = client.post(API, json=body, headers=headers)
    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    assert client.post(API, json={"product_id": tableau.id, "quantity": 1,
                                  "payment_kind": "cash"}, headers=headers).status_code == 201
    sold_out = client.post(API, json={"product_id": tableau.id, "quantity": 1,
                                      "payment_kind": "cash"}, headers=headers)
    assert sold_out.status_code == 409 and sold_out.json["error"]["code"] == "out_of_stock"
    listed = client.get(API, headers=headers)
    assert listed.status_code == 200 and len(listed.json) == 2
    assert booth_sales(db) == 2 and db.session.get(Product, rugs.id).stock == 3


@pytest.mark.parametrize("body", [
    {"product_id": 1, "quantity": 0, "payment_kind": "cash"},
    {"product_id": 1, "quantity": "1", "payment_kind": "cash"},
    {"product_id": 1, "quantity": 1, "payment_kind": "barter"},
    {"product_id": 1, "quantity": 1, "payment_kind": "cash", "price": 1},
    {"product_id": 1, "quantity": 1, "payment_kind": "cash", "client_key": "no spaces"},
])
def test_the_api_refuses_malformed_sales(db, client, api_token, seller, body):
    trainee, _tableau, _rugs = seller
    response = client.post(API, json=body, headers=api_token(trainee.user))
    assert response.status_code == 422 and booth_sales(db) == 0


def test_the_api_is_for_the_products_own_trainee_only(db, client, api_token, seller,
                                                       create_trainee, create_user):
    _trainee, tableau, _rugs = seller
    body = {"product_id": tableau.id, "quantity": 1, "payment_kind": "cash"}
    assert client.post(API, json=body).status_code == 401
    other = client.post(API, json=body, headers=api_token(create_trainee().user))
    assert other.status_code == 404 and other.json["error"]["code"] == "not_your_product"
    buyer = client.post(API, json=body, headers=api_token(create_user()))
    assert buyer.status_code == 403 and buyer.json["error"]["code"] == "not_active_vendor"
    assert client.get(API, headers=api_token(create_user())).status_code == 403
    assert booth_sales(db) == 0


# --- the debt the commission leaves: told once, after the commit, in the trainee's language ---

def debt_notices(db, trainee) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == trainee.user_id, Notification.kind == EventKind.DEBT_DUE)
        .order_by(Notification.id)))


@pytest.mark.parametrize("locale, title", [("fa", "به بازارچه بدهکارید"),
                                           ("en", "You owe the marketplace")])
def test_a_cash_sale_whose_commission_puts_the_trainee_in_debt_tells_them_once(
        app, db, seller, locale, title):
    trainee, tableau, rugs = seller
    trainee.user.locale = locale
    db.session.commit()
    sell(trainee.user, tableau)
    db.session.flush()
    assert debt_notices(db, trainee) == []  # nothing before the commit
    db.session.commit()

    (notice,) = debt_notices(db, trainee)
    owed = queries.debt_of(trainee.id, tableau.currency).amount
    assert owed.amount == 50_000 * app.config.get("COMMISSION_PERCENT", 10) // 100
    assert notice.title == title and owed.format(locale) in notice.body
    assert notice.link == site_path("payments.ledger")
    # A second sale adds to a debt already told of: no second notice.
    sell(trainee.user, rugs, kind=BoothSalePayment.CARD)
    db.session.commit()
    assert len(debt_notices(db, trainee)) == 1


def test_a_sale_the_balance_covers_tells_nothing(db, seller):
    trainee, tableau, _rugs = seller
    post_entry(trainee.id, LedgerKind.SALE, 100_000, tableau.currency, memo="online sale")
    db.session.commit()
    sell(trainee.user, tableau)
    db.session.commit()
    assert queries.debt_of(trainee.id, tableau.currency) is None
    assert debt_notices(db, trainee) == []


def test_a_rolled_back_sale_tells_nothing(db, seller):
    trainee, tableau, _rugs = seller
    sell(trainee.user, tableau)
    db.session.rollback()
    db.session.commit()
    assert debt_notices(db, trainee) == [] and booth_sales(db) == 0
