"""Booths API — assignments: a market's list, mine, check-in (by id or by code), cancel."""

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import Trainee
from marketplace.booths import queries
from marketplace.booths.api.blueprint import blp
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import Booth
from marketplace.booths.schemas import (
    AssignInSchema,
    BoothAssignmentSchema,
    CheckInCodeSchema,
    MyBoothAssignmentSchema,
)
from marketplace.booths.services import assignments, attendance, markets
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import NotFound
from marketplace.extensions import db


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
