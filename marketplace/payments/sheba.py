"""Sheba numbers (شبا): the Iranian IBAN that payouts by bank transfer go to.

schwifty checks what a Sheba must be — `IR`, two check digits that pass ISO 7064 mod 97-10, and
the 22 digits of Iran's account number — so a mistyped digit is caught before a payout is sent
to an account that does not exist (or to someone else's)."""

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from marketplace.core.digits import to_ascii_digits

SHEBA_COUNTRY = "IR"


class InvalidSheba(ValueError):
    """Not a Sheba number: another country's IBAN, a wrong length or character, or a checksum
    that does not match (a mistyped digit)."""


def normalise_sheba(text: str) -> str:
    """`IR` and 24 digits from a Sheba as people type it: Persian or Arabic-Indic digits, spaces
    or dashes between groups, `ir` in small letters. Raises `InvalidSheba`."""
    compact = "".join(to_ascii_digits(text).replace("-", " ").split()).upper()
    if not compact.startswith(SHEBA_COUNTRY):
        raise InvalidSheba(f"a Sheba number starts with {SHEBA_COUNTRY}")
    try:
        iban = IBAN(compact)
    except SchwiftyException as error:
        raise InvalidSheba(str(error)) from error
    return iban.compact


def sheba_from_account(account_digits: str) -> str:
    """The Sheba of a 22-digit Iranian account number, with its check digits (demo data)."""
    return IBAN.from_bban(SHEBA_COUNTRY, account_digits).compact
