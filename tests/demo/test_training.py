"""The demo training world: Sardrud's cultural centre with two rooms, a carpet-design course
by the Sardrud institute with registrations (and its waitlist), a one-day course in Sahand by
the Osku centre, both on the public calendar; nothing new on a second run."""

from sqlalchemy import func, select

from marketplace.demo import markets, people, training
from marketplace.training.models import (
    Booking,
    BookingStatus,
    Course,
    Registration,
    RegistrationStatus,
    Space,
)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_training_world_is_seeded_once_and_public(app, db, client, create_category):
    for slug in ("carpet-tableau", "pottery"):
        create_category(slug=slug)
    lines: list[str] = []
    for step in (people.seed, markets.seed, training.seed):
        step(lines.append)
        db.session.commit()

    sardrud_rooms = db.session.scalars(select(Space).where(Space.name_fa.in_(
        (training.DESIGN_ROOM, training.LOOM_ROOM)))).all()
    assert len(sardrud_rooms) == 2
    assert {room.venue.name_fa for room in sardrud_rooms} == {markets.SARDRUD_VENUE}
    design = db.session.scalar(select(Course).where(Course.title == training.DESIGN_COURSE))
    assert design.centre.slug == people.SARDRUD and design.trade == "carpet_design"
    states = [r.status for r in design.registrations]
    assert states.count(RegistrationStatus.REGISTERED) == design.capacity
    assert RegistrationStatus.WAITLISTED in states
    one_day = db.session.scalar(select(Course).where(Course.title == training.ONE_DAY_COURSE))
    assert one_day.centre.slug == people.OSKU and len(one_day.sessions) == 1
    assert one_day.space.venue.name_fa == markets.SAHAND_VENUE
    assert db.session.scalar(select(Booking.status).where(
        Booking.title == training.DYEING_CLASS)) == BookingStatus.PENDING

    calendar = client.get("/courses?lang=fa").get_data(as_text=True)
    assert training.DESIGN_COURSE in calendar and training.ONE_DAY_COURSE in calendar

    before = [count(db, model) for model in (Space, Booking, Course, Registration)]
    training.seed(lines.append)
    db.session.commit()
    assert [count(db, model) for model in (Space, Booking, Course, Registration)] == before
