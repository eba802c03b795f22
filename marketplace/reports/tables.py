"""The one shape every report gives: a table of typed columns, plus what the page puts around
it (a chart, a one-sentence summary). Pages, the API, CSV and XLSX all read the same
`Table`, so a download always matches the page."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from marketplace.core.i18n import format_number, localize_digits
from marketplace.core.money import Money
from marketplace.reports.charts import Chart
from marketplace.reports.periods import Period


class Kind(enum.StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"      # integer minor units of the table's currency
    PERCENT = "percent"  # a float, or None for "no comparison"
    DAYS = "days"        # a float number of days, or None
    NUMBER = "number"    # a float, or None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]
    currency: str

    def cell(self, row: dict[str, Any], column: Column, locale: str) -> str:
        """A cell as the page shows it: money in toman for Persian IRR, Persian digits."""
        value = row.get(column.key)
        if value is None:
            return "—"
        if column.kind == Kind.MONEY:
            return Money(int(value), self.currency).format(locale)
        if column.kind == Kind.INT:
            return format_number(int(value))
        if column.kind == Kind.PERCENT:
            sign = "+" if value > 0 else ""
            return localize_digits(f"{sign}{value:g}%")
        if column.kind in (Kind.DAYS, Kind.NUMBER):
            return format_number(round(float(value), 1))
        return str(value)

    def as_records(self) -> list[dict[str, Any]]:
        """Rows with only the columns' keys (the API's shape)."""
        keys = [c.key for c in self.columns]
        return [{k: row.get(k) for k in keys} for row in self.rows]


@dataclass
class Section:
    """A further table on a report's page (demand by category, the skills wanted…)."""

    title: str
    table: Table
    chart: Chart | None = None
    # A button the page puts on each row for readers who may use it ("propose_course": the
    # skills wanted, for centre staff); downloads and the API leave it out.
    action: str | None = None


@dataclass
class ReportResult:
    name: str
    title: str
    summary: str
    period: Period
    previous: Period
    table: Table
    chart: Chart | None
    sections: list[Section] = field(default_factory=list)
