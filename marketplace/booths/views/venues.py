"""Staff pages: venues, their booth maps and blocks."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.booths import queries, walkways
from marketplace.booths.forms import (
    BlockForm,
    BoothForm,
    VenueForm,
)
from marketplace.booths.models import BoothBlock
from marketplace.booths.services import (
    venues,
)
from marketplace.booths.views.blueprint import _categories, _municipality_choices, _staff_only, bp
from marketplace.booths.walkways import edge_value
from marketplace.core.errors import DomainError
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import localize_digits
from marketplace.extensions import db

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
    return render_template("booths/venue_form.html", form=form, venue=None,
                           walkway_rows=_walkway_rows(form, None))


@bp.route("/booths/venues/<int:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id):
    _staff_only()
    venue = venues.get_venue_for_staff(current_user, venue_id)
    form = VenueForm(obj=venue)
    form.municipality_id.choices = [(venue.municipality_id, venue.municipality.name(
        current_user.locale))]
    if request.method == "GET":
        form.walkways.data = [edge_value(*(int(v) for v in item))
                              for item in venue.grid_breaks or []]
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
    return render_template("booths/venue_form.html", form=form, venue=venue,
                           walkway_rows=_walkway_rows(form, venue))


def _walkway_rows(form: VenueForm, venue) -> list | None:
    """The grid to draw walkways on: the size the form holds (the venue's, or what was just
    typed), with its booths; None when it is too large to draw."""
    width, height = form.grid_width.data, form.grid_height.data
    if not walkways.drawable(width, height):
        return None
    booths = [b for b in venue.booths if b.is_active] if venue is not None else []
    return walkways.grid_rows(width, height, form.walkways.data or [], booths)


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
        problems = [str(e) for errors in form.errors.values() for e in errors
                    if not isinstance(e, dict)]
        flash(" ".join([_("Give the first and last day of the block."), *problems]), "error")
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
