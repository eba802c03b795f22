"""Buyers who opted in on a course page hear, once per listing, when a trainee who attended
that course gets a listing approved in a category of the course's trade (catalogue's
`listing_approved` signal; catalogue never imports training)."""

import pytest
from sqlalchemy import select

from marketplace.catalogue.models import ProductStatus
from marketplace.catalogue.services import workflow
from marketplace.notifications.models import EventKind, Notification
from marketplace.training.models import WorkAlert


def graduate_notices(db, user):
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == user.id, Notification.kind == EventKind.GRADUATE_WORK)))


@pytest.fixture
def carpet_categories(create_category):
    rugs = create_category(slug="rugs-kilims")
    return {"rugs": rugs, "knotted": create_category(parent=rugs, slug="hand-knotted-rugs"),
            "food": create_category(slug="food")}


@pytest.fixture
def graduates(client, db, api_token, world, approved_course, create_trainee):
    """A carpet-design course; one trainee attended its first session, one only registered."""
    course = approved_course(capacity=5)
    attended, absent = create_trainee(), create_trainee()
    registrations = {}
    for trainee in (attended, absent):
        response = client.post(f"/api/v1/training/courses/{course['id']}/registrations",
                               headers=api_token(trainee.user))
        registrations[trainee.id] = response.json["id"]
    response = client.put(
        f"/api/v1/training/courses/{course['id']}/sessions/{course['sessions'][0]['id']}"
        "/attendance", json={"registration_ids": [registrations[attended.id]]},
        headers=api_token(world.centre_staff))
    assert response.status_code == 200
    return course, attended, absent


def approve(db, create_centre_staff, product):
    workflow.approve_product(create_centre_staff(centre=product.trainee.centre), product)
    db.session.commit()


def test_opted_in_buyers_hear_once_of_a_graduates_matching_listing(
        client, db, login, api_token, graduates, carpet_categories, create_user,
        create_product, create_centre_staff):
    course, attended, absent = graduates
    fa_buyer, en_buyer, other = (create_user(locale="fa"), create_user(locale="en"),
                                 create_user())
    login(fa_buyer)  # the course page's button
    page = client.get(f"/courses/{course['id']}").get_data(as_text=True)
    assert 'id="work-alert-button"' in page
    assert client.post(f"/courses/{course['id']}/work-alert").status_code == 302
    assert 'id="work-alert-button"' not in client.get(
        f"/courses/{course['id']}").get_data(as_text=True)
    url = f"/api/v1/training/courses/{course['id']}/work-alert"
    for _twice in range(2):  # asking twice is harmless
        response = client.put(url, headers=api_token(en_buyer))
        assert response.status_code == 200 and response.json["following"] is True
    assert client.get(url, headers=api_token(other)).json["following"] is False
    assert db.session.scalar(select(WorkAlert.id).where(
        WorkAlert.user_id == en_buyer.id)) is not None

    # Not a match: the absent trainee's rug, the graduate's food.
    for product in (create_product(trainee=absent, category=carpet_categories["knotted"],
                                   status=ProductStatus.SUBMITTED),
                    create_product(trainee=attended, category=carpet_categories["food"],
                                   status=ProductStatus.SUBMITTED)):
        approve(db, create_centre_staff, product)
    assert graduate_notices(db, fa_buyer) == graduate_notices(db, en_buyer) == []

    # The graduate's hand-knotted rug (a child of rugs-kilims): both told, once.
    rug = create_product(trainee=attended, category=carpet_categories["knotted"],
                         title_fa="قالیچهٔ گل‌دار", title_en="Flowered rug",
                         status=ProductStatus.SUBMITTED)
    approve(db, create_centre_staff, rug)
    (fa_notice,) = graduate_notices(db, fa_buyer)
    (en_notice,) = graduate_notices(db, en_buyer)
    assert "Flowered rug" in en_notice.body and "Carpet design" in en_notice.title
    assert "قالیچهٔ گل‌دار" in fa_notice.body
    assert en_notice.link.startswith(f"/p/{rug.id}")
    assert graduate_notices(db, other) == graduate_notices(db, attended.user) == []

    # Changed and approved again: no second notice.
    workflow.send_back_to_review(attended.user, rug)
    db.session.commit()
    approve(db, create_centre_staff, rug)
    assert len(graduate_notices(db, en_buyer)) == 1

    # Opted out: the next listing tells only the buyer still following.
    assert client.delete(url, headers=api_token(en_buyer)).json["following"] is False
    approve(db, create_centre_staff, create_product(
        trainee=attended, category=carpet_categories["rugs"], status=ProductStatus.SUBMITTED))
    assert len(graduate_notices(db, en_buyer)) == 1
    assert len(graduate_notices(db, fa_buyer)) == 2


def test_a_centre_that_publishes_at_once_tells_the_buyers_too(
        client, db, api_token, graduates, carpet_categories, create_user, create_product):
    course, attended, _absent = graduates
    buyer = create_user()
    client.put(f"/api/v1/training/courses/{course['id']}/work-alert", headers=api_token(buyer))
    attended.centre.auto_approve_listings = True
    db.session.commit()
    rug = create_product(trainee=attended, category=carpet_categories["rugs"],
                         status=ProductStatus.DRAFT)
    workflow.submit_product(attended.user, rug)
    db.session.commit()
    assert rug.status == ProductStatus.ACTIVE
    assert len(graduate_notices(db, buyer)) == 1


def test_only_a_signed_in_person_opts_in_and_a_trade_without_goods_offers_nothing(
        client, db, login, api_token, approved_course, afternoon_course, create_user):
    course = approved_course()
    url = f"/api/v1/training/courses/{course['id']}/work-alert"
    assert client.put(url).status_code == 401
    assert client.post(f"/courses/{course['id']}/work-alert").status_code == 302  # to login
    assert db.session.scalar(select(WorkAlert.id)) is None
    assert client.put("/api/v1/training/courses/999999/work-alert",
                      headers=api_token(create_user())).status_code == 404
    computing = afternoon_course(trade="computing")
    login(create_user())
    page = client.get(f"/courses/{computing['id']}").get_data(as_text=True)
    assert 'id="work-alert"' not in page
