"""The one module that talks to Stripe (ARCHITECTURE §3, §5).

Everything Stripe-specific stays here: the client (secret key, `STRIPE_API_BASE` for the local
stand-in, timeouts, retries), the conversion between our `Money` and Stripe's amounts, and the
mapping of Stripe's exceptions to our own. Callers get plain dataclasses back and never see a
`stripe` object, so no other module needs to import the SDK.

Amounts. `Money.amount` counts ISO 4217 minor units (Babel's precision). Stripe mostly agrees,
with exceptions (https://docs.stripe.com/currencies):
- zero-decimal currencies (JPY, KRW, …): the amount is whole units, as in ISO 4217; UGX is
  one of them on Stripe today (and zero-decimal in ISO 4217), so 7 UGX is sent as 7;
- three-decimal currencies (BHD, JOD, KWD, OMR, TND): three decimals, but the last digit must
  be 0 — an amount such as 5.125 KWD cannot be charged, so we refuse it instead of rounding
  someone's money;
- ISK is zero-decimal in ISO 4217 but stays two-decimal in Stripe's API, and only whole krónur
  are allowed: 5 ISK is sent as 500;
- HUF and TWD are two-decimal for charges (as in ISO 4217) but zero-decimal for payouts: a
  payout or transfer must be a whole forint/dollar (a multiple of 100).

Idempotency. Every POST carries an `Idempotency-Key` that the caller builds from our own row ids,
so a retried request (ours, or the SDK's network retry) never creates a second charge, refund or
transfer.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import stripe
from flask import current_app

from marketplace.core.money import Money, minor_units

log = logging.getLogger(__name__)

ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
})
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Zero-decimal in practice, but Stripe's API keeps two decimals: send whole units × 100.
TWO_DECIMAL_WHOLE_UNITS = frozenset({"ISK"})
# Two decimals for charges, but payouts and transfers must be whole units.
WHOLE_UNIT_PAYOUTS = frozenset({"HUF", "TWD"})
# Stripe cannot take these at all (and its terms exclude the countries using them).
UNSUPPORTED = frozenset({"IRR", "IRT", "KPW", "SYP", "CUP"})

DEFAULT_TIMEOUT_SECONDS = 10.0


# --- errors -------------------------------------------------------------------------------
# The gateway's own errors know nothing of HTTP or of our error codes: the payments services
# translate them into DomainErrors (payments.services.errors), one layer above.

class GatewayError(Exception):
    """Stripe refused the request (bad parameters, unknown object, wrong key, an amount it
    cannot take); `code` is Stripe's code when it gave one. The subclasses are the refusals
    that callers treat differently."""

    def __init__(self, message: str, code: str | None = None, http_status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status


class GatewayUnavailable(GatewayError):
    """Stripe answered 5xx, timed out, or the connection failed: the outcome is unknown, and a
    retry with the same idempotency key is safe."""


class GatewayDeclined(GatewayError):
    """The card (or other method) was declined; the buyer may try another one. `decline_code`
    is the issuer's reason as Stripe gives it (`insufficient_funds`, …) or `card_declined`."""

    def __init__(self, message: str, decline_code: str, http_status: int | None = None):
        super().__init__(message, code=decline_code, http_status=http_status)
        self.decline_code = decline_code


class InvalidSignature(GatewayError):
    """A webhook whose signature does not match its body, or is too old (a replay)."""


def _decline_code(error: stripe.StripeError) -> str:
    details = getattr(error, "error", None)
    return getattr(details, "decline_code", None) or getattr(error, "code", None) \
        or "card_declined"


def _translate(error: stripe.StripeError) -> GatewayError:
    status = getattr(error, "http_status", None)
    code = getattr(error, "code", None)
    message = getattr(error, "user_message", None) or str(error) or error.__class__.__name__
    if isinstance(error, stripe.CardError) or status == 402:
        return GatewayDeclined(message, decline_code=_decline_code(error), http_status=status)
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError) or \
            (status is not None and status >= 500) or \
            (isinstance(error, stripe.APIError) and status is None):
        return GatewayUnavailable(message, code=code or "provider_unavailable",
                                  http_status=status)
    return GatewayError(message, code=code or "provider_rejected", http_status=status)


# --- money --------------------------------------------------------------------------------

def stripe_decimals(currency: str) -> int:
    currency = currency.upper()
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def can_take(currency: str) -> bool:
    return currency.upper() not in UNSUPPORTED


def to_stripe_amount(money: Money, payout: bool = False) -> int:
    """Our minor units → the integer Stripe expects, refusing amounts Stripe cannot take."""
    currency = money.currency
    if not can_take(currency):
        raise GatewayError(f"Stripe does not take {currency}", code="unsupported_currency")
    ours = minor_units(currency)
    theirs = stripe_decimals(currency)
    if theirs >= ours:
        amount = money.amount * 10 ** (theirs - ours)
    else:
        factor = 10 ** (ours - theirs)
        if money.amount % factor:
            raise GatewayError(f"{money} has more decimals than Stripe takes for {currency}",
                                  code="invalid_amount")
        amount = money.amount // factor
    if currency in THREE_DECIMAL and amount % 10:
        raise GatewayError(f"Stripe needs the last digit of a {currency} amount to be 0",
                              code="invalid_amount")
    if payout and currency in WHOLE_UNIT_PAYOUTS and amount % 100:
        raise GatewayError(f"Stripe pays out {currency} in whole units only",
                              code="invalid_amount")
    return amount


def from_stripe_amount(amount: int, currency: str) -> Money:
    """Stripe's integer amount → our Money (the inverse of `to_stripe_amount`)."""
    currency = currency.upper()
    ours = minor_units(currency)
    theirs = stripe_decimals(currency)
    if theirs >= ours:
        factor = 10 ** (theirs - ours)
        if amount % factor:
            raise GatewayError(f"Stripe amount {amount} {currency} is not a whole minor unit",
                                  code="invalid_amount")
        return Money(amount // factor, currency)
    return Money(amount * 10 ** (ours - theirs), currency)


# --- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class IntentState:
    """What we keep of a PaymentIntent."""

    id: str
    status: str  # Stripe's: requires_payment_method, requires_action, processing, succeeded, …
    amount: Money
    client_secret: str | None
    next_action: str | None
    error_code: str | None
    error_message: str | None
    charge_id: str | None
    metadata: dict


@dataclass(frozen=True)
class RefundState:
    id: str
    status: str  # pending, succeeded, failed, canceled, requires_action
    amount: Money


@dataclass(frozen=True)
class TransferState:
    id: str
    amount: Money
    destination: str


def _get(obj, key, default=None):
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, IndexError):
        return default
    return default if value is None else value


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent_state(intent) -> IntentState:
    intent = _plain(intent)
    error = _get(intent, "last_payment_error")
    next_action = _get(intent, "next_action")
    charge = _get(intent, "latest_charge")
    charge_id = charge if isinstance(charge, str) else _get(charge, "id")
    return IntentState(
        id=intent["id"],
        status=intent["status"],
        amount=from_stripe_amount(int(intent["amount"]), intent["currency"]),
        client_secret=_get(intent, "client_secret"),
        next_action=_get(next_action, "type"),
        error_code=_get(error, "decline_code") or _get(error, "code"),
        error_message=_get(error, "message"),
        charge_id=charge_id,
        metadata=dict(_get(intent, "metadata", {}) or {}),
    )


# --- the client ---------------------------------------------------------------------------

class StripeGateway:
    """A thin, typed wrapper around `stripe.StripeClient` (the v1 namespace).

    The app makes one at start-up (`init_app`) and every request uses it (`current_gateway`):
    its `RequestsClient` keeps one `requests.Session` per thread, so calls reuse open
    connections to Stripe instead of a TLS handshake each."""

    def __init__(self, secret_key: str, api_base: str = "", webhook_secret: str = "",
                 timeout: float = DEFAULT_TIMEOUT_SECONDS, max_network_retries: int = 1):
        if not secret_key:
            raise GatewayError("STRIPE_SECRET_KEY is not set", code="not_configured")
        self.http_client = stripe.RequestsClient(timeout=timeout)
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base.rstrip("/")} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=self.http_client,
        )
        self.webhook_secret = webhook_secret
        self.api_base = api_base

    @classmethod
    def from_config(cls, config=None) -> StripeGateway:
        config = config if config is not None else current_app.config
        return cls(
            secret_key=config.get("STRIPE_SECRET_KEY", ""),
            api_base=config.get("STRIPE_API_BASE", ""),
            webhook_secret=config.get("STRIPE_WEBHOOK_SECRET", ""),
            timeout=float(config.get("STRIPE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)),
            max_network_retries=int(config.get("STRIPE_MAX_NETWORK_RETRIES", 1)),
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as error:
            translated = _translate(error)
            log.warning("stripe call %s failed: %s (%s)", getattr(fn, "__name__", fn),
                        translated.message, translated.code)
            raise translated from error

    # PaymentIntents ------------------------------------------------------------------------

    def create_payment_intent(self, amount: Money, idempotency_key: str,
                              metadata: dict | None = None) -> IntentState:
        params = {
            "amount": to_stripe_amount(amount),
            "currency": amount.currency.lower(),
            # Cards only: what the Payment Element shows and what the stand-in can answer.
            "payment_method_types": ["card"],
            "metadata": {k: str(v) for k, v in (metadata or {}).items()},
        }
        intent = self._call(self.client.v1.payment_intents.create, params,
                            {"idempotency_key": idempotency_key})
        return _intent_state(intent)

    def retrieve_payment_intent(self, intent_id: str) -> IntentState:
        # Expanded so that the stand-in and Stripe answer in the same shape.
        intent = self._call(self.client.v1.payment_intents.retrieve, intent_id,
                            {"expand": ["latest_charge"]})
        return _intent_state(intent)

    def confirm_payment_intent(self, intent_id: str, payment_method: str,
                               idempotency_key: str) -> IntentState:
        """Server-side confirmation with a payment method id (the development test cards).
        A declined card raises `GatewayDeclined`; the intent then holds the failed attempt
        (requires_payment_method with last_payment_error)."""
        intent = self._call(self.client.v1.payment_intents.confirm, intent_id,
                            {"payment_method": payment_method, "expand": ["latest_charge"]},
                            {"idempotency_key": idempotency_key})
        return _intent_state(intent)

    def authenticate_test_intent(self, intent_id: str, client_secret: str,
                                 success: bool) -> IntentState:
        """The local stand-in only (localstripe's `_authenticate`; Stripe has no such call):
        the buyer passes or fails the 3-D Secure step of an intent in `requires_action`."""
        self._call(self.client.raw_request, "post",
                   f"/v1/payment_intents/{intent_id}/_authenticate",
                   client_secret=client_secret, success="true" if success else "false")
        return self.retrieve_payment_intent(intent_id)

    def cancel_payment_intent(self, intent_id: str, idempotency_key: str) -> IntentState:
        intent = self._call(self.client.v1.payment_intents.cancel, intent_id, {},
                            {"idempotency_key": idempotency_key})
        return _intent_state(intent)

    # Refunds and transfers -----------------------------------------------------------------

    def create_refund(self, intent_id: str, amount: Money, idempotency_key: str,
                      metadata: dict | None = None) -> RefundState:
        params = {"payment_intent": intent_id, "amount": to_stripe_amount(amount),
                  "metadata": {k: str(v) for k, v in (metadata or {}).items()}}
        refund = self._call(self.client.v1.refunds.create, params,
                            {"idempotency_key": idempotency_key})
        refund = _plain(refund)
        return RefundState(id=refund["id"], status=refund["status"],
                           amount=from_stripe_amount(int(refund["amount"]), refund["currency"]))

    def create_transfer(self, amount: Money, destination: str, idempotency_key: str,
                        metadata: dict | None = None) -> TransferState:
        """A Stripe Connect transfer from the platform balance to a connected account."""
        params = {"amount": to_stripe_amount(amount, payout=True),
                  "currency": amount.currency.lower(), "destination": destination,
                  "metadata": {k: str(v) for k, v in (metadata or {}).items()}}
        transfer = self._call(self.client.v1.transfers.create, params,
                              {"idempotency_key": idempotency_key})
        transfer = _plain(transfer)
        return TransferState(id=transfer["id"], destination=transfer["destination"],
                             amount=from_stripe_amount(int(transfer["amount"]),
                                                       transfer["currency"]))

    # Webhooks ------------------------------------------------------------------------------

    def verify_webhook(self, raw_body: bytes, signature_header: str | None,
                       tolerance: int = 300) -> dict:
        """Check `Stripe-Signature` against the raw body; return the event as a dict.

        A wrong secret, a changed body and a signature older than `tolerance` seconds (a
        replayed delivery) all raise `InvalidSignature`; so does one dated more than
        `tolerance` seconds ahead (code `timestamp_in_future`), which the SDK lets through: a
        signature made for a future time could be replayed until that time has passed.
        """
        if not self.webhook_secret:
            raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not set", code="not_configured")
        try:
            stripe.WebhookSignature.verify_header(raw_body, signature_header,
                                                  self.webhook_secret, tolerance)
        except stripe.SignatureVerificationError as error:
            raise InvalidSignature(str(error), code="invalid_signature") from error
        signed_at = _signed_at(signature_header or "")
        if signed_at > time.time() + tolerance:
            raise InvalidSignature(
                f"the signature is dated {int(signed_at - time.time())} s in the future "
                f"(more than {tolerance} s)", code="timestamp_in_future")
        try:
            event = json.loads(raw_body)
        except ValueError as error:
            raise InvalidSignature("the body is not JSON", code="invalid_payload") from error
        if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
            raise InvalidSignature("not a Stripe event", code="invalid_payload")
        return event


# --- one gateway per app -------------------------------------------------------------------

EXTENSION = "stripe_gateway"


def init_app(app) -> None:
    """Make the app's one Stripe gateway from its settings (none without STRIPE_SECRET_KEY)."""
    if app.config.get("STRIPE_SECRET_KEY"):
        app.extensions[EXTENSION] = StripeGateway.from_config(app.config)


def current_gateway() -> StripeGateway:
    """The current app's Stripe gateway (made by `init_app`)."""
    gateway = current_app.extensions.get(EXTENSION)
    if gateway is None:
        raise GatewayError("STRIPE_SECRET_KEY is not set", code="not_configured")
    return gateway


def _signed_at(signature_header: str) -> int:
    """The `t=` of a `Stripe-Signature` header the SDK has just accepted (so it has one)."""
    for item in signature_header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            return int(value)
    raise InvalidSignature("the signature has no timestamp", code="invalid_signature")
