"""Booth pages: staff (venues, booth maps, markets, applications, allocation, manual
assignment, check-in, printable lists, subsidies), trainees (apply, my booths, withdraw) and the
public market page with its SVG map and QR codes."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.accounts.models import Municipality, Trainee
from marketplace.booths import policies, queries
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.forms import (
    ApplyForm,
    AssignForm,
    BlockForm,
    BoothForm,
    MarketForm,
    VenueForm,
    local_to_utc,
    utc_to_local,
)
from marketplace.booths.labels import (
    APPLICATION_STATUS_LABELS,
    ASSIGNMENT_STATUS_LABELS,
    BLOCK_REASON_LABELS,
    CANCEL_REASON_LABELS,
    FEATURE_LABELS,
    FEE_STATUS_LABELS,
    INELIGIBLE_REASON_LABELS,
    MARKET_KIND_LABELS,
    REJECTION_LABELS,
    UNSERVED_REASON_LABELS,
    label,
)
from marketplace.booths.models import Booth, BoothBlock, Market
from marketplace.booths.services import (
    allocation_runs,
    applications,
    assignments,
    attendance,
    markets,
    venues,
)
from marketplace.catalogue.models import Category, Product
from marketplace.core import qr
from marketplace.core.db import utcnow
from marketplace.core.errors import DomainError, NotFound, RuleViolation
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import format_number, localize_digits
from marketplace.core.money import Money
from marketplace.core.urls import absolute_url
from marketplace.extensions import db

bp = Blueprint("booths", __name__)


@bp.app_template_filter("booth_unserved_reason")
def unserved_reason_filter(code) -> str:
    return label(UNSERVED_REASON_LABELS, code)


@bp.app_template_filter("booth_cancel_reason")
def cancel_reason_filter(code) -> str:
    return label(CANCEL_REASON_LABELS, code)


@bp.app_context_processor
def booth_labels():
    return {"booth_label": label, "FEATURE_LABELS": FEATURE_LABELS,
            "APPLICATION_STATUS_LABELS": APPLICATION_STATUS_LABELS,
            "ASSIGNMENT_STATUS_LABELS": ASSIGNMENT_STATUS_LABELS,
            "BLOCK_REASON_LABELS": BLOCK_REASON_LABELS,
            "MARKET_KIND_LABELS": MARKET_KIND_LABELS, "REJECTION_LABELS": REJECTION_LABELS,
            "INELIGIBLE_REASON_LABELS": INELIGIBLE_REASON_LABELS,
            "FEE_STATUS_LABELS": FEE_STATUS_LABELS,
            "booth_money": lambda amount, currency: Money(int(amount or 0), currency)}


def _staff_only():
    """Staff pages are invisible to everyone else."""
    if not current_user.is_authenticated or not policies.can_staff_any_municipality(
            current_user):
        abort(404)


def _categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def _municipality_choices() -> list[tuple[int, str]]:
    statement = select(Municipality).order_by(Municipality.name_fa)
    if not current_user.is_admin:
        statement = statement.where(Municipality.id.in_(current_user.staff_municipality_ids))
    locale = current_user.locale
    return [(m.id, m.name(locale)) for m in db.session.scalars(statement)]


# --- staff: venues and booth maps ------------------------------------------------------------

@bp.get("/booths/venues")
def staff_venues():
    _staff_only()
    return render_template("booths/staff_venues.html",
                           venues=queries.staff_venues(current_user))


def _venue_data(form: VenueForm) -> venues.VenueData:
    return venues.VenueData(
        name_fa=form.name_fa.data, name_en=form.name_en.data, address=form.address.data or "",
        opening_hours=form.opening_hours.data or "", opens_at=form.opens_at.data,
        closes_at=form.closes_at.data, grid_width=form.grid_width.data,
        grid_height=form.grid_height.data, grid_breaks=form.parsed_breaks(),
        standard_fee_amount=form.standard_fee_amount.data or 0)


@bp.route("/booths/venues/new", methods=["GET", "POST"])
def new_venue():
    _staff_only()
    form = VenueForm()
    form.municipality_id.choices = _municipality_choices()
    if form.validate_on_submit():
        try:
            venue = venues.create_venue(current_user, form.municipality_id.data,
                                          _venue_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Venue saved."), "success")
            return redirect(url_for("booths.venue_map", venue_id=venue.id))
    return render_template("booths/venue_form.html", form=form, venue=None)


@bp.route("/booths/venues/<int:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id):
    _staff_only()
    venue = venues.get_venue_for_staff(current_user, venue_id)
    form = VenueForm(obj=venue)
    form.municipality_id.choices = [(venue.municipality_id, venue.municipality.name(
        current_user.locale))]
    if request.method == "GET":
        form.grid_breaks.data = ";".join(",".join(str(v) for v in item)
                                         for item in venue.grid_breaks or [])
    if form.validate_on_submit():
        try:
            venues.update_venue(current_user, venue, _venue_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Venue saved."), "success")
            return redirect(url_for("booths.venue_map", venue_id=venue.id))
    return render_template("booths/venue_form.html", form=form, venue=venue)


def _booth_form(form: BoothForm) -> BoothForm:
    form.reserved_category_id.choices = [(0, _("None"))] + [
        (c.id, c.name(current_user.locale)) for c in _categories()]
    return form


def _booth_data(form: BoothForm) -> venues.BoothData:
    return venues.BoothData(
        code=form.code.data, grid_x=form.grid_x.data or 0, grid_y=form.grid_y.data or 0,
        width=form.width.data, height=form.height.data, has_power=form.has_power.data,
        is_corner=form.is_corner.data, is_covered=form.is_covered.data,
        is_accessible=form.is_accessible.data,
        location_score=50 if form.location_score.data is None else form.location_score.data,
        fee_amount=form.fee_amount.data or 0,
        reserved_category_id=form.reserved_category_id.data or None,
        is_active=form.is_active.data)


@bp.route("/booths/venues/<int:venue_id>/map", methods=["GET", "POST"])
def venue_map(venue_id):
    """The booth map editor: the SVG map, a booth form (new, or ?booth=<id> to edit)."""
    _staff_only()
    venue = venues.get_venue_for_staff(current_user, venue_id)
    venue = queries.venue_with_booths(venue.id)
    editing = None
    if request.args.get("booth", "").isdigit():
        editing = next((b for b in venue.booths if b.id == int(request.args["booth"])), None)
    form = _booth_form(BoothForm(obj=editing))
    if request.method == "GET" and editing is not None:
        form.reserved_category_id.data = editing.reserved_category_id or 0
    if request.method == "GET" and editing is None and request.args.get("x", "").isdigit():
        form.grid_x.data = int(request.args["x"])
        form.grid_y.data = int(request.args.get("y", "0") or 0)
    if form.validate_on_submit():
        try:
            if editing is None:
                booth = venues.create_booth(current_user, venue, _booth_data(form))
            else:
                booth = venues.update_booth(current_user, editing, _booth_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Booth %(code)s saved.", code=localize_digits(booth.code)), "success")
            return redirect(url_for("booths.venue_map", venue_id=venue.id))
    return render_template("booths/venue_map.html", venue=venue, form=form, editing=editing,
                           block_form=BlockForm(),
                           map=queries.booth_map(venue, with_empty_cells=True),
                           neighbours=queries.booth_neighbours(venue))


@bp.post("/booths/booths/<int:booth_id>/block")
def block_booth(booth_id):
    _staff_only()
    booth = venues.get_booth_for_staff(current_user, booth_id)
    form = BlockForm()
    if not form.validate_on_submit():
        flash(_("Give the first and last day of the block."), "error")
        return redirect(url_for("booths.venue_map", venue_id=booth.venue_id, booth=booth.id))
    venues.block_booth(current_user, booth, venues.BlockData(
        form.starts_on.data, form.ends_on.data, form.reason.data, form.note.data or ""))
    db.session.commit()
    flash(_("Booth %(code)s is blocked for that period.", code=localize_digits(booth.code)),
          "success")
    return redirect(url_for("booths.venue_map", venue_id=booth.venue_id, booth=booth.id))


@bp.post("/booths/blocks/<int:block_id>/delete")
def delete_block(block_id):
    _staff_only()
    block = db.session.get(BoothBlock, block_id)
    if block is None:
        abort(404)
    venue_id, booth_id = block.booth.venue_id, block.booth_id
    venues.remove_block(current_user, block)
    db.session.commit()
    flash(_("Block removed."), "success")
    return redirect(url_for("booths.venue_map", venue_id=venue_id, booth=booth_id))


# --- staff: markets --------------------------------------------------------------------------

@bp.get("/booths/markets")
def staff_markets():
    _staff_only()
    return render_template("booths/staff_markets.html",
                           markets=queries.staff_markets(current_user),
                           venues=queries.staff_venues(current_user))


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in (text or "").split(";"):
        if part.strip():
            left, _sep, right = part.partition(":")
            pairs.append((left.strip(), right.strip()))
    return pairs


def _market_data(form: MarketForm, venue) -> markets.MarketData:
    caps = {}
    try:
        for category_id, cap in _parse_pairs(form.caps.data):
            caps[int(category_id)] = int(cap) if cap else None
        codes = {b.code: b.id for b in venue.booths}
        reserved = []
        for code, category_id in _parse_pairs(form.reserved.data):
            if code not in codes:
                raise RuleViolation(_("There is no booth %(code)s at this venue.", code=code),
                                    code=BoothErrorCode.UNKNOWN_BOOTH,
                                    fields={"reserved": [_("Unknown booth code.")]})
            reserved.append((codes[code], int(category_id)))
    except ValueError:
        raise RuleViolation(_("Write caps and reservations as pairs such as 12:3;14:1."),
                            code=BoothErrorCode.INVALID_PAIRS,
                            fields={"caps": [_("Not valid.")]}) from None
    categories = [(c, caps.get(c)) for c in form.category_ids.data or []]
    categories += [(c, cap) for c, cap in caps.items() if c not in (form.category_ids.data or [])]
    return markets.MarketData(
        kind=form.kind.data, name_fa=form.name_fa.data, name_en=form.name_en.data,
        description=form.description.data or "", starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, recurrence_rule=form.recurrence_rule.data,
        applications_open_at=local_to_utc(form.applications_open_at.data),
        applications_close_at=local_to_utc(form.applications_close_at.data),
        allow_clusters=form.allow_clusters.data,
        no_show_strike_limit=form.no_show_strike_limit.data,
        ineligibility_days=form.ineligibility_days.data,
        check_in_deadline_minutes=form.check_in_deadline_minutes.data,
        withdraw_cutoff_hours=form.withdraw_cutoff_hours.data, categories=categories,
        reserved_booths=reserved)


def _market_form(market: Market | None) -> MarketForm:
    form = MarketForm(obj=market)
    form.category_ids.choices = [(c.id, c.name(current_user.locale)) for c in _categories()]
    if request.method == "GET" and market is not None:
        form.kind.data = market.kind.value
        form.applications_open_at.data = utc_to_local(market.applications_open_at)
        form.applications_close_at.data = utc_to_local(market.applications_close_at)
        form.category_ids.data = [c.category_id for c in market.categories]
        form.caps.data = ";".join(f"{c.category_id}:{c.cap}" for c in market.categories
                                  if c.cap is not None)
        form.reserved.data = ";".join(f"{r.booth.code}:{r.category_id}"
                                      for r in market.reserved_booths)
    return form


@bp.route("/booths/venues/<int:venue_id>/markets/new", methods=["GET", "POST"])
def new_market(venue_id):
    _staff_only()
    venue = venues.get_venue_for_staff(current_user, venue_id)
    form = _market_form(None)
    if form.validate_on_submit():
        try:
            market = markets.create_market(current_user, venue, _market_data(form, venue))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
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
    form = _market_form(market)
    if form.validate_on_submit():
        try:
            markets.update_market(current_user, market, _market_data(form, market.venue))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
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


# --- staff: manual assignment, check-in, lists -----------------------------------------------

@bp.route("/booths/days/<int:day_id>/assign", methods=["GET", "POST"])
def assign(day_id):
    _staff_only()
    day = markets.get_day_for_staff(current_user, day_id)
    market = day.market
    venue = queries.venue_with_booths(market.venue_id)
    live = queries.live_assignments(market, day)
    form = AssignForm()
    form.booth_id.choices = [(b.id, localize_digits(b.code)) for b in venue.booths
                             if b.is_active]
    form.trainee_id.choices = [(t.id, f"{t.store_name} — {t.user.display_name}")
                               for t in queries.verified_trainees()]
    if request.method == "GET" and request.args.get("booth", "").isdigit():
        form.booth_id.data = int(request.args["booth"])
    if form.validate_on_submit():
        booth = db.session.get(Booth, form.booth_id.data)
        trainee = db.session.get(Trainee, form.trainee_id.data)
        if booth is None or trainee is None:
            abort(404)
        try:
            assignment = assignments.assign_booth(current_user, day, booth, trainee)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Booth %(code)s given to %(name)s.", code=localize_digits(booth.code),
                    name=trainee.store_name), "success")
            return redirect(url_for("booths.assign", day_id=day.id,
                                    assigned=assignment.id))
    return render_template("booths/assign.html", day=day, market=market, venue=venue,
                           form=form, assignments=live,
                           map=queries.booth_map(venue, day, live))


@bp.get("/booths/days/<int:day_id>/check-in")
def check_in_page(day_id):
    _staff_only()
    day = markets.get_day_for_staff(current_user, day_id)
    return render_template("booths/check_in.html", day=day, market=day.market,
                           assignments=queries.day_assignments(day))


@bp.post("/booths/assignments/<int:assignment_id>/check-in")
def check_in(assignment_id):
    _staff_only()
    assignment = assignments.get_assignment_for_staff(current_user, assignment_id)
    attendance.check_in(current_user, assignment)
    db.session.commit()
    flash(_("Checked in at booth %(code)s.", code=localize_digits(assignment.booth.code)),
          "success")
    return redirect(url_for("booths.check_in_page", day_id=assignment.market_day_id))


@bp.post("/booths/days/<int:day_id>/check-in-code")
def check_in_code(day_id):
    _staff_only()
    day = markets.get_day_for_staff(current_user, day_id)
    assignment = attendance.check_in_by_code(current_user, day, request.form.get("code", ""))
    db.session.commit()
    flash(_("Checked in at booth %(code)s.", code=localize_digits(assignment.booth.code)),
          "success")
    return redirect(url_for("booths.check_in_page", day_id=day.id))


@bp.post("/booths/assignments/<int:assignment_id>/cancel")
def cancel_assignment(assignment_id):
    _staff_only()
    assignment = assignments.get_assignment_for_staff(current_user, assignment_id)
    assignments.cancel_assignment(current_user, assignment)
    db.session.commit()
    flash(_("Booth taken back; the waitlist was offered it."), "success")
    return redirect(url_for("booths.check_in_page", day_id=assignment.market_day_id))


@bp.get("/booths/days/<int:day_id>/print")
def print_day(day_id):
    _staff_only()
    day = markets.get_day_for_staff(current_user, day_id)
    return render_template("booths/print_day.html", day=day, market=day.market,
                           assignments=queries.day_assignments(day))


@bp.get("/booths/subsidies")
def subsidies():
    _staff_only()
    ids = None if current_user.is_admin else current_user.staff_municipality_ids
    return render_template("booths/subsidies.html", report=queries.subsidy_report(ids))


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
                           assignments=queries.trainee_assignments(trainee), now=utcnow())


@bp.post("/booths/applications/<int:application_id>/withdraw-day")
@login_required
def withdraw_day(application_id):
    application = applications.get_application_for(current_user, application_id)
    day_id = request.form.get("day_id", "")
    if not day_id.isdigit():
        abort(400)
    applications.withdraw_application_day(current_user, application, int(day_id))
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

