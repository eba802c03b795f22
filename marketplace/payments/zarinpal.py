"""The one module that talks to Zarinpal (its v4 REST payment gateway), as `gateway` is for Stripe.

The flow (https://www.zarinpal.com/docs/paymentGateway/connectToGateway):
1. `request.json` with the amount, a description and our callback URL → an `authority`;
2. the buyer is sent to `StartPay/{authority}` and pays (or cancels) on Zarinpal's page;
3. Zarinpal sends the buyer back to the callback with `Authority` and `Status` (OK/NOK) in the
   query string — which anyone can forge, so it proves nothing;
4. `verify.json` with the authority and the amount *from our database*: code 100 paid (and now
   verified), 101 paid and verified before; a negative code is an error (-50 the amount differs,
   -51 not paid, -54 unknown authority, …, https://www.zarinpal.com/docs/paymentGateway/errorList).
   A payment that is never verified is given back to the buyer by Zarinpal;
5. `unVerified.json` lists the last (up to 100) paid payments that were not verified yet.

Split settlement (تسهیم, "wages", https://www.zarinpal.com/docs/paymentGateway/setshare): a
payment request may carry `wages`, each a Sheba (`iban`), an amount in rials and a description;
Zarinpal settles each share straight to that account and the rest to the merchant.

Amounts are rials (IRR, whole units, which are also our minor units: ISO 4217 has no usable
decimals for the rial and Babel counts none), Zarinpal's default currency.

Retries. Verifying is idempotent (a second verify answers 101), so a verify that timed out or got
5xx is tried again a few times. A payment request is not: repeating it would open a second
authority, so a request that did not answer raises `ZarinpalUnavailable` at once and the caller
decides (our caller writes nothing, so the buyer simply tries again).

Errors know nothing of HTTP: `ZarinpalUnavailable` (no answer, 5xx, an unreadable body, "too many
attempts"), `ZarinpalDeclined` (the buyer did not pay), `ZarinpalRejected` (Zarinpal refused the
call: wrong merchant, amount mismatch, unknown authority, …) — each with a string `code` and the
gateway's numeric `gateway_code` when it gave one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from flask import current_app

from marketplace.payments.gateway import GatewayDeclined, GatewayError, GatewayUnavailable

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://payment.zarinpal.com"
SANDBOX_API_BASE = "https://sandbox.zarinpal.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
CURRENCY = "IRR"

PAID = 100
ALREADY_VERIFIED = 101
# The documented codes we act on (others are passed on as `gateway_code`).
AMOUNT_MISMATCH = -50
NOT_PAID = -51
UNEXPECTED_ERROR = -52
FOREIGN_AUTHORITY = -53
INVALID_AUTHORITY = -54
TOO_MANY_ATTEMPTS = -12


# --- errors -------------------------------------------------------------------------------

# They are the gateway errors of `payments.gateway` (the lower of payments' two error layers), so
# the payments services translate Stripe's and Zarinpal's refusals the same way.

class ZarinpalError(GatewayError):
    """Zarinpal could not be reached or refused; `code` is ours, `gateway_code` Zarinpal's."""

    default_code = "payment_provider_rejected"

    def __init__(self, message: str, gateway_code: int | None = None):
        GatewayError.__init__(self, message, code=self.default_code)
        self.gateway_code = gateway_code


class ZarinpalUnavailable(ZarinpalError, GatewayUnavailable):
    """No usable answer (timeout, connection, 5xx, too many attempts): the outcome is unknown."""

    default_code = "payment_provider_unavailable"


class ZarinpalDeclined(ZarinpalError, GatewayDeclined):
    """The buyer did not pay this authority (cancelled on the gateway page, or the bank said no)."""

    default_code = "payment_declined"

    def __init__(self, message: str, gateway_code: int | None = None):
        super().__init__(message, gateway_code)
        self.decline_code = self.default_code


class ZarinpalRejected(ZarinpalError):
    """Zarinpal refused the call itself (bad merchant, amount, authority or parameters)."""

    default_code = "payment_provider_rejected"


# --- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wage:
    """One share of a payment that Zarinpal settles straight to a Sheba account."""

    iban: str
    amount: int
    description: str


@dataclass(frozen=True)
class PaymentRequest:
    authority: str
    fee: int | None = None
    fee_type: str | None = None


@dataclass(frozen=True)
class Verification:
    """A paid payment: `already_verified` when Zarinpal answered 101 (a repeated verify)."""

    authority: str
    amount: int
    ref_id: str | None
    card_pan: str | None
    already_verified: bool


@dataclass(frozen=True)
class UnverifiedPayment:
    authority: str
    amount: int


# --- the client ---------------------------------------------------------------------------

class ZarinpalClient:
    """A thin client over `requests` for Zarinpal's payment gateway (v4)."""

    def __init__(self, merchant_id: str, api_base: str = DEFAULT_API_BASE,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS, verify_attempts: int = 3,
                 retry_backoff: float = 0.5, session: requests.Session | None = None):
        if not merchant_id:
            raise ZarinpalRejected("ZARINPAL_MERCHANT_ID is not set")
        self.merchant_id = merchant_id
        self.api_base = (api_base or DEFAULT_API_BASE).rstrip("/")
        self.timeout = timeout
        self.verify_attempts = max(1, verify_attempts)
        self.retry_backoff = retry_backoff
        self.session = session or requests.Session()

    @classmethod
    def from_config(cls, config=None) -> ZarinpalClient:
        config = config if config is not None else current_app.config
        return cls(
            merchant_id=config.get("ZARINPAL_MERCHANT_ID", ""),
            api_base=config.get("ZARINPAL_API_BASE", "") or DEFAULT_API_BASE,
            timeout=float(config.get("ZARINPAL_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)),
            verify_attempts=int(config.get("ZARINPAL_VERIFY_ATTEMPTS", 3)),
            retry_backoff=float(config.get("ZARINPAL_RETRY_BACKOFF_SECONDS", 0.5)),
        )

    def start_pay_url(self, authority: str) -> str:
        """Where the buyer pays this authority."""
        return f"{self.api_base}/pg/StartPay/{authority}"

    # calls -----------------------------------------------------------------------------------

    def request_payment(self, amount: int, callback_url: str, description: str,
                        order_id: str | None = None,
                        wages: list[Wage] | None = None) -> PaymentRequest:
        """Open a payment of `amount` rials; never retried (a repeat opens another authority).
        `wages` are the shares Zarinpal settles straight to other Sheba accounts."""
        body: dict = {"merchant_id": self.merchant_id, "amount": _rials(amount),
                      "currency": CURRENCY, "callback_url": callback_url,
                      "description": description[:500]}
        if order_id:
            body["metadata"] = {"order_id": order_id}
        if wages:
            if sum(w.amount for w in wages) > amount:
                raise ValueError("the wages add up to more than the payment")
            body["wages"] = [{"iban": w.iban, "amount": _rials(w.amount),
                              "description": w.description[:255]} for w in wages]
        data = self._post("request.json", body)
        code = _code(data)
        if code != PAID or not data.get("authority"):
            raise _rejected(data, "the payment request was refused")
        return PaymentRequest(authority=str(data["authority"]), fee=_int_or_none(data, "fee"),
                              fee_type=data.get("fee_type"))

    def verify(self, authority: str, amount: int) -> Verification:
        """Verify `authority` for `amount` rials (from our database). Paid → a Verification;
        not paid → ZarinpalDeclined; retried on no answer, since verifying is idempotent."""
        body = {"merchant_id": self.merchant_id, "authority": authority,
                "amount": _rials(amount)}
        for attempt in range(1, self.verify_attempts + 1):
            try:
                data = self._post("verify.json", body)
                break
            except ZarinpalUnavailable as error:
                if attempt == self.verify_attempts:
                    raise
                log.warning("zarinpal verify %s: %s; retrying (%s/%s)", authority,
                            error.message, attempt, self.verify_attempts)
                time.sleep(self.retry_backoff * attempt)
        code = _code(data)
        if code in (PAID, ALREADY_VERIFIED):
            return Verification(authority=authority, amount=amount,
                                ref_id=_str_or_none(data, "ref_id"),
                                card_pan=_str_or_none(data, "card_pan"),
                                already_verified=code == ALREADY_VERIFIED)
        if code == NOT_PAID:
            raise ZarinpalDeclined(_message(data, "the payment was not made"), gateway_code=code)
        raise _rejected(data, "the verification was refused")

    def unverified(self) -> list[UnverifiedPayment]:
        """Paid payments not verified yet (Zarinpal lists the last 100)."""
        data = self._post("unVerified.json", {"merchant_id": self.merchant_id})
        if _code(data) != PAID:
            raise _rejected(data, "the list of unverified payments was refused")
        payments = []
        for item in data.get("authorities") or []:
            amount = _int_or_none(item, "amount") if isinstance(item, dict) else None
            if amount is None or not item.get("authority"):
                log.warning("zarinpal unverified list: unreadable entry %r", item)
                continue
            payments.append(UnverifiedPayment(authority=str(item["authority"]), amount=amount))
        return payments

    # transport -------------------------------------------------------------------------------

    def _post(self, endpoint: str, body: dict) -> dict:
        """POST `body` to `/pg/v4/payment/<endpoint>`; the `data` of a success, or a dict with
        the error's `code` and `message`. No answer → ZarinpalUnavailable."""
        url = f"{self.api_base}/pg/v4/payment/{endpoint}"
        try:
            response = self.session.post(url, json=body, timeout=self.timeout,
                                         headers={"Accept": "application/json"})
        except requests.Timeout as error:
            raise ZarinpalUnavailable(f"Zarinpal did not answer {endpoint} in time") from error
        except requests.RequestException as error:
            raise ZarinpalUnavailable(f"Zarinpal could not be reached ({endpoint})") from error
        if response.status_code >= 500:
            raise ZarinpalUnavailable(f"Zarinpal answered {response.status_code} to {endpoint}")
        try:
            payload = response.json()
        except ValueError as error:
            raise ZarinpalUnavailable(f"Zarinpal's answer to {endpoint} is not JSON") from error
        if not isinstance(payload, dict):
            raise ZarinpalUnavailable(f"Zarinpal's answer to {endpoint} is not an object")
        data = payload.get("data")
        if isinstance(data, dict) and data.get("code") is not None:
            return data
        # Errors come as {"data": [], "errors": {"code": -9, "message": …}}.
        errors = payload.get("errors")
        if isinstance(errors, dict) and errors.get("code") is not None:
            return errors
        raise ZarinpalUnavailable(f"Zarinpal's answer to {endpoint} has no code "
                                  f"(HTTP {response.status_code})")


def _rials(amount: int) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ZarinpalRejected(f"not an amount of rials: {amount!r}")
    return amount


def _code(data: dict) -> int | None:
    return _int_or_none(data, "code")


def _message(data: dict, default: str) -> str:
    return str(data.get("message") or default)


def _int_or_none(data: dict, key: str) -> int | None:
    try:
        return int(data[key])
    except (KeyError, TypeError, ValueError):
        return None


def _str_or_none(data: dict, key: str) -> str | None:
    value = data.get(key)
    return None if value in (None, "") else str(value)


def _rejected(data: dict, default: str) -> ZarinpalError:
    code = _code(data)
    message = f"{_message(data, default)} (code {code})"
    if code in (TOO_MANY_ATTEMPTS, UNEXPECTED_ERROR):
        return ZarinpalUnavailable(message, gateway_code=code)
    return ZarinpalRejected(message, gateway_code=code)
