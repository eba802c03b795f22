"""Money as integer minor units plus an ISO 4217 currency; how people read and type it.

IRR is kept in whole rials. People in Iran read and say prices in toman (10 rials), so pages
show IRR in the unit `IRR_DISPLAY_UNIT` names ("toman" by default, or "rial") and forms take
amounts in that same unit (`parse_amount`); the API and bank files speak rials always.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, get_currency_precision
from flask import current_app, has_app_context

from marketplace.core.digits import to_ascii_digits, to_persian_digits

# Where our minor unit differs from what Babel (CLDR) reports, pinned so a CLDR update cannot
# change what a stored integer means. HUF: CLDR 47 (Babel 2.17+) gives the forint 0 digits
# because its fillér coins are gone; ISO 4217, Stripe charges and bank files keep 2. IRR:
# ISO 4217 lists 2 (the dinar, a hundredth of a rial, long out of use), CLDR gives 0; we keep
# whole rials, as Shaparak, Zarinpal and Iranian bank files count them.
MINOR_UNITS = {"HUF": 2, "IRR": 0}

TOMAN, RIAL = "toman", "rial"
IRR_DISPLAY_UNITS = (TOMAN, RIAL)
RIALS_PER_TOMAN = 10
# An IRR amount read in toman has one decimal place: the rials that do not make a whole toman
# (12,500,005 rials are 1,250,000.5 toman). Rounding them away would misstate a price, and an
# odd rial can come from a commission or a split, so it is shown, and may be typed.
TOMAN_PLACES = 1
# The unit's name beside the number (a currency sign would be Babel's «ریال» in both modes).
# English keeps the word "toman" in toman mode, as Iranians writing English do ("50,000 toman"):
# an English reader in Iran is quoted toman by every shop and seller, and a page that showed the
# same price ten times larger after switching language would invite a costly slip. In rial
# mode it is the ISO code, as on bank and card statements.
_IRR_UNIT_NAMES = {TOMAN: {"fa": "تومان", "en": "toman"}, RIAL: {"fa": "ریال", "en": "IRR"}}
_NBSP = "\u00a0"  # number and unit stay on one line, as in Babel's own currency formats


def minor_units(currency: str) -> int:
    """How many decimal places the currency's minor unit has (what `Money.amount` counts)."""
    currency = currency.upper()
    return MINOR_UNITS.get(currency, get_currency_precision(currency))


def irr_display_unit() -> str:
    """The unit IRR is shown and typed in: the app's `IRR_DISPLAY_UNIT`, toman outside one."""
    if has_app_context():
        return current_app.config.get("IRR_DISPLAY_UNIT", TOMAN)
    return TOMAN


def check_display_unit(config) -> None:
    """Refuse to start with an IRR display unit we cannot show."""
    unit = config.get("IRR_DISPLAY_UNIT", TOMAN)
    if unit not in IRR_DISPLAY_UNITS:
        raise RuntimeError(f"IRR_DISPLAY_UNIT must be one of {', '.join(IRR_DISPLAY_UNITS)}, "
                           f"not {unit!r}")


def shown_places(currency: str, irr_unit: str | None = None) -> int:
    """Decimal places of the unit an amount is shown and typed in: the currency's main unit,
    or toman (one place: 10 rials to the toman) for IRR in toman mode."""
    if currency.upper() == "IRR" and (irr_unit or irr_display_unit()) == TOMAN:
        return TOMAN_PLACES
    return minor_units(currency)


def unit_name(currency: str, locale: str = "en", irr_unit: str | None = None) -> str:
    """What a form label puts beside an amount: «تومان», "toman", «ریال», "IRR"; for other
    currencies their ISO code, as before."""
    if currency.upper() == "IRR":
        names = _IRR_UNIT_NAMES[irr_unit or irr_display_unit()]
        return names["fa" if locale.startswith("fa") else "en"]
    return currency.upper()


def example_amount(currency: str) -> Money:
    """A believable amount for "enter an amount such as …": 12.50 (USD), 12,500 toman."""
    if currency.upper() == "IRR":
        return Money(125_000, "IRR")
    return Money(1250 * 10 ** max(minor_units(currency) - 2, 0), currency.upper())


def _decimal_text(amount: int, places: int) -> str:
    """`amount` units of 10**-places as a decimal string: (1250, 2) → "12.50"."""
    if places == 0:
        return str(amount)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def _parse_decimal(text: str, places: int) -> int:
    """ASCII "1,234.5" → an integer of 10**-places units; no sign, no more places than given."""
    text = text.strip().replace(",", "")
    if not text or text.count(".") > 1 or not text.replace(".", "").isdigit() or \
            not text.replace(".", "").isascii():
        raise ValueError("not a number")
    whole, _, frac = text.partition(".")
    if len(frac) > places:
        raise ValueError(f"at most {places} decimal places")
    return int(whole or "0") * 10**places + int(frac.ljust(places, "0") or "0")


# Spaces (any kind), and the invisible marks a copied price brings along (LRM, RLM, ZWNJ…).
_BLANKS = re.compile(r"[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]+")


def _without_unit_name(text: str, irr_unit: str) -> str:
    for name in _IRR_UNIT_NAMES[irr_unit].values():
        if text.casefold().endswith(name.casefold()):
            return text[:-len(name)]
        if text.casefold().startswith(name.casefold()):
            return text[len(name):]
    return text


def parse_amount(text: str, currency: str, irr_unit: str | None = None) -> Money:
    """An amount as a person types it, in the unit they are shown, as Money in minor units.

    Persian (۰-۹) and Arabic-Indic (٠-٩) digits, the separators ٬ , ٫ . and spaces are
    welcome, and so is the unit's own name (a pasted «۱۲٬۵۰۰ تومان»). In toman mode IRR is read
    in toman and kept in rials (×10), with at most one decimal place. ValueError for anything
    else: a sign, letters, a second decimal point, more places than the unit has.
    """
    irr_unit = irr_unit or irr_display_unit()
    cleaned = _BLANKS.sub("", to_ascii_digits(text))
    if currency.upper() == "IRR":
        cleaned = _without_unit_name(cleaned, irr_unit)
    return Money(_parse_decimal(cleaned, shown_places(currency, irr_unit)), currency)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int of minor units")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("can only combine Money with Money")
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int):
            raise TypeError("multiply Money by an int; use allocate or percent for fractions")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def __composite_values__(self) -> tuple[int, str]:
        """The two columns a model stores this in (SQLAlchemy composites, core.money_columns)."""
        return self.amount, self.currency

    def percent(self, percent: int | float) -> Money:
        """`percent`% of this amount, rounded half up to a whole minor unit."""
        numerator = self.amount * round(percent * 100)
        quotient, remainder = divmod(numerator, 10_000)
        if remainder * 2 >= 10_000:
            quotient += 1
        return Money(quotient, self.currency)

    def allocate(self, weights: list[int]) -> list[Money]:
        """Split into parts proportional to `weights`, losing no unit (largest remainder)."""
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise ValueError("weights must be non-negative with a positive sum")
        total = sum(weights)
        sign = -1 if self.amount < 0 else 1
        amount = abs(self.amount)
        shares = [amount * w // total for w in weights]
        remainders = [amount * w % total for w in weights]
        leftover = amount - sum(shares)
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for i in order[:leftover]:
            shares[i] += 1
        return [Money(sign * s, self.currency) for s in shares]

    @classmethod
    def from_decimal_string(cls, text: str, currency: str) -> Money:
        """Parse '12.50' (ASCII digits, the currency's main unit: rials for IRR) into minor
        units, refusing extra precision. What people type goes through `parse_amount`."""
        try:
            return cls(_parse_decimal(text, minor_units(currency)), currency)
        except ValueError:
            raise ValueError(f"not an amount of {currency}") from None

    def to_decimal_string(self) -> str:
        """The amount in the currency's main unit ("12.50", rials for IRR): files and APIs."""
        return _decimal_text(self.amount, minor_units(self.currency))

    def to_shown_string(self, irr_unit: str | None = None) -> str:
        """The amount in the unit pages show and forms take ("1250000.5" toman, "1250000"
        rather than "1250000.0"), ASCII."""
        places = shown_places(self.currency, irr_unit)
        if self.currency == "IRR" and places and self.amount % 10**places == 0:
            return str(self.amount // 10**places)
        return _decimal_text(self.amount, places)

    def format(self, locale: str = "en", irr_unit: str | None = None) -> str:
        """For a reader: «۱٬۲۵۰٬۰۰۰ تومان», "1,250,000 toman", "$12.50"."""
        return _formatted(self, locale, irr_unit or irr_display_unit())

    def __str__(self) -> str:
        return f"{self.to_decimal_string()} {self.currency}"


# Babel's formatting costs tens of microseconds, and a page of cards shows each price twice or
# more; a catalogue has far fewer distinct prices than a worker renders in its life.
# The IRR unit is part of the key: two apps of one process (tests) may show different units.
@lru_cache(maxsize=4096)
def _formatted(money: Money, locale: str, irr_unit: str) -> str:
    persian = locale.startswith("fa")
    if money.currency == "IRR":
        text = _irr_text(money, persian, irr_unit)
    else:
        text = format_currency(Decimal(money.to_decimal_string()), money.currency, locale=locale)
    return to_persian_digits(text) if persian else text


def _irr_text(money: Money, persian: bool, irr_unit: str) -> str:
    number = format_decimal(Decimal(money.to_shown_string(irr_unit)), locale="en",
                            decimal_quantization=False)
    name = _IRR_UNIT_NAMES[irr_unit]["fa" if persian else "en"]
    if not persian and irr_unit == RIAL:  # "IRR 12,500,000", "-IRR 5", as banks write it
        sign, number = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}{name}{_NBSP}{number}"
    return f"{number}{_NBSP}{name}"
