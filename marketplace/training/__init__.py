"""Training spaces and courses (issue 20): municipal staff lend rooms in their venues, training
centres book them for classes, one-day courses, workshops and seminars, and an approved booking
can carry a public course that citizens register for.

Above booths (it builds on venues, market days, block reasons and the recurrence helper) and
below orders. No two approved sessions of one space overlap: an exclusion constraint on
PostgreSQL, serialised writers on SQLite (see `services/bookings.py`).
"""
