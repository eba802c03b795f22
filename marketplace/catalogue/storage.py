"""Where uploaded files live: a small interface with a local-folder implementation.

Keys are relative, slash-separated paths chosen by the app (never by the uploader), e.g.
`products/12/3f9c…/medium.webp`. Another backend (S3 and friends) implements the same four
methods and is picked in `get_storage`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from flask import current_app, url_for

_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./]*$")


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def url(self, key: str) -> str: ...


def check_key(key: str) -> str:
    if not _SAFE_KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"unsafe storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a folder (MEDIA_DIR, `instance/media` by default), served by /media/<key>."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, key: str, data: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see half a file

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str) -> str:
        return url_for("catalogue.media", key=check_key(key))


def get_storage() -> LocalStorage:
    return LocalStorage(current_app.config["MEDIA_DIR"])
