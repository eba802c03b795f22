"""Booths API — trainees' applications: apply, mine, withdraw a day, nominate."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.booths import queries
from marketplace.booths.api.blueprint import blp
from marketplace.booths.schemas import (
    BoothApplicationInSchema,
    BoothApplicationSchema,
    NominateInSchema,
    WithdrawDayInSchema,
)
from marketplace.booths.services import applications, markets
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api, require_login
from marketplace.extensions import db


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
