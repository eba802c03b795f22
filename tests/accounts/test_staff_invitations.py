"""Staff invite colleagues to their own centre or municipality (issue 18): the confirmation
step, the link by mail, text message or notice, accepting signed in or after signing up (the
link kept as `next`), and every way an invitation can no longer be accepted — each a clear 4xx
that changes nothing."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts import invitations
from marketplace.accounts.models import CentreStaff, MunicipalStaff, StaffInvitation, User
from marketplace.core.db import utcnow
from marketplace.core.sms.outbox import outbox_messages as sms_outbox
from marketplace.notifications.models import EventKind, Notification
from tests.factories.accounts import PASSWORD

LINK = re.compile(r"/invitations/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def centre(create_centre):
    return create_centre(name_en="Osku centre")


@pytest.fixture
def staff(create_centre_staff, centre):
    return create_centre_staff(centre=centre, display_name="Zahra Staff")


def _members(db, centre) -> set[int]:
    return set(db.session.scalars(select(CentreStaff.user_id)
                                  .where(CentreStaff.centre_id == centre.id)))


def _invitation_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(StaffInvitation))


def _invite(db, actor, org, email=None, phone=None) -> str:
    _row, token = invitations.invite_staff(actor, org, invitations.parse_invitee(email, phone))
    db.session.commit()
    return token


# --- the whole way through the pages -----------------------------------------------------------

def test_staff_invite_by_email_and_a_newcomer_signs_up_and_accepts(client, login, db, staff,
                                                                   centre, outbox):
    login(staff)
    page = client.get(f"/staff/centres/{centre.id}")
    assert page.status_code == 200 and "Zahra Staff" in page.get_data(as_text=True)

    # The first post only asks for confirmation: nothing is sent yet.
    url = f"/staff/centres/{centre.id}/invitations"
    confirm = client.post(url, data={"email": "New.Colleague@Example.org", "phone": ""})
    assert confirm.status_code == 200
    body = confirm.get_data(as_text=True)
    assert "Confirm the invitation" in body and "new.colleague@example.org" in body
    assert 'name="confirmed" value="yes"' in body
    assert _invitation_count(db) == 0 and outbox() == []

    sent = client.post(url, data={"email": "new.colleague@example.org", "confirmed": "yes"})
    assert sent.status_code == 302
    (mail,) = outbox()
    assert mail["To"] == "new.colleague@example.org"
    token = LINK.search(mail.get_content()).group(1)
    listed = client.get(f"/staff/centres/{centre.id}").get_data(as_text=True)
    assert "new.colleague@example.org" in listed

    # The newcomer opens the link signed out: sign-in and sign-up keep it as `next`.
    client.post("/logout")
    link = f"/invitations/{token}"
    invitation_page = client.get(link)
    assert invitation_page.status_code == 200
    assert f'href="/signup?next={link}"' in invitation_page.get_data(as_text=True)
    signed_up = client.post(f"/signup?next={link}", data={
        "display_name": "New Colleague", "email": "new.colleague@example.org",
        "password": PASSWORD})
    assert signed_up.status_code == 302 and signed_up.location.endswith(link)

    accept_page = client.get(link)
    assert accept_page.status_code == 200
    assert "Accept and join the staff" in accept_page.get_data(as_text=True)
    newcomer = db.session.scalar(select(User).where(User.email == "new.colleague@example.org"))
    assert newcomer.id not in _members(db, centre)  # opening the page grants nothing
    accepted = client.post(link)
    assert accepted.status_code == 302
    assert newcomer.id in _members(db, centre)
    row = db.session.scalars(select(StaffInvitation)).one()
    assert row.accepted_by_id == newcomer.id and row.accepted_at is not None

    # Single use: the same link again says so.
    again = client.post(link)
    assert again.status_code == 409
    assert "already accepted" in again.get_data(as_text=True)


def test_an_existing_account_gets_a_notice_with_the_link(client, login, db, staff, centre,
                                                         create_user):
    colleague = create_user(display_name="Ali")
    login(staff)
    response = client.post(f"/staff/centres/{centre.id}/invitations",
                           data={"email": colleague.email, "confirmed": "yes"})
    assert response.status_code == 302
    notice = db.session.scalars(select(Notification).where(
        Notification.recipient_id == colleague.id,
        Notification.kind == EventKind.STAFF_INVITED)).one()
    assert notice.link.startswith("/invitations/") and "Osku centre" in notice.title

    login(colleague)
    assert client.post(notice.link).status_code == 302
    assert colleague.id in _members(db, centre)


def test_an_invitation_by_mobile_number_is_texted(client, login, db, staff, centre):
    login(staff)
    response = client.post(f"/staff/centres/{centre.id}/invitations",
                           data={"phone": "۰۹۱۲ ۷۷۷ ۶۶۵۵", "confirmed": "yes"})
    assert response.status_code == 302
    row = db.session.scalars(select(StaffInvitation)).one()
    assert (row.phone, row.email) == ("+989127776655", None)
    (text,) = [m for m in sms_outbox() if m["to"] == "+989127776655"]
    assert LINK.search(text["text"])


def test_the_number_must_be_verified_to_accept(client, login, db, staff, centre, create_user):
    token = _invite(db, staff, centre, phone="09127776655")
    unverified = create_user(phone="+989127776655")
    login(unverified)
    response = client.post(f"/invitations/{token}")
    assert response.status_code == 403
    assert 'data-code="phone_not_verified"' in response.get_data(as_text=True)
    assert unverified.id not in _members(db, centre)

    unverified.phone_verified_at = utcnow()
    db.session.commit()
    assert client.post(f"/invitations/{token}").status_code == 302
    assert unverified.id in _members(db, centre)


def test_municipal_staff_invite_to_their_municipality(client, login, db, create_municipality,
                                                      create_municipal_staff, create_user):
    municipality = create_municipality()
    officer = create_municipal_staff(municipality=municipality)
    colleague = create_user()
    login(officer)
    assert client.post(f"/staff/municipalities/{municipality.id}/invitations",
                       data={"email": colleague.email, "confirmed": "yes"}).status_code == 302
    notice = db.session.scalars(select(Notification).where(
        Notification.recipient_id == colleague.id)).one()
    login(colleague)
    assert client.post(notice.link).status_code == 302
    assert db.session.scalar(select(MunicipalStaff.municipality_id).where(
        MunicipalStaff.user_id == colleague.id)) == municipality.id


def test_the_staff_menu_leads_to_the_colleagues_page(client, login, staff, centre):
    login(staff)
    home = client.get("/account").get_data(as_text=True)
    assert "/staff/colleagues" in home
    response = client.get("/staff/colleagues")
    assert response.status_code == 302
    assert response.location.endswith(f"/staff/centres/{centre.id}")


# --- what cannot be accepted -----------------------------------------------------------------

def test_a_link_cannot_be_accepted_by_someone_else(client, login, db, staff, centre,
                                                   create_user):
    token = _invite(db, staff, centre, email="invited@example.org")
    intruder = create_user(email="intruder@example.org")
    login(intruder)
    for response in (client.get(f"/invitations/{token}"), client.post(f"/invitations/{token}")):
        assert response.status_code == 403
        assert 'data-code="invitation_not_yours"' in response.get_data(as_text=True)
    assert intruder.id not in _members(db, centre)
    assert db.session.scalars(select(StaffInvitation)).one().accepted_at is None


def test_expired_revoked_and_unknown_links(client, login, db, staff, centre, create_user):
    invitee = create_user(email="invitee@example.org")
    expired = _invite(db, staff, centre, email="invitee@example.org")
    row = db.session.scalars(select(StaffInvitation)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(invitee)
    response = client.post(f"/invitations/{expired}")
    assert response.status_code == 410
    assert 'data-code="invitation_expired"' in response.get_data(as_text=True)

    # An expired invitation no longer blocks a new one; the new one can be withdrawn.
    revoked = _invite(db, staff, centre, email="invitee@example.org")
    new_row = db.session.scalar(select(StaffInvitation).order_by(StaffInvitation.id.desc()))
    login(staff)
    assert client.post(f"/staff/invitations/{new_row.id}/revoke").status_code == 302
    login(invitee)
    response = client.get(f"/invitations/{revoked}")
    assert response.status_code == 410
    assert 'data-code="invitation_revoked"' in response.get_data(as_text=True)

    assert client.get("/invitations/not-a-real-token-at-all").status_code == 404
    assert invitee.id not in _members(db, centre)


def test_no_second_invitation_and_no_invitation_to_a_colleague(client, login, db, staff,
                                                               centre):
    login(staff)
    url = f"/staff/centres/{centre.id}/invitations"
    assert client.post(url, data={"email": "a@example.org", "confirmed": "yes"}).status_code == 302
    again = client.post(url, data={"email": "A@example.org", "confirmed": "yes"})
    assert again.status_code == 409 and "already waiting" in again.get_data(as_text=True)
    colleague = client.post(url, data={"email": staff.email, "confirmed": "yes"})
    assert colleague.status_code == 409
    nothing = client.post(url, data={"email": "", "phone": "", "confirmed": "yes"})
    assert nothing.status_code == 400
    bad_phone = client.post(url, data={"phone": "12", "confirmed": "yes"})
    assert bad_phone.status_code == 400
    assert _invitation_count(db) == 1


# --- API ---------------------------------------------------------------------------------------

def test_the_api_invites_lists_revokes_and_accepts(client, db, staff, centre, api_token,
                                                   create_user):
    headers = api_token(staff)
    base = f"/api/v1/centres/{centre.id}/invitations"
    created = client.post(base, json={"phone": "۰۹۱۲۷۷۷۶۶۵۵"}, headers=headers)
    assert created.status_code == 201
    assert created.json["phone"] == "+989127776655" and "token" not in created.json
    assert [i["id"] for i in client.get(base, headers=headers).json] == [created.json["id"]]
    assert client.delete(f"/api/v1/invitations/{created.json['id']}",
                         headers=headers).json["revoked_at"]
    assert client.get(base, headers=headers).json == []

    invitee = create_user(email="api@example.org")
    token = _invite(db, staff, centre, email="api@example.org")
    other = api_token(create_user())
    refused = client.post("/api/v1/invitations/accept", json={"token": token}, headers=other)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "invitation_not_yours"
    accepted = client.post("/api/v1/invitations/accept", json={"token": token},
                           headers=api_token(invitee))
    assert accepted.status_code == 201 and accepted.json["organisation_id"] == centre.id
    used = client.post("/api/v1/invitations/accept", json={"token": token},
                       headers=api_token(invitee))
    assert used.status_code == 409 and used.json["error"]["code"] == "invitation_used"
    unknown = client.post("/api/v1/invitations/accept", json={"token": "nope"},
                          headers=api_token(invitee))
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "unknown_invitation"
    empty = client.post(base, json={}, headers=headers)
    assert empty.status_code == 400 and empty.json["error"]["code"] == "invitee_required"


# --- the inviter hears back ---------------------------------------------------------------------

def _accepted_notices(db, inviter) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == inviter.id,
        Notification.kind == EventKind.STAFF_INVITATION_ACCEPTED)))


def test_the_inviter_is_told_once_after_the_commit_in_their_language(
        client, login, db, create_centre, create_centre_staff, create_user, outbox):
    centre = create_centre(name_fa="آموزشگاه فرش اسکو", name_en="Osku carpet school")
    inviter = create_centre_staff(centre=centre, locale="fa", email="zahra@example.org")
    colleague = create_user(display_name="Ali Colleague", locale="en",
                            email="ali@example.org")
    token = _invite(db, inviter, centre, email="ali@example.org")

    def inviters_mail():
        return [m for m in outbox() if m["To"] == "zahra@example.org"]

    # Inside the accepting transaction nothing is written or sent; a rollback leaves nothing.
    invitations.accept_invitation(colleague, token)
    db.session.flush()
    assert _accepted_notices(db, inviter) == [] and inviters_mail() == []
    db.session.rollback()
    assert _accepted_notices(db, inviter) == [] and inviters_mail() == []

    login(colleague)
    assert client.post(f"/invitations/{token}").status_code == 302
    (notice,) = _accepted_notices(db, inviter)
    assert notice.title == "Ali Colleague به جمع کارکنان آموزشگاه فرش اسکو پیوست"
    assert "دعوت شما را پذیرفت" in notice.body and "Osku" not in notice.body
    assert notice.link == f"/staff/centres/{centre.id}"
    (mail,) = inviters_mail()
    assert "آموزشگاه فرش اسکو" in mail.get_content()

    # The link spent, a second try tells nobody again.
    assert client.post(f"/invitations/{token}").status_code == 409
    assert len(_accepted_notices(db, inviter)) == 1
    assert len(inviters_mail()) == 1


def test_an_english_inviter_is_told_in_english_when_accepted_through_the_api(
        client, db, create_municipality, create_municipal_staff, create_user, api_token):
    municipality = create_municipality()
    inviter = create_municipal_staff(municipality=municipality, locale="en")
    invitee = create_user(email="officer@example.org", display_name="Reza")
    token = _invite(db, inviter, municipality, email="officer@example.org")
    accepted = client.post("/api/v1/invitations/accept", json={"token": token},
                           headers=api_token(invitee))
    assert accepted.status_code == 201
    (notice,) = _accepted_notices(db, inviter)
    assert notice.title == f"Reza joined the staff of {municipality.name('en')}"
    assert notice.link == f"/staff/municipalities/{municipality.id}"
    assert _accepted_notices(db, invitee) == []


# --- Persian, on a phone's worth of page -------------------------------------------------------

def test_the_invitation_pages_are_persian_all_the_way_down(client, login, db, create_centre,
                                                           create_centre_staff, create_user):
    from tests.storefront.persian_text import leaks

    fa = {"Accept-Language": "fa"}
    centre = create_centre(name_fa="هنرستان اسکو")
    staff = create_centre_staff(centre=centre, display_name="زهرا", locale="fa")
    token = _invite(db, staff, centre, email="invitee@example.org", phone="09127776655")
    invitee = create_user(email="invitee@example.org", display_name="علی", locale="fa")
    intruder = create_user(display_name="رضا", locale="fa")

    login(staff)
    pages = {
        "staff": client.get(f"/staff/centres/{centre.id}", headers=fa),
        "confirm": client.post(f"/staff/centres/{centre.id}/invitations", headers=fa,
                               data={"email": "other@example.org", "phone": "۰۹۱۲۱۱۱۲۲۳۳"}),
        "refused": client.post(f"/staff/centres/{centre.id}/invitations", headers=fa,
                               data={"phone": "۱۲", "confirmed": "yes"}),
    }
    client.post("/logout", headers=fa)
    pages["signed out"] = client.get(f"/invitations/{token}", headers=fa)
    login(invitee)
    pages["accept"] = client.get(f"/invitations/{token}", headers=fa)
    login(intruder)
    pages["not yours"] = client.get(f"/invitations/{token}", headers=fa)
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert '<html lang="fa" dir="rtl">' in html, name
        assert leaks(html) == [], (name, leaks(html))
    assert "۰۹۱۲ ۷۷۷ ۶۶۵۵" in pages["staff"].get_data(as_text=True)
    assert "دعوت‌نامه را تأیید کنید" in pages["confirm"].get_data(as_text=True)
