"""On a phone, in Persian: a signed-in buyer sees the bell's unread count in Persian digits,
opens the notices page, and marks them read."""

from playwright.sync_api import expect

from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify
from tests.e2e.persian_pages import expect_persian_rtl, log_in


def test_a_buyer_sees_the_bell_and_reads_the_notices_on_a_phone(app, db, page, fa, screenshot,
                                                                 create_user):
    buyer = create_user(locale="fa", display_name="سارا احمدی")
    for number in ("BZ-1001", "BZ-1002", "BZ-1003"):
        notify(buyer, EventKind.ORDER_READY_FOR_PICKUP, {
            "number": number, "store": "تابلوفرش مریم", "pickup_place": "بازارچه‌ی سهند، غرفه‌ی ۷"})
    db.session.commit()
    db.session.rollback()  # hold no transaction while the browser writes

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, fa, buyer.email)
    bell = page.locator("a.bell")
    expect(bell.locator(".bell-count")).to_have_text("۳")
    expect(bell).to_have_attribute("aria-label", fa("Notices: %(n)s unread", n="۳"))

    bell.click()
    expect_persian_rtl(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Notices"))
    expect(page.locator(".notice")).to_have_count(3)
    expect(page.locator(".notice").first).to_contain_text("بازارچه‌ی سهند")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "notices-phone-fa")

    page.get_by_role("button", name=fa("Mark all read"), exact=True).click()
    expect(page.locator("a.bell .bell-count")).to_have_text("۰")
    expect(page.locator(".notice-unread")).to_have_count(0)

    page.get_by_role("link", name=fa("How notices reach me"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("How notices reach me"))
    sms = page.get_by_role("checkbox", name=f'{fa("Order ready for pickup")}: {fa("Text message")}')
    expect(sms).to_be_checked()
    sms.uncheck()
    page.get_by_role("button", name=fa("Save"), exact=True).click()
    expect(page.get_by_role("checkbox", name=f'{fa("Order ready for pickup")}: '
                                             f'{fa("Text message")}')).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "notice-preferences-phone-fa")
