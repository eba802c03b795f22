"""Training API: spaces and blocks (municipal staff), bookings and decisions (centres and
staff), courses (public), registrations and attendance.

Someone else's space, booking or course is a 404; deciding a booking of another
municipality's space is a 403 `not_space_staff`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.models import TrainingCentre
from marketplace.booths.models import Venue
from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api
from marketplace.core.db import utcnow
from marketplace.core.errors import Forbidden, NotFound
from marketplace.extensions import db
from marketplace.training import policies, queries
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.labels import RRULE_DAYS
from marketplace.training.models import Booking, Course, Space
from marketplace.training.recurrence import Series
from marketplace.training.schemas import (
    AttendanceInSchema,
    AttendanceResultSchema,
    BookingInSchema,
    BookingSchema,
    CalendarArgsSchema,
    CancelSessionInSchema,
    CourseInSchema,
    CourseSchema,
    LateConflictSchema,
    MoveInSchema,
    ProposeInSchema,
    PublicSpaceSchema,
    RegistrationSchema,
    RejectInSchema,
    SessionIdsInSchema,
    TrainingBlockInSchema,
    TrainingBlockSchema,
    TrainingSpaceInSchema,
    TrainingSpaceSchema,
    WithdrawInSchema,
    WorkAlertSchema,
)
from marketplace.training.services import bookings, courses, spaces, work_alerts
from marketplace.training.services.availability import conflicts_for_staff

blp = api_blueprint("training_api", __name__, "/training",
                    "Training spaces and courses: municipal rooms booked by centres, session "
                    "by session, and public courses citizens register for.")


def _weekdays(codes) -> list[int]:
    return sorted({RRULE_DAYS.index(code) for code in codes})


def _space_data(data: dict) -> spaces.SpaceData:
    values = {k: v for k, v in data.items() if k != "venue_id"}
    values["open_weekdays"] = _weekdays(values["open_weekdays"])
    return spaces.SpaceData(**values)


def _booking_out(booking: Booking, with_checks: bool) -> Booking:
    """The booking, its waiting sessions annotated for the space's staff with what stands in
    the way of approving them now (read by TrainingSessionSchema, per request only)."""
    report = {w.session_id: w for w in bookings.session_report(booking)} if with_checks else {}
    for session in booking.sessions:
        checked = report.get(session.id)
        if session.status.value not in ("requested", "proposed"):
            checked = None
        # Not columns: plain attributes of this request's objects, for the schema (set on
        # every session, so an object the session kept from an earlier call shows no others').
        setattr(session, "problems", [  # noqa: B010
            {"code": str(p.code), "message": str(p.message)} for p in checked.problems
        ] if checked else [])
        setattr(session, "conflicting_session_ids",  # noqa: B010
                [s.id for s in checked.conflicts] if checked else [])
    return booking


# --- spaces ----------------------------------------------------------------------------------

@blp.route("/spaces")
class Spaces(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TrainingSpaceSchema(many=True))
    @login_required_api
    def get(self):
        """Every space taking bookings (for centres choosing one)."""
        return queries.bookable_spaces()

    @blp.doc(security=BEARER)
    @blp.arguments(TrainingSpaceInSchema)
    @blp.response(201, TrainingSpaceSchema)
    @login_required_api
    def post(self, data):
        """Describe a new space in a venue of your municipality."""
        venue = db.session.get(Venue, data["venue_id"])
        if venue is None:
            raise NotFound(_("That venue does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
        space = spaces.create_space(current_user, venue, _space_data(data))
        db.session.commit()
        return space


@blp.route("/spaces/<int:space_id>")
class SpaceResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TrainingSpaceSchema)
    @login_required_api
    def get(self, space_id):
        """A space."""
        return spaces.get_space(space_id)

    @blp.doc(security=BEARER)
    @blp.arguments(TrainingSpaceInSchema)
    @blp.response(200, TrainingSpaceSchema)
    @login_required_api
    def put(self, data, space_id):
        """Change a space of your municipality (its venue stays)."""
        space = spaces.get_space_for_staff(current_user, space_id)
        spaces.update_space(current_user, space, _space_data(data))
        db.session.commit()
        return space


@dataclass
class PublicSpacePage:
    space: Space
    courses: list[Course]


@blp.route("/spaces/<int:space_id>/public")
class PublicSpace(MethodView):
    @blp.response(200, PublicSpaceSchema)
    def get(self, space_id):
        """A space as anyone sees it on its public page (no account needed): where, how big,
        its equipment and hours, and the public courses coming up there."""
        space = queries.public_space(space_id)
        if space is None:
            raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
        return PublicSpacePage(space, queries.public_courses(
            queries.CalendarFilters(space_id=space.id), utcnow()))


@blp.route("/spaces/<int:space_id>/blocks")
class SpaceBlocks(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(TrainingBlockInSchema)
    @blp.response(201, TrainingBlockSchema)
    @login_required_api
    def post(self, data, space_id):
        """Block a period (repairs, an official event)."""
        space = spaces.get_space_for_staff(current_user, space_id)
        block = spaces.block_space(current_user, space, spaces.BlockData(
            data["starts_on"], data["ends_on"], data["reason"].value, data["note"]))
        db.session.commit()
        return block


# --- bookings --------------------------------------------------------------------------------

@blp.route("/spaces/<int:space_id>/bookings")
class SpaceBookings(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BookingInSchema)
    @blp.response(201, BookingSchema)
    @login_required_api
    def post(self, data, space_id):
        """Request the space for one session (`day`) or a series (`series`), for your centre."""
        space = spaces.get_space(space_id)
        centre = db.session.get(TrainingCentre, data["centre_id"])
        if centre is None:
            raise NotFound(_("That centre does not exist."),
                           code=TrainingErrorCode.UNKNOWN_BOOKING)
        series = None
        if data.get("series") is not None:
            given = data["series"]
            series = Series(tuple(_weekdays(given["weekdays"])), given["every_weeks"],
                            given["starts_on"], given["ends_on"])
        booking = bookings.request_booking(current_user, space, centre, bookings.BookingData(
            kind=data["kind"].value, title=data["title"],
            expected_attendance=data["expected_attendance"],
            equipment_needs=data["equipment_needs"], starts_at=data["starts_at"],
            ends_at=data["ends_at"], day=data["day"], series=series, note=data["note"],
            trade=data["trade"]))
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/conflicts")
class Conflicts(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, LateConflictSchema(many=True))
    @login_required_api
    def get(self):
        """Approved sessions still to come that a later block or open market day of their
        space falls on, in your municipality's spaces (every space for an admin), soonest
        first. Anyone but municipal staff gets a 403 `not_space_staff`."""
        if not policies.can_create_spaces(current_user):
            raise Forbidden(_("Only municipal staff see the conflicts of their spaces."),
                            code=TrainingErrorCode.NOT_SPACE_STAFF)
        return conflicts_for_staff(current_user)


@blp.route("/bookings")
class Bookings(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BookingSchema(many=True))
    @login_required_api
    def get(self):
        """Your centres' bookings and the bookings of your municipality's spaces."""
        found = {b.id: b for b in queries.centre_bookings(current_user)}
        if current_user.is_municipal_staff or current_user.is_admin:
            found.update({b.id: b for b in queries.staff_requests(current_user)})
        return [_booking_out(b, with_checks=False)
                for b in sorted(found.values(), key=lambda b: -b.id)]


@blp.route("/bookings/<int:booking_id>")
class BookingResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BookingSchema)
    @login_required_api
    def get(self, booking_id):
        """A booking, session by session; the space's staff also see what stands in the way of
        approving each waiting session (problems, overlapping approved sessions)."""
        booking = bookings.get_booking(current_user, booking_id)
        return _booking_out(booking, policies.can_decide_booking(current_user, booking))


@blp.route("/bookings/<int:booking_id>/approve")
class ApproveBooking(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SessionIdsInSchema)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, data, booking_id):
        """Approve the sessions named, all or none (409 `session_conflict` if one overlaps)."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.approve_sessions(current_user, booking, data["session_ids"])
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/reject")
class RejectBooking(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RejectInSchema)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, data, booking_id):
        """Reject the sessions named, or every session still waiting, with a reason."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.reject_booking(current_user, booking, data["reason"],
                                data["session_ids"] or None)
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/sessions/<int:session_id>/propose")
class ProposeTime(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ProposeInSchema)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, data, booking_id, session_id):
        """Propose another time for one session; the centre accepts or withdraws it."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.propose_time(current_user, booking, session_id, data["day"],
                              data["starts_at"], data["ends_at"], data["note"])
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/sessions/<int:session_id>/accept")
class AcceptProposal(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, booking_id, session_id):
        """Accept the time proposed for a session: it is approved at that time if still free."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.accept_proposal(current_user, booking, session_id)
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/sessions/<int:session_id>/move")
class MoveSession(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(MoveInSchema)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, data, booking_id, session_id):
        """Move an approved session to another free time (the space's staff): the same checks
        as approving (422 for hours, blocks, markets, the past; 409 `session_conflict` for an
        approved session there; 409 `session_started` for a session that has started or taken
        place). The centre and the course's citizens are told."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.move_session(current_user, booking, session_id, data["day"],
                              data["starts_at"], data["ends_at"], data["reason"])
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/sessions/<int:session_id>/cancel")
class CancelSession(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CancelSessionInSchema)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, data, booking_id, session_id):
        """Cancel an approved session with a reason (the space's staff); it frees the space.
        The centre and the course's citizens are told. A session that has started or taken
        place is refused (409 `session_started`)."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.cancel_session(current_user, booking, session_id, data["reason"])
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/withdraw")
class WithdrawBooking(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(WithdrawInSchema)
    @blp.response(200, BookingSchema)
    @login_required_api
    def post(self, data, booking_id):
        """Withdraw the sessions named, or the whole booking."""
        booking = bookings.get_booking(current_user, booking_id)
        bookings.withdraw(current_user, booking, data["session_ids"] or None)
        db.session.commit()
        return _booking_out(booking, with_checks=False)


@blp.route("/bookings/<int:booking_id>/course")
class BookingCourse(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CourseInSchema)
    @blp.response(201, CourseSchema)
    @login_required_api
    def post(self, data, booking_id):
        """Publish a public course on an approved booking of your centre."""
        booking = bookings.get_booking(current_user, booking_id)
        course = courses.publish_course(current_user, booking, courses.CourseData(**data))
        db.session.commit()
        return course


# --- courses and registrations ---------------------------------------------------------------

@blp.route("/courses")
class Courses(MethodView):
    @blp.arguments(CalendarArgsSchema, location="query")
    @blp.response(200, CourseSchema(many=True))
    def get(self, args):
        """The public course calendar: courses still to come, by city, trade and from a day."""
        return queries.public_courses(queries.CalendarFilters(**args), utcnow())


@blp.route("/courses/<int:course_id>")
class CourseResource(MethodView):
    @blp.response(200, CourseSchema)
    def get(self, course_id):
        """A course."""
        return courses.get_course(course_id)


@blp.route("/courses/<int:course_id>/registrations")
class CourseRegistrations(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RegistrationSchema(many=True))
    @login_required_api
    def get(self, course_id):
        """Everyone on the course (its centre's staff): registered, waiting, cancelled."""
        course = courses.get_course_for_centre(current_user, course_id)
        return queries.course_registrations(course)

    @blp.doc(security=BEARER)
    @blp.response(201, RegistrationSchema)
    @login_required_api
    def post(self, course_id):
        """Register yourself: a place, or the waitlist when the places are taken."""
        course = courses.get_course(course_id)
        registration = courses.register(current_user, course)
        db.session.commit()
        return registration


@blp.route("/courses/<int:course_id>/work-alert")
class CourseWorkAlert(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, WorkAlertSchema)
    @login_required_api
    def get(self, course_id):
        """Whether you are told when this course's graduates list work in its trade."""
        course = courses.get_course(course_id)
        return {"course_id": course.id, "following": work_alerts.has_work_alert(
            current_user, course)}

    @blp.doc(security=BEARER)
    @blp.response(200, WorkAlertSchema)
    @login_required_api
    def put(self, course_id):
        """Be told (once per listing) when a trainee who attended this course gets a listing
        approved in a category of its trade. Any signed-in person may ask; asking twice is
        harmless."""
        course = courses.get_course(course_id)
        work_alerts.opt_in(current_user, course)
        db.session.commit()
        return {"course_id": course.id, "following": True}

    @blp.doc(security=BEARER)
    @blp.response(200, WorkAlertSchema)
    @login_required_api
    def delete(self, course_id):
        """Stop being told of this course's graduates' work."""
        course = courses.get_course(course_id)
        work_alerts.opt_out(current_user, course)
        db.session.commit()
        return {"course_id": course.id, "following": False}


@blp.route("/registrations/<int:registration_id>")
class RegistrationResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RegistrationSchema)
    @login_required_api
    def delete(self, registration_id):
        """Cancel a registration (yours, or on your centre's course); the waitlist moves up."""
        registration = courses.get_registration(current_user, registration_id)
        courses.cancel_registration(current_user, registration)
        db.session.commit()
        return registration


@blp.route("/courses/<int:course_id>/sessions/<int:session_id>/attendance")
class SessionAttendance(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AttendanceInSchema)
    @blp.response(200, AttendanceResultSchema)
    @login_required_api
    def put(self, data, course_id, session_id):
        """Who was present at a session of your centre's course."""
        course = courses.get_course_for_centre(current_user, course_id)
        present = courses.mark_attendance(current_user, course, session_id,
                                          data["registration_ids"])
        db.session.commit()
        return {"present": present}
