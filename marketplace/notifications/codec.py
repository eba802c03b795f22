"""A notice's context as JSON and back: kept in the notices table and read by API clients,
while the mail templates it feeds still get real dates (`day|day` formats a `date`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

_DATE, _MOMENT = "$date", "$moment"


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_MOMENT: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a lazy string, Money: their text is what a notice needs


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _MOMENT in value:
            return datetime.fromisoformat(value[_MOMENT])
        if len(value) == 1 and _DATE in value:
            return date.fromisoformat(value[_DATE])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value
