"""People-facing names for the training domain's codes: equipment, kinds, statuses, weekdays,
and the categories each trade's graduates sell in. The fixed lists live here so forms, schemas
and templates share them; the trades themselves are accounts.trades (trainees choose one too)."""

from flask_babel import lazy_gettext as _l

from marketplace.booths.labels import BLOCK_REASON_LABELS

EQUIPMENT_LABELS = {
    "projector": _l("Projector"),
    "looms": _l("Looms"),
    "sinks": _l("Sinks"),
    "power": _l("Power sockets"),
    "whiteboard": _l("Whiteboard"),
    "computers": _l("Computers"),
    "sewing_machines": _l("Sewing machines"),
    "kitchen": _l("Kitchen"),
}
EQUIPMENT = tuple(EQUIPMENT_LABELS)

BOOKING_KIND_LABELS = {
    "class": _l("Class"),
    "one_day_course": _l("One-day course"),
    "workshop": _l("Workshop"),
    "seminar": _l("Seminar"),
}

BOOKING_STATUS_LABELS = {
    "pending": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

SESSION_STATUS_LABELS = {
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "proposed": _l("Another time proposed"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

REGISTRATION_STATUS_LABELS = {
    "registered": _l("Registered"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": _l("Cancelled"),
}

# The catalogue categories (by slug; a listing matches through its category or that category's
# parent) in which a trade's graduates sell what they learnt: a buyer who asked to hear of a
# course's graduates is told of their listings there. Trades with no goods of their own
# (computing, selling) have none.
TRADE_CATEGORY_SLUGS = {
    "carpet_design": ("carpet-tableaux", "rugs-kilims"),
    "carpet_weaving": ("rugs-kilims", "carpet-tableaux"),
    "dyeing": ("rugs-kilims", "carpet-tableaux", "textiles-clothing"),
    "pattern_coding": ("carpet-tableaux", "rugs-kilims"),
    "pottery": ("pottery",),
    "tailoring": ("textiles-clothing",),
    "pastry": ("food",),
    "woodwork": ("woodwork",),
    "computing": (),
    "business": (),
}

# Python's weekday numbers (Monday 0), listed from Saturday as the Iranian week runs.
WEEKDAY_LABELS = {
    5: _l("Saturday"), 6: _l("Sunday"), 0: _l("Monday"), 1: _l("Tuesday"),
    2: _l("Wednesday"), 3: _l("Thursday"), 4: _l("Friday"),
}
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

__all__ = ["BLOCK_REASON_LABELS", "BOOKING_KIND_LABELS", "BOOKING_STATUS_LABELS", "EQUIPMENT",
           "EQUIPMENT_LABELS", "REGISTRATION_STATUS_LABELS", "RRULE_DAYS",
           "SESSION_STATUS_LABELS", "TRADE_CATEGORY_SLUGS", "WEEKDAY_LABELS", "label"]


def label(table: dict, code) -> str:
    """The label of `code` in `table`, or the code itself for one not listed."""
    key = getattr(code, "value", code)
    return str(table.get(key, key))
