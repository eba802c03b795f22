"""What every SMS provider shares: its interface, its two kinds of failure, Secret."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class SmsError(Exception):
    """The operator refused the message; trying again will not help."""


class SmsTemporaryError(SmsError):
    """The message could not be sent now (timeout, operator busy); a retry may succeed."""


@dataclass(frozen=True)
class Secret:
    """A value that must not be printed: its repr and str are masked."""

    value: str

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__


class SmsProvider(Protocol):
    def send_code(self, phone: str, template: str, code: str) -> None: ...

    def send_template(self, phone: str, template: str, tokens: Mapping[str, str]) -> None: ...

    def send_text(self, phone: str, text: str) -> None: ...
