"""Mobile numbers: parsed with `phonenumbers` and stored in E.164 (+989121234567).

People type 09121234567, 9121234567, +98 912 123 4567, 0098…, with Persian or Arabic-Indic
digits; all of them are one number, so all of them must be stored the same way (a sign-in by
phone looks the number up). The default region is Iran's."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from marketplace.core.digits import to_ascii_digits, to_persian_digits

DEFAULT_REGION = "IR"
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidPhone(ValueError):
    """Not a mobile number that can receive SMS."""


def parse_mobile(text: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form of a mobile number typed in any usual way; InvalidPhone otherwise."""
    cleaned = to_ascii_digits((text or "").strip())
    if not cleaned or len(cleaned) > 32:
        raise InvalidPhone(text)
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException as error:
        raise InvalidPhone(text) from error
    if not phonenumbers.is_valid_number(number) \
            or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display_phone(e164: str | None, locale: str = "fa") -> str:
    """How a stored number is shown: national form inside its country (0912 123 4567), in
    Persian digits on Persian pages; international form for other countries."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164 if locale != "fa" else to_persian_digits(e164)
    style = (PhoneNumberFormat.NATIONAL if phonenumbers.region_code_for_number(number)
             == DEFAULT_REGION else PhoneNumberFormat.INTERNATIONAL)
    shown = phonenumbers.format_number(number, style)
    return to_persian_digits(shown) if locale == "fa" else shown


def masked(e164: str) -> str:
    """A number as logs may show it: enough to tell numbers apart, not to text one."""
    return f"{e164[:4]}…{e164[-2:]}" if len(e164) > 6 else "…"
