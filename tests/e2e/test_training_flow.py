"""In a real browser, in Persian: a centre requests a weekly dyeing class in a Sardrud
cultural-centre room, municipal staff approve it with one session moved to another time, the
centre accepts the move and publishes a course, a citizen registers, another waits, and the
waitlist moves up when the first cancels."""

from datetime import time, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.training.models import Registration, SessionStatus, Space, TrainingSession
from tests.e2e.persian_pages import log_in
from tests.training.conftest import next_weekday


def test_weekly_dyeing_class_from_request_to_waitlist(
        app, db, new_page, fa, screenshot, create_municipality, create_municipal_staff,
        create_venue, create_centre, create_centre_staff, create_user):
    sardrud = create_municipality(name_fa="شهرداری سردرود", name_en="Sardrud Municipality",
                                  city="سردرود")
    staff = create_municipal_staff(municipality=sardrud, locale="fa")
    venue = create_venue(municipality=sardrud, name_fa="فرهنگسرای سردرود")
    space = Space(venue=venue, name_fa="کارگاه دار قالی", capacity=12,
                  equipment=["looms", "sinks", "power"], opens_at=time(9, 0),
                  closes_at=time(18, 0), open_weekdays=[0, 1, 2, 3, 4, 5, 6])
    db.session.add(space)
    centre = create_centre(name_fa="آموزشگاه تابلو فرش سردرود", city="سردرود")
    teacher = create_centre_staff(centre=centre, locale="fa")
    first, second = create_user(locale="fa", display_name="نیلوفر"), \
        create_user(locale="fa", display_name="رضا")
    db.session.commit()
    space_id = space.id
    emails = {"staff": staff.email, "teacher": teacher.email, "first": first.email,
              "second": second.email}
    saturday = next_weekday(5)
    db.session.rollback()  # hold no transaction while the browser writes

    # --- the centre asks for three Saturdays, 10–12 -----------------------------------------
    centre_page = new_page()
    log_in(centre_page, fa, emails["teacher"])
    centre_page.goto(f"/training/spaces/{space_id}/request")
    centre_page.get_by_label(fa("Title"), exact=True).fill("کلاس هفتگی رنگرزی سنتی")
    centre_page.get_by_label(fa("Expected attendance"), exact=True).fill("۸")
    centre_page.get_by_label(fa("Sinks"), exact=True).check()
    centre_page.get_by_label(fa("A series"), exact=True).check()
    centre_page.get_by_label(fa("Saturday"), exact=True).check()
    centre_page.get_by_label(fa("From (series)"), exact=True).fill(saturday.isoformat())
    centre_page.get_by_label(fa("To (series)"), exact=True).fill(
        (saturday + timedelta(days=14)).isoformat())
    centre_page.get_by_label(fa("Starts at"), exact=True).fill("10:00")
    centre_page.get_by_label(fa("Ends at"), exact=True).fill("12:00")
    screenshot(centre_page, "training-request-fa")
    centre_page.get_by_role("button", name=fa("Send the request"), exact=True).click()
    expect(centre_page.get_by_role("status").filter(
        has_text=fa("Your request was sent to the municipality."))).to_be_visible()
    booking_url = centre_page.url
    expect(centre_page.locator("ol.sessions > li")).to_have_count(3)

    # --- staff move the second session to 14–16 and approve the others -----------------------
    staff_page = new_page()
    log_in(staff_page, fa, emails["staff"])
    staff_page.goto(booking_url)
    staff_page.get_by_text(fa("Propose another time for a session"), exact=True).click()
    second_form = staff_page.locator("form.propose-form").nth(1)
    second_form.get_by_label(fa("Day"), exact=True).fill(
        (saturday + timedelta(days=7)).isoformat())
    second_form.get_by_label(fa("Starts at"), exact=True).fill("14:00")
    second_form.get_by_label(fa("Ends at"), exact=True).fill("16:00")
    second_form.get_by_role("button", name=fa("Propose"), exact=True).click()
    expect(staff_page.get_by_role("status").filter(
        has_text=fa("Another time was proposed to the centre."))).to_be_visible()
    staff_page.get_by_role("button", name=fa("Approve the sessions ticked"), exact=True).click()
    expect(staff_page.get_by_role("status").filter(
        has_text=fa("The sessions chosen are approved."))).to_be_visible()
    screenshot(staff_page, "training-decided-fa")

    # --- the centre accepts the move and publishes a course of one place ----------------------
    centre_page.goto(booking_url)
    centre_page.locator("form.accept-form button").click()
    expect(centre_page.locator("#booking-status")).to_have_text(fa("Approved"))
    db.session.rollback()
    sessions = db.session.scalars(select(TrainingSession).order_by(
        TrainingSession.starts_at)).all()
    assert [s.status for s in sessions] == [SessionStatus.APPROVED] * 3
    assert sessions[1].starts_at.hour == 10 and sessions[1].starts_at.minute == 30  # 14:00
    db.session.rollback()
    centre_page.locator("#publish-course").click()
    centre_page.get_by_label(fa("Teacher"), exact=True).fill("رضا باقری")
    centre_page.get_by_label(fa("Trade"), exact=True).select_option(label=fa(
        "Traditional dyeing"))
    centre_page.get_by_label(fa("Places"), exact=True).fill("۱")
    centre_page.get_by_label(fa("Places on the waitlist (0 = none)"), exact=True).fill("۱")
    centre_page.get_by_role("button", name=fa("Publish"), exact=True).click()
    expect(centre_page.get_by_role("status").filter(
        has_text=fa("The course is on the public calendar."))).to_be_visible()
    course_url = centre_page.url

    # --- a citizen registers, another waits, the first cancels: the second moves up ----------
    citizen = new_page()
    citizen.set_viewport_size({"width": 390, "height": 844})
    log_in(citizen, fa, emails["first"])
    citizen.goto("/courses")
    citizen.get_by_role("link", name="کلاس هفتگی رنگرزی سنتی").click()
    screenshot(citizen, "training-course-390-fa")
    citizen.get_by_role("button", name=fa("Register"), exact=True).click()
    expect(citizen.locator("#registration")).to_contain_text(fa("You are registered."))

    waiting = new_page()
    log_in(waiting, fa, emails["second"])
    waiting.goto(course_url)
    waiting.get_by_role("button", name=fa("Join the waitlist"), exact=True).click()
    expect(waiting.locator("#registration")).to_contain_text(fa("You are on the waitlist."))

    citizen.get_by_role("button", name=fa("Cancel my registration"), exact=True).click()
    waiting.goto(course_url)
    expect(waiting.locator("#registration")).to_contain_text(fa("You are registered."))
    db.session.rollback()
    assert {r.status.value for r in db.session.scalars(select(Registration))} == {
        "registered", "cancelled"}
    db.session.rollback()
