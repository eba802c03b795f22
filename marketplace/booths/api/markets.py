"""Booths API — markets and their days: create, change, close a day, who is where."""

from flask import url_for
from flask.views import MethodView
from flask_login import current_user

from marketplace.booths import queries
from marketplace.booths.api.blueprint import blp, market_data
from marketplace.booths.schemas import (
    BoothMarketDaySchema,
    BoothMarketInSchema,
    BoothMarketSchema,
    CloseDayInSchema,
    WhoIsWhereSchema,
)
from marketplace.booths.services import markets, venues
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api
from marketplace.core.i18n import locale_code
from marketplace.extensions import db


@blp.route("/venues/<int:venue_id>/markets")
class VenueMarkets(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BoothMarketInSchema)
    @blp.response(201, BoothMarketSchema)
    @login_required_api
    def post(self, data, venue_id):
        """Create a market (its days come from the dates and the recurrence rule)."""
        venue = venues.get_venue_for_staff(current_user, venue_id)
        market = markets.create_market(current_user, venue, market_data(data))
        db.session.commit()
        return market


@blp.route("/markets/<int:market_id>")
class MarketResource(MethodView):
    @blp.response(200, BoothMarketSchema)
    def get(self, market_id):
        """A market with its days (public)."""
        return markets.get_market(market_id)

    @blp.doc(security=BEARER)
    @blp.arguments(BoothMarketInSchema)
    @blp.response(200, BoothMarketSchema)
    @login_required_api
    def put(self, data, market_id):
        """Replace a market's settings and schedule."""
        market = markets.get_market_for_staff(current_user, market_id)
        markets.update_market(current_user, market, market_data(data))
        db.session.commit()
        return market


@blp.route("/market-days/<int:day_id>/close")
class CloseDay(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CloseDayInSchema)
    @blp.response(200, BoothMarketDaySchema)
    @login_required_api
    def post(self, data, day_id):
        """Close a day: its booths are cancelled and the trainees told by mail."""
        day = markets.get_day_for_staff(current_user, day_id)
        markets.close_market_day(current_user, day, data["reason"])
        db.session.commit()
        return day


@blp.route("/markets/<int:market_id>/who-is-where")
class WhoIsWhere(MethodView):
    @blp.response(200, WhoIsWhereSchema)
    def get(self, market_id):
        """Who is at which booth on each open day (public)."""
        market = markets.get_market(market_id)
        locale = locale_code()
        entries = [{"day": a.market_day.day, "booth_code": a.booth.code, "booth_id": a.booth_id,
                    "store_name": a.trainee.store_name, "store_slug": a.trainee.store_slug,
                    "store_url": url_for("storefront.store", store_slug=a.trainee.store_slug)}
                   for a in queries.live_assignments(market)
                   if queries.store_is_public(a.trainee)]
        return {"market_id": market.id, "name": market.name(locale),
                "venue": market.venue.name(locale), "entries": entries}
