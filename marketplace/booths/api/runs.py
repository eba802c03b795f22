"""Booths API — allocation runs: preview, look at, confirm, replay."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.booths import queries
from marketplace.booths.api.blueprint import blp
from marketplace.booths.schemas import AllocationReplaySchema, AllocationRunSchema
from marketplace.booths.services import allocation_runs, markets
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api
from marketplace.extensions import db


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
