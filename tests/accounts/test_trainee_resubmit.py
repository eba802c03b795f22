"""A rejected trainee corrects their details and asks again (issue 18): the centre's reason and
a form on their account page (and a pointer on their home page), the profile pending again,
the centre's staff told again with the earlier reason; nobody else can resubmit."""

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Trainee, TraineeStatus
from marketplace.notifications.models import EventKind, Notification

REASON = "The certificate number does not match our records"


@pytest.fixture
def rejected(create_trainee, create_centre):
    trainee = create_trainee(centre=create_centre(name_en="Osku centre"),
                             status=TraineeStatus.REJECTED, status_reason=REASON,
                             certificate_number="123")
    return trainee


def _details(centre_id, **overrides):
    return {"again-centre_id": str(centre_id), "again-trade": "carpet_weaving",
            "again-certificate_number": "۹۸۷۶۵", "again-store_name": "Loom house",
            "again-bio": "Hand-knotted rugs", **overrides}


def test_the_reason_and_the_form_are_on_the_account_and_home_pages(client, login, rejected):
    login(rejected.user)
    account = client.get("/account").get_data(as_text=True)
    assert REASON in account and 'action="/account/trainee/resubmit"' in account
    assert 'value="123"' in account  # what they sent before, to correct
    home = client.get("/my").get_data(as_text=True)
    assert REASON in home and "/account#resubmit" in home


def test_a_rejected_trainee_sends_corrected_details_and_staff_are_told_again(
        client, login, db, rejected, create_centre_staff, outbox):
    staff = create_centre_staff(centre=rejected.centre)
    login(rejected.user)
    response = client.post("/account/trainee/resubmit", data=_details(rejected.centre_id))
    assert response.status_code == 302

    trainee = db.session.get(Trainee, rejected.id)
    assert trainee.status == TraineeStatus.PENDING
    assert (trainee.certificate_number, trainee.trade, trainee.store_name) == (
        "98765", "carpet_weaving", "Loom house")
    assert trainee.status_reason == REASON  # the reviewer sees what was asked for
    notice = db.session.scalars(select(Notification).where(
        Notification.recipient_id == staff.id,
        Notification.kind == EventKind.TRAINEE_REGISTERED)).one()
    assert "corrected their details" in notice.body
    (mail,) = [m for m in outbox() if m["To"] == staff.email]
    assert REASON in mail.get_content()

    login(staff)
    queue = client.get("/centre/trainees").get_data(as_text=True)
    assert "Sent again after a rejection" in queue and REASON in queue
    # The form is gone once the details are pending again.
    login(rejected.user)
    assert 'action="/account/trainee/resubmit"' not in client.get("/account").get_data(
        as_text=True)


def test_a_new_centre_may_be_chosen(client, login, db, rejected, create_centre,
                                    create_centre_staff):
    other = create_centre()
    other_staff = create_centre_staff(centre=other)
    login(rejected.user)
    assert client.post("/account/trainee/resubmit",
                       data=_details(other.id)).status_code == 302
    assert db.session.get(Trainee, rejected.id).centre_id == other.id
    assert db.session.scalar(select(Notification.id).where(
        Notification.recipient_id == other_staff.id)) is not None


def test_bad_details_are_shown_on_the_form_and_change_nothing(client, login, db, rejected):
    login(rejected.user)
    response = client.post("/account/trainee/resubmit",
                           data=_details(rejected.centre_id, **{"again-trade": ""}))
    assert response.status_code == 422
    assert 'id="resubmit" open' in response.get_data(as_text=True)
    unknown = client.post("/account/trainee/resubmit", data=_details(99999))
    assert unknown.status_code == 422
    trainee = db.session.get(Trainee, rejected.id)
    assert (trainee.status, trainee.certificate_number) == (TraineeStatus.REJECTED, "123")


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("buyer", 404), ("pending", 409), ("verified", 409),
    ("suspended", 409), ("centre_staff", 404)])
def test_only_a_rejected_trainee_can_send_again(role, expected, client, login, db,
                                                create_user, create_trainee,
                                                create_centre_staff, rejected):
    actors = {
        "anonymous": None,
        "buyer": lambda: create_user(),
        "pending": lambda: create_trainee(status=TraineeStatus.PENDING).user,
        "verified": lambda: create_trainee(status=TraineeStatus.VERIFIED).user,
        "suspended": lambda: create_trainee(status=TraineeStatus.SUSPENDED,
                                            status_reason="x").user,
        "centre_staff": lambda: create_centre_staff(centre=rejected.centre),
    }
    actor = actors[role]() if actors[role] else None
    if actor is not None:
        login(actor)
    before = actor.trainee.status if actor is not None and actor.trainee else None
    response = client.post("/account/trainee/resubmit", data=_details(rejected.centre_id))
    assert response.status_code == expected
    assert db.session.get(Trainee, rejected.id).status == TraineeStatus.REJECTED
    if before is not None:
        db.session.refresh(actor.trainee)
        assert actor.trainee.status == before


def test_the_pages_are_persian(client, login, db, create_trainee, create_centre, create_user):
    from tests.storefront.persian_text import leaks

    centre = create_centre(name_fa="هنرستان اسکو")
    user = create_user(display_name="مریم", locale="fa")
    create_trainee(centre=centre, user=user, status=TraineeStatus.REJECTED,
                   status_reason="شمارهٔ گواهی نادرست است", trade="قالی‌بافی",
                   store_name="خانهٔ دار", certificate_number="۱۲۳")
    login(user)
    fa = {"Accept-Language": "fa"}
    pages = {"account": client.get("/account", headers=fa), "home": client.get("/my", headers=fa),
             "refused": client.post("/account/trainee/resubmit", headers=fa,
                                    data=_details(centre.id, **{
                                        "again-trade": "", "again-bio": "فرش دستباف",
                                        "again-store_name": "خانهٔ دار"}))}
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert "شمارهٔ گواهی نادرست است" in html, name
        assert leaks(html) == [], (name, leaks(html))
