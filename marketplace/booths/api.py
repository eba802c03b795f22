"""Booths API: venues, booths and blocks, markets and days, applications, allocation runs,
assignments and check-in, and the public "who is where" of a market.

Staff calls need a bearer token of municipal staff of the venue's municipality (or an admin);
someone else's object is a 404.
"""

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import Trainee
from marketplace.booths import queries
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import Booth
from marketplace.booths.schemas import (
    AllocationReplaySchema,
    AllocationRunSchema,
    AssignInSchema,
    BlockInSchema,
    BlockSchema,
    BoothApplicationInSchema,
    BoothApplicationSchema,
    BoothAssignmentSchema,
    BoothInSchema,
    BoothMarketDaySchema,
    BoothMarketInSchema,
    BoothMarketSchema,
    BoothSchema,
    CheckInCodeSchema,
    CloseDayInSchema,
    MyBoothAssignmentSchema,
    NominateInSchema,
    VenueInSchema,
    VenueSchema,
    WhoIsWhereSchema,
    WithdrawDayInSchema,
)
from marketplace.booths.services import (
    allocation_runs,
    applications,
    assignments,
    attendance,
    markets,
    venues,
)
from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import NotFound, RuleViolation
from marketplace.core.i18n import locale_code
from marketplace.extensions import db

blp = api_blueprint("booths_api", __name__, "/booths",
                    "Booths: venues and booth maps, markets, applications, fair allocation, "
                    "assignments and check-in.")



def _venue_data(data: dict, venue=None) -> venues.VenueData:
    values = {k: v for k, v in data.items() if k != "municipality_id" and v is not None}
    if venue is not None:
        for name in ("opens_at", "closes_at"):
            values.setdefault(name, getattr(venue, name))
    return venues.VenueData(**values)


def _booth_out(booth: Booth, adjacency: dict) -> dict:
    data = BoothSchema().dump(booth)
    data["neighbour_ids"] = sorted(adjacency.get(booth.id, ()))
    return data


def _market_data(data: dict) -> markets.MarketData:
    values = dict(data)
    values["kind"] = data["kind"].value
    values["categories"] = [(c["category_id"], c["cap"]) for c in data["categories"]]
    values["reserved_booths"] = [(r["booth_id"], r["category_id"])
                                 for r in data["reserved_booths"]]
    return markets.MarketData(**values)


# --- venues and booths -----------------------------------------------------------------------

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
        venue = venues.create_venue(current_user, data["municipality_id"], _venue_data(data))
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
        venues.update_venue(current_user, venue, _venue_data(data, venue))
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
        return [_booth_out(b, adjacency) for b in venue.booths]

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


# --- markets and days ------------------------------------------------------------------------

@blp.route("/venues/<int:venue_id>/markets")
class VenueMarkets(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BoothMarketInSchema)
    @blp.response(201, BoothMarketSchema)
    @login_required_api
    def post(self, data, venue_id):
        """Create a market (its days come from the dates and the recurrence rule)."""
        venue = venues.get_venue_for_staff(current_user, venue_id)
        market = markets.create_market(current_user, venue, _market_data(data))
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
        markets.update_market(current_user, market, _market_data(data))
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


# --- applications ----------------------------------------------------------------------------

@blp.route("/markets/<int:market_id>/applications")
class MarketApplications(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothApplicationSchema(many=True))
    @login_required_api
    def get(self, market_id):
        """The market's applications (staff)."""
        market = markets.get_market_for_staff(current_user, market_id)
        return queries.market_applications(market)

    @blp.doc(security=BEARER)
    @blp.arguments(BoothApplicationInSchema)
    @blp.response(201, BoothApplicationSchema)
    @login_required_api
    def post(self, data, market_id):
        """Apply for a booth (verified trainees, while the window is open)."""
        market = markets.get_market(market_id)
        application = applications.apply_for_market(current_user, market,
                                                applications.ApplicationData(**data))
        db.session.commit()
        return application


@blp.route("/applications/mine")
class MyApplications(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothApplicationSchema(many=True))
    @login_required_api
    def get(self):
        """Your applications."""
        trainee = require_login().trainee
        return queries.trainee_applications(trainee) if trainee else []


@blp.route("/applications/<int:application_id>/withdraw-day")
class WithdrawDay(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(WithdrawDayInSchema)
    @blp.response(200, BoothApplicationSchema)
    @login_required_api
    def post(self, data, application_id):
        """Withdraw one day of your application, before the market's cut-off. When buyers
        pick up at your booth that day it is a 409 `pickups_at_stake` (their count in
        `fields.pickups`) unless `confirm_pickups` is true."""
        application = applications.get_application_for(current_user, application_id)
        applications.withdraw_application_day(current_user, application, data["day_id"],
                                              confirm_pickups=data["confirm_pickups"])
        db.session.commit()
        return application


@blp.route("/applications/<int:application_id>/nominate")
class Nominate(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(NominateInSchema)
    @blp.response(200, BoothApplicationSchema)
    @login_required_api
    def post(self, data, application_id):
        """Back a trainee's application (staff of the trainee's own centre)."""
        application = applications.get_application_for(current_user, application_id)
        applications.nominate_application(current_user, application, data["note"])
        db.session.commit()
        return application


# --- allocation runs -------------------------------------------------------------------------

@blp.route("/markets/<int:market_id>/allocation-runs")
class MarketRuns(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(201, AllocationRunSchema)
    @login_required_api
    def post(self, market_id):
        """Run the allocator as a preview: only the run (input and output) is saved."""
        market = markets.get_market_for_staff(current_user, market_id)
        run = allocation_runs.preview_allocation(current_user, market)
        db.session.commit()
        return queries.run_view(run)


@blp.route("/allocation-runs/<int:run_id>")
class RunResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AllocationRunSchema)
    @login_required_api
    def get(self, run_id):
        """A run with its placements and a reason for every applicant-day not served."""
        return queries.run_view(allocation_runs.get_run_for_staff(current_user, run_id))


@blp.route("/allocation-runs/<int:run_id>/confirm")
class ConfirmRun(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AllocationRunSchema)
    @login_required_api
    def post(self, run_id):
        """Confirm a preview: create the assignments and tell the trainees.

        The preview is checked again: placements that no longer hold (trainee suspended, day
        closed, booth blocked or taken, trainee placed elsewhere that date) are left out and
        listed in `dropped`, and their booth-days go to the waitlist. 409 `run_stale` when
        another run of the market was confirmed after this preview (run a new preview); 409
        `run_already_confirmed` when this one was.
        """
        run = allocation_runs.get_run_for_staff(current_user, run_id)
        allocation_runs.confirm_run(current_user, run)
        db.session.commit()
        return queries.run_view(run)


@blp.route("/allocation-runs/<int:run_id>/replay")
class ReplayRun(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AllocationReplaySchema)
    @login_required_api
    def get(self, run_id):
        """Re-run the stored snapshot and say whether it gives the stored result."""
        run = allocation_runs.get_run_for_staff(current_user, run_id)
        matches, _result = allocation_runs.replay_run(run)
        return {"run_id": run.id, "matches": matches}


# --- assignments -----------------------------------------------------------------------------

@blp.route("/markets/<int:market_id>/assignments")
class MarketAssignments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothAssignmentSchema(many=True))
    @login_required_api
    def get(self, market_id):
        """Live assignments of the market (staff)."""
        market = markets.get_market_for_staff(current_user, market_id)
        return queries.live_assignments(market)

    @blp.doc(security=BEARER)
    @blp.arguments(AssignInSchema)
    @blp.response(201, BoothAssignmentSchema)
    @login_required_api
    def post(self, data, market_id):
        """Give a booth by hand; 409 when the booth or the trainee is taken that day."""
        market = markets.get_market_for_staff(current_user, market_id)
        day = next((d for d in market.days if d.id == data["day_id"]), None)
        if day is None:
            raise NotFound(_("That day is not a day of this market."),
                           code=BoothErrorCode.UNKNOWN_DAY)
        booth = db.session.get(Booth, data["booth_id"])
        trainee = db.session.get(Trainee, data["trainee_id"])
        if booth is None:
            raise NotFound(_("That booth does not exist."), code=BoothErrorCode.UNKNOWN_BOOTH)
        if trainee is None:
            raise NotFound(_("That trainee does not exist."), code=AccountErrorCode.UNKNOWN_TRAINEE)
        assignment = assignments.assign_booth(current_user, day, booth, trainee)
        db.session.commit()
        return assignment


@blp.route("/assignments/mine")
class MyAssignments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, MyBoothAssignmentSchema(many=True))
    @login_required_api
    def get(self):
        """Your booth days, with the check-in code to show at the booth."""
        trainee = require_login().trainee
        return queries.trainee_assignments(trainee) if trainee else []


@blp.route("/assignments/<int:assignment_id>/check-in")
class CheckIn(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothAssignmentSchema)
    @login_required_api
    def post(self, assignment_id):
        """Check a trainee in (staff)."""
        assignment = assignments.get_assignment_for_staff(current_user, assignment_id)
        attendance.check_in(current_user, assignment)
        db.session.commit()
        return assignment


@blp.route("/assignments/<int:assignment_id>/cancel")
class CancelAssignment(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothAssignmentSchema)
    @login_required_api
    def post(self, assignment_id):
        """Take a booth back (staff); the waitlist is offered the booth-day."""
        assignment = assignments.get_assignment_for_staff(current_user, assignment_id)
        assignments.cancel_assignment(current_user, assignment)
        db.session.commit()
        return assignment


@blp.route("/market-days/<int:day_id>/check-in")
class CheckInByCode(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CheckInCodeSchema)
    @blp.response(200, BoothAssignmentSchema)
    @login_required_api
    def post(self, data, day_id):
        """Check in with the code the trainee shows at the booth (staff)."""
        day = markets.get_day_for_staff(current_user, day_id)
        assignment = attendance.check_in_by_code(current_user, day, data["code"])
        db.session.commit()
        return assignment

