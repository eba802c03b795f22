"""Booths API — waitlist offers: a trainee lists the freed booth-days offered to them and
accepts or declines one."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from marketplace.booths.api.blueprint import blp
from marketplace.booths.services import offers
from marketplace.core.api import BEARER
from marketplace.core.auth import login_required_api, require_login
from marketplace.extensions import db


class BoothOfferSchema(Schema):
    id = fields.Integer()
    status = fields.Function(lambda o: o.status.value,
                             metadata={"description": "pending, accepted, declined, expired "
                                                      "or withdrawn"})
    market_id = fields.Function(lambda o: o.market_day.market_id)
    market_day_id = fields.Integer()
    day = fields.Function(lambda o: o.market_day.day.isoformat())
    booth_id = fields.Integer()
    booth_code = fields.Function(lambda o: o.booth.code)
    offered_at = fields.DateTime()
    expires_at = fields.DateTime(metadata={"description": "Answer before it; silence passes "
                                                          "it on (never a strike)."})
    assignment_id = fields.Integer(allow_none=True)


@blp.route("/offers")
class MyOffers(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothOfferSchema(many=True))
    @login_required_api
    def get(self):
        """The freed booth-days offered to you and waiting for your answer."""
        user = require_login()
        trainee = user.trainee
        return offers.offers_of(trainee.id) if trainee is not None else []


@blp.route("/offers/<int:offer_id>/accept")
class AcceptOffer(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothOfferSchema)
    @login_required_api
    def post(self, offer_id):
        """Take the booth-day offered to you: it becomes your assignment. 409
        `offer_expired` past the deadline, `offer_not_pending` once answered."""
        user = require_login()
        offer = offers.get_offer_for(user, offer_id)
        offers.accept_offer(user, offer)
        db.session.commit()
        return offer


@blp.route("/offers/<int:offer_id>/decline")
class DeclineOffer(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothOfferSchema)
    @login_required_api
    def post(self, offer_id):
        """Decline the booth-day offered to you (never a strike); it goes to the next
        applicant."""
        user = require_login()
        offer = offers.get_offer_for(user, offer_id)
        offers.decline_offer(user, offer)
        db.session.commit()
        return offer
