"""Training use cases, one module per noun, each importing only modules before it:
- `availability` — when a space can hold a session: hours, blocks, market days, overlaps;
- `spaces` — describing spaces and blocking periods (municipal staff);
- `bookings` — requests, decisions session by session, proposals, withdrawals;
- `courses` — public courses, registrations with a waitlist, attendance.
"""
