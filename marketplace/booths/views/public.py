"""Public pages: a market with its SVG booth map, a booth, and its QR code."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.booths import policies, queries
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import Booth
from marketplace.booths.services import (
    markets,
)
from marketplace.booths.views.blueprint import bp
from marketplace.core import qr
from marketplace.core.db import utcnow
from marketplace.core.errors import NotFound
from marketplace.core.urls import absolute_url
from marketplace.extensions import db

# --- public ----------------------------------------------------------------------------------

@bp.get("/markets/<int:market_id>")
def market_page(market_id):
    market = markets.get_market(market_id)
    venue = queries.venue_with_booths(market.venue_id)
    by_day = queries.who_is_where(market)
    open_days = [d for d in market.days if d.is_open]
    chosen = None
    if request.args.get("day", "").isdigit():
        chosen = next((d for d in market.days if d.id == int(request.args["day"])), None)
    if chosen is None:
        chosen = next((d for d in open_days if by_day.get(d.id)), None) or \
            (open_days[0] if open_days else None)
    placed = by_day.get(chosen.id, []) if chosen else []
    return render_template("booths/market_page.html", market=market, venue=venue,
                           by_day=by_day, chosen=chosen,
                           map=queries.booth_map(venue, chosen, placed),
                           can_manage=policies.can_manage_market(current_user, market),
                           can_apply=market.window_is_open(utcnow()) and (
                               not current_user.is_authenticated
                               or policies.can_apply(current_user)))


@bp.get("/markets/<int:market_id>/booths/<int:booth_id>")
def booth_page(market_id, booth_id):
    """Where a booth sign's QR code leads: who is in this booth on each day."""
    market = markets.get_market(market_id)
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.venue_id != market.venue_id:
        raise NotFound(_("That booth does not exist."), code=BoothErrorCode.UNKNOWN_BOOTH)
    by_day = queries.who_is_where(market)
    entries = [(day, next((a for a in by_day.get(day.id, []) if a.booth_id == booth.id), None))
               for day in market.days]
    return render_template("booths/booth_page.html", market=market, booth=booth,
                           entries=entries)


@bp.get("/markets/<int:market_id>/booths/<int:booth_id>/qr.png")
def booth_qr(market_id, booth_id):
    market = markets.get_market(market_id)
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.venue_id != market.venue_id:
        abort(404)
    url = absolute_url(url_for("booths.booth_page", market_id=market.id,
                                  booth_id=booth.id))
    response = Response(qr.png_bytes(url), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
