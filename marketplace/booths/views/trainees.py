"""Trainees and centres: open markets, applying, my booths, withdrawing a day, nominating."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.booths import policies, queries
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.forms import (
    ApplyForm,
)
from marketplace.booths.models import MarketDay
from marketplace.booths.services import (
    applications,
    markets,
    offers,
)
from marketplace.booths.views.blueprint import _categories, bp
from marketplace.catalogue.models import Product
from marketplace.core.db import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import localize_digits
from marketplace.extensions import db

# --- trainees and centres --------------------------------------------------------------------

@bp.get("/booths/open")
def markets_open():
    return render_template("booths/markets_open.html", markets=queries.open_markets())


@bp.route("/booths/markets/<int:market_id>/apply", methods=["GET", "POST"])
@login_required
def apply(market_id):
    market = markets.get_market(market_id)
    if not policies.can_apply(current_user):
        flash(_("Only verified trainees can apply for booths."), "error")
        return redirect(url_for("booths.market_page", market_id=market.id))
    form = ApplyForm()
    locale = current_user.locale
    form.day_ids.choices = [(d.id, d.day.isoformat()) for d in market.days if d.is_open]
    welcomed = [c.category for c in market.categories] or _categories()
    form.category_ids.choices = [(c.id, c.name(locale)) for c in welcomed]
    products = db.session.scalars(select(Product).where(
        Product.trainee_id == current_user.trainee.id).order_by(Product.id)).all()
    form.product_ids.choices = [(p.id, p.title(locale)) for p in products]
    form.preferred_booth_ids.choices = [(b.id, localize_digits(b.code))
                                        for b in market.venue.booths if b.is_active]
    if form.validate_on_submit():
        data = applications.ApplicationData(
            day_ids=form.day_ids.data or [], category_ids=form.category_ids.data or [],
            product_ids=form.product_ids.data or [],
            preferred_booth_ids=form.preferred_booth_ids.data or [],
            needs_power=form.needs_power.data, needs_accessible=form.needs_accessible.data,
            needs_covered=form.needs_covered.data, note=form.note.data or "")
        try:
            applications.apply_for_market(current_user, market, data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your application is in. You will hear from us after the allocation."),
                  "success")
            return redirect(url_for("booths.mine"))
    days = {d.id: d for d in market.days}
    return render_template("booths/apply.html", market=market, form=form, days=days)


@bp.get("/booths/mine")
@login_required
def mine():
    trainee = current_user.trainee
    if trainee is None:
        abort(404)
    return render_template("booths/mine.html",
                           applications=queries.trainee_applications(trainee),
                           assignments=queries.trainee_assignments(trainee), now=utcnow(),
                           offers=offers.offers_of(trainee.id))


@bp.post("/booths/applications/<int:application_id>/withdraw-day")
@login_required
def withdraw_day(application_id):
    application = applications.get_application_for(current_user, application_id)
    day_id = request.form.get("day_id", "")
    if not day_id.isdigit():
        abort(400)
    try:
        applications.withdraw_application_day(
            current_user, application, int(day_id),
            confirm_pickups=request.form.get("confirm_pickups") == "1")
    except DomainError as error:
        if error.code != BoothErrorCode.PICKUPS_AT_STAKE:
            raise
        db.session.rollback()
        # The confirmation step: the count of buyers, and the same form with the confirmation.
        day = db.session.get(MarketDay, int(day_id))
        return render_template("booths/withdraw_confirm.html", application=application,
                               day=day, message=error.message), 409
    db.session.commit()
    flash(_("You withdrew from that day."), "success")
    return redirect(url_for("booths.mine"))


@bp.get("/booths/centre")
@login_required
def centre_applications():
    if not current_user.is_centre_staff:
        abort(404)
    return render_template(
        "booths/centre_applications.html",
        applications=queries.centre_applications(current_user.staff_centre_ids))


@bp.post("/booths/applications/<int:application_id>/nominate")
@login_required
def nominate(application_id):
    application = applications.get_application_for(current_user, application_id)
    applications.nominate_application(current_user, application, request.form.get("note", ""))
    db.session.commit()
    flash(_("Nomination added."), "success")
    return redirect(url_for("booths.centre_applications"))
