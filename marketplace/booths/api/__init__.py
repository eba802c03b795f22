"""Booths API: venues, booths and blocks, markets and days, applications, allocation runs,
assignments and check-in, waitlist offers, and the public "who is where" of a market — one
module per noun, all on one blueprint (`booths_api`), as the booth pages are.

Staff calls need a bearer token of municipal staff of the venue's municipality (or an admin);
someone else's object is a 404. Each module is imported here, once, so its routes are on `blp`
before the app registers it.
"""

from marketplace.booths.api import (  # noqa: F401
    applications,
    assignments,
    markets,
    offers,
    runs,
    venues,
)
from marketplace.booths.api.blueprint import blp

__all__ = ["blp"]
