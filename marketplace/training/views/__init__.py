"""Training pages, one module per audience and noun, all on one blueprint (`training`):
- `spaces` — municipal staff: spaces, blocks, a space's calendar;
- `bookings` — centres request, staff decide session by session, centres answer;
- `courses` — centres publish courses, see registrations, mark attendance, export;
- `public` — the course calendar, a course's page, registering, my courses.
`blueprint` holds the blueprint and what the modules share."""

from marketplace.training.views import bookings, courses, public, spaces  # noqa: F401
from marketplace.training.views.blueprint import bp

__all__ = ["bp"]
