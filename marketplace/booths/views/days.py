"""Staff pages of a market day: manual assignment, check-in, printable lists, and subsidies."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.models import Trainee
from marketplace.booths import queries
from marketplace.booths.forms import (
    AssignForm,
)
from marketplace.booths.models import Booth
from marketplace.booths.services import (
    assignments,
    attendance,
    broadcasts,
    markets,
)
from marketplace.booths.views.blueprint import _staff_only, bp
from marketplace.core.errors import DomainError
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import localize_digits
from marketplace.extensions import db
from marketplace.notifications.broadcasts import MESSAGE_MAX

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


@bp.route("/booths/days/<int:day_id>/notice", methods=["GET", "POST"])
def day_notice(day_id):
    """A notice to every trainee booked on the day (rain, changed hours)."""
    _staff_only()
    day = broadcasts.get_day_for_broadcast(current_user, day_id)
    if request.method == "POST":
        count = broadcasts.broadcast_to_day(current_user, day, request.form.get("message", ""))
        db.session.commit()
        flash(_("Your notice went to %(n)s trainees.", n=localize_digits(str(count))),
              "success")
        return redirect(url_for("booths.manage_market", market_id=day.market_id))
    return render_template("booths/day_notice.html", day=day, market=day.market,
                           recipients=len(broadcasts.booked_trainee_users(day)),
                           max_length=MESSAGE_MAX)


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
