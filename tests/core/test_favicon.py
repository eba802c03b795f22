"""QA P3: no 404 for /favicon.ico; every page links the SVG icon."""


def test_favicon_is_linked_and_served(client):
    home = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in home
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/img/favicon.svg")
    with client.get("/static/img/favicon.svg") as icon:
        assert icon.status_code == 200 and b"<svg" in icon.data
