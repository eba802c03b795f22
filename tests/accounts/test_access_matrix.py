"""Every role × every accounts action, through the pages and through the API.

Each cell states the HTTP status and whether the action took effect; a refused action must leave
the database exactly as it was. Staff of centre B act on a trainee of centre A, trainees try
staff actions on other trainees, and nobody — not even an admin — may revoke another person's
API token.
"""

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from marketplace.accounts.api_tokens import create_api_token
from marketplace.accounts.models import (
    ApiToken,
    CentreStaff,
    Municipality,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)

ROLES = ("anonymous", "buyer", "pending_trainee", "verified_trainee", "suspended_trainee",
         "staff_a", "staff_b", "municipal_staff", "admin")
ACTIONS = ("view_pending", "verify", "reject", "suspend", "reinstate", "create_centre",
           "create_municipality", "add_staff", "revoke_others_token", "see_account")
STATUS_ACTIONS = ("verify", "reject", "suspend", "reinstate")


@dataclass
class World:
    centre_a: TrainingCentre
    centre_b: TrainingCentre
    pending: Trainee        # targets: trainees of centre A in each state
    verified: Trainee
    suspended: Trainee
    newcomer: User          # an account the admin makes staff of centre A
    victim_token_id: int    # someone else's API token
    actors: dict


@pytest.fixture
def world(db, create_user, create_admin, create_centre, create_trainee, create_centre_staff,
          create_municipal_staff):
    centre_a = create_centre(name_en="Centre A")
    centre_b = create_centre(name_en="Centre B")
    pending = create_trainee(centre=centre_a, status=TraineeStatus.PENDING,
                             display_name="Target Pending")
    verified = create_trainee(centre=centre_a, status=TraineeStatus.VERIFIED,
                              display_name="Target Verified")
    suspended = create_trainee(centre=centre_a, status=TraineeStatus.SUSPENDED,
                               display_name="Target Suspended")
    victim = create_user(display_name="Victim")
    row, _token = create_api_token(victim, "victim's token")
    db.session.commit()
    actors = {
        "anonymous": None,
        "buyer": create_user(display_name="Buyer"),
        "pending_trainee": create_trainee(centre=centre_a, status=TraineeStatus.PENDING).user,
        "verified_trainee": create_trainee(centre=centre_a, status=TraineeStatus.VERIFIED).user,
        "suspended_trainee": create_trainee(centre=centre_a,
                                            status=TraineeStatus.SUSPENDED).user,
        "staff_a": create_centre_staff(centre=centre_a, display_name="Staff A"),
        "staff_b": create_centre_staff(centre=centre_b, display_name="Staff B"),
        "municipal_staff": create_municipal_staff(display_name="Municipal"),
        "admin": create_admin(display_name="Admin"),
    }
    return World(centre_a, centre_b, pending, verified, suspended,
                 create_user(display_name="Newcomer"), row.id, actors)


def _status(db, trainee) -> TraineeStatus:
    return db.session.scalar(select(Trainee.status).where(Trainee.id == trainee.id))


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def effect_probe(db, world, action):
    """A function that says whether `action` took effect, measured before and after."""
    if action in STATUS_ACTIONS:
        target, wanted = {
            "verify": (world.pending, TraineeStatus.VERIFIED),
            "reject": (world.pending, TraineeStatus.REJECTED),
            "suspend": (world.verified, TraineeStatus.SUSPENDED),
            "reinstate": (world.suspended, TraineeStatus.VERIFIED),
        }[action]
        return lambda: _status(db, target) == wanted
    if action == "create_centre":
        before = _count(db, TrainingCentre)
        return lambda: _count(db, TrainingCentre) == before + 1
    if action == "create_municipality":
        before = _count(db, Municipality)
        return lambda: _count(db, Municipality) == before + 1
    if action == "add_staff":
        return lambda: bool(db.session.scalar(select(func.count()).select_from(CentreStaff).where(
            CentreStaff.user_id == world.newcomer.id)))
    if action == "revoke_others_token":
        return lambda: db.session.scalar(select(ApiToken.revoked_at).where(
            ApiToken.id == world.victim_token_id)) is not None
    return None


# --- pages -----------------------------------------------------------------------------------

def page_request(client, world, action):
    a, reason = world.centre_a, {"reason": "Certificate number does not match"}
    if action == "view_pending":
        return client.get("/centre/trainees")
    if action in STATUS_ACTIONS:
        target = {"verify": world.pending, "reject": world.pending, "suspend": world.verified,
                  "reinstate": world.suspended}[action]
        return client.post(f"/centre/trainees/{target.id}/{action}", data=reason)
    if action == "create_centre":
        return client.post("/admin/centres", data={
            "centre-kind": "private", "centre-name_fa": "آموزشگاه آزاد نمونه",
            "centre-name_en": "Sample institute", "centre-city": "تبریز",
            "centre-province": "آذربایجان شرقی"})
    if action == "create_municipality":
        return client.post("/admin/municipalities", data={
            "muni-name_fa": "شهرداری اسکو", "muni-name_en": "Osku", "muni-city": "اسکو"})
    if action == "add_staff":
        return client.post(f"/admin/centres/{a.id}/staff", data={"email": world.newcomer.email})
    if action == "revoke_others_token":
        return client.post(f"/account/tokens/{world.victim_token_id}/revoke")
    if action == "see_account":
        return client.get("/account")
    raise AssertionError(action)


OUTSIDER = {"view_pending": 403, **dict.fromkeys(STATUS_ACTIONS, 404), "create_centre": 403,
            "create_municipality": 403, "add_staff": 403, "revoke_others_token": 404,
            "see_account": 200}
PAGE_EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, 302),
    "buyer": OUTSIDER,
    "pending_trainee": OUTSIDER,
    "verified_trainee": OUTSIDER,
    "suspended_trainee": OUTSIDER,
    "municipal_staff": OUTSIDER,
    "staff_a": {**OUTSIDER, "view_pending": 200, **dict.fromkeys(STATUS_ACTIONS, 302)},
    "staff_b": {**OUTSIDER, "view_pending": 200},
    "admin": {**OUTSIDER, "view_pending": 200, **dict.fromkeys(STATUS_ACTIONS, 302),
              "create_centre": 302, "create_municipality": 302, "add_staff": 302},
}
# Who actually sees the pending centre-A trainee / achieves the change.
PAGE_EFFECT = {
    "staff_a": {"view_pending", *STATUS_ACTIONS, "see_account"},
    "admin": {"view_pending", *STATUS_ACTIONS, "create_centre", "create_municipality",
              "add_staff", "see_account"},
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_pages(role, action, world, client, login, db):
    actor = world.actors[role]
    if actor is not None:
        login(actor)
    took_effect = effect_probe(db, world, action)
    response = page_request(client, world, action)

    expected = PAGE_EXPECTED[role][action]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    should_take_effect = action in PAGE_EFFECT.get(role, {"see_account"} if actor else set())
    if took_effect is not None:
        assert took_effect() is should_take_effect
    elif action == "view_pending" and expected == 200:
        assert ("Target Pending" in response.get_data(as_text=True)) is should_take_effect
    elif action == "see_account" and expected == 200:
        assert actor.email in response.get_data(as_text=True)


# --- API -------------------------------------------------------------------------------------

def api_request(client, world, action, headers):
    a, reason = world.centre_a, {"reason": "Certificate number does not match"}
    if action == "view_pending":
        return client.get(f"/api/v1/centres/{a.id}/trainees?status=pending", headers=headers)
    if action in STATUS_ACTIONS:
        target = {"verify": world.pending, "reject": world.pending, "suspend": world.verified,
                  "reinstate": world.suspended}[action]
        return client.post(f"/api/v1/trainees/{target.id}/{action}", json=reason,
                           headers=headers)
    if action == "create_centre":
        return client.post("/api/v1/centres", headers=headers, json={
            "kind": "private", "name_fa": "آموزشگاه آزاد نمونه", "name_en": "Sample institute",
            "city": "تبریز", "province": "آذربایجان شرقی"})
    if action == "create_municipality":
        return client.post("/api/v1/municipalities", headers=headers, json={
            "name_fa": "شهرداری اسکو", "name_en": "Osku", "city": "اسکو"})
    if action == "add_staff":
        return client.post(f"/api/v1/centres/{a.id}/staff", headers=headers,
                           json={"email": world.newcomer.email})
    if action == "revoke_others_token":
        return client.delete(f"/api/v1/accounts/me/tokens/{world.victim_token_id}",
                             headers=headers)
    if action == "see_account":
        return client.get("/api/v1/accounts/me", headers=headers)
    raise AssertionError(action)


API_OUTSIDER = OUTSIDER
API_EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, 401),
    "buyer": API_OUTSIDER,
    "pending_trainee": API_OUTSIDER,
    "verified_trainee": API_OUTSIDER,
    "suspended_trainee": API_OUTSIDER,
    "municipal_staff": API_OUTSIDER,
    "staff_a": {**API_OUTSIDER, "view_pending": 200, **dict.fromkeys(STATUS_ACTIONS, 200)},
    "staff_b": API_OUTSIDER,  # centre A's list is not theirs: 403
    "admin": {**API_OUTSIDER, "view_pending": 200, **dict.fromkeys(STATUS_ACTIONS, 200),
              "create_centre": 201, "create_municipality": 201, "add_staff": 201},
}
ERROR_CODES = {401: "unauthorized", 403: "forbidden"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_api(role, action, world, client, api_token, db):
    actor = world.actors[role]
    headers = api_token(actor) if actor is not None else {}
    took_effect = effect_probe(db, world, action)
    response = api_request(client, world, action, headers)

    expected = API_EXPECTED[role][action]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    should_take_effect = action in PAGE_EFFECT.get(role, {"see_account"} if actor else set())
    if expected >= 400:
        error = response.json["error"]
        assert error["message"]
        if expected in ERROR_CODES:
            assert error["code"] == ERROR_CODES[expected]
        else:
            assert error["code"] in {"unknown_trainee", "unknown_token"}
    if took_effect is not None:
        assert took_effect() is should_take_effect
    elif action == "view_pending" and expected == 200:
        ids = {t["id"] for t in response.json}
        assert world.pending.id in ids and world.verified.id not in ids
        assert {t["status"] for t in response.json} == {"pending"}
    elif action == "see_account" and expected == 200:
        assert response.json["email"] == actor.email


def test_a_pending_trainee_cannot_verify_themself(world, client, login, api_token, db):
    trainee = world.actors["pending_trainee"].trainee
    login(trainee.user)
    assert client.post(f"/centre/trainees/{trainee.id}/verify").status_code == 404
    response = client.post(f"/api/v1/trainees/{trainee.id}/verify", json={},
                           headers=api_token(trainee.user))
    assert response.status_code == 404
    assert _status(db, trainee) == TraineeStatus.PENDING


def test_staff_of_another_centre_do_not_see_its_trainees_on_their_page(world, client, login):
    login(world.actors["staff_b"])
    body = client.get("/centre/trainees").get_data(as_text=True)
    for name in ("Target Pending", "Target Verified", "Target Suspended"):
        assert name not in body
