"""The header's menus are built once per process for each language and set of visible entries
(core.nav); the signed-in user comes with their roles in one statement (accounts.login)."""

import re

from tests.sql import statements


def user_menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="user-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)">', nav)


def test_each_reader_gets_the_menu_of_their_roles_from_the_same_process(
        app, client, login, create_user, create_trainee, create_centre_staff,
        create_municipal_staff):
    buyer = create_user()
    trainee = create_trainee().user
    staff = create_centre_staff()
    municipal = create_municipal_staff()
    menus = {}
    for name, user in (("buyer", buyer), ("trainee", trainee), ("staff", staff),
                       ("municipal", municipal), ("buyer again", buyer)):
        with app.test_client() as reader:
            login(user, reader)
            menus[name] = user_menu(reader.get("/login?lang=en").text)
    assert "/my/store" in menus["trainee"] and "/my/store" not in menus["buyer"]
    assert "/centre/trainees" in menus["staff"] and "/centre/trainees" not in menus["trainee"]
    assert "/booths/markets" in menus["municipal"] and "/booths/markets" not in menus["buyer"]
    assert menus["municipal"] != menus["buyer"]
    assert menus["buyer again"] == menus["buyer"]


def test_the_menu_follows_the_language(client, login, create_user):
    login(create_user())
    english = client.get("/login?lang=en").text
    persian = client.get("/login?lang=fa").text
    assert "My account" in english and "My account" not in persian


def test_a_signed_in_page_loads_the_user_and_their_roles_in_one_statement(
        app, db, client, login, create_trainee, create_centre_staff):
    trainee = create_trainee()
    create_centre_staff(user=trainee.user)
    login(trainee.user)
    client.get("/login")
    with statements(db.engine) as seen:
        html = client.get("/login").text
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
    links = user_menu(html)
    assert "/my/store" in links and "/centre/trainees" in links
