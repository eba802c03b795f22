"""Payment providers behind one interface: start a payment, read its state, refund, read a webhook.

A provider that cannot do what is asked raises the gateway's errors (`gateway.GatewayError` and
its kinds: unavailable, declined, invalid signature); the payments services turn them into
answers for people and clients (payments.services.errors).

`stripe` takes cards through PaymentIntents (all Stripe calls go through `gateway`);
`pay_at_pickup` records that the buyer pays the trainee in cash at the booth or centre. Another
provider (a local Iranian gateway, say) only has to implement `PaymentProvider` and be added to
`PROVIDERS`. `PAYMENT_PROVIDERS` lists the enabled ones; `check_providers` refuses to start the
app when one of them cannot take `MARKETPLACE_CURRENCY`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.core.urls import external_url
from marketplace.payments import gateway, zarinpal
from marketplace.payments.statuses import PaymentStatus


@dataclass(frozen=True)
class ProviderPayment:
    status: PaymentStatus
    reference: str | None = None
    client_secret: str | None = None
    next_action: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    amount: int | None = None    # minor units, as the provider holds them
    currency: str | None = None


@dataclass(frozen=True)
class ProviderRefund:
    status: str  # "succeeded", "pending" or "failed"
    reference: str | None


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook: what happened (`type`) to which provider object (`object_id`)."""

    id: str
    type: str
    object_id: str | None


class PaymentProvider(ABC):
    """What every payment provider answers; `stripe` and `pay_at_pickup` implement it."""

    name: str = ""
    # Currencies taken (ISO 4217), or None for any currency not in `excluded_currencies`.
    currencies: frozenset[str] | None = None
    excluded_currencies: frozenset[str] = frozenset()
    # Does start_payment hand the buyer a card form (client_secret) to fill in?
    collects_online = False
    # Does `refund` give money back through the provider? If not, a refund is owed and paid by
    # bank transfer, and the buyer is told so.
    refunds_online = True

    def minimum_amount(self) -> int:
        """The smallest payment (minor units) the provider takes; 0 when it has no floor."""
        return 0

    def accepts(self, currency: str) -> bool:
        currency = currency.upper()
        if currency in self.excluded_currencies:
            return False
        return self.currencies is None or currency in self.currencies

    @abstractmethod
    def start_payment(self, payment) -> ProviderPayment:
        """Open a payment for `payment` with the provider."""

    @abstractmethod
    def fetch_payment(self, payment) -> ProviderPayment:
        """Read the payment's current state from the provider."""

    def confirm_with_test_card(self, payment, card: str) -> ProviderPayment:
        raise gateway.GatewayError("this provider has no test cards", code="not_supported")

    def authenticate_test_payment(self, payment, success: bool) -> ProviderPayment:
        raise gateway.GatewayError("this provider has no test authentication",
                                   code="not_supported")

    def cancel_payment(self, payment) -> ProviderPayment:
        """Close a payment that is no longer wanted (its order expired)."""
        return ProviderPayment(status=PaymentStatus.CANCELLED,
                               reference=payment.provider_reference)

    @abstractmethod
    def refund(self, payment, refund) -> ProviderRefund:
        """Give back `refund.amount` of `payment`."""

    def parse_webhook(self, raw_body: bytes, headers) -> ProviderEvent:
        raise gateway.InvalidSignature("this provider sends no webhooks", code="not_supported")

    def payment_page_url(self, payment) -> str | None:
        """Where the buyer goes to pay an open payment (a gateway's page), if anywhere."""
        return None


# --- Stripe ---------------------------------------------------------------------------------

# PaymentIntent status → ours. requires_payment_method is "failed" only after an attempt failed
# (last_payment_error set); before any attempt the payment is simply pending.
_STRIPE_STATUSES = {
    "requires_payment_method": PaymentStatus.PENDING,
    "requires_confirmation": PaymentStatus.PENDING,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
    "processing": PaymentStatus.PENDING,
    "requires_capture": PaymentStatus.PENDING,
    "succeeded": PaymentStatus.SUCCEEDED,
    "canceled": PaymentStatus.CANCELLED,
}

# The stand-in's test payment methods, with the label the development checkout page gives them
# (None: accepted, not offered on the page).
TEST_CARDS = {
    "pm_card_visa": _l("Test card: payment succeeds"),
    "pm_card_chargeDeclined": _l("Test card: declined"),
    "pm_card_authenticationRequired": _l("Test card: needs authentication"),
    "pm_card_chargeCustomerFail": None,
}
# The test cards the development pay pages offer (a card with no label is for tests only).
OFFERED_TEST_CARDS = tuple((card, label) for card, label in TEST_CARDS.items() if label)


class StripeProvider(PaymentProvider):
    name = "stripe"
    excluded_currencies = gateway.UNSUPPORTED
    collects_online = True

    def _gateway(self) -> gateway.StripeGateway:
        return gateway.current_gateway()

    @staticmethod
    def _result(state: gateway.IntentState) -> ProviderPayment:
        status = _STRIPE_STATUSES.get(state.status, PaymentStatus.PENDING)
        if state.status == "requires_payment_method" and state.error_code:
            status = PaymentStatus.FAILED
        return ProviderPayment(status=status, reference=state.id,
                               client_secret=state.client_secret,
                               next_action=state.next_action, error_code=state.error_code,
                               error_message=state.error_message,
                               amount=state.amount.amount, currency=state.amount.currency)

    def start_payment(self, payment) -> ProviderPayment:
        if payment.provider_reference:
            return self.fetch_payment(payment)
        _description, metadata = payment.gateway_label()  # an order's or a debt's payment
        state = self._gateway().create_payment_intent(payment.money, payment.idempotency_key,
                                                      metadata)
        return self._result(state)

    def fetch_payment(self, payment) -> ProviderPayment:
        return self._result(self._gateway().retrieve_payment_intent(payment.provider_reference))

    def confirm_with_test_card(self, payment, card: str) -> ProviderPayment:
        """A declined card is an outcome here, not an error: the intent holds the failed
        attempt, which the payment records (so the next try is a new payment with keys of its
        own) and the buyer reads on the pay page."""
        key = f"{payment.idempotency_key}-confirm-{payment.confirm_attempts}"
        try:
            state = self._gateway().confirm_payment_intent(payment.provider_reference, card, key)
        except gateway.GatewayDeclined:
            return self.fetch_payment(payment)
        return self._result(state)

    def authenticate_test_payment(self, payment, success: bool) -> ProviderPayment:
        """The stand-in's bank step for the "needs authentication" test card: approved, the
        charge is made; failed, the intent records the failed attempt."""
        stripe = self._gateway()
        state = stripe.retrieve_payment_intent(payment.provider_reference)
        return self._result(stripe.authenticate_test_intent(state.id, state.client_secret or "",
                                                            success))

    def cancel_payment(self, payment) -> ProviderPayment:
        try:
            state = self._gateway().cancel_payment_intent(
                payment.provider_reference, f"{payment.idempotency_key}-cancel")
        except gateway.GatewayUnavailable:
            raise  # the outcome is unknown: the caller must not treat it as a refusal
        except gateway.GatewayError:
            # Stripe refuses to cancel an intent that succeeded or is processing meanwhile.
            return self.fetch_payment(payment)
        return self._result(state)

    def refund(self, payment, refund) -> ProviderRefund:
        state = self._gateway().create_refund(
            payment.provider_reference, refund.money, refund.idempotency_key,
            {"refund": refund.idempotency_key})
        status = {"succeeded": "succeeded", "pending": "pending"}.get(state.status, "failed")
        return ProviderRefund(status=status, reference=state.id)

    def parse_webhook(self, raw_body: bytes, headers) -> ProviderEvent:
        event = self._gateway().verify_webhook(raw_body, headers.get("Stripe-Signature"))
        obj = (event.get("data") or {}).get("object") or {}
        object_id = obj.get("id") if isinstance(obj, dict) else None
        if isinstance(obj, dict) and obj.get("object") == "charge":
            object_id = obj.get("payment_intent") or object_id
        return ProviderEvent(id=str(event["id"]), type=str(event["type"]),
                             object_id=object_id)

    def transfer(self, amount, destination: str, idempotency_key: str,
                 metadata: dict) -> str:
        """A Stripe Connect transfer to a trainee's connected account; returns its id."""
        state = self._gateway().create_transfer(amount, destination, idempotency_key,
                                                metadata)
        return state.id

    @staticmethod
    def is_standin(config=None) -> bool:
        """True when STRIPE_API_BASE points at a local stand-in (development test cards)."""
        base = (config if config is not None else current_app.config).get("STRIPE_API_BASE", "")
        return base.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))


# --- pay at pickup ----------------------------------------------------------------------------

# The one name of paying at pickup: the provider's name, the value of orders.payment_provider
# and of the API's `provider`.
PAY_AT_PICKUP = "pay_at_pickup"


class PayAtPickupProvider(PaymentProvider):
    """Cash (or card terminal) at the booth or centre: nothing to call, the trainee confirms."""

    name = PAY_AT_PICKUP

    def start_payment(self, payment) -> ProviderPayment:
        return ProviderPayment(status=PaymentStatus.PENDING)

    def fetch_payment(self, payment) -> ProviderPayment:
        # Only the trainee's confirmation (services.confirm_paid_at_pickup) settles it.
        return ProviderPayment(status=payment.status, reference=payment.provider_reference)

    def refund(self, payment, refund) -> ProviderRefund:
        # The trainee hands the cash back; there is no one to call.
        return ProviderRefund(status="succeeded", reference=None)


# --- Zarinpal ---------------------------------------------------------------------------------

ZARINPAL = "zarinpal"


class ZarinpalProvider(PaymentProvider):
    """Shaparak cards through Zarinpal's gateway (all calls go through `zarinpal`), in rials.

    The buyer is sent to Zarinpal's StartPay page and comes back to
    `payments.zarinpal_callback`; a payment is paid only once Zarinpal's verify, called with
    the amount of our payment row, answers 100 or 101 — never because of the callback's
    `Status`. Zarinpal has no cancel: an authority nobody paid simply lapses, so closing one
    is a last verify. Its v4 REST API has no refund either: a refund is recorded as owed
    (pending) for the admins to pay by bank transfer."""

    name = ZARINPAL
    currencies = frozenset({zarinpal.CURRENCY})
    refunds_online = False

    def _client(self) -> zarinpal.ZarinpalClient:
        return zarinpal.ZarinpalClient.from_config()

    def minimum_amount(self) -> int:
        # Zarinpal refuses a smaller request with a bare validation error (-9), which would
        # reach the payer as "the gateway refused"; asking first lets us say why.
        return int(current_app.config["ZARINPAL_MINIMUM_AMOUNT"])


    def start_payment(self, payment) -> ProviderPayment:
        if payment.provider_reference:  # the same authority again: one payment, one page
            return ProviderPayment(status=PaymentStatus.PENDING,
                                   reference=payment.provider_reference)
        endpoint, values = payment.return_route()  # an order's or a debt's payment
        callback_url = external_url(endpoint, **values)
        if not callback_url:
            raise gateway.GatewayError("no callback URL: set MARKETPLACE_BASE_URL",
                                      code="not_configured")
        description, metadata = payment.gateway_label()
        # An order's payment may carry the trainees' shares (split settlement); a debt's none.
        wages = [zarinpal.Wage(iban=share["iban"], amount=share["amount"],
                               description=description)
                 for share in getattr(payment, "gateway_shares", None) or ()]
        result = self._client().request_payment(payment.amount, callback_url, description,
                                                str(metadata.get("order") or "") or None,
                                                wages=wages)
        return ProviderPayment(status=PaymentStatus.PENDING, reference=result.authority,
                               amount=payment.amount, currency=payment.currency)

    def _verify(self, payment, not_paid: PaymentStatus) -> ProviderPayment:
        """Ask Zarinpal (verify with our amount); `not_paid` is what an unpaid authority is."""
        try:
            self._client().verify(payment.provider_reference, payment.amount)
        except zarinpal.ZarinpalDeclined as error:
            return ProviderPayment(status=not_paid, reference=payment.provider_reference,
                                   error_code=error.code if not_paid == PaymentStatus.FAILED
                                   else None,
                                   error_message=error.message)
        return ProviderPayment(status=PaymentStatus.SUCCEEDED,
                               reference=payment.provider_reference,
                               amount=payment.amount, currency=payment.currency)

    def fetch_payment(self, payment) -> ProviderPayment:
        # Not paid (yet): an open payment stays open — the buyer may still be on the gateway's
        # page — and a closed one stays closed.
        return self._verify(payment, PaymentStatus.PENDING if payment.is_open
                            else payment.status)

    def verify_return(self, payment, buyer_says_paid: bool) -> ProviderPayment:
        """The buyer is back from the gateway: verify. Not paid → failed when the gateway said
        OK (the bank refused), cancelled when it said NOK (the buyer cancelled)."""
        return self._verify(payment, PaymentStatus.FAILED if buyer_says_paid
                            else PaymentStatus.CANCELLED)

    def cancel_payment(self, payment) -> ProviderPayment:
        if not payment.provider_reference:
            return ProviderPayment(status=PaymentStatus.CANCELLED)
        # Paid meanwhile → SUCCEEDED, and the caller settles (or refunds) it.
        return self._verify(payment, PaymentStatus.CANCELLED)

    def refund(self, payment, refund) -> ProviderRefund:
        return ProviderRefund(status="pending", reference=None)

    def payment_page_url(self, payment) -> str | None:
        if not payment.provider_reference:
            return None
        return self._client().start_pay_url(payment.provider_reference)

    def unverified_authorities(self) -> dict[str, int]:
        """Authorities paid on Zarinpal's side but not verified yet → their amounts."""
        return {item.authority: item.amount
                for item in self._client().unverified()}


PROVIDERS: dict[str, PaymentProvider] = {
    provider.name: provider
    for provider in (StripeProvider(), PayAtPickupProvider(), ZarinpalProvider())
}


def get_provider(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise LookupError(f"unknown payment provider {name!r}") from None


def enabled_providers(config=None) -> list[PaymentProvider]:
    config = config if config is not None else current_app.config
    return [get_provider(name) for name in config.get("PAYMENT_PROVIDERS", ())]


def is_enabled(name: str, config=None) -> bool:
    config = config if config is not None else current_app.config
    return name in tuple(config.get("PAYMENT_PROVIDERS", ()))


def check_providers(config) -> None:
    """Refuse to start with a provider that is unknown or cannot take the marketplace currency."""
    currency = str(config.get("MARKETPLACE_CURRENCY", "USD")).upper()
    problems = []
    for name in config.get("PAYMENT_PROVIDERS", ()):
        provider = PROVIDERS.get(name)
        if provider is None:
            problems.append(f"unknown payment provider {name!r} (known: "
                            f"{', '.join(sorted(PROVIDERS))})")
        elif not provider.accepts(currency):
            problems.append(
                f"payment provider {name!r} cannot take {currency} (MARKETPLACE_CURRENCY); "
                f"remove it from PAYMENT_PROVIDERS or use a currency it takes")
        elif name == "stripe" and config.get("ENV_NAME") == "production" and \
                not (config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET")):
            problems.append("payment provider 'stripe' needs STRIPE_SECRET_KEY and "
                            "STRIPE_WEBHOOK_SECRET")
        elif name == ZARINPAL and config.get("ENV_NAME") == "production" and \
                not config.get("ZARINPAL_MERCHANT_ID"):
            problems.append("payment provider 'zarinpal' needs ZARINPAL_MERCHANT_ID")
    if problems:
        raise RuntimeError("Payment settings are wrong: " + "; ".join(problems))
