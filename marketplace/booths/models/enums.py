"""Enumerations of the booths domain (stored as their string values)."""

import enum


class MarketKind(enum.StrEnum):
    ONE_OFF = "one_off"        # a festival or exhibition over a few days
    RECURRING = "recurring"    # a weekly bazaar for a season


class MarketDayStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"          # a holiday, bad weather: its assignments are cancelled


class BlockReason(enum.StrEnum):
    REPAIRS = "repairs"
    OFFICIAL_EVENT = "official_event"
    OTHER = "other"


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ApplicationDayStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


LIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN)
LIVE_SQL = "status IN ('active', 'checked_in')"


class AssignmentSource(enum.StrEnum):
    MANUAL = "manual"
    ALLOCATOR = "allocator"
    WAITLIST = "waitlist"


class RunStatus(enum.StrEnum):
    PREVIEW = "preview"
    CONFIRMED = "confirmed"


class RunScope(enum.StrEnum):
    MARKET = "market"          # the whole market (every open day)
    WAITLIST = "waitlist"      # one freed booth-day filled from the waitlist


class FeeStatus(enum.StrEnum):
    DUE = "due"
    PAID = "paid"
    WAIVED = "waived"
