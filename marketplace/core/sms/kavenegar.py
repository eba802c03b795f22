"""Kavenegar (kavenegar.com), an Iranian SMS operator, over its documented REST API.

    POST {KAVENEGAR_API_BASE}/{API_KEY}/verify/lookup.json  receptor, template, token[, token2,
                                                            token3, token10, token20]
    POST {KAVENEGAR_API_BASE}/{API_KEY}/sms/send.json       receptor, message[, sender]

verify/lookup fills a template ("pattern") approved in Kavenegar's panel: the operators let
those reach numbers on the advertising blacklist, which plain texts do not. Its tokens have
rules (`fit_tokens` keeps to them): at most 100 characters each; `token`, `token2` and
`token3` hold no space, `token10` at most 5 spaces and `token20` at most 8.

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

# verify/lookup's token slots, in order, and the spaces each may hold.
TOKEN_SPACES = {"token": 0, "token2": 0, "token3": 0, "token10": 5, "token20": 8}
TOKEN_MAX_CHARS = 100
# What joins the words a slot has no room to keep apart, and stands for an empty value (an
# empty token would leave the approved template's text with a hole the operator refuses).
JOINER, EMPTY = "_", "-"


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
        self.send_template(phone, template, {"token": code})

    def send_template(self, phone: str, template: str, tokens: Mapping[str, str]) -> None:
        self._post("verify/lookup.json",
                   {"receptor": receptor(phone), "template": template, **fit_tokens(tokens)})

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


def fit_tokens(tokens: Mapping[str, str]) -> dict[str, str]:
    """`tokens` (slot → value) kept to verify/lookup's rules, in slot order; `token`, which
    verify/lookup requires, is always there (EMPTY when a template uses only the others). An
    unknown slot is a programming error, not the operator's refusal."""
    unknown = set(tokens) - set(TOKEN_SPACES)
    if unknown:
        raise ValueError(f"not Kavenegar token slots: {sorted(unknown)}")
    return {slot: fit_token(str(tokens.get(slot, "")), spaces)
            for slot, spaces in TOKEN_SPACES.items() if slot in tokens or slot == "token"}


def fit_token(value: str, spaces: int) -> str:
    """One token: its words kept apart by at most `spaces` spaces (the rest joined by
    JOINER, so nothing is lost), any newline or tab a space, at most TOKEN_MAX_CHARS."""
    words = value.split()
    if not words:
        return EMPTY
    if len(words) > spaces + 1:
        words = [*words[:spaces], JOINER.join(words[spaces:])]
    text = " ".join(words)
    return text if len(text) <= TOKEN_MAX_CHARS else text[:TOKEN_MAX_CHARS - 1] + "…"


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
