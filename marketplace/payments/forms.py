"""HTML forms of the payments pages; they give typed values the services take."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from marketplace.booths.models.sales import CARD_REFERENCE_MAX, CLIENT_KEY_MAX, BoothSalePayment
from marketplace.core.forms import (
    AmountField,
    Bounds,
    Form,
    LocalDateField,
    LocalizedIntegerField,
    ascii_digits,
    strip,
)
from marketplace.payments.services.booth_sales import MAX_QUANTITY, BoothSaleData
from marketplace.payments.services.payouts import (
    HOLDER_MAX,
    STRIPE_ACCOUNT_MAX,
    PayoutAccountData,
)
from marketplace.payments.sheba import InvalidSheba, normalise_sheba

REFUND_REASON_MAX = 500
AMOUNT_SUCH_AS = _l("Enter an amount such as %(example)s.")


class PeriodForm(Form):
    """A statement's period, from a GET query: `?from=…&to=…` in the reader's calendar
    (Jalali in Persian; an ISO date reads in any language, so old links still work)."""

    class Meta:
        csrf = False

    first = LocalDateField(_l("From"), name="from", validators=[Optional()])
    last = LocalDateField(_l("To"), name="to", validators=[Optional()])


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


SHEBA_SUCH_AS = _l("Enter a Sheba number: IR and 24 digits, such as "
                   "IR82 0540 1026 8002 0817 9090 02.")


class ShebaField(StringField):
    """A Sheba number as people type it (Persian digits, spaces, dashes), as `IR` and 24
    digits whose mod-97 check digits match (`payments.sheba`); None when left empty. A
    mistyped one is shown back as typed."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        try:
            self.data = normalise_sheba(text)
        except InvalidSheba:
            self.data = None
            raise ValueError(str(SHEBA_SUCH_AS)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data or ""


class PayoutAccountForm(Form):
    """Where a trainee's payouts go: a Sheba for bank transfers, a Stripe connected account
    for Stripe Connect (both optional)."""

    account_holder = StringField(_l("Account holder"), filters=[strip],
                                 validators=[Length(max=HOLDER_MAX)])
    iban = ShebaField(_l("IBAN (Sheba number)"))
    bank_name = StringField(_l("Bank"), filters=[strip], validators=[Length(max=HOLDER_MAX)])
    stripe_account_id = StringField(
        _l("Stripe connected account (optional)"), filters=[strip],
        validators=[Optional(), Length(max=STRIPE_ACCOUNT_MAX),
                    Regexp(r"^acct_[A-Za-z0-9]+\Z",
                           message=_l("A Stripe account id looks like acct_1A2b3C."))])

    def payout_account_data(self) -> PayoutAccountData:
        return PayoutAccountData(account_holder=self.account_holder.data or "",
                                 iban=self.iban.data, bank_name=self.bank_name.data or "",
                                 stripe_account_id=self.stripe_account_id.data or None)


PAYMENT_KIND_LABELS = {BoothSalePayment.CASH: _l("Cash"),
                       BoothSalePayment.CARD: _l("Card reader")}


class BoothSaleForm(Form):
    """A sale at the booth; the product choices are the trainee's own sellable listings, set by
    the view (`form.product_id.choices`). Whether enough stock is left is the service's to say."""

    # Not checked against the choices: a listing sold out since the page loaded is no longer
    # among them, and the service answers that with 409 `out_of_stock` (someone else's, 404).
    product_id = SelectField(_l("Product"), coerce=int, validate_choice=False,
                             validators=[InputRequired(message=_l("Choose a product."))])
    quantity = LocalizedIntegerField(
        _l("Quantity"), default=1,
        validators=[InputRequired(message=_l("Enter how many were sold.")),
                    Bounds(minimum=1, maximum=MAX_QUANTITY)])
    payment_kind = RadioField(
        _l("Paid by"), default=BoothSalePayment.CASH.value,
        choices=lambda: [(kind.value, str(label)) for kind, label in PAYMENT_KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how the buyer paid."))])
    card_reference = StringField(_l("Card reader receipt number (optional)"),
                                 filters=[strip, ascii_digits],
                                 validators=[Optional(), Length(max=CARD_REFERENCE_MAX)])
    # Filled by the page's script once per sale typed (static/js/booth_sales.js), so a sale
    # the phone queued offline and sends again is recorded once.
    client_key = HiddenField(validators=[Optional(), Length(max=CLIENT_KEY_MAX),
                                         Regexp(r"^[A-Za-z0-9-]+$")])

    def sale_data(self) -> BoothSaleData:
        return BoothSaleData(product_id=self.product_id.data, quantity=self.quantity.data,
                             payment_kind=BoothSalePayment(self.payment_kind.data),
                             card_reference=self.card_reference.data or "",
                             client_key=self.client_key.data or "")


class RebookPickupForm(Form):
    """Another of the trainee's booth-days for a pickup whose day went away (the service
    checks the choice is one offered)."""

    assignment_id = RadioField(_l("Another day at the trainee's booth"), coerce=int,
                               validators=[InputRequired()], validate_choice=False)


class ShipInsteadForm(Form):
    shipping_address = TextAreaField(_l("Ship to this address"), filters=[strip],
                                     validators=[InputRequired(), Length(max=1000)])


class HandoverForm(Form):
    """The code the buyer shows at the booth, typed with any digits."""

    code = StringField(_l("The buyer's handover code"), filters=[strip, ascii_digits],
                       validators=[InputRequired(), Length(max=12)])
