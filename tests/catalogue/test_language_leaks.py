"""QA P3: API errors in the caller's language; user-written text gets dir="auto"."""


def test_api_not_found_is_translated(client):
    fa = client.get("/api/v1/products/99999", headers={"Accept-Language": "fa"})
    assert fa.status_code == 404
    assert fa.json["error"]["code"] == "product_not_found"
    assert "We could not" not in fa.json["error"]["message"]
    en = client.get("/api/v1/products/99999", headers={"Accept-Language": "en"})
    assert en.json["error"]["message"] == "We could not find that product."


def test_listings_api_refusal_is_translated(client, create_user, api_token):
    headers = api_token(create_user(locale="fa"))
    response = client.get("/api/v1/my/products", headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["message"] == "فقط کارآموزان آگهی دارند."


def test_product_description_is_marked_dir_auto(db, client, create_product):
    product = create_product(description_fa="تابلو فرش دست‌باف.\nاندازهٔ ۷۰ در ۱۰۰.")
    db.session.commit()
    html = client.get(f"/p/{product.id}?lang=en").get_data(as_text=True)
    assert '<p dir="auto">تابلو فرش دست‌باف.</p>' in html


def test_editor_choice_labels_use_the_locales_digits(db, client, login, create_trainee,
                                                     carpet_category):
    trainee = create_trainee()
    trainee.user.locale = "fa"
    db.session.commit()
    login(trainee.user)
    html = client.get(f"/my/products/new?category={carpet_category.id}").get_data(as_text=True)
    assert ">۷۰</option>" in html  # knot density 70, its value stays "70"
    assert 'value="70"' in html
    assert ">70</option>" not in html
