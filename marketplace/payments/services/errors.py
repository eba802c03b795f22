"""What payments raise when a provider does not answer or refuses, and what the buyer is told."""

from flask_babel import gettext as _

from marketplace.core.errors import DomainError


class PaymentUnavailable(DomainError):
    """The provider did not answer; nothing was recorded and the buyer may simply retry."""

    status = 503
    code = "payment_provider_unavailable"


class PaymentRejected(DomainError):
    status = 502
    code = "payment_provider_rejected"


def unavailable_message() -> str:
    return _("The card service did not answer. Nothing was charged and your order is still "
             "reserved; please try again in a moment.")
