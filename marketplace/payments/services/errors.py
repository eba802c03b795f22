"""The service layer of payments' two error layers: the gateway's errors (payments.gateway:
unavailable, declined, any other refusal), which know nothing of HTTP, become the DomainErrors
that buyers and API clients see, with what the buyer is told."""

from flask_babel import gettext as _

from marketplace.core.errors import DomainError
from marketplace.payments.errors import PaymentErrorCode


class PaymentUnavailable(DomainError):
    """The provider did not answer; nothing was recorded and the buyer may simply retry."""

    status = 503
    code = PaymentErrorCode.PAYMENT_PROVIDER_UNAVAILABLE


class PaymentDeclined(DomainError):
    """The card was declined: the buyer's to fix with another card, not a fault of ours or of
    the provider (402 Payment Required, as Stripe answers it)."""

    status = 402
    code = PaymentErrorCode.PAYMENT_DECLINED


class PaymentRejected(DomainError):
    """The provider refused the request itself (not the card): a bad gateway answer."""

    status = 502
    code = PaymentErrorCode.PAYMENT_PROVIDER_REJECTED


def unavailable_message() -> str:
    return _("The card service did not answer. Nothing was charged and your order is still "
             "reserved; please try again in a moment.")


def declined_message() -> str:
    return _("Your card was declined. Nothing was charged; please try another card.")


def rejected_message() -> str:
    return _("The card service refused this payment. Nothing was charged; please try again or "
             "choose another way to pay.")
