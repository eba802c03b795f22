"""QA P3: the trainee sign-up's centre list follows the page's language, however it was chosen
(browser language, an earlier ?lang=, the account's setting), not only a ?lang= on this URL."""


def test_centre_choices_follow_the_page_language(client, login, create_centre, create_user):
    create_centre(name_fa="آموزشگاه آزاد تابلو فرش سردرود", name_en="Sardrud carpet school")
    html = client.get("/signup/trainee", headers={"Accept-Language": "en"}).get_data(True)
    assert "Sardrud carpet school" in html and "آموزشگاه آزاد تابلو فرش سردرود" not in html

    client.get("/?lang=en")
    html = client.get("/signup/trainee").get_data(True)
    assert "Sardrud carpet school" in html

    fa = client.get("/signup/trainee?lang=fa").get_data(True)
    assert "آموزشگاه آزاد تابلو فرش سردرود" in fa
