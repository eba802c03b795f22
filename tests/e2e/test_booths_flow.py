"""In a real browser, in Persian: a trainee applies for a festival booth, municipal staff run
the allocator, read the preview with its reasons, confirm it, and the public market page shows
the trainee at their booth, linked to their store. On a 390-px phone the staff's market pages
fit the screen: their tables become cards."""


from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.booths.models import Application, ApplicationStatus, Assignment
from marketplace.core.i18n import jalali_date
from tests.e2e.persian_pages import log_in

PHONE = {"width": 390, "height": 844}


def test_trainee_applies_staff_allocate_and_the_public_page_shows_the_booth(
        app, db, new_page, fa, screenshot, create_municipality, create_municipal_staff,
        create_venue, create_booth, create_market, create_category, create_trainee):
    sardrud = create_municipality(name_fa="شهرداری سردرود", name_en="Sardrud Municipality")
    staff = create_municipal_staff(municipality=sardrud, email="municipal.sardrud@example.org",
                                   locale="fa")
    venue = create_venue(municipality=sardrud, name_fa="سالن فرهنگی سردرود")
    for i in range(3):
        create_booth(venue=venue, code=str(12 + i), has_power=True)
    carpets = create_category(slug="carpet-tableau", name_fa="تابلو فرش",
                              name_en="Carpet tableaux")
    market = create_market(venue=venue, days=2, name_fa="جشنواره تابلو فرش سردرود",
                           categories=[(carpets, None)])
    trainee = create_trainee(store_name="تابلو فرش رحیمی", store_slug="rahimi-tableau")
    trainee.user.locale = "fa"
    first_day = market.days[0]
    market_id, first_day_id = market.id, first_day.id
    first_day_text = jalali_date(first_day.day, with_weekday=True)
    trainee_email, staff_email = trainee.user.email, staff.email
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes

    # --- the trainee applies for the first day ----------------------------------------------
    page = new_page()
    log_in(page, fa, trainee_email)
    page.goto(f"/booths/markets/{market_id}/apply")
    expect(page.get_by_role("heading", level=1)).to_contain_text("جشنواره تابلو فرش سردرود")
    page.get_by_label(first_day_text, exact=True).check()
    page.get_by_label("تابلو فرش", exact=True).check()
    page.get_by_label(fa("I need power"), exact=True).check()
    screenshot(page, "booths-apply-fa")
    page.get_by_role("button", name=fa("Send application"), exact=True).click()
    expect(page.get_by_role("status").filter(
        has_text=fa("Your application is in. You will hear from us after the allocation.")
    )).to_be_visible()

    db.session.rollback()
    application = db.session.scalar(select(Application))
    assert application.status == ApplicationStatus.SUBMITTED and application.needs_power
    db.session.rollback()

    # --- staff run the allocator, read the preview, confirm -----------------------------------
    staff_page = new_page()
    log_in(staff_page, fa, staff_email)
    staff_page.goto(f"/booths/markets/{market_id}/manage")
    staff_page.get_by_role("button", name=fa("Run the allocator (preview)"), exact=True).click()
    placements = staff_page.locator("#placements")
    expect(placements).to_contain_text("تابلو فرش رحیمی")
    expect(staff_page.get_by_text(fa("preview — nothing is given until you confirm"))
           ).to_be_visible()
    db.session.rollback()
    assert db.session.scalar(select(Assignment)) is None  # a preview gives nothing
    db.session.rollback()
    screenshot(staff_page, "booths-preview-fa")
    staff_page.get_by_role("button", name=fa("Confirm this allocation"), exact=True).click()
    expect(staff_page.get_by_role("status").filter(has_text="۱")).to_be_visible()

    db.session.rollback()
    assignment = db.session.scalar(select(Assignment))
    assert assignment is not None and assignment.trainee_id == trainee.id
    booth_code = assignment.booth.code
    db.session.rollback()

    # --- anyone sees who is where, linked to the store ----------------------------------------
    visitor = new_page()
    visitor.goto(f"/markets/{market_id}")
    row = visitor.locator("#who-is-where")
    expect(row).to_contain_text("تابلو فرش رحیمی")
    expect(row).to_contain_text(fa("Booth %(code)s", code=booth_code).replace(
        booth_code, "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in booth_code)))
    link = row.get_by_role("link", name="تابلو فرش رحیمی")
    expect(link).to_have_attribute("href", "/s/rahimi-tableau")
    expect(visitor.locator(f"#booth-{assignment.booth_id}.booth-taken")).to_have_count(1)
    screenshot(visitor, "booths-market-page-fa")

    # --- the staff's market pages on a phone: no sideways scrolling (the days table was 718 px,
    # the check-in code field 474 px) ----------------------------------------------------------
    staff_page.set_viewport_size(PHONE)
    for name, path in (("manage", f"/booths/markets/{market_id}/manage"),
                       ("applications", f"/booths/markets/{market_id}/applications"),
                       ("markets", "/booths/markets"),
                       ("check-in", f"/booths/days/{first_day_id}/check-in"),
                       ("print", f"/booths/days/{first_day_id}/print")):
        staff_page.goto(path)
        assert staff_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        screenshot(staff_page, f"booths-{name}-fa-390")
