"""The booths blueprint, the label helpers its templates use, and what several page modules
share (who is staff, the category and municipality choices)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.models import Municipality
from marketplace.booths import policies, queries, recurrence
from marketplace.booths.labels import (
    APPLICATION_STATUS_LABELS,
    ASSIGNMENT_STATUS_LABELS,
    BLOCK_REASON_LABELS,
    CANCEL_REASON_LABELS,
    FEATURE_LABELS,
    FEE_STATUS_LABELS,
    INELIGIBLE_REASON_LABELS,
    MARKET_KIND_LABELS,
    REJECTION_LABELS,
    UNSERVED_REASON_LABELS,
    label,
)
from marketplace.catalogue.models import Category
from marketplace.core.money import Money
from marketplace.extensions import db

bp = Blueprint("booths", __name__)


@bp.app_template_filter("booth_unserved_reason")
def unserved_reason_filter(code) -> str:
    return label(UNSERVED_REASON_LABELS, code)


@bp.app_template_filter("recurrence")
def recurrence_filter(rule) -> str:
    """A market's kept RRULE in words («هر هفته، جمعه»): staff never read the rule itself."""
    return recurrence.describe(rule)


@bp.app_template_filter("booth_cancel_reason")
def cancel_reason_filter(code) -> str:
    return label(CANCEL_REASON_LABELS, code)


@bp.app_context_processor
def booth_labels():
    return {"booth_label": label, "FEATURE_LABELS": FEATURE_LABELS,
            "APPLICATION_STATUS_LABELS": APPLICATION_STATUS_LABELS,
            "ASSIGNMENT_STATUS_LABELS": ASSIGNMENT_STATUS_LABELS,
            "BLOCK_REASON_LABELS": BLOCK_REASON_LABELS,
            "MARKET_KIND_LABELS": MARKET_KIND_LABELS, "REJECTION_LABELS": REJECTION_LABELS,
            "INELIGIBLE_REASON_LABELS": INELIGIBLE_REASON_LABELS,
            "FEE_STATUS_LABELS": FEE_STATUS_LABELS,
            "booth_money": lambda amount, currency: Money(int(amount or 0), currency),
            # The product page (catalogue, below booths) includes booths/_product_booth.html.
            "next_booth_appearance": queries.next_appearance}


def _staff_only():
    """Staff pages are invisible to everyone else."""
    if not current_user.is_authenticated or not policies.can_staff_any_municipality(
            current_user):
        abort(404)


def _categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def _municipality_choices() -> list[tuple[int, str]]:
    statement = select(Municipality).order_by(Municipality.name_fa)
    if not current_user.is_admin:
        statement = statement.where(Municipality.id.in_(current_user.staff_municipality_ids))
    locale = current_user.locale
    return [(m.id, m.name(locale)) for m in db.session.scalars(statement)]
