"""The development SMS provider: each message is a JSON file in `SMS_OUTBOX_DIR`.

Like the mail outbox (core.mail), it lets a developer, the demo and the browser tests read
what would have been texted — codes included, which is the point on a developer's machine."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from pathlib import Path

from flask import current_app

from marketplace.core.db import utcnow


class OutboxProvider:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send_code(self, phone: str, template: str, code: str) -> None:
        self._write({"to": phone, "template": template, "code": code})

    def send_template(self, phone: str, template: str, tokens: Mapping[str, str]) -> None:
        self._write({"to": phone, "template": template, "tokens": dict(tokens)})

    def send_text(self, phone: str, text: str) -> None:
        self._write({"to": phone, "text": text})

    def _write(self, message: dict) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = utcnow()
        path = self.folder / f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps({**message, "sent_at": now.isoformat()}, ensure_ascii=False),
                        encoding="utf-8")
        return path


def outbox_messages() -> list[dict]:
    """Messages in the SMS outbox, oldest first (tests, the demo)."""
    folder = Path(current_app.config["SMS_OUTBOX_DIR"])
    if not folder.exists():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
