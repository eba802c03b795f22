"""Municipal staff: the spaces of their venues, blocked periods, a space's calendar, and the
requests waiting for them."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core.db import utcnow
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import format_number, local_day
from marketplace.extensions import db
from marketplace.training import queries
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.forms import BlockForm, SpaceForm
from marketplace.training.models import SpaceBlock
from marketplace.training.services import spaces
from marketplace.training.services.availability import (
    conflicts_after_approval,
    conflicts_for_staff,
    upcoming_market_days,
)
from marketplace.training.views.blueprint import bp, staff_only


@bp.get("/training/spaces")
def staff_spaces():
    staff_only()
    return render_template("training/staff_spaces.html",
                           spaces=queries.staff_spaces(current_user))


def _space_data(form: SpaceForm) -> spaces.SpaceData:
    return spaces.SpaceData(
        name_fa=form.name_fa.data, name_en=form.name_en.data,
        description=form.description.data or "", capacity=form.capacity.data,
        equipment=list(form.equipment.data or []), is_accessible=form.is_accessible.data,
        accessibility_note=form.accessibility_note.data or "", opens_at=form.opens_at.data,
        closes_at=form.closes_at.data, open_weekdays=list(form.open_weekdays.data or []),
        used_by_markets=form.used_by_markets.data, is_active=form.is_active.data)


def _venue_choices() -> list[tuple[int, str]]:
    locale = current_user.locale
    return [(v.id, f"{v.name(locale)} — {v.municipality.name(locale)}")
            for v in queries.staff_venues(current_user)]


@bp.route("/training/spaces/new", methods=["GET", "POST"])
def new_space():
    staff_only()
    form = SpaceForm()
    form.venue_id.choices = _venue_choices()
    if form.validate_on_submit():
        venue = next((v for v in queries.staff_venues(current_user)
                      if v.id == form.venue_id.data), None)
        try:
            if venue is None:
                raise NotFound(_("That venue does not exist."),
                               code=TrainingErrorCode.UNKNOWN_SPACE)
            space = spaces.create_space(current_user, venue, _space_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Space saved."), "success")
            return redirect(url_for("training.space_page", space_id=space.id))
    return render_template("training/space_form.html", form=form, space=None)


@bp.route("/training/spaces/<int:space_id>/edit", methods=["GET", "POST"])
def edit_space(space_id):
    staff_only()
    space = spaces.get_space_for_staff(current_user, space_id)
    form = SpaceForm(obj=space)
    form.venue_id.choices = [(space.venue_id, space.venue.name(current_user.locale))]
    if form.validate_on_submit():
        try:
            spaces.update_space(current_user, space, _space_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Space saved."), "success")
            return redirect(url_for("training.space_page", space_id=space.id))
    return render_template("training/space_form.html", form=form, space=space)


@bp.get("/training/spaces/<int:space_id>")
def space_page(space_id):
    """The space for its staff: details, blocked periods, and its calendar (approved sessions
    and the market days that take it)."""
    staff_only()
    space = spaces.get_space_for_staff(current_user, space_id)
    now = utcnow()
    today = local_day(now)
    return render_template(
        "training/space_page.html", space=space, block_form=BlockForm(),
        sessions=queries.space_sessions(space, now - timedelta(days=1)),
        market_days=upcoming_market_days(space, today))


@bp.post("/training/spaces/<int:space_id>/block")
def block_space(space_id):
    staff_only()
    space = spaces.get_space_for_staff(current_user, space_id)
    form = BlockForm()
    if not form.validate_on_submit():
        flash(_("Give the first and last day of the block."), "error")
        return redirect(url_for("training.space_page", space_id=space.id))
    block = spaces.block_space(current_user, space, spaces.BlockData(
        form.starts_on.data, form.ends_on.data, form.reason.data, form.note.data or ""))
    db.session.commit()
    flash(_("The space is blocked for that period."), "success")
    caught = [c for c in conflicts_after_approval({space.municipality_id})
              if c.block is not None and c.block.id == block.id]
    if caught:
        flash(_("%(n)s approved session(s) fall in this period; they are listed under "
                "conflicts after approval.", n=format_number(len(caught))), "warning")
        return redirect(url_for("training.staff_conflicts"))
    return redirect(url_for("training.space_page", space_id=space.id))


# Read one byte past the limit so an oversized file is recognised without reading all of it.
MAX_UPLOAD_READ = 10 * 1024 * 1024 + 1


@bp.post("/training/spaces/<int:space_id>/photo")
def space_photo(space_id):
    staff_only()
    space = spaces.get_space_for_staff(current_user, space_id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        flash(_("Choose a photo to upload."), "error")
        return redirect(url_for("training.space_page", space_id=space.id))
    try:
        data = upload.read(MAX_UPLOAD_READ)
    finally:
        upload.close()
    spaces.set_photo(current_user, space, data)
    db.session.commit()
    flash(_("The photo is added."), "success")
    return redirect(url_for("training.space_page", space_id=space.id))


@bp.post("/training/space-blocks/<int:block_id>/delete")
def delete_block(block_id):
    staff_only()
    block = db.session.get(SpaceBlock, block_id)
    if block is None:
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    space_id = block.space_id
    spaces.remove_block(current_user, block)
    db.session.commit()
    flash(_("Block removed."), "success")
    return redirect(url_for("training.space_page", space_id=space_id))


@bp.get("/training/conflicts")
def staff_conflicts():
    """Approved sessions a later block or market day now falls on, in the staff's spaces."""
    staff_only()
    return render_template("training/staff_conflicts.html",
                           conflicts=conflicts_for_staff(current_user))


@bp.get("/training/requests")
def staff_requests():
    staff_only()
    return render_template("training/staff_requests.html",
                           bookings=queries.staff_requests(current_user))
