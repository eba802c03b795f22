"""A small marketplace for tests that drive every API operation (tests/core/test_api_contract.py,
tests/core/test_api_any_body.py): a buyer and a trainee with tokens, and one of each thing the
operations act on, so that generated requests reach the real code and not only a 404.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import schemathesis

from marketplace.catalogue.models import ProductStatus
from marketplace.extensions import db
from tests.factories.catalogue import png_bytes

# The roles the contract test calls as (staff: of the seeded venue's municipality and of the
# trainee's centre). API_ROLES=trainee,staff narrows a hunt.
ROLES = tuple(os.environ.get("API_ROLES", "anonymous,buyer,trainee,staff,admin").split(","))


def _spec() -> dict:
    from marketplace import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get("/api/openapi.json").json


# The API document, read once per process (building it needs no database).
SPEC = _spec()

# NUL characters in text are refused as bad input (wt-input's part of issue 13); the document
# does not spell that out per field, so the generator leaves them out here; the any-body
# property test (test_api_any_body.py) sends them.
CONFIG = schemathesis.Config.from_dict({"generation": {"allow-x00": False}})
_schemas: list = []


def forget_request_globals() -> None:
    """The tests keep an app context open, which Flask reuses for every request: forget the
    signed-in user and the locale of the last request, as tests/conftest.py's Client does for
    the test client (schemathesis calls the app with a client of its own)."""
    from flask import g

    for name in ("_login_user", "_flask_babel", "csrf_token"):
        g.pop(name, None)


def api_schema(app):
    """SPEC loaded in schemathesis once per process (loading costs more than a test's
    requests). Its operations keep the app they were first made with: calls must name the
    test's own app (`case.call(app=app)`)."""
    if not _schemas:
        _schemas.append(schemathesis.openapi.from_dict(SPEC, config=CONFIG))
    _schemas[0].app = app
    return _schemas[0]


@dataclass
class World:
    headers: dict[str, dict[str, str]]
    # Path parameter values that name a seeded object, by parameter name.
    path_parameters: dict[str, object] = field(default_factory=dict)


FACTORIES = ("create_user", "create_trainee", "create_product", "carpet_category",
             "create_municipal_staff", "create_venue", "create_booth", "create_market",
             "create_application", "create_assignment", "set_shipping_fee", "fill_cart",
             "place_test_order", "api_token")


def build_world(*, create_user, create_trainee, create_product, carpet_category,
                create_municipal_staff, create_venue, create_booth, create_market,
                create_application, create_assignment, set_shipping_fee, fill_cart,
                place_test_order, api_token) -> World:
    from marketplace.booths.services import allocation_runs
    from marketplace.catalogue.services import images

    trainee = create_trainee()
    other_trainee = create_trainee(centre=trainee.centre)
    buyer = create_user()
    set_shipping_fee(trainee)
    set_shipping_fee(other_trainee)
    product = create_product(trainee=trainee, category=carpet_category, stock=50,
                             attributes={"width_cm": 40})
    create_product(trainee=trainee, category=carpet_category, status=ProductStatus.DRAFT,
                   attributes={"width_cm": 30})
    for_sale = create_product(trainee=other_trainee, category=carpet_category, stock=50,
                              attributes={"width_cm": 60})
    image = images.add_product_image(trainee.user, product, png_bytes(), "a photo")
    product.status = ProductStatus.ACTIVE  # a new photo waits for review: approved again
    db.session.commit()

    order = place_test_order(buyer, for_sale, fulfilment="shipping")
    sold = place_test_order(create_user(), (product, 2), fulfilment="shipping")
    cart = fill_cart(buyer, (product, 1))

    venue = create_venue()
    staff = create_municipal_staff(municipality=venue.municipality)
    booth = create_booth(venue)
    create_booth(venue)
    market = create_market(venue=venue, categories=[(carpet_category, None)])
    day = market.days[0]
    application = create_application(market, trainee=trainee, category=carpet_category)
    assignment = create_assignment(booth, market.days[1], trainee)
    run = allocation_runs.preview_allocation(staff, market)
    db.session.commit()
    # A freed booth-day offered to the trainee from the waitlist, waiting for an answer.
    from datetime import timedelta

    from marketplace.booths.models import BoothOffer
    from marketplace.core.db import utcnow

    offer = BoothOffer(market_day_id=market.days[2].id, booth_id=booth.id,
                       application_id=application.id, trainee_id=trainee.id,
                       expires_at=utcnow() + timedelta(days=1))
    db.session.add(offer)
    db.session.commit()

    from marketplace.accounts.models import CentreStaff

    db.session.add(CentreStaff(user=staff, centre=trainee.centre))
    from marketplace.notifications.models import EventKind, Notification

    notice = Notification(recipient_id=buyer.id, kind=EventKind.ORDER_PAID, title="Order paid",
                          body="", context={})
    db.session.add(notice)
    db.session.commit()
    training = _training_world(staff, venue, trainee.centre, buyer)
    admin = create_user(is_admin=True)
    headers = {"anonymous": {}, "buyer": api_token(buyer), "trainee": api_token(trainee.user),
               "staff": api_token(staff), "admin": api_token(admin)}
    from marketplace.accounts.models import ApiToken

    token_id = db.session.scalars(db.select(ApiToken.id).where(
        ApiToken.user_id == buyer.id)).first()
    from marketplace.accounts import invitations

    invitation, _token = invitations.invite_staff(
        staff, trainee.centre, invitations.parse_invitee("colleague@example.org", None))
    from marketplace.reports.models import TermSkill

    skill = TermSkill(term="نقشه", skill_fa="نقشه‌کشی فرش", skill_en="Pattern coding")
    db.session.add(skill)
    db.session.commit()
    return World(headers=headers, path_parameters={
        "product_id": product.id, "image_id": image.id, "token_id": token_id,
        "centre_id": trainee.centre_id, "centre_slug": trainee.centre.slug,
        "municipality_id": venue.municipality_id, "trainee_id": other_trainee.id,
        "store_slug": trainee.store_slug, "venue_id": venue.id, "booth_id": booth.id,
        "market_id": market.id, "day_id": day.id, "application_id": application.id,
        "assignment_id": assignment.id, "line_id": cart.lines[0].id, "number": order.number,
        "vendor_order_id": sold.vendor_orders[0].id, "run_id": run.id, "action": "suspend",
        **training,
        "offer_id": offer.id,
        "notification_id": notice.id,
        "invitation_id": invitation.id,
        "entry_id": skill.id,
    })


def _training_world(staff, venue, centre, buyer) -> dict[str, int]:
    """A room in the venue; one booking of it by the centre approved and carrying a course the
    buyer registered for, another waiting for a decision (issue 20)."""
    from datetime import UTC, datetime, time, timedelta

    from marketplace.training.models import Space
    from marketplace.training.services import bookings, courses

    space = Space(venue=venue, name_fa="کلاس", capacity=20, equipment=["power"],
                  opens_at=time(8, 0), closes_at=time(20, 0), open_weekdays=list(range(7)))
    db.session.add(space)
    db.session.flush()
    day = (datetime.now(UTC) + timedelta(days=7)).date()

    def booking(hour: int):
        return bookings.request_booking(staff, space, centre, bookings.BookingData(
            kind="class", title="Class", expected_attendance=10, starts_at=time(hour, 0),
            ends_at=time(hour + 2, 0), day=day))

    held, waiting = booking(9), booking(14)
    bookings.approve_sessions(staff, held, [held.sessions[0].id])
    course = courses.publish_course(staff, held, courses.CourseData(
        title="Course", trade="dyeing", teacher="Teacher", capacity=10))
    registration = courses.register(buyer, course)
    db.session.commit()
    return {"space_id": space.id, "booking_id": waiting.id,
            "session_id": waiting.sessions[0].id, "course_id": course.id,
            "registration_id": registration.id}


class ServerErrors:
    """Collects the exceptions behind 500 answers (core.errors logs each one)."""

    def __init__(self):
        import logging

        self.errors: list[BaseException | None] = []
        outer = self

        class Handler(logging.Handler):
            def emit(self, record):
                outer.errors.append(record.exc_info[1] if record.exc_info else None)

        self.handler = Handler(level=logging.ERROR)
        self.logger = logging.getLogger("marketplace.core.errors")

    def __enter__(self):
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)

    def take(self) -> BaseException | None:
        error = self.errors[-1] if self.errors else None
        self.errors.clear()
        return error
