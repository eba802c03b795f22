"""In a real browser, in Persian: a trainee signs up choosing a centre, the centre's staff verify
them, and the trainee logs in to find their store verified."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.accounts.models import Trainee, TraineeStatus, User
from tests.e2e.persian_pages import expect_persian_rtl, log_in, log_out
from tests.factories.accounts import PASSWORD


def test_trainee_signs_up_in_persian_is_verified_by_centre_staff_and_logs_in(
        app, db, page, new_page, fa, screenshot, create_centre, create_centre_staff):
    osku = create_centre(name_fa="مرکز آموزش فنی و حرفه‌ای اسکو",
                         name_en="Osku Technical and Vocational Training Centre", city="اسکو")
    sardrud = create_centre(name_fa="آموزشگاه آزاد تابلو فرش سردرود",
                            name_en="Sardrud Carpet Tableau Institute", city="سردرود")
    staff = create_centre_staff(centre=sardrud, email="staff.sardrud@example.org",
                                display_name="رقیه سلیمانی", locale="fa")
    create_centre_staff(centre=osku, email="staff.osku@example.org", locale="fa")
    sardrud_id, staff_email = sardrud.id, staff.email
    db.session.rollback()  # hold no transaction while the browser writes

    # --- the trainee signs up, in Persian, on a right-to-left page ---------------------------
    page.goto("/signup/trainee")
    expect_persian_rtl(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Sign up as a trainee"))
    page.get_by_label(fa("Your name"), exact=True).fill("زهرا رضایی")
    page.get_by_label(fa("Email"), exact=True).fill("Zahra.Rezaei@Example.org")
    page.get_by_label(fa("Phone (optional)"), exact=True).fill("۰۹۱۴۱۲۳۴۵۶۷")  # Persian digits
    page.get_by_label(fa("Password"), exact=True).fill("tableau-carpet-1403")
    centre_select = page.get_by_label(fa("Training centre"), exact=True)
    sardrud_option = centre_select.locator("option", has_text="آموزشگاه آزاد تابلو فرش سردرود")
    centre_select.select_option(sardrud_option.get_attribute("value"))
    page.get_by_label(fa("Trade"), exact=True).select_option("carpet_weaving")
    page.get_by_label(fa("Course or certificate number"), exact=True).fill("۱۴۰۲۵۵")
    page.get_by_label(fa("Store name"), exact=True).fill("تابلو فرش زهرا")
    page.get_by_label(fa("About you and your work"), exact=True).fill(
        "تابلو فرش‌های دست‌باف با نقشه‌های تبریز")
    screenshot(page, "signup-trainee-fa")
    page.get_by_role("button", name=fa("Sign up as a trainee"), exact=True).click()

    welcome = fa("Your trainee account is waiting for your centre to verify it.")
    expect(page.get_by_role("status").filter(has_text=welcome)).to_be_visible()
    expect(page.get_by_text(fa("Waiting for verification"), exact=True)).to_be_visible()

    db.session.rollback()
    trainee = db.session.scalars(
        select(Trainee).join(Trainee.user).where(User.email == "zahra.rezaei@example.org")).one()
    assert trainee.status == TraineeStatus.PENDING
    assert trainee.centre_id == sardrud_id
    assert trainee.user.phone == "+989141234567"  # E.164, however typed
    assert trainee.certificate_number == "140255"
    assert trainee.user.locale == "fa"
    trainee_id = trainee.id
    db.session.rollback()

    log_out(page, fa)

    # --- the Sardrud institute's staff verify her --------------------------------------------
    staff_page = new_page()
    log_in(staff_page, fa, staff_email, PASSWORD)
    staff_page.goto("/centre/trainees")
    expect_persian_rtl(staff_page)
    card = staff_page.get_by_role("article", name="زهرا رضایی")
    expect(card).to_contain_text(fa("Carpet weaving"))
    expect(card).to_contain_text("آموزشگاه آزاد تابلو فرش سردرود")
    card.get_by_role("button", name=fa("Verify"), exact=True).click()
    expect(staff_page.get_by_role("article", name="زهرا رضایی")).to_have_count(0)
    expect(staff_page.get_by_role("row", name=re.compile("زهرا رضایی"))).to_contain_text(
        fa("Verified"))

    db.session.rollback()
    trainee = db.session.get(Trainee, trainee_id)
    assert trainee.status == TraineeStatus.VERIFIED
    assert trainee.status_changed_by_id is not None
    db.session.rollback()

    # --- the trainee logs in and sees that she is verified -------------------------------------
    log_in(page, fa, "zahra.rezaei@example.org", "tableau-carpet-1403")
    page.goto("/account")
    expect_persian_rtl(page)
    expect(page.get_by_text(fa("Verified"), exact=True)).to_be_visible()
    expect(page.get_by_text(fa("%(centre)s verified you. You can sell and apply for booths.",
                               centre="آموزشگاه آزاد تابلو فرش سردرود"))).to_be_visible()

    # --- the Persian home page, kept as an artifact ------------------------------------------
    page.goto("/")
    expect_persian_rtl(page)
    path = screenshot(page, "home-fa")
    assert path.stat().st_size > 10_000
