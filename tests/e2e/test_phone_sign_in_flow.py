"""On a phone, in Persian: a buyer with a verified number signs in by a code texted to it
(read here from the development SMS outbox), typed in Persian digits."""

from playwright.sync_api import expect

from marketplace.core.db import utcnow
from marketplace.core.digits import to_persian_digits
from marketplace.core.sms.outbox import outbox_messages
from tests.e2e.persian_pages import account_menu, expect_persian_rtl


def test_a_buyer_signs_in_by_phone_on_a_phone(app, db, page, fa, screenshot, create_user):
    create_user(locale="fa", display_name="مریم تهرانی", phone="+989121234567",
                phone_verified_at=utcnow())
    db.session.rollback()  # hold no transaction while the browser writes

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    expect_persian_rtl(page)
    page.get_by_role("link", name=fa("Log in with your mobile"), exact=True).click()
    page.get_by_label(fa("Mobile number"), exact=True).fill("۰۹۱۲ ۱۲۳ ۴۵۶۷")
    page.get_by_role("button", name=fa("Text me a code"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Enter the code"))
    expect(page.locator("main")).to_contain_text("۰۹۱۲ ۱۲۳ ۴۵۶۷")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-sign-in-code")

    (message,) = outbox_messages()
    assert message["to"] == "+989121234567"
    page.get_by_label(fa("Code from the text message"), exact=True) \
        .fill(to_persian_digits(message["code"]))
    page.get_by_role("button", name=fa("Log in"), exact=True).click()
    expect(account_menu(page)).to_be_visible()
