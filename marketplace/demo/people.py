"""Demo people and organisations, from the seed articles: the Osku technical and vocational
centre, private institutes in Sahand and Sardrud, carpet-tableau trainees from Sardrud, the
municipalities of Sahand and Sardrud with their staff, a buyer and an administrator — and the
logins `flask seed-demo` prints for them.

`seed(echo)` is idempotent: everything is looked up by email or slug before it is created.
Rows are written directly (no mail is queued).
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import (
    CentreKind,
    CentreStaff,
    Municipality,
    MunicipalStaff,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)
from marketplace.accounts.services import find_user_by_email
from marketplace.core.auth import hash_password
from marketplace.core.db import utcnow
from marketplace.extensions import db

DEMO_PASSWORD = "bazaarche-demo"  # noqa: S105 - documented demo password, printed by seed-demo
DOMAIN = "demo.bazaarche.ir"  # every demo login is <local part>@DOMAIN
PROVINCE = "آذربایجان شرقی"

CENTRES = [
    # slug, kind, name_fa, name_en, city
    ("osku-tvto", CentreKind.PUBLIC, "مرکز آموزش فنی و حرفه‌ای اسکو",
     "Osku Technical and Vocational Training Centre", "اسکو"),
    ("sahand-handicrafts-institute", CentreKind.PRIVATE, "آموزشگاه آزاد صنایع دستی سهند",
     "Sahand Handicrafts Private Institute", "سهند"),
    ("sardrud-carpet-tableau-institute", CentreKind.PRIVATE, "آموزشگاه آزاد تابلو فرش سردرود",
     "Sardrud Carpet Tableau Private Institute", "سردرود"),
]

MUNICIPALITIES = [
    ("sahand", "شهرداری سهند", "Sahand Municipality", "سهند"),
    ("sardrud", "شهرداری سردرود", "Sardrud Municipality", "سردرود"),
]

ADMIN = ("admin", "مدیر سامانه بازارچه")
BUYER = ("buyer", "نیلوفر احمدی")
BUYER_PHONE = "+989141234567"
# A second buyer, whose pickup on a closed market day was rebooked (demo.pickups).
SECOND_BUYER = ("buyer2", "سارا محمدی")
SECOND_BUYER_PHONE = "+989141234568"

# email local part, name, centre slug
CENTRE_STAFF = [
    ("staff.osku", "مهدی کاظمی", "osku-tvto"),  # head of the Osku centre (seed article)
    ("staff.sahand", "نسرین یوسفی", "sahand-handicrafts-institute"),
    ("staff.sardrud", "رقیه سلیمانی", "sardrud-carpet-tableau-institute"),
]

# email local part, name, municipality slug
MUNICIPAL_STAFF = [
    ("municipal.sahand", "کامران نجفی", "sahand"),
    ("municipal.sardrud", "پریسا امینی", "sardrud"),
]

SARDRUD = "sardrud-carpet-tableau-institute"
OSKU = "osku-tvto"
SAHAND = "sahand-handicrafts-institute"

# n, name, centre, trade (a code of accounts.trades), store name, store slug, bio, status, reason
TRAINEES = [
    (1, "زهرا رحیمی", SARDRUD, "carpet_weaving", "تابلو فرش رحیمی", "rahimi-tableau",
     "بافنده‌ی تابلو فرش ابریشم و پشم با نقشه‌های منظره و مینیاتور؛ هر تابلو یک‌دانه است.",
     TraineeStatus.VERIFIED, None),
    (2, "فاطمه اصغرزاده", SARDRUD, "carpet_weaving", "گالری فرش اصغرزاده", "asgharzadeh-gallery",
     "تابلو فرش‌های چهره و گل‌ومرغ، با رج‌شمار ۵۰ تا ۷۰.",
     TraineeStatus.VERIFIED, None),
    (3, "مریم حسین‌زاده", SARDRUD, "carpet_design", "نقشه‌ی مریم", "maryam-designs",
     "طراحی و کدنویسی نقشه‌ی تابلو فرش به سفارش بافنده‌ها.",
     TraineeStatus.VERIFIED, None),
    (4, "علی قربانی", SARDRUD, "carpet_weaving", "کارگاه قربانی", "ghorbani-workshop",
     "کارگاه خانوادگی در سردرود؛ تابلوهای آیات و خوشنویسی.",
     TraineeStatus.VERIFIED, None),
    (5, "رضا باقری", SARDRUD, "dyeing", "رنگ‌های باقری", "bagheri-dyes",
     "رنگرزی خامه‌ی پشم با رنگ‌های گیاهی برای تابلو فرش.",
     TraineeStatus.VERIFIED, None),
    (6, "سمیه نوروزی", SARDRUD, "carpet_weaving", "نقش نوروزی", "nowruzi-tableau",
     "تابلو فرش‌های کوچک برای هدیه، در قاب چوبی.",
     TraineeStatus.VERIFIED, None),
    (7, "لیلا عباس‌زاده", SARDRUD, "carpet_weaving", "تابلو فرش لیلا", "leila-tableau",
     "تازه دوره را تمام کرده‌ام و اولین تابلوهایم آماده‌ی فروش است.",
     TraineeStatus.PENDING, None),
    (8, "حسن ملکی", SARDRUD, "pattern_coding", "نقشه‌های ملکی", "maleki-patterns",
     "کدنویسی نقشه و چاپ نقشه‌ی شطرنجی برای بافندگان.",
     TraineeStatus.PENDING, None),
    (9, "نرگس جعفری", OSKU, "pottery", "سفال نرگس", "narges-pottery",
     "سفال لعابی و ظروف دست‌ساز با نقش‌های آذربایجانی.",
     TraineeStatus.VERIFIED, None),
    (10, "سارا محمدی", SAHAND, "pastry", "شیرینی سارا", "sara-sweets",
     "قرابیه، نان برنجی و شیرینی‌های سنتی تبریز، تازه برای هر بازارچه.",
     TraineeStatus.VERIFIED, None),
    (11, "مهسا کریمی", OSKU, "tailoring", "دوخت مهسا", "mahsa-tailoring",
     "لباس محلی و شال با دوخت دست.",
     TraineeStatus.VERIFIED, None),
    (12, "امیر صادقی", SAHAND, "woodwork", "معرق صادقی", "sadeghi-marquetry",
     "تابلوهای معرق چوب.",
     TraineeStatus.REJECTED,
     "شماره‌ی گواهی با سوابق آموزشگاه مطابقت ندارد؛ لطفاً تصویر گواهی را به دفتر آموزشگاه بیاورید."),
]

DEMO_LOGINS: list[tuple[str, str]] = [
    ("platform admin", f"admin@{DOMAIN}"),
    ("centre staff (Osku)", f"staff.osku@{DOMAIN}"),
    ("centre staff (Sahand)", f"staff.sahand@{DOMAIN}"),
    ("centre staff (Sardrud)", f"staff.sardrud@{DOMAIN}"),
    ("municipal staff (Sahand)", f"municipal.sahand@{DOMAIN}"),
    ("municipal staff (Sardrud)", f"municipal.sardrud@{DOMAIN}"),
    ("trainee, verified", f"trainee1@{DOMAIN}"),
    ("trainee, pending", f"trainee7@{DOMAIN}"),
    ("trainee, rejected", f"trainee12@{DOMAIN}"),
    ("buyer", f"buyer@{DOMAIN}"),
]


def demo_email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def _user(local: str, name: str, *, is_admin: bool = False) -> tuple[User, bool]:
    email = demo_email(local)
    user = find_user_by_email(email)
    if user is not None:
        return user, False
    user = User(email=email, display_name=name, password_hash=hash_password(DEMO_PASSWORD),
                locale="fa", is_admin=is_admin)
    db.session.add(user)
    db.session.flush()
    return user, True


def _centre(slug, kind, name_fa, name_en, city) -> tuple[TrainingCentre, bool]:
    centre = db.session.scalar(select(TrainingCentre).where(TrainingCentre.slug == slug))
    if centre is not None:
        return centre, False
    centre = TrainingCentre(slug=slug, kind=kind, name_fa=name_fa, name_en=name_en, city=city,
                            province=PROVINCE)
    db.session.add(centre)
    db.session.flush()
    return centre, True


def _municipality(slug, name_fa, name_en, city) -> tuple[Municipality, bool]:
    municipality = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if municipality is not None:
        return municipality, False
    municipality = Municipality(slug=slug, name_fa=name_fa, name_en=name_en, city=city,
                                province=PROVINCE)
    db.session.add(municipality)
    db.session.flush()
    return municipality, True


def _count(created: list[bool]) -> str:
    made = sum(created)
    return f"{made} created, {len(created) - made} already there"


def seed(echo) -> None:
    admin, made = _user(*ADMIN, is_admin=True)
    echo(f"accounts: administrator {admin.email} ({'created' if made else 'already there'})")

    centres, created = {}, []
    for slug, kind, name_fa, name_en, city in CENTRES:
        centres[slug], made = _centre(slug, kind, name_fa, name_en, city)
        created.append(made)
    echo(f"accounts: training centres — Osku, Sahand, Sardrud ({_count(created)})")

    municipalities, created = {}, []
    for slug, name_fa, name_en, city in MUNICIPALITIES:
        municipalities[slug], made = _municipality(slug, name_fa, name_en, city)
        created.append(made)
    echo(f"accounts: municipalities — Sahand, Sardrud ({_count(created)})")

    staff_by_centre, created = {}, []
    for local, name, slug in CENTRE_STAFF:
        user, _made = _user(local, name)
        centre = centres[slug]
        staff_by_centre[slug] = user
        is_new = centre.id not in user.staff_centre_ids
        if is_new:
            db.session.add(CentreStaff(user=user, centre=centre))
        created.append(is_new)
    for local, name, slug in MUNICIPAL_STAFF:
        user, _made = _user(local, name)
        municipality = municipalities[slug]
        is_new = municipality.id not in user.staff_municipality_ids
        if is_new:
            db.session.add(MunicipalStaff(user=user, municipality=municipality))
        created.append(is_new)
    db.session.flush()
    echo(f"accounts: centre and municipal staff ({_count(created)})")

    created = []
    for n, name, slug, trade, store_name, store_slug, bio, status, reason in TRAINEES:
        user, _made = _user(f"trainee{n}", name)
        if user.trainee is not None:
            created.append(False)
            continue
        reviewed = status != TraineeStatus.PENDING
        db.session.add(Trainee(
            user=user, centre=centres[slug], trade=trade, store_name=store_name,
            store_slug=store_slug, bio=bio, certificate_number=f"{slug[:2].upper()}-1404-{n:03d}",
            status=status, status_reason=reason,
            status_changed_at=utcnow() if reviewed else None,
            status_changed_by_id=staff_by_centre[slug].id if reviewed else None))
        created.append(True)
    db.session.flush()
    echo(f"accounts: trainees — 8 carpet-tableau trainees of Sardrud (6 verified, 2 pending) "
         f"and 4 others ({_count(created)})")

    buyer, made = _user(*BUYER)
    if made:  # phone sign-in to try: the code lands in the SMS outbox (instance/sms-outbox)
        buyer.phone, buyer.phone_verified_at = BUYER_PHONE, utcnow()
        db.session.flush()
    echo(f"accounts: buyer {buyer.email} ({'created' if made else 'already there'}), "
         f"mobile {buyer.phone or '—'}")
    second, made = _user(*SECOND_BUYER)
    if made:
        second.phone, second.phone_verified_at = SECOND_BUYER_PHONE, utcnow()
        db.session.flush()
