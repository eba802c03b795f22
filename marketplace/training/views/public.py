"""Citizens: the course calendar (by city, trade and day), a page per course, registering and
cancelling, and my courses."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.trades import TRADE_LABELS
from marketplace.core.db import utcnow
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.training import policies, queries
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.forms import CalendarForm
from marketplace.training.labels import WEEKDAY_LABELS
from marketplace.training.models import RegistrationStatus
from marketplace.training.services import courses, work_alerts
from marketplace.training.views.blueprint import bp


@bp.get("/courses")
def calendar():
    form = CalendarForm(request.args)
    form.city.choices = [("", _("All cities"))] + [(c, c) for c in queries.course_cities()]
    form.trade.choices = [("", _("All trades"))] + [(k, str(v)) for k, v in
                                                     TRADE_LABELS.items()]
    valid = form.validate()
    filters = queries.CalendarFilters(
        city=form.city.data or None if valid else None,
        trade=form.trade.data or None if valid else None,
        since=form.since.data if valid else None,
        centre=request.args.get("centre") or None)
    rows = queries.public_courses(filters, utcnow())
    centre = queries.centre_by_slug(filters.centre) if filters.centre else None
    return render_template("training/calendar.html", form=form, courses=rows, centre=centre,
                           counts=queries.registration_counts(c.id for c in rows))


@bp.get("/courses/<int:course_id>")
def course_page(course_id):
    course = courses.get_course(course_id)
    counts = queries.registration_counts([course.id])[course.id]
    return render_template(
        "training/course.html", course=course, counts=counts,
        mine=queries.my_registration(current_user, course),
        can_manage=policies.can_manage_course(current_user, course),
        is_over=course.last_session_at <= utcnow() or course.is_cancelled,
        offers_work_alert=work_alerts.trade_has_work(course.trade),
        has_work_alert=work_alerts.has_work_alert(current_user, course))


@bp.post("/courses/<int:course_id>/work-alert")
@login_required
def follow_graduates(course_id):
    """Hear when this course's graduates list work in its trade."""
    course = courses.get_course(course_id)
    work_alerts.opt_in(current_user, course)
    db.session.commit()
    flash(_("You will hear when graduates of this course list work in its trade."), "success")
    return redirect(url_for("training.course_page", course_id=course.id))


@bp.post("/courses/<int:course_id>/work-alert/delete")
@login_required
def unfollow_graduates(course_id):
    course = courses.get_course(course_id)
    work_alerts.opt_out(current_user, course)
    db.session.commit()
    flash(_("You will no longer hear of this course's graduates."), "success")
    return redirect(url_for("training.course_page", course_id=course.id))


@bp.get("/courses/spaces/<int:space_id>")
def public_space(space_id):
    """A space as citizens and centres see it: where, how big, what is in it, when it is open,
    and the public courses coming up there."""
    space = queries.public_space(space_id)
    if space is None:
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    rows = queries.public_courses(queries.CalendarFilters(space_id=space.id), utcnow())
    # The open days in the order of the Iranian week (from Saturday), as the staff chose them.
    open_days = [str(name) for day, name in WEEKDAY_LABELS.items()
                 if day in (space.open_weekdays or [])]
    return render_template(
        "training/public_space.html", space=space, courses=rows, open_days=open_days,
        counts=queries.registration_counts(c.id for c in rows),
        can_request=space.is_active and policies.can_request_bookings(current_user))


@bp.post("/courses/<int:course_id>/register")
@login_required
def register(course_id):
    course = courses.get_course(course_id)
    registration = courses.register(current_user, course)
    db.session.commit()
    if registration.status == RegistrationStatus.REGISTERED:
        flash(_("You are registered. See you there!"), "success")
    else:
        flash(_("The course is full; you are on the waitlist and will be told if a place "
                "opens."), "info")
    return redirect(url_for("training.course_page", course_id=course.id))


@bp.post("/courses/registrations/<int:registration_id>/cancel")
@login_required
def cancel_registration(registration_id):
    registration = courses.get_registration(current_user, registration_id)
    course_id = registration.course_id
    courses.cancel_registration(current_user, registration)
    db.session.commit()
    flash(_("Your registration is cancelled."), "success")
    if policies.can_manage_course(current_user, registration.course) and \
            registration.user_id != current_user.id:
        return redirect(url_for("training.registrations", course_id=course_id))
    return redirect(url_for("training.course_page", course_id=course_id))


@bp.get("/courses/mine")
@login_required
def my_courses():
    return render_template("training/my_courses.html",
                           registrations=queries.my_registrations(current_user))
