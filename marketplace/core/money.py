"""Money as integer minor units plus an ISO 4217 currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

from marketplace.core.digits import to_persian_digits

# Where CLDR's digits (what Babel reports) differ from ISO 4217's minor unit: CLDR 47
# (Babel 2.17+) gives the forint 0 digits because its fillér coins are gone; ISO 4217, Stripe
# charges and bank files keep 2.
ISO_4217_MINOR_UNITS = {"HUF": 2}


def minor_units(currency: str) -> int:
    """How many decimal places the currency's minor unit has (ISO 4217)."""
    return ISO_4217_MINOR_UNITS.get(currency.upper(), get_currency_precision(currency))


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
        """Parse '12.50' (already ASCII digits) into minor units, refusing extra precision."""
        places = minor_units(currency)
        text = text.strip().replace(",", "")
        if not text or text.count(".") > 1 or not text.replace(".", "").isdigit():
            raise ValueError("not a number")
        whole, _, frac = text.partition(".")
        if len(frac) > places:
            raise ValueError(f"{currency} has {places} decimal places")
        frac = frac.ljust(places, "0")
        return cls(int(whole or "0") * 10**places + int(frac or "0"), currency)

    def to_decimal_string(self) -> str:
        places = minor_units(self.currency)
        if places == 0:
            return str(self.amount)
        sign = "-" if self.amount < 0 else ""
        whole, frac = divmod(abs(self.amount), 10**places)
        return f"{sign}{whole}.{frac:0{places}d}"

    def format(self, locale: str = "en") -> str:
        return _formatted(self, locale)

    def __str__(self) -> str:
        return f"{self.to_decimal_string()} {self.currency}"


# Babel's formatting costs tens of microseconds, and a page of cards shows each price twice or
# more; a catalogue has far fewer distinct prices than a worker renders in its life.
@lru_cache(maxsize=4096)
def _formatted(money: Money, locale: str) -> str:
    value = Decimal(money.to_decimal_string())
    text = format_currency(value, money.currency, locale=locale)
    return to_persian_digits(text) if locale.startswith("fa") else text
