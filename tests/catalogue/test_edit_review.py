"""Changing what a centre approved — the title, description, photos or attribute values of a
listing — sends it back to review and tells the centre; its price and stock do not."""

import io
from dataclasses import replace

from sqlalchemy import select

from marketplace.catalogue.models import Product, ProductStatus, ProductStatusChange
from marketplace.catalogue.services import products
from marketplace.catalogue.services.listing_data import ListingData
from marketplace.notifications.models import EventKind, Notification
from tests.factories.catalogue import png_bytes

S = ProductStatus


def _told(db, user) -> list[EventKind]:
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.recipient_id == user.id).order_by(Notification.id)))


def test_only_reviewed_content_sends_a_listing_back(db, create_trainee, create_centre,
                                                    create_centre_staff, create_product,
                                                    carpet_category):
    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    auto = create_trainee(centre=create_centre(auto_approve_listings=True))
    cases = [  # (owner, status before, change, status after)
        (trainee, S.ACTIVE, {"price_amount": 9900, "stock": 9}, S.ACTIVE),
        (trainee, S.ACTIVE, {"stock": 0}, S.SOLD_OUT),
        (trainee, S.ACTIVE, {"attributes": {"width_cm": "۴۰"}}, S.ACTIVE),  # the same width
        (trainee, S.ACTIVE, {"title_fa": "تابلو فرش تازه"}, S.SUBMITTED),
        (trainee, S.SOLD_OUT, {"description_en": "Silk on silk"}, S.SUBMITTED),
        (trainee, S.PAUSED, {"attributes": {"width_cm": 41}}, S.SUBMITTED),
        (trainee, S.SUBMITTED, {"title_fa": "هنوز در انتظار"}, S.SUBMITTED),
        (auto, S.ACTIVE, {"title_fa": "بی‌بررسی"}, S.ACTIVE),
    ]
    for owner, before, change, after in cases:
        product = create_product(owner, category=carpet_category, status=before,
                                 stock=0 if before == S.SOLD_OUT else 3,
                                 attributes={"width_cm": 40})
        products.update_product(owner.user, product, replace(ListingData.of(product), **change))
        db.session.commit()
        assert product.status == after, (before, change)
    actions = db.session.scalars(select(ProductStatusChange.action)).all()
    assert actions == ["resubmit"] * 3
    assert _told(db, staff) == [EventKind.LISTING_SUBMITTED] * 3


def test_a_new_photo_on_the_page_or_a_title_through_the_api_asks_for_review(
        app, db, client, login, api_token, create_trainee, create_centre_staff,
        create_product):
    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    product = create_product(trainee)
    login(trainee.user)
    for _ in range(2):
        client.post(f"/my/products/{product.id}/images",
                    data={"image": (io.BytesIO(png_bytes()), "p.png")},
                    content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == S.SUBMITTED
    assert "off sale until it is approved again" in client.get(
        f"/my/products/{product.id}/edit?lang=en").text
    assert app.test_client().get(f"/p/{product.id}").status_code == 404
    assert _told(db, staff) == [EventKind.LISTING_SUBMITTED]  # once: it was waiting already

    listed = create_product(trainee)
    response = client.patch(f"/api/v1/products/{listed.id}", json={"price_amount": 4000},
                            headers=api_token(trainee.user))
    assert response.status_code == 200 and response.json["status"] == "active"
    response = client.patch(f"/api/v1/products/{listed.id}", json={"title_en": "New"},
                            headers=api_token(trainee.user))
    assert response.status_code == 200 and response.json["status"] == "submitted"
