"""Staff pages: markets, their days and applications, and the allocation runs."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.booths import queries
from marketplace.booths.forms import (
    MarketForm,
    local_to_utc,
    market_form,
    utc_to_local,
)
from marketplace.booths.models import Market
from marketplace.booths.recurrence import choice_of
from marketplace.booths.services import (
    allocation_runs,
    applications,
    markets,
    venues,
)
from marketplace.booths.views.blueprint import _categories, _staff_only, bp
from marketplace.core.errors import DomainError
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import format_number, locale_code
from marketplace.extensions import db

# --- staff: markets --------------------------------------------------------------------------

@bp.get("/booths/markets")
def staff_markets():
    _staff_only()
    return render_template("booths/staff_markets.html",
                           markets=queries.staff_markets(current_user),
                           venues=queries.staff_venues(current_user))


def _market_data(form: MarketForm) -> markets.MarketData:
    welcomed = form.category_ids.data or []
    caps, reserved = form.caps(), form.reserved()
    categories = [(c, caps.get(c)) for c in welcomed]
    categories += [(c, cap) for c, cap in caps.items() if c not in welcomed]
    return markets.MarketData(
        kind=form.kind.data, name_fa=form.name_fa.data, name_en=form.name_en.data,
        description=form.description.data or "", starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, recurrence_rule=form.recurrence_rule(),
        applications_open_at=local_to_utc(form.applications_open_at.data),
        applications_close_at=local_to_utc(form.applications_close_at.data),
        allow_clusters=form.allow_clusters.data,
        no_show_strike_limit=form.no_show_strike_limit.data,
        ineligibility_days=form.ineligibility_days.data,
        check_in_deadline_minutes=form.check_in_deadline_minutes.data,
        withdraw_cutoff_hours=form.withdraw_cutoff_hours.data,
        sales_fee_percent=form.sales_fee_percent.data or 0,
        offer_hours=form.offer_hours.data or 24, categories=categories,
        reserved_booths=reserved)


def _market_form(venue, market: Market | None) -> MarketForm:
    form = market_form(_categories(), [b for b in venue.booths if b.is_active], locale_code(),
                       obj=market)
    if market is not None and market.recurrence_rule and request.method == "POST" and \
            choice_of(market.recurrence_rule) is None:
        form.offer_to_keep(market.recurrence_rule)  # a rule the API gave may stay as it is
    if request.method == "GET" and market is not None:
        form.kind.data = market.kind.value
        form.show_rule(market.recurrence_rule)
        form.applications_open_at.data = utc_to_local(market.applications_open_at)
        form.applications_close_at.data = utc_to_local(market.applications_close_at)
        form.category_ids.data = [c.category_id for c in market.categories]
        for c in market.categories:
            if c.cap is not None and f"cap_{c.category_id}" in form:
                form[f"cap_{c.category_id}"].data = c.cap
        for r in market.reserved_booths:
            if f"reserve_{r.booth_id}" in form:
                form[f"reserve_{r.booth_id}"].data = r.category_id
    return form


def _show_error(form: MarketForm, error: DomainError) -> None:
    """A service's error on the form; what it says of the rule belongs to the weekdays."""
    if error.fields and "recurrence_rule" in error.fields:
        error.fields = {("weekdays" if name == "recurrence_rule" else name): messages
                        for name, messages in error.fields.items()}
    apply_domain_error(form, error)


@bp.route("/booths/venues/<int:venue_id>/markets/new", methods=["GET", "POST"])
def new_market(venue_id):
    _staff_only()
    venue = venues.get_venue_for_staff(current_user, venue_id)
    form = _market_form(venue, None)
    if form.validate_on_submit():
        try:
            market = markets.create_market(current_user, venue, _market_data(form))
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Market saved with %(n)s days.", n=format_number(len(market.days))),
                  "success")
            return redirect(url_for("booths.manage_market", market_id=market.id))
    return render_template("booths/market_form.html", form=form, venue=venue, market=None)


@bp.route("/booths/markets/<int:market_id>/edit", methods=["GET", "POST"])
def edit_market(market_id):
    _staff_only()
    market = markets.get_market_for_staff(current_user, market_id)
    form = _market_form(market.venue, market)
    if form.validate_on_submit():
        try:
            markets.update_market(current_user, market, _market_data(form))
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Market saved."), "success")
            return redirect(url_for("booths.manage_market", market_id=market.id))
    return render_template("booths/market_form.html", form=form, venue=market.venue,
                           market=market)


@bp.get("/booths/markets/<int:market_id>/manage")
def manage_market(market_id):
    _staff_only()
    market = markets.get_market_for_staff(current_user, market_id)
    return render_template("booths/manage_market.html", market=market,
                           runs=queries.market_runs(market), fees=queries.fees_of_market(market))


@bp.post("/booths/days/<int:day_id>/close")
def close_day(day_id):
    _staff_only()
    day = markets.get_day_for_staff(current_user, day_id)
    cancelled = markets.close_market_day(current_user, day, request.form.get("reason", ""))
    db.session.commit()
    flash(_("The day is closed; %(n)s booths were cancelled and the trainees told.",
            n=format_number(len(cancelled))), "success")
    return redirect(url_for("booths.manage_market", market_id=day.market_id))


@bp.get("/booths/markets/<int:market_id>/applications")
def market_applications(market_id):
    _staff_only()
    market = markets.get_market_for_staff(current_user, market_id)
    return render_template("booths/market_applications.html", market=market,
                           applications=queries.market_applications(market),
                           days={d.id: d for d in market.days})


@bp.post("/booths/applications/<int:application_id>/reject")
def reject_application(application_id):
    _staff_only()
    application = applications.get_application_for(current_user, application_id)
    applications.reject_application(current_user, application, request.form.get("reason_code", ""))
    db.session.commit()
    flash(_("Application rejected."), "success")
    return redirect(url_for("booths.market_applications", market_id=application.market_id))


# --- staff: allocation -----------------------------------------------------------------------

@bp.post("/booths/markets/<int:market_id>/runs")
def preview_run(market_id):
    _staff_only()
    market = markets.get_market_for_staff(current_user, market_id)
    run = allocation_runs.preview_allocation(current_user, market)
    db.session.commit()
    return redirect(url_for("booths.show_run", run_id=run.id))


@bp.get("/booths/runs/<int:run_id>")
def show_run(run_id):
    _staff_only()
    run = allocation_runs.get_run_for_staff(current_user, run_id)
    replay = None
    if request.args.get("replay"):
        replay = allocation_runs.replay_run(run)[0]
    return render_template("booths/run.html", run=run, market=run.market,
                           view=queries.run_view(run), replay=replay)


@bp.post("/booths/runs/<int:run_id>/confirm")
def confirm_run(run_id):
    _staff_only()
    run = allocation_runs.get_run_for_staff(current_user, run_id)
    created = allocation_runs.confirm_run(current_user, run)
    db.session.commit()
    flash(_("Allocation confirmed: %(n)s booth-days given; the trainees are told.",
            n=format_number(len(created))), "success")
    left_out = allocation_runs.dropped_of(run)
    if left_out:
        flash(_("%(n)s placements of the preview no longer held and were left out; see the "
                "list below.", n=format_number(len(left_out))), "warning")
    return redirect(url_for("booths.show_run", run_id=run.id))
