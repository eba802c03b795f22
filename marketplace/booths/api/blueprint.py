"""The booths API blueprint and what its modules share (turning request data into the
services' typed data)."""

from marketplace.booths.models import Booth
from marketplace.booths.schemas import BoothSchema
from marketplace.booths.services import markets, venues
from marketplace.core.api import api_blueprint

blp = api_blueprint("booths_api", __name__, "/booths",
                    "Booths: venues and booth maps, markets, applications, fair allocation, "
                    "assignments and check-in.")


def venue_data(data: dict, venue=None) -> venues.VenueData:
    values = {k: v for k, v in data.items() if k != "municipality_id" and v is not None}
    if venue is not None:
        for name in ("opens_at", "closes_at"):
            values.setdefault(name, getattr(venue, name))
    return venues.VenueData(**values)


def booth_out(booth: Booth, adjacency: dict) -> dict:
    data = BoothSchema().dump(booth)
    data["neighbour_ids"] = sorted(adjacency.get(booth.id, ()))
    return data


def market_data(data: dict) -> markets.MarketData:
    values = dict(data)
    values["kind"] = data["kind"].value
    values["categories"] = [(c["category_id"], c["cap"]) for c in data["categories"]]
    values["reserved_booths"] = [(r["booth_id"], r["category_id"])
                                 for r in data["reserved_booths"]]
    return markets.MarketData(**values)
