"""Booth use cases, one module per noun; import the module that holds a function, never this
package:

- `booth_writes` — the booth-writes lock, creating an assignment (check-in code, fee or
  subsidy entry) and cancelling one; below every other module here.
- `venues` — venues and booth maps, booths and their features, blocks.
- `markets` — markets, market days and their recurrence, closing a day.
- `applications` — apply, nominate, reject, withdraw a day.
- `assignments` — a booth given by hand, taken back, or freed when a trainee is suspended.
- `attendance` — check-in, no-shows, strikes and ineligibility.

Allocation runs live in `booths.runs`.

Each function checks its policy, validates everything before the first write, changes rows and
flushes; the caller commits once. Someone else's object is a 404.
"""
