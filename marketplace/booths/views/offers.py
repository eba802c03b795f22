"""A waitlisted trainee's offer of a freed booth-day: see it, accept or decline it (a
phone-sized page, linked from the offer's SMS and mail and from "my booths")."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.booths.services import offers
from marketplace.booths.views.blueprint import bp
from marketplace.core.db import utcnow
from marketplace.extensions import db


@bp.get("/booths/offers/<int:offer_id>")
@login_required
def offer(offer_id):
    found = offers.get_offer_for(current_user, offer_id)
    return render_template("booths/offer.html", offer=found, now=utcnow())


@bp.post("/booths/offers/<int:offer_id>/accept")
@login_required
def accept_offer(offer_id):
    found = offers.get_offer_for(current_user, offer_id)
    offers.accept_offer(current_user, found)
    db.session.commit()
    flash(_("The booth is yours on that day."), "success")
    return redirect(url_for("booths.mine"), 303)


@bp.post("/booths/offers/<int:offer_id>/decline")
@login_required
def decline_offer(offer_id):
    found = offers.get_offer_for(current_user, offer_id)
    offers.decline_offer(current_user, found)
    db.session.commit()
    flash(_("You declined the booth. It goes to the next applicant; this is no strike."),
          "success")
    return redirect(url_for("booths.mine"), 303)
