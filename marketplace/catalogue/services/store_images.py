"""A trainee's store photo (avatar) and banner: checked and re-encoded like product photos
(catalogue.images), stored under a new key each time, the old file deleted after the commit.
The keys live on the trainee's row (`avatar_path`, `banner_path`); storefront shows them."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

from marketplace.accounts.models import Trainee, User
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.images import process_image
from marketplace.catalogue.services.images import _delete_files
from marketplace.catalogue.storage import get_storage
from marketplace.core.errors import Forbidden
from marketplace.core.jobs import after_commit
from marketplace.extensions import db

# Which rendition each picture keeps (catalogue.images.SIZES): an avatar is shown at most a
# few hundred pixels wide, a banner across the page.
STORE_IMAGES = {"avatar": ("avatar_path", "medium"), "banner": ("banner_path", "full")}


def set_store_image(actor: User, kind: str, data: bytes) -> Trainee:
    """The acting trainee's own store picture of `kind` ("avatar" or "banner") becomes the
    uploaded image; raises a 4xx DomainError for a file that is not a usable image."""
    trainee = getattr(actor, "trainee", None)
    if trainee is None:
        raise Forbidden(_("Only trainees have a store."), code=CatalogueErrorCode.NOT_A_TRAINEE)
    column, size = STORE_IMAGES[kind]
    processed = process_image(data)
    key = f"stores/{trainee.id}/{secrets.token_hex(8)}/{kind}.webp"
    old = getattr(trainee, column)
    setattr(trainee, column, key)
    db.session.flush()
    get_storage().save(key, processed.renditions[size])
    if old:
        after_commit(_delete_files, [old])
    return trainee
