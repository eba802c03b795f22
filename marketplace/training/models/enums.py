"""Enumerations of the training domain (stored as their string values)."""

import enum


class BookingKind(enum.StrEnum):
    CLASS = "class"
    ONE_DAY_COURSE = "one_day_course"
    WORKSHOP = "workshop"
    SEMINAR = "seminar"


class BookingStatus(enum.StrEnum):
    PENDING = "pending"        # some session still waits for staff or for the centre
    APPROVED = "approved"      # decided, with at least one approved session
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class SessionStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"      # holds the space: the exclusion constraint covers these rows
    PROPOSED = "proposed"      # staff proposed another time; the centre accepts or withdraws
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


PENDING_SESSION_STATUSES = (SessionStatus.REQUESTED, SessionStatus.PROPOSED)


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


LIVE_REGISTRATION_SQL = "status IN ('registered', 'waitlisted')"
