"""HTML forms of the payments pages; they give typed values the services take."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length

from marketplace.core.forms import AmountField, Bounds, Form, strip

REFUND_REASON_MAX = 500
AMOUNT_SUCH_AS = _l("Enter an amount such as %(example)s.")


class RefundForm(Form):
    """A refund of part or all of a vendor order; its currency is the form's `meta.currency`
    (`RefundForm(meta={"currency": vendor_order.currency})`). What may be refunded is the
    service's to say."""

    amount = AmountField(_l("Amount"), message=AMOUNT_SUCH_AS,
                         validators=[InputRequired(message=_l("Enter the amount to refund.")),
                                     Bounds(minimum=1)])
    restock = BooleanField(_l("Put the items back on sale"),
                           false_values=("", "0", "false", "no", "off"))
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[Length(max=REFUND_REASON_MAX)])
