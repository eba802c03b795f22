"""Public store pages, centre pages and the list of centres."""

import pytest

from marketplace.accounts.models import TraineeStatus
from marketplace.catalogue.models import ProductStatus


@pytest.fixture
def sardrud(create_centre):
    return create_centre(name_fa="مرکز آموزش فنی و حرفه‌ای سردرود",
                         name_en="Sardrud vocational training centre", slug="sardrud",
                         city="سردرود")


@pytest.fixture
def maryam(create_trainee, create_user, sardrud):
    user = create_user(display_name="مریم احمدی")
    return create_trainee(centre=sardrud, user=user, store_name="تابلو فرش مریم",
                          store_slug="maryam-tableaux", trade="carpet_weaving",
                          bio="بافنده‌ی تابلو فرش از سردرود.\nسفارش هم می‌پذیرم.")


def test_store_page_shows_the_store_its_centre_and_active_products(client, maryam, sardrud,
                                                                   make_product, create_trainee):
    active = make_product(maryam, title_fa="تابلو فرش حافظ‌خوانی")
    make_product(maryam, title_fa="پیش‌نویس پنهان", status=ProductStatus.DRAFT)
    make_product(maryam, title_fa="بایگانی‌شده", status=ProductStatus.ARCHIVED)
    make_product(create_trainee(centre=sardrud), title_fa="کار کس دیگر")

    response = client.get("/s/maryam-tableaux?lang=fa")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "تابلو فرش مریم" in page
    assert "مریم احمدی" in page
    assert "مریم احمدی · بافت فرش" in page  # the trade in the reader's language
    assert "سردرود" in page
    assert "سفارش هم می‌پذیرم." in page
    assert "تأییدشده توسط" in page
    assert 'href="/c/sardrud"' in page
    assert "تابلو فرش حافظ‌خوانی" in page
    assert f'href="/p/{active.id}"' in page
    for hidden in ("پیش‌نویس پنهان", "بایگانی‌شده", "کار کس دیگر"):
        assert hidden not in page
    assert 'src="/s/maryam-tableaux/qr.svg"' in page
    assert 'href="/s/maryam-tableaux/sign"' in page


def test_store_page_is_paginated_newest_first(client, maryam, make_product):
    products = [make_product(maryam, title_fa=f"محصول شماره {n}") for n in range(5)]

    first = client.get("/s/maryam-tableaux?per_page=2&lang=en").get_data(as_text=True)
    last = client.get("/s/maryam-tableaux?per_page=2&page=3&lang=en").get_data(as_text=True)

    assert f'href="/p/{products[4].id}"' in first and f'href="/p/{products[3].id}"' in first
    assert f'href="/p/{products[0].id}"' not in first
    assert f'href="/p/{products[0].id}"' in last
    assert "Page 1 of 3" in first
    assert client.get("/s/maryam-tableaux?page=0").status_code == 400


@pytest.mark.parametrize("status", [TraineeStatus.PENDING, TraineeStatus.REJECTED,
                                    TraineeStatus.SUSPENDED])
def test_store_of_an_unverified_or_suspended_trainee_is_not_found(client, create_trainee,
                                                                  make_product, status):
    trainee = create_trainee(status=status, store_slug="hidden-store")
    make_product(trainee)

    assert client.get("/s/hidden-store").status_code == 404
    assert client.get("/s/hidden-store/qr.png").status_code == 404
    assert client.get("/s/hidden-store/sign").status_code == 404
    assert client.get("/api/v1/stores/hidden-store").status_code == 404


def test_store_of_a_disabled_account_and_an_unknown_store_are_not_found(client, db, maryam):
    assert client.get("/s/no-such-store").status_code == 404
    maryam.user.is_disabled = True
    db.session.commit()
    assert client.get("/s/maryam-tableaux").status_code == 404


def test_store_page_runs_the_same_number_of_queries_whatever_the_product_count(
        client, maryam, make_product, count_queries):
    make_product(maryam)
    with count_queries() as one:
        assert client.get("/s/maryam-tableaux").status_code == 200
    for _ in range(11):
        make_product(maryam)
    with count_queries() as twelve:
        assert client.get("/s/maryam-tableaux").status_code == 200

    # trainee+user+centre, product count, product page, their images, and the trainee's
    # booths coming up (none here: the panel is left out).
    assert one.n == twelve.n <= 5, twelve.statements


def test_centre_page_lists_only_verified_trainees_stores_with_counts(
        client, sardrud, maryam, create_trainee, make_product, create_centre):
    make_product(maryam)
    make_product(maryam)
    create_trainee(centre=sardrud, store_name="غرفه‌ی در انتظار",
                   status=TraineeStatus.PENDING)
    create_trainee(centre=sardrud, store_name="غرفه‌ی تعلیق‌شده",
                   status=TraineeStatus.SUSPENDED)
    create_trainee(centre=create_centre(), store_name="غرفه‌ی مرکز دیگر")
    create_trainee(centre=sardrud, store_name="گلیم رضا", store_slug="reza-kilims")

    response = client.get("/c/sardrud?lang=fa")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "مرکز آموزش فنی و حرفه‌ای سردرود" in page
    assert 'href="/s/maryam-tableaux"' in page and 'href="/s/reza-kilims"' in page
    assert "۲ محصول" in page
    for hidden in ("غرفه‌ی در انتظار", "غرفه‌ی تعلیق‌شده", "غرفه‌ی مرکز دیگر"):
        assert hidden not in page
    assert client.get("/c/nowhere").status_code == 404


def test_centre_page_query_count_does_not_grow_with_stores(client, sardrud, create_trainee,
                                                           make_product, count_queries):
    make_product(create_trainee(centre=sardrud))
    with count_queries() as one:
        assert client.get("/c/sardrud").status_code == 200
    for _ in range(6):
        make_product(create_trainee(centre=sardrud))
    with count_queries() as seven:
        assert client.get("/c/sardrud").status_code == 200

    assert one.n == seven.n <= 4, seven.statements


def test_centres_page_lists_every_centre_with_its_store_count(
        client, sardrud, maryam, create_centre, create_trainee, count_queries):
    osku = create_centre(name_en="Osku vocational training centre", slug="osku", city="اسکو")
    create_trainee(centre=sardrud, status=TraineeStatus.SUSPENDED)
    with count_queries() as counted:
        response = client.get("/centres?lang=en")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/c/sardrud"' in page and 'href="/c/osku"' in page
    assert "Sardrud vocational training centre" in page and osku.name_en in page
    assert "1 stores" in page and "0 stores" in page
    assert counted.n == 1


def test_my_store_takes_a_verified_trainee_to_their_store(client, login, maryam):
    login(maryam.user)

    response = client.get("/my/store")

    assert response.status_code == 302
    assert response.headers["Location"] == "/s/maryam-tableaux"
    home = client.get("/?lang=fa").get_data(as_text=True)
    assert 'href="/my/store"' in home and "فروشگاه من" in home


@pytest.mark.parametrize(("status", "message"), [
    (TraineeStatus.PENDING, "پس از تأیید مرکز آموزشی‌تان"),
    (TraineeStatus.SUSPENDED, "حساب شما را تعلیق کرده است"),
])
def test_my_store_explains_why_an_unverified_store_is_closed(client, login, create_trainee,
                                                            status, message):
    trainee = create_trainee(status=status, store_name="گلیم‌های آیسان")
    login(trainee.user)

    page = client.get("/my/store?lang=fa").get_data(as_text=True)

    assert "گلیم‌های آیسان" in page and message in page


def test_my_store_is_for_signed_in_trainees(client, login, create_user):
    anonymous = client.get("/my/store")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")
    login(create_user())
    assert client.get("/my/store").status_code == 404
    assert 'href="/my/store"' not in client.get("/").get_data(as_text=True)
