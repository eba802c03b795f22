"""The listing workflow and who may do what (permission matrix)."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from marketplace.catalogue.models import (
    PRODUCT_TRANSITIONS,
    Product,
    ProductStatus,
    ProductStatusChange,
)
from marketplace.catalogue.services import products, workflow
from marketplace.catalogue.services.listing_data import ListingData
from marketplace.core.errors import Conflict, NotFound

S = ProductStatus


def test_draft_submitted_approved_paused_resumed_archived(db, create_product, create_trainee,
                                                          create_centre_staff):
    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    product = create_product(trainee=trainee, status=S.DRAFT)
    owner = trainee.user
    workflow.submit_product(owner, product)
    assert product.status == S.SUBMITTED and product.published_at is None
    workflow.approve_product(staff, product)
    assert product.status == S.ACTIVE and product.published_at is not None
    workflow.pause_product(owner, product)
    assert product.status == S.PAUSED
    workflow.resume_product(owner, product)
    assert product.status == S.ACTIVE
    workflow.archive_product(owner, product)
    assert product.status == S.ARCHIVED
    db.session.commit()
    history = db.session.scalars(select(ProductStatusChange).order_by(
        ProductStatusChange.id)).all()
    assert [(h.action, h.actor_id) for h in history] == [
        ("submit", owner.id), ("approve", staff.id), ("pause", owner.id),
        ("resume", owner.id), ("archive", owner.id)]


def test_rejection_needs_a_reason_and_the_listing_can_be_fixed_and_resubmitted(
        db, create_product, create_trainee, create_centre_staff, carpet_category):
    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    product = create_product(trainee=trainee, status=S.SUBMITTED, category=carpet_category,
                             attributes={"width_cm": 40})
    workflow.reject_product(staff, product, "ابعاد را بنویسید")
    assert (product.status, product.status_reason) == (S.REJECTED, "ابعاد را بنویسید")
    products.update_product(trainee.user, product, replace(
        ListingData.of(product), attributes={"width_cm": 40, "height_cm": 60}))
    workflow.submit_product(trainee.user, product)
    assert product.status == S.SUBMITTED and product.status_reason is None


def test_auto_approving_centres_publish_at_submit(db, create_product, create_trainee,
                                                 create_centre):
    trainee = create_trainee(centre=create_centre(auto_approve_listings=True))
    product = create_product(trainee=trainee, status=S.DRAFT)
    workflow.submit_product(trainee.user, product)
    assert product.status == S.ACTIVE and product.published_at is not None


def test_approving_an_empty_stock_listing_makes_it_sold_out_and_restocking_sells_it(
        db, create_product, create_trainee, create_centre_staff):
    trainee = create_trainee()
    product = create_product(trainee=trainee, status=S.SUBMITTED, stock=0)
    workflow.approve_product(create_centre_staff(centre=trainee.centre), product)
    assert product.status == S.SOLD_OUT
    products.update_product(trainee.user, product, replace(ListingData.of(product), stock=3))
    assert product.status == S.ACTIVE


@pytest.mark.parametrize("status, action", [
    (S.DRAFT, workflow.approve_product), (S.ACTIVE, workflow.submit_product),
    (S.ARCHIVED, workflow.resume_product), (S.DRAFT, workflow.pause_product),
])
def test_moves_outside_the_transition_table_are_409(create_product, create_trainee, create_admin,
                                                    status, action):
    trainee = create_trainee()
    product = create_product(trainee=trainee, status=status)
    actor = create_admin() if action is workflow.approve_product else trainee.user
    with pytest.raises(Conflict) as caught:
        action(actor, product)
    assert caught.value.code == "invalid_transition"
    assert product.status == status


def test_the_transition_table_never_leaves_archived():
    assert not [key for key in PRODUCT_TRANSITIONS if key[0] == S.ARCHIVED]


def test_archived_listings_cannot_be_edited(create_product, create_trainee):
    trainee = create_trainee()
    product = create_product(trainee=trainee, status=S.ARCHIVED)
    with pytest.raises(Conflict):
        products.update_product(trainee.user, product,
                                replace(ListingData.of(product), title_fa="تازه"))


def test_deleting_a_published_listing_archives_it(db, create_product, create_trainee):
    trainee = create_trainee()
    sold = create_product(trainee=trainee)
    draft = create_product(trainee=trainee, status=S.DRAFT)
    assert products.delete_product(trainee.user, sold) is False
    assert sold.status == S.ARCHIVED
    assert products.delete_product(trainee.user, draft) is True
    db.session.commit()
    assert db.session.get(Product, draft.id) is None


# --- permission matrix -------------------------------------------------------------------------

ROLES = ["owner", "other_trainee", "staff_right_centre", "staff_wrong_centre", "admin",
         "anonymous"]
# action -> roles allowed; everyone else gets 404 (they may not know the listing exists).
ALLOWED = {
    "edit": {"owner"},
    "delete": {"owner"},
    "approve": {"staff_right_centre", "admin"},
    "view_draft": {"owner", "staff_right_centre", "admin"},
}


@pytest.fixture
def cast(create_trainee, create_centre_staff, create_admin, api_token):
    owner = create_trainee()
    people = {
        "owner": owner.user,
        "other_trainee": create_trainee(centre=owner.centre).user,
        "staff_right_centre": create_centre_staff(centre=owner.centre),
        "staff_wrong_centre": create_centre_staff(),
        "admin": create_admin(),
    }
    headers = {role: api_token(user) for role, user in people.items()}
    headers["anonymous"] = {}
    return owner, headers


def _call(client, action, product_id, headers):
    if action == "edit":
        return client.patch(f"/api/v1/products/{product_id}", json={"title_fa": "ویرایش"},
                            headers=headers)
    if action == "delete":
        return client.delete(f"/api/v1/products/{product_id}", headers=headers)
    if action == "approve":
        return client.post(f"/api/v1/products/{product_id}/approve", headers=headers)
    return client.get(f"/api/v1/products/{product_id}", headers=headers)


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(db, client, cast, create_product, action, role):
    owner, headers = cast
    status = S.SUBMITTED if action in ("approve", "view_draft") else S.DRAFT
    product = create_product(trainee=owner, status=status, title_fa="اصلی")
    response = _call(client, action, product.id, headers[role])
    db.session.expire_all()
    fresh = db.session.get(Product, product.id)
    if role in ALLOWED[action]:
        assert response.status_code in (200, 204), response.json
        if action == "edit":
            assert fresh.title_fa == "ویرایش"
        elif action == "delete":
            assert fresh is None
        elif action == "approve":
            assert fresh.status == S.ACTIVE
    else:
        expected = 401 if role == "anonymous" and action != "view_draft" else 404
        assert response.status_code == expected, (role, action, response.json)
        assert fresh is not None and fresh.title_fa == "اصلی" and fresh.status == status


def test_anyone_sees_a_published_listing(client, create_product):
    product = create_product()
    assert client.get(f"/api/v1/products/{product.id}").status_code == 200


def test_services_refuse_with_404_too(create_product, create_trainee):
    product = create_product(status=S.DRAFT)
    with pytest.raises(NotFound):
        products.update_product(create_trainee().user, product,
                                replace(ListingData.of(product), title_fa="x"))
