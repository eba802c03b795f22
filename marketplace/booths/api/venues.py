"""Booths API — venues, their booths (the map) and blocks."""

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.booths import queries
from marketplace.booths.api.blueprint import blp, booth_out, venue_data
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.schemas import (
    BlockInSchema,
    BlockSchema,
    BoothInSchema,
    BoothSchema,
    VenueInSchema,
    VenueSchema,
)
from marketplace.booths.services import venues
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api
from marketplace.core.errors import RuleViolation
from marketplace.extensions import db


@blp.route("/venues")
class Venues(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, VenueSchema(many=True))
    @login_required_api
    def get(self):
        """The venues of your municipalities."""
        return queries.staff_venues(current_user)

    @blp.doc(security=BEARER)
    @blp.arguments(VenueInSchema)
    @blp.response(201, VenueSchema)
    @login_required_api
    def post(self, data):
        """Create a venue of one of your municipalities."""
        if data.get("municipality_id") is None:
            raise RuleViolation(_("Give the municipality_id."),
                                code=BoothErrorCode.MUNICIPALITY_REQUIRED,
                                fields={"municipality_id": [_("Required.")]})
        venue = venues.create_venue(current_user, data["municipality_id"], venue_data(data))
        db.session.commit()
        return venue


@blp.route("/venues/<int:venue_id>")
class VenueResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, VenueSchema)
    @login_required_api
    def get(self, venue_id):
        """A venue."""
        return venues.get_venue_for_staff(current_user, venue_id)

    @blp.doc(security=BEARER)
    @blp.arguments(VenueInSchema)
    @blp.response(200, VenueSchema)
    @login_required_api
    def put(self, data, venue_id):
        """Replace a venue's details, grid and walkways."""
        venue = venues.get_venue_for_staff(current_user, venue_id)
        venues.update_venue(current_user, venue, venue_data(data, venue))
        db.session.commit()
        return venue


@blp.route("/venues/<int:venue_id>/booths")
class VenueBooths(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothSchema(many=True))
    @login_required_api
    def get(self, venue_id):
        """The venue's booths with their neighbours on the grid."""
        venue = venues.get_venue_for_staff(current_user, venue_id)
        venue = queries.venue_with_booths(venue.id)
        adjacency = queries.booth_neighbours(venue)
        return [booth_out(b, adjacency) for b in venue.booths]

    @blp.doc(security=BEARER)
    @blp.arguments(BoothInSchema)
    @blp.response(201, BoothSchema)
    @login_required_api
    def post(self, data, venue_id):
        """Add a booth to the map."""
        venue = venues.get_venue_for_staff(current_user, venue_id)
        booth = venues.create_booth(current_user, venue, venues.BoothData(**data))
        db.session.commit()
        return booth


@blp.route("/booths/<int:booth_id>")
class BoothResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BoothInSchema)
    @blp.response(200, BoothSchema)
    @login_required_api
    def put(self, data, booth_id):
        """Change a booth."""
        booth = venues.get_booth_for_staff(current_user, booth_id)
        venues.update_booth(current_user, booth, venues.BoothData(**data))
        db.session.commit()
        return booth


@blp.route("/booths/<int:booth_id>/blocks")
class BoothBlocks(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BlockInSchema)
    @blp.response(201, BlockSchema)
    @login_required_api
    def post(self, data, booth_id):
        """Block a booth for a period (repairs, an official event)."""
        booth = venues.get_booth_for_staff(current_user, booth_id)
        block = venues.block_booth(current_user, booth, venues.BlockData(
            data["starts_on"], data["ends_on"], data["reason"].value, data["note"]))
        db.session.commit()
        return block
