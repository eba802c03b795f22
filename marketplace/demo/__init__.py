"""The demo world that `flask seed-demo` builds: development data, not a domain.

Like cli.py it sits above every domain package and uses their services and models; no domain
imports it (an import-linter contract holds that). One module per thing seeded, in the order
`seed` runs them, each step idempotent (it looks up what it would create first), so the command
can run on every `make run`:

- `people` — the administrator, training centres, municipalities, their staff, the trainees and
  a buyer, and the logins that are printed;
- `catalogue` — categories with their attributes, and about sixty listings with pictures drawn
  by `pictures`;
- `markets` — two venues with their booth maps, two markets, applications and an allocation;
- `orders` — shipping fees, payout details and ledger rows, and the demo buyer's orders;
- `reports` — searches buyers in Sardrud made and found little for, and the term → skill
  mapping, so the needs assessment has something to say.
- `training` — rooms in Sardrud's cultural centre and Sahand's hall, courses and registrations.
- `booth_sales` — a one-of-a-kind tableau sold face to face at the booth, gone from the online
  store.
- `pickups` — the handover codes of the buyer's pickups, waitlist offers (one pending, one
  accepted), and a closed market day whose pickup buyers were told, one of them rebooked.
- `notices` — a few more notices on the demo buyer's and trainee's bell.
- `orders.seed_past_sales` — the second buyer's order of three weeks ago, delivered: its sales
  are past the holding period, so a payout batch can be made.
- `markets.seed_today` — a one-day bazaar today (Tehran's today, the day `make run` runs) with
  booths given, so check-in can be tried; last, so the steps before it never see its booths.
"""

from __future__ import annotations

from collections.abc import Callable

from marketplace.demo import (
    booth_sales,
    catalogue,
    markets,
    notices,
    orders,
    people,
    pickups,
    reports,
    training,
)
from marketplace.extensions import db

Echo = Callable[[str], object]

# In dependency order: each step needs the rows of those before it.
STEPS: tuple[Callable[[Echo], None], ...] = (
    people.seed, catalogue.seed, markets.seed, orders.seed_shipping_rates, orders.seed_payouts,
    orders.seed_orders, pickups.seed_pickup_codes, pickups.seed_waitlist_offer,
    pickups.seed_closed_day, training.seed, reports.seed, notices.seed, booth_sales.seed,
    orders.seed_past_sales, markets.seed_today)


def seed(echo: Echo) -> None:
    """Build the demo world (or complete it) and print the demo logins through `echo`.

    Each step is committed on its own, as a command would: a step that fails leaves the earlier
    ones in place, and the next run carries on from there."""
    for step in STEPS:
        step(echo)
        db.session.commit()
    echo(f"\nDemo logins (password for all: {people.DEMO_PASSWORD}):")
    for role, email in people.DEMO_LOGINS:
        echo(f"  {role:<28} {email}")
