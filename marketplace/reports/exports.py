"""Downloads of a report's table: CSV (UTF-8 with a byte-order mark, so spreadsheet programs
read Persian right) and XLSX (openpyxl; right to left for Persian readers).

Headers are the page's column titles; amounts are integer minor units of the currency the
header names (rials for IRR), as the API and payout files speak — numbers a spreadsheet can
add, where the page shows them formatted (toman in Persian)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from marketplace.reports.tables import Column, Kind, Table


def header(column: Column, currency: str) -> str:
    return f"{column.label} ({currency})" if column.kind == Kind.MONEY else column.label


def raw(value: Any, column: Column) -> Any:
    """A cell as a number where it is one, else text ('' for no value)."""
    if value is None:
        return ""
    if column.kind in (Kind.MONEY, Kind.INT):
        return int(value)
    if column.kind in (Kind.PERCENT, Kind.DAYS, Kind.NUMBER):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    return str(value)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header(c, table.currency) for c in table.columns])
    for row in table.rows:
        writer.writerow([raw(row.get(c.key), c) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, title: str, rtl: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    # Sheet names: at most 31 characters, none of []:*?/\ .
    sheet.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "report"
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([header(c, table.currency) for c in table.columns])
    for row in table.rows:
        sheet.append([raw(row.get(c.key), c) for c in table.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
