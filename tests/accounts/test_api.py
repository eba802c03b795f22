"""The accounts API beyond the access matrix: registration, verification rules, lists, docs."""

from sqlalchemy import select

from marketplace.accounts.models import CentreStaff, Trainee, TraineeStatus, User


def test_openapi_description_lists_the_accounts_api(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    paths = spec["paths"]
    for path in ("/api/v1/accounts/register", "/api/v1/accounts/register-trainee",
                 "/api/v1/accounts/tokens", "/api/v1/accounts/me",
                 "/api/v1/accounts/me/tokens", "/api/v1/accounts/me/tokens/{token_id}",
                 "/api/v1/centres", "/api/v1/centres/{centre_id}/trainees",
                 "/api/v1/centres/{centre_id}/staff", "/api/v1/municipalities",
                 "/api/v1/municipalities/{municipality_id}/staff",
                 "/api/v1/trainees/{trainee_id}/{action}"):
        assert path in paths, path
    assert paths["/api/v1/accounts/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_register_a_buyer(client, db):
    response = client.post("/api/v1/accounts/register", json={
        "email": "Niloofar@Example.org", "password": "a long enough password",
        "display_name": "نیلوفر", "phone": "۰۹۱۴۱۲۳۴۵۶۷", "locale": "fa"})
    assert response.status_code == 201
    body = response.json
    assert body["email"] == "niloofar@example.org"
    assert body["phone"] == "+989141234567"  # E.164, however typed
    assert body["trainee"] is None and body["is_admin"] is False
    assert "password" not in body and "password_hash" not in body
    user = db.session.scalar(select(User).where(User.email == "niloofar@example.org"))
    assert user.locale == "fa"


def test_register_a_trainee_tells_the_centre_staff_in_their_language(
        client, db, create_centre, create_centre_staff, outbox):
    centre = create_centre(name_fa="آموزشگاه آزاد تابلو فرش سردرود", name_en="Sardrud institute")
    create_centre_staff(centre=centre, email="fa.staff@example.org", locale="fa")
    create_centre_staff(centre=centre, email="en.staff@example.org", locale="en")
    response = client.post("/api/v1/accounts/register-trainee", json={
        "email": "leila@example.org", "password": "a long enough password",
        "display_name": "لیلا عباس‌زاده", "centre_id": centre.id, "trade": "carpet_weaving",
        "store_name": "تابلو فرش لیلا", "certificate_number": "۱۲۳-۴۵"})
    assert response.status_code == 201
    trainee = response.json["trainee"]
    assert trainee["status"] == "pending" and trainee["centre_id"] == centre.id
    assert trainee["certificate_number"] == "123-45"
    assert trainee["store_slug"] == "تابلو-فرش-لیلا"

    mails = {m["To"]: m for m in outbox()}
    assert set(mails) == {"fa.staff@example.org", "en.staff@example.org"}
    fa, en = mails["fa.staff@example.org"], mails["en.staff@example.org"]
    assert "لیلا عباس‌زاده" in fa.get_content() and "سردرود" in fa.get_content()
    assert "Sardrud institute" in en.get_content()
    assert en["Subject"] == "A trainee is waiting for verification"
    assert fa["Subject"] != en["Subject"]
    assert "/centre/trainees" in en.get_content()


def test_store_slugs_stay_unique(client, create_centre):
    centre = create_centre()
    slugs = []
    for n in range(3):
        response = client.post("/api/v1/accounts/register-trainee", json={
            "email": f"t{n}@example.org", "password": "a long enough password",
            "display_name": "T", "centre_id": centre.id, "trade": "carpet_weaving",
            "store_name": "Sardrud Tableaux"})
        slugs.append(response.json["trainee"]["store_slug"])
    assert slugs == ["sardrud-tableaux", "sardrud-tableaux-2", "sardrud-tableaux-3"]


def test_public_lists_of_centres_and_municipalities(client, create_centre, create_municipality):
    centre = create_centre(name_fa="مرکز آموزش فنی و حرفه‌ای اسکو")
    municipality = create_municipality(name_fa="شهرداری سهند")
    centres = client.get("/api/v1/centres").json
    assert [(c["id"], c["name_fa"], c["kind"]) for c in centres] == [
        (centre.id, "مرکز آموزش فنی و حرفه‌ای اسکو", "public")]
    assert [m["name_fa"] for m in client.get("/api/v1/municipalities").json] == [
        municipality.name_fa]


def test_status_changes_follow_the_rules(client, db, create_trainee, create_centre_staff,
                                         api_token, outbox):
    trainee = create_trainee(status=TraineeStatus.PENDING)
    headers = api_token(create_centre_staff(centre=trainee.centre))
    url = f"/api/v1/trainees/{trainee.id}"

    response = client.post(f"{url}/reject", json={}, headers=headers)
    assert response.status_code == 422 and response.json["error"]["code"] == "reason_required"
    response = client.post(f"{url}/reject", json={"reason": "   "}, headers=headers)
    assert response.status_code == 422
    response = client.post(f"{url}/suspend", json={"reason": "x"}, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "invalid_transition"
    assert outbox() == []

    response = client.post(f"{url}/reject", json={"reason": "Certificate unreadable"},
                           headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert response.json["status_reason"] == "Certificate unreadable"
    (mail,) = outbox()
    assert mail["To"] == trainee.user.email and "Certificate unreadable" in mail.get_content()

    assert client.post(f"{url}/verify", json={}, headers=headers).json["status"] == "verified"
    assert client.post(f"{url}/suspend", json={"reason": "Sold fakes"},
                       headers=headers).json["status"] == "suspended"
    assert client.post(f"{url}/reinstate", json={}, headers=headers).json["status"] == "verified"
    response = client.post(f"{url}/verify", json={}, headers=headers)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).status_reason is None


def test_unknown_trainee_and_bad_status_filter(client, create_centre_staff, api_token):
    staff = create_centre_staff()
    headers = api_token(staff)
    response = client.post("/api/v1/trainees/9999/verify", json={}, headers=headers)
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_trainee"
    centre_id = next(iter(staff.staff_centre_ids))
    response = client.get(f"/api/v1/centres/{centre_id}/trainees?status=bogus", headers=headers)
    assert response.status_code == 422 and "status" in response.json["error"]["fields"]
    response = client.get("/api/v1/centres/9999/trainees", headers=headers)
    assert response.status_code == 404


def test_admin_adds_staff_by_email(client, db, create_admin, create_user, create_centre,
                                   create_municipality, api_token):
    headers = api_token(create_admin())
    centre, municipality = create_centre(), create_municipality()
    person = create_user(email="kazemi@example.org")
    response = client.post(f"/api/v1/centres/{centre.id}/staff",
                           json={"email": "KAZEMI@example.org"}, headers=headers)
    assert response.status_code == 201
    assert response.json["user_id"] == person.id
    assert response.json["organisation_id"] == centre.id
    response = client.post(f"/api/v1/centres/{centre.id}/staff",
                           json={"email": "kazemi@example.org"}, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "already_staff"
    response = client.post(f"/api/v1/centres/{centre.id}/staff",
                           json={"email": "nobody@example.org"}, headers=headers)
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_user"
    response = client.post(f"/api/v1/municipalities/{municipality.id}/staff",
                           json={"email": "kazemi@example.org"}, headers=headers)
    assert response.status_code == 201
    response = client.post("/api/v1/municipalities/9999/staff",
                           json={"email": "kazemi@example.org"}, headers=headers)
    assert response.status_code == 404
    assert db.session.query(CentreStaff).count() == 1


def test_admin_creates_a_centre_and_a_municipality(client, create_admin, api_token):
    headers = api_token(create_admin())
    response = client.post("/api/v1/centres", headers=headers, json={
        "kind": "public", "name_fa": "مرکز آموزش فنی و حرفه‌ای اسکو",
        "name_en": "Osku Technical and Vocational Training Centre", "city": "اسکو",
        "province": "آذربایجان شرقی"})
    assert response.status_code == 201
    assert response.json["slug"] == "osku-technical-and-vocational-training-centre"
    response = client.post("/api/v1/centres", headers=headers, json={
        "kind": "municipal", "name_fa": "x", "city": "x", "province": "x"})
    assert response.status_code == 422 and "kind" in response.json["error"]["fields"]
    response = client.post("/api/v1/municipalities", headers=headers, json={
        "name_fa": "شهرداری سردرود", "city": "سردرود"})
    assert response.status_code == 201 and response.json["slug"] == "شهرداری-سردرود"


def test_listing_trainees_takes_a_fixed_number_of_queries(client, create_centre, create_trainee,
                                                          create_centre_staff, api_token,
                                                          count_queries):
    centre = create_centre()
    headers = api_token(create_centre_staff(centre=centre))
    counts = []
    for n in (2, 12):
        while len(centre.trainees) < n:
            create_trainee(centre=centre, status=TraineeStatus.PENDING)
        with count_queries() as counter:
            response = client.get(f"/api/v1/centres/{centre.id}/trainees", headers=headers)
        assert len(response.json) == n
        counts.append(counter.n)
    assert counts[0] == counts[1], counts


def test_the_verification_page_takes_a_fixed_number_of_queries(
        client, login, create_centre, create_trainee, create_centre_staff, count_queries):
    centre = create_centre()
    login(create_centre_staff(centre=centre))
    counts = []
    for n in (1, 8):
        while len(centre.trainees) < 2 * n:
            create_trainee(centre=centre, status=TraineeStatus.PENDING)
            create_trainee(centre=centre, status=TraineeStatus.VERIFIED)
        with count_queries() as counter:
            response = client.get("/centre/trainees")
        assert response.get_data(as_text=True).count("/verify\"") == n
        counts.append(counter.n)
    assert counts[0] == counts[1], counts


def test_the_organisations_page_takes_a_fixed_number_of_queries(
        client, login, create_admin, create_centre, create_centre_staff, create_municipality,
        create_municipal_staff, count_queries):
    login(create_admin())
    counts = []
    for _n in range(2):
        for _ in range(5):
            create_centre_staff(centre=create_centre())
            create_municipal_staff(municipality=create_municipality())
        with count_queries() as counter:
            response = client.get("/admin/organisations")
        assert response.status_code == 200
        counts.append(counter.n)
    assert counts[0] == counts[1], counts
