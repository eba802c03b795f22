"""The training blueprint and the label helpers its templates use."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from marketplace.accounts.trades import TRADE_LABELS
from marketplace.core.i18n import localize_digits, marketplace_zone
from marketplace.training import policies
from marketplace.training.labels import (
    BLOCK_REASON_LABELS,
    BOOKING_KIND_LABELS,
    BOOKING_STATUS_LABELS,
    EQUIPMENT_LABELS,
    REGISTRATION_STATUS_LABELS,
    SESSION_STATUS_LABELS,
    label,
)
from marketplace.training.recurrence import describe

bp = Blueprint("training", __name__)


def local_time(value) -> str:
    """A UTC instant's local clock time, in the reader's digits ("۰۹:۳۰")."""
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        value = value.astimezone(marketplace_zone())
    return localize_digits(value.strftime("%H:%M"))


@bp.app_context_processor
def training_labels():
    return {"training_label": label, "EQUIPMENT_LABELS": EQUIPMENT_LABELS,
            "BOOKING_KIND_LABELS": BOOKING_KIND_LABELS,
            "BOOKING_STATUS_LABELS": BOOKING_STATUS_LABELS,
            "SESSION_STATUS_LABELS": SESSION_STATUS_LABELS,
            "REGISTRATION_STATUS_LABELS": REGISTRATION_STATUS_LABELS,
            "TRADE_LABELS": TRADE_LABELS, "TRAINING_BLOCK_LABELS": BLOCK_REASON_LABELS,
            "describe_series": describe}


@bp.app_template_filter("training_clock")
def clock_filter(value) -> str:
    return local_time(value)


def staff_only() -> None:
    """Municipal staff pages are invisible to everyone else."""
    if not current_user.is_authenticated or not policies.can_create_spaces(current_user):
        abort(404)


def centre_only() -> None:
    if not current_user.is_authenticated or not policies.can_request_bookings(current_user):
        abort(404)
