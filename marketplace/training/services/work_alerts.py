"""Buyers who asked to hear when a course's graduates list work in its trade, and telling
them: when a listing of a trainee who attended that course (attendance recorded) is approved
in a category of the course's trade (labels.TRADE_CATEGORY_SLUGS), each buyer who opted in is
told once per listing (a notice with a dedupe key), however many such courses the trainee
attended and however often the listing is approved again.

Any signed-in person may opt in: the search log keeps no personal data (issue 3), so whether
someone searched for the trade cannot be known, and asking is harmless.

Catalogue sends `listing_approved` (catalogue.signals); the app factory connects
`on_listing_approved` to it, so catalogue never imports training.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import User
from marketplace.catalogue.models import Category, Product
from marketplace.core.errors import Forbidden
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.training import policies
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.labels import TRADE_CATEGORY_SLUGS
from marketplace.training.models import Attendance, Course, Registration, WorkAlert


def has_work_alert(user, course: Course) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(WorkAlert.id).where(
        WorkAlert.course_id == course.id, WorkAlert.user_id == user.id)) is not None


def trade_has_work(trade: str) -> bool:
    """Whether a trade's graduates list goods anywhere (else nothing to hear of)."""
    return bool(TRADE_CATEGORY_SLUGS.get(trade))


def opt_in(actor: User, course: Course) -> bool:
    """Hear of work by the course's graduates; True when the wish is new (asking twice is
    harmless)."""
    if not policies.can_register(actor):
        raise Forbidden(_("Please log in first."), code=TrainingErrorCode.NOT_REGISTERED)
    if has_work_alert(actor, course):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(WorkAlert(course_id=course.id, user_id=actor.id))
            db.session.flush()
    except IntegrityError:  # the same wish from a parallel request
        return False
    return True


def opt_out(actor: User, course: Course) -> None:
    db.session.execute(delete(WorkAlert).where(WorkAlert.course_id == course.id,
                                               WorkAlert.user_id == actor.id))


def _category_slugs(category_id: int) -> set[str]:
    """The slugs a listing's category matches by: its own and its parent's."""
    category = db.session.get(Category, category_id)
    if category is None:
        return set()
    return {category.slug} | ({category.parent.slug} if category.parent else set())


def courses_matching(product: Product) -> list[Course]:
    """The courses whose trade covers the listing's category and that its trainee attended
    (at least one session marked present)."""
    slugs = _category_slugs(product.category_id)
    trades = [trade for trade, covered in TRADE_CATEGORY_SLUGS.items() if slugs & set(covered)]
    if not trades:
        return []
    return list(db.session.scalars(
        select(Course).join(Registration, Registration.course_id == Course.id)
        .join(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.user_id == product.trainee.user_id, Course.trade.in_(trades))
        .distinct().order_by(Course.id)))


def on_listing_approved(product: Product, **_extra) -> None:
    """catalogue's `listing_approved`: tell the buyers who opted in on a matching course."""
    courses = {course.id: course for course in courses_matching(product)}
    if not courses:
        return
    graduate = product.trainee.user_id
    told: set[int] = set()
    for alert in db.session.scalars(
            select(WorkAlert).where(WorkAlert.course_id.in_(sorted(courses)))
            .options(joinedload(WorkAlert.user)).order_by(WorkAlert.id)):
        if alert.user_id in told or alert.user_id == graduate or alert.user.is_disabled:
            continue
        told.add(alert.user_id)
        course = courses[alert.course_id]
        notify(alert.user, EventKind.GRADUATE_WORK, {
            "course": course.title, "title_fa": product.title_fa,
            "title_en": product.title_en or "", "store": product.trainee.store_name},
            link=site_path("catalogue.product", product_id=product.id),
            dedupe_key=f"graduate-work:{product.id}")
