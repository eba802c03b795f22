"""The checkout form: fields named per trainee (fulfilment_<id>, pickup_<id>), so it is read by
hand into `CheckoutChoices`; the rules are in checkout.services.place_order."""

from marketplace.checkout.services import CheckoutChoices
from marketplace.core.digits import parse_int


def _per_trainee(form, prefix: str) -> dict[int, str]:
    values = {}
    for name, value in form.items():
        if name.startswith(prefix):
            key = name[len(prefix):]
            if key.isdigit():
                values[int(key)] = value
    return values


def choices_from_form(form) -> CheckoutChoices:
    try:
        expected = parse_int(form.get("expected_subtotal", "")) if form.get("expected_subtotal") \
            else None
    except ValueError:
        expected = -1  # tampered: place_order reports the total as changed
    return CheckoutChoices(
        contact_name=form.get("contact_name", ""), contact_phone=form.get("contact_phone", ""),
        shipping_address=form.get("shipping_address", ""), note=form.get("note", ""),
        fulfilment=_per_trainee(form, "fulfilment_"), pickup=_per_trainee(form, "pickup_"),
        expected_subtotal=expected)
