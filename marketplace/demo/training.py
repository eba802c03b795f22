"""Demo training spaces and courses: the two rooms of Sardrud's municipal cultural centre (a
design classroom and a loom workshop) and Sahand's multipurpose hall, which the Friday bazaar
uses; a weekly carpet-design course by the Sardrud institute with registrations (full, one on
the waitlist), a one-day course in Sahand by the Osku centre, and a dyeing class still waiting
for the municipality's decision.

`seed(echo)` is idempotent (spaces by venue and name, bookings by centre and title) and goes
through the services as the centres' and municipalities' staff, so the demo holds every rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import TrainingCentre, User
from marketplace.accounts.services import find_user_by_email
from marketplace.booths.models import Venue
from marketplace.core.errors import DomainError
from marketplace.demo.markets import SAHAND_VENUE, SARDRUD_VENUE, _fee
from marketplace.demo.people import OSKU, SARDRUD, demo_email
from marketplace.extensions import db
from marketplace.training.models import Booking, Course, Space
from marketplace.training.recurrence import Series
from marketplace.training.services import bookings, courses, spaces

DESIGN_ROOM = "کلاس طراحی نقشه فرهنگسرای سردرود"
LOOM_ROOM = "کارگاه دار قالی فرهنگسرای سردرود"
SAHAND_HALL = "سالن چندمنظوره میدان بازارچه سهند"
DESIGN_COURSE = "طراحی نقشه تابلو فرش — دوره مقدماتی"
DYEING_CLASS = "کلاس هفتگی رنگرزی سنتی خامه"
ONE_DAY_COURSE = "دوره یک‌روزه بسته‌بندی و فروش آنلاین محصولات دست‌ساز"
# Who registers for the design course (email local parts): six places, one on the waitlist.
DESIGN_REGISTRANTS = ["buyer", "trainee7", "trainee8", "trainee2", "trainee6", "trainee4",
                      "trainee9"]
SAHAND_REGISTRANTS = ["buyer", "trainee10", "trainee11"]


def _user(local: str) -> User | None:
    return find_user_by_email(demo_email(local))


def _space(venue: Venue, staff: User, data: spaces.SpaceData) -> tuple[Space, bool]:
    space = db.session.scalar(select(Space).where(Space.venue_id == venue.id,
                                                  Space.name_fa == data.name_fa))
    if space is not None:
        return space, False
    return spaces.create_space(staff, venue, data), True


def _next(weekday: int, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def _booking(centre: TrainingCentre, title: str) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.centre_id == centre.id,
                                                   Booking.title == title))


def _register(course: Course, locals_: list[str]) -> int:
    made = 0
    for local in locals_:
        user = _user(local)
        if user is None:
            continue
        try:
            with db.session.begin_nested():
                courses.register(user, course)
            made += 1
        except DomainError:
            continue  # already registered on an earlier run
    return made


def _centre(slug: str) -> TrainingCentre | None:
    return db.session.scalar(select(TrainingCentre).where(TrainingCentre.slug == slug))


def seed(echo) -> None:
    venues = {v.name_fa: v for v in db.session.scalars(select(Venue).where(
        Venue.name_fa.in_((SARDRUD_VENUE, SAHAND_VENUE))))}
    sardrud_staff, sahand_staff = _user("municipal.sardrud"), _user("municipal.sahand")
    sardrud_centre, osku_centre = _centre(SARDRUD), _centre(OSKU)
    sardrud_teacher, osku_teacher = _user("staff.sardrud"), _user("staff.osku")
    if len(venues) < 2 or sardrud_staff is None or sahand_staff is None or \
            sardrud_centre is None or osku_centre is None or sardrud_teacher is None or \
            osku_teacher is None:
        echo("training: the booths or accounts demo is missing; skipped")
        return
    design, made = _space(venues[SARDRUD_VENUE], sardrud_staff, spaces.SpaceData(
        name_fa=DESIGN_ROOM, name_en="Sardrud cultural centre — design classroom",
        description="کلاس روشن با میز نقشه‌کشی و رایانه برای طراحی و کدنویسی نقشه.",
        capacity=16, opens_at=time(8, 0), closes_at=time(20, 0),
        equipment=["projector", "power", "whiteboard", "computers"], is_accessible=True,
        accessibility_note="ورودی هم‌سطح و آسانسور", open_weekdays=[5, 6, 0, 1, 2, 3]))
    looms, made_looms = _space(venues[SARDRUD_VENUE], sardrud_staff, spaces.SpaceData(
        name_fa=LOOM_ROOM, name_en="Sardrud cultural centre — loom workshop",
        description="کارگاه با شش دار قالی، سینک و دیگ رنگرزی.", capacity=12,
        opens_at=time(9, 0), closes_at=time(18, 0), equipment=["looms", "sinks", "power"],
        open_weekdays=[5, 6, 0, 1, 2, 3]))
    hall, made_hall = _space(venues[SAHAND_VENUE], sahand_staff, spaces.SpaceData(
        name_fa=SAHAND_HALL, name_en="Sahand bazaar square — multipurpose hall",
        description="سالن چندمنظوره کنار میدان بازارچه؛ جمعه‌ها بازارچه از آن استفاده می‌کند.",
        capacity=40, opens_at=time(8, 0), closes_at=time(18, 0),
        equipment=["projector", "power", "whiteboard"], is_accessible=True,
        used_by_markets=True))
    echo(f"training: spaces ({int(made) + int(made_looms) + int(made_hall)} created)")

    today = datetime.now(UTC).date()
    booking = _booking(sardrud_centre, DESIGN_COURSE)
    if booking is None:
        booking = bookings.request_booking(
            sardrud_teacher, design, sardrud_centre, bookings.BookingData(
                kind="class", title=DESIGN_COURSE, expected_attendance=12,
                equipment_needs=["projector", "computers"], starts_at=time(16, 0),
                ends_at=time(18, 0), series=Series((5, 0), 1, today + timedelta(days=2),
                                                   today + timedelta(days=44))))
        bookings.approve_sessions(sardrud_staff, booking, [s.id for s in booking.sessions])
    course = db.session.scalar(select(Course).where(Course.booking_id == booking.id))
    if course is None and booking.approved_sessions:
        course = courses.publish_course(sardrud_teacher, booking, courses.CourseData(
            title=DESIGN_COURSE, trade="carpet_design", teacher="استاد مریم حسین‌زاده",
            capacity=6, waitlist_size=5, audience="جوانان سردرود، بدون نیاز به پیش‌زمینه",
            description="طراحی نقشه‌ی تابلو فرش از طرح اولیه تا نقشه‌ی شطرنجی رنگ‌شده؛ "
                        "شنبه‌ها و دوشنبه‌ها، شش هفته."))
    if course is not None:
        echo(f"training: carpet-design course ({_register(course, DESIGN_REGISTRANTS)} "
             "registrations added)")

    one_day = _booking(osku_centre, ONE_DAY_COURSE)
    if one_day is None:
        one_day = bookings.request_booking(
            osku_teacher, hall, osku_centre, bookings.BookingData(
                kind="one_day_course", title=ONE_DAY_COURSE, expected_attendance=30,
                equipment_needs=["projector"], starts_at=time(9, 0), ends_at=time(13, 0),
                day=_next(3, today + timedelta(days=3))))  # a Thursday, not the bazaar's Friday
        bookings.approve_sessions(sahand_staff, one_day, [s.id for s in one_day.sessions])
    if db.session.scalar(select(Course.id).where(Course.booking_id == one_day.id)) is None:
        sahand_course = courses.publish_course(osku_teacher, one_day, courses.CourseData(
            title=ONE_DAY_COURSE, trade="business", teacher="مهدی کاظمی",
            capacity=30, waitlist_size=10, fee_amount=_fee(
                current_app.config["MARKETPLACE_CURRENCY"], 1) // 2,
            audience="کارآموزان و صاحبان کارگاه‌های خانگی سهند و اسکو",
            description="عکاسی از محصول، بسته‌بندی، قیمت‌گذاری و فروش در فروشگاه مجازی."))
        _register(sahand_course, SAHAND_REGISTRANTS)
    echo("training: one-day course in Sahand by the Osku centre")

    if _booking(sardrud_centre, DYEING_CLASS) is None:
        bookings.request_booking(
            sardrud_teacher, looms, sardrud_centre, bookings.BookingData(
                kind="class", title=DYEING_CLASS, expected_attendance=10,
                equipment_needs=["sinks"], starts_at=time(10, 0), ends_at=time(12, 0),
                series=Series((6,), 1, today + timedelta(days=2), today + timedelta(days=30))))
        echo("training: a dyeing class waiting for Sardrud's decision")
