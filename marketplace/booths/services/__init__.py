"""Booth use cases, one module per noun; import the module that holds a function, never this
package. Each module imports only those listed above it:

- `offer_notices` — what a trainee offered a freed booth-day is told (mail, SMS).
- `booth_writes` — the booth-writes lock, creating an assignment (check-in code, fee or
  subsidy entry) and cancelling one (booths' `booth_day_lost` signal); withdrawing offers.
- `venues` — venues and booth maps, booths and their features, blocks.
- `markets` — markets, market days and their recurrence, closing a day.
- `attendance` — check-in, no-shows, strikes and ineligibility.
- `allocation_snapshots` — the allocator's input built from the tables, and run seeds.
- `offer_writes` — waitlist offers made from a waitlist run's placements.
- `allocation_runs` — preview, confirm and replay a run of the pure allocator
  (`booths.allocation`); fill freed booth-days from the waitlist.
- `offers` — a waitlist offer accepted, declined or expired, and passed on.
- `applications` — apply, nominate, reject, withdraw a day.
- `assignments` — a booth given by hand, taken back, or freed when a trainee is suspended
  (the receiver of accounts' `trainee_status_changed` signal, connected by the app factory).

Each function checks its policy, validates everything before the first write, changes rows and
flushes; the caller commits once. Someone else's object is a 404.
"""
