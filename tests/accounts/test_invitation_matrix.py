"""Every role × every staff-invitation action, through the pages and the API (issue 18).

Only an organisation's own staff (and admins) see its colleagues, invite to it and withdraw
its invitations: staff of another centre, municipal staff acting on a centre, centre staff
acting on a municipality, trainees and buyers are refused, and a refusal changes nothing.
Another organisation's invitation is reported as missing (404), so ids cannot be probed."""

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from marketplace.accounts import invitations
from marketplace.accounts.models import (
    Municipality,
    StaffInvitation,
    TraineeStatus,
    TrainingCentre,
)

ROLES = ("anonymous", "buyer", "trainee", "staff_a", "staff_b", "municipal_staff", "admin")
ACTIONS = ("view", "invite", "revoke", "invite_municipality")
NEWCOMER = "newcomer@example.org"


@dataclass
class World:
    centre_a: TrainingCentre
    municipality: Municipality
    invitation_id: int  # an open invitation of centre A
    actors: dict


@pytest.fixture
def world(db, create_user, create_admin, create_centre, create_trainee, create_centre_staff,
          create_municipality, create_municipal_staff):
    centre_a, centre_b = create_centre(), create_centre()
    municipality = create_municipality()
    staff_a = create_centre_staff(centre=centre_a, display_name="Staff A")
    invitation, _token = invitations.invite_staff(
        staff_a, centre_a, invitations.parse_invitee("waiting@example.org", None))
    db.session.commit()
    actors = {
        "anonymous": None,
        "buyer": create_user(),
        "trainee": create_trainee(centre=centre_a, status=TraineeStatus.VERIFIED).user,
        "staff_a": staff_a,
        "staff_b": create_centre_staff(centre=centre_b),
        "municipal_staff": create_municipal_staff(municipality=municipality),
        "admin": create_admin(),
    }
    return World(centre_a, municipality, invitation.id, actors)


def effect_probe(db, world, action):
    if action == "revoke":
        return lambda: db.session.scalar(select(StaffInvitation.revoked_at).where(
            StaffInvitation.id == world.invitation_id)) is not None
    if action in ("invite", "invite_municipality"):
        column = (StaffInvitation.centre_id == world.centre_a.id if action == "invite"
                  else StaffInvitation.municipality_id == world.municipality.id)
        return lambda: bool(db.session.scalar(select(func.count()).select_from(StaffInvitation)
                                              .where(column, StaffInvitation.email == NEWCOMER)))
    return None


# --- pages -------------------------------------------------------------------------------------

def page_request(client, world, action):
    a, m = world.centre_a, world.municipality
    invite = {"email": NEWCOMER, "confirmed": "yes"}
    if action == "view":
        return client.get(f"/staff/centres/{a.id}")
    if action == "invite":
        return client.post(f"/staff/centres/{a.id}/invitations", data=invite)
    if action == "revoke":
        return client.post(f"/staff/invitations/{world.invitation_id}/revoke")
    if action == "invite_municipality":
        return client.post(f"/staff/municipalities/{m.id}/invitations", data=invite)
    raise AssertionError(action)


OUTSIDER = {"view": 403, "invite": 403, "revoke": 404, "invite_municipality": 403}
PAGE_EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, 302),
    "buyer": OUTSIDER,
    "trainee": OUTSIDER,
    "staff_a": {**OUTSIDER, "view": 200, "invite": 302, "revoke": 302},
    "staff_b": OUTSIDER,
    "municipal_staff": {**OUTSIDER, "invite_municipality": 302},
    "admin": {"view": 200, "invite": 302, "revoke": 302, "invite_municipality": 302},
}
EFFECT = {
    "staff_a": {"invite", "revoke"},
    "municipal_staff": {"invite_municipality"},
    "admin": {"invite", "revoke", "invite_municipality"},
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_pages(role, action, world, client, login, db):
    actor = world.actors[role]
    if actor is not None:
        login(actor)
    took_effect = effect_probe(db, world, action)
    response = page_request(client, world, action)

    assert response.status_code == PAGE_EXPECTED[role][action], \
        response.get_data(as_text=True)[:300]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    if took_effect is not None:
        assert took_effect() is (action in EFFECT.get(role, set()))
    elif response.status_code == 200:
        assert "waiting@example.org" in response.get_data(as_text=True)


# --- API ---------------------------------------------------------------------------------------

def api_request(client, world, action, headers):
    a, m = world.centre_a, world.municipality
    if action == "view":
        return client.get(f"/api/v1/centres/{a.id}/invitations", headers=headers)
    if action == "invite":
        return client.post(f"/api/v1/centres/{a.id}/invitations", json={"email": NEWCOMER},
                           headers=headers)
    if action == "revoke":
        return client.delete(f"/api/v1/invitations/{world.invitation_id}", headers=headers)
    if action == "invite_municipality":
        return client.post(f"/api/v1/municipalities/{m.id}/invitations",
                           json={"email": NEWCOMER}, headers=headers)
    raise AssertionError(action)


API_OUTSIDER = OUTSIDER
API_EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, 401),
    "buyer": API_OUTSIDER,
    "trainee": API_OUTSIDER,
    "staff_a": {**API_OUTSIDER, "view": 200, "invite": 201, "revoke": 200},
    "staff_b": API_OUTSIDER,
    "municipal_staff": {**API_OUTSIDER, "invite_municipality": 201},
    "admin": {"view": 200, "invite": 201, "revoke": 200, "invite_municipality": 201},
}
ERROR_CODES = {401: "unauthorized", 403: "forbidden", 404: "unknown_invitation"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_api(role, action, world, client, api_token, db):
    actor = world.actors[role]
    headers = api_token(actor) if actor is not None else {}
    took_effect = effect_probe(db, world, action)
    response = api_request(client, world, action, headers)

    expected = API_EXPECTED[role][action]
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected >= 400:
        assert response.json["error"]["code"] == ERROR_CODES[expected]
        assert response.json["error"]["message"]
    if took_effect is not None:
        assert took_effect() is (action in EFFECT.get(role, set()))
    elif expected == 200:
        assert [i["email"] for i in response.json] == ["waiting@example.org"]
