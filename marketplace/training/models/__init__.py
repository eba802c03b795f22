"""Training tables: spaces and their blocks, bookings and their sessions, courses,
registrations and attendance. Import from the modules themselves:
- `enums` — kinds and statuses;
- `spaces` — Space, SpaceBlock;
- `bookings` — Booking, TrainingSession (and the PostgreSQL exclusion constraint);
- `courses` — Course, Registration, Attendance;
- `alerts` — WorkAlert (buyers who want to hear of graduates' work).
"""

from marketplace.training.models.alerts import WorkAlert
from marketplace.training.models.bookings import Booking, TrainingSession
from marketplace.training.models.courses import Attendance, Course, Registration
from marketplace.training.models.enums import (
    BookingKind,
    BookingStatus,
    RegistrationStatus,
    SessionStatus,
)
from marketplace.training.models.spaces import Space, SpaceBlock

__all__ = ["Attendance", "Booking", "BookingKind", "BookingStatus", "Course", "Registration",
           "RegistrationStatus", "SessionStatus", "Space", "SpaceBlock", "TrainingSession",
           "WorkAlert"]
