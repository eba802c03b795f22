"""Booth pages, one module per audience and noun, all on one blueprint (`booths`):
- `venues` — staff: venues, booth maps, blocks;
- `markets` — staff: markets, days, applications, allocation runs;
- `days` — staff: a market day's manual assignment, check-in, printable lists; subsidies;
- `trainees` — trainees and centres: apply, my booths, withdraw a day, nominate;
- `offers` — a waitlisted trainee accepts or declines a freed booth-day offered to them;
- `public` — a market's page with its SVG map, a booth, its QR code.
`blueprint` holds the blueprint and what the modules share. Each module is imported here, once,
so its routes are on `bp` before the app registers it."""

from marketplace.booths.views import (  # noqa: F401
    days,
    markets,
    offers,
    public,
    trainees,
    venues,
)
from marketplace.booths.views.blueprint import bp

__all__ = ["bp"]
