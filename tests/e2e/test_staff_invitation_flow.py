"""In a real browser, in Persian, on a 390-px phone (issue 18): centre staff invite a colleague
by email from the staff menu, confirm, and the colleague — with no account yet — opens the
link, signs up (the link kept as `next`), accepts, and lands on their home with the staff menu."""

import re

from playwright.sync_api import expect

from marketplace.core.mail import outbox_messages
from tests.e2e.persian_pages import expect_persian_rtl, log_in, open_menu
from tests.factories.accounts import PASSWORD

PHONE = {"width": 390, "height": 844}
INVITEE = "kaveh@example.org"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_staff_invite_a_colleague_who_signs_up_and_accepts(app, db, page, new_page, fa,
                                                           screenshot, create_centre,
                                                           create_centre_staff):
    centre = create_centre(name_fa="هنرستان فنی اسکو")
    staff = create_centre_staff(centre=centre, display_name="زهرا کریمی", locale="fa")
    email = staff.email
    db.session.rollback()  # hold no transaction while the browser writes

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)
    open_menu(page, "staff")
    page.locator("header").get_by_role("link", name=fa("Colleagues"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fa("Staff of %(organisation)s", organisation="هنرستان فنی اسکو"))
    expect_persian_rtl(page)
    page.get_by_label(fa("Colleague's email"), exact=True).fill(INVITEE)
    page.get_by_role("button", name=fa("Continue"), exact=True).click()

    # The confirmation step says which role goes where before anything is sent.
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Confirm the invitation"))
    expect(page.locator("main")).to_contain_text(fa("Training-centre staff"))
    assert fits_the_screen(page)
    screenshot(page, "staff-invitation-confirm")
    assert outbox_messages() == []
    page.get_by_role("button", name=fa("Send the invitation"), exact=True).click()
    expect(page.locator("main")).to_contain_text(INVITEE)
    assert fits_the_screen(page)

    (mail,) = outbox_messages()
    link = re.search(r"/invitations/[A-Za-z0-9_-]+", mail.get_content()).group(0)

    colleague = new_page()
    colleague.set_viewport_size(PHONE)
    colleague.goto(link)
    expect_persian_rtl(colleague)
    assert fits_the_screen(colleague)
    screenshot(colleague, "staff-invitation-signed-out")
    colleague.locator("main").get_by_role("link", name=fa("Sign up"), exact=True).click()
    colleague.get_by_label(fa("Your name"), exact=True).fill("کاوه احمدی")
    colleague.get_by_label(fa("Email"), exact=True).fill(INVITEE)
    colleague.get_by_label(fa("Password"), exact=True).fill(PASSWORD)
    colleague.get_by_role("button", name=fa("Create my account"), exact=True).click()

    expect(colleague).to_have_url(re.compile(re.escape(link) + "$"))
    accept = colleague.get_by_role("button", name=fa("Accept and join the staff"), exact=True)
    expect(accept).to_be_visible()
    assert fits_the_screen(colleague)
    screenshot(colleague, "staff-invitation-accept")
    accept.click()
    expect(colleague).to_have_url(re.compile(r"/my$"))
    expect(colleague.locator("header details.nav-menu-staff")).to_have_count(1)
    assert not any(ch in "0123456789" for ch in colleague.locator("main").inner_text())
