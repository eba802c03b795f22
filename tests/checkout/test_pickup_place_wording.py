"""QA P3: the pickup place names the booth («غرفه ۲۰», "Booth 20") in the reader's language and
digits, worded when the page is shown, not frozen in the language of the checkout."""

from datetime import date, timedelta

from flask_babel import force_locale

from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.orders.queries import pickup_options


def _booth_day(app, db, trainee, code="20"):
    from marketplace.accounts.models import Municipality
    from marketplace.booths.models import (
        Assignment,
        AssignmentSource,
        Booth,
        Market,
        MarketDay,
        MarketKind,
        Venue,
    )
    from marketplace.core.db import utcnow

    municipality = Municipality(name_fa="شهرداری سردرود", slug="sardrud", city="سردرود")
    db.session.add(municipality)
    db.session.flush()
    venue = Venue(municipality_id=municipality.id, name_fa="میدان", name_en="Square",
                  currency=app.config["MARKETPLACE_CURRENCY"])
    booth = Booth(venue=venue, code=code, currency=venue.currency)
    now = utcnow()
    market = Market(venue=venue, kind=MarketKind.ONE_OFF, name_fa="جشنواره سردرود",
                    name_en="Sardrud festival", starts_on=date.today(),
                    ends_on=date.today() + timedelta(days=10),
                    applications_open_at=now - timedelta(days=20),
                    applications_close_at=now - timedelta(days=10), published_seed=7)
    day = MarketDay(market=market, day=date.today() + timedelta(days=3), opens_at=now)
    db.session.add_all([venue, booth, market, day])
    db.session.flush()
    db.session.add(Assignment(booth=booth, market_day=day, trainee_id=trainee.id,
                              source=AssignmentSource.MANUAL, check_in_code="ABCD1234"))
    db.session.commit()
    return day


def test_pickup_option_labels_the_booth_in_the_locale(app, db, create_trainee):
    trainee = create_trainee()
    _booth_day(app, db, trainee)
    with force_locale("fa"):
        [option] = pickup_options([trainee], "fa")[trainee.id]
        assert option.place == "جشنواره سردرود — غرفه ۲۰"
    with force_locale("en"):
        [option] = pickup_options([trainee], "en")[trainee.id]
        assert option.place == "Sardrud festival — Booth 20"


def test_order_page_words_the_pickup_place_for_the_reader(app, db, client, login, create_user,
                                                          create_trainee, create_product,
                                                          fill_cart):
    trainee = create_trainee()
    product = create_product(trainee=trainee)
    day = _booth_day(app, db, trainee)
    buyer = create_user(locale="fa")
    cart = fill_cart(buyer, product)
    order = place_order(buyer, cart, CheckoutChoices(
        contact_name="S", fulfilment={trainee.id: "pickup"},
        pickup={trainee.id: f"day-{day.id}"}), locale="fa")
    db.session.commit()
    assert order.vendor_orders[0].pickup_booth_code == "20"
    number = order.number

    login(buyer)
    fa = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "جشنواره سردرود — غرفه ۲۰" in fa
    en = client.get(f"/orders/{number}?lang=en").get_data(as_text=True)
    assert "Sardrud festival — Booth 20" in en and "جشنواره سردرود" not in en
