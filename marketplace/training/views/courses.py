"""Centres: publish a course on an approved booking, see who registered, mark attendance and
export the list."""

from __future__ import annotations

import csv
import io

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.core.errors import DomainError
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import format_day
from marketplace.extensions import db
from marketplace.training import queries
from marketplace.training.forms import CourseForm
from marketplace.training.labels import REGISTRATION_STATUS_LABELS, label
from marketplace.training.services import bookings, courses
from marketplace.training.views.blueprint import bp, centre_only, local_time


@bp.route("/training/bookings/<int:booking_id>/course", methods=["GET", "POST"])
@login_required
def new_course(booking_id):
    centre_only()
    booking = bookings.get_booking(current_user, booking_id)
    form = CourseForm()
    if request.method == "GET":
        form.title.data = booking.title
        form.trade.data = booking.trade or form.trade.data
        form.capacity.data = min(booking.expected_attendance, booking.space.capacity)
    if form.validate_on_submit():
        try:
            course = courses.publish_course(current_user, booking, courses.CourseData(
                title=form.title.data, trade=form.trade.data, teacher=form.teacher.data,
                capacity=form.capacity.data, fee_amount=form.fee_amount.data or 0,
                waitlist_size=form.waitlist_size.data or 0,
                audience=form.audience.data or "", description=form.description.data or ""))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The course is on the public calendar."), "success")
            return redirect(url_for("training.course_page", course_id=course.id))
    return render_template("training/course_form.html", form=form, booking=booking)


@bp.get("/training/courses")
@login_required
def centre_courses():
    centre_only()
    rows = queries.centre_courses(current_user)
    return render_template("training/centre_courses.html", courses=rows,
                           counts=queries.registration_counts(c.id for c in rows))


@bp.get("/training/courses/<int:course_id>/registrations")
@login_required
def registrations(course_id):
    course = courses.get_course_for_centre(current_user, course_id)
    rows = queries.course_registrations(course)
    present = {(a.registration_id, a.session_id) for r in rows for a in r.attendances}
    return render_template("training/registrations.html", course=course, registrations=rows,
                           present=present)


@bp.post("/training/courses/<int:course_id>/sessions/<int:session_id>/attendance")
@login_required
def mark_attendance(course_id, session_id):
    course = courses.get_course_for_centre(current_user, course_id)
    present = [int(v) for v in request.form.getlist("present") if v.isdigit()]
    courses.mark_attendance(current_user, course, session_id, present)
    db.session.commit()
    flash(_("Attendance saved."), "success")
    return redirect(url_for("training.registrations", course_id=course.id))


@bp.get("/training/courses/<int:course_id>/registrations.csv")
@login_required
def registrations_csv(course_id):
    """The list as a spreadsheet: one row per person, one column per session (1 = present)."""
    course = courses.get_course_for_centre(current_user, course_id)
    rows = queries.course_registrations(course)
    sessions = course.sessions
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Phone"), _("Email"), _("Status"), _("Registered at")] +
                    [f"{format_day(s.starts_at)} {local_time(s.starts_at)}" for s in sessions])
    for registration in rows:
        user = registration.user
        attended = {a.session_id for a in registration.attendances}
        writer.writerow([_csv_safe(user.display_name), user.phone or "", user.email or "",
                         label(REGISTRATION_STATUS_LABELS, registration.status),
                         registration.created_at.isoformat(timespec="minutes")] +
                        ["1" if s.id in attended else "" for s in sessions])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f"attachment; filename=course-{course.id}-registrations.csv"})


def _csv_safe(value: str) -> str:
    """A name a spreadsheet would run as a formula starts with a quote instead."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
