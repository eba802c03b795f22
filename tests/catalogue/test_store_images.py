"""A trainee uploads their store's photo and banner on their account page; both are checked
like product photos and shown on the store page."""

import io
import re
from pathlib import Path

from marketplace.accounts.models import Trainee
from tests.factories.catalogue import png_bytes


def _upload(client, kind: str, data: bytes):
    return client.post(f"/my/store/{kind}", data={"image": (io.BytesIO(data), "x.png")},
                       content_type="multipart/form-data",
                       headers={"Referer": "http://localhost/account"})


def test_a_trainee_uploads_a_store_photo_and_banner_shown_on_the_store(
        app, db, client, login, create_trainee, create_user):
    trainee = create_trainee()
    login(trainee.user)
    assert 'action="/my/store/banner"' in client.get("/account").text
    for kind in ("avatar", "banner", "banner"):  # the banner replaced once
        assert _upload(client, kind, png_bytes(300, 120)).status_code == 302
    db.session.expire_all()
    stored = db.session.get(Trainee, trainee.id)
    assert stored.avatar_path.endswith("/avatar.webp")
    assert stored.banner_path.endswith("/banner.webp")
    # The replaced banner's file is deleted after the commit.
    assert len(list(Path(app.config["MEDIA_DIR"], "stores").rglob("banner.webp"))) == 1

    page = app.test_client().get(f"/s/{trainee.store_slug}").text
    assert f'<img class="sf-banner-img" src="/media/{stored.banner_path}"' in page
    assert re.search(rf'class="sf-avatar" src="/media/{re.escape(stored.avatar_path)}"', page)
    assert app.test_client().get(f"/media/{stored.banner_path}").status_code == 200

    # A file that is not an image is refused with the photo's message; nothing changes.
    refused = _upload(client, "avatar", b"GIF89a not really")
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).avatar_path == stored.avatar_path
    assert "JPEG, PNG or WebP" in client.get("/account?lang=en").text

    login(create_user())  # a buyer has no store
    assert client.post("/my/store/banner", data={"image": (io.BytesIO(png_bytes()), "x.png")},
                       content_type="multipart/form-data").status_code == 403
    db.session.expire_all()
    assert db.session.get(Trainee, trainee.id).banner_path == stored.banner_path
