"""Money on a model: one SQLAlchemy composite over an `<x>_amount` column (integer minor units)
and the row's `currency` column.

    price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    price: Mapped[Money] = money_composite("price_amount")

Reading `product.price` gives a `Money`; assigning one writes both columns. Queries keep using
the columns (`Product.price_amount >= 100`), and the schema is the same as without composites.
Several amounts of a row share its one `currency` column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Composite, Mapper, composite
from sqlalchemy.orm.attributes import instance_dict

from marketplace.core.money import Money


def _part_missing(amount: int | None, currency: str | None) -> bool:
    # A row not yet filled in, and SQLAlchemy's history of a composite (which passes None for
    # the column that did not change), have no whole Money: the composite is None there.
    return amount is None or currency is None


def money_composite(amount: str, currency: str = "currency") -> Composite[Money]:
    """The composite `Money` of the mapped attributes named `amount` and `currency`."""
    return composite(Money, amount, currency, return_none_on=_part_missing)


@event.listens_for(Mapper, "mapper_configured")
def _forget_money_when_a_column_is_set(mapper: Mapper[Any], class_: type) -> None:
    """SQLAlchemy keeps a composite's value once built and does not rebuild it when one of its
    columns is assigned directly (`line.unit_price_amount = …`, `setattr` from typed data):
    forget it then, so the next read builds it from the columns again."""
    for prop in mapper.composites:
        if prop.composite_class is not Money:
            continue
        for column_prop in prop.props:
            event.listen(getattr(class_, column_prop.key), "set",
                         _forgetter(prop.key), propagate=True)


def _forgetter(key: str):
    def forget(target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
        instance_dict(target).pop(key, None)
        return value

    return forget
