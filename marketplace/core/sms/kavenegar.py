"""Kavenegar (kavenegar.com), an Iranian SMS operator, over its documented REST API.

    POST {KAVENEGAR_API_BASE}/{API_KEY}/verify/lookup.json  receptor, template, token
    POST {KAVENEGAR_API_BASE}/{API_KEY}/sms/send.json       receptor, message[, sender]

Every answer is JSON, `{"return": {"status": 200, "message": …}, "entries": […]}`; the HTTP
status mirrors `return.status`. A thin module over `requests`: the official package is a
small unmaintained wrapper around the same two calls. Codes and texts go in the POST body,
never the query string, so no proxy or access log sees them.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests

from marketplace.core.sms.base import SmsError, SmsTemporaryError

# Kavenegar's statuses that a later retry may get past: 409 "the server cannot answer now",
# and HTTP-level 5xx. Anything else (411 bad receptor, 418 no credit, 424 unknown template,
# 403 bad key…) needs a person, not a retry.
RETRYABLE_STATUSES = frozenset({409, 429, 500, 502, 503, 504})


class KavenegarProvider:
    def __init__(self, api_key: str, *, sender: str = "",
                 base_url: str = "https://api.kavenegar.com/v1", timeout: float = 10) -> None:
        if not api_key:
            raise RuntimeError("SMS_PROVIDER=kavenegar needs KAVENEGAR_API_KEY")
        self.api_key = api_key
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_config(cls, config: Mapping) -> KavenegarProvider:
        return cls(config["KAVENEGAR_API_KEY"], sender=config.get("KAVENEGAR_SENDER", ""),
                   base_url=config["KAVENEGAR_API_BASE"],
                   timeout=config.get("SMS_TIMEOUT_SECONDS", 10))

    def send_code(self, phone: str, template: str, code: str) -> None:
        self._post("verify/lookup.json",
                   {"receptor": receptor(phone), "template": template, "token": code})

    def send_text(self, phone: str, text: str) -> None:
        data = {"receptor": receptor(phone), "message": text}
        if self.sender:
            data["sender"] = self.sender
        self._post("sms/send.json", data)

    def _post(self, method: str, data: dict) -> dict:
        url = f"{self.base_url}/{self.api_key}/{method}"
        try:
            response = requests.post(url, data=data, timeout=self.timeout)
        except (requests.Timeout, requests.ConnectionError) as error:
            # The exception's text holds the URL, and the URL holds the API key.
            raise SmsTemporaryError(f"Kavenegar unreachable: {type(error).__name__}") from None
        status, message = _status(response)
        if status == 200:
            return response.json()
        error_class = SmsTemporaryError if status in RETRYABLE_STATUSES else SmsError
        raise error_class(f"Kavenegar {method} status {status}: {message}")


def receptor(phone: str) -> str:
    """Kavenegar takes Iranian numbers in national form (09121234567) and others with 00."""
    digits = phone.lstrip("+")
    return "0" + digits[2:] if digits.startswith("98") else "00" + digits


def _status(response: requests.Response) -> tuple[int, str]:
    try:
        body = response.json()
        answer = body["return"]
        return int(answer["status"]), str(answer.get("message", ""))
    except (ValueError, KeyError, TypeError):
        # Not Kavenegar's JSON (a proxy's error page): judge by the HTTP status alone.
        status = response.status_code if response.status_code != 200 else 502
        return status, "unexpected answer"
