"""Bookings: centres choose a space and request it (one session or a series in words), the
space's staff decide session by session with the conflicts in front of them, and the centre
accepts a proposed time or withdraws."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.models import TrainingCentre
from marketplace.accounts.trades import TRADES
from marketplace.core.errors import DomainError, RuleViolation
from marketplace.core.forms import apply_domain_error
from marketplace.core.i18n import marketplace_zone
from marketplace.extensions import db
from marketplace.training import policies, queries
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.forms import (
    CancelSessionForm,
    MoveSessionForm,
    ProposeForm,
    RejectForm,
    RequestForm,
)
from marketplace.training.models import Booking, SessionStatus, TrainingSession
from marketplace.training.recurrence import Series
from marketplace.training.services import bookings, spaces
from marketplace.training.views.blueprint import bp, centre_only


def proposal_args() -> dict[str, str]:
    """A course proposal's trade and title from the query string (the needs report's button),
    carried from the list of spaces to the request form; anything unknown is dropped."""
    trade = request.args.get("trade", "")
    title = " ".join(request.args.get("title", "").split())[:200]
    return {k: v for k, v in (("trade", trade if trade in TRADES else ""), ("title", title))
            if v}


@bp.get("/training/book")
def choose_space():
    centre_only()
    return render_template("training/choose_space.html", spaces=queries.bookable_spaces(),
                           proposal=proposal_args())


def _booking_data(form: RequestForm) -> bookings.BookingData:
    series = None
    if form.repeat.data == "series":
        if form.starts_on.data is None or form.ends_on.data is None:
            raise RuleViolation(_("Give the first and last day of the series."),
                                code=TrainingErrorCode.SERIES_EMPTY,
                                fields={"starts_on": [_("Required.")]})
        series = Series(tuple(form.weekdays.data or ()), form.every_weeks.data or 1,
                        form.starts_on.data, form.ends_on.data)
    return bookings.BookingData(
        kind=form.kind.data, title=form.title.data,
        expected_attendance=form.expected_attendance.data,
        equipment_needs=list(form.equipment_needs.data or []),
        starts_at=form.starts_at.data, ends_at=form.ends_at.data,
        day=form.day.data if form.repeat.data != "series" else None, series=series,
        note=form.note.data or "", trade=form.trade.data or None)


@bp.route("/training/spaces/<int:space_id>/request", methods=["GET", "POST"])
@login_required
def request_space(space_id):
    centre_only()
    space = spaces.get_space(space_id)
    if not space.is_active:
        abort(404)
    form = RequestForm()
    if request.method == "GET":
        proposal = proposal_args()
        form.trade.data = proposal.get("trade", "")
        form.title.data = proposal.get("title")
    centres = queries.centres_by_id(current_user.staff_centre_ids)
    locale = current_user.locale
    form.centre_id.choices = [(c.id, c.name(locale)) for c in
                              sorted(centres.values(), key=lambda c: c.id)]
    if form.validate_on_submit():
        try:
            centre = db.session.get(TrainingCentre, form.centre_id.data)
            if centre is None:
                abort(404)
            booking = bookings.request_booking(current_user, space, centre, _booking_data(form))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your request was sent to the municipality."), "success")
            return redirect(url_for("training.booking_page", booking_id=booking.id))
    return render_template("training/request_form.html", form=form, space=space)


@bp.get("/training/bookings")
@login_required
def centre_bookings():
    centre_only()
    rows = queries.centre_bookings(current_user)
    return render_template("training/centre_bookings.html", bookings=rows,
                           courses=queries.courses_of_bookings(b.id for b in rows))


@bp.get("/training/bookings/<int:booking_id>")
@login_required
def booking_page(booking_id):
    booking = bookings.get_booking(current_user, booking_id)
    is_staff = policies.can_decide_booking(current_user, booking)
    report = bookings.session_report(booking) if is_staff else []
    return render_template(
        "training/booking.html", booking=booking, is_staff=is_staff,
        is_centre=policies.can_act_for_booking(current_user, booking),
        report={w.session_id: w for w in report}, reject_form=RejectForm(),
        propose_forms=_propose_forms(booking) if is_staff else {},
        course=queries.courses_of_bookings([booking.id]).get(booking.id))


def _propose_forms(booking) -> dict[int, ProposeForm]:
    """One form per waiting session, each with its own field names, filled with its time."""
    zone = marketplace_zone()
    forms = {}
    for session in booking.sessions:
        if session.status.value in ("requested", "proposed"):
            starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
            forms[session.id] = ProposeForm(prefix=f"s{session.id}", data={
                "day": starts.date(), "starts_at": starts.time(), "ends_at": ends.time()})
    return forms


def _back(booking_id: int):
    return redirect(url_for("training.booking_page", booking_id=booking_id))


def _session_ids() -> list[int]:
    return [int(v) for v in request.form.getlist("session_ids") if v.isdigit()]


@bp.post("/training/bookings/<int:booking_id>/approve")
@login_required
def approve(booking_id):
    booking = bookings.get_booking(current_user, booking_id)
    bookings.approve_sessions(current_user, booking, _session_ids())
    db.session.commit()
    flash(_("The sessions chosen are approved."), "success")
    return _back(booking.id)


@bp.post("/training/bookings/<int:booking_id>/reject")
@login_required
def reject(booking_id):
    booking = bookings.get_booking(current_user, booking_id)
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Give the centre a reason."), "error")
        return _back(booking.id)
    bookings.reject_booking(current_user, booking, form.reason.data, _session_ids() or None)
    db.session.commit()
    flash(_("The booking was rejected; the centre is told why."), "success")
    return _back(booking.id)


@bp.post("/training/bookings/<int:booking_id>/sessions/<int:session_id>/propose")
@login_required
def propose(booking_id, session_id):
    booking = bookings.get_booking(current_user, booking_id)
    form = ProposeForm(prefix=f"s{session_id}")
    if not form.validate_on_submit():
        flash(_("Give the day and the times you propose."), "error")
        return _back(booking.id)
    bookings.propose_time(current_user, booking, session_id, form.day.data,
                          form.starts_at.data, form.ends_at.data, form.note.data or "")
    db.session.commit()
    flash(_("Another time was proposed to the centre."), "success")
    return _back(booking.id)


@bp.post("/training/bookings/<int:booking_id>/sessions/<int:session_id>/accept")
@login_required
def accept(booking_id, session_id):
    booking = bookings.get_booking(current_user, booking_id)
    bookings.accept_proposal(current_user, booking, session_id)
    db.session.commit()
    flash(_("You accepted the proposed time; the session is approved."), "success")
    return _back(booking.id)


@bp.post("/training/bookings/<int:booking_id>/withdraw")
@login_required
def withdraw(booking_id):
    booking = bookings.get_booking(current_user, booking_id)
    bookings.withdraw(current_user, booking, _session_ids() or None)
    db.session.commit()
    flash(_("Withdrawn."), "success")
    return _back(booking.id)


# --- an approved session moved or cancelled (from the conflicts page) --------------------------

def _approved_session(booking_id: int, session_id: int) -> tuple[Booking, TrainingSession]:
    """A booking the user decides for, and one of its approved sessions; else a 404."""
    booking = bookings.get_booking(current_user, booking_id)
    session = next((s for s in booking.sessions if s.id == session_id), None)
    if not policies.can_decide_booking(current_user, booking) or session is None or \
            session.status != SessionStatus.APPROVED:
        abort(404)
    return booking, session


def _move_form_at(session: TrainingSession) -> MoveSessionForm:
    """The move form filled with the session's present time (not with a posted form)."""
    zone = marketplace_zone()
    starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return MoveSessionForm(formdata=None, data={"day": starts.date(), "starts_at": starts.time(),
                                                "ends_at": ends.time()})


def _render_change(booking, session, move_form, cancel_form, status=200):
    return render_template("training/session_change.html", booking=booking, session=session,
                           move_form=move_form, cancel_form=cancel_form), status


@bp.get("/training/bookings/<int:booking_id>/sessions/<int:session_id>/change")
@login_required
def change_session(booking_id, session_id):
    """Move an approved session to another free time, or cancel it with a reason."""
    booking, session = _approved_session(booking_id, session_id)
    return _render_change(booking, session, _move_form_at(session), CancelSessionForm())


@bp.post("/training/bookings/<int:booking_id>/sessions/<int:session_id>/move")
@login_required
def move_session(booking_id, session_id):
    booking, session = _approved_session(booking_id, session_id)
    form = MoveSessionForm()
    if form.validate_on_submit():
        try:
            bookings.move_session(current_user, booking, session.id, form.day.data,
                                  form.starts_at.data, form.ends_at.data, form.reason.data or "")
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            booking, session = _approved_session(booking_id, session_id)
            return _render_change(booking, session, form, CancelSessionForm(),
                                  status=error.status)
        db.session.commit()
        flash(_("The session is moved; the centre and the citizens are told."), "success")
        return _back(booking.id)
    return _render_change(booking, session, form, CancelSessionForm(), status=422)


@bp.post("/training/bookings/<int:booking_id>/sessions/<int:session_id>/cancel")
@login_required
def cancel_session(booking_id, session_id):
    booking, session = _approved_session(booking_id, session_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        bookings.cancel_session(current_user, booking, session.id, form.reason.data)
        db.session.commit()
        flash(_("The session is cancelled; the centre and the citizens are told."), "success")
        return _back(booking.id)
    return _render_change(booking, session, _move_form_at(session), form, status=422)
